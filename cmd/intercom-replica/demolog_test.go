package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo_LogSaysNothingListens: the first run of a --demo command logged "serving the demo workspace url=http://…",
// which reads as if something were listening for the user. The fake Intercom is inside the process, for its own
// syncer.
func TestDemo_LogSaysNothingListens(t *testing.T) {
	t.Parallel()
	e := newUserEnv(t)
	_, stderr := e.mustRun(t, "search", "--demo", "--config", "", "--data-dir", filepath.Join(e.home, "demo"), "object_type:contacts limit:1")
	if !strings.Contains(stderr, "using the built-in demo workspace") {
		t.Errorf("the log does not say the demo workspace is used:\n%s", stderr)
	}
	for _, bad := range []string{"serving", "url=", "http://"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("the log says %q, as if something listened:\n%s", bad, stderr)
		}
	}
}
