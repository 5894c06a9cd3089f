package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// An aggregate counts the records a query matches, grouped by up to two dimensions, and computes metrics over
// numeric and time fields per group. The aggregate tool, `intercom-replica report` and the owner's socket all
// take it as an AggregateSpec (plain strings, as a model or a person writes them) and validate it with
// ParseAggregate, so every front end has the same rules and the same errors.

// Aggregate limits and defaults.
const (
	// MaxDimensions is how many group_by dimensions an aggregate takes.
	MaxDimensions = 2
	// DefaultGroups is the number of groups an aggregate returns when no limit is given; MaxGroups the most.
	DefaultGroups = 20
	MaxGroups     = 1000
	// MaxMetrics is how many metrics an aggregate computes at most (count included).
	MaxMetrics = 8
)

// TimeBucket is how a time dimension groups timestamps: by the calendar unit that holds them, in the time zone of
// the aggregate.
type TimeBucket string

// The time buckets. A week starts on Monday (ISO 8601); a quarter in January, April, July or October.
const (
	BucketHour    TimeBucket = "hour"
	BucketDay     TimeBucket = "day"
	BucketWeek    TimeBucket = "week"
	BucketMonth   TimeBucket = "month"
	BucketQuarter TimeBucket = "quarter"
	BucketYear    TimeBucket = "year"
)

// TimeBuckets lists the time buckets, finest first.
func TimeBuckets() []TimeBucket {
	return []TimeBucket{BucketHour, BucketDay, BucketWeek, BucketMonth, BucketQuarter, BucketYear}
}

// Start returns the start, in Unix seconds, of the bucket holding t (Unix seconds) in loc.
func (b TimeBucket) Start(t int64, loc *time.Location) int64 {
	tm := time.Unix(t, 0).In(loc)
	y, m, d := tm.Date()
	switch b {
	case BucketHour:
		return time.Date(y, m, d, tm.Hour(), 0, 0, 0, loc).Unix()
	case BucketDay:
		return time.Date(y, m, d, 0, 0, 0, 0, loc).Unix()
	case BucketWeek:
		back := (int(tm.Weekday()) + 6) % 7 // days since Monday
		return time.Date(y, m, d-back, 0, 0, 0, 0, loc).Unix()
	case BucketMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc).Unix()
	case BucketQuarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, loc).Unix()
	}
	return time.Date(y, 1, 1, 0, 0, 0, 0, loc).Unix()
}

// Next returns the start of the bucket after the one starting at start (Unix seconds) in loc.
func (b TimeBucket) Next(start int64, loc *time.Location) int64 {
	tm := time.Unix(start, 0).In(loc)
	y, m, d := tm.Date()
	switch b {
	case BucketHour:
		// Hours are added in absolute time: a day with a clock change has 23 or 25 of them.
		return b.Start(start+3600, loc)
	case BucketDay:
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc).Unix()
	case BucketWeek:
		return time.Date(y, m, d+7, 0, 0, 0, 0, loc).Unix()
	case BucketMonth:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, loc).Unix()
	case BucketQuarter:
		return time.Date(y, m+3, 1, 0, 0, 0, 0, loc).Unix()
	}
	return time.Date(y+1, 1, 1, 0, 0, 0, 0, loc).Unix()
}

// Label writes the bucket starting at start as a person reads it: 2025-03-04T09:00 (hour), 2025-03-04 (day),
// 2025-W10 (week), 2025-03 (month), 2025-Q1 (quarter), 2025 (year), in loc.
func (b TimeBucket) Label(start int64, loc *time.Location) string {
	tm := time.Unix(start, 0).In(loc)
	switch b {
	case BucketHour:
		return tm.Format("2006-01-02T15:04")
	case BucketDay:
		return tm.Format("2006-01-02")
	case BucketWeek:
		y, w := tm.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case BucketMonth:
		return tm.Format("2006-01")
	case BucketQuarter:
		return fmt.Sprintf("%d-Q%d", tm.Year(), (int(tm.Month())+2)/3)
	}
	return strconv.Itoa(tm.Year())
}

// Dimension is one group_by: a field whose values name the groups. A time field is bucketed (Bucket), a number
// may be bucketed by Width (a group holds [k·Width, (k+1)·Width)); any other field groups by its exact values,
// and a list field (tag) puts a record in the group of each of its values.
type Dimension struct {
	Field  *Field
	Bucket TimeBucket // time fields only
	Width  float64    // numbers only; 0 groups by exact value
}

// String writes d as group_by takes it: tag, created_at:month, statistics_time_to_admin_reply:3600.
func (d Dimension) String() string {
	name := fieldRef(d.Field)
	switch {
	case d.Bucket != "":
		return name + ":" + string(d.Bucket)
	case d.Width != 0:
		return name + ":" + strconv.FormatFloat(d.Width, 'f', -1, 64)
	}
	return name
}

// fieldRef writes a field's canonical name, a custom attribute's name quoted when it needs it.
func fieldRef(f *Field) string {
	if f.Custom != "" { // custom_attributes.<name>, a ticket's ticket_attributes.<name>
		return strings.TrimSuffix(f.Name, f.Custom) + quoteIfNeeded(f.Custom)
	}
	return f.Name
}

// MetricOp is what a metric computes.
type MetricOp string

// The metric operations. count counts records; the others read a numeric or time field and leave out the records
// lacking it. median, p90 and p99 are exact nearest-rank percentiles: the value at rank ⌈p·n⌉ of the n sorted
// values, so they are always a value some record holds.
const (
	MetricCount  MetricOp = "count"
	MetricSum    MetricOp = "sum"
	MetricAvg    MetricOp = "avg"
	MetricMin    MetricOp = "min"
	MetricMax    MetricOp = "max"
	MetricMedian MetricOp = "median"
	MetricP90    MetricOp = "p90"
	MetricP99    MetricOp = "p99"
)

// MetricOps lists the metric operations in the order the documentation presents them.
func MetricOps() []MetricOp {
	return []MetricOp{MetricCount, MetricSum, MetricAvg, MetricMin, MetricMax, MetricMedian, MetricP90, MetricP99}
}

// Metric is one metric of an aggregate: count, or an operation over a field.
type Metric struct {
	Op    MetricOp
	Field *Field // nil for count
}

// String writes m as metrics takes it: count, median:statistics_time_to_admin_reply.
func (m Metric) String() string {
	if m.Field == nil {
		return string(m.Op)
	}
	return string(m.Op) + ":" + fieldRef(m.Field)
}

// IsTime reports whether the metric's values are timestamps (min:created_at), to be shown as times.
func (m Metric) IsTime() bool {
	return m.Field != nil && m.Field.Type == TypeTimestamp && m.Op != MetricSum
}

// AggregateSpec is an aggregate as written: the arguments of the aggregate tool and the flags of report.
type AggregateSpec struct {
	Query         string   `json:"query"`                    // the filter, in the search DSL (object_type required)
	GroupBy       []string `json:"group_by,omitempty"`       // up to two dimensions
	Metrics       []string `json:"metrics,omitempty"`        // default: count
	OrderBy       string   `json:"order_by,omitempty"`       // count (default) or one of Metrics
	Limit         int      `json:"limit,omitempty"`          // groups per page, default DefaultGroups
	StartingAfter string   `json:"starting_after,omitempty"` // cursor of the next groups
	TimeZone      string   `json:"time_zone,omitempty"`      // IANA name for time buckets; "" is UTC
}

// Aggregate is a validated aggregate (from ParseAggregate).
type Aggregate struct {
	Query         Query // the filter; its Limit and StartingAfter are unused
	GroupBy       []Dimension
	Metrics       []Metric // never empty; count first when it was asked for or defaulted
	OrderBy       Metric   // what non-time groups are ordered by, descending
	Limit         int
	StartingAfter string
	TimeZone      string         // as given ("" for UTC)
	Location      *time.Location // TimeZone loaded; UTC for ""
}

// Spec returns the aggregate in canonical form, which ParseAggregate reads back to the same aggregate.
func (a Aggregate) Spec() AggregateSpec {
	q := a.Query
	q.Limit, q.StartingAfter, q.Note = DefaultLimit, "", ""
	s := AggregateSpec{Query: q.String(), OrderBy: a.OrderBy.String(), Limit: a.Limit, StartingAfter: a.StartingAfter,
		TimeZone: a.TimeZone}
	for _, d := range a.GroupBy {
		s.GroupBy = append(s.GroupBy, d.String())
	}
	for _, m := range a.Metrics {
		s.Metrics = append(s.Metrics, m.String())
	}
	return s
}

// HasTime reports whether the aggregate has a time dimension.
func (a Aggregate) HasTime() bool {
	for _, d := range a.GroupBy {
		if d.Bucket != "" {
			return true
		}
	}
	return false
}

// argError is an aggregate argument's mistake: an *Error without a position whose Token is the argument.
func argError(arg, format string, args ...any) *Error {
	return &Error{Pos: -1, Token: arg, Msg: arg + ": " + fmt.Sprintf(format, args...)}
}

// ParseAggregate validates spec: the query as Parse does (with the same errors), then each dimension and metric
// against the catalog of the query's object type. Every error is an *Error saying what was wrong and what would
// be right, with the closest valid names for a misspelled field, bucket or operation.
func ParseAggregate(spec AggregateSpec, opts Options) (Aggregate, error) {
	q, err := Parse(spec.Query, opts)
	if err != nil {
		return Aggregate{}, err
	}
	if q.StartingAfter != "" || q.Limit != DefaultLimit {
		return Aggregate{}, argError("query", "limit: and starting_after: page search results; an aggregate pages its groups with the limit and starting_after arguments instead: remove them from the query")
	}
	a := Aggregate{Query: q, Limit: spec.Limit, StartingAfter: spec.StartingAfter, TimeZone: spec.TimeZone,
		Location: time.UTC}
	switch {
	case a.Limit == 0:
		a.Limit = DefaultGroups
	case a.Limit < 1 || a.Limit > MaxGroups:
		return Aggregate{}, argError("limit", "%d is outside 1 to %d groups per page", a.Limit, MaxGroups)
	}
	if spec.TimeZone != "" {
		loc, err := time.LoadLocation(spec.TimeZone)
		if err != nil {
			return Aggregate{}, argError("time_zone", "%q is not a time zone this system knows; use an IANA name such as Europe/Paris, or UTC", clip(spec.TimeZone))
		}
		a.Location = loc
	}
	cat := CatalogFor(q.Kind)
	if len(spec.GroupBy) > MaxDimensions {
		return Aggregate{}, argError("group_by", "%d dimensions given; an aggregate groups by at most %d (for example [\"tag\", \"created_at:month\"])", len(spec.GroupBy), MaxDimensions)
	}
	for i, g := range spec.GroupBy {
		d, err := parseDimension(cat, fmt.Sprintf("group_by[%d]", i), g)
		if err != nil {
			return Aggregate{}, err
		}
		for _, have := range a.GroupBy {
			if have.Field.Name == d.Field.Name {
				return Aggregate{}, argError(fmt.Sprintf("group_by[%d]", i), "%s is given twice; group by two different fields", d.Field.Name)
			}
		}
		a.GroupBy = append(a.GroupBy, d)
	}
	metrics := spec.Metrics
	if len(metrics) == 0 {
		metrics = []string{string(MetricCount)}
	}
	if len(metrics) > MaxMetrics {
		return Aggregate{}, argError("metrics", "%d metrics given; at most %d", len(metrics), MaxMetrics)
	}
	seen := map[string]bool{}
	for i, s := range metrics {
		m, err := parseMetric(cat, fmt.Sprintf("metrics[%d]", i), s)
		if err != nil {
			return Aggregate{}, err
		}
		if seen[m.String()] {
			continue
		}
		seen[m.String()] = true
		a.Metrics = append(a.Metrics, m)
	}
	a.OrderBy = Metric{Op: MetricCount}
	if spec.OrderBy != "" {
		m, err := parseMetric(cat, "order_by", spec.OrderBy)
		if err != nil {
			return Aggregate{}, err
		}
		if !seen[m.String()] && m.Op != MetricCount {
			names := make([]string, 0, len(a.Metrics))
			for _, have := range a.Metrics {
				names = append(names, have.String())
			}
			return Aggregate{}, argError("order_by", "%s is not one of the metrics asked for (%s); add it to metrics, or order by count", m, strings.Join(names, ", "))
		}
		a.OrderBy = m
	}
	return a, nil
}

// splitSuffix splits "field:suffix" at its last colon outside double quotes; suffix is "" without one.
func splitSuffix(s string) (string, string) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 || strings.Count(s[:i], `"`)%2 == 1 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// lookupArg finds a field named in an aggregate argument, with the DSL's did-you-mean when there is none.
func lookupArg(cat *Catalog, arg, name string) (*Field, *Error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, argError(arg, "no field given; write a field name such as state, tag or created_at:month")
	}
	f, ok := cat.Lookup(name)
	if !ok {
		if custom, isCustom := customAttributeName(name); isCustom && custom == "" {
			return nil, argError(arg, "missing custom attribute name; write custom_attributes.<name>, e.g. ca.tier")
		}
		sugg := suggest(cat, name)
		kept := sugg[:0]
		for _, s := range sugg {
			if !isSpecial(s) {
				kept = append(kept, s)
			}
		}
		e := argError(arg, "unknown field %q for %s%s", clip(name), cat.Kind().Plural(), didYouMean(kept))
		e.Suggestions = kept
		return nil, e
	}
	if f.Via != "" {
		// help_center finds articles through their collections: grouped by, it would group by collection.
		return nil, argError(arg, "%s cannot be grouped by: %s hold their %s, not their %s; group by %s (each is in one %s)",
			f.Name, cat.Kind().Plural(), f.Via.Plural(), f.NameOf.Noun(), f.Via, f.NameOf.Noun())
	}
	if f.NameOf != "" {
		// A field of names groups by the ids they stand for; the front end shows each id's name.
		if t, ok := cat.Lookup(f.Target); ok {
			f = t
		}
	}
	if f.Index == "" && f.Custom == "" {
		return nil, argError(arg, "%s is not held by the replica (Intercom live search only); group by another field", f.Name)
	}
	return f, nil
}

// stringsOf converts a list of named string values (buckets, metric operations) to strings.
func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func bucketNames() []string { return stringsOf(TimeBuckets()) }

// parseDimension reads one group_by: a field, a time field with its bucket, or a number with its width.
func parseDimension(cat *Catalog, arg, s string) (Dimension, *Error) {
	name, suffix := splitSuffix(strings.TrimSpace(s))
	f, err := lookupArg(cat, arg, name)
	if err != nil && suffix != "" {
		// A custom attribute or field whose name holds a colon: try the whole text.
		if f2, err2 := lookupArg(cat, arg, s); err2 == nil {
			f, err, suffix = f2, nil, ""
		}
	}
	if err != nil {
		return Dimension{}, err
	}
	d := Dimension{Field: f}
	buckets := strings.Join(bucketNames(), ", ")
	switch f.Type {
	case TypeText:
		return Dimension{}, argError(arg, "%s is text (words, not values to group by); group by a keyword field such as state or tag, and filter words with q: or %s:contains:<word> in the query", f.Name, f.Name)
	case TypeTimestamp:
		if suffix == "" {
			return Dimension{}, argError(arg, "%s is a time: give the bucket to group it by, one of %s (e.g. %s:month)", f.Name, buckets, f.Name)
		}
		b := TimeBucket(strings.ToLower(suffix))
		for _, ok := range TimeBuckets() {
			if b == ok {
				d.Bucket = b
				return d, nil
			}
		}
		return Dimension{}, argError(arg, "%q is not a time bucket; use one of %s%s", clip(suffix), buckets, didYouMean(nearest(suffix, bucketNames(), 2)))
	case TypeInt, TypeFloat:
		if suffix == "" {
			return d, nil
		}
		if k := NamedKindOf(cat.Kind(), f); k != "" {
			// Ids are numbers only in form: a range of them mixes unrelated records under one name.
			return Dimension{}, argError(arg, "%s holds %s ids, which group by their values; remove %q", strings.TrimSpace(name), k.Noun(), ":"+clip(suffix))
		}
		w, ok := parseWidth(f, suffix)
		if !ok {
			want := "a positive number"
			switch {
			case f.Unit == "seconds":
				want += " (seconds, or 30m, 4h, 1d)"
			case f.Type == TypeInt:
				want = "a positive whole number"
			}
			return Dimension{}, argError(arg, "%q is not a bucket width for %s; give %s, e.g. %s:%s", clip(suffix), f.Name, want, f.Name, exampleWidth(f))
		}
		d.Width = w
		return d, nil
	}
	if suffix != "" {
		return Dimension{}, argError(arg, "%s is %s and groups by its values; remove %q (buckets apply to time fields: %s; widths to numbers)", f.Name, typeLabel(f), ":"+clip(suffix), buckets)
	}
	return d, nil
}

func exampleWidth(f *Field) string {
	if f.Unit == "seconds" {
		return "3600"
	}
	return "10"
}

// parseWidth reads a bucket width: a positive number, or for durations 30m, 4h, 1d.
func parseWidth(f *Field, s string) (float64, bool) {
	if f.Unit == "seconds" {
		if n, ok := relativeSeconds(s); ok && n > 0 {
			return float64(n), true
		}
	}
	w, err := strconv.ParseFloat(s, 64)
	if err != nil || w <= 0 || math.IsInf(w, 0) || math.IsNaN(w) || (f.Type == TypeInt && w != math.Trunc(w)) {
		return 0, false
	}
	return w, true
}

func metricNames() []string { return stringsOf(MetricOps()) }

// parseMetric reads one metric: count, or op:field with a numeric or time field.
func parseMetric(cat *Catalog, arg, s string) (Metric, *Error) {
	s = strings.TrimSpace(s)
	opText, name, hasField := strings.Cut(s, ":")
	op := MetricOp(strings.ToLower(opText))
	known := false
	for _, m := range MetricOps() {
		known = known || m == op
	}
	if !known {
		if _, ok := cat.Lookup(opText); ok && !hasField {
			return Metric{}, argError(arg, "%q is a field, not a metric; write an operation and the field, e.g. median:%s (operations: %s)", clip(s), clip(opText), strings.Join(metricNames(), ", "))
		}
		return Metric{}, argError(arg, "%q is not a metric; write count, or one of %s with a field, e.g. median:statistics_time_to_admin_reply%s", clip(opText), strings.Join(metricNames()[1:], ", "), didYouMean(nearest(opText, metricNames(), 2)))
	}
	if op == MetricCount {
		if hasField {
			return Metric{}, argError(arg, "count counts records and takes no field; to count records having %s, add %s:exists to the query", clip(name), clip(name))
		}
		return Metric{Op: op}, nil
	}
	if !hasField {
		return Metric{}, argError(arg, "%s needs a field, e.g. %s:statistics_time_to_admin_reply", op, op)
	}
	f, err := lookupArg(cat, arg, name)
	if err != nil {
		return Metric{}, err
	}
	switch f.Type {
	case TypeInt, TypeFloat, TypeTimestamp, TypeAny:
		return Metric{Op: op, Field: f}, nil
	}
	return Metric{}, argError(arg, "%s is %s; %s needs a number or a time (for example statistics_time_to_admin_reply, parts_count, conversation_rating_score, created_at); to count by %s, put it in group_by", f.Name, typeLabel(f), op, f.Name)
}

// GroupableFields returns the fields of cat an aggregate can group by, in documentation order, each written as
// group_by takes it (time fields with a bucket placeholder): for tool descriptions generated from the catalog.
func GroupableFields(cat *Catalog) (values, times, numbers []string) {
	for _, f := range cat.Fields() {
		if f.Index == "" {
			continue
		}
		switch f.Type {
		case TypeKeyword, TypeBool:
			values = append(values, f.Name)
		case TypeTimestamp:
			times = append(times, f.Name)
		case TypeInt, TypeFloat:
			numbers = append(numbers, f.Name)
		}
	}
	return values, times, numbers
}

// GroupTerms returns the DSL terms selecting the records of the group whose key in d is v, to add to the
// aggregate's query for searching them: v is nil for the records lacking the field, a string, a float64 or a
// bool for a value, or for a time dimension the bucket's start in Unix seconds (int64).
func (d Dimension) GroupTerms(v any, loc *time.Location) string {
	name := fieldRef(d.Field)
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	switch x := v.(type) {
	case nil:
		return name + ":not_exists"
	case int64:
		if d.Bucket != "" {
			return name + ":gte:" + formatTimestamp(x) + " " + name + ":lt:" + formatTimestamp(d.Bucket.Next(x, loc))
		}
		return d.GroupTerms(float64(x), loc)
	case float64:
		if d.Width > 0 {
			return name + ":gte:" + num(x) + " " + name + ":lt:" + num(x+d.Width)
		}
		return name + ":" + num(x)
	case bool:
		return name + ":" + strconv.FormatBool(x)
	case string:
		return name + ":" + formatValue(x, false)
	}
	return ""
}
