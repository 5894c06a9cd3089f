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
	client := ts.Client()
	session := ""
	id := 0
	roundTrip := func(method, params string) []byte {
		id++
		req, _ := http.NewRequest(http.MethodPost, ts.URL+mcp.PathMCP,
			strings.NewReader(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, id, method, params)))
		req.Host = "127.0.0.1:8080"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %v %s", method, resp.StatusCode, err, body)
		}
		if s := resp.Header.Get("Mcp-Session-Id"); s != "" {
			session = s
		}
		return body
	}
	checkAnswer(b, roundTrip("initialize", initializeParams))
	for _, c := range pathCalls {
		checkAnswer(b, roundTrip(c.method, c.params))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				roundTrip(c.method, c.params)
			}
		})
	}
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
