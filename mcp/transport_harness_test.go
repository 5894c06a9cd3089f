package mcp_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
)

// httpServer is the real HTTP transport on a loopback port, run the way serve runs it.
type httpServer struct {
	url  string
	srv  *mcp.HTTPServer
	stop context.CancelFunc
	done chan error
	reg  *prometheus.Registry
}

// startHTTP serves the world's tools over HTTP on 127.0.0.1:0 with opts (Addr and defaults filled in) and stops
// the server when the test ends, checking that it shut down cleanly.
func startHTTP(t *testing.T, w *world, opts mcp.HTTPOptions) *httpServer {
	t.Helper()
	return startHTTPWith(t, w, w.toolOptions(), opts)
}

// startHTTPWith is startHTTP with the given tool options.
func startHTTPWith(t *testing.T, w *world, to mcp.ToolOptions, opts mcp.HTTPOptions) *httpServer {
	t.Helper()
	h, reg := newHTTP(t, w, to, opts)
	addr, err := h.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	hs := &httpServer{url: "http://" + addr.String(), srv: h, stop: cancel, done: make(chan error, 1), reg: reg}
	go func() { hs.done <- h.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-hs.done:
			if err != nil {
				t.Errorf("http server shut down with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("http server did not shut down")
		}
	})
	return hs
}

// newHTTP builds the real HTTP transport over the world's tools as startHTTPWith does, without serving it: its
// Handler serves requests in-process.
func newHTTP(t *testing.T, w *world, to mcp.ToolOptions, opts mcp.HTTPOptions) (*mcp.HTTPServer, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := mcp.NewMetrics(reg, w.replica, to)
	if err != nil {
		t.Fatal(err)
	}
	to.Metrics = m
	s := mcp.NewServer(w.deps(), mcp.Options{Version: "test", Tools: to, ValidateOutput: !w.production})
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if len(opts.Auth.Tokens) == 0 && !opts.Auth.NoAuth && opts.Auth.Intercom == nil {
		opts.Auth.Tokens = []string{testToken}
	}
	opts.Registry, opts.Metrics, opts.Logger = reg, m, w.log
	if opts.Ready == nil {
		opts.Ready = mcp.ReplicaReady(w.replica)
	}
	h, err := mcp.NewHTTPServer(s, opts)
	if err != nil {
		t.Fatalf("NewHTTPServer: %v", err)
	}
	return h, reg
}

// connect opens a client session with the independent go-sdk client over transport, closed at the end of the test.
func connect(t *testing.T, transport sdk.Transport) *sdk.ClientSession {
	t.Helper()
	c := sdk.NewClient(&sdk.Implementation{Name: "e2e-test", Version: "1"}, nil)
	// The SSE client transport ties its event stream to Connect's context, so it must live as long as the
	// session: the test's own context does.
	s, err := c.Connect(t.Context(), transport, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func connectStreamable(t *testing.T, hs *httpServer, token string) *sdk.ClientSession {
	t.Helper()
	return connect(t, &sdk.StreamableClientTransport{Endpoint: hs.url + mcp.PathMCP, HTTPClient: bearerClient(token), MaxRetries: -1})
}

func connectSSE(t *testing.T, hs *httpServer, token string) *sdk.ClientSession {
	t.Helper()
	return connect(t, &sdk.SSEClientTransport{Endpoint: hs.url + mcp.PathSSE, HTTPClient: bearerClient(token)})
}

// connectStdio serves the world's tools over in-process pipes with ServeStdio, as serve --transport stdio does
// over the process's stdin and stdout. mcp-go keeps its stdio session in a package variable: tests using this must
// not run in parallel with each other.
func connectStdio(t *testing.T, w *world) *sdk.ClientSession {
	t.Helper()
	s := mcp.NewServer(w.deps(), mcp.Options{Version: "test", Tools: w.toolOptions(), ValidateOutput: true})
	clientR, serverW := io.Pipe()
	serverR, clientW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out := &protocolOnly{t: t, w: serverW}
	go func() { done <- mcp.ServeStdio(ctx, s, serverR, out, w.log) }()
	session := connect(t, &sdk.IOTransport{Reader: clientR, Writer: clientW})
	t.Cleanup(func() {
		session.Close()
		cancel()
		clientW.Close() // releases the read mcp-go leaves blocked on stdin
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ServeStdio: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("ServeStdio did not return")
		}
		serverW.Close()
	})
	return session
}

// protocolOnly checks that everything written to the stdio transport's output is a JSON-RPC message, one per
// line: a stray log line or print would corrupt a real client's stream.
type protocolOnly struct {
	t *testing.T
	w io.Writer
}

func (p *protocolOnly) Write(b []byte) (int, error) {
	for _, line := range splitLines(b) {
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' || !jsonRPC(line) {
			p.t.Errorf("stdio output is not a JSON-RPC message: %q", line)
		}
	}
	return p.w.Write(b)
}

func httpGet(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	return httpDo(t, http.MethodGet, url, header, "")
}

// httpDo sends one request and returns the response with its body, read whole (for a stream, what arrives within a
// second: the body of an event stream never ends). A "Host" in header becomes the request's Host.
func httpDo(t *testing.T, method, url string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if h := header.Get("Host"); h != "" {
		req.Host = h
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		time.AfterFunc(time.Second, cancel)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
