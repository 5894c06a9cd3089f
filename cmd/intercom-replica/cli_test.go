package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// The CLI is tested as a user runs it: TestMain builds the binary once, and the tests start it with arguments and
// an environment of their own (a temporary home, no Intercom credentials) and read what it prints.

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ (and the README's tour) with the current output")

// binary is the path of the intercom-replica binary TestMain built.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "intercom-replica-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "intercom-replica")
	// Built the way this test binary was (with -race when it was), so the build reuses the packages the test
	// build just compiled, and the end-to-end tests run the race detector over the program too.
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command(goTool(), append(args, ".")...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build the binary:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// goTool is the go command that runs these tests: go test puts its GOROOT/bin first on the PATH of the tests.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

// userEnv is the environment of a user on a fresh machine: a home of their own, no configuration, no Intercom
// credentials.
type userEnv struct {
	home string
	vars []string
}

func newUserEnv(t testing.TB, extra ...string) *userEnv {
	t.Helper()
	home := t.TempDir()
	return &userEnv{home: home, vars: append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"TZ=UTC",
		raceExitEnv,
	}, extra...)}
}

// command returns the binary with args, ready to start, in this environment.
func (e *userEnv) command(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = e.vars
	cmd.Dir = e.home
	return cmd
}

// run runs the binary to completion and returns its exit code and what it printed.
func (e *userEnv) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return e.runWithin(t, 5*time.Minute, args...)
}

// runWithin is run, failing the test (and killing the program) when the program has not exited within limit.
func (e *userEnv) runWithin(t *testing.T, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return e.runInput(t, limit, nil, args...)
}

// runInput is runWithin with stdin reading input (nil: nothing), as `printf ... | intercom-replica ...` runs it.
func (e *userEnv) runInput(t *testing.T, limit time.Duration, input io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := e.command(args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = input, &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", args, err)
	}
	kill := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !kill.Stop() {
		t.Fatalf("intercom-replica %s: still running after %v (killed)\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), limit, out.String(), errOut.String())
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("run %v: %v", args, err)
	}
	return code, out.String(), errOut.String()
}

// mustRun runs the binary and fails the test unless it exits 0.
func (e *userEnv) mustRun(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := e.run(t, args...)
	if code != 0 {
		t.Fatalf("intercom-replica %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout, stderr
}

var (
	demoOnce     sync.Once
	demoTemplate string
	demoErr      error
)

// demoCopy returns a data directory holding the synced demo workspace, a copy of one synced once per test run
// (with a read command's --demo, which syncs an empty demo replica first).
func demoCopy(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		demoTemplate = filepath.Join(filepath.Dir(binary), "demo")
		cmd := exec.Command(binary, "status", "--demo", "--config", "", "--data-dir", demoTemplate)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(binary), "TZ=UTC", raceExitEnv}
		if out, err := cmd.CombinedOutput(); err != nil {
			demoErr = fmt.Errorf("sync the demo template: %v\n%s", err, out)
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return copyOfReplica(t, demoTemplate)
}

// demoWorkspace is the fake Intercom workspace --demo serves (the same on every run), for what a test compares the
// demo replica with.
func demoWorkspace(t *testing.T) *fakeintercom.Workspace {
	t.Helper()
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: demoSeed, Conversations: demoConversations, Contacts: demoContacts})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// copyTree copies the regular files and directories under src into dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case !d.Type().IsRegular():
			return nil // the owner's socket, if one was left
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// normalize replaces what changes from run to run in the output of a command on the demo workspace (when it was
// synced, how long ago, how long things took, sizes, process ids, the data directory, cursors) with placeholders. The
// demo workspace's own timestamps all fall before 2026, so later ones are the sync's.
func normalize(s, dataDir string) string {
	if dataDir != "" {
		s = strings.ReplaceAll(s, dataDir, "<DATA_DIR>")
	}
	for _, r := range normalizers {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

var normalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`20(2[6-9]|[3-9]\d)-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(Z| UTC)?`), "<NOW>"},
	{regexp.MustCompile(`\b\d+(s|m|h\d\dm|d\d+h) ago\b`), "<AGE> ago"},
	{regexp.MustCompile(`\d+\.\d+s\b`), "<SECONDS>"},
	{regexp.MustCompile(`\d+(\.\d+)? (B|KiB|MiB|GiB)\b`), "<SIZE>"},
	{regexp.MustCompile(`pid \d+`), "pid <PID>"},
	// Cursors are opaque: their encoding is the index's business, and the paging tests check they work.
	{regexp.MustCompile(`starting_after:[A-Za-z0-9_-]+`), "starting_after:<CURSOR>"},
}

// golden compares got with testdata/<name>, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/intercom-replica -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./cmd/intercom-replica -run '%s' -update accepts it):\n%s", path, t.Name(), lineDiff(string(want), got))
	}
}

// goldenCase is one run of a command whose output is a golden file: testdata/<command>/<name>/stdout.
type goldenCase struct {
	name string
	args []string
}

// runGoldens runs command with each case's arguments on the replica in dir and compares its output (normalized)
// with the case's golden file.
func runGoldens(t *testing.T, e *userEnv, dir, command string, cases []goldenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := e.mustRun(t, append([]string{command, "--config", "", "--data-dir", dir}, tc.args...)...)
			golden(t, command+"/"+tc.name+"/stdout", normalize(out, dir))
		})
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 8; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %q\n  got:  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// raceExitEnv stops a race-enabled binary from waiting a second at exit (the race detector's default, to let
// goroutines report), which would add a second to every command the tests run.
const raceExitEnv = "GORACE=atexit_sleep_ms=0"
