package mcp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// rowItem is a list tool's item in these tests: an entry of a line and the lines under it.
type rowItem struct {
	ID    string   `json:"id"`
	Below []string `json:"below,omitempty"`
}

func (r rowItem) line() string    { return r.ID }
func (r rowItem) below() []string { return r.Below }

// rowsResult is a list tool's result in these tests: the items under their own key, then ListInfo.
type rowsResult struct {
	Rows []rowItem `json:"rows"`
	ListInfo
}

// hitSearcher answers every search with res and keeps the query it was asked.
type hitSearcher struct {
	res   index.Result
	asked query.Query
}

func (s *hitSearcher) Search(_ context.Context, q query.Query) (index.Result, error) {
	s.asked = q
	return s.res, nil
}

// emptyStatus is a replica that says nothing about itself.
type emptyStatus struct{}

func (emptyStatus) Status(context.Context) (index.Status, error) { return index.Status{}, nil }

// TestListTool_TableEntry builds a list tool from a table entry alone and calls it: the filter becomes the query,
// each hit its summary, and the page the text and a result with the items under the entry's key, inlined with
// ListInfo in both the JSON and the output schema.
func TestListTool_TableEntry(t *testing.T) {
	t.Parallel()
	s := &hitSearcher{res: index.Result{Total: 5, Next: "c2", Hits: []index.Hit{
		{Kind: query.KindTicket, ID: "1", Title: "Printer on fire"},
		{Kind: query.KindTicket, ID: "2", Title: "Refund"},
	}}}
	st := listTool[query.TicketFilter, rowItem, rowsResult]{
		name: "list_rows", title: "List rows", description: "Rows.", kind: query.KindTicket,
		summarize: func(h index.Hit, _ rowEnv) rowItem { return rowItem{ID: h.ID, Below: []string{h.Title}} },
		result:    func(items []rowItem, info ListInfo) *rowsResult { return &rowsResult{Rows: items, ListInfo: info} },
	}.serverTool(s, emptyStatus{}, ToolOptions{})

	var out map[string]any
	if err := json.Unmarshal(st.Tool.RawOutputSchema, &out); err != nil {
		t.Fatal(err)
	}
	props, _ := out["properties"].(map[string]any)
	for _, key := range []string{"rows", "total_count", "total_in_page", "pages", "_note", "query", "freshness"} {
		if _, ok := props[key]; !ok {
			t.Errorf("output schema has no %s: %v", key, props)
		}
	}
	if _, ok := props["ListInfo"]; ok {
		t.Errorf("output schema nests ListInfo instead of inlining it: %v", props)
	}

	res, err := st.Handler(context.Background(), mcpgo.CallToolRequest{Params: mcpgo.CallToolParams{
		Name: "list_rows", Arguments: map[string]any{"state": "submitted", "per_page": 2},
	}})
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	if s.asked.Kind != query.KindTicket || s.asked.Limit != 2 {
		t.Errorf("asked %+v, want a tickets query of 2", s.asked)
	}
	got, ok := res.StructuredContent.(*rowsResult)
	if !ok {
		t.Fatalf("structured content is %T", res.StructuredContent)
	}
	want := `{"rows":[{"id":"1","below":["Printer on fire"]},{"id":"2","below":["Refund"]}],"total_count":5,"total_in_page":2,` +
		`"pages":{"type":"pages","per_page":2,"next":{"starting_after":"c2"}},` +
		`"_note":"More results available. To get the next page, call again with the same filters and starting_after: \"c2\"",` +
		`"query":"object_type:tickets state:submitted limit:2",`
	if b, _ := json.Marshal(got); !strings.HasPrefix(string(b), want) {
		t.Errorf("structured content\n%s\nwant it to start\n%s", b, want)
	}
	text := res.Content[0].(mcpgo.TextContent).Text
	for _, part := range []string{"5 tickets match object_type:tickets state:submitted limit:2; showing 2.\n",
		"\n1. 1\n   Printer on fire\n2. 2\n   Refund\n\nMore results available."} {
		if !strings.Contains(text, part) {
			t.Errorf("text\n%s\nwants %q", text, part)
		}
	}
}

// TestListPage_Text pins how a page reads, from its data alone.
func TestListPage_Text(t *testing.T) {
	t.Parallel()
	fresh := Freshness{Source: SourceReplica, Replica: ReplicaState{Complete: true}}
	head := "Freshness: " + fresh.line() + "\n\n" + dataNotice + "\n\n"
	cases := []struct {
		name string
		page listPage[rowItem]
		want string
	}{
		{"empty", listPage[rowItem]{ListInfo: ListInfo{Query: "object_type:articles", Freshness: fresh}, kind: query.KindArticle},
			"No articles match object_type:articles\nFreshness: " + fresh.line()},
		{"empty with a note: the data notice comes first",
			listPage[rowItem]{ListInfo: ListInfo{Query: "object_type:articles", Note: `No tag "VIP".`, Freshness: fresh}, kind: query.KindArticle},
			"No articles match object_type:articles\nFreshness: " + fresh.line() + "\n\n" + dataNotice + "\n\nNo tag \"VIP\"."},
		{"one, its lines under it",
			listPage[rowItem]{ListInfo: ListInfo{TotalCount: 1, Query: "object_type:tickets", Freshness: fresh}, kind: query.KindTicket,
				items: []rowItem{{ID: "ticket_1 \"Printer\"", Below: []string{"> on fire", "https://x"}}}},
			"1 ticket matches object_type:tickets; showing 1.\n" + head + "1. ticket_1 \"Printer\"\n   > on fire\n   https://x"},
		{"ranked, a later page",
			listPage[rowItem]{ListInfo: ListInfo{TotalCount: 1200, Query: `object_type:articles q:"refund"`, Note: "More.", Freshness: fresh},
				kind: query.KindArticle, later: true, ranked: true, items: []rowItem{{ID: "a"}, {ID: "b"}}},
			"1,200 articles match object_type:articles q:\"refund\"; this later page shows 2.\n" + head + snippetsNotice + "\n\n1. a\n2. b\n\nMore."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.page.text(); got != c.want {
				t.Errorf("text\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestConversationSummary_Below: an entry quotes the start of the opening message, at most 160 runes of it, as
// search_conversations did from the hit before its summary rendered itself (the summary holds 300).
func TestConversationSummary_Below(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 100, 160, 161, 299, 300, 301, 400} {
		h := index.Hit{Kind: query.KindConversation, ID: "1", Preview: strings.Repeat("é", n)}
		got := strings.Join(conversationSummary(h, rowEnv{}).below(), "\n")
		var want string
		if p := sanitizeLine(h.Preview); p != "" {
			want = "> " + truncateRunes(p, 160)
		}
		if got != want {
			t.Errorf("%d runes: below %q, want %q", n, got, want)
		}
	}
}
