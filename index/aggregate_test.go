package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// fakeReplica opens a replica holding a workspace of the fake Intercom, and returns the records' JSON by kind and id.
func fakeReplica(t testing.TB, conversations, contacts int) (*Replica, map[query.Kind]map[string]map[string]any) {
	t.Helper()
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 5, Conversations: conversations, Contacts: contacts})
	if err != nil {
		t.Fatal(err)
	}
	raw := map[query.Kind]map[string]map[string]any{query.KindConversation: {}, query.KindContact: {}}
	var recs []Record
	add := func(kind query.Kind, all iter.Seq2[string, []byte]) {
		for id, r := range all {
			recs = append(recs, Record{Kind: kind, ID: id, Raw: r})
			var generic map[string]any
			if err := json.Unmarshal(r, &generic); err != nil {
				t.Fatal(err)
			}
			raw[kind][id] = generic
		}
	}
	add(query.KindConversation, ws.Conversations())
	add(query.KindContact, ws.Contacts())
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: recs})
	return r, raw
}

// bruteGroup is what the brute force finds for one group: its records' count and each metric field's values.
type bruteGroup struct {
	count int
	vals  map[string][]float64
}

// bruteLabels returns the labels of a record's keys in dimension d, read from its JSON: one per distinct value of a
// list, "(none)" without one.
func bruteLabels(t *testing.T, d query.Dimension, loc *time.Location, rec map[string]any) []string {
	var vals []any
	if d.Field.Custom != "" {
		attrs, _ := rec["custom_attributes"].(map[string]any)
		if v, ok := attrs[d.Field.Custom]; ok && v != nil && v != "" {
			vals = []any{v}
		}
	} else {
		if d.Field.Path == "" {
			t.Fatalf("%s has no path to brute-force", d.Field.Name)
		}
		vals = walkPath(rec, d.Field.Path)
	}
	var out []string
	for _, v := range vals {
		var label string
		switch x := v.(type) {
		case nil:
			continue
		case string:
			if x == "" {
				continue
			}
			if d.Field.Type == query.TypeInt {
				n, err := strconv.ParseInt(x, 10, 64)
				if err != nil {
					t.Fatalf("%s: %q", d.Field.Name, x)
				}
				label = strconv.FormatInt(n, 10)
				break
			}
			label = x
		case bool:
			label = strconv.FormatBool(x)
		case float64:
			switch {
			case d.Bucket != "":
				label = d.Bucket.Label(d.Bucket.Start(int64(x), loc), loc)
			case d.Width > 0:
				label = strconv.FormatFloat(math.Floor(x/d.Width)*d.Width, 'f', -1, 64)
			case d.Field.Type == query.TypeKeyword:
				label = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				label = strconv.FormatFloat(x, 'f', -1, 64)
			}
		default:
			t.Fatalf("%s: unexpected %T", d.Field.Name, v)
		}
		if !slices.Contains(out, label) {
			out = append(out, label)
		}
	}
	if len(out) == 0 {
		out = []string{noneLabel}
	}
	return out
}

// bruteNumber returns the number a metric's field holds in a record's JSON.
func bruteNumber(f *query.Field, rec map[string]any) (float64, bool) {
	var vals []any
	if f.Custom != "" {
		attrs, _ := rec["custom_attributes"].(map[string]any)
		vals = []any{attrs[f.Custom]}
	} else {
		vals = walkPath(rec, f.Path)
	}
	if len(vals) == 1 {
		if x, ok := vals[0].(float64); ok {
			return x, true
		}
	}
	return 0, false
}

// bruteMetric computes a metric the simple way: sorted values, nearest rank by integer arithmetic.
func bruteMetric(op query.MetricOp, vals []float64) (float64, bool) {
	if len(vals) == 0 {
		return 0, false
	}
	v := slices.Clone(vals)
	slices.Sort(v)
	n := len(v)
	switch op {
	case query.MetricSum, query.MetricAvg:
		s := 0.0
		for _, x := range v {
			s += x
		}
		if op == query.MetricAvg {
			s /= float64(n)
		}
		return s, true
	case query.MetricMin:
		return v[0], true
	case query.MetricMax:
		return v[n-1], true
	case query.MetricMedian:
		return v[(n+1)/2-1], true
	case query.MetricP90:
		return v[(9*n+9)/10-1], true
	case query.MetricP99:
		return v[(99*n+99)/100-1], true
	}
	return 0, false
}

// matchingIDs pages through Search for every record q matches: the way an agent counts today.
func matchingIDs(t *testing.T, r *Replica, q query.Query) []string {
	var ids []string
	q.Limit = query.MaxLimit
	for {
		res := mustSearch(t, r, q)
		ids = append(ids, hitIDs(res)...)
		if res.Next == "" {
			return ids
		}
		q.StartingAfter = res.Next
	}
}

// TestAggregate_MatchesBruteForce checks every kind of dimension and every metric, with filters and free text,
// against counting the records' JSON one by one: groups, counts, metrics, records left out, totals, the other row
// and the pages of groups.
func TestAggregate_MatchesBruteForce(t *testing.T) {
	t.Parallel()
	r, raw := fakeReplica(t, 300, 120)
	defer r.Close()
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	metricsConv := []string{"count", "sum:statistics.time_to_admin_reply", "avg:statistics_time_to_admin_reply",
		"min:statistics_time_to_admin_reply", "max:statistics_time_to_admin_reply", "median:statistics_time_to_admin_reply",
		"p90:statistics_time_to_admin_reply", "p99:statistics_time_to_admin_reply"}
	for _, tc := range []struct {
		name string
		spec query.AggregateSpec
	}{
		{"enum", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"state"}, Metrics: metricsConv}},
		{"tags count in each", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag"}, Metrics: []string{"count", "avg:parts_count", "median:ca.\"Refund amount\""}}},
		{"id as number", query.AggregateSpec{Query: "object_type:conversations state:in:open,snoozed", GroupBy: []string{"admin_assignee_id"}, Metrics: []string{"count", "median:statistics_time_to_admin_reply", "p90:statistics_time_to_first_close"}}},
		{"bool and keyword", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"open", "source_author_type"}, Metrics: []string{"count", "min:created_at", "max:updated_at"}}},
		{"tag by month in a zone", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag", "created_at:month"}, Metrics: []string{"count", "p90:statistics_time_to_admin_reply"}, TimeZone: "Asia/Kolkata"}},
		{"week then priority", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"created_at:week", "priority"}}},
		// Counts only, by keyword, list, bool and time dimensions: the table's dense path.
		{"count only tag by month in a zone", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag", "created_at:month"}, TimeZone: "America/New_York"}},
		{"count only quarter then tag", query.AggregateSpec{Query: "object_type:conversations state:open", GroupBy: []string{"created_at:quarter", "tag"}, TimeZone: "Asia/Kolkata"}},
		{"count only bool by tag", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"open", "tag"}}},
		{"number width", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"statistics_time_to_admin_reply:1h"}, Metrics: []string{"count", "max:statistics_time_to_admin_reply"}}},
		{"custom attribute text", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{`ca."Ticket category"`}, Metrics: []string{"count", "sum:ca.\"Refund amount\""}}},
		{"free text", query.AggregateSpec{Query: `object_type:conversations q:refund`, GroupBy: []string{"state", "created_at:quarter"}, Metrics: metricsConv}},
		{"free text phrase and a text field", query.AggregateSpec{Query: `object_type:conversations q:"double charged" source_body:contains:charge`, GroupBy: []string{"tag"}, Metrics: []string{"count", "median:statistics_time_to_admin_reply"}}},
		{"no group", query.AggregateSpec{Query: "object_type:conversations state:open", Metrics: metricsConv}},
		{"contacts", query.AggregateSpec{Query: "object_type:contacts", GroupBy: []string{"role", "location_country"}, Metrics: []string{"count", "avg:ca.seats", "max:last_seen_at"}}},
		{"contact custom bool and day", query.AggregateSpec{Query: "object_type:contacts", GroupBy: []string{"ca.beta_tester", "created_at:year"}}},
		{"order by a metric", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag"}, Metrics: []string{"count", "median:statistics_time_to_admin_reply"}, OrderBy: "median:statistics_time_to_admin_reply"}},
		{"count only by tag", query.AggregateSpec{Query: "object_type:conversations state:open", GroupBy: []string{"tag"}}},
		{"count only by keyword", query.AggregateSpec{Query: "object_type:conversations q:refund", GroupBy: []string{"source_author_email"}}},
		{"nothing matches", query.AggregateSpec{Query: "object_type:conversations tag:no-such-tag", GroupBy: []string{"state"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Limit = 7
			a, err := query.ParseAggregate(tc.spec, query.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			ids := matchingIDs(t, r, a.Query)
			if len(ids) == 0 && tc.name != "nothing matches" {
				t.Fatalf("%s matches nothing: the case checks nothing", a.Query)
			}
			// Brute force.
			groups := map[string]*bruteGroup{}
			totals := &bruteGroup{vals: map[string][]float64{}}
			for _, id := range ids {
				rec := raw[a.Query.Kind][id]
				keys := []string{""}
				for i, d := range a.GroupBy {
					var next []string
					for _, prefix := range keys {
						for _, l := range bruteLabels(t, d, a.Location, rec) {
							if i > 0 {
								l = prefix + "\x00" + l
							}
							next = append(next, l)
						}
					}
					keys = next
				}
				fieldVals := map[string]float64{}
				for _, m := range a.Metrics {
					if m.Field != nil {
						if x, ok := bruteNumber(m.Field, rec); ok {
							fieldVals[m.Field.Name] = x
						}
					}
				}
				totals.count++
				for f, x := range fieldVals {
					totals.vals[f] = append(totals.vals[f], x)
				}
				for _, k := range keys {
					g := groups[k]
					if g == nil {
						g = &bruteGroup{vals: map[string][]float64{}}
						groups[k] = g
					}
					g.count++
					for f, x := range fieldVals {
						g.vals[f] = append(g.vals[f], x)
					}
				}
			}
			checkRow := func(what string, row AggRow, want *bruteGroup) {
				t.Helper()
				if row.Count != want.count {
					t.Errorf("%s: count %d, brute force %d", what, row.Count, want.count)
				}
				for i, m := range a.Metrics {
					if m.Field == nil {
						if row.Values[i] == nil || *row.Values[i] != float64(want.count) {
							t.Errorf("%s: count metric %v, want %d", what, row.Values[i], want.count)
						}
						continue
					}
					vals := want.vals[m.Field.Name]
					if row.Missing[i] != want.count-len(vals) {
						t.Errorf("%s: %s leaves out %d, brute force %d", what, m, row.Missing[i], want.count-len(vals))
					}
					x, ok := bruteMetric(m.Op, vals)
					switch {
					case !ok && row.Values[i] != nil:
						t.Errorf("%s: %s = %v, brute force has no value", what, m, *row.Values[i])
					case ok && row.Values[i] == nil:
						t.Errorf("%s: %s has no value, brute force %v", what, m, x)
					case ok && math.Abs(*row.Values[i]-x) > 1e-9*math.Max(1, math.Abs(x)):
						t.Errorf("%s: %s = %v, brute force %v", what, m, *row.Values[i], x)
					}
				}
			}
			// Every page of groups.
			var all []AggRow
			spec := a.Spec()
			res2 := mustAggregateAll(t, r, a, now)
			for page := 0; ; page++ {
				pa, err := query.ParseAggregate(spec, query.Options{Now: now})
				if err != nil {
					t.Fatal(err)
				}
				res, err := r.Aggregate(context.Background(), pa)
				if err != nil {
					t.Fatal(err)
				}
				if res.Matched != len(ids) {
					t.Fatalf("matched %d, search pages %d", res.Matched, len(ids))
				}
				checkRow("totals", res.Totals, totals)
				if len(res.Groups) > a.Limit {
					t.Fatalf("page of %d groups, limit %d", len(res.Groups), a.Limit)
				}
				all = append(all, res.Groups...)
				if res.Next == "" {
					if res.Other != nil || len(all) != res.GroupCount {
						t.Fatalf("last page: other %v, %d groups seen of %d", res.Other, len(all), res.GroupCount)
					}
					break
				}
				if res.Other == nil {
					t.Fatal("a page with more groups has no other row")
				}
				// The other row is the groups after this page.
				rest := &bruteGroup{vals: map[string][]float64{}}
				for _, g := range res2.Groups[res.Offset+len(res.Groups):] {
					want := groups[labelKey(g)]
					if want == nil {
						continue
					}
					rest.count += want.count
					for f, v := range want.vals {
						rest.vals[f] = append(rest.vals[f], v...)
					}
				}
				checkRow("other", *res.Other, rest)
				spec.StartingAfter = res.Next
				if page > res2.GroupCount {
					t.Fatal("endless pages")
				}
			}
			seen := map[string]bool{}
			for _, g := range all {
				k := labelKey(g)
				if seen[k] {
					t.Errorf("group %q twice", k)
				}
				seen[k] = true
				want := groups[k]
				if want == nil {
					if g.Count != 0 || !a.HasTime() {
						t.Errorf("group %q (count %d) is not in the brute force", k, g.Count)
					}
					continue
				}
				checkRow("group "+strings.ReplaceAll(k, "\x00", "|"), g, want)
			}
			for k := range groups {
				if !seen[k] {
					t.Errorf("brute-force group %q is missing", strings.ReplaceAll(k, "\x00", "|"))
				}
			}
			checkOrder(t, a, all)
		})
	}
}

// mustAggregateAll returns every group of a in one page.
func mustAggregateAll(t *testing.T, r *Replica, a query.Aggregate, now func() time.Time) AggregateResult {
	t.Helper()
	return mustAggregateGroups(t, r, a.Spec(), now)
}

// mustAggregateGroups answers spec (from its first group) with every group in one page; now is the parse's clock
// (nil: the real one).
func mustAggregateGroups(t *testing.T, r *Replica, spec query.AggregateSpec, now func() time.Time) AggregateResult {
	t.Helper()
	spec.Limit, spec.StartingAfter = query.MaxGroups, ""
	all, err := query.ParseAggregate(spec, query.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Aggregate(context.Background(), all)
	if err != nil {
		t.Fatal(err)
	}
	if res.Next != "" {
		t.Fatalf("%s makes more than %d groups: the test needs them all on one page", spec.GroupBy, query.MaxGroups)
	}
	return res
}

func labelKey(g AggRow) string {
	var ls []string
	for _, k := range g.Keys {
		ls = append(ls, k.Label)
	}
	return strings.Join(ls, "\x00")
}

// checkOrder checks that the first dimension runs chronologically (time) or by its order metric, descending.
func checkOrder(t *testing.T, a query.Aggregate, rows []AggRow) {
	t.Helper()
	if len(a.GroupBy) == 0 || len(rows) == 0 {
		return
	}
	if a.GroupBy[0].Bucket != "" {
		var last float64 = -1
		for _, g := range rows {
			if v, ok := g.Keys[0].Value.(int64); ok {
				if float64(v) < last {
					t.Errorf("time buckets out of order at %s", g.Keys[0].Label)
				}
				last = float64(v)
			}
		}
		// Empty buckets are filled: consecutive labels differ by one bucket.
		return
	}
	if len(a.GroupBy) != 1 {
		return
	}
	idx := slices.IndexFunc(a.Metrics, func(m query.Metric) bool { return m.String() == a.OrderBy.String() })
	for i := 1; i < len(rows); i++ {
		p, c := rows[i-1].Values[idx], rows[i].Values[idx]
		if rows[i].Keys[0].Value == nil || c == nil {
			continue
		}
		if p == nil || *p < *c {
			t.Errorf("groups out of order: %s (%v) before %s (%v)", rows[i-1].Keys[0].Label, p, rows[i].Keys[0].Label, *c)
		}
	}
}

// TestAggregate_FillsEmptyBuckets checks that a time dimension lists every bucket between the first and the last,
// those without records at zero, and reaches the query's own bounds on the field.
func TestAggregate_FillsEmptyBuckets(t *testing.T) {
	t.Parallel()
	r, raw := fakeReplica(t, 60, 10)
	defer r.Close()
	var first int64 = math.MaxInt64
	for _, rec := range raw[query.KindConversation] {
		first = min(first, int64(rec["created_at"].(float64)))
	}
	month := query.BucketMonth.Start(first, time.UTC)
	from := time.Unix(month, 0).UTC().AddDate(0, -3, 0).Format("2006-01-02")
	a, err := query.ParseAggregate(query.AggregateSpec{Query: "object_type:conversations created_at:gte:" + from,
		GroupBy: []string{"created_at:month"}, Limit: query.MaxGroups}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Aggregate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if res.Next != "" || len(res.Groups) < 4 || res.Groups[0].Keys[0].Label != from[:7] || res.Groups[0].Count != 0 {
		t.Fatalf("first bucket %+v, want %s with 0 (the query's bound)", res.Groups[0], from[:7])
	}
	sum := 0
	for i, g := range res.Groups {
		sum += g.Count
		if i > 0 {
			want := query.BucketMonth.Next(res.Groups[i-1].Keys[0].Value.(int64), time.UTC)
			if g.Keys[0].Value.(int64) != want {
				t.Fatalf("bucket %d is %s, want the month after %s", i, g.Keys[0].Label, res.Groups[i-1].Keys[0].Label)
			}
		}
		if !strings.HasPrefix(g.Terms, "created_at:gte:") {
			t.Errorf("bucket %s terms %q", g.Keys[0].Label, g.Terms)
		}
	}
	if sum != res.Matched {
		t.Errorf("buckets hold %d, matched %d", sum, res.Matched)
	}
}

// TestAggregate_GroupTermsFindTheGroup checks that each group's terms, added to the query, search exactly the
// group's records.
func TestAggregate_GroupTermsFindTheGroup(t *testing.T) {
	t.Parallel()
	r, _ := fakeReplica(t, 120, 10)
	defer r.Close()
	res := mustAggregateGroups(t, r, query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag", "created_at:month"}}, nil)
	for _, g := range res.Groups {
		got := mustSearch(t, r, mustParse(t, "object_type:conversations "+g.Terms)).Total
		if got != g.Count {
			t.Errorf("%s: search finds %d, the group counts %d", g.Terms, got, g.Count)
		}
	}
}

// TestAggregate_CursorOfAnotherAggregate checks that a cursor only continues its own aggregate.
func TestAggregate_CursorOfAnotherAggregate(t *testing.T) {
	t.Parallel()
	r, _ := fakeReplica(t, 60, 10)
	defer r.Close()
	parse := func(s query.AggregateSpec) query.Aggregate {
		a, err := query.ParseAggregate(s, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	res, err := r.Aggregate(context.Background(), parse(query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag"}, Limit: 2}))
	if err != nil || res.Next == "" {
		t.Fatalf("first page: %v, next %q", err, res.Next)
	}
	for _, s := range []query.AggregateSpec{
		{Query: "object_type:conversations", GroupBy: []string{"state"}, Limit: 2, StartingAfter: res.Next},
		{Query: "object_type:conversations", GroupBy: []string{"tag"}, Limit: 2, StartingAfter: "garbage"},
	} {
		if _, err := r.Aggregate(context.Background(), parse(s)); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("%v: error %v, want ErrInvalidCursor", s, err)
		}
	}
}

// TestSelectNth checks selection against sorting, on random values with many repeats and on every rank.
func TestSelectNth(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 200; n += 7 {
		for _, spread := range []int{1, 3, 1000} {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(spread))
			}
			sorted := slices.Sorted(slices.Values(v))
			for k := range n {
				if got := selectNth(slices.Clone(v), k); got != sorted[k] {
					t.Fatalf("n %d spread %d: rank %d is %v, sorted says %v", n, spread, k, got, sorted[k])
				}
			}
		}
	}
}

// TestSelectRanks checks the radix selection against sorting: on sets large enough for its bins (and its rounds
// over a bin's values), split into segments, with repeats, negative numbers, zeros of both signs, a spread over
// the whole range of floats, and several ranks at once.
func TestSelectRanks(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	gens := map[string]func() float64{
		"equal":       func() float64 { return 7 },
		"two values":  func() float64 { return float64(rng.IntN(2)) * 1e6 },
		"seconds":     func() float64 { return float64(rng.IntN(1 << rng.IntN(21))) },
		"signed":      func() float64 { return float64(rng.IntN(2001) - 1000) },
		"not above 0": func() float64 { return -float64(rng.IntN(1 << rng.IntN(21))) },
		"mostly 0":    func() float64 { return float64(rng.IntN(3)/2) * 1e-3 },
		"zeros":       func() float64 { return []float64{0, math.Copysign(0, -1), 1, -1}[rng.IntN(4)] },
		"floats":      func() float64 { return rng.NormFloat64() * 1e3 },
		"any float": func() float64 {
			return math.Float64frombits(rng.Uint64()&^(0x7FF<<52)) * math.Pow(2, float64(rng.IntN(2000)-1000))
		},
	}
	for name, gen := range gens {
		for _, n := range []int{1, 200, 257, 3000, 70000} {
			v := make([]float64, n)
			for i := range v {
				v[i] = gen()
			}
			var segs values
			for rest := v; len(rest) > 0; {
				cut := min(len(rest), rng.IntN(n/3+2))
				segs, rest = append(segs, rest[:cut]), rest[cut:]
			}
			before := slices.Clone(v)
			sorted := slices.Sorted(slices.Values(v))
			ks := []int{0, n - 1, n / 2, NearestRank(0.9, n) - 1, NearestRank(0.99, n) - 1, rng.IntN(n), n / 2}
			if n <= 3000 { // every rank, at once
				ks = ks[:0]
				for k := range n {
					ks = append(ks, k)
				}
			}
			got := selectRanks(segs, ks)
			for i, k := range ks {
				if got[i] != sorted[k] {
					t.Fatalf("%s, %d values: rank %d is %v, sorted says %v", name, n, k, got[i], sorted[k])
				}
			}
			if !slices.Equal(v, before) {
				t.Fatalf("%s, %d values: selectRanks reordered its values", name, n)
			}
		}
	}
}

// TestAggregate_KeysKeepTheirSpelling checks that a keyword group is shown as Intercom spelled it (not lower-cased
// as the replica compares it): tags, custom attributes and a contact's country, whether the column table was built
// by the writes, loaded from its snapshot or rebuilt from the stored rows. Spellings that differ only in case are
// one group (filters match case-insensitively), shown as the replica first met it, and its terms find it.
func TestAggregate_KeysKeepTheirSpelling(t *testing.T) {
	t.Parallel()
	conv := func(id, tags, category string) Record {
		raw := fmt.Sprintf(`{"type":"conversation","id":%q,"created_at":1736503200,"updated_at":1736503200,"state":"open",`+
			`"tags":{"type":"tag.list","tags":[%s]},"custom_attributes":{"Ticket category":%q},`+
			`"source":{"type":"email","body":"<p>hello</p>"}}`, id, tags, category)
		return Record{Kind: query.KindConversation, ID: id, UpdatedAt: 1736503200, Raw: []byte(raw)}
	}
	tag := func(name string) string { return fmt.Sprintf(`{"type":"tag","id":"t-%s","name":%q}`, name, name) }
	contact := func(id, country string) Record {
		raw := fmt.Sprintf(`{"type":"contact","id":%q,"role":"user","created_at":1736503200,"updated_at":1736503200,`+
			`"location":{"type":"location","country":%q}}`, id, country)
		return Record{Kind: query.KindContact, ID: id, UpdatedAt: 1736503200, Raw: []byte(raw)}
	}
	dir := t.TempDir()
	r := mustOpen(t, dir)
	mustApply(t, r, Batch{Records: []Record{
		conv("1001", tag("VIP")+","+tag("billing"), "Billing Issue"),
		conv("1003", tag("Priority Support"), "Ünïcode Straße"),
		contact("k1", "United States"), contact("k2", "Germany"), contact("k3", "United States"),
	}})
	// A later spelling of a value already met joins its group.
	mustApply(t, r, Batch{Records: []Record{conv("1002", tag("vip"), "billing issue")}})

	want := []struct {
		query, groupBy string
		groups         map[string]int
	}{
		{"object_type:conversations", "tag", map[string]int{"VIP": 2, "billing": 1, "Priority Support": 1}},
		{"object_type:conversations", `ca."Ticket category"`, map[string]int{"Billing Issue": 2, "Ünïcode Straße": 1}},
		{"object_type:contacts", "location_country", map[string]int{"United States": 2, "Germany": 1}},
		// The fast path (count by one keyword) and the general one (two dimensions) alike.
		{"object_type:conversations", "tag,state", map[string]int{"VIP\x00open": 2, "billing\x00open": 1, "Priority Support\x00open": 1}},
	}
	check := func(t *testing.T, r *Replica, how string) {
		for _, w := range want {
			res := mustAggregateGroups(t, r, query.AggregateSpec{Query: w.query, GroupBy: strings.Split(w.groupBy, ",")}, nil)
			got := map[string]int{}
			for _, g := range res.Groups {
				got[labelKey(g)] = g.Count
				if g.Keys[0].Value != g.Keys[0].Label {
					t.Errorf("%s, by %s: key value %v, label %q: want the same spelling", how, w.groupBy, g.Keys[0].Value, g.Keys[0].Label)
				}
				if n := mustSearch(t, r, mustParse(t, w.query+" "+g.Terms)).Total; n != g.Count {
					t.Errorf("%s, by %s: %s finds %d, the group counts %d", how, w.groupBy, g.Terms, n, g.Count)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(w.groups) {
				t.Errorf("%s, by %s: groups %v, want %v", how, w.groupBy, got, w.groups)
			}
		}
	}
	check(t, r, "as written")
	mustClose(t, r)
	r = mustOpen(t, dir)
	check(t, r, "from the snapshot")
	mustClose(t, r)
	for _, kind := range query.Kinds() {
		if err := os.Remove(snapshotPath(dir, kind)); err != nil {
			t.Fatal(err)
		}
	}
	r = mustOpen(t, dir)
	check(t, r, "rebuilt from the rows")
}
