// Command intercom-replica keeps a local, searchable read-replica of an Intercom workspace and serves it to AI
// agents over the Model Context Protocol.
//
// Each subcommand lives in its own file (version.go, fakeintercom.go, ...) and does wiring only: business logic
// belongs to the packages under query/, index/, sync/, mcp/ and configs/, and who holds the replica to package
// mcp/peer (Access). A command whose flags and configuration call for decisions makes them first in a pure
// function that returns a plan (planServe, planSync, planFakeIntercom), table-tested, and then carries the plan out.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the collector's target (GOGC) unless the environment sets GOGC. The replica keeps little on the
// Go heap (its column tables are mapped, its records are bbolt's pages), so at Go's default of 100 a bulk write
// (a backfill, a reindex) collected every few dozen megabytes of short-lived documents: at 100k conversations the
// collector was a tenth of a reindex's CPU. At 200 a reindex takes about a sixth less CPU for about 200 MB more
// resident memory at its peak (README, Benchmarks).
const gcPercent = 200

// tuneGC sets the collector's target to gcPercent unless getenv has GOGC (the person's choice wins).
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := NewMain().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
