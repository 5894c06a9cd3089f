package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReport_DemoGolden(t *testing.T) {
	dir := demoCopy(t)
	e := newUserEnv(t)
	runGoldens(t, e, dir, "report", []goldenCase{
		{"tag-median", []string{"--by", "tag", "--metric", "count,median:statistics_time_to_admin_reply", "--limit", "8", "object_type:conversations"}},
		{"tag-by-quarter", []string{"--by", "tag", "--by", "created_at:quarter", "--limit", "10", "object_type:conversations created_at:gte:2025-01-01"}},
		{"weekly-free-text", []string{"--by", "created_at:month", "object_type:conversations q:refund created_at:gte:2025-01-01"}},
		{"totals", []string{"--metric", "count,avg:parts_count,p90:statistics_time_to_first_close,max:created_at", "object_type:conversations state:open"}},
		{"csv", []string{"--format", "csv", "--by", "role", "--by", "location_country", "--limit", "6", "object_type:contacts"}},
		// Groups of ids of teammates, teams and companies show their names (the CSV in a column of its own).
		{"by-teammate", []string{"--by", "admin_assignee", "object_type:conversations state:closed"}},
		{"by-team-csv", []string{"--format", "csv", "--by", "team_assignee", "--by", "state", "object_type:conversations"}},
		{"by-company", []string{"--by", "company", "object_type:contacts"}},
		{"companies", []string{"--by", "plan", "--metric", "count,sum:monthly_spend", "object_type:companies"}},
	})
}

// TestReport_JSONIsTheToolsResult checks that --format json prints the aggregate tool's structured result, whose
// groups add up to the totals for a single-valued dimension.
func TestReport_JSONIsTheToolsResult(t *testing.T) {
	dir := demoCopy(t)
	e := newUserEnv(t)
	out, _ := e.mustRun(t, "report", "--config", "", "--data-dir", dir, "--format", "json", "--by", "state", "object_type:conversations")
	var res struct {
		Matched int `json:"matched"`
		Groups  []struct {
			Keys   []string `json:"keys"`
			Count  int      `json:"count"`
			Search string   `json:"search"`
		} `json:"groups"`
		Freshness struct {
			Source string `json:"source"`
		} `json:"freshness"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	sum := 0
	for _, g := range res.Groups {
		sum += g.Count
		if !strings.Contains(g.Search, "state:") {
			t.Errorf("group %v: search %q", g.Keys, g.Search)
		}
	}
	if res.Matched == 0 || sum != res.Matched || res.Freshness.Source != "replica" {
		t.Errorf("groups add up to %d of %d; freshness %q\n%s", sum, res.Matched, res.Freshness.Source, out)
	}
}

// TestReport_Mistakes checks that a report's mistakes exit 2 with what was wrong and what would be right.
func TestReport_Mistakes(t *testing.T) {
	dir := demoCopy(t)
	e := newUserEnv(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"dimension", []string{"--by", "stat", "object_type:conversations"}, `--by[0]: unknown field "stat" for conversations; did you mean "state"`},
		{"query", []string{"--by", "state", "object_type:conversations sate:open"}, `did you mean "state"`},
		{"metric", []string{"--metric", "median", "object_type:conversations"}, "median needs a field"},
		{"format", []string{"--format", "xml", "object_type:conversations"}, "want table, json or csv"},
		{"cursor", []string{"--by", "tag", "--starting-after", "Zm9v", "object_type:conversations"}, "--starting-after"},
		{"chart file", []string{"--by", "tag", "--chart", "out.gif", "object_type:conversations"}, ".png or .svg"},
		{"chart without groups", []string{"--chart", "out.png", "object_type:conversations"}, "--chart needs --by"},
		{"zero groups", []string{"--by", "tag", "--limit", "0", "object_type:conversations"}, "--limit 0: show 1 to 1000 groups"},
		{"too many groups", []string{"--by", "tag", "--limit", "100000", "object_type:conversations"}, "--limit 100000: show 1 to 1000 groups"},
		{"search paging in the query", []string{"--by", "tag", "object_type:conversations limit:5"}, "limit: and starting_after: page search results; a report pages its groups with --limit and --starting-after instead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := e.run(t, append([]string{"report", "--config", "", "--data-dir", dir}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// TestReport_BesideARunningServe checks that report answers through the serve that owns the replica, with the
// same table as when it opens the replica itself.
func TestReport_BesideARunningServe(t *testing.T) {
	dir := demoCopy(t)
	e := newUserEnv(t)
	args := []string{"report", "--config", "", "--data-dir", dir, "--by", "tag", "--by", "created_at:year", "object_type:conversations"}
	alone, _ := e.mustRun(t, args...)
	s := serveHTTPInProcess(t, &Main{}, dir)
	s.url(t)
	beside, stderr := e.mustRun(t, args...)
	if beside != alone {
		t.Errorf("beside serve:\n%s\nalone:\n%s\nstderr:\n%s", beside, alone, stderr)
	}
}

// TestReport_ChartFile checks that --chart writes the groups as an SVG (or PNG) file beside the table.
func TestReport_ChartFile(t *testing.T) {
	dir := demoCopy(t)
	e := newUserEnv(t)
	path := filepath.Join(e.home, "tags.svg")
	e.mustRun(t, "report", "--config", "", "--data-dir", dir, "--by", "tag", "--chart", path, "object_type:conversations")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "refund") {
		t.Errorf("%s is not an SVG chart of the tags: %.200s", path, b)
	}
}

// TestReport_ValueNoRecordHoldsIsNoted: a filter value no record holds (a typo) counts nothing, and the report
// says so with the nearest value the replica holds, under the table and (csv, whose stdout holds data only) on
// stderr. Before, it showed a count of 0 and nothing more.
func TestReport_ValueNoRecordHoldsIsNoted(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	const note = `No company has plan "Gowth"; did you mean "Growth"?`
	out, _ := e.mustRun(t, "report", "--config", "", "--data-dir", dir, "--by", "industry", "object_type:companies plan:Gowth")
	if !strings.HasSuffix(out, "\n"+note+"\n") {
		t.Errorf("want the note under the table:\n%s", out)
	}
	out, stderr := e.mustRun(t, "report", "--config", "", "--data-dir", dir, "--format", "csv", "object_type:companies plan:Gowth")
	if strings.Contains(out, "Gowth") || stderr != note+"\n" {
		t.Errorf("csv: stdout %q, stderr %q; want the data on stdout and the note on stderr", out, stderr)
	}
}

// TestReport_ChartOfNoGroups: a query matching nothing has no groups to chart; that is the true answer, so the
// report prints its table, says on stderr that no chart was written, and exits 0. Before, it printed nothing and
// failed with "report: report: no groups to chart".
func TestReport_ChartOfNoGroups(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	path := filepath.Join(e.home, "empty.png")
	code, stdout, stderr := e.run(t, "report", "--config", "", "--data-dir", dir, "--by", "state", "--chart", path, "object_type:conversations q:zzzzqqq")
	if code != 0 || !strings.HasPrefix(stdout, "0 conversations match") || !strings.Contains(stderr, "Nothing to chart") || !strings.Contains(stderr, path+" was not written") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s: %v; want no file", path, err)
	}
}

// TestOutputPathMistakes: a --chart or --out path that cannot be written says which flag it was and suggests a name
// the command takes, and a path's control characters do not reach the terminal. Before, --chart's mistakes said
// "export to ..." and suggested export.jsonl, which --chart refuses.
func TestOutputPathMistakes(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	folder := filepath.Join(e.home, "dir.png")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	escape := filepath.Join(e.home, "none", "x\x1b[31mred.csv")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"chart to a directory", []string{"report", "--by", "state", "--chart", folder, "object_type:conversations"},
			"intercom-replica report: --chart " + folder + ": it is a directory; give a file's path, e.g. " + filepath.Join(folder, "chart.png") + "\n"},
		{"chart in no directory", []string{"report", "--by", "state", "--chart", filepath.Join(e.home, "none", "x.svg"), "object_type:conversations"},
			"intercom-replica report: --chart " + filepath.Join(e.home, "none", "x.svg") + ": the directory " + filepath.Join(e.home, "none") + " does not exist"},
		{"export to a directory", []string{"export", "--type", "tags", "--format", "csv", "--out", folder},
			"intercom-replica export: --out " + folder + ": it is a directory; give a file's path, e.g. " + filepath.Join(folder, "tags.csv") + "\n"},
		{"escape characters", []string{"export", "--type", "tags", "--out", escape}, "x[31mred.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := e.run(t, append(tc.args[:1:1], append([]string{"--config", "", "--data-dir", dir}, tc.args[1:]...)...)...)
			if code == 0 || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "\x1b") || strings.Contains(stderr, "report: report") {
				t.Errorf("exit %d, stdout %.300q\nstderr:\n%q\nwant %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

// TestReport_NamesForEveryIDDimension: a dimension of tag ids shows each id with its name, for conversations as
// for contacts, in the table, the CSV and the JSON; a dimension of names (conversations' tag) has no name column.
// Before, conversations --by tag_ids showed bare ids and --by tag --format csv an empty "tag name" column.
func TestReport_NamesForEveryIDDimension(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	run := func(args ...string) string {
		out, _ := e.mustRun(t, append([]string{"report", "--config", "", "--data-dir", dir, "--limit", "3"}, args...)...)
		return out
	}
	named := regexp.MustCompile(`(?m)^(login|refund|shipping|churn risk|Priority Support) \(\d+\) `)
	for _, q := range []string{"object_type:conversations", "object_type:contacts"} {
		if out := run("--by", "tag_id", q); len(named.FindAllString(out, -1)) != 3 {
			t.Errorf("%s --by tag_id: want every group named:\n%s", q, out)
		}
		csvOut := run("--by", "tag_id", "--format", "csv", q)
		lines := strings.Split(csvOut, "\n")
		if !strings.HasSuffix(lines[0], " name,count") || strings.Contains(lines[1], ",,") {
			t.Errorf("%s --by tag_id --format csv: want a name column, filled:\n%s", q, csvOut)
		}
		if js := run("--by", "tag_id", "--format", "json", q); !strings.Contains(js, `"key_names"`) {
			t.Errorf("%s --by tag_id --format json: no key_names:\n%.600s", q, js)
		}
	}
	if out := run("--by", "tag", "--format", "csv", "object_type:conversations"); !strings.HasPrefix(out, "row,tag,count\n") {
		t.Errorf("conversations --by tag: tags are names already, want no name column:\n%s", out)
	}
}

// TestReport_SaysDatesInTheQueryAreUTC: buckets are in the workspace's time zone but a date in the query is
// midnight UTC, so the report says so and how to write midnight in the zone. Before, the first bucket was partial
// without a word.
func TestReport_SaysDatesInTheQueryAreUTC(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	out, _ := newUserEnv(t).mustRun(t, "report", "--config", "", "--data-dir", dir, "--by", "created_at:month",
		"object_type:conversations created_at:gte:2025-12-01")
	const want = "A date in the query is midnight UTC, and the buckets are in Asia/Kolkata, so the first or last may hold part of its span: " +
		"for midnight there, write the time with its offset (created_at:gte:2025-12-01T00:00:00+05:30)."
	if !strings.Contains(out, want) {
		t.Errorf("want %q:\n%s", want, out)
	}
	// eq is the whole UTC day: the zone's day is the range between its two midnights, and that query runs and counts
	// what the bucket of that day counts (an eq with the offset, the earlier advice, is another UTC day: none).
	out, _ = newUserEnv(t).mustRun(t, "report", "--config", "", "--data-dir", dir, "--by", "created_at:day",
		"object_type:conversations created_at:2025-06-17")
	const wantEq = "for that day there, write its two midnights with their offset " +
		"(created_at:gte:2025-06-17T00:00:00+05:30 created_at:lt:2025-06-18T00:00:00+05:30)."
	if !strings.Contains(out, wantEq) {
		t.Fatalf("want %q:\n%s", wantEq, out)
	}
	local, _ := newUserEnv(t).mustRun(t, "report", "--config", "", "--data-dir", dir, "--by", "created_at:day",
		"object_type:conversations created_at:gte:2025-06-17T00:00:00+05:30 created_at:lt:2025-06-18T00:00:00+05:30")
	if !strings.Contains(local, "2025-06-17") || strings.Contains(local, "No conversations") || strings.Contains(local, "0 conversations match") {
		t.Errorf("the suggested query does not count the zone's day:\n%s", local)
	}
}
