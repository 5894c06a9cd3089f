package mcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/mark3labs/mcp-go/server"
)

// ServeStdio serves s over newline-delimited JSON-RPC on in and out until ctx ends or in reaches end of file, and
// returns nil in both cases. Nothing but protocol messages is written to out: mcp-go's own error log goes to log.
// A JSON-RPC batch is answered with an error saying batches are not supported.
//
// It uses mcp-go's Listen rather than ServeStdio, which would install its own signal handler: the caller's ctx
// alone decides when to stop. mcp-go keeps the stdio session in a package variable, so a process serves one stdio
// connection at a time. When ctx ends while a read from in is blocked, mcp-go leaves that read behind; closing in
// (or the process exiting) releases it.
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	stdio := server.NewStdioServer(s)
	stdio.SetErrorLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	w := &lockedWriter{w: out} // mcp-go writes each message in one Write, and so does the batch filter
	err := stdio.Listen(ctx, newBatchFilter(in, w), w)
	if err == nil || errors.Is(err, context.Canceled) && ctx.Err() != nil || errors.Is(err, io.ErrClosedPipe) {
		return nil
	}
	return fmt.Errorf("serve stdio: %w", err)
}
