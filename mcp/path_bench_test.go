package mcp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/mcp"
)

// The MCP path: what a call costs between the client's bytes and the index, over each transport, next to a ping on
// the same session (the transport's own cost). A search the index answers in microseconds should cost little more
// than a ping. Run:
//
//	go test ./mcp -run '^$' -bench BenchmarkMCPPath -benchtime 2000x
//
// and compare each transport's search and fetch to its ping.

// pathCalls are the calls measured: a ping, then tool calls an agent makes most.
var pathCalls = []struct{ name, method, params string }{
	{"ping", "ping", `{}`},
	{"search", "tools/call", `{"name":"search","arguments":{"query":"object_type:conversations state:closed limit:20"}}`},
	{"search_q", "tools/call", `{"name":"search","arguments":{"query":"object_type:conversations q:shipping limit:20"}}`},
	{"search_conversations", "tools/call", `{"name":"search_conversations","arguments":{"state":"closed","per_page":20}}`},
	{"fetch", "tools/call", `{"name":"fetch","arguments":{"id":"conversation_1001"}}`},
}

func BenchmarkMCPPath_Stdio(b *testing.B) {
	w := newWorld(b) // the tools get production options below: the status cache on
	srv := mcp.NewServer(w.deps(), mcp.Options{Tools: mcp.ToolOptions{Logger: w.log, Now: w.clock.Now}})
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mcp.ServeStdio(ctx, srv, inR, outW, w.log) }()
	b.Cleanup(func() {
		cancel()
		inW.Close()
		outR.Close()
		<-done
	})
	lines := bufio.NewReaderSize(outR, 1<<20)
	id := 0
	roundTrip := func(method, params string) []byte {
		id++
		fmt.Fprintf(inW, `{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`+"\n", id, method, params)
		line, err := lines.ReadBytes('\n')
		if err != nil {
			b.Fatal(err)
		}
		return line
	}
	checkAnswer(b, roundTrip("initialize", initializeParams))
	fmt.Fprint(inW, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	for _, c := range pathCalls {
		checkAnswer(b, roundTrip(c.method, c.params))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				roundTrip(c.method, c.params)
			}
		})
	}
}

func BenchmarkMCPPath_HTTP(b *testing.B) {
	w := newWorld(b) // the tools get production options below: the status cache on
	srv := mcp.NewServer(w.deps(), mcp.Options{Tools: mcp.ToolOptions{Logger: w.log, Now: w.clock.Now}})
	h, err := mcp.NewHTTPServer(srv, mcp.HTTPOptions{Addr: "127.0.0.1:0", Auth: mcp.AuthOptions{NoAuth: true}, Logger: w.log,
		Ready: mcp.ReplicaReady(w.replica)})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(h.Handler())
	b.Cleanup(ts.Close)
	s, err := newRawSession(context.Background(), ts.Client(), ts.URL, "127.0.0.1:8080", "")
	if err != nil {
		b.Fatal(err)
	}
	roundTrip := func(method, params string) []byte {
		body, err := s.call(context.Background(), method, params)
		if err != nil {
			b.Fatal(err)
		}
		return body
	}
	for _, c := range pathCalls {
		checkAnswer(b, roundTrip(c.method, c.params))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				roundTrip(c.method, c.params)
			}
		})
	}
}

// rawSession is a Streamable HTTP session spoken as raw JSON-RPC over net/http: the cheapest client there is, so
// that a benchmark or the load test measures the server rather than a client library's JSON. Its calls are made
// one at a time.
type rawSession struct {
	client           *http.Client
	url, host, token string // host, when set, replaces the request's Host (the server checks it); token is a bearer token
	session          string
	id               int
}

// newRawSession initializes a session with the server at base (scheme://host:port).
func newRawSession(ctx context.Context, client *http.Client, base, host, token string) (*rawSession, error) {
	s := &rawSession{client: client, url: base + mcp.PathMCP, host: host, token: token}
	body, err := s.call(ctx, "initialize", initializeParams)
	if err != nil {
		return nil, err
	}
	if s.session == "" {
		return nil, fmt.Errorf("initialize answered without a session id: %.400s", body)
	}
	if _, err := s.post(ctx, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, http.StatusAccepted); err != nil {
		return nil, err
	}
	return s, nil
}

// call sends one request and returns the JSON-RPC answer's bytes; an HTTP status other than 200 is an error.
func (s *rawSession) call(ctx context.Context, method, params string) ([]byte, error) {
	s.id++
	return s.post(ctx, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, s.id, method, params), http.StatusOK)
}

func (s *rawSession) post(ctx context.Context, msg string, want int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(msg))
	if err != nil {
		return nil, err
	}
	if s.host != "" {
		req.Host = s.host
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	if s.session != "" {
		req.Header.Set("Mcp-Session-Id", s.session)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("%.100s: read the answer: %w", msg, err)
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%.100s: HTTP %d, want %d: %.400s", msg, resp.StatusCode, want, body)
	}
	if ct := resp.Header.Get("Content-Type"); want == http.StatusOK && !strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("%.100s: answered as %q, want application/json: %.400s", msg, ct, body)
	}
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
		s.session = id
	}
	return body, nil
}

const initializeParams = `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}`

// checkAnswer fails the benchmark unless line is a JSON-RPC result that is not a tool error.
func checkAnswer(b *testing.B, line []byte) {
	b.Helper()
	var msg struct {
		Result *struct {
			IsError bool `json:"isError"`
		} `json:"result"`
		Error json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(line, &msg); err != nil || msg.Result == nil || msg.Result.IsError {
		b.Fatalf("not a successful answer (%v): %.400s", err, line)
	}
}
