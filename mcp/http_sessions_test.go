package mcp_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
)

// metricValue returns the value of the metric name with the given labels ("" for none) in reg, 0 when absent.
func metricValue(t *testing.T, reg *prometheus.Registry, name, labels string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			if strings.Join(ls, ",") != labels {
				continue
			}
			if m.Gauge != nil {
				return m.Gauge.GetValue()
			}
			return m.Counter.GetValue()
		}
	}
	return 0
}

// heapAfterGC is the live heap, in bytes.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC() // a second cycle frees what the first one's finalizers released
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHTTP_SessionsStayBounded drives 5,000 initialize calls that never DELETE their session through the real
// handler, in-process, as a client that reconnects for every call does (or an attacker): the live sessions never
// exceed the bound and the heap comes back to where it was. Before the bound, each session kept about 10 KB for
// good (5,000 of them: 50 MB).
func TestHTTP_SessionsStayBounded(t *testing.T) {
	w := newWorld(t)
	const maxSessions = 100
	h, reg := newHTTP(t, w, w.toolOptions(), mcp.HTTPOptions{Auth: mcp.AuthOptions{NoAuth: true}, MaxSessions: maxSessions})
	initialize := func() {
		req := httptest.NewRequest(http.MethodPost, mcp.PathMCP, strings.NewReader(initializeBody))
		req.Host = "127.0.0.1:8080"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		rec := httptest.NewRecorder()
		h.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("Mcp-Session-Id") == "" {
			t.Fatalf("initialize: %d %s", rec.Code, rec.Body)
		}
	}
	for range 2 * maxSessions { // the table full, so that the baseline holds the most it ever holds
		initialize()
	}
	before := heapAfterGC()
	const calls = 5000
	for i := range calls {
		initialize()
		if n := metricValue(t, reg, "intercom_replica_mcp_sessions", "transport=streamable"); n > maxSessions {
			t.Fatalf("after %d initialize calls, %v live sessions", i+1, n)
		}
	}
	after := heapAfterGC()
	t.Logf("heap before %d KB, after %d initialize calls %d KB", before>>10, calls, after>>10)
	// Generous: unbounded, the calls kept 50 MB.
	if after > before+10<<20 {
		t.Errorf("the heap grew from %d KB to %d KB over %d initialize calls", before>>10, after>>10, calls)
	}
	if got, want := metricValue(t, reg, "intercom_replica_mcp_sessions_ended_total", "reason=limit"), float64(calls+maxSessions); got != want {
		t.Errorf("%v sessions ended for the limit, want %v", got, want)
	}
}

// TestHTTP_IdleSessionExpiresWithoutTheClientNoticing: a Streamable HTTP session idle for longer than the TTL is
// ended, and its client's next call is served all the same, in the session brought back. (The client is a raw
// 2025-06-18 one, see legacyClient: 2026-07-28, which the go-sdk client speaks, has no sessions.)
func TestHTTP_IdleSessionExpiresWithoutTheClientNoticing(t *testing.T) {
	w := newWorld(t)
	clock := newClock()
	hs := startHTTP(t, w, mcp.HTTPOptions{SessionIdleTTL: 10 * time.Minute, Now: clock.Now})
	c := newLegacyClient(t, hs)
	initialize := c.initialize
	callIn := func(session string) {
		t.Helper()
		resp, body := c.do(http.MethodPost, session,
			`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_contact","arguments":{"id":"contact_`+contactBob+`"}}}`)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "bob@acme.io") || strings.Contains(body, `"isError":true`) {
			t.Fatalf("tools/call in session %s: %d %s", session, resp.StatusCode, body)
		}
	}
	live := func() float64 { return metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=streamable") }

	idle := initialize()
	callIn(idle)
	clock.Advance(9 * time.Minute)
	busy := initialize()
	if n := live(); n != 2 {
		t.Fatalf("%v live sessions, want 2", n)
	}
	clock.Advance(time.Minute)
	callIn(busy)
	initialize() // a new session sweeps the expired one: idle for 10 minutes
	if n := metricValue(t, hs.reg, "intercom_replica_mcp_sessions_ended_total", "reason=idle"); n != 1 || live() != 2 {
		t.Fatalf("%v sessions ended for idleness and %v live, want 1 and 2", n, live())
	}
	callIn(idle)
	if n := live(); n != 3 {
		t.Errorf("%v live sessions after the ended one's call, want 3", n)
	}
}

// TestHTTP_SSESessionsCountTowardsTheBound: legacy SSE sessions share the bound; the least recently active one's
// stream is closed to admit another, and the others go on.
func TestHTTP_SSESessionsCountTowardsTheBound(t *testing.T) {
	w := newWorld(t)
	clock := newClock()
	hs := startHTTP(t, w, mcp.HTTPOptions{MaxSessions: 2, Now: clock.Now})

	// The first session, raw: its stream announces the session's message endpoint, then stays open.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.url+mcp.PathSSE, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	stream := bufio.NewScanner(resp.Body)
	var endpoint string
	for endpoint == "" && stream.Scan() {
		if data, ok := strings.CutPrefix(stream.Text(), "data: "); ok {
			endpoint = data
		}
	}
	if !strings.Contains(endpoint, "sessionId=") {
		t.Fatalf("no endpoint announced: %q (%v)", endpoint, stream.Err())
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for stream.Scan() { // keep-alive pings, until the server closes the stream
		}
	}()

	var sessions []*sdk.ClientSession
	for range 2 {
		clock.Advance(time.Second)
		s := connectSSE(t, hs, testToken)
		mustOK(t, s, "search", map[string]any{"query": "object_type:contacts"})
		sessions = append(sessions, s)
	}
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the least recently active SSE stream is still open")
	}
	if n := metricValue(t, hs.reg, "intercom_replica_mcp_sessions", "transport=sse"); n != 2 {
		t.Errorf("%v live SSE sessions, want 2", n)
	}
	if resp, body := httpDo(t, http.MethodPost, hs.url+endpoint, http.Header{"Authorization": {"Bearer " + testToken}},
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a message to the ended session: %d %s", resp.StatusCode, body)
	}
	for _, s := range sessions {
		mustOK(t, s, "search", map[string]any{"query": "object_type:contacts"})
	}
}
