package mcp_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// legacyClient speaks raw JSON-RPC to /mcp as a client on protocol version 2025-06-18 does (mcp-remote and most
// clients): initialize answers a session id, which every later request names in Mcp-Session-Id. (The go-sdk client
// speaks 2026-07-28 by default, which has no sessions.)
type legacyClient struct {
	t     *testing.T
	url   string
	token string // the bearer token sent; testToken when empty
}

func newLegacyClient(t *testing.T, hs *httpServer) *legacyClient {
	return &legacyClient{t: t, url: hs.url + mcp.PathMCP}
}

// header is the headers of a request naming session ("" for none).
func (c *legacyClient) header(session string) http.Header {
	token := c.token
	if token == "" {
		token = testToken
	}
	h := http.Header{"Authorization": {"Bearer " + token}}
	if session != "" {
		h.Set("Mcp-Session-Id", session)
		h.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	return h
}

// initialize starts a session and returns its id.
func (c *legacyClient) initialize() string {
	c.t.Helper()
	resp, body := httpDo(c.t, http.MethodPost, c.url, c.header(""), initializeBody)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Mcp-Session-Id") == "" {
		c.t.Fatalf("initialize: %d %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Mcp-Session-Id")
}

// do sends one request naming session ("" for none) and returns the answer with its body.
func (c *legacyClient) do(method, session, body string) (*http.Response, string) {
	c.t.Helper()
	return httpDo(c.t, method, c.url, c.header(session), body)
}

// listTools lists the tools in session and returns the HTTP answer.
func (c *legacyClient) listTools(session string) (*http.Response, string) {
	c.t.Helper()
	return c.do(http.MethodPost, session, `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`)
}

// openStream opens session's event stream (GET /mcp) and returns it once the server answered, with a channel
// closed when the server ends it. The stream is closed when the test ends.
func (c *legacyClient) openStream(session string) (*http.Response, <-chan struct{}) {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c.t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	maps.Copy(req.Header, c.header(session))
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
	}()
	return resp, ended
}

// waitEnded fails the test unless the stream ends within 10 seconds.
func waitEnded(t *testing.T, what string, ended <-chan struct{}) {
	t.Helper()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s is still open", what)
	}
}

// stillOpen reports whether a stream has not ended (yet).
func stillOpen(ended <-chan struct{}) bool {
	select {
	case <-ended:
		return false
	default:
		return true
	}
}

// rpcError decodes the JSON-RPC error an HTTP answer carries, failing the test when it carries none.
func rpcError(t *testing.T, what, body string) (id json.RawMessage, code int, message string) {
	t.Helper()
	var msg struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &msg); err != nil || msg.JSONRPC != "2.0" || msg.Error == nil {
		t.Fatalf("%s: not a JSON-RPC error (%v): %s", what, err, body)
	}
	return msg.ID, msg.Error.Code, msg.Error.Message
}

// TestHTTP_DeleteEndsTheSession: after its client's DELETE, a session is gone: requests naming it get 404 (which
// makes a client start a new one), and so does a second DELETE. A DELETE must name the session.
func TestHTTP_DeleteEndsTheSession(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	c := newLegacyClient(t, hs)
	live := func() float64 { return metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=streamable") }

	session := c.initialize()
	if resp, body := c.listTools(session); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"get_contact"`) {
		t.Fatalf("tools/list: %d %.300s", resp.StatusCode, body)
	}
	_, stream := c.openStream(session)
	if n := live(); n != 1 {
		t.Fatalf("%v live sessions, want 1", n)
	}
	if resp, body := c.do(http.MethodDelete, session, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, body)
	}
	waitEnded(t, "the event stream of the deleted session", stream)
	if n := live(); n != 0 {
		t.Errorf("%v live sessions after the DELETE, want 0", n)
	}
	resp, body := c.listTools(session)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("tools/list after DELETE: %d %.300s, want 404", resp.StatusCode, body)
	}
	if id, _, msg := rpcError(t, "tools/list after DELETE", body); string(id) != "7" || !strings.Contains(msg, "initialize") {
		t.Errorf("tools/list after DELETE: id %s, message %q: want the request's id and a message saying to initialize", id, msg)
	}
	if resp, body := c.do(http.MethodGet, session, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET after DELETE: %d %.300s, want 404", resp.StatusCode, body)
	}
	if resp, body := c.do(http.MethodDelete, session, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("second DELETE: %d %s, want 404", resp.StatusCode, body)
	}
	if resp, body := c.do(http.MethodDelete, "nope", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE of an unknown session: %d %s, want 404", resp.StatusCode, body)
	}
	resp, body = c.do(http.MethodDelete, "", "")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("DELETE without Mcp-Session-Id: %d %s, want 400", resp.StatusCode, body)
	}
	if _, _, msg := rpcError(t, "DELETE without Mcp-Session-Id", body); !strings.Contains(msg, "Mcp-Session-Id") {
		t.Errorf("DELETE without Mcp-Session-Id: %q does not name the header", msg)
	}
	// A new session works as ever.
	if resp, body := c.listTools(c.initialize()); resp.StatusCode != http.StatusOK {
		t.Errorf("tools/list in a new session: %d %.300s", resp.StatusCode, body)
	}
}

// TestHTTP_SessionIDsOfThisServerOnly: a session id this server did not issue (made up, or issued before a restart)
// gets 404 on every method, which makes a client start a new session; a request without one gets 400 saying to
// initialize first.
func TestHTTP_SessionIDsOfThisServerOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	other := startHTTP(t, w, mcp.HTTPOptions{}) // a restart issues ids the way another server does
	c := newLegacyClient(t, hs)
	foreign := newLegacyClient(t, other).initialize()
	for _, id := range []string{"nope", foreign, "mcp-session-5f0c3a1e-9a63-4c7e-8d3c-2b7f3b0a1c55"} {
		if resp, body := c.listTools(id); resp.StatusCode != http.StatusNotFound {
			t.Errorf("tools/list in session %q: %d %.300s, want 404", id, resp.StatusCode, body)
		} else if _, code, msg := rpcError(t, "tools/list in an unknown session", body); code != -32001 || !strings.Contains(msg, "initialize") {
			t.Errorf("tools/list in session %q: %d %q", id, code, msg)
		}
		if resp, body := c.do(http.MethodGet, id, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET in session %q: %d %.300s, want 404", id, resp.StatusCode, body)
		}
	}

	resp, body := c.listTools("")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("tools/list without Mcp-Session-Id: %d %.300s, want 400", resp.StatusCode, body)
	}
	if id, _, msg := rpcError(t, "tools/list without Mcp-Session-Id", body); string(id) != "7" ||
		!strings.Contains(msg, "Mcp-Session-Id") || !strings.Contains(msg, "initialize") {
		t.Errorf("tools/list without Mcp-Session-Id: id %s, message %q", id, msg)
	}
	if resp, body := c.do(http.MethodPost, "", `{"jsonrpc":"2.0","method":"notifications/initialized"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a notification without Mcp-Session-Id: %d %s, want 400", resp.StatusCode, body)
	}
	resp, body = c.do(http.MethodGet, "", "")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("GET without Mcp-Session-Id: %d %.300s, want 400", resp.StatusCode, body)
	}
	if _, _, msg := rpcError(t, "GET without Mcp-Session-Id", body); !strings.Contains(msg, "Mcp-Session-Id") || !strings.Contains(msg, "initialize") {
		t.Errorf("GET without Mcp-Session-Id: %q", msg)
	}
	if n := metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=streamable"); n != 0 {
		t.Errorf("%v live sessions, want 0: none was initialized", n)
	}

	// initialize sent with a session id, live or not, starts a new session all the same, which the table counts.
	live := c.initialize()
	for i, id := range []string{live, "nope"} {
		resp, body := c.do(http.MethodPost, id, initializeBody)
		if created := resp.Header.Get("Mcp-Session-Id"); resp.StatusCode != http.StatusOK || created == "" || created == id {
			t.Fatalf("initialize with session %q: %d, session %q: %.300s", id, resp.StatusCode, created, body)
		}
		if n := metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=streamable"); n != float64(i+2) {
			t.Errorf("%v live sessions, want %d", n, i+2)
		}
	}
}

// TestHTTP_OneEventStreamPerSession: a session has at most one event stream (GET /mcp): a new one ends the one
// before (a client reconnecting), so a flood of GETs on one session holds one stream. Streams count against
// serve.max_sessions: a session with a stream is ended to admit another when every session is busy.
func TestHTTP_OneEventStreamPerSession(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	clock := newClock()
	hs := startHTTP(t, w, mcp.HTTPOptions{MaxSessions: 2, Now: clock.Now})
	c := newLegacyClient(t, hs)

	a := c.initialize()
	var streams []<-chan struct{}
	for range 20 {
		resp, ended := c.openStream(a)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("GET: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		streams = append(streams, ended)
	}
	for _, ended := range streams[:len(streams)-1] {
		waitEnded(t, "an earlier stream of the session", ended)
	}
	if resp, body := c.listTools(a); resp.StatusCode != http.StatusOK {
		t.Fatalf("tools/list: %d %.300s", resp.StatusCode, body)
	}
	last := streams[len(streams)-1]
	if !stillOpen(last) {
		t.Fatal("the session's latest stream ended")
	}

	clock.Advance(time.Second)
	b := c.initialize()
	_, bStream := c.openStream(b)
	clock.Advance(time.Second)
	c.initialize() // both sessions busy with their streams: the least recently active one, a, is ended
	waitEnded(t, "the stream of the session ended for the limit", last)
	if !stillOpen(bStream) {
		t.Error("the stream of the more recently active session ended")
	}
	if n := metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=streamable"); n != 2 {
		t.Errorf("%v live sessions, want 2", n)
	}
}

// TestHTTP_MCPEndpointRefusals: /mcp serves GET, POST and DELETE, and any other method gets 405 naming them; a
// request whose id is null, an object, an array, a boolean or a fraction is an invalid request, answered as one, not
// taken for a notification or served.
func TestHTTP_MCPEndpointRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	c := newLegacyClient(t, hs)
	session := c.initialize()
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodHead, http.MethodOptions, "PROPFIND"} {
		resp, body := c.do(method, session, "")
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST, DELETE" {
			t.Errorf("%s /mcp: %d, Allow %q: %s", method, resp.StatusCode, resp.Header.Get("Allow"), body)
		}
		if method != http.MethodHead {
			if _, _, msg := rpcError(t, method, body); !strings.Contains(msg, method) || !strings.Contains(msg, "GET, POST") {
				t.Errorf("%s /mcp: %q", method, msg)
			}
		}
	}
	for _, tc := range []struct {
		msg    string
		status int
		want   string // in the answer
	}{
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, http.StatusBadRequest, "null"},
		{`{"jsonrpc":"2.0","method":"ping","id":null}`, http.StatusBadRequest, "null"},
		{`{"jsonrpc":"2.0","ID":null,"method":"tools/list"}`, http.StatusBadRequest, "null"},
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`, http.StatusBadRequest, "an object"},
		{`{"jsonrpc":"2.0","id":[1],"method":"ping"}`, http.StatusBadRequest, "an array"},
		{`{"jsonrpc":"2.0","id":true,"method":"ping"}`, http.StatusBadRequest, "a boolean"},
		{`{"jsonrpc":"2.0","id":1.5,"method":"ping"}`, http.StatusBadRequest, "not an integer"},
		{`{"jsonrpc":"2.0","id":1,"id":null,"method":"ping"}`, http.StatusBadRequest, "null"},
		{`{"jsonrpc":"2.0","id":"a","method":"ping"}`, http.StatusOK, `"id":"a"`},
		{`{"jsonrpc":"2.0","id":-3,"method":"ping"}`, http.StatusOK, `"id":-3`},
		{`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"search","arguments":{"query":"object_type:contacts","id":null}}}`, http.StatusOK, `"id":4`},
		{`{"jsonrpc":"2.0","method":"notifications/initialized"}`, http.StatusAccepted, ""},
	} {
		resp, body := c.do(http.MethodPost, session, tc.msg)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.300s, want %d and %q", tc.msg, resp.StatusCode, body, tc.status, tc.want)
			continue
		}
		if tc.status == http.StatusBadRequest {
			if id, code, msg := rpcError(t, tc.msg, body); string(id) != "null" || code != -32600 || !strings.Contains(msg, "string or an integer") {
				t.Errorf("%s: id %s, code %d, message %q", tc.msg, id, code, msg)
			}
		}
	}
}

// TestHTTP_LegacyGoSDKClientSession: the go-sdk client on protocol version 2025-06-18 opens a session with its
// event stream, calls tools, and ends the session when it closes.
func TestHTTP_LegacyGoSDKClientSession(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	c := sdk.NewClient(&sdk.Implementation{Name: "e2e-legacy", Version: "1"}, nil)
	s, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: hs.url + mcp.PathMCP, HTTPClient: bearerClient(testToken), MaxRetries: -1},
		&sdk.ClientSessionOptions{ProtocolVersion: "2025-06-18"})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	if s.ID() == "" {
		t.Fatal("no session id: the client did not speak 2025-06-18")
	}
	mustOK(t, s, "get_contact", map[string]any{"id": "contact_" + contactBob})
	if n := metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=streamable"); n != 1 {
		t.Errorf("%v live sessions, want 1", n)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if n := metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=streamable"); n != 0 {
		t.Errorf("%v live sessions after the client closed, want 0", n)
	}
	if resp, body := newLegacyClient(t, hs).listTools(s.ID()); resp.StatusCode != http.StatusNotFound {
		t.Errorf("tools/list in the closed session: %d %.300s", resp.StatusCode, body)
	}
}

// TestHTTP_SessionsAreTheirOpenersOnly: a session answers only the principal that opened it. Another signed-in
// user who learns its id gets 404 for every method, as for a session that does not exist, and cannot end it.
func TestHTTP_SessionsAreTheirOpenersOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{Auth: mcp.AuthOptions{Tokens: []string{testToken, "another-local-token"}}})
	owner := newLegacyClient(t, hs)
	other := newLegacyClient(t, hs)
	other.token = "another-local-token"

	session := owner.initialize()
	if resp, body := other.listTools(session); resp.StatusCode != http.StatusNotFound {
		t.Errorf("tools/list by another principal: %d %.300s, want 404", resp.StatusCode, body)
	}
	if resp, body := other.do(http.MethodGet, session, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET by another principal: %d %.300s, want 404", resp.StatusCode, body)
	}
	if resp, body := other.do(http.MethodDelete, session, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE by another principal: %d %.300s, want 404", resp.StatusCode, body)
	}
	if resp, body := owner.listTools(session); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"get_contact"`) {
		t.Errorf("tools/list by its opener after the others: %d %.300s", resp.StatusCode, body)
	}
	// The other principal's own session works for it.
	if resp, body := other.listTools(other.initialize()); resp.StatusCode != http.StatusOK {
		t.Errorf("tools/list of the other's own session: %d %.300s", resp.StatusCode, body)
	}
}
