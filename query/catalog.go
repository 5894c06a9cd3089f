package query

import (
	"strings"
)

// Catalog is the table of searchable fields of one kind of record: the single source of truth for which fields
// exist, their types and operators, their local index field names and their Intercom Search API names. Catalogs
// are immutable and shared; obtain one with CatalogFor.
type Catalog struct {
	kind   Kind
	fields []Field
	byName map[string]*Field // normalised name or alias → field
}

// CatalogFor returns the field catalog of kind, or nil if kind is not a known Kind.
func CatalogFor(kind Kind) *Catalog {
	switch kind {
	case KindConversation:
		return conversationCatalog
	case KindContact:
		return contactCatalog
	case KindCompany:
		return companyCatalog
	case KindArticle:
		return articleCatalog
	case KindTicket:
		return ticketCatalog
	}
	return nil
}

// Kind returns the kind of record the catalog describes.
func (c *Catalog) Kind() Kind { return c.kind }

// Fields returns every field of the catalog in documentation order. Custom attributes are not listed: they are
// reached through CustomField. The returned fields are shared and must not be modified.
func (c *Catalog) Fields() []*Field {
	out := make([]*Field, len(c.fields))
	for i := range c.fields {
		out[i] = &c.fields[i]
	}
	return out
}

// Lookup finds a field by its canonical name or an alias, ignoring case and treating "." like "_"
// (source.author.email and source_author_email are the same field). A custom attribute is named
// custom_attributes.<name> or ca.<name>, its name optionally double-quoted (ca."Ticket category"); a ticket's
// attribute ticket_attributes.<name> or attribute.<name> (or as a custom attribute); Lookup synthesizes its Field
// with CustomField. Articles have no custom attributes. It returns false for an unknown name.
func (c *Catalog) Lookup(name string) (*Field, bool) {
	if custom, ok := customAttributeName(name); ok || c.kind == KindTicket {
		if !ok {
			custom, ok = ticketAttributeName(name)
		}
		if ok {
			if custom == "" || c.kind == KindArticle {
				return nil, false
			}
			return c.CustomField(custom), true
		}
	}
	f, ok := c.byName[normalizeFieldName(name)]
	return f, ok
}

// CustomField synthesizes the field of the custom attribute called name (case-sensitive, as Intercom stores it).
// Its type is TypeAny, its index field is CustomIndexField(name), and for contacts its Intercom field is
// custom_attributes.<name>; Intercom cannot search conversation custom attributes, so for conversations Intercom
// is "".
func (c *Catalog) CustomField(name string) *Field {
	f := &Field{
		Name:        customPrefix + name,
		Type:        TypeAny,
		Ops:         anyOps,
		Index:       CustomIndexField(name),
		Path:        "custom_attributes." + name,
		Custom:      name,
		Description: "Custom attribute " + quoteIfNeeded(name) + ".",
	}
	switch c.kind {
	case KindContact:
		f.Intercom = "custom_attributes." + name
	case KindTicket:
		f.Name = ticketAttributePrefix + name
		f.Path = "ticket_attributes." + name
		f.Description = "Ticket attribute " + quoteIfNeeded(name) + "."
	}
	return f
}

// ticketAttributePrefix is the canonical DSL prefix of a ticket's attributes (its ticket type's fields, stored in
// the ticket's ticket_attributes); "attribute." and "attr." are accepted too, and custom_attributes.
const ticketAttributePrefix = "ticket_attributes."

// ticketAttributeName is customAttributeName for the prefixes of ticket attributes.
func ticketAttributeName(name string) (string, bool) {
	for _, p := range [...]string{ticketAttributePrefix, "attribute.", "attributes.", "attr."} {
		if len(name) >= len(p) && strings.EqualFold(name[:len(p)], p) {
			rest := name[len(p):]
			if len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"' {
				if unq, err := unquote(rest); err == nil {
					rest = unq
				}
			}
			return rest, true
		}
		if strings.EqualFold(name, strings.TrimSuffix(p, ".")) {
			return "", true
		}
	}
	return "", false
}

// customPrefix is the canonical DSL prefix of custom attributes; "ca." is accepted as a short alias.
const customPrefix = "custom_attributes."

// customAttributeName reports whether name addresses a custom attribute (custom_attributes.<name> or ca.<name>,
// either prefix in any case, the name optionally double-quoted) and returns the attribute's name, which is "" when
// missing.
func customAttributeName(name string) (string, bool) {
	var rest string
	switch {
	case len(name) >= len(customPrefix) && strings.EqualFold(name[:len(customPrefix)], customPrefix):
		rest = name[len(customPrefix):]
	case len(name) >= 3 && strings.EqualFold(name[:3], "ca."):
		rest = name[3:]
	case strings.EqualFold(name, "custom_attributes") || strings.EqualFold(name, "ca"):
		return "", true
	default:
		return "", false
	}
	if len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"' {
		if unq, err := unquote(rest); err == nil {
			rest = unq
		}
	}
	return rest, true
}

// normalizeFieldName folds case and spells dots as underscores, so every spelling of a field maps to one key.
func normalizeFieldName(name string) string {
	// Fast path: most names are already lower-case snake_case.
	clean := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == '.' || (c >= 'A' && c <= 'Z') {
			clean = false
			break
		}
	}
	if clean {
		return name
	}
	return strings.ReplaceAll(strings.ToLower(name), ".", "_")
}

// CustomIndexField returns the local index field name of the custom attribute called name. The mapping is
// collision-free and reversible (catalog_test.go proves it by reversing it) and produces only ASCII letters, digits
// and "_", so it is a valid bleve field name for any attribute name, spaces, dots and non-ASCII letters included:
// "ca_" is followed by name with ASCII letters and digits kept, "_" doubled, and every other byte written as "_"
// and two lower-case hex digits. "tier" → "ca_tier", "Ticket category" → "ca_Ticket_20category",
// "plan_v2" → "ca_plan__v2". No catalog field's index name starts with "ca_".
func CustomIndexField(name string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(3 + len(name))
	b.WriteString("ca_")
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '_':
			b.WriteString("__")
		default:
			b.WriteByte('_')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	return b.String()
}

// CustomAttributeOf reverses CustomIndexField (its round trip proves the encoding one-to-one): it returns the
// custom attribute name the index field name s stands for, or false if s is not a custom attribute's index field.
func CustomAttributeOf(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "ca_")
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(rest))
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c != '_':
			return "", false
		case i+1 < len(rest) && rest[i+1] == '_':
			b.WriteByte('_')
			i++
		case i+2 < len(rest):
			hi, lo := unhex(rest[i+1]), unhex(rest[i+2])
			if hi < 0 || lo < 0 {
				return "", false
			}
			b.WriteByte(byte(hi<<4 | lo))
			i += 2
		default:
			return "", false
		}
	}
	name := b.String()
	// Only the canonical spelling maps back, so the mapping stays one-to-one.
	if CustomIndexField(name) != s {
		return "", false
	}
	return name, true
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}

// Operator sets per type. They are shared by every field of the type and must not be modified.
var (
	keywordOps = []Op{OpEq, OpNeq, OpIn, OpNin, OpContains, OpNotContains, OpStartsWith, OpEndsWith, OpExists, OpNotExists}
	enumOps    = []Op{OpEq, OpNeq, OpIn, OpNin, OpExists, OpNotExists}
	textOps    = []Op{OpEq, OpContains, OpNotContains, OpExists, OpNotExists}
	numberOps  = []Op{OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpIn, OpNin, OpExists, OpNotExists}
	timeOps    = []Op{OpEq, OpGt, OpGte, OpLt, OpLte, OpExists, OpNotExists}
	boolOps    = []Op{OpEq, OpNeq, OpExists, OpNotExists}
	anyOps     = []Op{OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpContains, OpNotContains, OpStartsWith, OpEndsWith,
		OpIn, OpNin, OpExists, OpNotExists}
	// nameOps are the operators of a field that takes names (NameOf): each name stands for one record's id.
	nameOps = []Op{OpEq, OpNeq, OpIn, OpNin}
)

// opsFor returns the operator set of a field of type t (enum keyword fields take enumOps instead).
func opsFor(t FieldType) []Op {
	switch t {
	case TypeKeyword:
		return keywordOps
	case TypeText:
		return textOps
	case TypeInt, TypeFloat:
		return numberOps
	case TypeTimestamp:
		return timeOps
	case TypeBool:
		return boolOps
	}
	return anyOps
}

// The catalogs are built once from the tables below and never modified afterwards.
var (
	conversationCatalog = newCatalog(KindConversation, conversationFields())
	contactCatalog      = newCatalog(KindContact, contactFields())
	companyCatalog      = newCatalog(KindCompany, companyFields())
	articleCatalog      = newCatalog(KindArticle, articleFields())
	ticketCatalog       = newCatalog(KindTicket, ticketFields())
)

// newCatalog completes each field from its type (operators, index name, the dotted Intercom spelling as an alias)
// and indexes every name and alias.
func newCatalog(kind Kind, fields []Field) *Catalog {
	c := &Catalog{kind: kind, fields: fields, byName: make(map[string]*Field, 3*len(fields))}
	for i := range c.fields {
		f := &c.fields[i]
		if f.Ops == nil {
			if f.NameOf != "" && f.Target != "" {
				f.Ops = nameOps
			} else if f.Enum != nil {
				f.Ops = enumOps
			} else {
				f.Ops = opsFor(f.Type)
			}
		}
		switch f.Index {
		case "":
			f.Index = f.Name
		case noIndex:
			f.Index = ""
		}
		if f.Intercom != "" && f.Intercom != f.Name && normalizeFieldName(f.Intercom) == f.Name {
			f.Aliases = append([]string{f.Intercom}, f.Aliases...)
		}
		c.byName[f.Name] = f
		for _, a := range f.Aliases {
			c.byName[normalizeFieldName(a)] = f
		}
	}
	return c
}

// noIndex marks, in the tables below, a field the local replica cannot search (the record does not carry it).
const noIndex = "-"

// conversationFields is the conversation catalog: every field Intercom's conversation search documents (2.16), under
// its flat snake_case name with Intercom's dotted spelling as an alias, then the fields only the replica can search.
func conversationFields() []Field {
	return []Field{
		{Name: "id", Type: TypeKeyword, Intercom: "id", Path: "id", IDOf: KindConversation,
			Description: "Conversation id (conversation_123 is accepted too)."},
		{Name: "created_at", Type: TypeTimestamp, Intercom: "created_at", Path: "created_at",
			Description: "When the conversation was created."},
		{Name: "updated_at", Type: TypeTimestamp, Intercom: "updated_at", Path: "updated_at",
			Description: "When the conversation was last updated."},
		{Name: "state", Type: TypeKeyword, Enum: []string{"open", "closed", "snoozed"}, Intercom: "state", Path: "state",
			Description: "Conversation state."},
		{Name: "open", Type: TypeBool, Intercom: "open", Path: "open",
			Description: "Whether the conversation is open (snoozed counts as open)."},
		{Name: "read", Type: TypeBool, Intercom: "read", Path: "read",
			Description: "Whether the conversation has been read."},
		{Name: "priority", Type: TypeKeyword, Intercom: "priority", Path: "priority",
			Description: "Priority: none, low, medium, high or urgent (older workspaces: priority, not_priority)."},
		{Name: "waiting_since", Type: TypeTimestamp, Intercom: "waiting_since", Path: "waiting_since",
			Description: "When the contact started waiting for a reply."},
		{Name: "snoozed_until", Type: TypeTimestamp, Intercom: "snoozed_until", Path: "snoozed_until",
			Description: "When a snoozed conversation reopens."},
		{Name: "admin_assignee_id", Type: TypeInt, Intercom: "admin_assignee_id", Path: "admin_assignee_id",
			Description: "Id of the assigned admin (0 when unassigned)."},
		{Name: "team_assignee_id", Type: TypeInt, Intercom: "team_assignee_id", Path: "team_assignee_id",
			Description: "Id of the assigned team (0 when unassigned)."},
		{Name: "admin_assignee", Type: TypeKeyword, NameOf: KindAdmin, Target: "admin_assignee_id", Index: noIndex,
			Aliases:     []string{"assignee"},
			Description: `The assigned teammate, by name or email ("Alex Rivera", alex@example.com) or id.`},
		{Name: "team_assignee", Type: TypeKeyword, NameOf: KindTeam, Target: "team_assignee_id", Index: noIndex,
			Aliases:     []string{"team", "team_assignee_name"},
			Description: "The assigned team, by name (Billing) or id."},
		{Name: "source_type", Type: TypeKeyword, Intercom: "source.type", Path: "source.type",
			Enum: []string{"conversation", "email", "facebook", "instagram", "phone_call", "phone_switch", "push",
				"sms", "twitter", "whatsapp"},
			Description: "Channel of the opening message (conversation means the Messenger)."},
		{Name: "source_id", Type: TypeKeyword, Intercom: "source.id", Path: "source.id",
			Description: "Id of the opening message."},
		{Name: "source_delivered_as", Type: TypeKeyword, Intercom: "source.delivered_as", Path: "source.delivered_as",
			Description: "How the opening message was delivered (customer_initiated, admin_initiated, automated, ...)."},
		{Name: "source_subject", Type: TypeText, Intercom: "source.subject", Path: "source.subject",
			Description: "Subject of the opening message (email conversations)."},
		{Name: "source_body", Type: TypeText, Intercom: "source.body", Path: "source.body",
			Description: "Text of the opening message (HTML removed)."},
		{Name: "source_url", Type: TypeKeyword, Intercom: "source.url", Path: "source.url",
			Description: "Page URL where the conversation started."},
		{Name: "source_author_id", Type: TypeKeyword, Intercom: "source.author.id", Path: "source.author.id",
			Description: "Id of the opening message's author."},
		{Name: "source_author_type", Type: TypeKeyword, Intercom: "source.author.type", Path: "source.author.type",
			Description: "Type of the opening message's author (user, lead, admin, bot, team)."},
		{Name: "source_author_name", Type: TypeKeyword, Intercom: "source.author.name", Path: "source.author.name",
			Description: "Name of the opening message's author."},
		{Name: "source_author_email", Type: TypeKeyword, Intercom: "source.author.email", Path: "source.author.email",
			Description: "Email of the opening message's author."},
		{Name: "source_author_email_domain", Type: TypeKeyword,
			Description: "Domain of the opening message author's email (derived: the part after @)."},
		{Name: "contact_ids", Type: TypeKeyword, Multi: true, Intercom: "contact_ids", Path: "contacts.contacts[].id",
			IDOf: KindContact, Aliases: []string{"contact_id"},
			Description: "Ids of the conversation's contacts (contact_abc is accepted too)."},
		{Name: "teammate_ids", Type: TypeKeyword, Multi: true, Intercom: "teammate_ids", Path: "teammates.teammates[].id",
			Aliases:     []string{"teammate_id"},
			Description: "Ids of the admins who took part."},
		{Name: "teammate", Type: TypeKeyword, Multi: true, NameOf: KindAdmin, Target: "teammate_ids", Index: noIndex,
			Aliases:     []string{"teammates"},
			Description: "A teammate who took part, by name, email or id."},
		{Name: "tag_ids", Type: TypeKeyword, Multi: true, Intercom: "tag_ids", Path: "tags.tags[].id",
			Aliases:     []string{"tag_id"},
			Description: "Ids of the conversation's tags."},
		{Name: "tag", Type: TypeKeyword, Multi: true, Path: "tags.tags[].name", NameOf: KindTag,
			Aliases:     []string{"tags", "tag_name", "tag_names"},
			Description: "Names of the conversation's tags."},
		{Name: "channel_initiated", Type: TypeKeyword, Intercom: "channel_initiated", Path: "channel.initial",
			Aliases:     []string{"channel_initial"},
			Description: "Channel the conversation started on (messenger, email, ...)."},
		{Name: "title", Type: TypeText, Path: "title",
			Description: "Conversation title."},
		{Name: "company", Type: TypeKeyword, Path: "company.name", NameOf: KindCompany,
			Aliases:     []string{"company_name"},
			Description: "Name of the conversation's company, as the conversation record gives it."},
		{Name: "company_id", Type: TypeKeyword, Path: "company.id", IDOf: KindCompany,
			Description: "Intercom id of the conversation's company (company_5f1e... is accepted too)."},
		{Name: "linked_ticket_ids", Type: TypeKeyword, Multi: true, Path: "linked_objects.data[type=ticket].id", IDOf: KindTicket,
			Aliases:     []string{"linked_ticket_id", "linked_ticket", "linked_tickets", "ticket_id", "ticket_ids"},
			Description: "Ids of the tickets linked to the conversation (ticket_123 is accepted too)."},
		{Name: "parts_body", Type: TypeText, Path: "conversation_parts.conversation_parts[].body",
			Aliases:     []string{"part_body", "parts"},
			Description: "Text of every reply and note of the conversation (HTML removed)."},
		{Name: "parts_count", Type: TypeInt, Path: "conversation_parts.total_count",
			Description: "Number of parts (replies, notes, events) the replica holds."},
		{Name: "statistics_time_to_assignment", Type: TypeInt, Unit: "seconds", Intercom: "statistics.time_to_assignment",
			Path: "statistics.time_to_assignment", Description: "Seconds until the last assignment before the first admin reply."},
		{Name: "statistics_time_to_admin_reply", Type: TypeInt, Unit: "seconds", Intercom: "statistics.time_to_admin_reply",
			Path: "statistics.time_to_admin_reply", Description: "Seconds until the first admin reply (office hours only)."},
		{Name: "statistics_time_to_first_close", Type: TypeInt, Unit: "seconds", Intercom: "statistics.time_to_first_close",
			Path: "statistics.time_to_first_close", Description: "Seconds until the first close (office hours only)."},
		{Name: "statistics_time_to_last_close", Type: TypeInt, Unit: "seconds", Intercom: "statistics.time_to_last_close",
			Path: "statistics.time_to_last_close", Description: "Seconds until the last close (office hours only)."},
		{Name: "statistics_median_time_to_reply", Type: TypeInt, Unit: "seconds", Intercom: "statistics.median_time_to_reply",
			Path: "statistics.median_time_to_reply", Description: "Median seconds of admin replies after a contact reply."},
		{Name: "statistics_first_contact_reply_at", Type: TypeTimestamp, Intercom: "statistics.first_contact_reply_at",
			Path: "statistics.first_contact_reply_at", Description: "When the contact first replied."},
		{Name: "statistics_first_assignment_at", Type: TypeTimestamp, Intercom: "statistics.first_assignment_at",
			Path: "statistics.first_assignment_at", Description: "When the conversation was first assigned."},
		{Name: "statistics_first_admin_reply_at", Type: TypeTimestamp, Intercom: "statistics.first_admin_reply_at",
			Path: "statistics.first_admin_reply_at", Description: "When an admin first replied."},
		{Name: "statistics_first_close_at", Type: TypeTimestamp, Intercom: "statistics.first_close_at",
			Path: "statistics.first_close_at", Description: "When the conversation was first closed."},
		{Name: "statistics_last_assignment_at", Type: TypeTimestamp, Intercom: "statistics.last_assignment_at",
			Path: "statistics.last_assignment_at", Description: "When the conversation was last assigned."},
		{Name: "statistics_last_assignment_admin_reply_at", Type: TypeTimestamp,
			Intercom: "statistics.last_assignment_admin_reply_at", Path: "statistics.last_assignment_admin_reply_at",
			Description: "When an admin first replied after the last assignment."},
		{Name: "statistics_last_contact_reply_at", Type: TypeTimestamp, Intercom: "statistics.last_contact_reply_at",
			Path: "statistics.last_contact_reply_at", Description: "When the contact last replied."},
		{Name: "statistics_last_admin_reply_at", Type: TypeTimestamp, Intercom: "statistics.last_admin_reply_at",
			Path: "statistics.last_admin_reply_at", Description: "When an admin last replied."},
		{Name: "statistics_last_close_at", Type: TypeTimestamp, Intercom: "statistics.last_close_at",
			Path: "statistics.last_close_at", Description: "When the conversation was last closed."},
		{Name: "statistics_last_closed_by_id", Type: TypeKeyword, Intercom: "statistics.last_closed_by_id",
			Path: "statistics.last_closed_by_id", Description: "Id of the admin who last closed the conversation."},
		{Name: "last_closed_by", Type: TypeKeyword, NameOf: KindAdmin, Target: "statistics_last_closed_by_id", Index: noIndex,
			Aliases:     []string{"statistics_last_closed_by", "closed_by"},
			Description: "The teammate who last closed the conversation, by name, email or id."},
		{Name: "statistics_count_reopens", Type: TypeInt, Intercom: "statistics.count_reopens",
			Path: "statistics.count_reopens", Description: "Number of reopens."},
		{Name: "statistics_count_assignments", Type: TypeInt, Intercom: "statistics.count_assignments",
			Path: "statistics.count_assignments", Description: "Number of assignments."},
		{Name: "statistics_count_conversation_parts", Type: TypeInt, Intercom: "statistics.count_conversation_parts",
			Path: "statistics.count_conversation_parts", Description: "Number of parts, as Intercom counts them."},
		{Name: "conversation_rating_score", Type: TypeInt, Intercom: "conversation_rating.score",
			Path: "conversation_rating.rating", Aliases: []string{"rating"}, Range: &[2]int64{1, 5},
			Description: "Rating the contact gave, 1 to 5."},
		{Name: "conversation_rating_remark", Type: TypeText, Intercom: "conversation_rating.remark",
			Path: "conversation_rating.remark", Description: "Remark the contact left with the rating."},
		{Name: "conversation_rating_requested_at", Type: TypeTimestamp, Intercom: "conversation_rating.requested_at",
			Path: "conversation_rating.created_at", Description: "When the rating was requested."},
		{Name: "conversation_rating_replied_at", Type: TypeTimestamp, Intercom: "conversation_rating.replied_at",
			Path: "conversation_rating.updated_at", Description: "When the contact rated."},
		{Name: "conversation_rating_contact_id", Type: TypeKeyword, Intercom: "conversation_rating.contact_id",
			Path: "conversation_rating.contact.id", IDOf: KindContact, Description: "Id of the contact who rated."},
		// Intercom's table spells this field conversation_rating.admin_d, a typo; the API's field is admin_id.
		{Name: "conversation_rating_admin_id", Type: TypeKeyword, Intercom: "conversation_rating.admin_id",
			Path: "conversation_rating.teammate.id", Aliases: []string{"conversation_rating.admin_d"},
			Description: "Id of the admin the rating is about."},
		{Name: "ai_agent_participated", Type: TypeBool, Intercom: "ai_agent_participated", Path: "ai_agent_participated",
			Description: "Whether the AI agent (Fin) took part."},
		{Name: "ai_agent_resolution_state", Type: TypeKeyword, Intercom: "ai_agent.resolution_state",
			Path:        "ai_agent.resolution_state",
			Description: "AI agent outcome (assumed_resolution, confirmed_resolution, escalated, negative_feedback, procedure_handoff)."},
		{Name: "ai_agent_last_answer_type", Type: TypeKeyword, Intercom: "ai_agent.last_answer_type",
			Path: "ai_agent.last_answer_type", Description: "Type of the AI agent's last answer (ai_answer, custom_answer)."},
		{Name: "ai_agent_rating", Type: TypeInt, Intercom: "ai_agent.rating", Path: "ai_agent.rating", Range: &[2]int64{1, 5},
			Description: "Rating the contact gave the AI agent, 1 to 5."},
		{Name: "ai_agent_rating_remark", Type: TypeText, Intercom: "ai_agent.rating_remark", Path: "ai_agent.rating_remark",
			Description: "Remark the contact left with the AI agent rating."},
		{Name: "ai_agent_source_type", Type: TypeKeyword, Intercom: "ai_agent.source_type", Path: "ai_agent.source_type",
			Description: "What brought the AI agent in (essentials_plan_setup, profile, workflow, workflow_preview, fin_preview)."},
		{Name: "ai_agent_source_title", Type: TypeKeyword, Intercom: "ai_agent.source_title", Path: "ai_agent.source_title",
			Description: "Title of what brought the AI agent in."},
	}
}

// contactFields is the contact catalog: every field Intercom's contact search documents (2.16), then the fields
// only the replica can search.
func contactFields() []Field {
	return []Field{
		{Name: "id", Type: TypeKeyword, Intercom: "id", Path: "id", IDOf: KindContact,
			Description: "Contact id (contact_abc is accepted too)."},
		{Name: "external_id", Type: TypeKeyword, Intercom: "external_id", Path: "external_id",
			Description: "Your own id for the contact (user_id)."},
		{Name: "role", Type: TypeKeyword, Enum: []string{"user", "lead"}, Intercom: "role", Path: "role",
			Description: "Whether the contact is a user or a lead."},
		{Name: "name", Type: TypeKeyword, Intercom: "name", Path: "name",
			Description: "Full name (use contains for part of a name)."},
		{Name: "email", Type: TypeKeyword, Intercom: "email", Path: "email",
			Description: "Email address."},
		{Name: "email_domain", Type: TypeKeyword, Intercom: "email_domain", Path: "email_domain",
			Description: "Domain of the email address (example.com)."},
		{Name: "phone", Type: TypeKeyword, Intercom: "phone", Path: "phone", Digits: true,
			Description: "Phone number as entered; compared by its digits, so spaces, dashes, dots, parentheses and a leading + don't matter (+91 98037 48241 is +919803748241)."},
		{Name: "formatted_phone", Type: TypeKeyword, Intercom: "formatted_phone", Path: "formatted_phone", Digits: true,
			Description: "Phone number in E.164 form; compared by its digits, as phone is."},
		{Name: "owner_id", Type: TypeKeyword, Intercom: "owner_id", Path: "owner_id",
			Description: "Id of the admin who owns the contact."},
		{Name: "owner", Type: TypeKeyword, NameOf: KindAdmin, Target: "owner_id", Index: noIndex,
			Description: "The teammate who owns the contact, by name, email or id."},
		{Name: "avatar", Type: TypeKeyword, Intercom: "avatar", Path: "avatar.image_url",
			Description: "Avatar image URL."},
		{Name: "created_at", Type: TypeTimestamp, Intercom: "created_at", Path: "created_at",
			Description: "When the contact was created."},
		{Name: "updated_at", Type: TypeTimestamp, Intercom: "updated_at", Path: "updated_at",
			Description: "When the contact was last updated."},
		{Name: "signed_up_at", Type: TypeTimestamp, Intercom: "signed_up_at", Path: "signed_up_at",
			Description: "When the user signed up."},
		{Name: "last_seen_at", Type: TypeTimestamp, Intercom: "last_seen_at", Path: "last_seen_at",
			Description: "When the contact was last seen."},
		{Name: "last_contacted_at", Type: TypeTimestamp, Intercom: "last_contacted_at", Path: "last_contacted_at",
			Description: "When the contact was last messaged."},
		{Name: "last_replied_at", Type: TypeTimestamp, Intercom: "last_replied_at", Path: "last_replied_at",
			Description: "When the contact last messaged in."},
		{Name: "last_email_opened_at", Type: TypeTimestamp, Intercom: "last_email_opened_at", Path: "last_email_opened_at",
			Description: "When the contact last opened an email."},
		{Name: "last_email_clicked_at", Type: TypeTimestamp, Intercom: "last_email_clicked_at",
			Path: "last_email_clicked_at", Description: "When the contact last clicked a link in an email."},
		{Name: "language_override", Type: TypeKeyword, Intercom: "language_override", Path: "language_override",
			Description: "Preferred Messenger language."},
		{Name: "browser", Type: TypeKeyword, Intercom: "browser", Path: "browser",
			Description: "Browser name."},
		{Name: "browser_language", Type: TypeKeyword, Intercom: "browser_language", Path: "browser_language",
			Description: "Browser language."},
		{Name: "os", Type: TypeKeyword, Intercom: "os", Path: "os",
			Description: "Operating system."},
		{Name: "location_country", Type: TypeKeyword, Intercom: "location.country", Path: "location.country",
			Aliases: []string{"country"}, Description: "Country."},
		{Name: "location_region", Type: TypeKeyword, Intercom: "location.region", Path: "location.region",
			Aliases: []string{"region"}, Description: "Region or state."},
		{Name: "location_city", Type: TypeKeyword, Intercom: "location.city", Path: "location.city",
			Aliases: []string{"city"}, Description: "City."},
		{Name: "unsubscribed_from_emails", Type: TypeBool, Intercom: "unsubscribed_from_emails",
			Path: "unsubscribed_from_emails", Description: "Whether the contact unsubscribed from emails."},
		{Name: "marked_email_as_spam", Type: TypeBool, Intercom: "marked_email_as_spam", Path: "marked_email_as_spam",
			Description: "Whether the contact marked an email as spam."},
		{Name: "has_hard_bounced", Type: TypeBool, Intercom: "has_hard_bounced", Path: "has_hard_bounced",
			Description: "Whether an email to the contact hard-bounced."},
		{Name: "ios_last_seen_at", Type: TypeTimestamp, Intercom: "ios_last_seen_at", Path: "ios_last_seen_at",
			Description: "When the contact last used the iOS app."},
		{Name: "ios_app_name", Type: TypeKeyword, Intercom: "ios_app_name", Path: "ios_app_name",
			Description: "iOS app name."},
		{Name: "ios_app_version", Type: TypeKeyword, Intercom: "ios_app_version", Path: "ios_app_version",
			Description: "iOS app version."},
		{Name: "ios_device", Type: TypeKeyword, Intercom: "ios_device", Path: "ios_device",
			Description: "iOS device."},
		{Name: "ios_app_device", Type: TypeKeyword, Intercom: "ios_app_device", Path: "ios_app_device",
			Description: "iOS app device."},
		{Name: "ios_os_version", Type: TypeKeyword, Intercom: "ios_os_version", Path: "ios_os_version",
			Description: "iOS version."},
		{Name: "ios_sdk_version", Type: TypeKeyword, Intercom: "ios_sdk_version", Path: "ios_sdk_version",
			Description: "Intercom iOS SDK version."},
		{Name: "android_last_seen_at", Type: TypeTimestamp, Intercom: "android_last_seen_at", Path: "android_last_seen_at",
			Description: "When the contact last used the Android app."},
		{Name: "android_app_name", Type: TypeKeyword, Intercom: "android_app_name", Path: "android_app_name",
			Description: "Android app name."},
		{Name: "android_app_version", Type: TypeKeyword, Intercom: "android_app_version", Path: "android_app_version",
			Description: "Android app version."},
		{Name: "android_device", Type: TypeKeyword, Intercom: "android_device", Path: "android_device",
			Description: "Android device."},
		// Intercom's table spells this field andoid_sdk_version, a typo; the contact's field is android_sdk_version.
		{Name: "android_sdk_version", Type: TypeKeyword, Intercom: "android_sdk_version", Path: "android_sdk_version",
			Aliases: []string{"andoid_sdk_version"}, Description: "Intercom Android SDK version."},
		{Name: "tag_id", Type: TypeKeyword, Multi: true, Intercom: "tag_id", Path: "tags.data[].id",
			Ops: []Op{OpEq, OpNeq, OpIn, OpNin, OpExists, OpNotExists}, Aliases: []string{"tag_ids"},
			Description: "Ids of the contact's tags."},
		{Name: "segment_id", Type: TypeKeyword, Multi: true, Intercom: "segment_id", Index: noIndex,
			Ops: []Op{OpEq, OpNeq, OpIn, OpNin}, Aliases: []string{"segment_ids", "segment", "segments"},
			Description: "Ids of the contact's segments (Intercom live search only).",
			Instead:     "the contact records Intercom returns do not say which segments a contact is in (companies' records do: object_type:companies segment:<name>)"},
		{Name: "tag", Type: TypeKeyword, Multi: true, NameOf: KindTag, Target: "tag_id", Index: noIndex,
			Aliases:     []string{"tags", "tag_name", "tag_names"},
			Description: "A tag of the contact, by name (VIP) or id."},
		{Name: "company", Type: TypeKeyword, Multi: true, NameOf: KindCompany, Target: "company_id", Index: noIndex,
			Aliases:     []string{"companies", "company_name", "company_names"},
			Description: "A company of the contact, by name, your company_id, or Intercom's id."},
		{Name: "company_id", Type: TypeKeyword, Multi: true, Path: "companies.data[].id", IDOf: KindCompany,
			Aliases:     []string{"company_ids"},
			Description: "Intercom ids of the contact's companies (company_5f1e... is accepted too)."},
	}
}

// companyFields is the company catalog. Intercom has no company search (companies are listed, scrolled or
// retrieved by company_id or name), so every field is the replica's alone.
func companyFields() []Field {
	return []Field{
		{Name: "id", Type: TypeKeyword, Path: "id", IDOf: KindCompany,
			Description: "Intercom's id of the company (company_5f1e... is accepted too)."},
		{Name: "company_id", Type: TypeKeyword, Path: "company_id",
			Description: "Your own id for the company."},
		{Name: "name", Type: TypeKeyword, Path: "name",
			Description: "Company name (use contains for part of a name; q: searches its words)."},
		{Name: "website", Type: TypeKeyword, Path: "website",
			Description: "Website URL."},
		{Name: "industry", Type: TypeKeyword, Path: "industry",
			Description: "Industry."},
		{Name: "plan", Type: TypeKeyword, Path: "plan.name", Aliases: []string{"plan_name"},
			Description: "Name of the company's plan."},
		{Name: "plan_id", Type: TypeKeyword, Path: "plan.id",
			Description: "Id of the company's plan."},
		{Name: "size", Type: TypeInt, Path: "size", Aliases: []string{"employees"},
			Description: "Number of employees."},
		{Name: "monthly_spend", Type: TypeFloat, Path: "monthly_spend", Aliases: []string{"mrr"},
			Description: "Revenue the company brings you each month."},
		{Name: "user_count", Type: TypeInt, Path: "user_count", Aliases: []string{"users"},
			Description: "Number of users (contacts) in the company."},
		{Name: "session_count", Type: TypeInt, Path: "session_count", Aliases: []string{"sessions"},
			Description: "Number of sessions the company recorded."},
		{Name: "created_at", Type: TypeTimestamp, Path: "created_at",
			Description: "When the company was added to Intercom."},
		{Name: "updated_at", Type: TypeTimestamp, Path: "updated_at",
			Description: "When the company was last updated."},
		{Name: "remote_created_at", Type: TypeTimestamp, Path: "remote_created_at",
			Description: "When you say the company was created."},
		{Name: "last_request_at", Type: TypeTimestamp, Path: "last_request_at",
			Description: "When the company last made a request."},
		{Name: "tag_id", Type: TypeKeyword, Multi: true, Path: "tags.tags[].id", Aliases: []string{"tag_ids"},
			Description: "Ids of the company's tags."},
		{Name: "tag", Type: TypeKeyword, Multi: true, NameOf: KindTag, Target: "tag_id", Index: noIndex,
			Aliases:     []string{"tags", "tag_name", "tag_names"},
			Description: "A tag of the company, by name (VIP) or id."},
		{Name: "segment_id", Type: TypeKeyword, Multi: true, Path: "segments.segments[].id", Aliases: []string{"segment_ids"},
			Description: "Ids of the company's segments."},
		{Name: "segment", Type: TypeKeyword, Multi: true, NameOf: KindSegment, Target: "segment_id", Index: noIndex,
			Aliases:     []string{"segments", "segment_name"},
			Description: `A segment of the company, by name ("Active users") or id.`},
	}
}

// localeNames names the languages Intercom's Help Center writes articles in (the keys of an article's
// translated_content in the 2.16 API description, and its names for them), lower-cased English name → locale code.
// A language with one locale is also named without the region (portuguese → pt, Portugal's).
func localeNames() map[string]string {
	return map[string]string{
		"arabic": "ar", "bulgarian": "bg", "bosnian": "bs", "catalan": "ca", "czech": "cs", "danish": "da",
		"german": "de", "greek": "el", "english": "en", "spanish": "es", "estonian": "et", "finnish": "fi",
		"french": "fr", "hebrew": "he", "croatian": "hr", "hungarian": "hu", "indonesian": "id", "italian": "it",
		"japanese": "ja", "korean": "ko", "lithuanian": "lt", "latvian": "lv", "mongolian": "mn", "norwegian": "nb",
		"dutch": "nl", "polish": "pl", "portuguese": "pt", "portuguese (portugal)": "pt", "romanian": "ro",
		"russian": "ru", "slovenian": "sl", "serbian": "sr", "swedish": "sv", "turkish": "tr", "vietnamese": "vi",
		"portuguese (brazil)": "pt-BR", "brazilian portuguese": "pt-BR", "chinese (china)": "zh-CN",
		"simplified chinese": "zh-CN", "chinese (taiwan)": "zh-TW", "traditional chinese": "zh-TW",
	}
}

// articleFields is the Help Center article catalog. Intercom searches articles only by a phrase, a state and a
// help center, so every field is the replica's alone. An article's text fields hold every language version it has.
func articleFields() []Field {
	return []Field{
		{Name: "id", Type: TypeKeyword, Path: "id", IDOf: KindArticle,
			Description: "Article id (article_123 is accepted too)."},
		// The text fields hold the article's own title, description and body and each language version's
		// (translated_content.<locale>.title, ...): derived, hence no Path.
		{Name: "title", Type: TypeText,
			Description: "Title, in every language the article is written in."},
		{Name: "description", Type: TypeText,
			Description: "Description (the line under the title), in every language."},
		{Name: "body", Type: TypeText,
			Description: "Text of the article (HTML removed), in every language."},
		{Name: "state", Type: TypeKeyword, Enum: []string{"published", "draft"}, Path: "state",
			Description: "Whether the article is published or a draft (its default language's state)."},
		{Name: "author_id", Type: TypeKeyword, Path: "author_id",
			Description: "Id of the teammate who wrote the article."},
		{Name: "author", Type: TypeKeyword, NameOf: KindAdmin, Target: "author_id", Index: noIndex,
			Description: `The teammate who wrote the article, by name, email or id.`},
		{Name: "collection_id", Type: TypeKeyword, Multi: true, Path: "parent_ids[]",
			Aliases:     []string{"collection_ids", "parent_id", "parent_ids"},
			Description: "Ids of the collections or sections the article is in."},
		{Name: "collection", Type: TypeKeyword, Multi: true, NameOf: KindCollection, Target: "collection_id", Index: noIndex,
			Aliases:     []string{"collections", "section"},
			Description: "A collection or section the article is in, by name or id."},
		{Name: "help_center", Type: TypeKeyword, NameOf: KindHelpCenter, Target: "collection_id", Via: KindCollection, Index: noIndex,
			Aliases:     []string{"help_center_id", "help_centre"},
			Description: "The help center the article is in (through its collections), by name or id."},
		{Name: "locale", Type: TypeKeyword, Multi: true, // the keys of translated_content, else default_locale
			Aliases: []string{"locales", "language", "lang"}, ValueNames: localeNames(),
			Description: `Languages the article is written in, by code or English name (fr or French, pt-BR or "Portuguese (Brazil)").`},
		{Name: "url", Type: TypeKeyword, Path: "url",
			Description: "Public URL of the article."},
		{Name: "tag", Type: TypeKeyword, Multi: true, Path: "tags.tags[].name", NameOf: KindTag,
			Aliases:     []string{"tags", "tag_name"},
			Description: "Names of the article's tags."},
		{Name: "has_unpublished_changes", Type: TypeBool, Path: "has_unpublished_changes",
			Description: "Whether a published article has a draft of changes not yet published."},
		{Name: "created_at", Type: TypeTimestamp, Path: "created_at",
			Description: "When the article was created."},
		{Name: "updated_at", Type: TypeTimestamp, Path: "updated_at",
			Description: "When the article was last updated."},
	}
}

// ticketFields is the ticket catalog. Its attributes (the ticket type's fields) are reached as
// ticket_attributes.<name>; the default title and description are the title and description fields.
func ticketFields() []Field {
	return []Field{
		{Name: "id", Type: TypeKeyword, Path: "id", IDOf: KindTicket,
			Description: "Ticket id, as the API gives it (ticket_123 is accepted too)."},
		{Name: "ticket_id", Type: TypeKeyword, Path: "ticket_id", Aliases: []string{"number"},
			Description: "The ticket's number as the inbox and the Messenger show it (not the API id)."},
		{Name: "title", Type: TypeText, Path: "ticket_attributes._default_title_",
			Description: "Title of the ticket."},
		{Name: "description", Type: TypeText, Path: "ticket_attributes._default_description_",
			Description: "Description of the ticket (HTML removed)."},
		{Name: "category", Type: TypeKeyword, Enum: []string{"Customer", "Back-office", "Tracker"}, Path: "category",
			Description: "Customer, Back-office or Tracker."},
		{Name: "ticket_type_id", Type: TypeKeyword, Path: "ticket_type.id",
			Description: "Id of the ticket's type."},
		{Name: "ticket_type", Type: TypeKeyword, Path: "ticket_type.name", NameOf: KindTicketType,
			Aliases:     []string{"type", "ticket_type_name"},
			Description: `Name of the ticket's type ("Bug report").`},
		{Name: "state", Type: TypeKeyword, Enum: []string{"submitted", "in_progress", "waiting_on_customer", "resolved"},
			Path: "ticket_state.category", Aliases: []string{"ticket_state", "state_category"},
			Description: "State: submitted, in_progress, waiting_on_customer or resolved."},
		{Name: "state_label", Type: TypeKeyword, Path: "ticket_state.internal_label",
			Aliases:     []string{"ticket_state_label"},
			Description: "The state's label as teammates see it in the inbox."},
		{Name: "state_id", Type: TypeKeyword, Path: "ticket_state.id", Aliases: []string{"ticket_state_id"},
			Description: "Id of the ticket's state."},
		{Name: "open", Type: TypeBool, Path: "open",
			Description: "Whether the ticket is open."},
		{Name: "is_shared", Type: TypeBool, Path: "is_shared", Aliases: []string{"shared"},
			Description: "Whether the ticket is shared with the customer."},
		{Name: "snoozed_until", Type: TypeTimestamp, Path: "snoozed_until",
			Description: "When a snoozed ticket reopens."},
		{Name: "created_at", Type: TypeTimestamp, Path: "created_at",
			Description: "When the ticket was created."},
		{Name: "updated_at", Type: TypeTimestamp, Path: "updated_at",
			Description: "When the ticket was last updated."},
		{Name: "admin_assignee_id", Type: TypeInt, Path: "admin_assignee_id",
			Description: "Id of the assigned admin (0 when unassigned)."},
		{Name: "team_assignee_id", Type: TypeInt, Path: "team_assignee_id",
			Description: "Id of the assigned team (0 when unassigned)."},
		{Name: "admin_assignee", Type: TypeKeyword, NameOf: KindAdmin, Target: "admin_assignee_id", Index: noIndex,
			Aliases:     []string{"assignee"},
			Description: `The assigned teammate, by name or email ("Alex Rivera", alex@example.com) or id.`},
		{Name: "team_assignee", Type: TypeKeyword, NameOf: KindTeam, Target: "team_assignee_id", Index: noIndex,
			Aliases:     []string{"team"},
			Description: "The assigned team, by name (Billing) or id."},
		{Name: "contact_ids", Type: TypeKeyword, Multi: true, Path: "contacts.contacts[].id", IDOf: KindContact,
			Aliases:     []string{"contact_id"},
			Description: "Ids of the ticket's contacts (contact_abc is accepted too)."},
		{Name: "linked_conversation_ids", Type: TypeKeyword, Multi: true, Path: "linked_objects.data[type=conversation].id",
			IDOf: KindConversation, Aliases: []string{"linked_conversation_id", "linked_conversation", "conversation_id"},
			Description: "Ids of the conversations linked to the ticket (conversation_123 is accepted too)."},
		{Name: "linked_ticket_ids", Type: TypeKeyword, Multi: true, Path: "linked_objects.data[type=ticket].id", IDOf: KindTicket,
			Aliases:     []string{"linked_ticket_id", "linked_ticket"},
			Description: "Ids of the tickets linked to this one (a tracker's customer tickets, say)."},
		{Name: "parts_body", Type: TypeText, Path: "ticket_parts.ticket_parts[].body",
			Aliases:     []string{"part_body", "parts"},
			Description: "Text of every comment and note of the ticket (HTML removed)."},
		{Name: "parts_count", Type: TypeInt, Path: "ticket_parts.total_count",
			Description: "Number of parts (comments, notes, events) the replica holds."},
	}
}

// PhoneDigits returns the ASCII digits of a phone number, in order: the form fields with Digits compare in, on
// both sides (the replica's phone columns hold it too). Spaces, dashes, dots, parentheses, a leading + and any
// other character are left out, so "+91 98037 48241" and "+919803748241" are the same number.
func PhoneDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			if b.Len() == 0 {
				b.Grow(len(s) - i)
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}
