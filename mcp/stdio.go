package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// StdioDrainTimeout is how long ServeStdio goes on answering, once its input has ended, the requests it read and
// has not answered yet. It is longer than the 15 seconds a tool call waits for a replica that is still opening, so
// such a call gets its answer, or the error saying the replica is still opening, before the server stops.
const StdioDrainTimeout = 30 * time.Second

// ServeStdio serves s over newline-delimited JSON-RPC on in and out until ctx ends or in reaches end of file, and
// returns nil in both cases. Nothing but protocol messages is written to out: mcp-go's own error log goes to log.
// A JSON-RPC batch is answered with an error saying batches are not supported.
//
// Every request read from in is answered before ServeStdio returns, since a script pipes its requests and closes
// its end at once: when in ends, the requests still running are given StdioDrainTimeout to finish, and any that
// has not by then, or when ctx ends, is answered with a JSON-RPC error saying the server stopped before it
// finished.
//
// It uses mcp-go's Listen rather than ServeStdio, which would install its own signal handler: the caller's ctx
// alone decides when to stop. mcp-go keeps the stdio session in a package variable, so a process serves one stdio
// connection at a time. When ctx ends while a read from in is blocked, mcp-go leaves that read behind; closing in
// (or the process exiting) releases it.
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, log *slog.Logger) error {
	return serveStdio(ctx, s, in, out, log, StdioDrainTimeout)
}

// serveStdio is ServeStdio, giving the requests still running when in ends drain to finish.
func serveStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, log *slog.Logger, drain time.Duration) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	stdio := server.NewStdioServer(s)
	stdio.SetErrorLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	calls := newStdioCalls(out) // mcp-go writes each message in one Write, and so does the batch filter
	input := newBatchFilter(in, calls)
	input.passed = calls.read
	// mcp-go cancels every request still running when its input ends, and drops the tool calls still queued:
	// the input it reads ends only once what was read has been answered, or drain has passed.
	err := stdio.Listen(ctx, &endAfter{r: input, end: func() { calls.drain(ctx, drain, log) }}, calls)
	// Left unanswered: requests ctx ended, and tool calls mcp-go dropped from its queue.
	calls.abandon("intercom-replica was stopped before this request finished; send it again to a running server")
	if err == nil || errors.Is(err, context.Canceled) && ctx.Err() != nil || errors.Is(err, io.ErrClosedPipe) {
		return nil
	}
	return fmt.Errorf("serve stdio: %w", err)
}

// endAfter is a reader whose input, when it ends (in error or at end of file), ends only once end has returned.
type endAfter struct {
	r    io.Reader
	end  func()
	once sync.Once
}

func (e *endAfter) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil {
		e.once.Do(e.end)
	}
	return n, err
}

// stdioCalls is stdio's output, which keeps count of the requests read from the input (read) and not answered
// on it yet, so that they can be waited for (drain) and, at the last, answered with an error (abandon). Each Write
// must be one message, as mcp-go writes them; writes are serialised, each reaching out whole.
type stdioCalls struct {
	mu      sync.Mutex
	out     io.Writer
	pending map[string]stdioRequest // by requestKey; a client may reuse an id, so each counts
	// abandoned are requests answered by abandon, whose own answers, if they come after all, are dropped.
	abandoned map[string]int
	// idle is closed when no request is pending; replaced when one is read.
	idle chan struct{}
}

// stdioRequest is a request read and not answered yet: its id as sent, and how many are pending under it.
type stdioRequest struct {
	id any
	n  int
}

func newStdioCalls(out io.Writer) *stdioCalls {
	idle := make(chan struct{})
	close(idle)
	return &stdioCalls{out: out, pending: map[string]stdioRequest{}, abandoned: map[string]int{}, idle: idle}
}

// stdioMessage is what stdioCalls reads of a JSON-RPC message: enough to tell a request from a response, and its
// id. A result is not copied: only its presence is noted.
type stdioMessage struct {
	ID     json.RawMessage `json:"id"`
	Method *string         `json:"method"`
	Result present         `json:"result"`
	Error  present         `json:"error"`
}

// present notes that a member is present, whatever its value.
type present bool

func (p *present) UnmarshalJSON([]byte) error {
	*p = true
	return nil
}

// requestKey returns the key of a JSON-RPC id, the same however it is written (1 and 1.0), and false for an id
// that is absent, null or neither a string nor a number: mcp-go cannot answer those with their id.
func requestKey(raw json.RawMessage) (string, any, bool) {
	if len(raw) == 0 {
		return "", nil, false
	}
	var id any
	if json.Unmarshal(raw, &id) != nil {
		return "", nil, false
	}
	switch v := id.(type) {
	case string:
		return "s" + v, id, true
	case float64:
		return fmt.Sprintf("n%v", v), id, true
	}
	return "", nil, false
}

// read notes a line read from the input: a request (a method and an id) is pending until answered.
func (c *stdioCalls) read(line []byte) {
	var m stdioMessage
	if json.Unmarshal(line, &m) != nil || m.Method == nil || bool(m.Result || m.Error) {
		return
	}
	key, id, ok := requestKey(m.ID)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		c.idle = make(chan struct{})
	}
	r := c.pending[key]
	c.pending[key] = stdioRequest{id: id, n: r.n + 1}
}

// Write writes one message to the output. An answer to a pending request settles it; an answer to one abandon
// answered already is dropped.
func (c *stdioCalls) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var m stdioMessage
	if json.Unmarshal(p, &m) == nil && m.Method == nil && bool(m.Result || m.Error) {
		if key, _, ok := requestKey(m.ID); ok {
			if c.abandoned[key] > 0 {
				c.abandoned[key]--
				return len(p), nil
			}
			c.settle(key)
		}
	}
	return c.out.Write(p)
}

// settle takes one request under key off the pending ones. c.mu is held.
func (c *stdioCalls) settle(key string) {
	r, ok := c.pending[key]
	if !ok {
		return
	}
	if r.n > 1 {
		c.pending[key] = stdioRequest{id: r.id, n: r.n - 1}
		return
	}
	delete(c.pending, key)
	if len(c.pending) == 0 {
		close(c.idle)
	}
}

// drain waits until every request read has been answered, for at most timeout or until ctx ends, and answers the
// ones still running then with an error.
func (c *stdioCalls) drain(ctx context.Context, timeout time.Duration, log *slog.Logger) {
	c.mu.Lock()
	idle, n := c.idle, len(c.pending)
	c.mu.Unlock()
	if n == 0 {
		return
	}
	log.Info("stdin reached its end: answering the requests still running before stopping", "requests", n, "max_wait", timeout)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-idle:
		return
	case <-ctx.Done():
		return // abandon answers them, with the reason
	case <-t.C:
	}
	left := c.abandon(fmt.Sprintf("intercom-replica stopped before this request finished: its input (stdin) ended, "+
		"and the request was still running %v later; keep stdin open until every answer has arrived", timeout))
	log.Warn("stdin reached its end and requests were still running: answered with an error", "requests", left, "waited", timeout)
}

// abandon answers every pending request with a JSON-RPC error saying why, and returns how many it answered.
func (c *stdioCalls) abandon(why string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	answered := 0
	for key, r := range c.pending {
		msg, err := json.Marshal(mcpgo.NewJSONRPCError(mcpgo.NewRequestId(r.id), mcpgo.INTERNAL_ERROR, why, nil))
		if err != nil {
			continue // an id that came from JSON goes back to JSON
		}
		for range r.n {
			c.out.Write(append(msg, '\n')) // a write error has no one left to tell
		}
		c.abandoned[key] += r.n
		answered += r.n
		delete(c.pending, key)
	}
	if answered > 0 && len(c.pending) == 0 {
		close(c.idle)
	}
	return answered
}
