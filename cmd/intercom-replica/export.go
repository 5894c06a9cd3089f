package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
)

const exportExamples = `  intercom-replica export --type conversations > conversations.jsonl
  intercom-replica export --type contacts --out contacts.csv              # CSV: the file's name says so
  intercom-replica export --type conversations --format csv --query 'object_type:conversations tag:billing created_at:gt:90d' --out billing.csv
  intercom-replica export --type companies --format csv --query 'plan:Growth' --out growth.csv
  intercom-replica export --type teammates --format csv   # id, name, email, ...: to name the ids in the other exports
  intercom-replica export --type tickets --format csv --query 'ticket_type:"Bug report" open:true' --out bugs.csv
  intercom-replica export --type articles --query 'state:published' > articles.jsonl   # every language version's text
  intercom-replica export --demo --type conversations --format csv | duckdb -c "select state, count(*) from read_csv('/dev/stdin') group by 1"

JSON lines hold each record exactly as Intercom returned it (a conversation with every part), one per line. CSV has
one row per record and a fixed set of columns, the fields of the query language in its order, then one column per
custom attribute (custom_attributes.<name>, sorted; a ticket's attributes are ticket_attributes.<name>); lists are
JSON arrays and times RFC 3339 in UTC (a ticket's attributes too, where its ticket type says datetime). An article's row has its default language's title and description (the JSON
lines have every language version and the text). Teammates, teams, tags, segments, collections, help centers and
ticket types (the lists that name the ids other records hold) have columns of their own: id, name and what Intercom
says of them. Deleted records are left out. Memory stays constant whatever the replica's size.
`

// exportName is what --type calls kind: its plural, "teammates" for admins.
func exportName(kind query.Kind) string {
	if kind == query.KindAdmin {
		return "teammates"
	}
	return kind.Plural()
}

// exportTypes is what --type takes, for its help and its errors: "conversations, contacts, ... or ticket_types".
func exportTypes() string {
	var names []string
	for _, k := range query.AllKinds() {
		names = append(names, exportName(k))
	}
	return listText(names, "or")
}

// listText joins words as a sentence does: "a, b and c" (with "and"), "a, b or c".
func listText(words []string, last string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + last + " " + words[len(words)-1]
}

// exportKind reads --type: a kind's plural or singular, any case; "admins" is teammates.
func exportKind(typ string) (query.Kind, error) {
	if kind, ok := query.ParseAnyKind(typ); ok {
		return kind, nil
	}
	if typ == "" {
		return "", usagef("--type is required: %s", exportTypes())
	}
	var names []string
	for _, k := range query.AllKinds() {
		names = append(names, exportName(k))
	}
	if near := query.Nearest(typ, names); len(near) > 0 {
		return "", usagef("--type %q: want %s; did you mean %s?", typ, exportTypes(), near[0])
	}
	return "", usagef("--type %q: want %s", typ, exportTypes())
}

// countOf says how many records of kind there are as a person would: "1 company", "8 teammates", "2 help
// centers".
func countOf(n int, kind query.Kind) string {
	switch {
	case n == 1:
		return "1 " + kind.Noun()
	case kind.Directory():
		return fmt.Sprintf("%d %s", n, kind.Nouns())
	}
	return fmt.Sprintf("%d %s", n, kind.Plural())
}

func runExport(ctx context.Context, m *Main, args []string) error {
	var out string
	err := export(ctx, m, args, &out)
	if err != nil && ctx.Err() != nil { // Ctrl-C: what was left behind, and what to do
		if out == "" {
			return fmt.Errorf("interrupted: standard output holds the records written before it, not all of them; run the export again")
		}
		return fmt.Errorf("interrupted: %s was not written (an export is written whole or not at all); run the export again", out)
	}
	return err
}

// export is the export command; it sets *outPath to the --out file once the flags are read ("" for standard output).
func export(ctx context.Context, m *Main, args []string, outPath *string) error {
	fs := m.newFlagSet("export", "export --type KIND [--format jsonl|csv] [--query 'QUERY'] [--out FILE|-] [flags]", exportExamples)
	rf := addReplicaFlags(fs)
	typ := fs.String("type", "", "what to export (required): "+exportTypes())
	format := fs.String("format", "", "jsonl (records as Intercom returned them, one per line) or csv (one row per record); "+
		"default: as --out's name says (.csv, or .jsonl and .json), else jsonl")
	dsl := fs.String("query", "", "export only the records matching this `query`, in its order (its limit is ignored: every match is exported; starting_after is refused)")
	out := fs.String("out", "", "write to this `file` (mode 0600, complete or not at all) instead of standard output (- is standard output)")
	if err := parseFlagsOnly(fs, args, "the query goes in --query"); err != nil {
		return err
	}
	kind, err := exportKind(*typ)
	if err != nil {
		return err
	}
	if kind.Directory() && *dsl != "" {
		var searchable []string
		for _, k := range query.Kinds() {
			searchable = append(searchable, k.Plural())
		}
		return usagef("--query works on %s; %s are exported whole (a few hundred at most)", listText(searchable, "and"), kind.Nouns())
	}
	if *out == "-" {
		*out = ""
	}
	*outPath = *out
	if *format, err = exportFormat(*format, *out); err != nil {
		return err
	}
	var (
		q       *query.Query
		text    string // the query as parsed, for carets under its mistakes
		ignored string // what of the query the export does not do, for the closing line
	)
	if *dsl != "" {
		text = *dsl
		if !strings.Contains(strings.ToLower(text), "object_type:") {
			text = "object_type:" + kind.Plural() + " " + text
		}
		parsed, err := query.Parse(text, query.Options{})
		if err != nil {
			var qe *query.Error
			if errors.As(err, &qe) {
				return usageError{fmt.Errorf("--query: %s", qe.Caret(text))}
			}
			return usageError{fmt.Errorf("--query: %w", err)}
		}
		if parsed.Kind != kind {
			return usagef("--query is about %s but --type is %s", parsed.Kind.Plural(), kind.Plural())
		}
		if parsed.StartingAfter != "" {
			return usagef("--query: starting_after: continues a page of search results; export writes every match from the first: remove it")
		}
		switch {
		case parsed.Note != "":
			ignored = "; the query's limit is ignored: export writes every match"
		case parsed.Limit != query.DefaultLimit:
			ignored = fmt.Sprintf("; the query's limit:%d is ignored: export writes every match", parsed.Limit)
		}
		parsed.Limit = query.MaxLimit
		q = &parsed
	}

	acc, _, _, err := openForReading(ctx, m, rf)
	if err != nil {
		return err
	}
	defer acc.Close()
	each := func(ctx context.Context, fn func(index.Record) error) error {
		return exportRecords(ctx, acc, kind, q, fn)
	}

	w, commit, discard, err := exportOutput(m.Stdout, *out, "--out", exportName(kind)+"."+*format)
	if err != nil {
		return err
	}
	var n int
	if *format == "csv" {
		var dates datetimeAttributes
		if kind == query.KindTicket {
			if dates, err = ticketDatetimes(ctx, acc); err != nil {
				discard()
				return err
			}
		}
		n, err = writeCSV(ctx, w, kind, each, dates)
	} else {
		n, err = writeJSONL(ctx, w, each)
	}
	if err != nil {
		discard()
		var qe *query.Error // a term the index finds nothing to search for in: the query's mistake, exit 2
		if q != nil && errors.As(err, &qe) {
			return usageError{fmt.Errorf("--query: %s", qe.Caret(text))}
		}
		return err
	}
	if err := commit(); err != nil {
		return err
	}
	where := "standard output"
	if *out != "" {
		where = mcp.Sanitize(*out)
	}
	fmt.Fprintf(m.Stderr, "Exported %s (%s) to %s%s.\n", countOf(n, kind), *format, where, ignored)
	m.noteIncomplete(ctx, acc, kind)
	return nil
}

// exportFormat decides the format of an export: format as given (any case), else the one out's extension names
// (.csv; .jsonl, .json, .ndjson), else jsonl. A format the file's name contradicts is a mistake.
func exportFormat(format, out string) (string, error) {
	byName := ""
	switch ext := strings.ToLower(filepath.Ext(out)); ext {
	case ".csv":
		byName = "csv"
	case ".jsonl", ".json", ".ndjson":
		byName = "jsonl"
	}
	if format == "" {
		return cmp.Or(byName, "jsonl"), nil
	}
	format, err := choice("format", format, "jsonl", "csv")
	if err == nil && byName != "" && byName != format {
		return "", usagef("--format %s, but --out %s names a %s file; leave --format out (the name decides) or name a .%s file",
			format, out, filepath.Ext(out), format)
	}
	return format, err
}

// exportRecords calls fn with every live record of kind, or with every record matching q, in q's order. Beside a
// running serve both come in one stream from it.
func exportRecords(ctx context.Context, r *peer.Access, kind query.Kind, q *query.Query, fn func(index.Record) error) error {
	if q != nil {
		return r.ScanQuery(ctx, *q, fn)
	}
	return r.Scan(ctx, kind, func(rec index.Record) error {
		if rec.Deleted {
			return nil
		}
		return fn(rec)
	})
}

// exportOutput returns where a command's output goes: standard output, or a temporary file next to path that commit
// renames into place (so a failed write leaves no half-written file), and discard removes. Its errors name the
// flag that gave path (--out, --chart); when path is a directory they suggest example, a file name the command
// takes, inside it.
func exportOutput(stdout io.Writer, path, flag, example string) (w *bufio.Writer, commit func() error, discard func(), err error) {
	if path == "" {
		w = bufio.NewWriterSize(stdout, 1<<16)
		return w, w.Flush, func() { _ = w.Flush() }, nil
	}
	target, mode, stream, err := exportTarget(path, example)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if stream { // a device, a pipe or a socket: written to as it is, never replaced
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s %s: %w", flag, path, err)
		}
		w = bufio.NewWriterSize(f, 1<<16)
		commit = func() error {
			err := w.Flush()
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", flag, path, err)
			}
			return nil
		}
		return w, commit, func() { f.Close() }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	w = bufio.NewWriterSize(f, 1<<16)
	discard = func() {
		f.Close()
		os.Remove(f.Name())
	}
	commit = func() error {
		err := w.Flush()
		if err == nil {
			err = f.Chmod(mode)
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(f.Name(), target)
		}
		if err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("%s %s: %w", flag, path, err)
		}
		return nil
	}
	return w, commit, discard, nil
}

// exportTarget decides where an export to path goes. A symbolic link is followed, so the file it points to gets
// the export and the link stays. A new file is written whole or not at all (a temporary file renamed into place),
// mode 0600; an existing regular file likewise, keeping its mode. A device, pipe or socket (/dev/stdout, a FIFO) is
// a stream: written to in place. A directory is refused, suggesting the file example in it.
func exportTarget(path, example string) (target string, mode os.FileMode, stream bool, err error) {
	target = path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	fi, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if dir := filepath.Dir(target); !isDir(dir) {
			return "", 0, false, fmt.Errorf("the directory %s does not exist; create it, or give a path in a directory that does", dir)
		}
		return target, 0o600, false, nil
	case err != nil:
		return "", 0, false, err
	case fi.IsDir():
		return "", 0, false, fmt.Errorf("it is a directory; give a file's path, e.g. %s", filepath.Join(path, example))
	case fi.Mode().IsRegular():
		return target, fi.Mode().Perm(), false, nil
	}
	return target, 0, true, nil
}

// writeJSONL writes each record's raw JSON on one line.
func writeJSONL(ctx context.Context, w io.Writer, each func(context.Context, func(index.Record) error) error) (int, error) {
	n := 0
	var buf bytes.Buffer
	err := each(ctx, func(rec index.Record) error {
		raw := rec.Raw
		if bytes.ContainsAny(raw, "\r\n") {
			buf.Reset()
			if err := json.Compact(&buf, raw); err != nil {
				return fmt.Errorf("%s: stored record is not JSON: %w", query.FormatID(rec.Kind, rec.ID), err)
			}
			raw = buf.Bytes()
		}
		if _, err := w.Write(raw); err != nil {
			return err
		}
		if _, err := w.Write([]byte{'\n'}); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// csvColumn is one column of the CSV export: a field of the query language, read from the record's JSON.
type csvColumn struct {
	name      string
	path      []string // the field's Path, split at dots; a segment ending in [] is a list, [key=value] the items of a list with that key's value
	multi     bool
	timestamp bool
	derive    func(doc map[string]any) []any // for a field without a Path: its values, derived from the record
}

// directoryColumns are the columns of the kinds the query language has no catalog for: what Intercom's list
// endpoints say of each teammate, team, tag and segment.
var directoryColumns = map[query.Kind][]csvColumn{
	query.KindAdmin: {{name: "id", path: []string{"id"}}, {name: "name", path: []string{"name"}}, {name: "email", path: []string{"email"}},
		{name: "job_title", path: []string{"job_title"}}, {name: "away_mode_enabled", path: []string{"away_mode_enabled"}},
		{name: "away_mode_reassign", path: []string{"away_mode_reassign"}}, {name: "has_inbox_seat", path: []string{"has_inbox_seat"}},
		{name: "team_ids", path: []string{"team_ids[]"}, multi: true}},
	query.KindTeam: {{name: "id", path: []string{"id"}}, {name: "name", path: []string{"name"}},
		{name: "admin_ids", path: []string{"admin_ids[]"}, multi: true}, {name: "distribution_method", path: []string{"distribution_method"}}},
	query.KindTag: {{name: "id", path: []string{"id"}}, {name: "name", path: []string{"name"}}},
	query.KindSegment: {{name: "id", path: []string{"id"}}, {name: "name", path: []string{"name"}}, {name: "person_type", path: []string{"person_type"}},
		{name: "count", path: []string{"count"}}, {name: "created_at", path: []string{"created_at"}, timestamp: true},
		{name: "updated_at", path: []string{"updated_at"}, timestamp: true}},
	query.KindCollection: {{name: "id", path: []string{"id"}}, {name: "name", path: []string{"name"}}, {name: "description", path: []string{"description"}},
		{name: "help_center_id", path: []string{"help_center_id"}}, {name: "parent_id", path: []string{"parent_id"}}, {name: "url", path: []string{"url"}},
		{name: "order", path: []string{"order"}}, {name: "default_locale", path: []string{"default_locale"}},
		{name: "created_at", path: []string{"created_at"}, timestamp: true}, {name: "updated_at", path: []string{"updated_at"}, timestamp: true}},
	query.KindHelpCenter: {{name: "id", path: []string{"id"}}, {name: "name", path: []string{"display_name"}}, {name: "identifier", path: []string{"identifier"}},
		{name: "url", path: []string{"url"}}, {name: "website_turned_on", path: []string{"website_turned_on"}}, {name: "default", path: []string{"default"}},
		{name: "locales", path: []string{"locales[]"}, multi: true},
		{name: "created_at", path: []string{"created_at"}, timestamp: true}, {name: "updated_at", path: []string{"updated_at"}, timestamp: true}},
	query.KindTicketType: {{name: "id", path: []string{"id"}}, {name: "name", path: []string{"name"}}, {name: "description", path: []string{"description"}},
		{name: "category", path: []string{"category"}}, {name: "is_internal", path: []string{"is_internal"}}, {name: "archived", path: []string{"archived"}},
		{name: "attributes", multi: true, derive: func(doc map[string]any) []any {
			// Under ticket_type_attributes.data in Intercom's answers, under .ticket_type_attributes in its schema.
			return walkPath(doc, []string{"ticket_type_attributes", "ticket_type_attributes[]", "name"},
				walkPath(doc, []string{"ticket_type_attributes", "data[]", "name"}, nil))
		}},
		{name: "created_at", path: []string{"created_at"}, timestamp: true}, {name: "updated_at", path: []string{"updated_at"}, timestamp: true}},
}

// derivedColumns are the columns of the fields the query language derives from a record rather than reading at a
// path: an article's title and description are its default language's, and its locales the languages of its
// versions. (Its body, every language's text, is in the JSON lines export.)
var derivedColumns = map[query.Kind]map[string]csvColumn{
	query.KindArticle: {
		"title":       {name: "title", path: []string{"title"}},
		"description": {name: "description", path: []string{"description"}},
		"locale": {name: "locale", multi: true, derive: func(doc map[string]any) []any {
			var out []any
			if tc, ok := doc["translated_content"].(map[string]any); ok {
				for _, loc := range slices.Sorted(maps.Keys(tc)) {
					if _, isVersion := tc[loc].(map[string]any); isVersion {
						out = append(out, loc)
					}
				}
			}
			if len(out) == 0 && doc["default_locale"] != nil {
				out = append(out, doc["default_locale"])
			}
			return out
		}},
	},
}

// csvColumns are the fixed columns of kind: every field of its catalog found in the record's JSON, in catalog
// order, except the text of every part (the JSON lines export has it); a directory kind's directoryColumns.
func csvColumns(kind query.Kind) []csvColumn {
	if kind.Directory() {
		return directoryColumns[kind]
	}
	var cols []csvColumn
	for _, f := range query.CatalogFor(kind).Fields() {
		if c, ok := derivedColumns[kind][f.Name]; ok {
			cols = append(cols, c)
			continue
		}
		if f.Path == "" || f.Custom != "" || f.Name == "parts_body" {
			continue
		}
		cols = append(cols, csvColumn{name: f.Name, path: strings.Split(f.Path, "."), multi: f.Multi, timestamp: f.Type == query.TypeTimestamp})
	}
	return cols
}

// attributesOf returns the key of kind's records that holds their custom attributes (a ticket's are its ticket
// type's attributes), and whether an attribute of that name has a column of its own (a ticket's default title and
// description are the title and description columns).
func attributesOf(kind query.Kind) (key string, own func(name string) bool) {
	if kind == query.KindTicket {
		return "ticket_attributes", func(name string) bool { return strings.HasPrefix(name, "_default_") }
	}
	return "custom_attributes", func(string) bool { return false }
}

// datetimeAttributes holds, by ticket type id, the names of the attributes the type says are datetimes: a ticket
// holds them as Unix seconds, and the CSV export writes them as RFC 3339 like every other time.
type datetimeAttributes map[string]map[string]bool

// ticketDatetimes reads the replica's ticket types for their datetime attributes.
func ticketDatetimes(ctx context.Context, acc *peer.Access) (datetimeAttributes, error) {
	out := datetimeAttributes{}
	err := acc.Scan(ctx, query.KindTicketType, func(rec index.Record) error {
		var tt wire.TicketType
		if rec.Deleted || json.Unmarshal(rec.Raw, &tt) != nil {
			return nil // a type the replica cannot read leaves its tickets' attributes as Intercom wrote them
		}
		for _, a := range tt.AttributeList() {
			if a.DataType == "datetime" {
				if out[string(tt.ID)] == nil {
					out[string(tt.ID)] = map[string]bool{}
				}
				out[string(tt.ID)][string(a.Name)] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the ticket types: %w", err)
	}
	return out, nil
}

// of returns the datetime attributes of a ticket's type (nil when none).
func (d datetimeAttributes) of(ticket map[string]any) map[string]bool {
	tt, _ := ticket["ticket_type"].(map[string]any)
	return d[csvScalar(tt["id"])]
}

// writeCSV writes a header and one row per record: the fixed columns, then one column per custom attribute found
// in any record (a ticket's datetime attributes, by dates, as RFC 3339). It reads the records twice, once for the
// attributes' names and once for the rows, so memory does not grow with their number.
func writeCSV(ctx context.Context, w io.Writer, kind query.Kind, each func(context.Context, func(index.Record) error) error, dates datetimeAttributes) (int, error) {
	names := map[string]bool{}
	attrKey, own := attributesOf(kind)
	err := each(ctx, func(rec index.Record) error {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(rec.Raw, &doc); err != nil {
			return fmt.Errorf("%s: stored record is not JSON: %w", query.FormatID(rec.Kind, rec.ID), err)
		}
		var attrs map[string]json.RawMessage
		if raw, ok := doc[attrKey]; ok {
			if err := json.Unmarshal(raw, &attrs); err != nil {
				attrs = nil // not an object (null): no attributes
			}
		}
		for name := range attrs {
			if !own(name) {
				names[name] = true
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	custom := slices.Sorted(func(yield func(string) bool) {
		for n := range names {
			if !yield(n) {
				return
			}
		}
	})
	cols := csvColumns(kind)
	cw := csv.NewWriter(w)
	header := make([]string, 0, len(cols)+len(custom))
	for _, c := range cols {
		header = append(header, c.name)
	}
	for _, n := range custom {
		header = append(header, attrKey+"."+n)
	}
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	n := 0
	row := make([]string, len(header))
	err = each(ctx, func(rec index.Record) error {
		dec := json.NewDecoder(bytes.NewReader(rec.Raw))
		dec.UseNumber()
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			return fmt.Errorf("%s: stored record is not JSON: %w", query.FormatID(rec.Kind, rec.ID), err)
		}
		for i, c := range cols {
			row[i] = c.value(doc)
		}
		ca, _ := doc[attrKey].(map[string]any)
		isDate := dates.of(doc)
		for i, name := range custom {
			row[len(cols)+i] = csvScalar(ca[name])
			if isDate[name] {
				row[len(cols)+i] = csvTime(ca[name])
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// value reads the column from a decoded record.
func (c csvColumn) value(doc map[string]any) string {
	var vals []any
	if c.derive != nil {
		vals = c.derive(doc)
	} else {
		vals = walkPath(doc, c.path, nil)
	}
	if c.timestamp {
		for i, v := range vals {
			if _, ok := v.(json.Number); ok {
				vals[i] = csvTime(v)
			}
		}
	}
	if c.multi {
		strs := make([]string, 0, len(vals))
		for _, v := range vals {
			if v != nil {
				strs = append(strs, csvScalar(v))
			}
		}
		b, _ := json.Marshal(strs)
		return string(b)
	}
	if len(vals) == 0 {
		return ""
	}
	return csvScalar(vals[0])
}

// walkPath collects the values at path in v; a segment ending in "[]" descends into every element of a list.
func walkPath(v any, path []string, acc []any) []any {
	if len(path) == 0 {
		return append(acc, v)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return acc
	}
	seg, list := strings.CutSuffix(path[0], "[]")
	var filterKey, filterValue string // data[type=conversation]: the items whose type is conversation
	if !list && strings.HasSuffix(seg, "]") {
		if name, cond, ok := strings.Cut(strings.TrimSuffix(seg, "]"), "["); ok {
			seg, list = name, true
			filterKey, filterValue, _ = strings.Cut(cond, "=")
		}
	}
	next, ok := obj[seg]
	if !ok || next == nil {
		return acc
	}
	if !list {
		return walkPath(next, path[1:], acc)
	}
	items, _ := next.([]any)
	for _, it := range items {
		if filterKey != "" {
			if m, _ := it.(map[string]any); m == nil || csvScalar(m[filterKey]) != filterValue {
				continue
			}
		}
		acc = walkPath(it, path[1:], acc)
	}
	return acc
}

// csvTime writes Unix seconds as RFC 3339 in UTC; any other value as csvScalar does.
func csvTime(v any) string {
	if num, ok := v.(json.Number); ok {
		if sec, err := num.Int64(); err == nil && sec > 0 {
			return time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
	}
	return csvScalar(v)
}

// csvScalar writes a JSON value as a cell: strings, numbers and booleans as they are, null as empty, objects and
// lists as JSON.
func csvScalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// isDir reports whether path names a directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
