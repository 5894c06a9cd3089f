package mcp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
)

// A script uses stdio as `printf '...' | intercom-replica serve` does: it writes its requests and closes its end at
// once, before any answer has come. Every request read must be answered all the same.

// stdioRequest is one JSON-RPC request line; id is written as it is ("2", `"eight"`).
func stdioRequest(id, method string, params any) string {
	p, err := json.Marshal(params)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":%q,"params":%s}`, id, method, p)
}

// stdioToolCall is a tools/call request line.
func stdioToolCall(id, tool string, args map[string]any) string {
	return stdioRequest(id, "tools/call", map[string]any{"name": tool, "arguments": args})
}

// stdioOpening is how a session opens: initialize (id 1) and the initialized notification.
var stdioOpening = []string{initializeBody, `{"jsonrpc":"2.0","method":"notifications/initialized"}`}

// stdioAnswers are the responses a stdio server wrote, by id as jsonrpc.ID.Raw gives it (int64 or string).
type stdioAnswers map[any][]*jsonrpc.Response

// result returns the text of the one answer to id when it is a result and not a tool error, and false with what
// came instead otherwise.
func (a stdioAnswers) result(t *testing.T, id any) (string, bool) {
	t.Helper()
	var got []string
	for _, r := range a[id] {
		if r.Error != nil {
			got = append(got, "JSON-RPC error: "+r.Error.Error())
			continue
		}
		var res sdk.CallToolResult // the initialize, tools/list and ping results read as results without content
		if err := json.Unmarshal(r.Result, &res); err != nil {
			t.Fatalf("answer to %v: %v: %s", id, err, r.Result)
		}
		if res.IsError {
			got = append(got, "tool error: "+textOf(&res))
			continue
		}
		got = append(got, textOf(&res))
	}
	if len(got) != 1 || len(a[id][0].Result) == 0 || a[id][0].Error != nil || strings.HasPrefix(got[0], "tool error: ") {
		return fmt.Sprintf("%d answers %q", len(got), got), false
	}
	return got[0], true
}

// serveStdioScript runs serve on in and out until it returns (failing the test if it has not within a minute:
// nothing it waits for is that long), and returns the responses written to out.
func serveStdioScript(t *testing.T, serve func(ctx context.Context, in io.Reader, out io.Writer) error, ctx context.Context, in io.Reader, out *syncBuffer) stdioAnswers {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, in, &protocolOnly{t: t, w: out}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ServeStdio: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatalf("ServeStdio did not return after its input ended; it wrote:\n%s", out)
	}
	answers := stdioAnswers{}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		msg, err := jsonrpc.DecodeMessage(sc.Bytes())
		if err != nil {
			t.Fatalf("not JSON-RPC: %v: %s", err, sc.Text())
		}
		if r, ok := msg.(*jsonrpc.Response); ok {
			answers[r.ID.Raw()] = append(answers[r.ID.Raw()], r)
		}
	}
	return answers
}

// TestStdio_AnswersEveryRequestReadBeforeItsInputEnds: a script's requests are all answered, with their results,
// though its input ends right after them (mcp-go cancelled the calls still running at the end of its input, and
// dropped the queued ones); a last line without its newline is a request too. Many runs, as the loss was a race.
func TestStdio_AnswersEveryRequestReadBeforeItsInputEnds(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	requests := map[any]string{ // id (as jsonrpc.ID.Raw gives it) -> request
		int64(2): stdioToolCall("2", "search", map[string]any{"query": "object_type:conversations q:refund"}),
		int64(3): stdioToolCall("3", "fetch", map[string]any{"id": "conversation_" + convRefund}),
		int64(4): stdioToolCall("4", "aggregate", map[string]any{"query": "object_type:conversations", "group_by": []string{"state"}}),
		int64(5): stdioRequest("5", "tools/list", map[string]any{}),
		int64(6): stdioRequest("6", "ping", map[string]any{}),
		int64(7): stdioToolCall("7", "get_contact", map[string]any{"id": contactJane}),
		"eight":  stdioToolCall(`"eight"`, "search_contacts", map[string]any{"email": "jane@example.com"}),
		int64(9): stdioToolCall("9", "search_tickets", map[string]any{"text": "refund"}),
	}
	var lines []string
	lines = append(lines, stdioOpening...)
	for _, r := range requests {
		lines = append(lines, r)
	}
	script := strings.Join(lines, "\n")
	for _, tc := range []struct {
		name, input string
	}{
		{"each line ended", script + "\n"},
		{"the last line unended", script},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for run := range 25 {
				s := mcp.NewServer(w.deps(), mcp.Options{Version: "test", Tools: w.toolOptions(), ValidateOutput: true})
				answers := serveStdioScript(t, func(ctx context.Context, in io.Reader, out io.Writer) error {
					return mcp.ServeStdio(ctx, s, in, out, w.log)
				}, context.Background(), strings.NewReader(tc.input), &syncBuffer{})
				for id := range requests {
					if got, ok := answers.result(t, id); !ok {
						t.Fatalf("run %d: request %v: %s, want one result", run, id, got)
					}
				}
				if got, ok := answers.result(t, int64(1)); !ok {
					t.Fatalf("run %d: initialize: %s", run, got)
				}
			}
		})
	}
}

// stalledReplica is a replica whose searches do not end until their call is cancelled, as a call waiting for a
// replica that takes long to open; started counts the searches begun.
type stalledReplica struct {
	mcp.Replica
	started *atomic.Int32
}

func (r stalledReplica) Search(ctx context.Context, q query.Query) (index.Result, error) {
	r.started.Add(1)
	<-ctx.Done()
	return index.Result{}, ctx.Err()
}

// TestStdio_InputEndWaitIsBounded: a call still running when the input ended, and after the wait for it, is
// answered once, with an error saying so, not silently cancelled, and ServeStdio returns. The requests answered
// before the end are answered once.
func TestStdio_InputEndWaitIsBounded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var started atomic.Int32
	s := mcp.NewServer(mcp.Deps{Replica: stalledReplica{Replica: w.replica, started: &started}, Fresh: w.policy()},
		mcp.Options{Version: "test", Tools: w.toolOptions(), ValidateOutput: true})
	inR, inW := io.Pipe()
	out := &syncBuffer{}
	go func() {
		io.WriteString(inW, strings.Join(append(stdioOpening,
			stdioRequest("3", "ping", map[string]any{}),
			stdioToolCall("4", "fetch", map[string]any{"id": "conversation_" + convRefund}),
		), "\n")+"\n")
		// Only the stalled call runs when the input ends.
		testwait.Until(30*time.Second, func() bool { return strings.Contains(out.String(), `"id":4,`) })
		io.WriteString(inW, stdioToolCall("2", "search", map[string]any{"query": "object_type:conversations q:refund"})+"\n")
		inW.Close()
	}()
	answers := serveStdioScript(t, func(ctx context.Context, in io.Reader, out io.Writer) error {
		return mcp.ServeStdioWithin(ctx, s, in, out, w.log, 50*time.Millisecond)
	}, context.Background(), inR, out)
	if got := answers[int64(2)]; len(got) != 1 || got[0].Error == nil || !strings.Contains(got[0].Error.Error(), "its input (stdin) ended") ||
		!strings.Contains(got[0].Error.Error(), "still running 50ms later") {
		text, _ := answers.result(t, int64(2))
		t.Errorf("the call still running: %s, want one error saying the input ended while it ran", text)
	}
	for _, id := range []int64{1, 3, 4} {
		if got, ok := answers.result(t, id); !ok {
			t.Errorf("request %d: %s, want one result", id, got)
		}
	}
	if started.Load() != 1 {
		t.Errorf("searches begun: %d, want 1", started.Load())
	}
}

// waitingReader is an input that has given all it holds and whose reader asks for more: so the server has
// taken up every request in it.
type waitingReader struct {
	r        io.Reader
	left     atomic.Int64 // bytes not read yet
	awaiting atomic.Bool
}

func (w *waitingReader) Read(p []byte) (int, error) {
	if w.left.Load() == 0 {
		w.awaiting.Store(true)
	}
	n, err := w.r.Read(p)
	w.left.Add(-int64(n))
	return n, err
}

// TestStdio_StoppedAnswersEveryRequestRead: when ctx ends (serve interrupted), every request read is answered,
// the calls running (cancelled) and the ones mcp-go had queued behind its five workers (which it dropped, at
// random) alike. Several runs, as the loss was a race.
func TestStdio_StoppedAnswersEveryRequestRead(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const calls = 9
	lines := append([]string{}, stdioOpening...)
	for i := range calls {
		lines = append(lines, stdioToolCall(fmt.Sprint(i+2), "search", map[string]any{"query": "object_type:conversations q:refund"}))
	}
	script := strings.Join(lines, "\n") + "\n"
	for run := range 8 {
		var started atomic.Int32
		s := mcp.NewServer(mcp.Deps{Replica: stalledReplica{Replica: w.replica, started: &started}, Fresh: w.policy()},
			mcp.Options{Version: "test", Tools: w.toolOptions(), ValidateOutput: true})
		inR, inW := io.Pipe()
		in := &waitingReader{r: inR}
		in.left.Store(int64(len(script)))
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			io.WriteString(inW, script)
			// Every request taken up: the five workers busy, the rest in the queue. Then serve is interrupted, its
			// input still open.
			if testwait.Until(30*time.Second, func() bool { return started.Load() == 5 && in.awaiting.Load() }) {
				cancel()
			}
		}()
		answers := serveStdioScript(t, func(ctx context.Context, in io.Reader, out io.Writer) error {
			return mcp.ServeStdio(ctx, s, in, out, w.log)
		}, ctx, in, &syncBuffer{})
		cancel()
		inW.Close() // releases the read mcp-go leaves behind
		if started.Load() < 5 || !in.awaiting.Load() {
			t.Fatalf("run %d: searches begun: %d, want the five workers busy, and every request taken up (%v)", run, started.Load(), in.awaiting.Load())
		}
		for i := range calls {
			if got := answers[int64(i+2)]; len(got) != 1 {
				text, _ := answers.result(t, int64(i+2))
				t.Fatalf("run %d: request %d: %s, want one", run, i+2, text)
			}
		}
	}
}
