package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
	dir := filepath.Join(t.TempDir(), "replica")
	code, out, errOut := runCmd(t, nil, "sync", "--demo", "--config", "", "--data-dir", dir)
	if code != exitOK {
		t.Fatalf("sync --demo: exit %d\n%s", code, errOut)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^backfill +contacts +\d+ listed, 0 fetched, \d+ written`),
		regexp.MustCompile(`(?m)^backfill +conversations +(\d+) listed, (\d+) fetched \(\d+ parts\)`),
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
	if strings.Contains(out, "backfill") || !regexp.MustCompile(`(?m)^incremental +conversations +0 listed, 0 fetched, 0 written`).MatchString(out) {
		t.Errorf("second run output:\n%s", out)
	}
}

func TestSync_AgainstFakeIntercomAndRefusesAnotherWorkspace(t *testing.T) {
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
	if code != exitRuntime || !strings.Contains(errOut, "the replica holds another Intercom workspace") {
		t.Errorf("sync --demo into another workspace's replica: exit %d\n%s", code, errOut)
	}
}

func TestSync_UsageErrors(t *testing.T) {
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
