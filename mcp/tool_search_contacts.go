package mcp

import (
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/mark3labs/mcp-go/server"
)

// SearchContactsResult is the structured result of search_contacts: the hosted server's shape ({total_in_page,
// data, pages, _note}) with the total, the query as run, and the freshness.
type SearchContactsResult struct {
	Data []ContactSummary `json:"data"`
	ListInfo
}

// ContactSummary is one contact of a structured search.
type ContactSummary struct {
	ID         string   `json:"id"` // prefixed: contact_abc
	Name       string   `json:"name,omitempty"`
	Email      string   `json:"email,omitempty"`
	Role       string   `json:"role,omitempty"`
	Phone      string   `json:"phone,omitempty"`
	ExternalID string   `json:"external_id,omitempty"`
	Location   string   `json:"location,omitempty"`
	Companies  []string `json:"companies,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	CreatedAt  string   `json:"created_at,omitempty"`
	UpdatedAt  string   `json:"updated_at,omitempty"`
	LastSeenAt string   `json:"last_seen_at,omitempty"`
	URL        string   `json:"url"`
}

const searchContactsDescription = `Search contacts (users and leads) with structured filters (the same filters as Intercom's search_contacts tool, plus a few more): ids, name (matches part of the name), email (exact), email_domain, phone, role, external_id, custom_attributes (each must equal), and created/updated/last-seen ranges. All given filters must match. Ranges take {"operator": ">", "value": ...} (operators > >= < <= = != or their names gt gte lt lte eq neq) or bounds {"gte": ..., "lt": ...}; timestamps accept Unix seconds, 2025-01-31, RFC 3339 or a time ago (7d, 24h).

Answered from the local replica in milliseconds, with prefixed ids (contact_abc) to pass to get_contact or fetch. When more results exist, the result gives the starting_after cursor of the next page.

Example: {"email_domain": "example.com", "role": "user", "custom_attributes": {"plan": "pro"}}`

// SearchContactsTool is search_contacts: structured filters, through the same query AST as search.
func SearchContactsTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	return listTool[query.ContactFilter, ContactSummary, SearchContactsResult]{
		name: "search_contacts", title: "Search contacts by filters", description: searchContactsDescription,
		kind: query.KindContact, summarize: contactSummary,
		result: func(items []ContactSummary, info ListInfo) *SearchContactsResult {
			return &SearchContactsResult{Data: items, ListInfo: info}
		},
	}.serverTool(s, status, o)
}

func contactSummary(h index.Hit, env rowEnv) ContactSummary {
	return ContactSummary{
		ID: query.FormatID(query.KindContact, h.ID), Name: sanitizeLine(h.Name), Email: sanitizeLine(h.Email),
		Role: h.Role, Phone: sanitizeLine(h.Phone), ExternalID: sanitizeLine(h.ExternalID),
		Location: sanitizeLine(h.Location), Companies: sanitizeList(h.Companies), Tags: sanitizeList(h.Tags),
		CreatedAt: rfc3339(h.CreatedAt), UpdatedAt: rfc3339(h.UpdatedAt), LastSeenAt: rfc3339(h.LastSeenAt),
		URL: appURL(env.appID, query.KindContact, h.ID),
	}
}

// line renders a contact summary on one line.
func (c ContactSummary) line() string {
	return joinNonEmpty(" · ", c.ID+" "+personLabel(c.Name, c.Email, c.Role, ""), c.Role, quotedLine(c.Phone),
		prefixed("external id ", quotedLine(c.ExternalID)), quotedLine(c.Location), prefixed("companies ", quotedList(c.Companies)),
		prefixed("tags ", quotedList(c.Tags)), prefixed("last seen ", humanTimeRFC(c.LastSeenAt)))
}

// below is nothing: a contact's entry is its line.
func (c ContactSummary) below() []string { return nil }
