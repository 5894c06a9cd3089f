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
	t.Parallel()
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

// TestSearch_LimitAboveAPageIsCapped: limit:500 returns the largest page and says so, under the table and (with
// --json, whose stdout holds results only) on stderr. Before, it was an error.
func TestSearch_LimitAboveAPageIsCapped(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	const note = "limit 500 is more than a page holds; returned the largest page, 150."
	out, _ := e.mustRun(t, "search", "--config", "", "--data-dir", dir, "object_type:conversations limit:500")
	if !strings.Contains(out, "\n150 of ") || !strings.HasSuffix(out, "\n"+note+"\n") {
		t.Errorf("want a page of 150 and the note under it:\n%s", out[max(0, len(out)-600):])
	}
	out, stderr := e.mustRun(t, "search", "--config", "", "--data-dir", dir, "--json", "object_type:conversations limit:500")
	if n := strings.Count(out, "\n"); n != query.MaxLimit || !strings.HasPrefix(stderr, note+"\n") {
		t.Errorf("--json: %d lines, stderr %q; want %d and the note", n, stderr, query.MaxLimit)
	}
}

// TestSearch_NothingToSearchFor: free text without a word, or not in UTF-8, is a usage error naming the term.
// Before, q:"!!!" listed every conversation.
func TestSearch_NothingToSearchFor(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	for q, want := range map[string]string{
		`object_type:conversations q:"!!!"`:                    `q:"!!!" has no word to search for`,
		`object_type:conversations source_body:contains:"..."`: `source_body:contains:... has no word to search for`,
		"object_type:conversations q:\"\xff\"":                 "query is not valid UTF-8: byte 29 (0xff)",
	} {
		code, stdout, stderr := e.run(t, "search", "--config", "", "--data-dir", dir, q)
		if code != 2 || stdout != "" || !strings.Contains(stderr, want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", q, code, stdout, stderr, want)
		}
	}
}

// TestSearch_ValueNoRecordHoldsIsNoted: a value no record holds (a typo) answers no match, and the note under it
// names the nearest value the replica holds; with --json (whose stdout holds results only) the note is on stderr.
// Before, the answer was "No companies match." and nothing more.
func TestSearch_ValueNoRecordHoldsIsNoted(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	const note = `No company has plan "Gowth"; did you mean "Growth"?`
	out, _ := e.mustRun(t, "search", "--config", "", "--data-dir", dir, "object_type:companies plan:Gowth")
	if out != "No companies match.\n"+note+"\n" {
		t.Errorf("want no match and the note:\n%s", out)
	}
	out, stderr := e.mustRun(t, "search", "--config", "", "--data-dir", dir, "--json", "object_type:companies plan:Gowth")
	if out != "" || stderr != note+"\n" {
		t.Errorf("--json: stdout %q, stderr %q; want no lines and the note on stderr", out, stderr)
	}
}
