package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/intercom-replica/intercom-replica/index/wire"
)

// Conversation is an Intercom conversation (schema "conversation" in API 2.16). The typed fields are the ones a
// replica and its tools branch on; Raw holds the whole record exactly as Intercom sent it, so nothing is lost when it
// is stored, fields this package does not know included.
//
// Conversations from lists and searches have no parts (Intercom omits conversation_parts there); [Client.GetConversation]
// returns them with their parts.
type Conversation struct {
	ID           string
	Title        string // "" when the conversation has none
	CreatedAt    int64  // Unix seconds
	UpdatedAt    int64  // Unix seconds
	WaitingSince int64  // Unix seconds; 0 when nobody is waiting
	SnoozedUntil int64  // Unix seconds; 0 when not snoozed
	State        string // "open", "closed" or "snoozed"
	Open         bool
	Read         bool
	Priority     string // "priority", "not_priority" or, in newer workspaces, none|low|medium|high|urgent

	// AdminAssigneeID and TeamAssigneeID are 0 when unassigned (Intercom sends 0 or null).
	AdminAssigneeID int64
	TeamAssigneeID  int64

	Source     ConversationSource
	ContactIDs []string // ids of the contacts in the conversation
	Tags       []Tag

	// Parts are the conversation's parts in the order Intercom sent them (chronological), without the source message.
	// Intercom returns at most the 500 most recent parts of a conversation.
	Parts []ConversationPart

	// PartsTotalCount is conversation_parts.total_count: the number of parts Intercom returned.
	PartsTotalCount int

	// Raw is the exact bytes of this conversation's JSON object as they appeared in the response.
	Raw json.RawMessage
}

// ConversationSource is the message that started a conversation (schema "conversation_source").
type ConversationSource struct {
	Type        string // conversation, email, facebook, instagram, phone_call, push, sms, twitter, whatsapp, ...
	ID          string
	DeliveredAs string
	Subject     string
	Body        string // may contain HTML
	URL         string
	Author      Author
	Attachments []Attachment
	Redacted    bool
}

// Author is who wrote a message: a contact ("user", "lead"), an admin, a bot or a team.
type Author struct {
	Type  string
	ID    string
	Name  string
	Email string
}

// Attachment is a file attached to a message (schema "part_attachment").
type Attachment struct {
	Type        string
	Name        string
	URL         string
	ContentType string
	Filesize    int64
}

// Tag is a tag applied to a conversation.
type Tag struct {
	ID   string
	Name string
}

// ConversationPart is one message or event in a conversation (schema "conversation_part"): a comment, a note, an
// assignment, a state change, ... Its complete JSON is inside the conversation's Raw.
type ConversationPart struct {
	ID          string // a string; Intercom's spec examples send numbers, which are converted
	PartType    string // comment, note, assignment, open, close, snoozed, ...
	Body        string // may contain HTML; "" for events without a message
	CreatedAt   int64  // Unix seconds
	UpdatedAt   int64  // Unix seconds
	NotifiedAt  int64  // Unix seconds
	State       string // the conversation's state when the part was created
	Author      Author
	Attachments []Attachment
	Redacted    bool
}

// ConversationList is one page of [Client.ListConversations] or [Client.SearchConversations]
// (schema "conversation_list"). Its conversations have no parts.
type ConversationList struct {
	Conversations []Conversation
	TotalCount    int
	Pages         Pages
}

// DeletedConversationList is one page of [Client.ListDeletedConversations] (schema "deleted_conversation_list").
// Unlike the other lists it is paged by page number, and Pages.Next is a URL.
type DeletedConversationList struct {
	Conversations []DeletedConversation
	TotalCount    int
	Pages         PageLinks
}

// DeletedConversation is the id of a deleted conversation and when it was deleted.
type DeletedConversation struct {
	ID              string
	DeletedAt       int64 // Unix seconds
	MetricsRetained bool  // whether Intercom keeps its reporting metrics
}

// ListOptions selects one page of a cursor-paginated list.
type ListOptions struct {
	// PerPage is the page size; 0 means Intercom's default (20 for conversations, 10 or 50 for contacts). Intercom
	// accepts at most 150.
	PerPage int

	// StartingAfter is the cursor from the previous page's Pages.Next.StartingAfter; "" is the first page.
	StartingAfter string
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	if o.PerPage > 0 {
		q.Set("per_page", strconv.Itoa(o.PerPage))
	}
	if o.StartingAfter != "" {
		q.Set("starting_after", o.StartingAfter)
	}
	return q
}

// DeletedListOptions selects one page of [Client.ListDeletedConversations].
type DeletedListOptions struct {
	Page    int    // 1-based; 0 means the first page
	PerPage int    // 0 means Intercom's default (20); Intercom accepts at most 60
	Order   string // "asc" or "desc" by deletion time; "" means Intercom's default (desc)
}

// ListConversations returns one page of all conversations (GET /conversations), without parts. Intercom documents no
// order. Pass the page's Pages.Next.StartingAfter as opts.StartingAfter for the next page, or use
// [Client.ConversationPages].
func (c *Client) ListConversations(ctx context.Context, opts ListOptions) (*ConversationList, error) {
	return call[ConversationList](ctx, c, request{method: http.MethodGet, path: "/conversations", query: opts.query()})
}

// GetConversation returns one conversation with its parts (GET /conversations/{id}), as HTML bodies (no
// display_as). Intercom returns at most the 500 most recent parts. A missing conversation is an error matching
// [ErrNotFound].
func (c *Client) GetConversation(ctx context.Context, id string) (*Conversation, error) {
	if id == "" {
		return nil, errors.New("intercom: get conversation: empty id")
	}
	return call[Conversation](ctx, c, request{method: http.MethodGet, path: "/conversations/" + url.PathEscape(id)})
}

// SearchConversations returns one page of conversations matching req.Query (POST /conversations/search), without
// parts. Intercom documents no order and no sort for conversation search, so req.Sort must be nil. The cursor
// travels in the body (req.StartingAfter); use [Client.SearchConversationPages] to walk every page.
func (c *Client) SearchConversations(ctx context.Context, req SearchRequest) (*ConversationList, error) {
	if req.Sort != nil {
		return nil, fmt.Errorf("%w: conversation search has no sort", ErrInvalidSearch)
	}
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	return call[ConversationList](ctx, c, request{method: http.MethodPost, path: "/conversations/search", body: body})
}

// ListDeletedConversations returns one page of deleted conversation ids (GET /conversations/deleted, API 2.16 and
// later; older versions answer 400 intercom_version_invalid). Use the page's NextPage for the next page, or
// [Client.DeletedConversationPages].
func (c *Client) ListDeletedConversations(ctx context.Context, opts DeletedListOptions) (*DeletedConversationList, error) {
	q := url.Values{}
	if opts.Page > 0 {
		q.Set("page", strconv.Itoa(opts.Page))
	}
	if opts.PerPage > 0 {
		q.Set("per_page", strconv.Itoa(opts.PerPage))
	}
	if opts.Order != "" {
		q.Set("order", opts.Order)
	}
	return call[DeletedConversationList](ctx, c, request{method: http.MethodGet, path: "/conversations/deleted", query: q})
}

// person returns the Author of a wire person.
func person(p wire.Person) Author {
	return Author{Type: string(p.Type), ID: string(p.ID), Name: string(p.Name), Email: string(p.Email)}
}

func attachments(ws []wire.Attachment) []Attachment {
	if len(ws) == 0 {
		return nil
	}
	out := make([]Attachment, len(ws))
	for i, w := range ws {
		out[i] = Attachment{Type: string(w.Type), Name: string(w.Name), URL: string(w.URL), ContentType: string(w.ContentType), Filesize: w.Filesize.V}
	}
	return out
}

// UnmarshalJSON decodes a conversation object, tolerating unknown fields and Intercom's type quirks, and keeps a copy
// of data in Raw.
func (c *Conversation) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		*c = Conversation{}
		return nil
	}
	var w wire.Conversation
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*c = Conversation{
		ID:              string(w.ID),
		Title:           string(w.Title),
		CreatedAt:       w.CreatedAt.V,
		UpdatedAt:       w.UpdatedAt.V,
		WaitingSince:    w.WaitingSince.V,
		SnoozedUntil:    w.SnoozedUntil.V,
		State:           string(w.State),
		Open:            w.Open.V,
		Read:            w.Read.V,
		Priority:        string(w.Priority),
		AdminAssigneeID: w.AdminAssigneeID.V,
		TeamAssigneeID:  w.TeamAssigneeID.V,
		Raw:             bytes.Clone(data),
	}
	if s := w.Source; s != nil {
		c.Source = ConversationSource{
			Type: string(s.Type), ID: string(s.ID), DeliveredAs: string(s.DeliveredAs), Subject: string(s.Subject),
			Body: string(s.Body), URL: string(s.URL), Author: person(s.Author), Attachments: attachments(s.Attachments),
			Redacted: s.Redacted.V,
		}
	}
	if w.Contacts != nil {
		for _, ct := range w.Contacts.Contacts {
			c.ContactIDs = append(c.ContactIDs, string(ct.ID))
		}
	}
	if w.Tags != nil {
		for _, t := range w.Tags.Tags {
			c.Tags = append(c.Tags, Tag{ID: string(t.ID), Name: string(t.Name)})
		}
	}
	if w.Parts != nil {
		if len(w.Parts.Parts) > 0 {
			c.Parts = make([]ConversationPart, len(w.Parts.Parts))
			for i := range w.Parts.Parts {
				c.Parts[i] = part(&w.Parts.Parts[i])
			}
		}
		c.PartsTotalCount = int(w.Parts.TotalCount.V)
	}
	return nil
}

// MarshalJSON returns Raw unchanged, so a conversation encodes as what Intercom sent (json.Marshal then compacts it
// and escapes HTML characters; write Raw itself to keep the bytes). It fails for a
// Conversation that was not decoded from JSON (empty Raw), rather than invent a partial record.
func (c Conversation) MarshalJSON() ([]byte, error) {
	if len(c.Raw) == 0 {
		return nil, errors.New("intercom: conversation has no raw JSON")
	}
	return c.Raw, nil
}

// UnmarshalJSON decodes a conversation part, accepting a numeric or string id.
func (p *ConversationPart) UnmarshalJSON(data []byte) error {
	var w wire.Part
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*p = part(&w)
	return nil
}

func part(w *wire.Part) ConversationPart {
	return ConversationPart{
		ID: string(w.ID), PartType: string(w.PartType), Body: string(w.Body),
		CreatedAt: w.CreatedAt.V, UpdatedAt: w.UpdatedAt.V, NotifiedAt: w.NotifiedAt.V,
		State: string(w.State), Author: person(w.Author), Attachments: attachments(w.Attachments), Redacted: w.Redacted.V,
	}
}

// UnmarshalJSON decodes a conversation list page.
func (l *ConversationList) UnmarshalJSON(data []byte) error {
	var w struct {
		Conversations []Conversation `json:"conversations"`
		listWire[Pages]
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*l = ConversationList{Conversations: w.Conversations, TotalCount: int(w.TotalCount.V), Pages: w.pages()}
	return nil
}

// UnmarshalJSON decodes a deleted-conversation list page.
func (l *DeletedConversationList) UnmarshalJSON(data []byte) error {
	var w struct {
		Conversations []struct {
			ID              wire.String `json:"id"`
			DeletedAt       wire.Int    `json:"deleted_at"`
			MetricsRetained wire.Bool   `json:"metrics_retained"`
		} `json:"conversations"`
		listWire[PageLinks]
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*l = DeletedConversationList{TotalCount: int(w.TotalCount.V), Pages: w.pages()}
	for _, d := range w.Conversations {
		l.Conversations = append(l.Conversations, DeletedConversation{ID: string(d.ID), DeletedAt: d.DeletedAt.V, MetricsRetained: d.MetricsRetained.V})
	}
	return nil
}

// NextPage returns the page number to pass as DeletedListOptions.Page for the page after this one, or 0 when this is
// the last page. It reads the page parameter of Pages.Next rather than following the URL, so the token is only ever
// sent to the client's own base URL.
func (l *DeletedConversationList) NextPage() int {
	if l.Pages.Next == "" {
		return 0
	}
	if u, err := url.Parse(l.Pages.Next); err == nil {
		if n, err := strconv.Atoi(u.Query().Get("page")); err == nil && n > 0 {
			return n
		}
	}
	return max(l.Pages.Page, 1) + 1
}

func isNull(data []byte) bool { return string(bytes.TrimSpace(data)) == "null" }
