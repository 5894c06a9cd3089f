package mcp_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestTransports_EveryToolOnEachTransport runs every tool's happy path and a tool error over Streamable HTTP,
// legacy SSE and stdio, each with the independent go-sdk client.
func TestTransports_EveryToolOnEachTransport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	transports := []struct {
		name    string
		connect func(t *testing.T) *sdk.ClientSession
	}{
		{"streamable", func(t *testing.T) *sdk.ClientSession { return connectStreamable(t, hs, testToken) }},
		{"sse", func(t *testing.T) *sdk.ClientSession { return connectSSE(t, hs, testToken) }},
		{"stdio", func(t *testing.T) *sdk.ClientSession { return connectStdio(t, w) }},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			s := tr.connect(t)
			tools, err := s.ListTools(t.Context(), nil)
			if err != nil {
				t.Fatalf("list tools: %v", err)
			}
			if len(tools.Tools) != len(toolNames) {
				t.Fatalf("list tools: %d tools", len(tools.Tools))
			}
			calls := []struct {
				tool string
				args map[string]any
				want string
			}{
				{"search", map[string]any{"query": `object_type:conversations q:refund`}, "conversation_" + convRefund},
				{"fetch", map[string]any{"id": "conversation_" + convLogin}, "password reset guide (https://help.acme.io/reset)"},
				{"search_conversations", map[string]any{"state": "closed"}, "conversation_" + convLogin},
				{"get_conversation", map[string]any{"id": convRefund}, "double charged"},
				{"search_contacts", map[string]any{"email": "bob@acme.io"}, "contact_" + contactBob},
				{"get_contact", map[string]any{"id": "contact_" + contactJane}, `Companies: "Acme Inc"`},
				{"search", map[string]any{"query": `object_type:companies q:acme`}, "company_" + companyAcme},
				{"fetch", map[string]any{"id": "company_" + companyAcme}, `Segments: "Active users"`},
				{"list_companies", map[string]any{"plan": "Pro"}, "company_" + companyAcme},
				{"get_company", map[string]any{"id": "https://app.intercom.com/a/apps/abc123/companies/" + companyAcme}, `Plan: "Pro"`},
				{"search_conversations", map[string]any{"team_assignee_id": "5017691"}, `team "Billing" (5017691)`},
				{"search", map[string]any{"query": `object_type:articles q:remboursement`}, "article_" + articleRefunds},
				{"fetch", map[string]any{"id": "article_" + articleRefunds}, `Collections: "Billing › Refunds" (503)`},
				{"list_articles", map[string]any{"state": "draft"}, "article_41"},
				{"search_articles", map[string]any{"phrase": "refund", "help_center_id": "Umbrella Help"}, "A **refund** reaches your card"},
				{"get_article", map[string]any{"id": "https://intercom.help/umbrella/en/articles/39-how-refunds-work"}, "Le remboursement arrive sous cinq jours ouvrés."},
				{"search", map[string]any{"query": `object_type:tickets q:safari`}, "ticket_" + ticketBug},
				{"fetch", map[string]any{"id": "ticket_" + ticketRefund}, "Your refund of €49.50 is on its way."},
				{"search_tickets", map[string]any{"linked_conversation_id": "conversation_" + convRefund}, "ticket_" + ticketBug},
				{"get_ticket", map[string]any{"id": ticketBug}, `"Severity" (list): "High"`},
			}
			for _, c := range calls {
				res := mustOK(t, s, c.tool, c.args)
				if !strings.Contains(textOf(res), c.want) {
					t.Errorf("%s: text lacks %q:\n%s", c.tool, c.want, textOf(res))
				}
				if res.StructuredContent == nil {
					t.Errorf("%s: no structured content", c.tool)
				}
			}
			mustToolError(t, s, "search", map[string]any{"query": "object_type:tikets"}, "object_type")
			mustToolError(t, s, "get_ticket", map[string]any{"id": "article_" + articleRefunds}, "call get_article")
			mustToolError(t, s, "get_contact", map[string]any{"id": "nope nope"}, "not a")
		})
	}
}

// postInitialize posts an MCP initialize request to /mcp with the given headers and returns the response status
// and WWW-Authenticate header.
func postInitialize(t *testing.T, hs *httpServer, header http.Header, body []byte) *http.Response {
	t.Helper()
	if body == nil {
		body = []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	}
	req, err := http.NewRequest(http.MethodPost, hs.url+mcp.PathMCP, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestHTTP_Auth(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	verifier := &workspaceVerifier{tokens: map[string]string{"ic-ours": testWorkspace, "ic-theirs": "zzz999"}}

	t.Run("local tokens only (the default)", func(t *testing.T) {
		hs := startHTTP(t, w, mcp.HTTPOptions{})
		tests := []struct {
			name, auth string
			status     int
			challenge  string
		}{
			{"no token", "", http.StatusUnauthorized, `Bearer realm="intercom-replica"`},
			{"wrong token", "Bearer nope", http.StatusUnauthorized, `Bearer realm="intercom-replica", error="invalid_token"`},
			{"Intercom token not accepted", "Bearer ic-ours", http.StatusUnauthorized, `Bearer realm="intercom-replica", error="invalid_token"`},
			{"local token", "Bearer " + testToken, http.StatusOK, ""},
		}
		for _, tc := range tests {
			h := http.Header{}
			if tc.auth != "" {
				h.Set("Authorization", tc.auth)
			}
			resp := postInitialize(t, hs, h, nil)
			if resp.StatusCode != tc.status || resp.Header.Get("WWW-Authenticate") != tc.challenge {
				t.Errorf("%s: %d %q, want %d %q", tc.name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), tc.status, tc.challenge)
			}
		}
		if resp, _ := httpGet(t, hs.url+mcp.PathSSE, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("SSE without a token: %d", resp.StatusCode)
		}
		// The go-sdk client with a wrong token cannot connect.
		c := sdk.NewClient(&sdk.Implementation{Name: "e2e", Version: "1"}, nil)
		if _, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: hs.url + mcp.PathMCP, HTTPClient: bearerClient("nope"), MaxRetries: -1}, nil); err == nil {
			t.Error("connected with a wrong token")
		}
	})

	t.Run("Intercom tokens enabled", func(t *testing.T) {
		hs := startHTTP(t, w, mcp.HTTPOptions{Auth: mcp.AuthOptions{
			Tokens:    []string{testToken},
			Intercom:  verifier,
			Workspace: mcp.WorkspaceOf(w.replica, mcp.DefaultSyncState),
		}})
		s := connectStreamable(t, hs, "ic-ours")
		mustOK(t, s, "search", map[string]any{"query": "object_type:contacts"})
		s = connectSSE(t, hs, "ic-ours")
		mustOK(t, s, "fetch", map[string]any{"id": contactBob})
		for _, tok := range []string{"ic-theirs", "ic-unknown"} {
			resp := postInitialize(t, hs, http.Header{"Authorization": {"Bearer " + tok}}, nil)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: %d, want 401", tok, resp.StatusCode)
			}
		}
		connectStreamable(t, hs, testToken) // local tokens still work
	})
}

// workspaceVerifier is a hand-written TokenVerifier: the real one asks Intercom's GET /me.
type workspaceVerifier struct{ tokens map[string]string }

func (v *workspaceVerifier) TokenWorkspace(_ context.Context, token string) (string, error) {
	ws, ok := v.tokens[token]
	if !ok {
		return "", mcp.ErrTokenRejected
	}
	return ws, nil
}

func TestHTTP_OriginAllowList(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{AllowedOrigins: []string{"https://agents.example.com"}})
	auth := "Bearer " + testToken
	for _, tc := range []struct {
		origin string
		status int
	}{
		{"https://evil.example.net", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{"https://agents.example.com", http.StatusOK},
		{"HTTPS://AGENTS.EXAMPLE.COM", http.StatusOK},
		{"", http.StatusOK},
	} {
		h := http.Header{"Authorization": {auth}}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		if resp := postInitialize(t, hs, h, nil); resp.StatusCode != tc.status {
			t.Errorf("Origin %q: %d, want %d", tc.origin, resp.StatusCode, tc.status)
		}
	}
	// A disallowed origin is refused before authentication, on every path.
	if resp, _ := httpGet(t, hs.url+mcp.PathSSE, http.Header{"Origin": {"https://evil.example.net"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("SSE from a disallowed origin: %d", resp.StatusCode)
	}
	// mcp-go's own check: a loopback connection with a foreign Host (DNS rebinding).
	req, _ := http.NewRequest(http.MethodPost, hs.url+mcp.PathMCP, strings.NewReader(`{}`))
	req.Host = "rebound.example.net"
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Host on loopback: %d, want 403", resp.StatusCode)
	}
}

func TestHTTP_OversizedBody(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{MaxBodyBytes: 64 << 10})
	big := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"query":"` + strings.Repeat("a", 100<<10) + `"}}}`)
	if resp := postInitialize(t, hs, http.Header{"Authorization": {"Bearer " + testToken}}, big); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body of %d bytes: %d, want 413", len(big), resp.StatusCode)
	}
	// Without a Content-Length (chunked), the limit holds while reading.
	req, _ := http.NewRequest(http.MethodPost, hs.url+mcp.PathMCP, struct{ *bytes.Reader }{bytes.NewReader(big)})
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.ContentLength != -1 && req.ContentLength != 0 || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body: content length %d, status %d, want 413", req.ContentLength, resp.StatusCode)
	}
	// Unauthenticated requests never get to have their bodies read.
	if resp := postInitialize(t, hs, nil, big); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated big body: %d, want 401", resp.StatusCode)
	}
}

func TestHTTP_NoAuthOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := mcp.NewServer(w.deps(), mcp.Options{Tools: w.toolOptions(), ValidateOutput: true})
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.10:8080", "example.com:8080"} {
		if _, err := mcp.NewHTTPServer(s, mcp.HTTPOptions{Addr: addr, Auth: mcp.AuthOptions{NoAuth: true}}); err == nil || !strings.Contains(err.Error(), "without authentication") {
			t.Errorf("no auth on %s: %v", addr, err)
		}
	}
	if _, err := mcp.NewHTTPServer(s, mcp.HTTPOptions{Addr: "127.0.0.1:0"}); err == nil {
		t.Error("no token and no NoAuth accepted")
	}
	hs := startHTTP(t, w, mcp.HTTPOptions{Auth: mcp.AuthOptions{NoAuth: true}})
	mustOK(t, connectStreamable(t, hs, ""), "search", map[string]any{"query": "object_type:contacts"})
}

func TestHTTP_HealthReadinessMetrics(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	if resp, body := httpGet(t, hs.url+mcp.PathHealth, nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, "ok") {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
	if resp, body := httpGet(t, hs.url+mcp.PathReady, nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"ready"`) {
		t.Errorf("readyz: %d %s", resp.StatusCode, body)
	}
	s := connectStreamable(t, hs, testToken)
	mustOK(t, s, "search", map[string]any{"query": "object_type:contacts"})
	mustToolError(t, s, "search", map[string]any{"query": "object_type:contacts bogus:1"})
	postInitialize(t, hs, http.Header{"Authorization": {"Bearer wrong"}}, nil)
	_, metrics := httpGet(t, hs.url+mcp.PathMetrics, nil)
	for _, want := range []string{
		`intercom_replica_mcp_tool_calls_total{outcome="ok",tool="search"} 1`,
		`intercom_replica_mcp_tool_calls_total{outcome="tool_error",tool="search"} 1`,
		`intercom_replica_mcp_tool_call_duration_seconds_count{tool="search"} 2`,
		`intercom_replica_http_auth_failures_total{reason="unknown_token"} 1`,
		`intercom_replica_replica_lag_seconds 60`,
		`intercom_replica_mcp_sessions{transport="sse"} 0`,
		`intercom_replica_mcp_sessions_ended_total{reason="limit"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, metrics)
		}
	}

	notReady := startHTTP(t, w, mcp.HTTPOptions{Ready: func(context.Context) error { return errors.New("the conversation index is catching up") }})
	if resp, body := httpGet(t, notReady.url+mcp.PathReady, nil); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "catching up") {
		t.Errorf("readyz when not ready: %d %s", resp.StatusCode, body)
	}
}

func TestHTTP_ShutdownEndsOpenSessions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{ShutdownTimeout: 5 * time.Second})
	sse := connectSSE(t, hs, testToken)
	streamable := connectStreamable(t, hs, testToken)
	mustOK(t, sse, "search", map[string]any{"query": "object_type:contacts"})
	mustOK(t, streamable, "search", map[string]any{"query": "object_type:contacts"})
	hs.stop()
	select {
	case err := <-hs.done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return with sessions open")
	}
	hs.done <- nil // the cleanup registered by startHTTP waits for Run's result too
	if _, err := http.Get(hs.url + mcp.PathHealth); err == nil {
		t.Error("still serving after shutdown")
	}
}

// everyPath is one request to each path the HTTP listener serves, and what a request that passes the Host and
// Origin checks gets there (with testToken where a token is needed).
var everyPath = []struct {
	method, path, body string
	status             int
	signed             bool // a route that checks its own proof (a webhook): exempt from the Host rule
}{
	{http.MethodPost, mcp.PathMCP, initializeBody, http.StatusOK, false},
	{http.MethodGet, mcp.PathSSE, "", http.StatusOK, false},
	{http.MethodPost, mcp.PathMessage + "?sessionId=none", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, http.StatusBadRequest, false},
	{http.MethodGet, mcp.PathHealth, "", http.StatusOK, false},
	{http.MethodGet, mcp.PathReady, "", http.StatusOK, false},
	{http.MethodGet, mcp.PathMetrics, "", http.StatusOK, false},
	{http.MethodGet, "/.well-known/oauth-protected-resource/mcp", "", http.StatusNotFound, false},
	{http.MethodPost, "/register", `{"redirect_uris":["http://localhost:1/cb"]}`, http.StatusBadRequest, false},
	{http.MethodGet, "/hooks/test", "", http.StatusTeapot, true},
	{http.MethodGet, "/nothing-here", "", http.StatusNotFound, false},
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// TestHTTP_HostAndOriginOnEveryPath: on a loopback listener every path applies the same rules: a Host that does not
// name this machine (DNS rebinding) and a foreign page's Origin get 403; pages of this machine are served. A signed
// route (the webhook) is exempt from the Host rule: a rebound page cannot sign, and the tunnel in front of it passes
// the public Host.
func TestHTTP_HostAndOriginOnEveryPath(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{Routes: map[string]http.Handler{"/hooks/test": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})}})
	port := hs.url[strings.LastIndex(hs.url, ":")+1:]
	cases := []struct {
		name, host, origin string
		refused            bool
		hostOnly           bool // refused for the Host alone
	}{
		{"no Origin", "", "", false, false},
		{"page on localhost, Host localhost (the conformance check)", "localhost:" + port, "http://localhost:" + port, false, false},
		{"page on 127.0.0.1", "", "http://127.0.0.1:" + port, false, false},
		{"page on [::1]", "[::1]:" + port, "http://[::1]:" + port, false, false},
		{"page on another local port", "", "http://localhost:5173", false, false},
		{"rebound name (DNS rebinding)", "evil.example.com:" + port, "http://evil.example.com:" + port, true, false},
		{"rebound name, no Origin", "evil.example.com", "", true, true},
		{"foreign page", "", "https://evil.example.net", true, false},
		{"opaque page", "", "null", true, false},
	}
	for _, p := range everyPath {
		for _, c := range cases {
			h := http.Header{"Authorization": {"Bearer " + testToken}}
			if c.host != "" {
				h.Set("Host", c.host)
			}
			if c.origin != "" {
				h.Set("Origin", c.origin)
			}
			resp, body := httpDo(t, p.method, hs.url+p.path, h, p.body)
			refused := c.refused && !(c.hostOnly && p.signed)
			switch {
			case refused && resp.StatusCode != http.StatusForbidden:
				t.Errorf("%s %s, %s: %d, want 403", p.method, p.path, c.name, resp.StatusCode)
			case refused && !strings.Contains(body, "serve.allowed_origins") && !strings.Contains(body, "DNS rebinding"):
				t.Errorf("%s %s, %s: the 403 does not say why: %s", p.method, p.path, c.name, body)
			case !refused && resp.StatusCode != p.status:
				t.Errorf("%s %s, %s: %d, want %d: %.300s", p.method, p.path, c.name, resp.StatusCode, p.status, body)
			}
		}
	}
}

// TestHTTP_UnauthorizedSaysHowToPassTheToken: the 401 keeps its challenge and tells a person reading a client's
// error how to send the token and where it comes from.
func TestHTTP_UnauthorizedSaysHowToPassTheToken(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const hint = "printed by serve --demo when it started"
	hs := startHTTP(t, w, mcp.HTTPOptions{Auth: mcp.AuthOptions{Tokens: []string{testToken}, TokenHint: hint}})
	for _, tc := range []struct {
		name, method, path, auth, challenge, code string
	}{
		{"no token", http.MethodPost, mcp.PathMCP, "", `Bearer realm="intercom-replica"`, "invalid_request"},
		{"wrong token", http.MethodPost, mcp.PathMCP, "Bearer wrong-token", `Bearer realm="intercom-replica", error="invalid_token"`, "invalid_token"},
		{"SSE, no token", http.MethodGet, mcp.PathSSE, "", `Bearer realm="intercom-replica"`, "invalid_request"},
	} {
		h := http.Header{}
		if tc.auth != "" {
			h.Set("Authorization", tc.auth)
		}
		body := initializeBody
		if tc.method == http.MethodGet {
			body = ""
		}
		resp, got := httpDo(t, tc.method, hs.url+tc.path, h, body)
		e := oauthErrorOf(t, got)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != tc.challenge || e.Error != tc.code ||
			!strings.Contains(e.Description, `--header "Authorization: Bearer <token>"`) || !strings.Contains(e.Description, "The token is "+hint+".") {
			t.Errorf("%s: %d %q %s", tc.name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), got)
		}
	}
}

// TestHTTP_OAuthPathsSayHowToPassTheToken: a client that gets 401 tries OAuth (metadata discovery, then dynamic
// client registration) and prints what the server answered when that fails; every OAuth path answers an OAuth
// error that says how to connect with a token instead.
func TestHTTP_OAuthPathsSayHowToPassTheToken(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{Auth: mcp.AuthOptions{Tokens: []string{testToken}, TokenHint: "in the file demo-token"}})
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{http.MethodGet, "/.well-known/oauth-protected-resource/mcp", "", http.StatusNotFound},
		{http.MethodGet, "/.well-known/oauth-protected-resource", "", http.StatusNotFound},
		{http.MethodGet, "/.well-known/oauth-authorization-server", "", http.StatusNotFound},
		{http.MethodGet, "/.well-known/oauth-authorization-server/mcp", "", http.StatusNotFound},
		{http.MethodGet, "/.well-known/openid-configuration", "", http.StatusNotFound},
		{http.MethodGet, "/.well-known/openid-configuration/mcp", "", http.StatusNotFound},
		{http.MethodGet, "/mcp/.well-known/openid-configuration", "", http.StatusNotFound},
		{http.MethodPost, "/register", `{"redirect_uris":["http://localhost:1/oauth/callback"],"client_name":"MCP CLI Proxy"}`, http.StatusBadRequest},
		{http.MethodGet, "/authorize?response_type=code&client_id=x", "", http.StatusBadRequest},
		{http.MethodPost, "/token", `{}`, http.StatusBadRequest},
	} {
		resp, got := httpDo(t, tc.method, hs.url+tc.path, nil, tc.body)
		e := oauthErrorOf(t, got)
		if resp.StatusCode != tc.status || e.Error != "access_denied" ||
			!strings.Contains(e.Description, `npx -y mcp-remote `+hs.url+`/mcp --header "Authorization: Bearer <token>"`) ||
			!strings.Contains(e.Description, "The token is in the file demo-token.") {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, resp.StatusCode, got)
		}
	}
}

// oauthErrorOf decodes an OAuth error response (RFC 6749 section 5.2). Clients print the body as it is, so what it
// says must be readable there too: not escaped for HTML.
func oauthErrorOf(t *testing.T, body string) (e struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an OAuth error: %v: %s", err, body)
	}
	if !strings.Contains(body, "<token>") {
		t.Errorf("the body does not read <token> as it is: %s", body)
	}
	return e
}

// TestHTTP_BatchRefused: a JSON-RPC batch is answered with an error saying batches are not supported, on both
// HTTP message endpoints.
func TestHTTP_BatchRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	batch := ` [{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]`
	for _, path := range []string{mcp.PathMCP, mcp.PathMessage + "?sessionId=x"} {
		resp, got := httpDo(t, http.MethodPost, hs.url+path, http.Header{"Authorization": {"Bearer " + testToken}}, batch)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(got, `"code":-32600`) || !strings.Contains(got, `"id":null`) ||
			!strings.Contains(got, "JSON-RPC batches are not supported") {
			t.Errorf("batch to %s: %d %s", path, resp.StatusCode, got)
		}
	}
}

// TestStdio_BatchRefused: over stdio too, and the session goes on.
func TestStdio_BatchRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := mcp.NewServer(w.deps(), mcp.Options{Version: "test", Tools: w.toolOptions(), ValidateOutput: true})
	clientR, serverW := io.Pipe()
	serverR, clientW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mcp.ServeStdio(ctx, s, serverR, &protocolOnly{t: t, w: serverW}, w.log) }()
	defer func() {
		cancel()
		clientW.Close()
		if err := <-done; err != nil {
			t.Errorf("ServeStdio: %v", err)
		}
		serverW.Close()
	}()
	lines := bufio.NewScanner(clientR)
	exchange := func(line string) string {
		t.Helper()
		if _, err := io.WriteString(clientW, line+"\n"); err != nil {
			t.Fatal(err)
		}
		if !lines.Scan() {
			t.Fatalf("no answer to %s: %v", line, lines.Err())
		}
		return lines.Text()
	}
	exchange(initializeBody)
	got := exchange(`[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":3,"method":"ping"}]`)
	if !strings.Contains(got, `"code":-32600`) || !strings.Contains(got, `"id":null`) || !strings.Contains(got, "JSON-RPC batches are not supported") {
		t.Errorf("batch: %s", got)
	}
	if got := exchange(`{"jsonrpc":"2.0","id":4,"method":"ping"}`); got != `{"jsonrpc":"2.0","id":4,"result":{}}` {
		t.Errorf("ping after the batch: %s", got)
	}
	// A request whose id is not a string or an integer is refused as over HTTP, never dropped or served.
	for _, id := range []string{"null", `{"a":1}`, "1.5", "true", "[1]"} {
		got := exchange(`{"jsonrpc":"2.0","id":` + id + `,"method":"ping"}`)
		if !strings.Contains(got, `"code":-32600`) || !strings.Contains(got, "the id of a request must be a string or an integer") {
			t.Errorf("id %s: %s", id, got)
		}
	}
	if got := exchange(`{"jsonrpc":"2.0","id":"x5","method":"ping"}`); got != `{"jsonrpc":"2.0","id":"x5","result":{}}` {
		t.Errorf("ping after the bad ids: %s", got)
	}
}
