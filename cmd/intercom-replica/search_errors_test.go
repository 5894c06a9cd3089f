package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestSearch_LongQueryErrorIsShort: a query over the limit is refused with the limit and the length given, and
// none of it echoed. Before, a 100 KB query printed 108 KB of stderr (the whole query under the message).
func TestSearch_LongQueryErrorIsShort(t *testing.T) {
	e := newUserEnv(t)
	long := "object_type:conversations q:" + strings.Repeat("a", 100_000)
	code, stdout, stderr := e.run(t, "search", "--config", "", "--data-dir", t.TempDir(), long)
	want := fmt.Sprintf("query is %d bytes long; the limit is %d bytes", len(long), query.MaxLength)
	if code != 2 || stdout != "" || !strings.Contains(stderr, want) || len(stderr) > 500 {
		t.Errorf("exit %d, %d bytes of stderr; want exit 2 and a short error saying %q:\n%.600s", code, len(stderr), want, stderr)
	}

	// An error about one term of a long query shows a window around it.
	pad := strings.Repeat("state:open ", 300)
	code, _, stderr = e.run(t, "search", "--config", "", "--data-dir", t.TempDir(), "object_type:conversations "+pad+"sate:open "+pad)
	if code != 2 || !strings.Contains(stderr, `unknown field "sate"`) || !strings.Contains(stderr, "^^^^") || len(stderr) > 500 {
		t.Errorf("exit %d, %d bytes of stderr; want exit 2 and a short error about sate:\n%.600s", code, len(stderr), stderr)
	}
}
