package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
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

// typedHandler adapts run to mcp-go for tool: it checks the arguments against the tool's input schema (checkArgs:
// every failure a sentence), binds them to A, validates them further, runs, and turns every error into the tool
// result the model should see (classify). A panic becomes an internal error too, logged with its stack, so a bug in
// one call never reaches the transport.
func typedHandler[A any](tool mcpgo.Tool, o ToolOptions, run func(ctx context.Context, args A) (*mcpgo.CallToolResult, error)) server.ToolHandlerFunc {
	name := tool.Name
	schema, err := compileArgSchema(tool.RawInputSchema)
	if err != nil {
		panic(fmt.Sprintf("tool %s: %v", name, err)) // a programming error, caught by every test
	}
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
		args, problems := checkArgs(schema, req.Params.Arguments)
		if len(problems) > 0 {
			outcome = outcomeBadInput
			return mcpgo.NewToolResultError("Invalid arguments: " + strings.Join(problems, " ")), nil
		}
		var a A
		if berr := bindArgs(args, &a); berr != nil {
			res, outcome = classify(ctx, o.Logger, name, fmt.Errorf("bind checked arguments: %w", berr))
			return res, nil
		}
		if v, ok := any(&a).(validator); ok {
			if verr := v.validate(); verr != nil {
				res, outcome = classify(ctx, o.Logger, name, verr)
				return res, nil
			}
		}
		res, rerr := run(ctx, a)
		if rerr != nil {
			res, outcome = classify(ctx, o.Logger, name, rerr)
		}
		return res, nil
	}
}

// bindArgs decodes checked arguments into a; a failure means the schema and A disagree.
func bindArgs(args map[string]any, a any) error { return remarshal(args, a) }

// newResult builds a successful result with both forms: text for the model and the structured content.
func newResult(text string, structured any) *mcpgo.CallToolResult {
	return &mcpgo.CallToolResult{Content: []mcpgo.Content{mcpgo.NewTextContent(text)}, StructuredContent: structured}
}

// newTool builds a tool definition: a raw input schema (so limits and generated descriptions can appear in it),
// an output schema generated from the structured result type O, and the annotations. Every tool is read-only and
// idempotent; openWorld marks the tools that may call Intercom. Both schemas are made portable (portableSchema).
func newTool[O any](name, title, description string, input map[string]any, openWorld bool) mcpgo.Tool {
	input["type"] = "object"
	input["additionalProperties"] = false
	if _, ok := input["required"]; !ok {
		input["required"] = []string{}
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
	t.RawInputSchema = mustPortableJSON(name, "input", input)
	var output map[string]any
	if err := remarshal(t.OutputSchema, &output); err != nil {
		panic(fmt.Sprintf("tool %s: output schema: %v", name, err)) // a programming error, caught by the snapshot tests
	}
	t.OutputSchema = mcpgo.ToolOutputSchema{}
	t.RawOutputSchema = mustPortableJSON(name, "output", output)
	return t
}

// Tool schemas are read by clients that map them onto a strict subset of JSON Schema (OpenAI's strict function
// calling, the OpenAPI subset of Gemini function declarations): a type union such as ["null", "array"], a node
// without a type, or keywords such as format, pattern, minLength and maxLength make such a client reject the tool
// or drop the constraint. portableSchema rewrites what the generated schemas carry into that subset (nullable
// unions become the one non-null type: an argument left out, or null, is the same to the tools, and no result
// holds null), and TestSchemas_Portable fails on anything else. Limits a portable schema cannot say are checked by
// the handlers, with sentence errors.

// portableSchema rewrites a schema node and everything under it: a type union with null becomes its other type,
// and a node with no type (a Go any) becomes a string, which checkArgs also reads from a number.
func portableSchema(node map[string]any) {
	switch t := node["type"].(type) {
	case []any:
		var keep []any
		for _, e := range t {
			if e != "null" {
				keep = append(keep, e)
			}
		}
		if len(keep) == 1 {
			node["type"] = keep[0]
		}
	case nil:
		if _, ok := node["$ref"]; !ok {
			node["type"] = "string"
		}
	}
	for _, key := range []string{"properties"} {
		for _, sub := range asMap(node[key]) {
			if m := asMap(sub); m != nil {
				portableSchema(m)
			}
		}
	}
	for _, key := range []string{"items", "additionalProperties"} {
		if m := asMap(node[key]); m != nil {
			portableSchema(m)
		}
	}
}

// mustPortableJSON makes schema portable and encodes it; a schema that does not encode is a programming error.
func mustPortableJSON(tool, which string, schema map[string]any) json.RawMessage {
	var generic map[string]any
	if err := remarshal(schema, &generic); err != nil {
		panic(fmt.Sprintf("tool %s: %s schema does not encode: %v", tool, which, err))
	}
	delete(generic, "$schema")
	portableSchema(generic)
	raw, err := json.Marshal(generic)
	if err != nil {
		panic(fmt.Sprintf("tool %s: %s schema does not encode: %v", tool, which, err))
	}
	return raw
}

// remarshal converts v to out through JSON.
func remarshal(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
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

// partsProps are the paging arguments of the tools that return a whole conversation (and, with ticket set, a
// whole ticket).
func partsProps(props map[string]any, defaultMax int, ticket bool) map[string]any {
	what, first, whole := "Conversation", "the first reply", "a long conversation"
	if ticket {
		what, first, whole = "Ticket", "the first part", "a long ticket"
	}
	props["parts_offset"] = intProp(fmt.Sprintf("%s parts to skip before the first one returned (0, the default, starts at %s). Use the next offset a previous result gave to read %s page by page.", what, first, whole), 0, 100000)
	props["max_parts"] = intProp(fmt.Sprintf("%s parts to return at most (default %d). The result says how many parts there are and what was left out.", what, defaultMax), 1, MaxPartsLimit)
	return props
}
