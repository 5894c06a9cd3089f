package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// The list tools (search_conversations, search_contacts, list_companies, list_articles, search_articles,
// search_tickets) are one tool over the kinds: a filter type of package query describes a query, the replica
// answers it, and the page comes back as summaries (text and structured content) with its total, cursor, note,
// query and freshness. This file is the one home of that glue; a list tool is a listTool value naming only what
// differs (its name and words, its filter, its summary, its result's key), so adding one is a table entry.

// ListInfo is what every list tool's result (and the search tool's) says besides its items: the total, the
// paging, the note, the query as run, and the freshness. The results embed it after their items.
type ListInfo struct {
	TotalCount  int       `json:"total_count"`
	TotalInPage int       `json:"total_in_page"`
	Pages       Pages     `json:"pages"`
	Note        string    `json:"_note,omitempty"`
	Query       string    `json:"query"` // the query as run, in the search DSL's canonical form, without its cursor
	Freshness   Freshness `json:"freshness"`
}

// listFilter is a structured filter of package query (query.ConversationFilter, query.TicketFilter, ...): the
// arguments of a list tool, describing its query.
type listFilter interface {
	Query(query.Options) (query.Query, error)
}

// listItem is a list tool's summary of one record, as its numbered entry in the text shows it.
type listItem interface {
	line() string    // the entry's first line, after its number
	below() []string // the lines indented under it, customer-written ones quoted after "> " (quoted)
}

// listTool is what one list tool has of its own; serverTool makes the tool of it.
type listTool[F listFilter, S listItem, R any] struct {
	name, title, description string
	kind                     query.Kind                        // the kind F describes: its schema's closed sets of values
	summarize                func(index.Hit, rowEnv) S         // a hit's summary
	result                   func(items []S, info ListInfo) *R // the structured result: the items under the tool's key
}

// serverTool is the tool t describes: its arguments are F (filterSchema), its output schema R's, and a call runs the
// query F describes against s and answers with the page (listPage.text, t.result).
func (t listTool[F, S, R]) serverTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[R](t.name, t.title, t.description, filterSchema[F](t.kind), false)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, f F) (*mcpgo.CallToolResult, error) {
		p, err := runList(ctx, f, s, status, o, t.summarize)
		if err != nil {
			return nil, err
		}
		return newResult(p.text(), t.result(p.items, p.ListInfo)), nil
	})}
}

// listPage is one page of a list tool: the hits' summaries and what the result says about them.
type listPage[S listItem] struct {
	ListInfo
	items  []S // never nil, so an empty page encodes as []
	kind   query.Kind
	later  bool // a page after the first (the query had a cursor)
	ranked bool // the query had free text: snippets mark the matches
}

// runList runs the query f describes and shapes its page, each hit summarized by summarize.
func runList[F listFilter, S listItem](ctx context.Context, f F, s Searcher, status StatusSource, o ToolOptions,
	summarize func(index.Hit, rowEnv) S) (listPage[S], error) {
	q, err := f.Query(query.Options{Now: o.Now})
	if err != nil {
		return listPage[S]{}, err
	}
	res, err := s.Search(ctx, q)
	if err != nil {
		return listPage[S]{}, fmt.Errorf("search %s: %w", q.Kind.Plural(), err)
	}
	info := replicaInfo(ctx, status, o)
	env := rowEnv{appID: info.appID, names: namesOf(ctx, s)}
	p := listPage[S]{
		ListInfo: ListInfo{
			TotalCount: res.Total, TotalInPage: len(res.Hits), Pages: pagesOf(q, res),
			Note: withQueryNote(q, res, structuredNote(res)), Query: withoutCursor(q).String(), Freshness: info.freshness(),
		},
		items: make([]S, 0, len(res.Hits)), kind: q.Kind, later: q.StartingAfter != "", ranked: len(q.Text) > 0,
	}
	for _, h := range res.Hits {
		p.items = append(p.items, summarize(h, env))
	}
	return p, nil
}

// text renders the page for the model: the header, each item's numbered entry, and the note.
func (p listPage[S]) text() string {
	var b strings.Builder
	writeListHeader(&b, p.TotalCount, len(p.items), p.kind, p.Query, p.later, p.Freshness)
	if p.ranked && len(p.items) > 0 {
		b.WriteString(snippetsNotice + "\n\n")
	}
	for i, item := range p.items {
		fmt.Fprintf(&b, "%d. %s\n", i+1, item.line())
		for _, l := range item.below() {
			b.WriteString("   " + l + "\n")
		}
	}
	writeNote(&b, p.Note, len(p.items) > 0)
	return strings.TrimRight(b.String(), "\n")
}

// quoted are the non-empty lines after "> ": customer-written text under an entry.
func quoted(lines ...string) []string {
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, "> "+l)
		}
	}
	return out
}

// rowEnv is what shaping a search hit needs besides the hit: the workspace (for links) and the names of ids.
type rowEnv struct {
	appID string
	names NameLookup // nil: ids are shown without names
}

// pagesOf describes the paging of a search.
func pagesOf(q query.Query, res index.Result) Pages {
	p := Pages{Type: "pages", PerPage: q.Limit}
	if res.Next != "" {
		p.Next = &NextPage{StartingAfter: res.Next}
	}
	return p
}

// structuredNote is the note of a structured search with more results.
func structuredNote(res index.Result) string {
	if res.Next == "" {
		return ""
	}
	return "More results available. To get the next page, call again with the same filters and starting_after: \"" + res.Next + "\""
}

// withQueryNote puts the query's note (what was changed from what was asked: a limit or per_page above a page,
// capped) and the replica's (a name it took for another, or does not know) before note, the page's own.
func withQueryNote(q query.Query, res index.Result, note string) string {
	var parts []string
	for _, p := range []string{q.Note, res.Note, note} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// writeNote writes a result's note last. A note may quote customer-written values (a tag's name, a value records
// hold): unless noticed (a result shown above came after the data notice), the notice comes first.
func writeNote(b *strings.Builder, note string, noticed bool) {
	if note == "" {
		return
	}
	if !noticed {
		b.WriteString("\n" + dataNotice + "\n")
	}
	b.WriteString("\n" + note + "\n")
}

// writeListHeader writes the first lines of a search's text: how many match, how many are shown, the freshness,
// and when results follow, the data notice.
func writeListHeader(b *strings.Builder, total, inPage int, kind query.Kind, dsl string, later bool, fresh Freshness) {
	what, verb := kind.Plural(), "match"
	if total == 1 {
		what, verb = string(kind), "matches"
	}
	switch {
	case total == 0:
		fmt.Fprintf(b, "No %s match %s\n", kind.Plural(), dsl)
	case later:
		fmt.Fprintf(b, "%s %s %s %s; this later page shows %d.\n", formatCount(total), what, verb, dsl, inPage)
	default:
		fmt.Fprintf(b, "%s %s %s %s; showing %d.\n", formatCount(total), what, verb, dsl, inPage)
	}
	writeField(b, "Freshness", fresh.line())
	if inPage > 0 {
		b.WriteString("\n" + dataNotice + "\n\n")
	}
}

// filterSchema is the input schema of a structured search tool: generated from the filter type of package query
// (the single definition of its parameters), with the closed sets of values taken from the catalog (followed by
// any other value the filter's own tag offers, such as an article state's all) and the page
// size described as the DSL's limit. per_page has no maximum: mcp-go validates arguments against the schema
// before the handler runs, and a per_page above a page is answered with the largest page and a note.
func filterSchema[F any](kind query.Kind) map[string]any {
	raw := mcpgo.NewTool("schema", mcpgo.WithInputSchema[F]()).RawInputSchema
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil || schema == nil {
		panic(fmt.Sprintf("no input schema for %T: %v", *new(F), err)) // a programming error, caught by every test
	}
	props, _ := schema["properties"].(map[string]any)
	cat := query.CatalogFor(kind)
	for name, p := range props {
		prop, _ := p.(map[string]any)
		if prop == nil {
			continue
		}
		if f, ok := cat.Lookup(name); ok && len(f.Enum) > 0 {
			enum := slices.Clone(f.Enum)
			for _, extra := range asList(prop["enum"]) { // values the filter takes besides the field's (state: all)
				if e, ok := extra.(string); ok && !slices.Contains(enum, e) {
					enum = append(enum, e)
				}
			}
			prop["enum"] = enum
		}
	}
	if p, ok := props["per_page"].(map[string]any); ok {
		p["minimum"] = 1
		p["description"] = fmt.Sprintf("Results per page (default %d); a page holds at most %d, and a larger number returns %d with a note saying so.", query.DefaultLimit, query.MaxLimit, query.MaxLimit)
	}
	delete(schema, "$schema")
	return schema
}
