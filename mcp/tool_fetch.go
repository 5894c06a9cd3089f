package mcp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// maxIDLength bounds an id argument (URLs included).
const maxIDLength = 2048

// recentConversations is how many of a contact's conversations a contact result lists.
const recentConversations = 10

// FetchArgs are the arguments of the fetch tool.
type FetchArgs struct {
	ID          string `json:"id"`
	PartsOffset int    `json:"parts_offset,omitempty"`
	MaxParts    int    `json:"max_parts,omitempty"`
}

// FetchResult is the structured result of fetch: the {id, title, text, url, metadata} shape of ChatGPT-style
// connectors. Text is the whole record rendered for reading (for a conversation, every part of the page in
// order); Metadata holds the same record's fields as data.
type FetchResult struct {
	ID       string        `json:"id"`
	Title    string        `json:"title"`
	Text     string        `json:"text"`
	URL      string        `json:"url"`
	Metadata FetchMetadata `json:"metadata"`
}

// FetchMetadata is the structured part of a fetch result. Exactly one of Conversation, Contact, Company, Article and
// Ticket is set; a conversation or a ticket holds the same page of parts as Text, and PartsPage (a copy of its
// parts_page) says which ones.
type FetchMetadata struct {
	ObjectType   string            `json:"object_type"` // conversation, contact, company, article or ticket
	Conversation *ConversationView `json:"conversation,omitempty"`
	Contact      *ContactView      `json:"contact,omitempty"`
	Company      *CompanyView      `json:"company,omitempty"`
	Article      *ArticleView      `json:"article,omitempty"`
	Ticket       *TicketView       `json:"ticket,omitempty"`
	PartsPage    *PartsPage        `json:"parts_page,omitempty"`
	Freshness    Freshness         `json:"freshness"`
}

// Text renders the record m holds for reading (RenderConversation, RenderContact, RenderCompany, RenderArticle or
// RenderTicket).
func (m *FetchMetadata) Text() string {
	switch {
	case m.Conversation != nil:
		return RenderConversation(m.Conversation, m.Freshness)
	case m.Contact != nil:
		return RenderContact(m.Contact, m.Freshness)
	case m.Company != nil:
		return RenderCompany(m.Company, m.Freshness)
	case m.Article != nil:
		return RenderArticle(m.Article, m.Freshness)
	case m.Ticket != nil:
		return RenderTicket(m.Ticket, m.Freshness)
	}
	return ""
}

const fetchDescription = `Fetch one whole record from the local replica by id: a conversation with every part in order (replies, notes, assignments, closes: author, type, time, and the message as readable text), its tags, assignees, contacts, linked tickets, statistics and custom attributes; a contact with all attributes, location, tags, companies, custom attributes and their recent conversations; a company with its plan, size, monthly spend, user and session counts, industry, website, tags, segments and custom attributes; a Help Center article (article_39) with the whole text of every language version, its author, collections and help center; or a ticket (ticket_7583) with its type, state, attributes, assignees, contacts, linked conversations and tickets, and every part. Each comes with its link (the Intercom app, or an article's public page), and teammates, teams, tags and companies are named.

The id is ` + idFormsDoc + `, or article_<id>, ticket_<id> or a Help Center article URL. Long conversations and tickets come in pages of parts: the result says how many parts there are and which parts_offset reads on. Answered from the replica (no Intercom API call); the result says when the record was last synced. For a copy no older than a few minutes, use get_conversation, get_contact, get_company, get_article or get_ticket.`

// FetchTool is the fetch tool: a whole record by id, from the replica.
func FetchTool(r Replica, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[FetchResult]("fetch", "Fetch a conversation, contact, company, article or ticket", fetchDescription, map[string]any{
		"properties": partsProps(map[string]any{
			"id": stringProp("The record's id: " + idFormsDoc + "."),
		}, o.MaxParts, false),
		"required": []string{"id"},
	}, false)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args FetchArgs) (*mcpgo.CallToolResult, error) {
		kind, id, err := query.ParseID(args.ID)
		if err != nil {
			return nil, err
		}
		rec, err := getAnyKind(ctx, r, kind, id)
		if errors.Is(err, index.ErrNotFound) && (kind == query.KindTicket || kind == "" && slices.Contains(query.KindsOf(id), query.KindTicket)) {
			if hint := TicketNumberHint(ctx, r, id, "call fetch with id"); hint != "" {
				return nil, &PublicError{Msg: hint, Err: err}
			}
		}
		if err != nil {
			return nil, err
		}
		out, err := fetchResult(ctx, r, rec, o, args.PartsOffset, args.MaxParts)
		if err != nil {
			return nil, err
		}
		return newResult(out.Text, out), nil
	})}
}

// getAnyKind reads a record whose kind may be unknown (a raw id): digits are tried as a conversation first, then
// as a contact; anything else is a contact. A tombstone is reported as not found.
func getAnyKind(ctx context.Context, g Getter, kind query.Kind, id string) (index.Record, error) {
	kinds := []query.Kind{kind}
	if kind == "" {
		kinds = query.KindsOf(id)
	}
	for _, k := range kinds {
		rec, err := g.Get(ctx, k, id)
		switch {
		case errors.Is(err, index.ErrNotFound):
			continue
		case err != nil:
			return index.Record{}, fmt.Errorf("read %s %s: %w", k, id, err)
		case rec.Deleted:
			return index.Record{}, notFound("%s %s was deleted in Intercom.", k, id)
		}
		return rec, nil
	}
	what := "record " + id
	if kind != "" {
		what = string(kind) + " " + id
	}
	return index.Record{}, notFound("%s is not in the replica. It may be newer than the last sync: get_conversation, get_contact, get_company, get_article and get_ticket look records up in Intercom.", what)
}

// fetchResult builds fetch's result for a record: ReadRecord's view, rendered.
func fetchResult(ctx context.Context, r Replica, rec index.Record, o ToolOptions, partsOffset, maxParts int) (*FetchResult, error) {
	meta, err := ReadRecord(ctx, r, rec, o, partsOffset, maxParts)
	if err != nil {
		return nil, err
	}
	out := &FetchResult{Text: meta.Text(), Metadata: *meta}
	switch {
	case meta.Conversation != nil:
		v := meta.Conversation
		out.ID, out.Title, out.URL = v.ID, conversationTitle(v), v.URL
	case meta.Company != nil:
		v := meta.Company
		out.ID, out.Title, out.URL = v.ID, companyTitle(v.Name, v.CompanyID, rec.ID), v.URL
	case meta.Article != nil:
		v := meta.Article
		out.ID, out.Title, out.URL = v.ID, cmp.Or(v.Title, noTitle), v.URL
	case meta.Ticket != nil:
		v := meta.Ticket
		out.ID, out.Title, out.URL = v.ID, cmp.Or(v.Title, noTitle), v.URL
	default:
		v := meta.Contact
		out.ID, out.Title, out.URL = v.ID, personTitle(v.Name, v.Email, v.Role, rec.ID), v.URL
	}
	return out, nil
}

// ReadRecord builds what fetch shows of a record from the replica, as data: a conversation's or a ticket's view
// with the parts from partsOffset (at most maxParts; zero means o.MaxParts) and its contacts named from r, a
// contact's view with their recent conversations from r, a company's view, or an article's with every language
// version; and the freshness of rec. Teammates, teams, tags, companies, collections and help centers are named
// from r when it knows names (see Namer). FetchMetadata.Text turns the view into text. The caller deals with
// tombstones: rec must hold Intercom's JSON.
func ReadRecord(ctx context.Context, r Replica, rec index.Record, o ToolOptions, partsOffset, maxParts int) (*FetchMetadata, error) {
	o = o.withDefaults()
	info := replicaInfo(ctx, r, o)
	fresh := newFreshness(SourceReplica, rec.SyncedAt, o.Now(), info.state)
	switch rec.Kind {
	case query.KindConversation:
		v, err := newConversationView(rec.Raw, info.appID, partsWindow{Offset: partsOffset, Max: maxPartsOr(maxParts, o.MaxParts)}, namesOf(ctx, r))
		if err != nil {
			return nil, fmt.Errorf("conversation %s: %w", rec.ID, err)
		}
		nameContacts(ctx, r, v.Contacts)
		page := v.PartsPage
		return &FetchMetadata{ObjectType: string(query.KindConversation), Conversation: v, PartsPage: &page, Freshness: fresh}, nil
	case query.KindContact:
		v, err := newContactView(rec.Raw, info.appID, namesOf(ctx, r))
		if err != nil {
			return nil, fmt.Errorf("contact %s: %w", rec.ID, err)
		}
		if err := addRecentConversations(ctx, r, v, rec.ID, rowEnv{appID: info.appID, names: namesOf(ctx, r)}); err != nil {
			return nil, err
		}
		return &FetchMetadata{ObjectType: string(query.KindContact), Contact: v, Freshness: fresh}, nil
	case query.KindCompany:
		v, err := newCompanyView(rec.Raw, info.appID, namesOf(ctx, r))
		if err != nil {
			return nil, fmt.Errorf("company %s: %w", rec.ID, err)
		}
		return &FetchMetadata{ObjectType: string(query.KindCompany), Company: v, Freshness: fresh}, nil
	case query.KindArticle:
		v, err := newArticleView(ctx, rec.Raw, info.appID, namesOf(ctx, r), r)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", rec.ID, err)
		}
		return &FetchMetadata{ObjectType: string(query.KindArticle), Article: v, Freshness: fresh}, nil
	case query.KindTicket:
		v, err := newTicketView(ctx, rec.Raw, info.appID, partsWindow{Offset: partsOffset, Max: maxPartsOr(maxParts, o.MaxParts)}, namesOf(ctx, r), r)
		if err != nil {
			return nil, fmt.Errorf("ticket %s: %w", rec.ID, err)
		}
		nameContacts(ctx, r, v.Contacts)
		page := v.PartsPage
		return &FetchMetadata{ObjectType: string(query.KindTicket), Ticket: v, PartsPage: &page, Freshness: fresh}, nil
	}
	return nil, fmt.Errorf("record of unknown kind %q", rec.Kind)
}

// addRecentConversations lists the contact's latest conversations in the replica.
func addRecentConversations(ctx context.Context, s Searcher, v *ContactView, id string, env rowEnv) error {
	// Contact ids hold no quote or backslash (query.ParseID refuses them), so quoting is safe.
	q, err := query.Parse(fmt.Sprintf(`object_type:conversations contact_ids:"%s" limit:%d`, id, recentConversations), query.Options{})
	if err != nil {
		return fmt.Errorf("recent conversations of contact %s: %w", id, err)
	}
	res, err := s.Search(ctx, q)
	if err != nil {
		return fmt.Errorf("recent conversations of contact %s: %w", id, err)
	}
	for _, h := range res.Hits {
		v.RecentConversations = append(v.RecentConversations, conversationSummary(h, env))
	}
	v.ConversationsTotal = res.Total
	return nil
}

// conversationTitle is the title of a conversation view: its title, else its subject, else the start of its
// opening message.
func conversationTitle(v *ConversationView) string {
	switch {
	case v.Title != "":
		return v.Title
	case v.Source != nil && v.Source.Subject != "":
		return v.Source.Subject
	case v.Source != nil && v.Source.Body != "":
		return truncateRunes(sanitizeLine(v.Source.Body), 80)
	}
	return "(no title)"
}

func maxPartsOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return min(n, MaxPartsLimit)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

func (a *FetchArgs) validate() error { return checkLength("id", a.ID, maxIDLength) }
