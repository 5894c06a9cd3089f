package mcp

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

func TestClassify_WhatTheModelSees(t *testing.T) {
	t.Parallel()
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, nil))
	tests := []struct {
		name    string
		err     error
		outcome string
		want    string
	}{
		{"query error points at the term", &dslError{err: &query.Error{Pos: 26, Token: "stat", Msg: `unknown field "stat"`}, dsl: "object_type:conversations stat:open"}, outcomeBadInput, "stat:open\n                          ^^^^"},
		{"filter error", &query.Error{Pos: -1, Token: "per_page", Msg: "per_page must be between 1 and 150; got 0"}, outcomeBadInput, "per_page must be between 1 and 150"},
		{"message for the model", &PublicError{Msg: "conversation 5 does not exist in Intercom.", Err: ErrNotFound}, outcomeBadInput, "conversation 5 does not exist in Intercom."},
		{"bare not found", index.ErrNotFound, outcomeBadInput, "Not found"},
		{"cursor of another query", index.ErrInvalidCursor, outcomeBadInput, "Invalid starting_after cursor"},
		{"anything else is internal", errors.New("bbolt: page 4711 corrupt at /var/lib/x"), outcomeInternal, "Internal error (reference "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logBuf.Reset()
			res, outcome := classify(context.Background(), log, "search", tc.err)
			text := res.Content[0].(mcpgo.TextContent).Text
			if !res.IsError || outcome != tc.outcome || !strings.Contains(text, tc.want) {
				t.Errorf("isError %v outcome %s text %q; want outcome %s and %q", res.IsError, outcome, text, tc.outcome, tc.want)
			}
			if tc.outcome == outcomeInternal {
				if strings.Contains(text, "bbolt") || strings.Contains(text, "/var/lib") {
					t.Errorf("internal detail shown to the model: %q", text)
				}
				ref := strings.TrimSuffix(strings.Fields(text)[3], ").")
				if !strings.Contains(logBuf.String(), "ref="+ref) || !strings.Contains(logBuf.String(), "page 4711 corrupt") {
					t.Errorf("log lacks the reference %s and the detail:\n%s", ref, logBuf.String())
				}
			} else if logBuf.Len() > 0 {
				t.Errorf("a bad argument was logged as an error: %s", logBuf.String())
			}
		})
	}
}

func TestTypedHandler_PanicBecomesInternalError(t *testing.T) {
	t.Parallel()
	var logBuf bytes.Buffer
	o := ToolOptions{Logger: slog.New(slog.NewTextHandler(&logBuf, nil))}.withDefaults()
	h := typedHandler(SearchTool(nil, nil, o).Tool, o, func(ctx context.Context, args SearchArgs) (*mcpgo.CallToolResult, error) {
		panic("boom")
	})
	req := mcpgo.CallToolRequest{}
	req.Params.Arguments = map[string]any{"query": "object_type:contacts"}
	res, err := h(context.Background(), req)
	if err != nil || !res.IsError || !strings.Contains(res.Content[0].(mcpgo.TextContent).Text, "Internal error") {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if !strings.Contains(logBuf.String(), "panicked") || !strings.Contains(logBuf.String(), "stack=") {
		t.Errorf("panic not logged with its stack:\n%s", logBuf.String())
	}
}
