package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestSearch_DemoGolden(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	runGoldens(t, e, dir, "search", []goldenCase{
		{"free-text", []string{`object_type:conversations q:"double charged" limit:5`}},
		{"filters", []string{"object_type:conversations state:open source_type:email limit:5"}},
		{"contacts", []string{"object_type:contacts email_domain:gmail.com limit:5"}},
		{"no-match", []string{"object_type:conversations q:zebra"}},
		{"json", []string{"--json", "object_type:conversations state:snoozed tag:billing limit:3"}},
		// Companies have a table of their own; names stand for ids in filters, and JSON lines name the assignees.
		{"companies", []string{"object_type:companies plan:Growth"}},
		{"companies-json", []string{"--json", `object_type:companies tag:"churn risk"`}},
		{"by-name", []string{"--json", `object_type:conversations admin_assignee:"Alex Rivera" state:open limit:3`}},
	})
}

// TestSearch_NamesStandForIDs checks that a filter by a teammate's, team's, tag's or company's name finds what the
// filter by its id finds, and that the JSON lines name the assignee of every conversation.
func TestSearch_NamesStandForIDs(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	// Alex Rivera's id is 991267614: every result assigned to that id names them.
	checkNamesFindWhatIDsFind(t, e, dir, map[string]string{"991267614": "Alex Rivera"}, [][2]string{
		{`object_type:conversations admin_assignee:"Alex Rivera" limit:150`, "object_type:conversations admin_assignee_id:991267614 limit:150"},
		{"object_type:conversations admin_assignee:alex.rivera@umbrella.app limit:150", "object_type:conversations admin_assignee_id:991267614 limit:150"},
		{"object_type:conversations team_assignee:Billing limit:150", "object_type:conversations team_assignee_id:5017698 limit:150"},
		{"object_type:contacts tag:VIP limit:150", "object_type:contacts tag_id:6012088 limit:150"},
		{`object_type:contacts company:"Acme Inc" limit:150`, "object_type:contacts company_id:661c61a3fd9a35ba63000000 limit:150"},
		{`object_type:companies segment:"Active users" limit:150`, "object_type:companies segment_id:6683ebc09bfc53dc05000000 limit:150"},
	})
}

// checkNamesFindWhatIDsFind runs each pair of queries (by name, by id) on the replica in dir and checks that both
// find the same records, and that every result whose teammate (assignee or author) has an id in names shows that
// name beside it.
func checkNamesFindWhatIDsFind(t *testing.T, e *userEnv, dir string, names map[string]string, pairs [][2]string) {
	t.Helper()
	ids := func(dsl string) []string {
		t.Helper()
		out, _ := e.mustRun(t, "search", "--json", "--config", "", "--data-dir", dir, dsl)
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var h hitLine
			if err := json.Unmarshal([]byte(line), &h); err != nil {
				t.Fatalf("%s: %v\n%s", dsl, err, out)
			}
			if want, ok := names[h.AdminAssigneeID]; ok && h.AdminAssignee != want {
				t.Errorf("%s: %s is assigned to %q, want %s", dsl, h.ID, h.AdminAssignee, want)
			}
			if want, ok := names[h.AuthorID]; ok && h.AuthorName != want {
				t.Errorf("%s: %s is written by %q, want %s", dsl, h.ID, h.AuthorName, want)
			}
			got = append(got, h.ID)
		}
		return got
	}
	for _, pair := range pairs {
		got, want := ids(pair[0]), ids(pair[1])
		if len(want) == 0 || strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s found %d records, %s %d:\n got %v\nwant %v", pair[0], len(got), pair[1], len(want), got, want)
		}
	}
}

// TestSearch_PrintedNextPageWalksEveryMatch follows the command printed under each page to the end: the pages
// hold every match once, in the order of one big page.
func TestSearch_PrintedNextPageWalksEveryMatch(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	base := []string{"search", "--config", "", "--data-dir", dir}
	all, _ := e.mustRun(t, append(base, "--json", "object_type:conversations state:snoozed limit:150")...)
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(all), "\n") {
		var hit struct{ ID string }
		if err := json.Unmarshal([]byte(line), &hit); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		want = append(want, hit.ID)
	}
	if len(want) < 20 || len(want) >= 150 {
		t.Fatalf("%d snoozed conversations: the demo should have more than a page of 7 and less than 150", len(want))
	}

	// The printed command is run as printed: it names the same replica (--config '' --data-dir DIR) by itself.
	next := regexp.MustCompile(`(?m)^  intercom-replica (search .*)$`)
	row := regexp.MustCompile(`(?m)^(conversation_\d+) `)
	args := append(base, "object_type:conversations state:snoozed limit:7")
	var got []string
	for pages := 0; ; pages++ {
		if pages > 30 {
			t.Fatal("paging does not end")
		}
		out, _ := e.mustRun(t, args...)
		for _, m := range row.FindAllStringSubmatch(out, -1) {
			got = append(got, m[1])
		}
		m := next.FindStringSubmatch(out)
		if m == nil {
			if !strings.Contains(out, " of ") {
				t.Fatalf("last page has no count:\n%s", out)
			}
			break
		}
		args = shellWords(m[1])
		if !slicesContains(args, "--data-dir") || !slicesContains(args, dir) {
			t.Fatalf("the printed command does not name the replica it paged: %s", m[1])
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("paged ids differ from one big page:\n got %v\nwant %v", got, want)
	}
}

// TestSearch_NextPageOfALongQueryRuns: the next page printed under a query just within the limit runs (the cursor
// is not counted in the query's limit). Before, a query of 8,170 bytes worked and its printed next page was refused
// as longer than 8,192.
func TestSearch_NextPageOfALongQueryRuns(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	dsl := "object_type:conversations state:open limit:2 source_author_email:neq:"
	dsl += strings.Repeat("x", 8170-len(dsl))
	out, _ := e.mustRun(t, "search", "--config", "", "--data-dir", dir, dsl)
	m := regexp.MustCompile(`(?m)^  intercom-replica (search .*)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no next page:\n%.500s", out)
	}
	code, stdout, stderr := e.run(t, shellWords(m[1])...)
	if code != 0 || !strings.Contains(stdout, "conversation_") {
		t.Errorf("the printed next page (%d bytes): exit %d\n%.500s\n%s", len(m[1]), code, stdout, stderr)
	}
}
