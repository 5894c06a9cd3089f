package main

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// BenchmarkServe_FirstSearch measures what a person waits for when an MCP client starts `serve` over stdio on an
// existing replica: from starting the process to the answer of its first search (the client's initialize included),
// with sync off. SERVE_BENCH_DIR names the replica's data directory, for instance the index benchmarks' 1M dataset:
//
//	SERVE_BENCH_DIR=/tmp/b1m/intercom-replica-bench-v1-1000000 go test ./cmd/intercom-replica -run '^$' -bench Serve_FirstSearch -benchtime 5x
func BenchmarkServe_FirstSearch(b *testing.B) {
	dir := os.Getenv("SERVE_BENCH_DIR")
	if dir == "" {
		b.Skip("SERVE_BENCH_DIR names the data directory of a replica to serve")
	}
	for _, tc := range []struct{ name, query string }{
		{"filter", "object_type:conversations state:open limit:5"},
		{"free-text", "object_type:conversations state:open q:refund limit:5"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				s := startStdio(b, newUserEnv(b), "--config", offlineConfig(b), "--data-dir", dir)
				res, err := s.session.CallTool(context.Background(), &sdk.CallToolParams{Name: "search", Arguments: map[string]any{"query": tc.query}})
				took = append(took, time.Since(start))
				if err != nil || res.IsError || !strings.Contains(toolText(res), "match") {
					b.Fatalf("search: %v %s\nstderr:\n%s", err, toolText(res), s.stderr)
				}
				s.stop(b)
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
		})
	}
}
