package mcp

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// AggregateArgs are the arguments of the aggregate tool.
type AggregateArgs struct {
	Query         string   `json:"query"`
	GroupBy       []string `json:"group_by,omitempty"`
	Metrics       []string `json:"metrics,omitempty"`
	OrderBy       string   `json:"order_by,omitempty"`
	Limit         int      `json:"limit,omitempty"`
	StartingAfter string   `json:"starting_after,omitempty"`
	Chart         bool     `json:"chart,omitempty"`
}

func (a *AggregateArgs) validate() error {
	if strings.TrimSpace(a.Query) == "" {
		return &PublicError{Msg: "Invalid arguments: query is empty; write for example object_type:conversations created_at:gte:30d"}
	}
	return nil
}

// AggregateResult is the structured result of the aggregate tool.
type AggregateResult struct {
	ObjectType string         `json:"object_type"`
	Query      string         `json:"query"` // the filter as understood, in canonical form
	GroupBy    []string       `json:"group_by"`
	Metrics    []string       `json:"metrics"`
	OrderBy    string         `json:"order_by"`
	TimeZone   string         `json:"time_zone"` // the zone of time buckets
	Matched    int            `json:"matched"`   // records the query matches
	Totals     AggregateRow   `json:"totals"`    // over every matched record, each once
	Groups     []AggregateRow `json:"groups"`
	GroupCount int            `json:"group_count"` // every group, empty time buckets included
	Offset     int            `json:"offset"`      // groups before this page
	Other      *AggregateRow  `json:"other,omitempty"`
	Next       *NextPage      `json:"next,omitempty"`
	Note       string         `json:"_note,omitempty"`
	Freshness  Freshness      `json:"freshness"`

	replicaNote string // the replica's part of Note, which may quote customer-written values
}

// ReplicaNote returns what the replica read differently from the aggregate's filter (a name taken for another, a
// value no record holds), the last sentences of Note; "" when nothing. A front end that words Note's other
// sentences its own way (the next page) shows this one as it is.
func (r *AggregateResult) ReplicaNote() string { return r.replicaNote }

// AggregateRow is one group, the other groups combined, or the totals.
type AggregateRow struct {
	Keys []string `json:"keys,omitempty"` // one per group_by; "(none)" for records lacking the field
	// KeyNames name the keys that are ids of teammates, teams, tags, segments or companies (group_by
	// admin_assignee_id or tag_id): one per key, "" where the key is not such an id or the replica cannot name it.
	// Set only when some key is named.
	KeyNames []string `json:"key_names,omitempty"`
	Count    int      `json:"count"`
	Groups   int      `json:"groups,omitempty"` // the other row: how many groups it combines
	// Metrics holds each metric's value by its name (median:statistics_time_to_admin_reply); a metric none of the
	// row's records has a value for is left out.
	Metrics map[string]float64 `json:"metrics"`
	// Missing counts, per metric, the records left out because they lack its field (only metrics with some).
	Missing map[string]int `json:"missing,omitempty"`
	// Search is the query selecting the group's records, for the search tool.
	Search string `json:"search,omitempty"`
}

// AggregateTool is the aggregate tool: counts and metrics over every record a query matches, grouped.
func AggregateTool(s Aggregator, status StatusSource, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[AggregateResult]("aggregate", "Count and measure conversations, contacts, companies, articles or tickets", aggregateDescription(), map[string]any{
		"properties": map[string]any{
			"query":          stringProp("The filter, in the search tool's query language: object_type is required, every field, operator and q: free text works (limit and starting_after do not: see below). E.g. object_type:conversations created_at:gte:90d tag:refund"),
			"group_by":       map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": fmt.Sprintf("Up to %d dimensions: a field (state, tag, admin_assignee_id, ca.<name>), a time field with a bucket (created_at:week), or a number with a width (statistics_time_to_admin_reply:1h). None gives the totals only.", query.MaxDimensions)},
			"metrics":        map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "count (the default), or sum, avg, min, max, median, p90, p99 of a number or time field: median:statistics_time_to_admin_reply."},
			"order_by":       stringProp("count (the default) or one of the metrics: non-time groups are ordered by it, largest first. Time buckets always run chronologically."),
			"limit":          intProp(fmt.Sprintf("Groups per page (default %d); the groups after the page are combined in one other row.", query.DefaultGroups), 1, query.MaxGroups),
			"starting_after": stringProp("Cursor of the next groups, from the previous result's next.starting_after."),
			"chart":          map[string]any{"type": "boolean", "description": "Also return the page's groups as a chart (a PNG image): a line per series over time buckets, bars otherwise. Needs group_by."},
		},
		"required": []string{"query"},
	}, false)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args AggregateArgs) (*mcpgo.CallToolResult, error) {
		spec := query.AggregateSpec{Query: args.Query, GroupBy: args.GroupBy, Metrics: args.Metrics, OrderBy: args.OrderBy,
			Limit: args.Limit, StartingAfter: args.StartingAfter}
		out, text, err := RunAggregate(ctx, s, status, spec, o)
		if err != nil {
			return nil, err
		}
		res := newResult(text, out)
		if args.Chart {
			a, err := query.ParseAggregate(query.AggregateSpec{Query: out.Query, GroupBy: out.GroupBy, Metrics: out.Metrics, OrderBy: out.OrderBy, TimeZone: zoneOf(out)}, query.Options{Now: o.Now})
			if err != nil {
				return nil, fmt.Errorf("aggregate: read back the result's own aggregate: %w", err)
			}
			png, err := AggregateChart(a, out, "png")
			if err != nil {
				return nil, &PublicError{Msg: "No chart: " + err.Error()}
			}
			res.Content = append(res.Content, mcpgo.NewImageContent(base64.StdEncoding.EncodeToString(png), "image/png"))
		}
		return res, nil
	})}
}

// RunAggregate validates spec, answers it with s and shapes the result: the structured form and the text a model
// reads. Time buckets are in the workspace's time zone, which status reports (spec.TimeZone is replaced), and the
// result's freshness is the replica's. A mistake in spec is a *PublicError (the DSL's own errors with a caret under
// the query). The aggregate tool and `intercom-replica report` both run aggregates through it.
func RunAggregate(ctx context.Context, s Aggregator, status StatusSource, spec query.AggregateSpec, o ToolOptions) (*AggregateResult, string, error) {
	o = o.withDefaults()
	info := replicaInfo(ctx, status, o)
	spec.TimeZone = info.timezone
	var zoneNote string
	if _, err := time.LoadLocation(spec.TimeZone); err != nil {
		zoneNote = fmt.Sprintf("Time buckets are in UTC: this system does not know the workspace's time zone %q.", spec.TimeZone)
		spec.TimeZone = ""
	}
	a, err := query.ParseAggregate(spec, query.Options{Now: o.Now})
	if err != nil {
		return nil, "", aggregateError(err, spec.Query)
	}
	res, err := s.Aggregate(ctx, a)
	if err != nil {
		var qerr *query.Error
		if errors.As(err, &qerr) {
			return nil, "", aggregateError(err, spec.Query)
		}
		return nil, "", fmt.Errorf("aggregate %s: %w", a.Query.Kind.Plural(), err)
	}
	out := aggregateResult(a, res, info.freshness(), namesOf(ctx, s))
	if zoneNote != "" && a.HasTime() {
		out.Note = strings.Replace(out.Note, "Time buckets are in UTC: the workspace's time zone is not known yet (the first sync records it).", zoneNote, 1)
	}
	return out, out.text(a), nil
}

// aggregateError shows a query's mistake under the query, an argument's as its sentence.
func aggregateError(err error, dsl string) error {
	var qerr *query.Error
	if errors.As(err, &qerr) {
		if qerr.Pos >= 0 {
			return &dslError{err: qerr, dsl: dsl}
		}
		return &PublicError{Msg: "Invalid arguments: " + qerr.Msg}
	}
	return err
}

// aggregateResult shapes the replica's answer.
// Group keys that are ids are named from names.
func aggregateResult(a query.Aggregate, res index.AggregateResult, fresh Freshness, names NameLookup) *AggregateResult {
	out := &AggregateResult{
		ObjectType: a.Query.Kind.Plural(), Query: res.Spec.Query, GroupBy: nonNil(res.Spec.GroupBy),
		Metrics: res.Spec.Metrics, OrderBy: res.Spec.OrderBy, TimeZone: res.TimeZone, Matched: res.Matched,
		GroupCount: res.GroupCount, Offset: res.Offset, Groups: make([]AggregateRow, 0, len(res.Groups)), Freshness: fresh,
	}
	out.Totals = aggregateRow(a, res.Totals, "")
	for _, g := range res.Groups {
		row := aggregateRow(a, g, res.Spec.Query)
		row.KeyNames = keyNames(a, row.Keys, names)
		out.Groups = append(out.Groups, row)
	}
	if res.Other != nil {
		other := aggregateRow(a, *res.Other, "")
		other.Groups = res.GroupCount - res.Offset - len(res.Groups)
		out.Other = &other
	}
	if res.Next != "" {
		out.Next = &NextPage{StartingAfter: res.Next}
		out.Note = "More groups available. To get them, call again with the same arguments and starting_after: \"" + res.Next + "\""
	}
	if a.TimeZone == "" && a.HasTime() {
		out.Note = strings.TrimSpace("Time buckets are in UTC: the workspace's time zone is not known yet (the first sync records it). " + out.Note)
	}
	if res.Note != "" { // what the replica read differently from the filter (a name, a value no record holds)
		out.Note, out.replicaNote = strings.TrimSpace(out.Note+" "+res.Note), res.Note
	}
	return out
}

// zoneOf is the time zone to read a result's aggregate back in: "" for UTC.
func zoneOf(r *AggregateResult) string {
	if r.TimeZone == "UTC" {
		return ""
	}
	return r.TimeZone
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func aggregateRow(a query.Aggregate, r index.AggRow, dsl string) AggregateRow {
	row := AggregateRow{Count: r.Count, Metrics: map[string]float64{}}
	for _, k := range r.Keys {
		row.Keys = append(row.Keys, sanitizeLine(k.Label))
	}
	for i, m := range a.Metrics {
		if i < len(r.Values) && r.Values[i] != nil {
			row.Metrics[m.String()] = *r.Values[i]
		}
		if i < len(r.Missing) && r.Missing[i] > 0 {
			if row.Missing == nil {
				row.Missing = map[string]int{}
			}
			row.Missing[m.String()] = r.Missing[i]
		}
	}
	if dsl != "" && r.Terms != "" {
		row.Search = dsl + " " + r.Terms
	}
	return row
}

// keyNames names the keys of a group whose dimension is an id field that names take (admin_assignee_id,
// team_assignee_id, tag_id, company_id, owner_id ...): nil when none is named.
func keyNames(a query.Aggregate, keys []string, names NameLookup) []string {
	if names == nil {
		return nil
	}
	var out []string
	for i, k := range keys {
		if i >= len(a.GroupBy) || k == "(none)" {
			continue
		}
		kind := query.NamedKindOf(a.Query.Kind, a.GroupBy[i].Field)
		if kind == "" {
			continue
		}
		n := nameOf(names, kind, k)
		if k == "0" && (kind == query.KindAdmin || kind == query.KindTeam) {
			n = "unassigned" // Intercom's id of no assignee
		}
		if n != "" {
			if out == nil {
				out = make([]string, len(keys))
			}
			out[i] = n
		}
	}
	return out
}

// quotesKeys reports whether a dimension's keys are customer-written (tag names, custom attribute values, names),
// to be marked as data: anything but a closed set, a time, a number or a boolean.
func quotesKeys(d query.Dimension) bool {
	switch d.Field.Type {
	case query.TypeKeyword:
		return len(d.Field.Enum) == 0
	case query.TypeAny:
		return true
	}
	return false
}

// FormatMetric writes a metric's value as a person reads it: a count with thousands separators, a duration as
// 1h 5m, a time as a date and time in loc, other numbers with at most two decimals.
func FormatMetric(m query.Metric, v float64, loc *time.Location) string {
	switch {
	case m.Field == nil:
		return formatCount(int(v))
	case m.IsTime():
		return time.Unix(int64(v), 0).In(loc).Format("2006-01-02 15:04")
	case m.Field.Unit == "seconds" && m.Op != query.MetricSum:
		return humanDuration(int64(v + 0.5))
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// text renders the result as a compact table for the model.
func (r *AggregateResult) text(a query.Aggregate) string {
	if len(a.GroupBy) == 0 {
		return r.totalsText(a)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", matchLine(a.Query.Kind, r.Matched), r.Query)
	fmt.Fprintf(&b, "; grouped by %s", strings.Join(r.GroupBy, " × "))
	if a.HasTime() {
		fmt.Fprintf(&b, " (time zone %s)", r.TimeZone)
	}
	if len(r.Groups) == 0 {
		fmt.Fprintf(&b, ": %s, none on this page", countNoun(r.GroupCount, "group", "groups"))
	} else {
		fmt.Fprintf(&b, ": %s, showing %d–%d", countNoun(r.GroupCount, "group", "groups"), r.Offset+1, r.Offset+len(r.Groups))
	}
	b.WriteString(".\n")
	writeField(&b, "Freshness", r.Freshness.line())
	quoted := false
	for _, d := range a.GroupBy {
		quoted = quoted || quotesKeys(d)
	}
	if quoted && len(r.Groups) > 0 {
		b.WriteString("\n" + dataNotice + "\n")
	}
	b.WriteByte('\n')
	loc := a.Location
	header := append(append([]string{}, r.GroupBy...), r.Metrics...)
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString(strings.Repeat("| --- ", len(header)) + "|\n")
	cells := func(label []string, row AggregateRow) {
		out := append([]string{}, label...)
		for _, m := range a.Metrics {
			if v, ok := row.Metrics[m.String()]; ok {
				out = append(out, FormatMetric(m, v, loc))
			} else {
				out = append(out, "—")
			}
		}
		b.WriteString("| " + strings.Join(out, " | ") + " |\n")
	}
	for _, g := range r.Groups {
		label := make([]string, len(g.Keys))
		for i, k := range g.Keys {
			label[i] = k
			switch {
			case i < len(g.KeyNames) && g.KeyNames[i] != "":
				label[i] = namedID(g.KeyNames[i], k)
			case k != "(none)" && quotesKeys(a.GroupBy[i]):
				label[i] = strconv.Quote(k)
			}
		}
		cells(label, g)
	}
	blank := func(first string) []string {
		l := make([]string, len(r.GroupBy))
		if len(l) > 0 {
			l[0] = first
		}
		return l
	}
	if r.Other != nil {
		cells(blank(fmt.Sprintf("other (%s)", countNoun(r.Other.Groups, "group", "groups"))), *r.Other)
	}
	cells(blank("total"), r.Totals)
	var left []string
	for _, m := range a.Metrics {
		if n := r.Totals.Missing[m.String()]; n > 0 {
			left = append(left, fmt.Sprintf("%s leaves out %s lacking %s", m, countNoun(n, string(a.Query.Kind), a.Query.Kind.Plural()), m.Field.Name))
		}
	}
	if len(left) > 0 {
		b.WriteString("\nRecords lacking a metric's field are left out of it: " + strings.Join(left, "; ") + ".\n")
	}
	b.WriteString("\n" + aggregateHint(a) + "\n")
	writeNote(&b, r.Note, quoted && len(r.Groups) > 0 || r.replicaNote == "")
	return strings.TrimRight(b.String(), "\n")
}

// matchLine starts an aggregate's text: "1,234 conversations match", "1 contact matches".
func matchLine(kind query.Kind, n int) string {
	if n == 1 {
		return "1 " + string(kind) + " matches"
	}
	return formatCount(n) + " " + kind.Plural() + " match"
}

// totalsText renders an aggregate without groups: one line per metric.
func (r *AggregateResult) totalsText(a query.Aggregate) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s.\n", matchLine(a.Query.Kind, r.Matched), r.Query)
	writeField(&b, "Freshness", r.Freshness.line())
	b.WriteByte('\n')
	for _, m := range a.Metrics {
		v, ok := r.Totals.Metrics[m.String()]
		val := "— (no record has the field)"
		if ok {
			val = FormatMetric(m, v, a.Location)
		}
		line := m.String() + ": " + val
		if n := r.Totals.Missing[m.String()]; n > 0 {
			line += fmt.Sprintf(" (leaves out %s lacking %s)", countNoun(n, string(a.Query.Kind), a.Query.Kind.Plural()), m.Field.Name)
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n" + aggregateHint(a) + "\n")
	writeNote(&b, r.Note, r.replicaNote == "")
	return strings.TrimRight(b.String(), "\n")
}

// aggregateHint is the one-line reading hint under the table.
func aggregateHint(a query.Aggregate) string {
	var parts []string
	for _, d := range a.GroupBy {
		if d.Field.Multi {
			parts = append(parts, fmt.Sprintf("a record with several %s values counts once in each of their groups, so group counts can add up to more than the total", d.Field.Name))
		}
	}
	if len(a.GroupBy) > 0 {
		parts = append(parts, "each group's search (structured result) is the query for its records, for the search tool")
	}
	for _, m := range a.Metrics {
		if m.Op == query.MetricMedian || m.Op == query.MetricP90 || m.Op == query.MetricP99 {
			parts = append(parts, "percentiles are exact (nearest rank: a value some record has)")
			break
		}
	}
	if len(parts) == 0 {
		return "Reading: the counts are exact, over every record the query matches."
	}
	return "Reading: the counts are exact; " + strings.Join(parts, "; ") + "."
}

// aggregateDescription teaches the tool from the catalog, so it lists exactly what ParseAggregate accepts.
func aggregateDescription() string {
	var b strings.Builder
	b.WriteString(`Count and measure every conversation, contact, company, article or ticket a query matches, grouped: exact numbers in milliseconds from the local replica, instead of paging through search and counting. Use it for "how many", "per week", "by team", "median time to reply", "top tags". Groups keyed by a teammate, team, tag, company or collection id show its name.

query is the search tool's query language (object_type required; any field, operator and q: free text). group_by takes up to 2 dimensions; metrics default to count. Groups come ordered by count (or order_by, a metric), largest first; time buckets run chronologically with empty ones at 0, in the workspace's time zone. Records lacking a dimension's field form its (none) group; a record with several tags counts in each tag's group. The top limit groups (default 20) are followed by an other row (the rest combined) and the exact totals; pass next.starting_after for more groups. Each group carries search, the query selecting its records.

Example: {"query": "object_type:conversations created_at:gte:90d", "group_by": ["tag", "created_at:month"], "metrics": ["count", "median:statistics_time_to_admin_reply"]}

Time buckets: `)
	var buckets []string
	for _, t := range query.TimeBuckets() {
		buckets = append(buckets, string(t))
	}
	b.WriteString(strings.Join(buckets, ", ") + " (weeks start on Monday).\nMetrics: count, or ")
	var ops []string
	for _, m := range query.MetricOps()[1:] {
		ops = append(ops, string(m))
	}
	b.WriteString(strings.Join(ops, ", ") + " with a number or time field (op:field); median, p90 and p99 are exact nearest-rank percentiles.\n")
	for _, kind := range query.Kinds() {
		values, times, numbers := query.GroupableFields(query.CatalogFor(kind))
		if attrs := customAttributesOf(kind); attrs != "" {
			values, numbers = append(values, "ca.<name>"), append(numbers, "ca.<name> holding numbers")
		}
		fmt.Fprintf(&b, "\n%s (object_type:%s):\n  group by value: %s\n  group by time bucket (field:bucket), or measure: %s\n  numbers (measure, or group by value or field:width): %s\n",
			strings.ToUpper(kind.Plural()[:1])+kind.Plural()[1:], kind.Plural(), strings.Join(values, ", "), strings.Join(times, ", "),
			strings.Join(numbers, ", "))
	}
	return strings.TrimRight(b.String(), "\n")
}
