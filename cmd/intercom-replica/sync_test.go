package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	replsync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// runCmd runs the program with args and an environment, returning the exit code and what it printed.
func runCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	m := &Main{Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut, Getenv: func(k string) string { return env[k] }}
	code = m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

func TestSync_DemoBackfillsThenSyncsIncrementally(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "replica")
	code, out, errOut := runCmd(t, nil, "sync", "--demo", "--config", "", "--data-dir", dir)
	if code != exitOK {
		t.Fatalf("sync --demo: exit %d\n%s", code, errOut)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^backfill +contacts +\d+ listed, 0 of them fetched, \d+ written`),
		regexp.MustCompile(`(?m)^backfill +conversations +(\d+) listed, (\d+) of them fetched \(\d+ parts\)`),
		regexp.MustCompile(`(?m)^incremental +conversations `),
		regexp.MustCompile(`Replica of workspace "[^"]+" \(\w+\) in .*replica: \d+ conversations, \d+ contacts\.`),
	} {
		if !want.MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "backfill complete") {
		t.Errorf("no progress lines on a non-terminal stderr:\n%s", errOut)
	}

	// Again: nothing to backfill, an incremental pass that changes nothing.
	code, out, errOut = runCmd(t, nil, "sync", "--demo", "--config", "", "--data-dir", dir)
	if code != exitOK {
		t.Fatalf("second sync --demo: exit %d\n%s", code, errOut)
	}
	if strings.Contains(out, "backfill") || !regexp.MustCompile(`(?m)^incremental +conversations +0 listed, 0 of them fetched, 0 written`).MatchString(out) {
		t.Errorf("second run output:\n%s", out)
	}
}

func TestSync_AgainstFakeIntercomAndRefusesAnotherWorkspace(t *testing.T) {
	t.Parallel()
	base, token, _, _ := startFakeIntercom(t, "--conversations", "40", "--contacts", "20", "--seed", "9")
	dir := t.TempDir()
	env := map[string]string{"INTERCOM_BASE_URL": base, "INTERCOM_ACCESS_TOKEN": token, "INTERCOM_REPLICA_DATA_DIR": dir}
	code, out, errOut := runCmd(t, env, "sync", "--config", "", "--full")
	if code != exitOK {
		t.Fatalf("sync --full: exit %d\n%s", code, errOut)
	}
	if !regexp.MustCompile(`(?m)^reconcile +conversations `).MatchString(out) {
		t.Errorf("--full ran no reconcile pass:\n%s", out)
	}
	if strings.Contains(errOut, token) || strings.Contains(out, token) {
		t.Errorf("the access token was printed")
	}

	// The demo workspace is another workspace: the replica refuses to mix them.
	code, _, errOut = runCmd(t, nil, "sync", "--demo", "--config", "", "--data-dir", dir)
	if code != exitUsage || !strings.Contains(errOut, "holds a replica that --demo did not make") {
		t.Errorf("sync --demo into another workspace's replica: exit %d\n%s", code, errOut)
	}
}

func TestSync_UsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no token", []string{"sync", "--config", ""}, "INTERCOM_ACCESS_TOKEN"},
		{"argument", []string{"sync", "--config", "", "extra"}, "takes no arguments"},
		{"bad flag", []string{"sync", "--fast"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, map[string]string{"INTERCOM_REPLICA_DATA_DIR": t.TempDir()}, tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 mentioning %q", code, errOut, tc.want)
			}
		})
	}
}

// TestSync_ServesTheReplicaWhileItRuns: a sync owns the replica the way a serve does, so the read commands forward
// to it while it runs instead of waiting for it to finish.
func TestSync_ServesTheReplicaWhileItRuns(t *testing.T) {
	t.Parallel()
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 3, Conversations: 30, Contacts: 10})
	if err != nil {
		t.Fatal(err)
	}
	fake := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Token: "sync-test-token"})
	// Whole-conversation fetches wait at the gate: the sync is then mid-backfill, holding the replica.
	gate, fetching := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/conversations/") && r.URL.Path != "/conversations/deleted" {
			once.Do(func() { close(fetching) })
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := shortDir(t)
	env := map[string]string{"INTERCOM_BASE_URL": srv.URL, "INTERCOM_ACCESS_TOKEN": "sync-test-token", "INTERCOM_REPLICA_DATA_DIR": dir}

	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := runCmd(t, env, "sync", "--config", "")
		done <- result{code, out, errOut}
	}()
	select {
	case <-fetching:
	case r := <-done:
		t.Fatalf("sync ended before fetching a conversation: exit %d\n%s%s", r.code, r.out, r.errOut)
	case <-time.After(30 * time.Second):
		t.Fatal("sync fetched no conversation")
	}

	code, out, errOut := runCmd(t, env, "status", "--config", "")
	if code != exitOK || !strings.Contains(out, "Served by pid") || !strings.Contains(out, "Live budget: pid") || !strings.Contains(out, "backfill") {
		t.Errorf("status while sync runs: exit %d\n%s%s", code, out, errOut)
	}
	// A sync runs the passes asked of it, on no schedule.
	if !regexp.MustCompile(`Schedule: +none: pid \d+ holds the replica and syncs only when asked \(intercom-replica sync\)\n`).MatchString(out) {
		t.Errorf("status while sync runs claims a schedule:\n%s", out)
	}
	if code, out, errOut := runCmd(t, env, "search", "--config", "", "object_type:contacts limit:150"); code != exitOK {
		t.Errorf("search while sync runs: exit %d\n%s%s", code, out, errOut)
	}
	close(gate)
	r := <-done
	if r.code != exitOK || !regexp.MustCompile(`(?m)^backfill +conversations +\d+ listed, \d+ of them fetched`).MatchString(r.out) {
		t.Fatalf("sync: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if code, out, _ := runCmd(t, env, "status", "--config", ""); code != exitOK || !strings.Contains(out, "Open in this process") {
		t.Errorf("status after sync: the replica is still held by someone\n%s", out)
	}
}

// TestSync_WithoutATokenBesideAServe: the serve that owns the replica runs the pass with its own token, so a sync
// asked for beside it needs none (a client-launched serve reads its token from a file the shell may not have).
func TestSync_WithoutATokenBesideAServe(t *testing.T) {
	t.Parallel()
	base, token, _, _ := startFakeIntercom(t, "--conversations", "20", "--contacts", "10", "--seed", "5")
	dir := shortDir(t)
	withToken := map[string]string{"INTERCOM_BASE_URL": base, "INTERCOM_ACCESS_TOKEN": token, "INTERCOM_REPLICA_DATA_DIR": dir}
	noToken := map[string]string{"INTERCOM_BASE_URL": base, "INTERCOM_REPLICA_DATA_DIR": dir}

	stdin, closeStdin := io.Pipe()
	serveErr := &syncBuffer{}
	serve := &Main{Stdin: stdin, Stdout: io.Discard, Stderr: serveErr, Getenv: func(k string) string { return withToken[k] }}
	served := make(chan int, 1)
	go func() { served <- serve.Run(context.Background(), []string{"serve", "--config", ""}) }()
	defer func() {
		closeStdin.Close() // the end of stdin ends a stdio serve
		if code := <-served; code != exitOK {
			t.Errorf("serve: exit %d\n%s", code, serveErr)
		}
	}()
	testwait.For(t, "the serve's first pass", 30*time.Second, func() bool {
		return strings.Contains(serveErr.String(), `msg="sync pass finished"`)
	})

	// status beside it shows the schedule the serve runs.
	if code, out, errOut := runCmd(t, noToken, "status", "--config", ""); code != exitOK ||
		!regexp.MustCompile(`Schedule: +incremental @every 1m, reconcile @daily \(run by pid \d+\)\n`).MatchString(out) {
		t.Errorf("status beside a syncing serve: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut := runCmd(t, noToken, "sync", "--config", "")
	if code != exitOK || !regexp.MustCompile(`(?m)^incremental +conversations `).MatchString(out) ||
		!strings.Contains(errOut, "the replica is open in another process: it runs the pass") {
		t.Errorf("sync without a token beside a serve: exit %d\n%s%s", code, out, errOut)
	}

	// Without the serve, the same command is refused before it touches the directory.
	other := t.TempDir()
	code, _, errOut = runCmd(t, map[string]string{"INTERCOM_BASE_URL": base, "INTERCOM_REPLICA_DATA_DIR": other}, "sync", "--config", "")
	if code != exitUsage || !strings.Contains(errOut, "INTERCOM_ACCESS_TOKEN") {
		t.Errorf("sync without a token or a serve: exit %d\n%s", code, errOut)
	}
	if entries, _ := os.ReadDir(other); len(entries) != 0 {
		t.Errorf("the refused sync wrote %d entries into its data directory", len(entries))
	}
}

// TestSync_UnreachableIntercomFailsWithTheReason: with nothing listening at the base URL, sync retries a few times
// (a warning each), then exits 1 with one line naming the URL and the cause, well within a minute.
func TestSync_UnreachableIntercomFailsWithTheReason(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	e := newUserEnv(t, "INTERCOM_ACCESS_TOKEN=x", "INTERCOM_BASE_URL="+base)
	code, stdout, stderr := e.runWithin(t, time.Minute, "sync")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	want := "intercom-replica sync: cannot reach " + base + ": connection refused (gave up after 5 attempts in "
	if code != exitRuntime || !strings.HasPrefix(lines[len(lines)-1], want) {
		t.Errorf("exit %d; last line of stderr:\n  %s\nwant exit 1 and\n  %s…\nstdout:\n%s\nstderr:\n%s", code, lines[len(lines)-1], want, stdout, stderr)
	}
	if n := strings.Count(stderr, `msg="intercom retry"`); n != 4 {
		t.Errorf("%d retry warnings, want 4:\n%s", n, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout: %q, want nothing (no pass ran)", stdout)
	}
}

func TestPrintSyncReports_CountsAgreeWithTheirNouns(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	printSyncReports(&b, []replsync.PassReport{{Pass: replsync.PassIncremental, Kinds: []replsync.KindReport{
		{Kind: query.KindConversation, Listed: 1, Fetched: 1, Parts: 1, Written: 1, Requests: 1},
		{Kind: query.KindContact, Requests: 2},
		{Kind: query.KindCompany, Requests: 1},
		{Kind: query.KindAdmin, Requests: 1},
		{Kind: query.KindHelpCenter, Requests: 1},
	}}, {Pass: replsync.PassReconcile, Kinds: []replsync.KindReport{
		{Kind: query.KindConversation, Listed: 300, Fetched: 3, Parts: 40, Checked: 232, Written: 3, Deleted: 232, Requests: 237},
	}}})
	// Kinds are named as status, the log and export name them: companies, teammates, help centers. What was
	// fetched is a share of what was listed; the records checked by id are the others the pass asked about.
	want := "incremental  conversations 1 listed, 1 of them fetched (1 part), 1 written, 0 deleted; 1 request in 0.0s\n" +
		"incremental  contacts      0 listed, 0 of them fetched, 0 written, 0 deleted; 2 requests in 0.0s\n" +
		"incremental  companies     0 listed, 0 of them fetched, 0 written, 0 deleted; 1 request in 0.0s\n" +
		"incremental  teammates     0 listed, 0 of them fetched, 0 written, 0 deleted; 1 request in 0.0s\n" +
		"incremental  help centers  0 listed, 0 of them fetched, 0 written, 0 deleted; 1 request in 0.0s\n" +
		"reconcile    conversations 300 listed, 3 of them fetched (40 parts), 232 checked by id, 3 written, 232 deleted; 237 requests in 0.0s\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestSchedule_TooOftenStopsEveryCommand: an incremental schedule that repeats more often than every 10s (cron's
// @every rounds -1m, 0s and 1ms up to a second) is refused by every command, as a bad overlap is, instead of
// serve running a pass a second against Intercom.
func TestSchedule_TooOftenStopsEveryCommand(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"@every -1m", "@every 0s", "@every 1ms"} {
		config := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(config, []byte("sync:\n  incremental_schedule: \""+spec+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		want := "sync.incremental_schedule (" + config + ":2): \"" + spec + "\" repeats every "
		for _, args := range [][]string{{"serve", "--demo"}, {"sync", "--demo"}, {"status"}, {"search", "object_type:contacts"}} {
			code, out, errOut := runCmd(t, map[string]string{"INTERCOM_REPLICA_DATA_DIR": t.TempDir()}, append(args, "--config", config)...)
			if code != exitUsage || !strings.Contains(errOut, want) || !strings.Contains(errOut, "want a positive interval of at least 10s") {
				t.Errorf("%s with %q: exit %d\n%s%s\nwant exit 2 and %q", args[0], spec, code, out, errOut, want)
			}
		}
	}
}

// TestSync_BesideAServeThatDoesNotSync: a serve with sync.enabled false holds the replica and runs no pass. status
// beside it claims no schedule; sync waits for it to exit, then says what happened and what to do.
func TestSync_BesideAServeThatDoesNotSync(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	s := serveHTTPInProcess(t, &Main{}, dir)
	s.url(t)
	var status string
	testwait.For(t, "status to come from the serve", 30*time.Second, func() bool {
		code, out, _ := runCmd(t, nil, "status", "--config", "", "--data-dir", dir)
		status = out
		return code == exitOK && strings.Contains(out, "Served by pid")
	})
	pid := regexp.MustCompile(`Served by pid (\d+)`).FindStringSubmatch(status)[1]
	if want := "Schedule:    none: pid " + pid + " holds the replica and does not sync (a serve with sync.enabled false, or a command reading the replica)\n"; !strings.Contains(status, want) {
		t.Errorf("status beside a serve that does not sync lacks %q:\n%s", want, status)
	}

	code, out, errOut := runCmd(t, nil, "sync", "--config", "", "--data-dir", dir)
	want := "intercom-replica sync: no pass ran: pid " + pid + " holds the replica in " + dir + " and does not sync (a serve " +
		"with sync.enabled false, or a command reading the replica), and still held it after 10s: stop that process " +
		"and run intercom-replica sync again, or set sync.enabled: true in that serve's configuration and restart it\n"
	if code != exitRuntime || !strings.HasSuffix(errOut, want) || out != "" {
		t.Errorf("sync beside a serve that does not sync: exit %d, want %d ending with\n%s\nstdout:\n%s\nstderr:\n%s", code, exitRuntime, want, out, errOut)
	}
}
