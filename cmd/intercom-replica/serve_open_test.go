package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp/peer/peertest"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
)

// shortDir returns a new data directory with a path short enough for the owner's socket.
func shortDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ira-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// seedReplica stores n conversations in a new replica in dir.
func seedReplica(t *testing.T, dir string, n int) {
	t.Helper()
	r, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b index.Batch
	for i := 1; i <= n; i++ {
		raw := fmt.Sprintf(`{"type":"conversation","id":"%d","created_at":%d,"updated_at":%d,"state":"open","title":"refund number %d"}`, i, 1700000000+i, 1700000000+i, i)
		b.Records = append(b.Records, index.Record{Kind: query.KindConversation, ID: fmt.Sprint(i), Raw: []byte(raw)})
	}
	if _, err := r.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

// heldDir returns a data directory with n conversations, held by "another process" that does not serve it on
// the socket, as one still opening the replica does; closing the holder lets it go (it is closed at the end of
// the test in any case).
func heldDir(t *testing.T, n int) (dir string, holder *index.Replica) {
	t.Helper()
	dir = shortDir(t)
	seedReplica(t, dir, n)
	holder, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Close() })
	return dir, holder
}

// offlineConfig writes a configuration that serves the replica without syncing (no Intercom token needed).
func offlineConfig(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("sync:\n  enabled: false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// inProcessServe is `intercom-replica serve` running in this process (Main.Run), as a person starts it at a
// terminal or a script starts it without one.
type inProcessServe struct {
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	exited         chan struct{} // closed when it has returned, with code
	code           int
}

// serveHTTPInProcess starts serve --transport http on a free loopback port on the replica in dir, without auth
// or syncing, stopped at the end of the test.
func serveHTTPInProcess(t *testing.T, m *Main, dir string) *inProcessServe {
	t.Helper()
	return startServe(t, m, "--transport", "http", "--listen", "127.0.0.1:0", "--no-auth", "--config", offlineConfig(t), "--data-dir", dir)
}

// startServe runs serve with args through m, whose Stdin (empty when nil), terminal check and other test hooks are
// the caller's and whose Stdout and Stderr are the returned server's. It is stopped at the end of the test.
func startServe(t *testing.T, m *Main, args ...string) *inProcessServe {
	t.Helper()
	s := &inProcessServe{stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	m.Stdout, m.Stderr, m.Getenv = s.stdout, s.stderr, func(string) string { return "" }
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		defer close(s.exited)
		s.code = m.Run(ctx, append([]string{"serve"}, args...))
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return s
}

// url waits for the server to listen and returns its base URL.
func (s *inProcessServe) url(t *testing.T) string {
	t.Helper()
	listening := regexp.MustCompile(`msg="serving MCP over HTTP" addr=(127\.0\.0\.1:\d+)`)
	testwait.For(t, "serve to listen", 30*time.Second, func() bool { return listening.MatchString(s.stderr.String()) })
	return "http://" + listening.FindStringSubmatch(s.stderr.String())[1]
}

// waitPrinted waits for re on stdout and returns its submatches, failing if serve exits first.
func (s *inProcessServe) waitPrinted(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	testwait.For(t, re.String()+" on stdout", 60*time.Second, func() bool {
		select {
		case <-s.exited:
			t.Fatalf("serve exited %d:\n%s%s", s.code, s.stdout, s.stderr)
		default:
		}
		return re.MatchString(s.stdout.String())
	})
	return re.FindStringSubmatch(s.stdout.String())
}

// wait waits for serve to return by itself, up to d, and returns its exit code.
func (s *inProcessServe) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-s.exited:
		return s.code
	case <-time.After(d):
		t.Fatalf("serve did not stop within %s; stderr:\n%s", d, s.stderr)
		return 0
	}
}

// stop interrupts serve, as Ctrl-C does, and returns its exit code.
func (s *inProcessServe) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	return s.wait(t, 30*time.Second)
}

// get returns the status and body of GET url.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServe_AnswersWhileTheReplicaOpens: a serve whose replica takes long to open (here held by the test) listens
// and answers initialize, tools/list, /healthz and /readyz at once; a tool call that outlasts the wait gets a tool
// error saying the replica is opening; once it has opened, everything answers from it.
func TestServe_AnswersWhileTheReplicaOpens(t *testing.T) {
	t.Parallel()
	dir := shortDir(t)
	seedReplica(t, dir, 30)
	held := peertest.NewHeldOpen()
	m := &Main{openReplica: held.Open, openWait: time.Millisecond}
	srv := serveHTTPInProcess(t, m, dir)
	base, stderr := srv.url(t), srv.stderr
	<-held.Entered

	if code, body := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz while opening: %d %s", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != http.StatusServiceUnavailable ||
		!strings.Contains(body, "the replica is still opening: rebuilding the full-text index of conversations: 42%") {
		t.Errorf("/readyz while opening: %d %s", code, body)
	}
	client := sdk.NewClient(&sdk.Implementation{Name: "opening-test", Version: "1"}, nil)
	session, err := client.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: base + "/mcp", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("initialize while opening: %v", err)
	}
	defer session.Close()
	tools, err := session.ListTools(t.Context(), nil)
	if err != nil || len(tools.Tools) != len(demoCalls) {
		t.Fatalf("tools/list while opening: %v", err)
	}
	search := &sdk.CallToolParams{Name: "search", Arguments: map[string]any{"query": "object_type:conversations q:refund limit:2"}}
	res, err := session.CallTool(t.Context(), search)
	if err != nil {
		t.Fatalf("search while opening: a protocol error: %v", err)
	}
	if text := toolText(res); !res.IsError || !strings.HasPrefix(text, "The replica is still opening (rebuilding the full-text index of conversations: 42%") ||
		!strings.Contains(text, "try again shortly") {
		t.Errorf("search while opening: error %v: %s", res.IsError, text)
	}

	close(held.Release)
	testwait.For(t, "/readyz once open", 30*time.Second, func() bool { code, _ := get(t, base+"/readyz"); return code == http.StatusOK })
	res, err = session.CallTool(t.Context(), search)
	if err != nil || res.IsError || !strings.Contains(toolText(res), "30 conversations match") {
		t.Errorf("search once open: %v %+v", err, res)
	}
	if !strings.Contains(stderr.String(), `msg="opened the replica"`) {
		t.Errorf("no log line saying the replica opened:\n%s", stderr)
	}
	select {
	case <-srv.exited:
		t.Fatalf("serve exited %d:\n%s", srv.code, stderr)
	default:
	}
}

// TestServe_FailedOpenEndsServe: a replica that cannot be opened ends serve with the error, exit 1, as before the
// transport started first.
func TestServe_FailedOpenEndsServe(t *testing.T) {
	t.Parallel()
	dir := shortDir(t)
	if err := os.WriteFile(filepath.Join(dir, "replica.db"), []byte(strings.Repeat("not a bbolt file\n", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := serveHTTPInProcess(t, &Main{}, dir)
	select {
	case <-srv.exited:
		if srv.code != exitRuntime || !strings.Contains(srv.stderr.String(), "intercom-replica serve: open the replica: ") {
			t.Errorf("serve on a damaged replica: exit %d\n%s", srv.code, srv.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve on a damaged replica did not exit:\n%s", srv.stderr)
	}
}

// TestServe_StdioAnswersWhileAnotherProcessHoldsTheReplica is the front end's side: a stdio serve started while
// another process holds the data directory without serving it yet (it is opening the replica) answers its
// client at once, and a tool call made meanwhile is answered once the holder lets go.
func TestServe_StdioAnswersWhileAnotherProcessHoldsTheReplica(t *testing.T) {
	t.Parallel()
	dir, holder := heldDir(t, 30)
	s := startStdio(t, newUserEnv(t), "--config", offlineConfig(t), "--data-dir", dir)
	tools, err := s.session.ListTools(t.Context(), nil)
	if err != nil || len(tools.Tools) != len(demoCalls) {
		t.Fatalf("tools/list while the replica is held: %v", err)
	}
	type answer struct {
		res *sdk.CallToolResult
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := s.session.CallTool(context.Background(), &sdk.CallToolParams{Name: "search", Arguments: map[string]any{"query": "object_type:conversations q:refund limit:2"}})
		answered <- answer{res, err}
	}()
	holder.Close()
	a := <-answered
	if a.err != nil || a.res.IsError || !strings.Contains(toolText(a.res), "30 conversations match") {
		t.Errorf("search made while the replica was held: %v %+v\nstderr:\n%s", a.err, a.res, s.stderr)
	}
	if st := statusJSON(t, newUserEnv(t), dir); st.Owner.PID != s.cmd.Process.Pid {
		t.Errorf("owner %+v, want the serve (pid %d)", st.Owner, s.cmd.Process.Pid)
	}
	s.stop(t)
	if s.exitErr != nil {
		t.Errorf("serve exited with %v; stderr:\n%s", s.exitErr, s.stderr)
	}
	s.stdout.checkJSONRPC(t)
}
