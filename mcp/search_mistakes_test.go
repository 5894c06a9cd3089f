package mcp_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

// The search tools answer every mistake in a query with an error that says what was wrong, never with silence or
// a flood: these tests drive them through a real client over stdio.

// TestSearch_LongQueryErrorIsShort: the search tool takes queries up to query.MaxLength bytes, the CLI's limit,
// and refuses a longer one with the query package's message (the limit and the length given), quoting none of it.
// Before, the input schema said 4,096 characters and mcp-go's validator answered instead.
func TestSearch_LongQueryErrorIsShort(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	s := connectStdio(t, newWorld(t))
	pad := strings.Repeat("state:open ", 300)
	text := mustToolError(t, s, "search", map[string]any{"query": "object_type:conversations " + pad + "sate:open " + pad},
		`unknown field "sate"`, "^^^^")
	if len(text) > 400 {
		t.Errorf("error is %d bytes: %.400s", len(text), text)
	}
}

// TestSearch_LimitAboveAPageIsCapped: asking for more than a page holds gives the largest page and a note saying
// so, in the text and the structured result, from all three search tools. Before, limit:500 and per_page: 500
// were errors.
func TestSearch_LimitAboveAPageIsCapped(t *testing.T) {
	t.Parallel()
	s := connectStdio(t, newWorld(t))
	check := func(tool string, res *sdk.CallToolResult, out any, note string, pages mcp.Pages, inPage int) {
		t.Helper()
		want := note + " is more than a page holds; returned the largest page, 150."
		if pages.PerPage != query.MaxLimit || inPage == 0 {
			t.Errorf("%s: per_page %d, %d in page; want %d", tool, pages.PerPage, inPage, query.MaxLimit)
		}
		if !strings.Contains(textOf(res), want) {
			t.Errorf("%s: text lacks %q:\n%s", tool, want, textOf(res))
		}
		if b, _ := json.Marshal(out); !strings.Contains(string(b), `"_note":"`+want) {
			t.Errorf("%s: structured _note lacks %q: %s", tool, want, b)
		}
	}

	res := mustOK(t, s, "search", map[string]any{"query": "object_type:conversations tag:bulk limit:500"})
	var dsl mcp.SearchResult
	structured(t, res, &dsl)
	check("search", res, dsl, "limit 500", dsl.Pages, dsl.TotalInPage)
	if dsl.TotalInPage != bulkCount || dsl.Query != "object_type:conversations tag:bulk limit:150" {
		t.Errorf("search: %d results for %s", dsl.TotalInPage, dsl.Query)
	}

	res = mustOK(t, s, "search_conversations", map[string]any{"tags": []any{"bulk"}, "per_page": 500})
	var conv mcp.SearchConversationsResult
	structured(t, res, &conv)
	check("search_conversations", res, conv, "per_page 500", conv.Pages, conv.TotalInPage)

	res = mustOK(t, s, "search_contacts", map[string]any{"per_page": 1000})
	var contacts mcp.SearchContactsResult
	structured(t, res, &contacts)
	check("search_contacts", res, contacts, "per_page 1000", contacts.Pages, contacts.TotalInPage)

	mustToolError(t, s, "search", map[string]any{"query": "object_type:conversations limit:0"}, "limit must be at least 1")
	// The schema keeps per_page's minimum, so mcp-go's validator answers these.
	mustToolError(t, s, "search_contacts", map[string]any{"per_page": 0}, "per_page")
	mustToolError(t, s, "search_conversations", map[string]any{"per_page": -3}, "per_page")
}

// TestSearch_NothingToSearchFor: free text or a text-field term without a word is an error naming the term, shown
// as a query error. Before, q:"!!!" matched every record.
func TestSearch_NothingToSearchFor(t *testing.T) {
	t.Parallel()
	s := connectStdio(t, newWorld(t))
	for _, tc := range []struct{ query, term string }{
		{`object_type:conversations q:"!!!"`, `q:"!!!"`},
		{`object_type:conversations q:* state:open`, `q:*`},
		{`object_type:conversations q:"€"`, `q:"€"`},
		{`object_type:conversations q:"-"`, `q:"-"`},
		{`object_type:contacts q:the`, `q:the`},
		{`object_type:conversations source_body:contains:"!!!"`, `source_body:contains:!!!`},
		{"object_type:conversations q:\"\xff\"", "q:\"\uFFFD\""}, // JSON carries invalid UTF-8 as U+FFFD
	} {
		mustToolError(t, s, "search", map[string]any{"query": tc.query}, "Invalid query: "+tc.term+" has no word to search for")
	}
}

// TestSearchContacts_PhoneByDigits: search_contacts' phone, and phone: in the DSL, compare the digits (Jane's
// number is stored as "+49 30 1234567"). Before, only the exact formatting found her.
func TestSearchContacts_PhoneByDigits(t *testing.T) {
	t.Parallel()
	s := connectStdio(t, newWorld(t))
	for _, phone := range []string{"+49 30 1234567", "+49301234567", "49-30-123-4567", "(49) 30 1234567"} {
		var out mcp.SearchContactsResult
		structured(t, mustOK(t, s, "search_contacts", map[string]any{"phone": phone}), &out)
		if out.TotalCount != 1 || out.Data[0].ID != "contact_"+contactJane {
			t.Errorf("phone %q: %+v; want Jane", phone, out.Data)
		}
	}
	var dsl mcp.SearchResult
	structured(t, mustOK(t, s, "search", map[string]any{"query": "object_type:contacts phone:+49301234567"}), &dsl)
	if dsl.TotalCount != 1 {
		t.Errorf("search phone:+49301234567: %d results; want Jane", dsl.TotalCount)
	}
	mustToolError(t, s, "search_contacts", map[string]any{"phone": "n/a"}, `phone compares the digits of phone numbers; "n/a" has none`)
}
