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

// FetchMetadata is the structured part of a fetch result. Exactly one of Conversation, Contact and Company is set; a
// conversation holds the same page of parts as Text, and PartsPage (a copy of its parts_page) says which ones.
type FetchMetadata struct {
	ObjectType   string            `json:"object_type"` // conversation, contact or company
	Conversation *ConversationView `json:"conversation,omitempty"`
	Contact      *ContactView      `json:"contact,omitempty"`
	Company      *CompanyView      `json:"company,omitempty"`
	PartsPage    *PartsPage        `json:"parts_page,omitempty"`
	Freshness    Freshness         `json:"freshness"`
}

const fetchDescription = `Fetch one whole record from the local replica by id: a conversation with every part in order (replies, notes, assignments, closes: author, type, time, and the message as readable text), its tags, assignees, contacts, statistics and custom attributes; a contact with all attributes, location, tags, companies, custom attributes and their recent conversations; or a company with its plan, size, monthly spend, user and session counts, industry, website, tags, segments and custom attributes. Each comes with the direct link into the Intercom app, and teammates, teams, tags and companies are named.

The id is ` + idFormsDoc + `. Long conversations come in pages of parts: the result says how many parts there are and which parts_offset reads on. Answered from the replica (no Intercom API call); the result says when the record was last synced. For a copy no older than a few minutes, use get_conversation, get_contact or get_company.`

// FetchTool is the fetch tool: a whole record by id, from the replica.
func FetchTool(r Replica, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[FetchResult]("fetch", "Fetch a conversation, contact or company", fetchDescription, map[string]any{
		"properties": partsProps(map[string]any{
			"id": stringProp("The record's id: " + idFormsDoc + "."),
		}, o.MaxParts),
		"required": []string{"id"},
	}, false)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args FetchArgs) (*mcpgo.CallToolResult, error) {
		kind, id, err := query.ParseID(args.ID)
		if err != nil {
			return nil, err
		}
		rec, err := getAnyKind(ctx, r, kind, id)
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
	return index.Record{}, notFound("%s is not in the replica. It may be newer than the last sync: get_conversation, get_contact and get_company look records up in Intercom.", what)
}

// fetchResult builds fetch's result for a record: ReadRecord's view, rendered.
func fetchResult(ctx context.Context, r Replica, rec index.Record, o ToolOptions, partsOffset, maxParts int) (*FetchResult, error) {
	meta, err := ReadRecord(ctx, r, rec, o, partsOffset, maxParts)
	if err != nil {
		return nil, err
	}
	if v := meta.Conversation; v != nil {
		return &FetchResult{ID: v.ID, Title: conversationTitle(v), Text: RenderConversation(v, meta.Freshness), URL: v.URL, Metadata: *meta}, nil
	}
	if v := meta.Company; v != nil {
		return &FetchResult{ID: v.ID, Title: companyTitle(v.Name, v.CompanyID, rec.ID), Text: RenderCompany(v, meta.Freshness), URL: v.URL, Metadata: *meta}, nil
	}
	v := meta.Contact
	return &FetchResult{ID: v.ID, Title: personTitle(v.Name, v.Email, v.Role, rec.ID), Text: RenderContact(v, meta.Freshness), URL: v.URL, Metadata: *meta}, nil
}

// ReadRecord builds what fetch shows of a record from the replica, as data: a conversation's view with the parts
// from partsOffset (at most maxParts; zero means o.MaxParts) and its contacts named from r, a contact's view with
// their recent conversations from r, or a company's view; and the freshness of rec. Teammates, teams, tags and
// companies are named from r when it knows names (see Namer). RenderConversation, RenderContact and RenderCompany
// turn the view into text. The caller deals with tombstones: rec must hold Intercom's JSON.
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
		v.nameContacts(ctx, r)
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
