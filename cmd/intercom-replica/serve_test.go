package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// stdioServer is `intercom-replica serve` started the way an MCP client starts it, with a session of the
// independent go-sdk client on its stdin and stdout.
type stdioServer struct {
	cmd     *exec.Cmd
	session *sdk.ClientSession
	stdout  *lineRecorder
	stderr  *syncBuffer
	exited  chan struct{}
	exitErr error
}

// startStdio starts serve with args and connects to it. The server is stopped at the end of the test.
func startStdio(t testing.TB, e *userEnv, args ...string) *stdioServer {
	t.Helper()
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &stdioServer{cmd: e.command(append([]string{"serve"}, args...)...), stdout: &lineRecorder{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = inR, outW, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	go func() {
		s.exitErr = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		inW.Close()
		outR.Close()
		s.stop(t)
	})
	client := sdk.NewClient(&sdk.Implementation{Name: "cli-e2e", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s.session, err = client.Connect(ctx, &sdk.IOTransport{Reader: io.NopCloser(io.TeeReader(outR, s.stdout)), Writer: inW}, nil)
	if err != nil {
		t.Fatalf("connect to serve %v: %v\nstderr:\n%s", args, err, s.stderr)
	}
	return s
}

// stop ends the session (closing the server's stdin, which ends a stdio server) and waits for the process.
func (s *stdioServer) stop(t testing.TB) {
	t.Helper()
	s.session.Close()
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		t.Errorf("serve did not exit after its stdin closed; stderr:\n%s", s.stderr)
	}
}

// kill ends the server with SIGKILL, as an operating system or a user's kill -9 does.
func (s *stdioServer) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.exited
}

// lineRecorder keeps every byte a server wrote to stdout.
type lineRecorder struct{ syncBuffer }

// checkJSONRPC fails the test unless every line is one JSON-RPC 2.0 message: stdout carries the protocol only.
func (r *lineRecorder) checkJSONRPC(t *testing.T) {
	t.Helper()
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(r.String()))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		lines++
		var msg struct {
			JSONRPC string           `json:"jsonrpc"`
			ID      *json.RawMessage `json:"id"`
			Method  string           `json:"method"`
			Result  *json.RawMessage `json:"result"`
			Error   *json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil || msg.JSONRPC != "2.0" ||
			(msg.Method == "" && (msg.ID == nil || (msg.Result == nil) == (msg.Error == nil))) {
			t.Errorf("stdout line %d is not a JSON-RPC 2.0 message: %.200q", lines, sc.Text())
		}
	}
	if lines == 0 {
		t.Error("the server wrote nothing to stdout")
	}
}

// toolCall is one call of each tool on the demo workspace, with what its text must hold.
type toolCall struct {
	tool string
	args map[string]any
	want string
}

var demoCalls = []toolCall{
	{"search", map[string]any{"query": `object_type:conversations q:"double charged" limit:3`}, "**double charge"},
	{"fetch", map[string]any{"id": demoConversation}, "Double charged this month"},
	{"search_conversations", map[string]any{"state": "snoozed", "per_page": 2}, "conversation_"},
	{"get_conversation", map[string]any{"id": "215470000000125"}, "Double charged this month"},
	{"search_contacts", map[string]any{"email": "fatima+support@gmail.com"}, demoContact},
	{"get_contact", map[string]any{"id": demoContact}, "Fatima Johnson"},
	{"aggregate", map[string]any{"query": "object_type:conversations", "group_by": []any{"state"}}, "| closed | 169 |"},
	{"list_companies", map[string]any{"plan": "Growth"}, "Acme Inc"},
	{"get_company", map[string]any{"id": "company_661c61a3fd9a35ba63000000"}, "Acme Inc"},
	{"list_articles", map[string]any{"collection": "Billing", "per_page": 3}, "article_"},
	{"search_articles", map[string]any{"phrase": "refund"}, "How refunds work"},
	{"get_article", map[string]any{"id": "article_4000000"}, "How refunds work"},
	{"search_tickets", map[string]any{"text": "refund", "ticket_type": "Refund request"}, "ticket_215480000000010"},
	{"get_ticket", map[string]any{"id": "ticket_215480000000010"}, "Refund request: damaged backpack"},
}

// callEach calls every tool and returns the text of each answer, with what changes from moment to moment (how
// long ago the record was synced, and whether get_* asked Intercom) left out.
func callEach(t *testing.T, s *sdk.ClientSession, who string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, c := range demoCalls {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		res, err := s.CallTool(ctx, &sdk.CallToolParams{Name: c.tool, Arguments: c.args})
		cancel()
		if err != nil {
			t.Fatalf("%s: %s: %v", who, c.tool, err)
		}
		text := toolText(res)
		if res.IsError || !strings.Contains(text, c.want) {
			t.Errorf("%s: %s %v (error %v) lacks %q:\n%.1500s", who, c.tool, c.args, res.IsError, c.want, text)
		}
		var kept []string
		for _, line := range strings.Split(text, "\n") {
			if !strings.HasPrefix(line, "Freshness:") {
				kept = append(kept, line)
			}
		}
		got[c.tool] = normalize(strings.Join(kept, "\n"), "")
	}
	return got
}

func toolText(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func TestServe_StdioEndToEnd(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	s := startStdio(t, e, "--demo", "--config", "", "--data-dir", dir)

	tools, err := s.session.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
		if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
			t.Errorf("tool %s is not annotated read-only", tool.Name)
		}
		if tool.InputSchema == nil {
			t.Errorf("tool %s has no input schema", tool.Name)
		}
	}
	slices.Sort(names)
	if got := strings.Join(names, " "); got != "aggregate fetch get_article get_company get_contact get_conversation get_ticket list_articles list_companies search search_articles search_contacts search_conversations search_tickets" {
		t.Errorf("tools: %s", got)
	}
	callEach(t, s.session, "serve")

	// A bad query is a tool error the model can act on, not a protocol error.
	res, err := s.session.CallTool(context.Background(), &sdk.CallToolParams{Name: "search", Arguments: map[string]any{"query": "object_type:conversations stat:open"}})
	if err != nil {
		t.Fatal(err)
	}
	if text := toolText(res); !res.IsError || !strings.Contains(text, `did you mean "state"`) {
		t.Errorf("bad query: error %v: %s", res.IsError, text)
	}

	// How to connect goes to stderr; stdout carries the protocol and nothing else.
	if !strings.Contains(s.stderr.String(), `"args":["serve","--demo",`) {
		t.Errorf("stderr does not say how to configure a client:\n%s", s.stderr)
	}
	s.stop(t)
	if s.exitErr != nil {
		t.Errorf("serve exited with %v after its stdin closed; stderr:\n%s", s.exitErr, s.stderr)
	}
	s.stdout.checkJSONRPC(t)
	if _, err := os.Stat(dir + "/owner.sock"); !os.IsNotExist(err) {
		t.Errorf("the owner's socket outlived it: %v", err)
	}
}

// TestServe_TwoStdioServersShareOneDataDir is what MCP clients do: start a server per window on one data
// directory. The second forwards to the first; killed with SIGKILL, the first leaves the second answering every
// tool the same way, now as the owner (it opened the replica and runs the syncer).
func TestServe_TwoStdioServersShareOneDataDir(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	args := []string{"--demo", "--config", "", "--data-dir", dir}
	first := startStdio(t, e, args...)
	second := startStdio(t, e, args...)

	fromFirst := callEach(t, first.session, "first")
	before := callEach(t, second.session, "second, forwarding")
	for tool, text := range fromFirst {
		if before[tool] != text {
			t.Errorf("%s: the forwarding server answers differently from the owner:\n%s", tool, lineDiff(text, before[tool]))
		}
	}
	if st := statusJSON(t, e, dir); st.Owner.PID != first.cmd.Process.Pid || st.Owner.Self {
		t.Fatalf("owner %+v, want the first server (pid %d)", st.Owner, first.cmd.Process.Pid)
	}

	first.kill(t)
	after := callEach(t, second.session, "second, after the first was killed")
	for tool, text := range before {
		if after[tool] != text {
			t.Errorf("%s: answers changed when the owner was killed:\n%s", tool, lineDiff(text, after[tool]))
		}
	}
	testwait.For(t, "the second server to take the data directory over", 30*time.Second, func() bool {
		return strings.Contains(second.stderr.String(), "took over the data directory")
	})
	st := statusJSON(t, e, dir)
	if st.Owner.PID != second.cmd.Process.Pid || st.Owner.Self {
		t.Errorf("owner %+v after the takeover, want the second server (pid %d)", st.Owner, second.cmd.Process.Pid)
	}
	if st.Kinds["conversation"].Live != 294 || st.Kinds["contact"].Live != 149 || !st.Store.Healthy {
		t.Errorf("after the takeover: %+v", st)
	}
	// The new owner runs the syncer: its first pass comes at once.
	testwait.For(t, "the new owner's first sync pass", 30*time.Second, func() bool {
		return strings.Contains(second.stderr.String(), "sync pass finished")
	})
	second.stop(t)
	second.stdout.checkJSONRPC(t)
	first.stdout.checkJSONRPC(t)
}

type statusDoc struct {
	Owner struct {
		PID  int  `json:"pid"`
		Self bool `json:"self"`
	} `json:"owner"`
	Kinds map[string]struct {
		Live    int `json:"live"`
		Deleted int `json:"deleted"`
	} `json:"kinds"`
	Store struct {
		Healthy bool `json:"index_healthy"`
	} `json:"store"`
}

// statusJSON runs `status --json` on dir.
func statusJSON(t *testing.T, e *userEnv, dir string) statusDoc {
	t.Helper()
	out, _ := e.mustRun(t, "status", "--json", "--config", "", "--data-dir", dir)
	var st statusDoc
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

// TestServe_DemoOverHTTP starts the demo as a person would with --transport http, connects with the URL and the
// token it printed, and runs the read commands beside it: they go through the serving process.
func TestServe_DemoOverHTTP(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	// Webhooks on: the syncer's receiver is mounted on the same listener.
	const secret = "demo-webhook-client-secret"
	secretFile := filepath.Join(e.home, "client_secret")
	config := filepath.Join(e.home, "config.yaml")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("sync:\n  webhooks:\n    enabled: true\n    client_secret_file: "+secretFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := e.command("serve", "--demo", "--transport", "http", "--listen", "127.0.0.1:0", "--config", config, "--data-dir", dir)
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	printed := regexp.MustCompile(`MCP endpoint:  (http://127\.0\.0\.1:\d+)/mcp[\s\S]*Bearer token:  (\S+)`)
	testwait.For(t, "the endpoint and token on stdout", 60*time.Second, func() bool { return printed.MatchString(stdout.String()) })
	m := printed.FindStringSubmatch(stdout.String())
	base, token := m[1], m[2]
	if !strings.Contains(stdout.String(), `claude mcp add --transport http --header "Authorization: Bearer `+token+`" -- intercom-demo `+base+"/mcp") {
		t.Errorf("no ready client command:\n%s", stdout)
	}

	client := sdk.NewClient(&sdk.Implementation{Name: "cli-e2e", Version: "1"}, nil)
	session, err := client.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: bearer(token), MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("connect with the printed token: %v", err)
	}
	defer session.Close()
	callEach(t, session, "http")

	for _, tc := range []struct {
		path, token string
		status      int
		want        string
	}{
		{"/mcp", "", http.StatusUnauthorized, ""},
		{"/mcp", "wrong-token-wrong-token", http.StatusUnauthorized, ""},
		{"/healthz", "", http.StatusOK, "ok"},
		{"/readyz", "", http.StatusOK, "ready"},
		{"/metrics", "", http.StatusOK, "intercom_replica_sync_"},
	} {
		req, _ := http.NewRequest(http.MethodPost, base+tc.path, strings.NewReader(`{}`))
		if tc.path != "/mcp" {
			req.Method = http.MethodGet
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s %s: %d %.300s", req.Method, tc.path, resp.StatusCode, body)
		}
		if tc.status == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s without a valid token: WWW-Authenticate %q", tc.path, resp.Header.Get("WWW-Authenticate"))
		}
	}

	// A signed notification is the syncer's (no bearer token: Intercom signs instead); an unsigned one is refused.
	body := []byte(`{"type":"notification_event","id":"notif_1","topic":"conversation.deleted","created_at":1767225600,` +
		`"data":{"item":{"type":"conversation","id":"215470000000187"}}}`)
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write(body)
	for _, sig := range []string{"", "sha1=" + hex.EncodeToString(mac.Sum(nil))} {
		resp, err := http.Post(base+"/webhooks/intercom", "application/json", bytes.NewReader(body))
		if sig != "" {
			req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/intercom", bytes.NewReader(body))
			req.Header.Set("X-Hub-Signature", sig)
			resp.Body.Close()
			resp, err = http.DefaultClient.Do(req)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{false: http.StatusUnauthorized, true: http.StatusOK}[sig != ""]; resp.StatusCode != want {
			t.Errorf("webhook signed %v: %d, want %d", sig != "", resp.StatusCode, want)
		}
	}
	// The signed conversation.deleted reached the replica: the record is a tombstone now.
	code, out, errOut := e.run(t, "get", "--config", "", "--data-dir", dir, "conversation_215470000000187")
	if code != exitRuntime || !strings.Contains(errOut, "conversation 215470000000187 was deleted in Intercom") {
		t.Errorf("get after a signed conversation.deleted: exit %d\n%s%s", code, out, errOut)
	}

	// The read commands work beside the server, through it.
	out, _ = e.mustRun(t, "status", "--config", "", "--data-dir", dir)
	if !strings.Contains(out, fmt.Sprintf("Served by pid %d", cmd.Process.Pid)) || !strings.Contains(out, fmt.Sprintf("Live budget: pid %d: ", cmd.Process.Pid)) {
		t.Errorf("status beside serve:\n%s", out)
	}
	out, _ = e.mustRun(t, "search", "--config", "", "--data-dir", dir, "object_type:conversations q:refund limit:2")
	if !strings.Contains(out, "2 of ") {
		t.Errorf("search beside serve:\n%s", out)
	}
	out, _ = e.mustRun(t, "get", "--config", "", "--data-dir", dir, demoContact)
	if !strings.Contains(out, "Fatima Johnson") {
		t.Errorf("get beside serve:\n%s", out)
	}
	out, _ = e.mustRun(t, "export", "--type", "contacts", "--config", "", "--data-dir", dir)
	if n := strings.Count(out, "\n"); n != 149 {
		t.Errorf("export beside serve: %d lines", n)
	}
	// export --query streams the matches from the serve in one call, in the query's order.
	out, _ = e.mustRun(t, "search", "--config", "", "--data-dir", dir, "object_type:conversations state:closed limit:1")
	closed := regexp.MustCompile(`1 of (\d+) conversations`).FindStringSubmatch(out)
	out, errOut = e.mustRun(t, "export", "--type", "conversations", "--query", "state:closed", "--config", "", "--data-dir", dir)
	if closed == nil || fmt.Sprint(strings.Count(out, "\n")) != closed[1] || !strings.Contains(errOut, "Exported "+closed[1]+" conversations") {
		t.Errorf("export --query beside serve: %d lines, search says %v\n%s", strings.Count(out, "\n"), closed, errOut)
	}

	// reindex: the serve rebuilds its index (searches go on), and the command shows the progress.
	out, errOut = e.mustRun(t, "reindex", "--config", "", "--data-dir", dir)
	// 509: the demo's conversations, contacts, companies, articles and tickets.
	if !strings.Contains(out, "Rebuilt the full-text index of 509 records in ") || !strings.Contains(out, fmt.Sprintf("in pid %d, which has the replica", cmd.Process.Pid)) ||
		!strings.Contains(errOut, "reindex: 509 of 509 records (100%)") {
		t.Errorf("reindex beside serve:\n%s%s", out, errOut)
	}
	if !strings.Contains(stderr.String(), `msg="rebuilt full-text index" kind=conversation`) {
		t.Errorf("the serve did not rebuild its index:\n%s", stderr)
	}

	// sync: the serve's syncer runs the pass (here a full one) and the command prints its report.
	passes := func() int { return strings.Count(stderr.String(), `msg="sync pass finished" pass=reconcile`) }
	before := passes()
	out, errOut = e.mustRun(t, "sync", "--full", "--demo", "--config", "", "--data-dir", dir)
	if !regexp.MustCompile(`(?m)^reconcile +conversations +\d+ listed`).MatchString(out) || !strings.Contains(out, `Replica of workspace "Umbrella Support"`) {
		t.Errorf("sync beside serve printed:\n%s", out)
	}
	if !strings.Contains(errOut, fmt.Sprintf("it runs the pass\" pid=%d", cmd.Process.Pid)) || passes() != before+1 {
		t.Errorf("the pass did not run in the serve (%d reconcile passes logged, %d before); sync's stderr:\n%s", passes(), before, errOut)
	}
	out, _ = e.mustRun(t, "status", "--config", "", "--data-dir", dir)
	if !regexp.MustCompile(fmt.Sprintf(`Live budget: pid %d: \d+ of \d+ requests left in Intercom's 10s window`, cmd.Process.Pid)).MatchString(out) {
		t.Errorf("status after a pass beside serve:\n%s", out)
	}

	// Ctrl-C: a graceful shutdown, exit 0, the socket gone.
	session.Close()
	cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Errorf("serve after SIGINT: %v\nstderr:\n%s", err, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop after SIGINT; stderr:\n%s", stderr)
	}
	if _, err := os.Stat(dir + "/owner.sock"); !os.IsNotExist(err) {
		t.Errorf("the owner's socket outlived it: %v", err)
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("the bearer token was logged")
	}
}

// bearer returns an HTTP client that sends token as a bearer token.
func bearer(token string) *http.Client {
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+token)
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// printedEndpoint is the MCP endpoint the demo prints.
var printedEndpoint = regexp.MustCompile(`MCP endpoint:  (http://127\.0\.0\.1:\d+)/mcp`)

// TestServe_DemoOnATerminalServesHTTP: a person who types `serve --demo` at a terminal has no MCP client on
// stdin, so the demo serves HTTP and says how to connect, unless a transport was chosen.
func TestServe_DemoOnATerminalServesHTTP(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	stdin, typing := io.Pipe()
	defer typing.Close()
	s := startServe(t, &Main{Stdin: stdin, stdinTerminal: func() bool { return true }}, "--demo", "--listen", "127.0.0.1:0", "--config", "", "--data-dir", dir)
	base := s.waitPrinted(t, printedEndpoint)[1]
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz: %d", resp.StatusCode)
	}
	token, err := os.ReadFile(dir + "/" + demoTokenFile)
	if err != nil || !strings.Contains(s.stdout.String(), "Bearer token:  "+strings.TrimSpace(string(token))) {
		t.Errorf("the printed token is not the demo's (%v):\n%s", err, s.stdout)
	}

	// The README shows what a new user sees, with its own port, token and directory.
	want := readmeBlockAfter(t, "printing what to connect to:")
	readmeToken := regexp.MustCompile(`Bearer token:  (\S+)`).FindStringSubmatch(want)
	if readmeToken == nil {
		t.Fatalf("README's output has no token:\n%s", want)
	}
	got := strings.ReplaceAll(s.stdout.String(), base, "http://127.0.0.1:8080")
	got = strings.ReplaceAll(got, strings.TrimSpace(string(token)), readmeToken[1])
	got = strings.ReplaceAll(got, dir, "~/.local/share/intercom-replica/demo")
	if got != want {
		t.Errorf("serve --demo on a terminal prints other than the README shows:\n%s", lineDiff(want, got))
	}
	if code := s.stop(t); code != exitOK {
		t.Errorf("serve after cancellation: exit %d\n%s", code, s.stderr)
	}
}

// TestServe_DemoWithoutAuth: --no-auth on the demo prints how to connect without a token (it panicked printing the
// token), and serves without one.
func TestServe_DemoWithoutAuth(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	s := startServe(t, &Main{}, "--demo", "--transport", "http", "--no-auth", "--listen", "127.0.0.1:0", "--config", "", "--data-dir", dir)
	base := s.waitPrinted(t, regexp.MustCompile(`(?s)MCP endpoint:  (http://127\.0\.0\.1:\d+)/mcp.*Serving until interrupted`))[1]
	out := s.stdout.String()
	for _, want := range []string{
		"Authentication: none (--no-auth)",
		"claude mcp add --transport http intercom-demo " + base + "/mcp\n",
		"npx -y mcp-remote " + base + "/mcp\n",
		`"args":["-y","mcp-remote","` + base + `/mcp"]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Bearer") {
		t.Errorf("the banner speaks of a token:\n%s", out)
	}
	client := sdk.NewClient(&sdk.Implementation{Name: "cli-e2e", Version: "1"}, nil)
	session, err := client.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: base + "/mcp", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("connect without a token: %v", err)
	}
	defer session.Close()
	callEach(t, session, "no auth")
}

// TestServe_DemoNeverPrintsTheOperatorsToken: with tokens of the operator's own (--tokens-file), the demo's banner
// shows where a token goes but never prints one of them (it printed the first).
func TestServe_DemoNeverPrintsTheOperatorsToken(t *testing.T) {
	dir := demoCopy(t)
	secret := "op-secret-token-5f1d8c2e9a7b4c3d"
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, &Main{}, "--demo", "--transport", "http", "--tokens-file", file, "--listen", "127.0.0.1:0", "--config", "", "--data-dir", dir)
	base := s.waitPrinted(t, regexp.MustCompile(`(?s)MCP endpoint:  (http://127\.0\.0\.1:\d+)/mcp.*Serving until interrupted`))[1]
	out := s.stdout.String()
	if strings.Contains(out, secret) || strings.Contains(s.stderr.String(), secret) {
		t.Errorf("serve printed the operator's token:\n%s\n%s", out, s.stderr)
	}
	if want := "npx -y mcp-remote " + base + `/mcp --header "Authorization: Bearer <token>"`; !strings.Contains(out, want) {
		t.Errorf("the banner lacks %q:\n%s", want, out)
	}
}

// TestServe_DemoWithoutATerminalSaysItServesStdio: started from a script, nohup or CI (stdin not a terminal), the
// demo serves stdio, says so and how to serve HTTP instead, and says why it stops at the end of its input.
func TestServe_DemoWithoutATerminalSaysItServesStdio(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	s := startServe(t, &Main{}, "--demo", "--config", "", "--data-dir", dir)
	if code := s.wait(t, 60*time.Second); code != exitOK {
		t.Errorf("exit %d at the end of its input; stderr:\n%s", code, s.stderr)
	}
	for _, want := range []string{"Serving MCP over stdio", "stdin is not a terminal", "add --transport http", "stops at the end of its input",
		`msg="stdin reached its end`,
		// The client lines reach this same replica: --data-dir was given, so they carry it.
		" serve --demo --data-dir " + dir + "\n", `"args":["serve","--demo","--data-dir","` + dir + `"]`} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, s.stderr)
		}
	}
	if s.stdout.String() != "" {
		t.Errorf("stdout is the protocol's, yet:\n%s", s.stdout)
	}
}

// TestServe_DemoAcceptsItsIntercomToken: serve.accept_intercom_tokens works on the demo too: the demo's fake
// Intercom proves its own access token (GET /me), which the banner prints, and refuses any other.
func TestServe_DemoAcceptsItsIntercomToken(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	config := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(config, []byte("serve:\n  accept_intercom_tokens: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, &Main{}, "--demo", "--transport", "http", "--listen", "127.0.0.1:0", "--config", config, "--data-dir", dir)
	m := s.waitPrinted(t, regexp.MustCompile(`MCP endpoint:  (http://127\.0\.0\.1:\d+)/mcp[\s\S]*Bearer token:  (\S+)\nIntercom token: (\S+) `))
	base, local, intercomToken := m[1], m[2], m[3]
	if want := fakeintercom.NewHandler(demoWorkspace(t), fakeintercom.HandlerOptions{}).Token(); intercomToken != want {
		t.Fatalf("the banner's Intercom token %q is not the demo Intercom's %q", intercomToken, want)
	}
	for _, token := range []string{intercomToken, local} {
		client := sdk.NewClient(&sdk.Implementation{Name: "cli-e2e", Version: "1"}, nil)
		session, err := client.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: bearer(token), MaxRetries: -1}, nil)
		if err != nil {
			t.Fatalf("connect with %s: %v", token, err)
		}
		res, err := session.CallTool(t.Context(), &sdk.CallToolParams{Name: "get_contact", Arguments: map[string]any{"id": demoContact}})
		if err != nil || res.IsError || !strings.Contains(toolText(res), "Fatima Johnson") {
			t.Errorf("get_contact with %s: %v %+v", token, err, res)
		}
		session.Close()
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+strings.ToUpper(intercomToken))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("another Intercom token: %d, want 401", resp.StatusCode)
	}
	if strings.Contains(s.stderr.String(), intercomToken) || strings.Contains(s.stderr.String(), local) {
		t.Errorf("a token was logged:\n%s", s.stderr)
	}
}

// TestREADME_ToolExamplesAnswer calls every tool example the README shows as a line `tool {json arguments}` on
// serve --demo over stdio: each answers without error, except those whose comment says it shows an error, which
// must be a tool error saying what the comment says.
func TestREADME_ToolExamplesAnswer(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^([a-z_]+)\s+(\{.*\})\s*(?:#\s*(.*))?$`)
	type example struct {
		n                   int
		tool, args, comment string
	}
	var examples []example
	for i, l := range strings.Split(string(raw), "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			examples = append(examples, example{i + 1, m[1], m[2], m[3]})
		}
	}
	if len(examples) < 7 {
		t.Fatalf("found %d tool examples in the README, want the articles and tickets ones at least", len(examples))
	}
	s := startStdio(t, newUserEnv(t), "--demo", "--config", "", "--data-dir", demoCopy(t))
	for _, ex := range examples {
		var args map[string]any
		if err := json.Unmarshal([]byte(ex.args), &args); err != nil {
			t.Errorf("README line %d: arguments are not JSON: %v", ex.n, err)
			continue
		}
		res, err := s.session.CallTool(t.Context(), &sdk.CallToolParams{Name: ex.tool, Arguments: args})
		if err != nil {
			t.Errorf("README line %d: %s: %v", ex.n, ex.tool, err)
			continue
		}
		text := toolText(res)
		wantErr := strings.HasPrefix(ex.comment, "an error")
		switch {
		case res.IsError != wantErr:
			t.Errorf("README line %d: %s %s: error %v, the README says %q:\n%.600s", ex.n, ex.tool, ex.args, res.IsError, ex.comment, text)
		case wantErr:
			// "an error naming ticket_215480000000000: ..." names what the error must hold.
			if named := regexp.MustCompile(`naming (\S+?):`).FindStringSubmatch(ex.comment); named != nil && !strings.Contains(text, named[1]) {
				t.Errorf("README line %d: %s's error does not name %s:\n%s", ex.n, ex.tool, named[1], text)
			}
		case strings.Contains(text, "No ") && strings.Contains(text, " match"):
			t.Errorf("README line %d: %s %s finds nothing on the demo workspace:\n%.600s", ex.n, ex.tool, ex.args, text)
		}
	}
}
