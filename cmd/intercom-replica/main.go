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
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := NewMain().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
