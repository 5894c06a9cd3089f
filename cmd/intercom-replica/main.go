// Command intercom-replica keeps a local, searchable read-replica of an Intercom workspace and serves it to AI
// agents over the Model Context Protocol.
//
// Each subcommand lives in its own file (version.go, fakeintercom.go, ...) and does wiring only: business logic
// belongs to the packages under query/, index/, sync/, mcp/ and configs/.
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
