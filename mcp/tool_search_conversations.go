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

// SearchConversationsResult is the structured result of search_conversations: the hosted server's shape
// ({total_in_page, conversations, pages, _note}) with summaries instead of whole conversations (get_conversation
// or fetch has the rest), the total, the query as run, and the freshness.
type SearchConversationsResult struct {
	Conversations []ConversationSummary `json:"conversations"`
	TotalCount    int                   `json:"total_count"`
	TotalInPage   int                   `json:"total_in_page"`
	Pages         Pages                 `json:"pages"`
	Note          string                `json:"_note,omitempty"`
	Query         string                `json:"query"` // the equivalent search DSL
	Freshness     Freshness             `json:"freshness"`
}

const searchConversationsDescription = `Search conversations with structured filters (the same filters as Intercom's search_conversations tool, plus a few more). All given filters must match; list filters (ids, contact_ids, tags, tag_ids) match any of their values. Ranges take {"operator": ">", "value": 3600} (operators > >= < <= = !=) or bounds {"gte": ..., "lt": ...}; timestamps accept Unix seconds, 2025-01-31, RFC 3339 or a time ago (7d, 24h).

Answered from the local replica in milliseconds; results are newest first, as summaries with prefixed ids (conversation_123) to pass to get_conversation or fetch. When more results exist, the result gives the starting_after cursor of the next page. For free-text search over every message, use the search tool with q:"...".

Example: {"state": "open", "source_type": "email", "statistics_time_to_admin_reply": {"operator": ">", "value": 3600}, "per_page": 20}`

// SearchConversationsTool is search_conversations: structured filters, through the same query AST as search.
func SearchConversationsTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[SearchConversationsResult]("search_conversations", "Search conversations by filters",
		searchConversationsDescription, filterSchema[query.ConversationFilter](query.KindConversation), false)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, f query.ConversationFilter) (*mcpgo.CallToolResult, error) {
		p, err := structuredSearch(ctx, f, s, status, o, conversationSummary,
			func(b *strings.Builder, n int, h index.Hit, c ConversationSummary) {
				fmt.Fprintf(b, "%d. %s\n", n, c.line())
				if p := sanitizeLine(h.Preview); p != "" {
					b.WriteString("   > " + truncateRunes(p, 160) + "\n")
				}
			})
		if err != nil {
			return nil, err
		}
		return newResult(p.text, &SearchConversationsResult{
			Conversations: p.items, TotalCount: p.total, TotalInPage: len(p.items),
			Pages: p.pages, Note: p.note, Query: p.dsl, Freshness: p.fresh,
		}), nil
	})}
}

// structuredPage is one page of a structured search (search_conversations, search_contacts): the hits' summaries,
// what the result says about them, and its text.
type structuredPage[S any] struct {
	items []S // never nil, so an empty page encodes as []
	total int
	pages Pages
	note  string
	dsl   string // the query as run, without its cursor
	fresh Freshness
	text  string
}

// structuredSearch runs the query a structured search's filter describes and shapes its page: summarize makes
// each hit's summary, and entry writes the hit's numbered entry (n from 1) in the text, between the header and
// the note.
func structuredSearch[F interface {
	Query(query.Options) (query.Query, error)
}, S any](ctx context.Context, f F, s Searcher, status StatusSource, o ToolOptions, summarize func(index.Hit, rowEnv) S,
	entry func(b *strings.Builder, n int, h index.Hit, item S)) (structuredPage[S], error) {
	q, err := f.Query(query.Options{Now: o.Now})
	if err != nil {
		return structuredPage[S]{}, err
	}
	res, err := s.Search(ctx, q)
	if err != nil {
		return structuredPage[S]{}, fmt.Errorf("search %s: %w", q.Kind.Plural(), err)
	}
	info := replicaInfo(ctx, status, o)
	env := rowEnv{appID: info.appID, names: namesOf(ctx, s)}
	p := structuredPage[S]{
		items: make([]S, 0, len(res.Hits)), total: res.Total, pages: pagesOf(q, res), note: withQueryNote(q, res, structuredNote(res)),
		dsl: withoutCursor(q).String(), fresh: info.freshness(),
	}
	var b strings.Builder
	writeListHeader(&b, p.total, len(res.Hits), q.Kind, p.dsl, q.StartingAfter != "", p.fresh)
	if len(q.Text) > 0 && len(res.Hits) > 0 {
		b.WriteString(snippetsNotice + "\n\n")
	}
	for i, h := range res.Hits {
		item := summarize(h, env)
		p.items = append(p.items, item)
		entry(&b, i+1, h, item)
	}
	writeNote(&b, p.note, len(res.Hits) > 0)
	p.text = strings.TrimRight(b.String(), "\n")
	return p, nil
}

// rowEnv is what shaping a search hit needs besides the hit: the workspace (for links) and the names of ids.
type rowEnv struct {
	appID string
	names NameLookup // nil: ids are shown without names
}

// conversationSummary shapes a hit as a conversation summary.
func conversationSummary(h index.Hit, env rowEnv) ConversationSummary {
	return ConversationSummary{
		ID: query.FormatID(query.KindConversation, h.ID), Title: sanitizeLine(h.Title), State: h.State,
		Priority: h.Priority, SourceType: h.SourceType, AuthorName: sanitizeLine(h.AuthorName),
		AuthorEmail: sanitizeLine(h.AuthorEmail), Tags: sanitizeList(h.Tags),
		AdminAssigneeID: h.AdminAssigneeID, AdminAssigneeName: nameOf(env.names, query.KindAdmin, h.AdminAssigneeID),
		TeamAssigneeID: h.TeamAssigneeID, TeamAssigneeName: nameOf(env.names, query.KindTeam, h.TeamAssigneeID),
		CreatedAt: rfc3339(h.CreatedAt), UpdatedAt: rfc3339(h.UpdatedAt), Preview: truncateRunes(sanitizeLine(h.Preview), 300),
		URL: appURL(env.appID, query.KindConversation, h.ID),
	}
}

// assigneesLabel shows a conversation's assignees with their names: "assigned to \"Alex Rivera\" (7001), team
// \"Billing\" (42)"; "" when unassigned.
func assigneesLabel(adminID, adminName, teamID, teamName string) string {
	return prefixed("assigned to ", joinNonEmpty(", ", prefixed("admin ", namedID(adminName, adminID)),
		prefixed("team ", namedID(teamName, teamID))))
}

func sanitizeList(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = sanitizeLine(s)
	}
	return out
}

// pagesOf describes the paging of a structured search.
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
