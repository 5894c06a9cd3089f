package mcp_test

import (
	"bytes"
	"context"
	"errors"
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
				{"get_contact", map[string]any{"id": "contact_" + contactJane}, "Jane Doe <jane@example.com>"},
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
			mustToolError(t, s, "search", map[string]any{"query": "object_type:tickets"}, "object_type")
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
	w := newWorld(t)
	s := mcp.NewServer(w.deps(), mcp.Options{Tools: w.toolOptions()})
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
