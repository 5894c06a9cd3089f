package mcp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// What the model is told about a failure is decided here, once, in the spirit of wtf's error split: a bad argument
// or a missing record is a tool error (isError) whose message says what to do; anything else is an internal error,
// shown to the model only as "internal error" with a reference, while the detail goes to the operator's log.

// PublicError is an error whose message is written for the model: it is shown as is in a tool error. Err, when
// set, is the underlying cause for the log.
type PublicError struct {
	Msg string
	Err error
}

// Error returns the message written for the model.
func (e *PublicError) Error() string { return e.Msg }

// Unwrap returns the underlying cause, for errors.Is and errors.As.
func (e *PublicError) Unwrap() error { return e.Err }

// dslError is a query error with the DSL it came from, so the message can point at the offending term.
type dslError struct {
	err *query.Error
	dsl string
}

func (e *dslError) Error() string { return e.err.Caret(e.dsl) }
func (e *dslError) Unwrap() error { return e.err }

// classify turns err into what the model sees and the outcome label of the call. Internal errors are logged with
// a reference the message repeats.
func classify(ctx context.Context, log *slog.Logger, tool string, err error) (*mcpgo.CallToolResult, string) {
	var (
		dsl  *dslError
		qerr *query.Error
		pub  *PublicError
	)
	switch {
	case errors.As(err, &dsl):
		return mcpgo.NewToolResultError("Invalid query: " + dsl.Error()), outcomeBadInput
	case errors.As(err, &qerr):
		return mcpgo.NewToolResultError("Invalid arguments: " + qerr.Error()), outcomeBadInput
	case errors.As(err, &pub):
		return mcpgo.NewToolResultError(pub.Msg), outcomeBadInput
	case errors.Is(err, index.ErrNotFound):
		return mcpgo.NewToolResultError("Not found: " + err.Error()), outcomeBadInput
	case errors.Is(err, index.ErrInvalidCursor):
		return mcpgo.NewToolResultError("Invalid starting_after cursor: it must be the cursor returned by the previous page of the same query, unchanged. Leave it out to start from the first page."), outcomeBadInput
	case ctx.Err() != nil:
		log.Debug("tool call ended with its context", "tool", tool, "err", err)
		return mcpgo.NewToolResultError("The call was cancelled or timed out before it finished."), outcomeBadInput
	}
	ref := errorRef()
	log.Error("tool call failed", "tool", tool, "ref", ref, "err", err)
	return internalError(ref), outcomeInternal
}

func internalError(ref string) *mcpgo.CallToolResult {
	return mcpgo.NewToolResultError(fmt.Sprintf("Internal error (reference %s). The server's log has the details; retrying may help.", ref))
}

// errorRef returns a short random reference tying a message shown to the model to a log line.
func errorRef() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
