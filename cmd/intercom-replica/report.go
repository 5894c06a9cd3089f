package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

const reportExamples = `  intercom-replica report --by state 'object_type:conversations'
  intercom-replica report --by tag --by created_at:month 'object_type:conversations created_at:gte:90d'
  intercom-replica report --by admin_assignee --metric count --metric median:statistics_time_to_admin_reply 'object_type:conversations state:closed'
  intercom-replica report --by created_at:week --format csv 'object_type:conversations q:refund' > refunds.csv
  intercom-replica report --demo --by role 'object_type:contacts'

Counts are exact, over every record the query matches (the search query language; README, "Analytics").
--by takes up to two dimensions: a field (state, tag, admin_assignee, ca.<name>), a time field with a bucket
(hour, day, week, month, quarter, year; in the workspace's time zone) or a number with a width (parts_count:5).
Groups of teammates, teams, tags, segments or companies show each id with its name.
--metric is count (the default) or sum, avg, min, max, median, p90, p99 of a number or time field.
`

// repeated is a flag that may be given several times; commas also separate values.
type repeated []string

func (r *repeated) String() string { return strings.Join(*r, ",") }

func (r *repeated) repeatable() {}

func (r *repeated) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*r = append(*r, s)
		}
	}
	return nil
}

// aggregateArgsAsFlags names the aggregate's arguments in one of ParseAggregate's messages as report's flags,
// leaving the query's own terms (starting_after:, limit:) as a query spells them.
func aggregateArgsAsFlags(msg string) string {
	return strings.NewReplacer(
		"an aggregate pages its groups with the limit and starting_after arguments", "a report pages its groups with --limit and --starting-after",
		"starting_after:", "starting_after:",
		"group_by", "--by", "metrics", "--metric", "order_by", "--order-by", "starting_after", "--starting-after").Replace(msg)
}

func runReport(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("report", "report [--by DIM]... [--metric M]... [--format table|json|csv] [--chart FILE.png|FILE.svg] [flags] 'QUERY'", reportExamples)
	rf := addReplicaFlags(fs)
	var by, metrics repeated
	fs.Var(&by, "by", "group by this dimension (repeat, or separate with commas; at most 2)")
	fs.Var(&metrics, "metric", "compute this metric (repeat, or separate with commas; default count)")
	orderBy := fs.String("order-by", "", "order groups by count (default) or one of the metrics")
	limit := fs.Int("limit", query.DefaultGroups, fmt.Sprintf("groups to show (1 to %d); the rest are combined in one other row", query.MaxGroups))
	after := fs.String("starting-after", "", "cursor of the next groups, as printed under the previous table")
	format := fs.String("format", "table", "output: table, json or csv")
	chart := fs.String("chart", "", "also write the groups as a chart to this file: FILE.png or FILE.svg")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("report takes one argument, the query in quotes, e.g. 'object_type:conversations created_at:gte:30d'; got %d", fs.NArg())
	}
	var err error
	if *format, err = choice("format", *format, "table", "json", "csv"); err != nil {
		return err
	}
	chartFormat := strings.TrimPrefix(strings.ToLower(filepath.Ext(*chart)), ".")
	if *chart != "" && chartFormat != "png" && chartFormat != "svg" {
		return usagef("--chart %q: name a .png or .svg file", *chart)
	}
	if *chart != "" && len(by) == 0 {
		return usagef("--chart needs --by: the totals alone are one number per metric")
	}
	if *limit < 1 || *limit > query.MaxGroups {
		return usagef("--limit %d: show 1 to %d groups per page (default %d)", *limit, query.MaxGroups, query.DefaultGroups)
	}
	dsl := fs.Arg(0)
	spec := query.AggregateSpec{Query: dsl, GroupBy: by, Metrics: metrics, OrderBy: *orderBy, Limit: *limit, StartingAfter: *after}
	var qe *query.Error
	if _, err := query.ParseAggregate(spec, query.Options{}); err != nil {
		if errors.As(err, &qe) {
			return usageError{errors.New(aggregateArgsAsFlags(qe.Caret(dsl)))}
		}
		return usageError{err}
	}
	acc, _, _, err := openForReading(ctx, m, rf)
	if err != nil {
		return err
	}
	defer acc.Close()
	res, _, err := mcp.RunAggregate(ctx, acc, acc, spec, mcp.ToolOptions{})
	var pub *mcp.PublicError
	switch {
	case errors.As(err, new(*index.CursorError)):
		return usageError{fmt.Errorf("--starting-after: %w", err)}
	case errors.As(err, &pub):
		return usageError{errors.New(strings.TrimPrefix(pub.Error(), "Invalid arguments: "))}
	case err != nil:
		return err
	}
	a, err := query.ParseAggregate(query.AggregateSpec{Query: res.Query, GroupBy: res.GroupBy, Metrics: res.Metrics,
		OrderBy: res.OrderBy, TimeZone: strings.TrimPrefix(res.TimeZone, "UTC")}, query.Options{})
	if err != nil {
		return fmt.Errorf("read back the result's aggregate: %w", err)
	}
	names := reportNames(a)
	switch {
	case *chart != "" && len(res.Groups) == 0: // the true answer: no groups; the table says so
		fmt.Fprintf(m.Stderr, "Nothing to chart: the query matches no groups, so %s was not written.\n", mcp.Sanitize(*chart))
	case *chart != "":
		img, err := mcp.AggregateChart(a, res, chartFormat)
		if err != nil {
			return fmt.Errorf("--chart %s: %w", *chart, err)
		}
		w, commit, discard, err := exportOutput(nil, *chart, "--chart", "chart."+chartFormat) // written whole or not at all
		if err != nil {
			return err
		}
		if _, err := w.Write(img); err != nil {
			discard()
			return fmt.Errorf("--chart %s: %w", *chart, err)
		}
		if err := commit(); err != nil {
			return err
		}
	}
	if *format != "table" && res.Next != nil { // stdout holds the data only; the way on goes to stderr
		fmt.Fprintf(m.Stderr, "groups %d–%d of %d (the rest are in the other row); next groups: add --starting-after %s\n",
			res.Offset+1, res.Offset+len(res.Groups), res.GroupCount, res.Next.StartingAfter)
	}
	if *format == "csv" && res.ReplicaNote() != "" { // as the next groups: the CSV on stdout holds the data only
		fmt.Fprintln(m.Stderr, res.ReplicaNote())
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(res)
	case "csv":
		err = writeReportCSV(m.Stdout, res, names)
	default:
		writeReportTable(m.Stdout, a, res, placeArgs(fs), spec, names)
	}
	if err != nil {
		return err
	}
	m.noteIncomplete(ctx, acc, a.Query.Kind)
	return nil
}

// groupNames says which of a report's dimensions hold ids of teammates, teams, tags, segments or companies
// (admin_assignee groups by the teammates' ids), whose names the result carries (AggregateRow.KeyNames).
type groupNames []bool

// reportNames finds the dimensions of a whose keys are ids with names (not a dimension of names, such as a
// conversation's tag, whose keys are the names themselves).
func reportNames(a query.Aggregate) groupNames {
	g := make(groupNames, len(a.GroupBy))
	for i, d := range a.GroupBy {
		g[i] = d.Field.NameOf == "" && query.NamedKindOf(a.Query.Kind, d.Field) != ""
	}
	return g
}

// named reports whether the i-th dimension's keys are ids with names.
func (g groupNames) named(i int) bool { return i < len(g) && g[i] }

// keyName returns the name of the i-th key of row, "" when it has none.
func keyName(row mcp.AggregateRow, i int) string {
	if i < len(row.KeyNames) {
		return row.KeyNames[i]
	}
	return ""
}

// keyLabel returns the i-th key of row as the table shows it: "Alex Rivera (991267614)" for a named id.
func keyLabel(row mcp.AggregateRow, i int) string {
	if n := keyName(row, i); n != "" {
		return n + " (" + row.Keys[i] + ")"
	}
	return row.Keys[i]
}

// reportMetric writes a metric's value of a row, "-" when none of its records has the field.
func reportMetric(a query.Aggregate, m query.Metric, row mcp.AggregateRow) string {
	v, ok := row.Metrics[m.String()]
	if !ok {
		return "-"
	}
	return mcp.FormatMetric(m, v, a.Location)
}

// barMetric is what a report's bars measure: the metric the groups are ordered by, else the first metric asked
// besides count, else the count.
func barMetric(res *mcp.AggregateResult) string {
	for _, m := range res.Metrics {
		if m == res.OrderBy && m != "count" {
			return m
		}
	}
	for _, m := range res.Metrics {
		if m != "count" {
			return m
		}
	}
	return "count"
}

// writeReportTable prints the groups as a table with a bar per group (its count, or the metric barMetric picks), the other row and the totals; a
// time series of one dimension gets a sparkline too.
func writeReportTable(w io.Writer, a query.Aggregate, res *mcp.AggregateResult, place string, spec query.AggregateSpec, names groupNames) {
	fmt.Fprintf(w, "%s %s match %s", strconv.Itoa(res.Matched), a.Query.Kind.Plural(), res.Query)
	if a.HasTime() {
		fmt.Fprintf(w, " (time zone %s)", res.TimeZone)
	}
	fmt.Fprintln(w, ".")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var head []string
	for _, g := range res.GroupBy {
		head = append(head, strings.ToUpper(g))
	}
	for _, m := range res.Metrics {
		head = append(head, strings.ToUpper(m))
	}
	barOf := barMetric(res)
	if len(res.GroupBy) > 0 {
		head = append(head, "")
		if barOf != "count" {
			head[len(head)-1] = "(BARS: " + strings.ToUpper(barOf) + ")"
		}
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	value := func(row mcp.AggregateRow) float64 {
		if barOf == "count" {
			return float64(row.Count)
		}
		return max(row.Metrics[barOf], 0)
	}
	most := 0.0
	for _, g := range res.Groups {
		most = max(most, value(g))
	}
	line := func(keys []string, row mcp.AggregateRow, bar bool) {
		cells := append([]string{}, keys...)
		for _, m := range a.Metrics {
			cells = append(cells, reportMetric(a, m, row))
		}
		if bar {
			n := 0
			if most > 0 {
				n = int(math.Ceil(value(row) * 30 / most))
			}
			cells = append(cells, strings.Repeat("█", n))
		} else if len(res.GroupBy) > 0 {
			cells = append(cells, "")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	for _, g := range res.Groups {
		if len(res.GroupBy) == 0 {
			break // the one group is the totals, written below
		}
		keys := make([]string, len(g.Keys))
		for i := range g.Keys {
			keys[i] = cell(keyLabel(g, i), 40)
		}
		line(keys, g, true)
	}
	blank := func(first string) []string {
		l := make([]string, len(res.GroupBy))
		if len(l) > 0 {
			l[0] = first
		}
		return l
	}
	if res.Other != nil {
		line(blank(fmt.Sprintf("other (%d groups)", res.Other.Groups)), *res.Other, false)
	}
	if len(res.GroupBy) > 0 {
		line(blank("total"), res.Totals, false)
	} else {
		line(nil, res.Totals, false)
	}
	tw.Flush()
	if len(a.GroupBy) == 1 && a.GroupBy[0].Bucket != "" && len(res.Groups) > 1 {
		counts := make([]int, len(res.Groups))
		for i, g := range res.Groups {
			counts[i] = g.Count
		}
		fmt.Fprintf(w, "\n%s … %s  %s\n", res.Groups[0].Keys[0], res.Groups[len(res.Groups)-1].Keys[0], sparkline(counts))
	}
	var left []string
	for _, m := range a.Metrics {
		if n := res.Totals.Missing[m.String()]; n > 0 {
			left = append(left, fmt.Sprintf("%s leaves out %d lacking %s", m, n, m.Field.Name))
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(w, "\nRecords lacking a metric's field are left out of it: %s.\n", strings.Join(left, "; "))
	}
	if res.Next != nil {
		args := "report " + place
		for _, d := range res.GroupBy {
			args += "--by " + shellWord(d) + " "
		}
		for _, m := range res.Metrics {
			args += "--metric " + shellWord(m) + " "
		}
		if spec.OrderBy != "" {
			args += "--order-by " + shellWord(res.OrderBy) + " "
		}
		if spec.Limit != query.DefaultGroups {
			args += "--limit " + strconv.Itoa(spec.Limit) + " "
		}
		fmt.Fprintf(w, "\nGroups %d–%d of %d. Next groups:\n  intercom-replica %s--starting-after %s %s\n", res.Offset+1,
			res.Offset+len(res.Groups), res.GroupCount, args, res.Next.StartingAfter, shellQuote(res.Query))
	}
	if note := utcDateNote(a); note != "" {
		fmt.Fprintln(w, note)
	}
	if strings.HasPrefix(res.Note, "Time buckets are in UTC") {
		note, _, _ := strings.Cut(res.Note, " More groups")
		fmt.Fprintln(w, strings.TrimSpace(strings.TrimSuffix(note, res.ReplicaNote())))
	}
	if note := res.ReplicaNote(); note != "" { // a name or value the replica read differently: the likely reason
		fmt.Fprintln(w, note)
	}
}

// utcDateNote says, when a's buckets are in a time zone other than UTC and its query gives a time as a date
// (created_at:gte:2025-12-01, midnight UTC), that the first or last bucket may be partial, and how to write
// midnight in the zone instead; "" otherwise.
func utcDateNote(a query.Aggregate) string {
	if !a.HasTime() || a.Location == nil || a.Location == time.UTC {
		return ""
	}
	for _, t := range a.Query.Terms {
		for _, v := range t.Values {
			day, err := time.Parse(time.DateOnly, v.Raw)
			if t.Field.Type != query.TypeTimestamp || err != nil {
				continue
			}
			const lead = "A date in the query is midnight UTC, and the buckets are in %s, so the first or last may hold part of its span"
			start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, a.Location)
			switch t.Op {
			case query.OpEq: // the whole UTC day: the zone's day is a range of its two midnights
				return fmt.Sprintf(lead+": for that day there, write its two midnights with their offset (%s:gte:%s %s:lt:%s).",
					a.Location, t.Field.Name, start.Format(time.RFC3339), t.Field.Name, start.AddDate(0, 0, 1).Format(time.RFC3339))
			case query.OpGt, query.OpGte, query.OpLt, query.OpLte:
				return fmt.Sprintf(lead+": for midnight there, write the time with its offset (%s:%s:%s).",
					a.Location, t.Field.Name, t.Op, start.Format(time.RFC3339))
			}
			return fmt.Sprintf(lead+".", a.Location)
		}
	}
	return ""
}

// sparkline draws counts as a line of block characters, the largest as a full block.
func sparkline(counts []int) string {
	const ticks = "▁▂▃▄▅▆▇█"
	runes := []rune(ticks)
	most := 0
	for _, c := range counts {
		most = max(most, c)
	}
	var b strings.Builder
	for _, c := range counts {
		i := 0
		if most > 0 {
			i = c * (len(runes) - 1) / most
		}
		b.WriteRune(runes[i])
	}
	return b.String()
}

// writeReportCSV writes one line per group, then the other row and the totals, with a header: the dimensions (a
// dimension of ids of teammates, teams, tags, segments or companies followed by their names, "<dimension> name"),
// count, the metrics (as numbers: seconds, Unix seconds for times), and the records each metric left out.
func writeReportCSV(w io.Writer, res *mcp.AggregateResult, names groupNames) error {
	cw := csv.NewWriter(w)
	head := []string{"row"}
	for i, d := range res.GroupBy {
		head = append(head, d)
		if names.named(i) {
			head = append(head, d+" name")
		}
	}
	head = append(head, "count")
	for _, m := range res.Metrics {
		if m != "count" {
			head = append(head, m, m+" missing")
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	row := func(kind string, keys []string, r mcp.AggregateRow) error {
		rec := []string{kind}
		for i := range res.GroupBy {
			k := ""
			if i < len(keys) {
				k = keys[i]
			}
			rec = append(rec, k)
			if names.named(i) {
				rec = append(rec, keyName(r, i))
			}
		}
		rec = append(rec, strconv.Itoa(r.Count))
		for _, m := range res.Metrics {
			if m == "count" {
				continue
			}
			v := ""
			if x, ok := r.Metrics[m]; ok {
				v = strconv.FormatFloat(x, 'f', -1, 64)
			}
			rec = append(rec, v, strconv.Itoa(r.Missing[m]))
		}
		return cw.Write(rec)
	}
	for _, g := range res.Groups {
		if err := row("group", g.Keys, g); err != nil {
			return err
		}
	}
	if res.Other != nil {
		if err := row("other", nil, *res.Other); err != nil {
			return err
		}
	}
	if err := row("total", nil, res.Totals); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
