package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom/intercomtest"
)

var (
	exportBenchRecords = flag.Int("export.records", 20000, "conversations in the replica BenchmarkExport exports")
	exportBenchDir     = flag.String("export.dir", "", "data directory BenchmarkExport builds once and reuses (default: a temporary one)")
)

// BenchmarkExport exports every conversation of a replica (whole, every part) as JSON lines and as CSV, and
// reports the peak heap while it runs: with -export.records 20000 and 200000 the peak stays the same, which is
// what constant memory means.
//
//	go test ./cmd/intercom-replica -run '^$' -bench BenchmarkExport -benchtime 1x -export.records 200000 -export.dir /tmp/export200k
func BenchmarkExport(b *testing.B) {
	dir := *exportBenchDir
	if dir == "" {
		dir = b.TempDir()
	}
	buildExportReplica(b, dir, *exportBenchRecords)
	acc, err := openReplicaAccess(context.Background(), dir, accessOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer acc.Close()
	for _, format := range []string{"jsonl", "csv"} {
		b.Run(format, func(b *testing.B) {
			each := func(ctx context.Context, fn func(index.Record) error) error {
				return exportRecords(ctx, acc, query.KindConversation, nil, fn)
			}
			var peak atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				var ms runtime.MemStats
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Millisecond):
					}
				}
			}()
			runtime.GC()
			start := time.Now()
			var n int
			for b.Loop() {
				if format == "csv" {
					n, err = writeCSV(context.Background(), io.Discard, query.KindConversation, each)
				} else {
					n, err = writeJSONL(context.Background(), io.Discard, each)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			close(stop)
			<-sampled
			b.ReportMetric(float64(n)*float64(b.N)/time.Since(start).Seconds(), "records/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		})
	}
}

// buildExportReplica fills dir with n conversations of the fake Intercom's workspace, unless it holds them already.
func buildExportReplica(b *testing.B, dir string, n int) {
	b.Helper()
	marker := filepath.Join(dir, fmt.Sprintf("built-%d", n))
	if _, err := os.Stat(marker); err == nil {
		return
	}
	ws, err := intercomtest.NewWorkspace(intercomtest.WorkspaceOptions{Seed: 11, Conversations: n, Contacts: max(1, n/4)})
	if err != nil {
		b.Fatal(err)
	}
	r, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var batch index.Batch
	flush := func() {
		if _, err := r.Apply(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		batch.Records = batch.Records[:0]
	}
	for id, raw := range ws.Conversations() {
		batch.Records = append(batch.Records, index.Record{Kind: query.KindConversation, ID: id, Raw: raw})
		if len(batch.Records) == 500 {
			flush()
		}
	}
	flush()
	if err := r.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		b.Fatal(err)
	}
}
