package sync

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// BenchmarkBackfill_RealisticLatency measures backfill throughput against the fake Intercom answering every call in
// 150 ms, with Intercom's default private-app limit (10,000 calls a minute, enforced as 1,666 per 10 s) and the
// default 20% reserve, at several fetch concurrencies. It reports conversations per minute and the share of the
// theoretical limit: the budget leaves the syncer 8,000 calls a minute, and each conversation costs one GET plus
// 1/150 of a list page, so at most 7,947 conversations a minute; a concurrency of c at 150 ms per call allows at
// most c × 400 a minute.
//
//	go test ./sync -run '^$' -bench BenchmarkBackfill_RealisticLatency -benchtime 1x -timeout 30m
func BenchmarkBackfill_RealisticLatency(b *testing.B) {
	const (
		latency     = 150 * time.Millisecond
		callsPerMin = 10000
		reserve     = 20
	)
	budgetLimit := float64(callsPerMin) * (100 - reserve) / 100 / (1 + 1.0/150)
	// Enough conversations for a minute or more of fetching: the budget is per 10-second window, so a shorter run
	// would measure where it falls across window boundaries rather than the rate.
	for _, tc := range []struct{ concurrency, conversations int }{{8, 3000}, {32, 8000}, {64, 8000}} {
		concurrency, conversations := tc.concurrency, tc.conversations
		b.Run(fmt.Sprintf("concurrency=%d", concurrency), func(b *testing.B) {
			var perMin float64
			for range b.N {
				b.StopTimer()
				e := newEnv(b, envOptions{
					conversations: conversations, contacts: 10,
					faults: fakeintercom.Faults{Latency: latency, RateLimit: fakeintercom.DefaultRateLimit},
					budget: BudgetOptions{ReservePercent: reserve},
					opts:   Options{Concurrency: concurrency, PageSize: 150},
				})
				b.StartTimer()
				start := time.Now()
				if _, err := e.syncer.Sync(context.Background(), ModeIncremental); err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				b.StopTimer()
				st, err := e.syncer.state(query.KindConversation)
				if err != nil {
					b.Fatal(err)
				}
				if st.Live != e.ws.Counts().Conversations {
					b.Fatalf("backfilled %d of %d conversations", st.Live, e.ws.Counts().Conversations)
				}
				if n := e.fake.Stats().RateLimited; n != 0 {
					b.Errorf("%d requests got 429", n)
				}
				perMin = float64(st.Live) / elapsed.Minutes()
				e.close()
			}
			limit := min(budgetLimit, float64(concurrency)*float64(time.Minute/latency))
			b.ReportMetric(perMin, "conversations/min")
			b.ReportMetric(limit, "limit/min")
			b.ReportMetric(100*perMin/limit, "%limit")
		})
	}
}
