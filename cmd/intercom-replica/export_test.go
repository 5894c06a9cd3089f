package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// storedRecords reads every live record of kind straight from the replica in dir (no process may hold it).
func storedRecords(t *testing.T, dir string, kind query.Kind) map[string]index.Record {
	t.Helper()
	r, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := map[string]index.Record{}
	err = r.Scan(context.Background(), kind, func(rec index.Record) error {
		if !rec.Deleted {
			recs[rec.ID] = rec
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// fewestExported is the fewest records of kind the demo replica holds, so that an export test of it checks something
// (the demo Intercom has 294 conversations, 149 contacts, 7 companies, 30 articles, 30 tickets, 8 teammates, 4 teams,
// 18 tags, 5 segments, 10 collections, 2 help centers, 3 ticket types).
func fewestExported(kind query.Kind) int {
	switch kind {
	case query.KindConversation, query.KindContact:
		return 100
	case query.KindArticle, query.KindTicket:
		return 20
	}
	return 2
}

// helpdeskKinds are the kinds the helpdesk replica (helpdeskCopy) holds.
var helpdeskKinds = []query.Kind{query.KindArticle, query.KindTicket, query.KindAdmin, query.KindTeam, query.KindTag,
	query.KindCollection, query.KindHelpCenter, query.KindTicketType}

func TestExport_JSONLinesRoundTripToTheStoredRecords(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	for _, kind := range query.AllKinds() {
		t.Run(string(kind), func(t *testing.T) { checkJSONLinesExport(t, e, dir, kind) })
	}
}

// TestExport_HelpdeskKinds exports the articles, tickets and the lists that name their ids from a replica that
// holds them whatever the syncer copies.
func TestExport_HelpdeskKinds(t *testing.T) {
	t.Parallel()
	dir := helpdeskCopy(t)
	e := newUserEnv(t)
	for _, kind := range helpdeskKinds {
		t.Run(string(kind)+"/jsonl", func(t *testing.T) { checkJSONLinesExport(t, e, dir, kind) })
		t.Run(string(kind)+"/csv", func(t *testing.T) { checkCSVExport(t, e, dir, kind) })
	}
}

// checkJSONLinesExport exports kind from the replica in dir as JSON lines, and checks that the lines are its live
// stored records, each once, byte for byte as JSON.
func checkJSONLinesExport(t *testing.T, e *userEnv, dir string, kind query.Kind) {
	t.Helper()
	stored := storedRecords(t, dir, kind)
	out := filepath.Join(t.TempDir(), kind.Plural()+".jsonl")
	_, errOut := e.mustRun(t, "export", "--type", kind.Plural(), "--out", out, "--config", "", "--data-dir", dir)
	if want := fmt.Sprintf("Exported %s (jsonl) to %s.", countOf(len(stored), kind), out); !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("export file: %v, mode %v", err, fi.Mode())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	seen := map[string]bool{}
	for sc.Scan() {
		var got map[string]any
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", len(seen)+1, err)
		}
		id := fmt.Sprint(got["id"])
		rec, ok := stored[id]
		if !ok || seen[id] {
			t.Fatalf("line %d: %s %s is not a live stored record, or came twice", len(seen)+1, kind, id)
		}
		seen[id] = true
		var want map[string]any
		if err := json.Unmarshal(rec.Raw, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s %s: the exported line differs from the stored record", kind, id)
		}
	}
	if len(seen) != len(stored) || len(stored) < fewestExported(kind) {
		t.Errorf("exported %d of %d %s", len(seen), len(stored), kind.Plural())
	}
}

func TestExport_CSVHasTheStableColumnsAndOneRowPerRecord(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	for _, kind := range query.AllKinds() {
		t.Run(string(kind), func(t *testing.T) { checkCSVExport(t, e, dir, kind) })
	}
}

// labelOf returns the column that names a record of kind in the CSV export ("" for conversations: none does),
// and where its record holds that name.
func labelOf(kind query.Kind) (column string, path []string) {
	switch kind {
	case query.KindConversation:
		return "", nil
	case query.KindArticle:
		return "title", []string{"title"}
	case query.KindTicket:
		return "title", []string{"ticket_attributes", "_default_title_"}
	case query.KindHelpCenter:
		return "name", []string{"display_name"}
	}
	return "name", []string{"name"}
}

// checkCSVExport exports kind from the replica in dir as CSV, compares its header with the golden one, and checks
// each row against its stored record.
func checkCSVExport(t *testing.T, e *userEnv, dir string, kind query.Kind) {
	t.Helper()
	stored := storedRecords(t, dir, kind)
	out, _ := e.mustRun(t, "export", "--type", kind.Plural(), "--format", "csv", "--config", "", "--data-dir", dir)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	golden(t, "export/"+string(kind)+"/header.csv", strings.Join(header, "\n")+"\n")
	if len(rows)-1 != len(stored) || len(stored) < fewestExported(kind) {
		t.Fatalf("%d rows for %d records", len(rows)-1, len(stored))
	}
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		return i
	}
	attrKey, own := attributesOf(kind)
	// A ticket's attribute is a time when its ticket type says so (Intercom's answers list them under .data).
	datetime := map[string]map[string]bool{}
	if kind == query.KindTicket {
		for _, rec := range storedRecords(t, dir, query.KindTicketType) {
			var tt struct {
				ID    string `json:"id"`
				Attrs struct {
					Data []struct {
						Name     string `json:"name"`
						DataType string `json:"data_type"`
					} `json:"data"`
				} `json:"ticket_type_attributes"`
			}
			if err := json.Unmarshal(rec.Raw, &tt); err != nil {
				t.Fatal(err)
			}
			datetime[tt.ID] = map[string]bool{}
			for _, a := range tt.Attrs.Data {
				datetime[tt.ID][a.Name] = a.DataType == "datetime"
			}
		}
	}
	dates := 0
	// Each row agrees with its record: a plain field, a list (JSON), a time (RFC 3339), custom attributes.
	for _, row := range rows[1:] {
		rec, ok := stored[row[col("id")]]
		if !ok {
			t.Fatalf("row for unknown id %s", row[0])
		}
		var doc struct {
			UpdatedAt int64  `json:"updated_at"`
			State     string `json:"state"`
			Tags      struct {
				Tags []struct{ Name string } `json:"tags"`
			} `json:"tags"`
		}
		var all map[string]any
		if err := json.Unmarshal(rec.Raw, &doc); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(rec.Raw, &all); err != nil {
			t.Fatal(err)
		}
		if column, path := labelOf(kind); column != "" { // every kind but conversations has a name or a title
			var want string
			if v := walkPath(all, path, nil); len(v) > 0 {
				want = csvScalar(v[0])
			}
			if got := row[col(column)]; got != want || (got == "" && kind != query.KindContact) {
				t.Fatalf("%s %s %q, want %q", rec.ID, column, got, want)
			}
		}
		if i := slices.Index(header, "updated_at"); i >= 0 || !kind.Directory() {
			if got, want := row[col("updated_at")], rfc3339(doc.UpdatedAt); got != want {
				t.Fatalf("%s updated_at %q, want %q", rec.ID, got, want)
			}
		}
		attrs, _ := all[attrKey].(map[string]any)
		tt, _ := all["ticket_type"].(map[string]any)
		for name, v := range attrs {
			if own(name) {
				continue
			}
			want := csvScalar(v)
			if sec, ok := v.(float64); ok && datetime[fmt.Sprint(tt["id"])][name] {
				want, dates = rfc3339(int64(sec)), dates+1
			}
			if got := row[col(attrKey+"."+name)]; got != want && fmt.Sprint(v) != got {
				t.Fatalf("%s attribute %q: %q, want %q", rec.ID, name, got, want)
			}
		}
		if kind == query.KindTicket { // the ids of the conversations linked, from the list of every linked object
			var linked struct {
				Data []struct{ Type, ID string } `json:"data"`
			}
			if b, err := json.Marshal(all["linked_objects"]); err == nil {
				json.Unmarshal(b, &linked)
			}
			want := []string{}
			for _, o := range linked.Data {
				if o.Type == "conversation" {
					want = append(want, o.ID)
				}
			}
			var got []string
			if err := json.Unmarshal([]byte(row[col("linked_conversation_ids")]), &got); err != nil || !slices.Equal(got, want) {
				t.Fatalf("%s linked_conversation_ids %q, want %q", rec.ID, row[col("linked_conversation_ids")], want)
			}
		}
		if kind == query.KindConversation || kind == query.KindArticle {
			if row[col("state")] != doc.State {
				t.Fatalf("%s state %q, want %q", rec.ID, row[col("state")], doc.State)
			}
			var tags []string
			if err := json.Unmarshal([]byte(row[col("tag")]), &tags); err != nil {
				t.Fatalf("%s tag column %q is not a JSON list: %v", rec.ID, row[col("tag")], err)
			}
			for i, tg := range doc.Tags.Tags {
				if i >= len(tags) || tags[i] != tg.Name {
					t.Fatalf("%s tags %v, record has %v", rec.ID, tags, doc.Tags.Tags)
				}
			}
		}
	}
	if kind == query.KindTicket && dates == 0 {
		t.Errorf("no ticket holds a datetime attribute: the export's times were not checked")
	}
}

// TestExport_QueryExportsItsMatches checks that --query exports what search finds, in its order, every match
// whatever the query's limit (and says that limit was ignored).
func TestExport_QueryExportsItsMatches(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	found, _ := e.mustRun(t, "search", "--json", "--config", "", "--data-dir", dir, "object_type:conversations tag:billing limit:150")
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(found), "\n") {
		var h struct{ ID string }
		json.Unmarshal([]byte(line), &h)
		want = append(want, h.ID)
	}
	out, errOut := e.mustRun(t, "export", "--type", "conversations", "--query", "tag:billing limit:5", "--config", "", "--data-dir", dir)
	if !strings.Contains(errOut, "limit:5 is ignored") {
		t.Errorf("export --query with limit:5 exported every match without saying the limit was ignored:\n%s", errOut)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec struct{ ID string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		got = append(got, query.FormatID(query.KindConversation, rec.ID))
	}
	if len(want) < 6 || !slices.Equal(got, want) {
		t.Errorf("export --query exported %d records, search found %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
}

// TestExportOutput_CompleteOrNothing checks that --out gets the whole export or nothing: a failed export
// leaves no file (nor its temporary), a finished one appears at once, mode 0600.
func TestExportOutput_CompleteOrNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	w, _, discard, err := exportOutput(nil, path, "--out", "export.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("half an export")
	discard()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed export left %v", entries)
	}

	w, commit, _, err := exportOutput(nil, path, "--out", "export.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("id\n1\n")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the file appeared before the export finished: %v", err)
	}
	if err := commit(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if err != nil || string(b) != "id\n1\n" || fi.Mode().Perm() != 0o600 {
		t.Errorf("%q %v, mode %v", b, err, fi.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left beside it: %v", entries)
	}

	// The export of a replica that does not exist fails before any output.
	e := newUserEnv(t)
	code, _, errOut := e.run(t, "export", "--type", "contacts", "--out", filepath.Join(dir, "x.jsonl"), "--config", "", "--data-dir", filepath.Join(dir, "none"))
	if code != exitRuntime || !strings.Contains(errOut, "no replica in ") {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
}

// TestExport_QueryMistakesAreUsageErrors checks that a query the index finds nothing to search for in is the
// user's mistake, as in search: exit 2 and the reason, not a failure of the export (exit 1).
func TestExport_QueryMistakesAreUsageErrors(t *testing.T) {
	dir := demoCopy(t)
	for _, dsl := range []string{`q:"!!!"`, `state:opn`, `q:the`, `starting_after:Zm9v`} {
		code, out, errOut := runCmd(t, nil, "export", "--type", "conversations", "--query", dsl, "--config", "", "--data-dir", dir)
		if code != exitUsage || out != "" || !strings.Contains(errOut, "--query: ") {
			t.Errorf("export --query %s: exit %d, want %d with the query's mistake\nstdout: %q\n%s", dsl, code, exitUsage, out, errOut)
		}
	}
}

// TestExportOutput_LeavesWhatIsThereInPlace checks that --out writes through what the path is rather than replacing
// it: a symbolic link's file gets the export and the link stays, an existing file keeps its mode, a FIFO is written
// to (a reader gets the export), and a directory is refused with a file path to use instead.
func TestExportOutput_LeavesWhatIsThereInPlace(t *testing.T) {
	dir := t.TempDir()
	write := func(path, text string) error {
		w, commit, discard, err := exportOutput(nil, path, "--out", "export.jsonl")
		if err != nil {
			return err
		}
		if _, err := w.WriteString(text); err != nil {
			discard()
			return err
		}
		return commit()
	}

	real, link := filepath.Join(dir, "real.jsonl"), filepath.Join(dir, "link.jsonl")
	if err := os.WriteFile(real, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := write(link, "new\n"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(real); string(b) != "new\n" {
		t.Errorf("the link's file holds %q, want the export", b)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o644 {
		t.Errorf("an existing file's mode became %v, want 0644 kept", fi.Mode().Perm())
	}

	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // opens for reading, so the writer's open returns
		got <- string(b)
	}()
	if err := write(fifo, "streamed\n"); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "streamed\n" {
		t.Errorf("the FIFO's reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by %v (%v)", fi.Mode(), err)
	}

	if err := write(dir, "x"); err == nil || !strings.Contains(err.Error(), "is a directory; give a file's path") {
		t.Errorf("export to a directory: %v", err)
	}
	if err := write(filepath.Join(dir, "nodir", "x.jsonl"), "x"); err == nil ||
		!strings.Contains(err.Error(), "the directory "+filepath.Join(dir, "nodir")+" does not exist; create it") {
		t.Errorf("export into a missing directory: %v", err)
	}
}

// TestExport_TypeNamesEveryKind checks what --type takes: every kind, plural or singular (teammates or admins), and
// a mistake lists them all; the directory kinds are exported whole, so --query with one is a mistake saying so.
func TestExport_TypeNamesEveryKind(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]query.Kind{
		"companies": query.KindCompany, "Company": query.KindCompany, "teammates": query.KindAdmin, "admins": query.KindAdmin,
		"teammate": query.KindAdmin, "teams": query.KindTeam, "tag": query.KindTag, "segments": query.KindSegment,
		"conversations": query.KindConversation, "contact": query.KindContact, "articles": query.KindArticle, "Ticket": query.KindTicket,
		"collections": query.KindCollection, "help_centers": query.KindHelpCenter, "help centers": query.KindHelpCenter,
		"help-centers": query.KindHelpCenter, "ticket_types": query.KindTicketType, "ticket type": query.KindTicketType,
	} {
		if got, err := exportKind(typ); err != nil || got != want {
			t.Errorf("--type %s: %q, %v; want %q", typ, got, err, want)
		}
	}
	dir := demoCopy(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--type", "firms"}, `--type "firms": want conversations, contacts, companies, articles, tickets, teammates, teams, tags, segments, collections, help_centers or ticket_types`},
		{[]string{"--type", "compnies"}, `; did you mean companies?`},
		{[]string{"--type", "artcles"}, `; did you mean articles?`},
		{[]string{"--type", "helpcenters"}, `; did you mean help_centers?`},
		{[]string{"--type", "tags", "--query", "name:VIP"}, "--query works on conversations, contacts, companies, articles and tickets; tags are exported whole"},
		{[]string{"--type", "tickets", "--query", "object_type:articles"}, "--query is about articles but --type is tickets"},
		{[]string{"--type", "companies", "--query", "object_type:contacts role:user"}, "--query is about contacts but --type is companies"},
	} {
		code, out, errOut := runCmd(t, nil, append([]string{"export", "--config", "", "--data-dir", dir}, tc.args...)...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("export %v: exit %d, want %d and %q\nstdout: %q\n%s", tc.args, code, exitUsage, tc.want, out, errOut)
		}
	}
}

// TestExport_TicketTypeAttributesFromEitherList: Intercom's answers list a type's attributes under
// ticket_type_attributes.data, its 2.16 schema under ticket_type_attributes.ticket_type_attributes; the CSV column
// names them from either.
func TestExport_TicketTypeAttributesFromEitherList(t *testing.T) {
	var attrs csvColumn
	for _, c := range csvColumns(query.KindTicketType) {
		if c.name == "attributes" {
			attrs = c
		}
	}
	for in, want := range map[string]string{
		`{"ticket_type_attributes":{"data":[{"name":"Order"},{"name":"Due"}]}}`:  `["Order","Due"]`,
		`{"ticket_type_attributes":{"ticket_type_attributes":[{"name":"Due"}]}}`: `["Due"]`,
		`{"ticket_type_attributes":null}`:                                        `[]`,
	} {
		var doc map[string]any
		if err := json.Unmarshal([]byte(in), &doc); err != nil {
			t.Fatal(err)
		}
		if got := attrs.value(doc); got != want {
			t.Errorf("%s: attributes %s, want %s", in, got, want)
		}
	}
}

// TestExport_FormatFromTheFileName: without --format, the --out file's extension decides (.csv is CSV, .jsonl and
// .json JSON lines), formats are read in any case, and --out - is standard output. Before, --out inf.csv held
// JSON lines without a word, --format JSON was refused, and --out - wrote a file named "-".
func TestExport_FormatFromTheFileName(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	base := []string{"export", "--config", "", "--data-dir", dir, "--type", "companies"}
	for _, tc := range []struct {
		args  []string
		file  string // "" for standard output
		csv   bool
		label string // in the closing line
	}{
		{[]string{"--out", "inf.csv"}, "inf.csv", true, "(csv) to inf.csv"},
		{[]string{"--out", "all.JSON"}, "all.JSON", false, "(jsonl) to all.JSON"},
		{[]string{"--out", "x.jsonl", "--format", "JSONL"}, "x.jsonl", false, "(jsonl) to x.jsonl"},
		{[]string{"--format", "CSV", "--out", "-"}, "", true, "(csv) to standard output"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr := e.mustRun(t, append(base, tc.args...)...)
			got := stdout
			if tc.file != "" {
				b, err := os.ReadFile(filepath.Join(e.home, tc.file))
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if isCSV := strings.HasPrefix(got, "id,"); isCSV != tc.csv || (!tc.csv && !strings.HasPrefix(got, "{")) {
				t.Errorf("csv %v, want %v: %.100q", isCSV, tc.csv, got)
			}
			if !strings.Contains(stderr, tc.label) {
				t.Errorf("stderr %q lacks %q", stderr, tc.label)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(e.home, "-")); !os.IsNotExist(err) {
		t.Errorf(`--out - wrote a file named "-": %v`, err)
	}
	out, _ := e.mustRun(t, "report", "--config", "", "--data-dir", dir, "--format", "CSV", "--by", "plan", "object_type:companies")
	if !strings.HasPrefix(out, "row,plan,count") {
		t.Errorf("report --format CSV:\n%s", out)
	}
}
