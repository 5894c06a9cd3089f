package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Parts paging of conversations: a result holds at most MaxParts parts (the caller's max_parts, or the server's
// default), so a conversation with hundreds of parts never floods a model's context.
const (
	DefaultMaxParts = 50  // parts per result when neither the call nor the server says
	MaxPartsLimit   = 500 // the largest max_parts accepted (Intercom itself returns at most 500 parts)
)

// ToolOptions are what every tool constructor takes besides the data it reads.
type ToolOptions struct {
	// Logger receives internal errors (with the reference shown to the model) and debug traces; nil discards.
	Logger *slog.Logger
	// Metrics records calls, latencies and outcomes; nil records nothing.
	Metrics *Metrics
	// Now is the clock for relative timestamps in queries and for ages; nil means time.Now.
	Now func() time.Time
	// MaxParts is the default number of conversation parts per result; zero means DefaultMaxParts.
	MaxParts int
	// SyncState reads the syncer's progress and the workspace id from the replica's status; nil means
	// DefaultSyncState.
	SyncState func(index.Status) SyncState
	// StatusTTL is how long Tools shares one reading of the replica's status among calls; zero means one
	// second, negative means every call reads it.
	StatusTTL time.Duration
}

func (o ToolOptions) withDefaults() ToolOptions {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxParts <= 0 {
		o.MaxParts = DefaultMaxParts
	}
	o.MaxParts = min(o.MaxParts, MaxPartsLimit)
	if o.SyncState == nil {
		o.SyncState = DefaultSyncState
	}
	if o.StatusTTL == 0 {
		o.StatusTTL = time.Second
	}
	return o
}

// validator is implemented by argument types with rules a JSON schema cannot express.
type validator interface {
	validate() error
}

// typedHandler adapts run to mcp-go: it binds the arguments to A, validates them, runs, and turns every error
// into the tool result the model should see (classify). A panic becomes an internal error too, logged with its
// stack, so a bug in one call never reaches the transport.
func typedHandler[A any](name string, o ToolOptions, run func(ctx context.Context, args A) (*mcpgo.CallToolResult, error)) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcpgo.CallToolRequest) (res *mcpgo.CallToolResult, err error) {
		start := time.Now()
		outcome := outcomeOK
		defer func() {
			if r := recover(); r != nil {
				ref := errorRef()
				o.Logger.Error("tool call panicked", "tool", name, "ref", ref, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				res, err, outcome = internalError(ref), nil, outcomeInternal
			}
			o.Metrics.observeCall(name, outcome, time.Since(start))
		}()
		var args A
		if berr := req.BindArguments(&args); berr != nil {
			outcome = outcomeBadInput
			return mcpgo.NewToolResultError("Invalid arguments: " + berr.Error()), nil
		}
		if v, ok := any(&args).(validator); ok {
			if verr := v.validate(); verr != nil {
				res, outcome = classify(ctx, o.Logger, name, verr)
				return res, nil
			}
		}
		res, rerr := run(ctx, args)
		if rerr != nil {
			res, outcome = classify(ctx, o.Logger, name, rerr)
		}
		return res, nil
	}
}

// newResult builds a successful result with both forms: text for the model and the structured content.
func newResult(text string, structured any) *mcpgo.CallToolResult {
	return &mcpgo.CallToolResult{Content: []mcpgo.Content{mcpgo.NewTextContent(text)}, StructuredContent: structured}
}

// newTool builds a tool definition: a raw input schema (so limits and generated descriptions can appear in it),
// an output schema generated from the structured result type O, and the annotations. Every tool is read-only and
// idempotent; openWorld marks the tools that may call Intercom.
func newTool[O any](name, title, description string, input map[string]any, openWorld bool) mcpgo.Tool {
	input["type"] = "object"
	input["additionalProperties"] = false
	if _, ok := input["required"]; !ok {
		input["required"] = []string{}
	}
	raw, err := json.Marshal(input)
	if err != nil {
		panic(fmt.Sprintf("tool %s: input schema does not marshal: %v", name, err)) // a programming error, caught by the snapshot tests
	}
	t := mcpgo.NewTool(name,
		mcpgo.WithDescription(description),
		mcpgo.WithTitleAnnotation(title),
		mcpgo.WithReadOnlyHintAnnotation(true),
		mcpgo.WithDestructiveHintAnnotation(false),
		mcpgo.WithIdempotentHintAnnotation(true),
		mcpgo.WithOpenWorldHintAnnotation(openWorld),
		mcpgo.WithOutputSchema[O](),
	)
	t.InputSchema = mcpgo.ToolInputSchema{} // RawInputSchema replaces it; mcp-go refuses both
	t.RawInputSchema = raw
	return t
}

// Schema property helpers.

func stringProp(description string, extra ...any) map[string]any {
	return withExtra(map[string]any{"type": "string", "description": description}, extra)
}

func intProp(description string, minimum, maximum int, extra ...any) map[string]any {
	return withExtra(map[string]any{"type": "integer", "description": description, "minimum": minimum, "maximum": maximum}, extra)
}

// withExtra adds key/value pairs (alternating) to a property.
func withExtra(p map[string]any, kv []any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return p
}

// partsProps are the paging arguments of the tools that return a whole conversation.
func partsProps(props map[string]any, defaultMax int) map[string]any {
	props["parts_offset"] = intProp("Conversation parts to skip before the first one returned (0, the default, starts at the first reply). Use the next offset a previous result gave to read a long conversation page by page.", 0, 100000)
	props["max_parts"] = intProp(fmt.Sprintf("Conversation parts to return at most (default %d). The result says how many parts there are and what was left out.", defaultMax), 1, MaxPartsLimit)
	return props
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
