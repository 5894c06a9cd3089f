package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

var (
	exportBenchRecords = flag.Int("export.records", 20000, "conversations in the replica BenchmarkExport exports")
	exportBenchDir     = flag.String("export.dir", "", "data directory BenchmarkExport builds once and reuses (default: a temporary one)")
)

// BenchmarkExport exports every conversation of a replica (whole, every part) as JSON lines and as CSV, and
// reports the most memory it keeps live above what the open replica holds: with -export.records 20000 and 200000
// it stays the same, which is what constant memory means. (records/s includes the collections it forces to
// measure that.)
//
//	go test ./cmd/intercom-replica -run '^$' -bench BenchmarkExport -benchtime 1x -export.records 200000 -export.dir /tmp/export200k
func BenchmarkExport(b *testing.B) {
	dir := *exportBenchDir
	if dir == "" {
		dir = b.TempDir()
	}
	buildExportReplica(b, dir, *exportBenchRecords)
	acc, err := peer.OpenAccess(context.Background(), dir, peer.AccessOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer acc.Close()
	for _, format := range []string{"jsonl", "csv"} {
		b.Run(format, func(b *testing.B) {
			// The replica itself holds memory in proportion to its size (its column table); what the export keeps
			// on top of that is what must not grow. Every 5,000 records a collection shows what is still live.
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			baseline, retained := ms.HeapAlloc, uint64(0)
			seen := 0
			each := func(ctx context.Context, fn func(index.Record) error) error {
				return exportRecords(ctx, acc, query.KindConversation, nil, func(rec index.Record) error {
					if seen++; seen%5000 == 0 {
						runtime.GC()
						runtime.ReadMemStats(&ms)
						retained = max(retained, ms.HeapAlloc-min(ms.HeapAlloc, baseline))
					}
					return fn(rec)
				})
			}
			start := time.Now()
			var n int
			for b.Loop() {
				if format == "csv" {
					n, err = writeCSV(context.Background(), io.Discard, query.KindConversation, each, nil)
				} else {
					n, err = writeJSONL(context.Background(), io.Discard, each)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "records/s")
			b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
			b.ReportMetric(float64(baseline)/(1<<20), "replica-MB")
		})
	}
}

// BenchmarkExportQuery exports the matches of a query (every closed conversation, whole) as JSON lines, from the
// process that owns the replica (local) and from one that forwards to it over the socket (remote), as
// `export --query` does beside a running serve.
//
//	go test ./cmd/intercom-replica -run '^$' -bench BenchmarkExportQuery -benchtime 3x -export.dir /tmp/export20k
func BenchmarkExportQuery(b *testing.B) {
	dir := *exportBenchDir
	if dir == "" {
		dir = shortDir(b)
	}
	buildExportReplica(b, dir, *exportBenchRecords)
	owner, err := peer.OpenAccess(context.Background(), dir, peer.AccessOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close()
	front, err := peer.OpenAccess(context.Background(), dir, peer.AccessOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer front.Close()
	if self, _ := front.Owner(); self {
		b.Fatal("the second access owns the replica: the socket is not served (data directory path too long?)")
	}
	q, err := query.Parse("object_type:conversations state:closed", query.Options{})
	if err != nil {
		b.Fatal(err)
	}
	q.Limit = query.MaxLimit
	for _, side := range []struct {
		name string
		acc  *peer.Access
	}{{"local", owner}, {"remote", front}} {
		b.Run(side.name, func(b *testing.B) {
			each := func(ctx context.Context, fn func(index.Record) error) error {
				return exportRecords(ctx, side.acc, query.KindConversation, &q, fn)
			}
			var n int
			start := time.Now()
			for b.Loop() {
				if n, err = writeJSONL(context.Background(), io.Discard, each); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/time.Since(start).Seconds(), "records/s")
			b.ReportMetric(float64(n), "records")
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
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 11, Conversations: n, Contacts: max(1, n/4)})
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
