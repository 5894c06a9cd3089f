package mcp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// ContactView is a contact as the tools return it in structuredContent: every attribute, sanitized, with the
// contact's recent conversations from the replica.
type ContactView struct {
	ID               string         `json:"id"` // prefixed: contact_abc
	URL              string         `json:"url"`
	Role             string         `json:"role,omitempty"` // user or lead
	Name             string         `json:"name,omitempty"`
	Email            string         `json:"email,omitempty"`
	Phone            string         `json:"phone,omitempty"`
	ExternalID       string         `json:"external_id,omitempty"`
	OwnerID          string         `json:"owner_id,omitempty"`
	OwnerName        string         `json:"owner_name,omitempty"` // from the replica's teammates
	CreatedAt        string         `json:"created_at,omitempty"`
	UpdatedAt        string         `json:"updated_at,omitempty"`
	SignedUpAt       string         `json:"signed_up_at,omitempty"`
	LastSeenAt       string         `json:"last_seen_at,omitempty"`
	LastRepliedAt    string         `json:"last_replied_at,omitempty"`
	LastContactedAt  string         `json:"last_contacted_at,omitempty"`
	Location         string         `json:"location,omitempty"`  // "City, Region, Country"
	Tags             []string       `json:"tags,omitempty"`      // names ("tag id 6012000" when the replica has none)
	Companies        []string       `json:"companies,omitempty"` // names, as Tags
	CustomAttributes map[string]any `json:"custom_attributes,omitempty"`
	// Attributes holds every other attribute Intercom returned that has a value (browser, os, language,
	// email_domain, unsubscribed_from_emails, utm_*, ...), keyed by Intercom's name.
	Attributes map[string]any `json:"attributes,omitempty"`
	// RecentConversations are the contact's latest conversations in the replica, newest first;
	// ConversationsTotal is how many the replica holds in all.
	RecentConversations []ConversationSummary `json:"recent_conversations"`
	ConversationsTotal  int                   `json:"conversations_total"`
}

// ConversationSummary is one line about a conversation: what search_conversations and a contact's recent
// conversations show.
type ConversationSummary struct {
	ID          string   `json:"id"` // prefixed
	Title       string   `json:"title,omitempty"`
	State       string   `json:"state,omitempty"`
	Priority    string   `json:"priority,omitempty"`
	SourceType  string   `json:"source_type,omitempty"`
	AuthorName  string   `json:"author_name,omitempty"`
	AuthorEmail string   `json:"author_email,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	// The assignees, with their names from the replica when it has them.
	AdminAssigneeID   string `json:"admin_assignee_id,omitempty"`
	AdminAssigneeName string `json:"admin_assignee_name,omitempty"`
	TeamAssigneeID    string `json:"team_assignee_id,omitempty"`
	TeamAssigneeName  string `json:"team_assignee_name,omitempty"`
	CreatedAt         string `json:"created_at,omitempty"`
	UpdatedAt         string `json:"updated_at,omitempty"`
	Preview           string `json:"preview,omitempty"` // start of the opening message, plain text
	URL               string `json:"url"`
}

// contactKnown are the attributes ContactView has a field for (or that are references, not attributes); every
// other top-level attribute with a value goes to Attributes.
var contactKnown = []string{
	"type", "id", "workspace_id", "role", "name", "email", "phone", "external_id", "owner_id", "created_at",
	"updated_at", "signed_up_at", "last_seen_at", "last_replied_at", "last_contacted_at", "location", "tags",
	"companies", "custom_attributes", "notes", "social_profiles", "avatar", "opted_out_subscription_types",
	"opted_in_subscription_types",
}

// newContactView decodes a contact's raw JSON and builds its view (without recent conversations). Its owner, tags
// and companies are named from names (nil names none).
func newContactView(raw []byte, appID string, names NameLookup) (*ContactView, error) {
	var c wire.Contact
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("decode contact: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("decode contact: %w", err)
	}
	id := string(c.ID)
	if appID == "" {
		appID = string(c.WorkspaceID)
	}
	v := &ContactView{
		ID:              query.FormatID(query.KindContact, id),
		URL:             appURL(appID, query.KindContact, id),
		Role:            string(c.Role),
		Name:            sanitizeLine(string(c.Name)),
		Email:           sanitizeLine(string(c.Email)),
		Phone:           sanitizeLine(string(c.Phone)),
		ExternalID:      sanitizeLine(string(c.ExternalID)),
		OwnerID:         string(c.OwnerID),
		OwnerName:       nameOf(names, query.KindAdmin, string(c.OwnerID)),
		CreatedAt:       rfc3339(c.CreatedAt.V),
		UpdatedAt:       rfc3339(c.UpdatedAt.V),
		SignedUpAt:      rfc3339(c.SignedUpAt.V),
		LastSeenAt:      rfc3339(c.LastSeenAt.V),
		LastRepliedAt:   rfc3339(c.LastRepliedAt.V),
		LastContactedAt: rfc3339(c.LastContactedAt.V),

		RecentConversations: []ConversationSummary{},
	}
	if l := c.Location; l != nil {
		city, region := string(l.City), string(l.Region)
		v.Location = sanitizeLine(joinNonEmpty(", ", city, nonRepeat(region, city), string(l.Country)))
	}
	v.Tags = listNames(c.Tags, query.KindTag, names)
	v.Companies = listNames(c.Companies, query.KindCompany, names)
	v.CustomAttributes = customAttributeValues(c.CustomAttributes)
	for k, raw := range all {
		if slices.Contains(contactKnown, k) {
			continue
		}
		val := attributeValue(raw)
		switch t := val.(type) {
		case nil:
			continue
		case string:
			if t == "" {
				continue
			}
		case map[string]any:
			if len(t) == 0 {
				continue
			}
		case []any:
			if len(t) == 0 {
				continue
			}
		}
		if v.Attributes == nil {
			v.Attributes = map[string]any{}
		}
		v.Attributes[sanitizeLine(k)] = val
	}
	if sp := c.SocialProfiles; sp != nil {
		for _, p := range sp.Data {
			if v.Attributes == nil {
				v.Attributes = map[string]any{}
			}
			v.Attributes["social_profile_"+sanitizeLine(strings.ToLower(string(p.Name)))] = sanitizeLine(string(p.URL))
		}
	}
	return v, nil
}

// listNames returns the names of a contact's tags or companies (Intercom's contact lists carry only ids: the
// names come from names), or unnamedRef for items the replica cannot name, and listCount when the list is cut
// short.
func listNames(l *wire.RefList, kind query.Kind, names NameLookup) []string {
	if l == nil {
		return nil
	}
	var out []string
	for _, d := range l.Data {
		out = append(out, refName(d, kind, names))
	}
	if l.HasMore.V || int(l.TotalCount.V) > len(l.Data) {
		out = append(out, listCount(int(l.TotalCount.V)))
	}
	return out
}

// RenderContact renders a contact card for reading, by a model or a person: the data notice, the contact's
// attributes, every customer-written string quoted, and their recent conversations. It reads nothing: v and fresh
// hold everything shown.
func RenderContact(v *ContactView, fresh Freshness) string {
	var b strings.Builder
	b.WriteString(dataNotice + "\n\n")
	fmt.Fprintf(&b, "%s: %s\n", v.ID, personLabel(v.Name, v.Email, v.Role, ""))
	b.WriteString(v.URL + "\n")
	writeField(&b, "Role", joinNonEmpty(" · ", v.Role, prefixed("external id ", quotedLine(v.ExternalID)), prefixed("phone ", quotedLine(v.Phone)), ownerLabel(v)))
	writeField(&b, "Location", quotedLine(v.Location))
	writeField(&b, "Activity", joinNonEmpty(" · ", prefixed("created ", humanTimeRFC(v.CreatedAt)),
		prefixed("signed up ", humanTimeRFC(v.SignedUpAt)), prefixed("last seen ", humanTimeRFC(v.LastSeenAt)),
		prefixed("last replied ", humanTimeRFC(v.LastRepliedAt)), prefixed("last contacted ", humanTimeRFC(v.LastContactedAt)),
		prefixed("updated ", humanTimeRFC(v.UpdatedAt))))
	writeField(&b, "Tags", quotedList(v.Tags))
	writeField(&b, "Companies", quotedList(v.Companies))
	writeField(&b, "Custom attributes", attributesLine(v.CustomAttributes))
	writeField(&b, "Other attributes", attributesLine(v.Attributes))
	writeField(&b, "Freshness", fresh.line())
	if len(v.RecentConversations) == 0 {
		b.WriteString("Recent conversations: none in the replica\n")
	} else {
		fmt.Fprintf(&b, "Recent conversations (%d of %d, newest first):\n", len(v.RecentConversations), v.ConversationsTotal)
		for _, c := range v.RecentConversations {
			b.WriteString("  " + c.line() + "\n")
		}
		if more := v.ConversationsTotal - len(v.RecentConversations); more > 0 {
			fmt.Fprintf(&b, "  %d older: search with object_type:conversations contact_ids:%s\n", more, strings.TrimPrefix(v.ID, string(query.KindContact)+"_"))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// line renders a conversation summary on one line.
func (c ConversationSummary) line() string {
	title := c.Title
	if title == "" {
		title = truncateRunes(c.Preview, 80)
	}
	return joinNonEmpty(" · ", c.ID+" "+quotedLine(title), c.State, c.SourceType,
		assigneesLabel(c.AdminAssigneeID, c.AdminAssigneeName, c.TeamAssigneeID, c.TeamAssigneeName),
		prefixed("updated ", humanTimeRFC(c.UpdatedAt)))
}

// below quotes the start of the opening message under a conversation's entry.
func (c ConversationSummary) below() []string { return quoted(truncateRunes(c.Preview, 160)) }

// nonRepeat returns s, or "" when it repeats prev (a city that is its own region: "Berlin, Berlin").
func nonRepeat(s, prev string) string {
	if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(prev)) {
		return ""
	}
	return s
}

// ownerLabel shows the contact's owner: "owner \"Maya Lindqvist\" (991267607)", or "owner admin 991267607" when
// the replica cannot name them.
func ownerLabel(v *ContactView) string {
	if v.OwnerName == "" {
		return prefixed("owner admin ", v.OwnerID)
	}
	return "owner " + namedID(v.OwnerName, v.OwnerID)
}
