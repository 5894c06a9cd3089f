package index

import (
	"context"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// BenchmarkAggregate measures the aggregates of issue 12 on the benchmark dataset (see BenchmarkSearch for the
// scale and the cache), and the naive way an agent counts today for comparison: paging through search 150 results
// at a time and counting the tags of each hit.
//
//	INDEX_BENCH_SCALE=100000 go test -run '^$' -bench 'Aggregate' -benchtime 20x -benchmem ./index
func BenchmarkAggregate(b *testing.B) {
	r := benchReplica(b)
	r.verifying.Wait() // the snapshot's checksums, verified after Open, are not an aggregate's CPU
	for _, tc := range []struct {
		name string
		spec query.AggregateSpec
	}{
		{"count-by-state", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"state"}}},
		{"count-by-tag", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag"}}},
		{"tag-x-month", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag", "created_at:month"}}},
		{"median-p90-reply-by-assignee", query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"admin_assignee_id"},
			Metrics: []string{"count", "median:statistics_time_to_admin_reply", "p90:statistics_time_to_admin_reply"}}},
		{"free-text-by-tag", query.AggregateSpec{Query: "object_type:conversations q:refund", GroupBy: []string{"tag"}}},
		{"free-text-by-week", query.AggregateSpec{Query: "object_type:conversations q:\"refund request\" state:closed", GroupBy: []string{"created_at:week"},
			Metrics: []string{"count", "median:statistics_time_to_first_close"}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			a, err := query.ParseAggregate(tc.spec, query.Options{Now: benchNow})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var res AggregateResult
			for range 2 { // warm up
				if res, err = r.Aggregate(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
			var lat latencies
			cpu0 := cpuTime()
			for b.Loop() {
				t0 := time.Now()
				if _, err := r.Aggregate(ctx, a); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			reportCPU(b, cpu0, len(lat))
			lat.report(b)
			b.ReportMetric(float64(res.Matched), "matched")
			b.ReportMetric(float64(res.GroupCount), "groups")
		})
	}
}

// BenchmarkAggregateNaive counts conversations by tag the way an agent must without aggregate: every page of
// search, 150 hits at a time, tags counted from the hits.
func BenchmarkAggregateNaive(b *testing.B) {
	r := benchReplica(b)
	for _, tc := range []struct{ name, dsl string }{
		{"count-by-tag", "object_type:conversations limit:150"},
		{"free-text-by-tag", "object_type:conversations q:refund limit:150"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q, err := query.Parse(tc.dsl, query.Options{Now: benchNow})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var lat latencies
			pages := 0
			cpu0 := cpuTime()
			for b.Loop() {
				t0 := time.Now()
				counts := map[string]int{}
				page := q
				pages = 0
				for {
					res, err := r.Search(ctx, page)
					if err != nil {
						b.Fatal(err)
					}
					pages++
					for _, h := range res.Hits {
						for _, tag := range h.Tags {
							counts[tag]++
						}
					}
					if res.Next == "" {
						break
					}
					page.StartingAfter = res.Next
				}
				lat = append(lat, time.Since(t0))
			}
			reportCPU(b, cpu0, len(lat))
			lat.report(b)
			b.ReportMetric(float64(pages), "search-calls")
		})
	}
}

// reportCPU reports the CPU time this process spent per operation since cpu0: on a shared machine it says what an
// aggregate costs, where the wall-clock percentiles also count the wait for a core.
func reportCPU(b *testing.B, cpu0 time.Duration, ops int) {
	if ops > 0 {
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(ops), "cpu-ms/op")
	}
}
