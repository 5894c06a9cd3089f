package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/index/plaintext"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// TicketView is a ticket as the tools return it in structuredContent: its fields, its attributes typed as its
// ticket type says, assignees by name, contacts, links, and one page of its parts.
type TicketView struct {
	ID                 string       `json:"id"` // prefixed: ticket_7583
	URL                string       `json:"url"`
	TicketNumber       string       `json:"ticket_number,omitempty"` // the number the inbox shows (ticket_id), not the API id
	Title              string       `json:"title,omitempty"`
	Description        string       `json:"description,omitempty"` // readable text
	Category           string       `json:"category,omitempty"`    // Customer, Back-office or Tracker
	TicketTypeID       string       `json:"ticket_type_id,omitempty"`
	TicketType         string       `json:"ticket_type,omitempty"`
	State              string       `json:"state,omitempty"`       // submitted, in_progress, waiting_on_customer, resolved
	StateLabel         string       `json:"state_label,omitempty"` // as teammates see it
	StateExternalLabel string       `json:"state_external_label,omitempty"`
	Open               bool         `json:"open"`
	IsShared           bool         `json:"is_shared,omitempty"`
	CreatedAt          string       `json:"created_at,omitempty"` // RFC 3339, UTC
	UpdatedAt          string       `json:"updated_at,omitempty"`
	SnoozedUntil       string       `json:"snoozed_until,omitempty"`
	AdminAssigneeID    string       `json:"admin_assignee_id,omitempty"`
	AdminAssigneeName  string       `json:"admin_assignee_name,omitempty"`
	TeamAssigneeID     string       `json:"team_assignee_id,omitempty"`
	TeamAssigneeName   string       `json:"team_assignee_name,omitempty"`
	Contacts           []PersonView `json:"contacts,omitempty"`
	// Attributes are the ticket's own attributes (its ticket type's fields) besides the title and description, by
	// name; AttributeTypes gives each one's type as the ticket type says (string, list, integer, decimal, boolean,
	// datetime, files), where it says.
	Attributes          map[string]any    `json:"attributes,omitempty"`
	AttributeTypes      map[string]string `json:"attribute_types,omitempty"`
	attrOrder           []string          // the ticket type's order, then the others by name
	LinkedConversations []string          `json:"linked_conversations,omitempty"` // conversation_1001
	LinkedTickets       []string          `json:"linked_tickets,omitempty"`       // ticket_7584
	Parts               []PartView        `json:"parts"`
	PartsPage           PartsPage         `json:"parts_page"`
}

// TicketSummary is one ticket of a structured search (search_tickets).
type TicketSummary struct {
	ID                string   `json:"id"` // prefixed: ticket_7583
	Title             string   `json:"title,omitempty"`
	TicketType        string   `json:"ticket_type,omitempty"`
	Category          string   `json:"category,omitempty"`
	State             string   `json:"state,omitempty"`
	StateLabel        string   `json:"state_label,omitempty"`
	Open              bool     `json:"open"`
	AdminAssigneeID   string   `json:"admin_assignee_id,omitempty"`
	AdminAssigneeName string   `json:"admin_assignee_name,omitempty"`
	TeamAssigneeID    string   `json:"team_assignee_id,omitempty"`
	TeamAssigneeName  string   `json:"team_assignee_name,omitempty"`
	Linked            []string `json:"linked,omitempty"` // prefixed ids of the linked conversations and tickets
	PartsCount        int      `json:"parts_count,omitempty"`
	// Snippets are the passages matching the text, **word** marking a match; without text, Preview holds the
	// start of the description.
	Snippets  []string `json:"snippets,omitempty"`
	Preview   string   `json:"preview,omitempty"`
	CreatedAt string   `json:"created_at,omitempty"`
	UpdatedAt string   `json:"updated_at,omitempty"`
	URL       string   `json:"url"`
}

// newTicketView decodes a ticket's raw JSON and builds its view with the parts w selects. Teammates and teams are
// named from names; g (nil: none) reads the ticket type, for the attributes' types and order.
func newTicketView(ctx context.Context, raw []byte, appID string, w partsWindow, names NameLookup, g Getter) (*TicketView, error) {
	var t wire.Ticket
	if err := wire.ReadStored(raw, &t); err != nil { // raw was valid JSON to encoding/json when stored or fetched
		return nil, fmt.Errorf("decode ticket: %w", err)
	}
	id := string(t.ID)
	v := &TicketView{
		ID: query.FormatID(query.KindTicket, id), URL: appURL(appID, query.KindTicket, id),
		TicketNumber: sanitizeLine(string(t.TicketID)), Category: string(t.Category), Open: t.Open.V, IsShared: t.IsShared.V,
		CreatedAt: rfc3339(t.CreatedAt.V), UpdatedAt: rfc3339(t.UpdatedAt.V), SnoozedUntil: rfc3339(t.SnoozedUntil.V),
	}
	if tt := t.TicketType; tt != nil {
		v.TicketTypeID, v.TicketType = string(tt.ID), sanitizeLine(string(tt.Name))
		if v.TicketType == "" {
			v.TicketType = nameOf(names, query.KindTicketType, v.TicketTypeID)
		}
	}
	if st := t.TicketState; st != nil {
		v.State, v.StateLabel, v.StateExternalLabel = string(st.Category), sanitizeLine(string(st.InternalLabel)), sanitizeLine(string(st.ExternalLabel))
	}
	v.AdminAssigneeID, v.AdminAssigneeName = assignee(query.KindAdmin, t.AdminAssigneeID, names)
	v.TeamAssigneeID, v.TeamAssigneeName = assignee(query.KindTeam, t.TeamAssigneeID, names)
	if t.Contacts != nil {
		for _, p := range t.Contacts.Contacts {
			v.Contacts = append(v.Contacts, PersonView{Type: "contact", ID: query.FormatID(query.KindContact, string(p.ID)),
				Name: sanitizeLine(string(p.Name)), Email: sanitizeLine(string(p.Email))})
		}
	}
	attrs := map[string]json.RawMessage{}
	for name, val := range t.Attributes {
		switch name {
		case "_default_title_":
			var s wire.String
			_ = s.UnmarshalJSON(val)
			v.Title = textLine(s)
		case "_default_description_":
			var s wire.String
			_ = s.UnmarshalJSON(val)
			v.Description = Sanitize(plaintext.Readable(string(s)))
		default:
			attrs[name] = val
		}
	}
	v.setAttributes(ctx, attrs, g)
	v.LinkedConversations = prefixedIDs(query.KindConversation, t.LinkedObjects.IDsOf("conversation"))
	v.LinkedTickets = prefixedIDs(query.KindTicket, t.LinkedObjects.IDsOf("ticket"))
	var parts []wire.TicketPart
	if t.Parts != nil {
		parts = t.Parts.Parts
	}
	v.Parts, v.PartsPage = pagePartsOf(len(parts), w, "ticket", false, func(i int) PartView {
		p := parts[i]
		pv := partView(i, string(p.ID), string(p.PartType), p.CreatedAt.V, p.Author, p.Body, p.AssignedTo, p.Attachments, p.Redacted.V, names)
		pv.Change = ticketPartChange(p)
		return pv
	})
	return v, nil
}

// setAttributes sets a ticket's attributes (nulls left out), typed and ordered as its ticket type gives them, then
// any the type does not list (or every one, when g cannot read the type), by name.
func (v *TicketView) setAttributes(ctx context.Context, attrs map[string]json.RawMessage, g Getter) {
	add := func(name, typ string) {
		raw, ok := attrs[name]
		delete(attrs, name)
		val := attributeValue(raw)
		if !ok || val == nil {
			return
		}
		name = sanitizeLine(name)
		if v.Attributes == nil {
			v.Attributes = map[string]any{}
		}
		v.Attributes[name] = val
		v.attrOrder = append(v.attrOrder, name)
		if typ != "" {
			if v.AttributeTypes == nil {
				v.AttributeTypes = map[string]string{}
			}
			v.AttributeTypes[name] = sanitizeLine(typ)
		}
	}
	if g != nil && v.TicketTypeID != "" {
		if rec, err := g.Get(ctx, query.KindTicketType, v.TicketTypeID); err == nil && !rec.Deleted {
			var tt wire.TicketType
			if json.Unmarshal(rec.Raw, &tt) == nil {
				for _, a := range tt.AttributeList() {
					add(string(a.Name), string(a.DataType))
				}
			}
		}
	}
	rest := make([]string, 0, len(attrs))
	for name := range attrs {
		rest = append(rest, name)
	}
	slices.Sort(rest)
	for _, name := range rest {
		add(name, "")
	}
}

// ticketPartChange says what a ticket part that is an event changed: the state, or an attribute.
func ticketPartChange(p wire.TicketPart) string {
	switch {
	case p.State != "" && p.PreviousState != "" && p.State != p.PreviousState:
		return "state " + sanitizeLine(string(p.PreviousState)) + " → " + sanitizeLine(string(p.State))
	case p.State != "":
		return "state " + sanitizeLine(string(p.State))
	case p.UpdatedAttributes != nil && p.UpdatedAttributes.Attribute.Label != "":
		change := quotedLine(string(p.UpdatedAttributes.Attribute.Label)) + " changed"
		if val := attributeValue(p.UpdatedAttributes.Value.Label); val != nil {
			change += " to " + attributeText(val)
		}
		return change
	}
	return ""
}

// RenderTicket renders a ticket for reading, by a model or a person: the data notice, its fields and attributes,
// the description fenced, then the page of parts as a transcript. Customer-written strings are quoted or fenced.
// It reads nothing: v and fresh hold everything shown.
func RenderTicket(v *TicketView, fresh Freshness) string {
	var b strings.Builder
	writeCardHead(&b, v.ID, v.Title, v.URL)
	writeField(&b, "Type", joinNonEmpty(", ", namedID(v.TicketType, v.TicketTypeID), v.Category))
	state := joinNonEmpty(" ", v.State, quotedLine(v.StateLabel))
	if !v.Open {
		state = joinNonEmpty(", ", state, "closed")
	}
	writeField(&b, "State", joinNonEmpty(" · ", state, prefixed("number ", v.TicketNumber),
		prefixed("created ", humanTimeRFC(v.CreatedAt)), prefixed("updated ", humanTimeRFC(v.UpdatedAt)),
		prefixed("snoozed until ", humanTimeRFC(v.SnoozedUntil)), sharedLabel(v.IsShared)))
	writeField(&b, "Assignee", assigneeLine(v.AdminAssigneeName, v.AdminAssigneeID, v.TeamAssigneeName, v.TeamAssigneeID))
	writeField(&b, "Contacts", contactsLine(v.Contacts))
	var attrs []string
	for _, name := range v.attributeNames() {
		typ := v.AttributeTypes[name]
		attrs = append(attrs, joinNonEmpty(" ", quotedLine(name), parenthesized(typ))+": "+ticketAttributeText(v.Attributes[name], typ))
	}
	writeField(&b, "Attributes", strings.Join(attrs, "; "))
	writeField(&b, "Linked conversations", strings.Join(v.LinkedConversations, ", "))
	writeField(&b, "Linked tickets", strings.Join(v.LinkedTickets, ", "))
	writeField(&b, "Freshness", fresh.line())
	b.WriteByte('\n')
	if v.Description != "" {
		b.WriteString("[description]\n")
		fence(&b, "text", v.Description)
	}
	writeParts(&b, v.Parts, v.PartsPage, "(no comments, notes or events)")
	return strings.TrimRight(b.String(), "\n")
}

// attributeNames are the names of the ticket's attributes in the order to show them: the ticket type's, then by
// name (a view decoded from JSON has no order of its own: by name).
func (v *TicketView) attributeNames() []string {
	if len(v.attrOrder) == len(v.Attributes) {
		return v.attrOrder
	}
	names := make([]string, 0, len(v.Attributes))
	for name := range v.Attributes {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// ticketAttributeText renders an attribute's value: a datetime as a date, other values as attributeText does.
func ticketAttributeText(val any, typ string) string {
	if n, ok := val.(json.Number); ok && typ == "datetime" {
		if unix, err := n.Int64(); err == nil && unix > 0 {
			return humanTime(unix)
		}
	}
	return attributeText(val)
}

func sharedLabel(shared bool) string {
	if shared {
		return "shared with the customer"
	}
	return ""
}

// ticketSummary shapes a hit as a ticket summary.
func ticketSummary(h index.Hit, env rowEnv) TicketSummary {
	s := TicketSummary{
		ID: query.FormatID(query.KindTicket, h.ID), Title: sanitizeLine(h.Title), TicketType: sanitizeLine(h.TicketType),
		Category: h.Category, State: h.State, StateLabel: sanitizeLine(h.StateLabel), Open: h.Open,
		AdminAssigneeID: h.AdminAssigneeID, AdminAssigneeName: nameOf(env.names, query.KindAdmin, h.AdminAssigneeID),
		TeamAssigneeID: h.TeamAssigneeID, TeamAssigneeName: nameOf(env.names, query.KindTeam, h.TeamAssigneeID),
		Linked: sanitizeList(h.Linked), PartsCount: h.PartsCount, CreatedAt: rfc3339(h.CreatedAt), UpdatedAt: rfc3339(h.UpdatedAt),
		URL: appURL(env.appID, query.KindTicket, h.ID),
	}
	s.Snippets, s.Preview = snippetsOrPreview(h)
	return s
}

// line renders a ticket summary on one line.
func (t TicketSummary) line() string {
	return joinNonEmpty(" · ", t.ID+" "+quotedLine(t.Title), ticketKindLabel(t.TicketType, t.Category),
		ticketStateLabel(t.State, t.StateLabel), assigneesLabel(t.AdminAssigneeID, t.AdminAssigneeName, t.TeamAssigneeID, t.TeamAssigneeName),
		partsLabel(t.PartsCount), linkedLabel(t.Linked), prefixed("updated ", humanTimeRFC(t.UpdatedAt)))
}

// below quotes the matching passages (or the start of the description) under a ticket's entry.
func (t TicketSummary) below() []string { return quoted(append(t.Snippets, t.Preview)...) }

// ticketHitLine is the key fields of a ticket in a search result (snippets or its description follow).
func ticketHitLine(h index.Hit, names NameLookup) string {
	return joinNonEmpty(" · ", ticketKindLabel(h.TicketType, h.Category), ticketStateLabel(h.State, h.StateLabel),
		assigneesLabel(h.AdminAssigneeID, nameOf(names, query.KindAdmin, h.AdminAssigneeID),
			h.TeamAssigneeID, nameOf(names, query.KindTeam, h.TeamAssigneeID)),
		partsLabel(h.PartsCount), linkedLabel(h.Linked),
		prefixed("created ", humanTime(h.CreatedAt)), prefixed("updated ", humanTime(h.UpdatedAt)))
}

// ticketKindLabel shows a ticket's type and category: "\"Bug report\" (Tracker)".
func ticketKindLabel(typ, category string) string {
	return joinNonEmpty(" ", quotedLine(typ), parenthesized(category))
}

// ticketStateLabel shows a ticket's state with its label: "submitted \"Reported\"".
func ticketStateLabel(state, label string) string {
	return joinNonEmpty(" ", state, quotedLine(label))
}

// linkedLabel lists the linked conversations and tickets of a hit: "linked conversation_1001, ticket_7584".
func linkedLabel(ids []string) string {
	return prefixed("linked ", strings.Join(sanitizeList(ids), ", "))
}
