package mcp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

// The search tools answer every mistake in a query with an error that says what was wrong, never with silence or
// a flood: these tests drive them through a real client over stdio.

// TestSearch_LongQueryErrorIsShort: the search tool takes queries up to query.MaxLength bytes, the CLI's limit,
// and refuses a longer one with the query package's message (the limit and the length given), quoting none of it.
// Before, the input schema said 4,096 characters and mcp-go's validator answered instead.
func TestSearch_LongQueryErrorIsShort(t *testing.T) {
	s := connectStdio(t, newWorld(t))
	prefix := "object_type:conversations q:"
	fits := prefix + strings.Repeat("a", query.MaxLength-len(prefix))
	mustOK(t, s, "search", map[string]any{"query": fits})

	long := prefix + strings.Repeat("a", 100_000)
	text := mustToolError(t, s, "search", map[string]any{"query": long},
		fmt.Sprintf("query is %d bytes long; the limit is %d bytes", len(long), query.MaxLength))
	if len(text) > 300 {
		t.Errorf("error is %d bytes: %.300s", len(text), text)
	}
}

// TestSearch_ErrorsQuoteAWindow: an error about one term of a long query shows a window around the term, not the
// whole query.
func TestSearch_ErrorsQuoteAWindow(t *testing.T) {
	s := connectStdio(t, newWorld(t))
	pad := strings.Repeat("state:open ", 300)
	text := mustToolError(t, s, "search", map[string]any{"query": "object_type:conversations " + pad + "sate:open " + pad},
		`unknown field "sate"`, "^^^^")
	if len(text) > 400 {
		t.Errorf("error is %d bytes: %.400s", len(text), text)
	}
}

var _ = mcp.SearchResult{}
