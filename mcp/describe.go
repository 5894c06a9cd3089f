package mcp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/query"
)

// Tool descriptions teach a model the query language. The syntax comes from the query package (query.Syntax), and
// everything they say about fields, types and enumerations is generated from its catalogs, so a field added there
// appears here and a field removed there cannot linger in a description (a test checks every featured name against
// the catalog).

// featuredFields are the fields a description explains one by one, most useful first; every other searchable
// field of the catalog is listed by name only.
var featuredFields = map[query.Kind][]string{
	query.KindConversation: {
		"state", "open", "read", "priority", "source_type", "source_author_email", "source_author_name",
		"source_subject", "source_body", "parts_body", "tag", "admin_assignee", "admin_assignee_id", "team_assignee",
		"team_assignee_id", "contact_ids", "company", "created_at", "updated_at", "waiting_since", "statistics_time_to_admin_reply",
		"conversation_rating_score",
	},
	query.KindContact: {
		"role", "name", "email", "email_domain", "phone", "external_id", "tag", "company", "location_country",
		"created_at", "updated_at", "last_seen_at", "signed_up_at", "last_replied_at", "owner",
	},
	query.KindCompany: {
		"name", "company_id", "plan", "size", "monthly_spend", "user_count", "industry", "website", "tag", "segment",
		"created_at", "last_request_at",
	},
	query.KindArticle: {
		"title", "body", "state", "author", "collection", "help_center", "locale", "tag", "created_at", "updated_at",
	},
	query.KindTicket: {
		"title", "description", "ticket_type", "state", "state_label", "category", "open", "admin_assignee",
		"team_assignee", "contact_ids", "linked_conversation_ids", "parts_body", "created_at", "updated_at",
	},
}

// searchable reports whether the replica can search field f: it has an index, or it takes names that become ids
// (admin_assignee, tag, company).
func searchable(f *query.Field) bool { return f.Index != "" || f.NameOf != "" }

// dslExamples are example queries shown to the model; a test parses each one.
var dslExamples = []string{
	`object_type:conversations state:open source_type:email`,
	`object_type:conversations q:"double charged" created_at:gt:30d`,
	`object_type:conversations tag:billing priority:in:high,urgent updated_at:gte:2025-01-01 limit:50`,
	`object_type:conversations source_author_email:jane@example.com`,
	`object_type:conversations parts_body:contains:refund state:closed statistics_time_to_admin_reply:gt:3600`,
	`object_type:conversations custom_attributes."Ticket category":Billing`,
	`object_type:contacts email_domain:example.com role:user`,
	`object_type:contacts name:contains:smith last_seen_at:lt:90d`,
	`object_type:conversations admin_assignee:"Alex Rivera" state:open`,
	`object_type:conversations team_assignee:Billing company:Acme`,
	`object_type:contacts tag:VIP company:"Acme Inc"`,
	`object_type:companies plan:Pro size:gte:100 tag:VIP`,
	`object_type:companies q:acme`,
	`object_type:articles q:"refund" state:published`,
	`object_type:articles help_center:"Umbrella Help" locale:fr`,
	`object_type:tickets ticket_type:"Bug report" state:submitted`,
	`object_type:tickets ticket_attributes.Severity:High linked_conversation_ids:1001`,
}

// fieldGuide lists the featured fields of kind with their types and descriptions, then the names of the other
// fields the replica can search.
func fieldGuide(kind query.Kind) string {
	cat := query.CatalogFor(kind)
	var b strings.Builder
	featured := featuredFields[kind]
	for _, name := range featured {
		f, ok := cat.Lookup(name)
		if !ok {
			continue // TestDescriptions_FeaturedFieldsExist fails instead
		}
		fmt.Fprintf(&b, "  %s (%s): %s\n", f.Name, fieldTypeLabel(f), f.Description)
	}
	var others []string
	for _, f := range cat.Fields() {
		if !searchable(f) || slices.Contains(featured, f.Name) {
			continue
		}
		others = append(others, f.Name)
	}
	if attrs := customAttributesOf(kind); attrs != "" {
		others = append(others, attrs)
	}
	if len(others) > 0 {
		b.WriteString("  Also: ")
		b.WriteString(strings.Join(others, ", "))
		b.WriteString(".\n")
	}
	return b.String()
}

// customAttributesOf is how a kind's own attributes are named in a query: custom_attributes.<name>, a ticket's
// ticket_attributes.<name>; "" for articles, which have none.
func customAttributesOf(kind query.Kind) string {
	switch kind {
	case query.KindArticle:
		return ""
	case query.KindTicket:
		return "ticket_attributes.<name> (the ticket type's fields)"
	}
	return "custom_attributes.<name>"
}

// fieldTypeLabel is a field's type as a description shows it: "keyword", "timestamp", or its values when the set
// is closed ("open|closed|snoozed"), with "list" for list-valued fields.
func fieldTypeLabel(f *query.Field) string {
	label := f.Type.String()
	if len(f.Enum) > 0 {
		label = strings.Join(f.Enum, "|")
	}
	if f.Multi {
		label += ", list"
	}
	if f.Unit != "" {
		label += ", " + f.Unit
	}
	return label
}

// searchDescription is the search tool's description.
func searchDescription() string {
	var b strings.Builder
	b.WriteString(`Search the Intercom workspace's conversations (with every message of every conversation), contacts, companies, Help Center articles (every language version) or tickets, using Intercom's search query language. Answered from a local replica in milliseconds, at no cost to the Intercom rate limit; results say how fresh the replica is.

Returns up to limit results shaped {id, title, text, url}: id is prefixed (conversation_123, contact_abc, company_abc, article_39, ticket_7583) and goes to fetch (or get_conversation/get_contact/get_company/get_article/get_ticket) for the whole record; text holds the key fields and, with q:, the matching snippets. When more results exist the answer ends with the cursor for the next page.

`)
	b.WriteString(query.Syntax())
	b.WriteString("\n")
	for _, k := range []struct {
		kind    query.Kind
		heading string
	}{
		{query.KindConversation, "Conversation fields:"},
		{query.KindContact, "Contact fields:"},
		{query.KindCompany, "Company fields (object_type:companies; q: searches name, website, company_id and industry):"},
		{query.KindArticle, "Article fields (object_type:articles, Help Center articles; q: searches every language version's title, description and body):"},
		{query.KindTicket, "Ticket fields (object_type:tickets; q: searches the title, description and every part):"},
	} {
		b.WriteString("\n" + k.heading + "\n")
		b.WriteString(fieldGuide(k.kind))
	}
	b.WriteString("\nTeammates, teams, tags, segments, companies, collections, help centers and ticket types are taken by name or id (admin_assignee:alex.rivera@umbrella.app, team_assignee:Billing, tag:VIP, company:\"Acme Inc\", collection:Billing, ticket_type:\"Bug report\"); an unknown or ambiguous name is an error listing the candidates. Results show them by name with the id.\n")
	b.WriteString("\nExamples:\n")
	for _, e := range dslExamples {
		b.WriteString("  ")
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// idFormsDoc says which forms an id argument accepts.
const idFormsDoc = "a prefixed id from search results (conversation_123, contact_6762f0d01bb69f9f2193bb7d), a raw id, or an Intercom app URL (https://app.intercom.com/a/inbox/_/inbox/conversation/123, https://app.intercom.com/a/apps/<app>/users/<id>/all-conversations)"
