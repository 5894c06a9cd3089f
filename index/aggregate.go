package index

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/query"
)

// AggregateResult is the answer to an aggregate: exact counts and metrics over every record the filter matches,
// grouped as asked, one page of groups at a time.
type AggregateResult struct {
	Kind     query.Kind          `json:"kind"`
	Spec     query.AggregateSpec `json:"spec"`      // the aggregate as understood, in canonical form
	TimeZone string              `json:"time_zone"` // the zone time buckets are in ("UTC" when none was given)
	// Matched is the number of records the filter matches; Totals holds the metrics over them (each record
	// once, whatever its tags).
	Matched int    `json:"matched"`
	Totals  AggRow `json:"totals"`
	// Groups is this page of groups, in order; Groups counts every group of the aggregate (empty time buckets
	// included), Offset is where this page starts among them.
	Groups     []AggRow `json:"groups"`
	GroupCount int      `json:"group_count"`
	Offset     int      `json:"offset"`
	// Other combines the groups after this page; nil when there are none.
	Other *AggRow `json:"other,omitempty"`
	// Next is the cursor of the next page of groups; "" on the last.
	Next string `json:"next,omitempty"`
	// Note says what the replica read differently from what the filter wrote, as Result.Note does for a search.
	Note string `json:"note,omitempty"`
}

// AggRow is one group (or the totals, or the other groups combined): its keys, one per dimension, its count and
// its metrics, in the order of the aggregate's metrics. A record with several values in a list dimension (tags)
// is in the group of each.
type AggRow struct {
	Keys  []AggKey `json:"keys,omitempty"`
	Count int      `json:"count"`
	// Values holds each metric's value (count as the count); nil when no record of the row has the metric's field.
	Values []*float64 `json:"values"`
	// Missing counts, per metric, the records of the row left out because they lack the field (0 for count).
	Missing []int `json:"missing"`
	// Terms are the DSL terms selecting the group's records, to add to the query to search them.
	Terms string `json:"terms,omitempty"`
}

// AggKey is a group's key in one dimension. Value is the value (a keyword as Intercom spelled it: keywords are
// compared case-insensitively, so spellings differing only in case are one group, shown as the replica first met
// it; a number; a boolean), the start of a time bucket in Unix seconds, or nil for the records lacking the field.
type AggKey struct {
	Label string `json:"label"`
	Value any    `json:"value"`
}

// noneLabel names the group of records lacking a dimension's field.
const noneLabel = "(none)"

// maxFilledBuckets bounds the groups an aggregate makes by filling empty time buckets.
const maxFilledBuckets = 100000

// Aggregate answers a validated aggregate (from query.ParseAggregate) from the column table: the filter (free
// text included, through the same text engine as Search), then exact counts and metrics per group. Groups are
// ordered by the aggregate's order metric, descending, except time buckets, which run chronologically with the
// empty ones filled in; the records lacking a dimension's field form its last group.
func (r *Replica) Aggregate(ctx context.Context, a query.Aggregate) (AggregateResult, error) {
	done, err := r.enter()
	if err != nil {
		return AggregateResult{}, err
	}
	defer done()
	ks, err := r.kindState(a.Query.Kind)
	if err != nil {
		return AggregateResult{}, err
	}
	if err := r.tableFault(ks); err != nil {
		return AggregateResult{}, fmt.Errorf("aggregate: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return AggregateResult{}, err
	}
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	spec := a.Spec()
	offset, err := decodeAggCursor(a.StartingAfter, spec)
	if err != nil {
		return AggregateResult{}, fmt.Errorf("aggregate: %w", err)
	}
	if a.Query, err = query.ResolveNames(a.Query, r.Names()); err != nil {
		return AggregateResult{}, err
	}
	text, err := ks.schema.checkQuery(a.Query)
	if err != nil {
		return AggregateResult{}, err
	}
	note := joinNotes(a.Query.Note, absentValuesNote(r, ks, a.Query), absentAggregateAttributesNote(r, ks, a))
	select {
	case r.searches <- struct{}{}:
		defer func() { <-r.searches }()
	case <-ctx.Done():
		return AggregateResult{}, ctx.Err()
	}
	filter, err := r.aggFilter(ctx, ks, a.Query, text)
	if err != nil {
		return AggregateResult{}, fmt.Errorf("aggregate %s: %w", a.Query.Kind, err)
	}
	dims := make([]table.Dim, len(a.GroupBy))
	for i, d := range a.GroupBy {
		dims[i] = tableDim(d, loc)
	}
	// One measure per field a metric reads.
	measureOf := map[string]int{}
	var measures []table.Measure
	for _, m := range a.Metrics {
		if m.Field == nil {
			continue
		}
		if _, ok := measureOf[m.Field.Index]; !ok {
			measureOf[m.Field.Index] = len(measures)
			measures = append(measures, table.Measure{Cols: measureCols(m.Field)})
		}
	}
	ks.mu.RLock()
	agg := ks.table.Aggregate(filter, dims, measures)
	ks.mu.RUnlock()

	b := aggBuilder{a: a, loc: loc, measureOf: measureOf}
	res := AggregateResult{Kind: a.Query.Kind, Spec: spec, TimeZone: loc.String(), Matched: agg.Matched, Note: note}
	if a.TimeZone == "" {
		res.TimeZone = "UTC"
	}
	rows, err := b.groups(agg)
	if err != nil {
		agg.Release()
		return AggregateResult{}, err
	}
	res.GroupCount = len(rows)
	if offset > len(rows) {
		offset = len(rows)
	}
	res.Offset = offset
	end := min(offset+a.Limit, len(rows))
	res.Groups = make([]AggRow, 0, end-offset)
	for _, g := range b.finish(rows[offset:end]) {
		res.Groups = append(res.Groups, g.row)
	}
	if end < len(rows) {
		count, vals := 0, make([]values, len(measures))
		for _, g := range rows[end:] {
			count += g.row.Count
			for m := range vals {
				vals[m] = append(vals[m], g.vals[m]...)
			}
		}
		other := b.row(count, vals)
		res.Other = &other
		res.Next = encodeAggCursor(end, spec)
	}
	totals := make([]values, len(measures))
	for m, v := range agg.Totals {
		totals[m] = values{v}
	}
	res.Totals = b.row(agg.Matched, totals)
	agg.Release() // the rows hold metrics, not values
	return res, nil
}

// aggFilter is the table filter of a query: its terms as Search's table filter, and its words (free text and
// terms on text fields) as the set of records the text engine finds.
func (r *Replica) aggFilter(ctx context.Context, ks *kindState, q query.Query, text []analyzedText) (table.Filter, error) {
	filter := make(table.Filter, 0, len(q.Terms)+1)
	for _, t := range q.Terms {
		if isTextTerm(t) {
			c, _ := ks.schema.textClause(t) // it has words: checked
			ords, err := r.collectOrds(ctx, ks, c)
			if err != nil {
				return nil, err
			}
			filter = append(filter, table.Clause{Any: []table.Atom{table.OrdAtom(ords)}, Not: negated(t.Op)})
			continue
		}
		cl, _ := tableClause(t)
		filter = append(filter, cl)
	}
	if len(text) > 0 {
		var set table.OrdSet
		err := r.withText(ks, func(ts *textSearch) error {
			ts.q = &textQuery{must: ks.schema.freeTextClauses(text)}
			ts.collect = true
			var err error
			_, _, set, err = ts.run(ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
		if set == nil {
			set = table.OrdSet{}
		}
		filter = append(filter, table.Clause{Any: []table.Atom{table.OrdAtom(set)}})
	}
	return filter, nil
}

// tableDim is the table's dimension for d: its columns, and its buckets for time and numbers.
func tableDim(d query.Dimension, loc *time.Location) table.Dim {
	str, num, boolean := termFields(d.Field)
	td := table.Dim{Cols: []string{str}}
	if d.Field.Custom != "" {
		td.Cols = []string{str, num, boolean}
	}
	switch {
	case d.Bucket != "":
		td.Bucket = newBucketer(d.Bucket, loc).start
		td.Starts = func(lo, hi int64) []int64 { return bucketStarts(d.Bucket, loc, lo, hi) }
	case d.Width > 0 && d.Field.Type == query.TypeInt:
		w := int64(d.Width)
		td.Bucket = func(v int64) int64 { return floorDiv(v, w) * w }
	case d.Width > 0:
		td.Width = d.Width
	}
	return td
}

// bucketer finds a timestamp's bucket among the buckets found so far (sorted, by binary search) before computing
// one in the time zone: a calendar computation costs far more than a comparison, and a million timestamps fall in a
// few hundred buckets.
type bucketer struct {
	bucket query.TimeBucket
	loc    *time.Location
	starts []int64 // sorted bucket starts; ends[i] is the start of the bucket after starts[i]
	ends   []int64
	last   int
}

func newBucketer(b query.TimeBucket, loc *time.Location) *bucketer {
	return &bucketer{bucket: b, loc: loc, last: -1}
}

func (b *bucketer) start(v int64) int64 {
	if b.last >= 0 && v >= b.starts[b.last] && v < b.ends[b.last] {
		return b.starts[b.last]
	}
	i, found := slices.BinarySearch(b.starts, v)
	switch {
	case found:
	case i > 0 && v < b.ends[i-1]:
		i--
	default:
		lo := b.bucket.Start(v, b.loc)
		b.starts = slices.Insert(b.starts, i, lo)
		b.ends = slices.Insert(b.ends, i, b.bucket.Next(lo, b.loc))
	}
	b.last = i
	return b.starts[i]
}

// bucketStarts returns the starts of the buckets from the one holding lo to the one holding hi, and the end of
// the last; nil past maxFilledBuckets (Aggregate fails then anyway) or if the zone's calendar does not advance.
func bucketStarts(b query.TimeBucket, loc *time.Location, lo, hi int64) []int64 {
	starts := []int64{b.Start(lo, loc)}
	for s := starts[0]; s <= hi; {
		next := b.Next(s, loc)
		if next <= s || len(starts) > maxFilledBuckets {
			return nil
		}
		starts = append(starts, next)
		s = next
	}
	return starts
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// measureCols are the columns a metric over f reads: the field's, or a custom attribute's numbers.
func measureCols(f *query.Field) []string {
	if f.Custom != "" {
		_, num, _ := termFields(f)
		return []string{num}
	}
	return []string{f.Index}
}

// aggBuilder turns the table's groups into ordered rows.
type aggBuilder struct {
	a         query.Aggregate
	loc       *time.Location
	measureOf map[string]int
}

// aggGroup is a row with the values it was computed from (for the other row) and its key's order.
type aggGroup struct {
	row  AggRow
	vals []values // per measure
	keys []table.GroupKey
	rank [2]int // of its key in each dimension
}

// percentiles are the metrics that select a rank, and their p.
var percentiles = map[query.MetricOp]float64{query.MetricMedian: 0.5, query.MetricP90: 0.9, query.MetricP99: 0.99}

// metric computes metric m over count records and their measures' values.
func (b *aggBuilder) metric(m query.Metric, count int, vals []values) (*float64, int) {
	if m.Field == nil {
		c := float64(count)
		return &c, 0
	}
	v := vals[b.measureOf[m.Field.Index]]
	n := v.len()
	missing := count - n
	if n == 0 {
		return nil, missing
	}
	var out float64
	switch m.Op {
	case query.MetricSum, query.MetricAvg:
		out = v.sum()
		if m.Op == query.MetricAvg {
			out /= float64(n)
		}
	case query.MetricMin, query.MetricMax:
		out = v.extreme(m.Op == query.MetricMax)
	default:
		out = selectRanks(v, []int{NearestRank(percentiles[m.Op], n) - 1})[0]
	}
	return &out, missing
}

// selectNth returns the k-th smallest of v (from 0), reordering v (Hoare's selection: linear on average, where
// sorting is n log n; several percentiles of one slice each select on what the last left).
func selectNth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k] // between j and i every value equals the pivot
		}
	}
	return v[k]
}

// NearestRank returns the 1-based rank of the p-quantile (0 < p ≤ 1) among n sorted values: ⌈p·n⌉, at least 1.
func NearestRank(p float64, n int) int {
	// Rounded first so that 0.9·10 is 9, not 9.000000000000002.
	k := int(math.Ceil(math.Round(p*float64(n)*1e9) / 1e9))
	return max(1, min(k, n))
}

// row computes the metrics of count records with the given measure values. The percentiles of one measure are
// selected together (selectRanks shares its passes over the values between them).
func (b *aggBuilder) row(count int, vals []values) AggRow {
	r := AggRow{Count: count, Values: make([]*float64, len(b.a.Metrics)), Missing: make([]int, len(b.a.Metrics))}
	ranked := map[int][]int{} // measure → the metrics selecting a rank of it
	for i, m := range b.a.Metrics {
		if _, ok := percentiles[m.Op]; ok && m.Field != nil {
			mi := b.measureOf[m.Field.Index]
			ranked[mi] = append(ranked[mi], i)
			continue
		}
		r.Values[i], r.Missing[i] = b.metric(m, count, vals)
	}
	for mi, metrics := range ranked {
		n := vals[mi].len()
		ks := make([]int, len(metrics))
		for j, i := range metrics {
			r.Missing[i] = count - n
			ks[j] = NearestRank(percentiles[b.a.Metrics[i].Op], n) - 1
		}
		if n == 0 {
			continue
		}
		for j, x := range selectRanks(vals[mi], ks) {
			r.Values[metrics[j]] = &x
		}
	}
	return r
}

// key turns a table key of dimension d into the result's key and the value GroupTerms takes.
func (b *aggBuilder) key(d query.Dimension, k table.GroupKey) (AggKey, any) {
	switch k.Kind {
	case table.GroupStr:
		return AggKey{Label: k.Str, Value: k.Str}, k.Str
	case table.GroupBool:
		return AggKey{Label: strconv.FormatBool(k.Bool), Value: k.Bool}, k.Bool
	case table.GroupInt:
		if d.Bucket != "" {
			return AggKey{Label: d.Bucket.Label(k.Int, b.loc), Value: k.Int}, k.Int
		}
		return AggKey{Label: strconv.FormatInt(k.Int, 10), Value: k.Int}, k.Int
	case table.GroupFloat:
		return AggKey{Label: strconv.FormatFloat(k.Float, 'f', -1, 64), Value: k.Float}, k.Float
	}
	return AggKey{Label: noneLabel}, nil
}

// groups builds every row in order: time buckets filled and chronological, other keys by their rank. Only their
// counts and values are set: finish computes the metrics, keys and terms of the rows shown.
func (b *aggBuilder) groups(agg table.Aggregation) ([]aggGroup, error) {
	dims := b.a.GroupBy
	rows := make([]aggGroup, 0, len(agg.Groups))
	for _, g := range agg.Groups {
		vals := make([]values, len(g.Values))
		for m, v := range g.Values {
			if len(v) > 0 {
				vals[m] = values{v}
			}
		}
		rows = append(rows, aggGroup{vals: vals, keys: g.Keys, row: AggRow{Count: g.Count}})
	}
	if len(dims) == 0 {
		if len(rows) == 0 {
			rows = append(rows, aggGroup{vals: make([]values, len(b.measureOf))})
		}
		return rows, nil
	}
	// Fill the empty time buckets: every bucket between the first and the last (widened to the query's bounds
	// on the field), for every key of the other dimension.
	for i, d := range dims {
		if d.Bucket == "" {
			continue
		}
		lo, hi, ok := int64(math.MaxInt64), int64(math.MinInt64), false
		for _, g := range rows {
			if k := g.keys[i]; k.Kind == table.GroupInt {
				lo, hi, ok = min(lo, k.Int), max(hi, k.Int), true
			}
		}
		for _, t := range b.a.Query.Terms {
			if t.Field.Name != d.Field.Name {
				continue
			}
			if l, h, bok := t.Bounds(); bok {
				if l > 0 && l < math.MaxInt64 {
					lo, ok = min(lo, d.Bucket.Start(l, b.loc)), true
				}
				if h > 0 && h < math.MaxInt64 && ok {
					hi = max(hi, d.Bucket.Start(h, b.loc))
				}
			}
		}
		if !ok || hi < lo {
			continue
		}
		var buckets []int64
		for s := lo; s <= hi; s = d.Bucket.Next(s, b.loc) {
			buckets = append(buckets, s)
			if len(buckets) > maxFilledBuckets {
				return nil, &query.Error{Pos: -1, Token: "group_by", Msg: fmt.Sprintf("group_by: %s makes more than %d time buckets; use a coarser bucket or narrow the query's %s range", d, maxFilledBuckets, d.Field.Name)}
			}
		}
		have := map[[2]table.GroupKey]bool{}
		others := map[table.GroupKey]bool{}
		for _, g := range rows {
			var other table.GroupKey
			if len(dims) == 2 {
				other = g.keys[1-i]
			}
			others[other] = true
			have[[2]table.GroupKey{g.keys[i], other}] = true
		}
		if len(rows) == 0 {
			others[table.GroupKey{}] = true
		}
		for other := range others {
			for _, s := range buckets {
				k := table.GroupKey{Kind: table.GroupInt, Int: s}
				if have[[2]table.GroupKey{k, other}] {
					continue
				}
				keys := make([]table.GroupKey, len(dims))
				keys[i] = k
				if len(dims) == 2 {
					keys[1-i] = other
				}
				rows = append(rows, aggGroup{keys: keys, vals: make([]values, len(b.measureOf))})
			}
		}
	}
	// Rank each dimension's keys: time chronologically, others by the order metric over all their records.
	rank := make([]map[table.GroupKey]int, len(dims))
	for i, d := range dims {
		type keyStat struct {
			key   table.GroupKey
			count int
			vals  []values
		}
		// The order metric's values of a key are those of its groups (their segments, not copies): gathered only when
		// it reads a field.
		om := -1
		if f := b.a.OrderBy.Field; f != nil && d.Bucket == "" {
			om = b.measureOf[f.Index]
		}
		stats := map[table.GroupKey]*keyStat{}
		for _, g := range rows {
			st := stats[g.keys[i]]
			if st == nil {
				st = &keyStat{key: g.keys[i], vals: make([]values, len(b.measureOf))}
				stats[g.keys[i]] = st
			}
			st.count += g.row.Count
			if om >= 0 {
				st.vals[om] = append(st.vals[om], g.vals[om]...)
			}
		}
		list := make([]*keyStat, 0, len(stats))
		score := map[table.GroupKey]*float64{}
		for _, st := range stats {
			list = append(list, st)
			if d.Bucket == "" {
				score[st.key], _ = b.metric(b.a.OrderBy, st.count, st.vals)
			}
		}
		slices.SortFunc(list, func(x, y *keyStat) int {
			if (x.key.Kind == table.GroupNone) != (y.key.Kind == table.GroupNone) {
				if x.key.Kind == table.GroupNone {
					return 1
				}
				return -1
			}
			if d.Bucket != "" {
				return cmp.Compare(x.key.Int, y.key.Int)
			}
			sx, sy := score[x.key], score[y.key]
			switch {
			case sx == nil && sy != nil:
				return 1
			case sx != nil && sy == nil:
				return -1
			case sx != nil && *sx != *sy:
				return cmp.Compare(*sy, *sx)
			}
			return compareKeys(x.key, y.key)
		})
		rank[i] = make(map[table.GroupKey]int, len(list))
		for n, st := range list {
			rank[i][st.key] = n
		}
	}
	for n := range rows {
		for i := range dims {
			rows[n].rank[i] = rank[i][rows[n].keys[i]]
		}
	}
	slices.SortFunc(rows, func(x, y aggGroup) int {
		if c := cmp.Compare(x.rank[0], y.rank[0]); c != 0 {
			return c
		}
		return cmp.Compare(x.rank[1], y.rank[1])
	})
	return rows, nil
}

// compareKeys orders keys of the same rank by value, so the order never depends on map iteration.
func compareKeys(x, y table.GroupKey) int {
	if c := cmp.Compare(x.Kind, y.Kind); c != 0 {
		return c
	}
	switch x.Kind {
	case table.GroupStr:
		return strings.Compare(x.Str, y.Str)
	case table.GroupInt:
		return cmp.Compare(x.Int, y.Int)
	case table.GroupFloat:
		return cmp.Compare(x.Float, y.Float)
	case table.GroupBool:
		if x.Bool == y.Bool {
			return 0
		}
		if !x.Bool {
			return -1
		}
		return 1
	}
	return 0
}

// finish computes each row's keys, metrics and drill-down terms.
func (b *aggBuilder) finish(rows []aggGroup) []aggGroup {
	for n := range rows {
		g := &rows[n]
		g.row = b.row(g.row.Count, g.vals)
		var terms []string
		for i, d := range b.a.GroupBy {
			k, v := b.key(d, g.keys[i])
			g.row.Keys = append(g.row.Keys, k)
			terms = append(terms, d.GroupTerms(v, b.loc))
		}
		g.row.Terms = strings.Join(terms, " ")
	}
	return rows
}

// The cursor of an aggregate's next groups: the offset of the first, and a hash of the aggregate it belongs to.
func aggFingerprint(spec query.AggregateSpec) uint32 {
	h := fnv.New32a()
	spec.StartingAfter = ""
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d\x00%s", spec.Query, strings.Join(spec.GroupBy, "\x01"),
		strings.Join(spec.Metrics, "\x01"), spec.OrderBy, spec.Limit, spec.TimeZone)
	return h.Sum32()
}

func encodeAggCursor(offset int, spec query.AggregateSpec) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "g1.%d.%x", offset, aggFingerprint(spec)))
}

func decodeAggCursor(s string, spec query.AggregateSpec) (int, error) {
	if s == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.Split(string(raw), ".")
	if err != nil || len(parts) != 3 || parts[0] != "g1" {
		return 0, &CursorError{Msg: fmt.Sprintf("starting_after %q is not a cursor of an aggregate; pass the next cursor of a previous result unchanged", truncate(s, 24))}
	}
	offset, err := strconv.Atoi(parts[1])
	if err != nil || offset < 0 {
		return 0, &CursorError{Msg: "starting_after is corrupt; pass the next cursor of a previous result unchanged"}
	}
	if parts[2] != strconv.FormatUint(uint64(aggFingerprint(spec)), 16) {
		return 0, &CursorError{Msg: "starting_after belongs to a different aggregate; a cursor only continues the aggregate that returned it (same query, group_by, metrics, order and limit)"}
	}
	return offset, nil
}
