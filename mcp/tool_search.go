package mcp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// SearchArgs are the arguments of the search tool. StartingAfter is the cursor of the next page, as the
// structured searches take it; a starting_after: term in the query wins over it.
type SearchArgs struct {
	Query         string `json:"query"`
	StartingAfter string `json:"starting_after,omitempty"`
}

func (a *SearchArgs) validate() error {
	if strings.TrimSpace(a.Query) == "" {
		return &PublicError{Msg: "Invalid arguments: query is empty; write for example object_type:conversations state:open"}
	}
	return nil // the query package's limit (in bytes, the CLI's too) answers a long query, with one message
}

// checkLength refuses a string argument longer than limit bytes (a limit a portable schema cannot state).
func checkLength(name, value string, limit int) error {
	if len(value) > limit {
		return &PublicError{Msg: fmt.Sprintf("Invalid arguments: %s: %s bytes is longer than the limit of %s; shorten it.",
			name, formatCount(len(value)), formatCount(limit))}
	}
	return nil
}

// SearchResult is the structured result of the search tool: the hosted server's shape ({total_in_page, results,
// pages, _note}) with the total, the query as run, and the freshness.
type SearchResult struct {
	Results []SearchHit `json:"results"`
	ListInfo
}

// SearchHit is one search result in the shape ChatGPT-style search/fetch connectors expect.
type SearchHit struct {
	ID    string `json:"id"` // prefixed: conversation_123, contact_abc; pass it to fetch
	Title string `json:"title"`
	Text  string `json:"text"` // key fields, then the matching snippets (q:) or the start of the opening message
	URL   string `json:"url"`  // the record in the Intercom app
}

// Pages describes paging, as Intercom's API does.
type Pages struct {
	Type    string    `json:"type"` // "pages"
	PerPage int       `json:"per_page"`
	Next    *NextPage `json:"next,omitempty"`
}

// NextPage holds the cursor of the next page.
type NextPage struct {
	StartingAfter string `json:"starting_after"`
}

// SearchTool is the search tool: the DSL of Intercom's hosted server, answered from the replica.
func SearchTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[SearchResult]("search", "Search conversations, contacts, companies, articles and tickets", searchDescription(), map[string]any{
		"properties": map[string]any{
			// No maxLength: the query package's limit (in bytes, the CLI's too) answers a long query, with the
			// same message everywhere.
			"query":          stringProp(fmt.Sprintf("The search query, e.g. object_type:conversations state:open q:\"refund\". object_type is required; see the description for fields and operators. At most %s bytes.", formatCount(query.MaxLength))),
			"starting_after": stringProp("Cursor of the next page, from the previous result's pages.next.starting_after; the same as adding starting_after:<cursor> to the query (a starting_after: in the query wins)."),
		},
		"required": []string{"query"},
	}, false)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args SearchArgs) (*mcpgo.CallToolResult, error) {
		q, err := query.Parse(args.Query, query.Options{Now: o.Now})
		if err != nil {
			var qerr *query.Error
			if errors.As(err, &qerr) {
				return nil, &dslError{err: qerr, dsl: args.Query}
			}
			return nil, err
		}
		if q.StartingAfter == "" {
			q.StartingAfter = args.StartingAfter
		}
		res, err := s.Search(ctx, q)
		if err != nil {
			var qerr *query.Error
			if errors.As(err, &qerr) { // a term the index finds nothing to search for in: the query's mistake
				return nil, &dslError{err: qerr, dsl: args.Query}
			}
			return nil, fmt.Errorf("search %s: %w", q.Kind.Plural(), err)
		}
		info := replicaInfo(ctx, status, o)
		out := searchResult(q, res, rowEnv{appID: info.appID, names: namesOf(ctx, s)}, info)
		return newResult(out.text(q), out), nil
	})}
}

// searchResult shapes a replica result for the search tool.
func searchResult(q query.Query, res index.Result, env rowEnv, info replicaSnapshot) *SearchResult {
	out := &SearchResult{Results: make([]SearchHit, 0, len(res.Hits)), ListInfo: ListInfo{
		TotalCount: res.Total, TotalInPage: len(res.Hits), Pages: pagesOf(q, res),
		Query: withoutCursor(q).String(), Freshness: info.freshness(),
	}}
	for _, h := range res.Hits {
		out.Results = append(out.Results, SearchHit{
			ID:    query.FormatID(h.Kind, h.ID),
			Title: hitTitle(h),
			Text:  hitText(h, env.names),
			URL:   hitURL(h, env.appID),
		})
	}
	if res.Next != "" {
		out.Note = "More results available. To get the next page, add to your query: starting_after:" + res.Next
	}
	out.Note = withQueryNote(q, res, out.Note)
	return out
}

// hitURL is where a hit's record is read: an article's public page, else the record in the Intercom app.
func hitURL(h index.Hit, appID string) string {
	if h.Kind == query.KindArticle {
		return articleURL(appID, h.ID, h.URL)
	}
	return appURL(appID, h.Kind, h.ID)
}

// text renders the search result for the model.
func (r *SearchResult) text(q query.Query) string {
	var b strings.Builder
	writeListHeader(&b, r.TotalCount, r.TotalInPage, q.Kind, r.Query, q.StartingAfter != "", r.Freshness)
	if len(q.Text) > 0 && r.TotalInPage > 0 {
		b.WriteString(snippetsNotice + "\n\n")
	}
	for i, h := range r.Results {
		if i > 0 {
			b.WriteByte('\n')
		}
		title := h.Title
		if title != noTitle {
			title = quotedLine(title)
		}
		fmt.Fprintf(&b, "%d. %s — %s\n", i+1, h.ID, title)
		for _, line := range strings.Split(h.Text, "\n") {
			b.WriteString("   " + line + "\n")
		}
		b.WriteString("   " + h.URL + "\n")
	}
	writeNote(&b, r.Note, r.TotalInPage > 0)
	return strings.TrimRight(b.String(), "\n")
}

// snippetsNotice opens the results of a free-text search, whose snippets mark the matched words.
const snippetsNotice = "In the quoted snippets, **word** marks a match."

// withoutCursor returns q without its cursor, for showing the query a page belongs to.
func withoutCursor(q query.Query) query.Query {
	q.StartingAfter = ""
	return q
}

// noTitle is the title of a conversation with neither a title nor an opening message.
const noTitle = "(no title)"

// hitTitle is the title a result shows: the conversation's title or the start of its opening message, the
// contact's name or email. It is plain text (structured results); the text of a result quotes it.
func hitTitle(h index.Hit) string {
	var t string
	switch h.Kind {
	case query.KindConversation:
		t = sanitizeLine(h.Title)
		if t == "" {
			t = truncateRunes(sanitizeLine(h.Preview), 80)
		}
		if t == "" {
			t = noTitle
		}
	case query.KindContact:
		t = personTitle(h.Name, h.Email, h.Role, h.ID)
	case query.KindCompany:
		t = sanitizeLine(h.Name)
		if t == "" {
			t = "company " + h.ID
		}
	case query.KindArticle, query.KindTicket:
		t = sanitizeLine(h.Title)
		if t == "" {
			t = noTitle
		}
	}
	return t
}

// hitText is the text of a result: the key fields on one line, customer-written ones quoted, then snippets of the
// matching text after "> ", or the start of the opening message. Assignees are named from names.
func hitText(h index.Hit, names NameLookup) string {
	var b strings.Builder
	switch h.Kind {
	case query.KindConversation:
		state := h.State
		if h.Priority != "" && h.Priority != "none" && h.Priority != "not_priority" {
			state += ", priority " + h.Priority
		}
		b.WriteString(joinNonEmpty(" · ", state, h.SourceType,
			prefixed("from ", personLabelOrEmpty(h.AuthorName, h.AuthorEmail)),
			prefixed("tags ", quotedList(h.Tags)),
			partsLabel(h.PartsCount),
			assigneesLabel(h.AdminAssigneeID, nameOf(names, query.KindAdmin, h.AdminAssigneeID),
				h.TeamAssigneeID, nameOf(names, query.KindTeam, h.TeamAssigneeID)),
			linkedLabel(h.Linked),
			prefixed("created ", humanTime(h.CreatedAt)), prefixed("updated ", humanTime(h.UpdatedAt))))
	case query.KindContact:
		b.WriteString(joinNonEmpty(" · ", h.Role, personLabelOrEmpty("", h.Email), quotedLine(h.Phone),
			prefixed("external id ", quotedLine(h.ExternalID)), quotedLine(h.Location),
			prefixed("companies ", quotedList(h.Companies)),
			prefixed("tags ", quotedList(h.Tags)),
			prefixed("last seen ", humanTime(h.LastSeenAt)), prefixed("created ", humanTime(h.CreatedAt))))
	case query.KindCompany:
		b.WriteString(companyHitLine(h))
	case query.KindArticle:
		b.WriteString(articleHitLine(h, names))
	case query.KindTicket:
		b.WriteString(ticketHitLine(h, names))
	}
	if len(h.Snippets) > 0 {
		for _, s := range h.Snippets {
			if s = sanitizeLine(s); s != "" {
				b.WriteString("\n> " + s)
			}
		}
	} else if p := sanitizeLine(h.Preview); p != "" {
		b.WriteString("\n> " + truncateRunes(p, 200))
	}
	return b.String()
}

func personLabelOrEmpty(name, email string) string {
	if name == "" && email == "" {
		return ""
	}
	return personLabel(name, email, "", "")
}

func partsLabel(n int) string {
	if n == 0 {
		return ""
	}
	return countNoun(n, "part", "parts")
}
