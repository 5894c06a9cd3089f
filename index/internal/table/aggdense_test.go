package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// cutBuckets are time buckets of uneven lengths (1,000 to 5,000 seconds, like months of 28 to 31 days), for the
// tests of the bucket index: Bucket and Starts as the index package gives them.
type cutBuckets []int64

// randomCuts returns buckets from lo past hi, each shortest to longest-1 seconds long.
func randomCuts(rng *rand.Rand, lo, hi, shortest, longest int64) cutBuckets {
	var cuts cutBuckets
	for c := lo; c < hi; c += shortest + rng.Int64N(longest-shortest) {
		cuts = append(cuts, c)
	}
	return cuts
}

func (c cutBuckets) bucket(v int64) int64 {
	return c[sort.Search(len(c), func(i int) bool { return c[i] > v })-1]
}

func (c cutBuckets) starts(lo, hi int64) []int64 {
	i := sort.Search(len(c), func(i int) bool { return c[i] > lo }) - 1
	j := sort.Search(len(c), func(i int) bool { return c[i] > hi })
	return slices.Clone(c[i : j+1])
}

func (c cutBuckets) dim(col string) Dim {
	return Dim{Cols: []string{col}, Bucket: c.bucket, Starts: c.starts}
}

// denseRec is a row of TestAggregate_DenseCountsMatchRows as put.
type denseRec struct {
	tags    []string
	big     []string // a list of a dictionary too large for bitsets per code
	who     string   // a keyword of such a dictionary
	state   string
	at      int64
	hasAt   bool
	flag    int // 0 none, 1 false, 2 true
	matches bool
}

// TestAggregate_DenseCountsMatchRows checks Aggregate's paths against the rows put: without a measure the dense
// counts (keyword, list, bool and time-bucket dimensions), with one the flat path (no list) or the general one
// (lists), group by group and value by value, on random rows: records without a tag, with many tags and the same
// tag twice, without a state, a time or the measure, time buckets of uneven lengths, keywords with and without
// bitsets per code, and a filter.
func TestAggregate_DenseCountsMatchRows(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	cuts := randomCuts(rng, -10000, 2_000_000, 1000, 5000)
	tb := New()
	var recs []denseRec // by ord
	for i := range 3000 {
		r := denseRec{at: rng.Int64N(1_000_000), hasAt: rng.IntN(10) > 0, flag: rng.IntN(3)}
		for range rng.IntN(6) - 1 { // no tag, or up to four, repeats allowed
			r.tags = append(r.tags, []string{"Refund", "vip", "VIP", "bug", "billing", "x"}[rng.IntN(6)])
		}
		if rng.IntN(8) > 0 {
			r.state = []string{"open", "closed", "snoozed"}[rng.IntN(3)]
		}
		var vals []Value
		if i%7 > 0 { // the measure, which some rows lack
			vals = append(vals, Value{Col: "n", Type: Int, Int: int64(i)})
		}
		if len(r.tags) > 0 {
			vals = append(vals, Value{Col: "tags", Type: Keyword, Strs: r.tags})
		}
		if r.state != "" {
			vals = append(vals, Value{Col: "state", Type: Keyword, Strs: []string{r.state}})
		}
		for range rng.IntN(4) - 1 {
			r.big = append(r.big, fmt.Sprint("b", rng.IntN(maxBitmapCodes*2)))
		}
		if len(r.big) > 0 {
			vals = append(vals, Value{Col: "big", Type: Keyword, Strs: r.big})
		}
		if rng.IntN(5) > 0 {
			r.who = fmt.Sprint("w", rng.IntN(maxBitmapCodes*2))
			vals = append(vals, Value{Col: "who", Type: Keyword, Strs: []string{r.who}})
		}
		if r.hasAt {
			vals = append(vals, Value{Col: "at", Type: Int, Int: r.at})
		}
		if r.flag > 0 {
			vals = append(vals, Value{Col: "flag", Type: Bool, Bool: r.flag == 2})
		}
		r.matches = r.state != "closed"
		recs = append(recs, r)
		tb.Put(Row{ID: fmt.Sprint(i), UpdatedAt: 1, Ord: uint32(i), Values: vals})
	}
	for col, want := range map[string]bool{"tags": true, "state": true, "big": false, "who": false} {
		if has := tb.cols[col].bitmaps != nil; has != want {
			t.Fatalf("%s has bitsets per code: %v, the test wants %v", col, has, want)
		}
	}
	filter := Filter{{Any: []Atom{KeywordAtom("state", Eq, "closed")}, Not: true}}
	labels := func(r denseRec, col string) []string {
		switch col {
		case "tags", "big":
			list := r.tags
			if col == "big" {
				list = r.big
			}
			seen := map[string]bool{}
			var out []string
			for _, tag := range list {
				if l := strings.ToLower(tag); !seen[l] {
					seen[l] = true
					out = append(out, l)
				}
			}
			if len(out) == 0 {
				return []string{"-"}
			}
			return out
		case "state", "who":
			v := r.state
			if col == "who" {
				v = r.who
			}
			if v == "" {
				return []string{"-"}
			}
			return []string{v}
		case "at":
			if !r.hasAt {
				return []string{"-"}
			}
			return []string{fmt.Sprint(cuts.bucket(r.at))}
		case "flag":
			return []string{[]string{"-", "false", "true"}[r.flag]}
		}
		return []string{"-"} // a column no row has
	}

	dimOf := func(col string) Dim {
		if col == "at" {
			return cuts.dim("at")
		}
		return Dim{Cols: []string{col}}
	}
	for _, step := range reloads(t) {
		tb = step.do(tb)
		checkDenseCounts(t, step.name, tb, recs, filter, labels, dimOf)
	}
}

// checkDenseCounts is TestAggregate_DenseCountsMatchRows on one form of the table (as put, compacted, loaded).
func checkDenseCounts(t *testing.T, form string, tb *Table, recs []denseRec, filter Filter, labels func(denseRec, string) []string, dimOf func(string) Dim) {
	for _, cols := range [][]string{{"tags"}, {"state"}, {"at"}, {"flag"}, {"nothing"}, {"tags", "at"}, {"at", "tags"},
		{"state", "at"}, {"flag", "tags"}, {"tags", "tags"}, {"nothing", "state"},
		{"big"}, {"who"}, {"big", "at"}, {"at", "big"}, {"who", "at"}, {"big", "tags"}, {"who", "big"}} {
		t.Run(form+"/"+strings.Join(cols, "×"), func(t *testing.T) {
			want, wantVals := map[string]int{}, map[string][]float64{}
			var totals []float64
			matched := 0
			for i, r := range recs {
				if !r.matches {
					continue
				}
				matched++
				keys := []string{""}
				for _, col := range cols {
					var next []string
					for _, p := range keys {
						for _, l := range labels(r, col) {
							next = append(next, p+"|"+l)
						}
					}
					keys = next
				}
				for _, k := range keys {
					want[k]++
					if i%7 > 0 {
						wantVals[k] = append(wantVals[k], float64(i))
					}
				}
				if i%7 > 0 {
					totals = append(totals, float64(i))
				}
			}
			dims := make([]Dim, len(cols))
			for i, col := range cols {
				dims[i] = dimOf(col)
			}
			for _, measures := range [][]Measure{nil, {{Cols: []string{"n"}}}} {
				agg := tb.Aggregate(filter, dims, measures)
				got := map[string]int{}
				for _, g := range agg.Groups {
					k := ""
					for _, key := range g.Keys {
						k += "|" + denseKeyLabel(key)
					}
					if _, dup := got[k]; dup {
						t.Errorf("measures %d: group %s twice", len(measures), k)
					}
					got[k] = g.Count
					if len(measures) > 0 {
						if v := slices.Sorted(slices.Values(g.Values[0])); !slices.Equal(v, wantVals[k]) {
							t.Errorf("group %s: values %v, want %v", k, v, wantVals[k])
						}
					}
				}
				if len(measures) > 0 {
					if v := slices.Sorted(slices.Values(agg.Totals[0])); !slices.Equal(v, totals) {
						t.Errorf("totals: %d values, want %d", len(v), len(totals))
					}
				}
				agg.Release()
				if agg.Matched != matched || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("measures %d: matched %d, groups\n%v\nwant matched %d, groups\n%v", len(measures), agg.Matched, got, matched, want)
				}
			}
		})
	}
}

// denseKeyLabel is the label checkDenseCounts gives a key: the lower-case keyword, the number, the boolean, or -.
func denseKeyLabel(k GroupKey) string {
	switch k.Kind {
	case GroupStr:
		return strings.ToLower(k.Str)
	case GroupInt:
		return fmt.Sprint(k.Int)
	case GroupBool:
		return fmt.Sprint(k.Bool)
	}
	return "-"
}

// TestBucketIndex checks that the bucket index finds every value's bucket as Bucket does, at the edges of buckets
// of uneven lengths, and that it declines what it cannot index.
func TestBucketIndex(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	cuts := randomCuts(rng, -5000, 100_000, 50, 750)
	c := newColumn(Int)
	var set bitset
	n := 0
	for v := int64(-3000); v < 90_000; v += 1 + rng.Int64N(3) {
		c.setInt(uint32(n), v)
		set = set.grow(n + 1)
		set.set(uint32(n))
		n++
	}
	bk := newBucketIndex(c, set, cuts.dim("at"))
	if bk == nil {
		t.Fatal("no bucket index")
	}
	for s := range uint32(n) {
		v := c.intAt(s)
		if got, want := bk.starts[bk.of(v)], cuts.bucket(v); got != want {
			t.Fatalf("value %d: bucket %d, Bucket says %d", v, got, want)
		}
	}
	for name, d := range map[string]Dim{
		"no Starts":       {Cols: []string{"at"}, Bucket: cuts.bucket},
		"starts after lo": {Cols: []string{"at"}, Bucket: cuts.bucket, Starts: func(lo, hi int64) []int64 { return cuts.starts(lo+1000, hi) }},
		"ends before hi":  {Cols: []string{"at"}, Bucket: cuts.bucket, Starts: func(lo, hi int64) []int64 { return cuts.starts(lo, hi-1000) }},
		"not increasing":  {Cols: []string{"at"}, Bucket: cuts.bucket, Starts: func(lo, hi int64) []int64 { return []int64{lo, lo, hi + 1} }},
		"too many units":  {Cols: []string{"at"}, Bucket: cuts.bucket, Starts: func(lo, hi int64) []int64 { return []int64{lo, lo + 1, hi + 1<<20} }},
		"none":            {Cols: []string{"at"}, Bucket: cuts.bucket, Starts: func(lo, hi int64) []int64 { return nil }},
	} {
		if newBucketIndex(c, set, d) != nil {
			t.Errorf("%s: a bucket index, want none", name)
		}
	}
}
