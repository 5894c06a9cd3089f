package table

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"
)

// The package benchmarks measure the column scan alone, on rows shaped like conversations; the index package's
// benchmarks measure it end to end.

var (
	benchOnce  sync.Once
	benchTable *Table
)

const benchRows = 1_000_000

func loadBenchTable(b *testing.B) *Table {
	benchOnce.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		tb := New()
		tb.Defer()
		states := []string{"open", "closed", "snoozed"}
		types := []string{"conversation", "email", "twitter", "facebook", "sms"}
		start := time.Now()
		for i := 0; i < benchRows; i++ {
			st := states[0]
			switch x := r.IntN(10); {
			case x >= 3:
				st = states[1]
			case x >= 2:
				st = states[2]
			}
			email := fmt.Sprintf("user%d.smith%d@company%d.com", r.IntN(400000), r.IntN(10), r.IntN(3000))
			created := int64(1_670_000_000 + r.IntN(94_000_000))
			tags := []string{fmt.Sprintf("tag-%d", r.IntN(50))}
			tb.Put(Row{ID: fmt.Sprint(100000000 + i), UpdatedAt: created + int64(r.IntN(86400*30)),
				Summary: make([]byte, 200),
				Values: []Value{
					{Col: "state", Type: Keyword, Strs: []string{st}},
					{Col: "source_type", Type: Keyword, Strs: []string{types[r.IntN(len(types))]}},
					{Col: "email", Type: Keyword, Strs: []string{email}},
					{Col: "tag", Type: Keyword, Strs: tags},
					{Col: "created_at", Type: Int, Int: created},
					{Col: "admin", Type: Int, Int: int64(r.IntN(40))},
				}})
		}
		tb.Compact()
		st := tb.Stats()
		fmt.Printf("loaded %d rows in %v, %d MB\n", st.Rows, time.Since(start), st.Bytes>>20)
		benchTable = tb
	})
	return benchTable
}

func BenchmarkTable_Search1M(b *testing.B) {
	tb := loadBenchTable(b)
	now := int64(1_764_000_000)
	cases := []struct {
		name string
		f    Filter
	}{
		{"state+type", Filter{{Any: []Atom{KeywordAtom("state", Eq, "open")}}, {Any: []Atom{KeywordAtom("source_type", Eq, "email")}}}},
		{"closed", Filter{{Any: []Atom{KeywordAtom("state", Eq, "closed")}}}},
		{"range+state", Filter{{Any: []Atom{IntAtom("created_at", IntRange{now - 180*86400, 1 << 40})}}, {Any: []Atom{KeywordAtom("state", Eq, "open")}}}},
		{"email-contains", Filter{{Any: []Atom{KeywordAtom("email", Contains, "smith3@company12")}}}},
		{"email-suffix", Filter{{Any: []Atom{KeywordAtom("email", Suffix, "@company1.com")}}}},
		{"none", Filter{{Any: []Atom{IntAtom("admin", IntRange{1000, 2000})}}, {Not: true, Any: []Atom{KeywordAtom("state", Eq, "open")}}}},
		{"tag-neq", Filter{{Not: true, Any: []Atom{KeywordAtom("tag", Eq, "tag-1")}}}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				res := tb.Search(tc.f, nil, 20)
				lat = append(lat, time.Since(t0))
				_ = res
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkTable_ContainsNew1M measures a keyword contains whose pattern the dictionary has not seen (a new one each
// run, so the distinct values are scanned every time), scanned in one range and in one range per CPU.
func BenchmarkTable_ContainsNew1M(b *testing.B) {
	tb := loadBenchTable(b)
	d := tb.cols["email"].dict
	defer func() { d.parts = 0 }()
	for _, parts := range []int{1, 0} {
		name := "one-range"
		if parts == 0 {
			name = "range-per-cpu"
		}
		b.Run(name, func(b *testing.B) {
			d.parts = parts
			i := 0
			for b.Loop() {
				tb.Search(Filter{{Any: []Atom{KeywordAtom("email", Contains, fmt.Sprintf("%03d@%s", i%1000, name))}}}, nil, 20)
				i++
			}
		})
	}
}
