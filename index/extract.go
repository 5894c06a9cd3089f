package index

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/intercom-replica/intercom-replica/index/plaintext"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// statisticsFields are the conversation statistics the catalog exposes: JSON key → whether it is a timestamp.
// All are whole numbers; last_closed_by_id is an id and handled apart.
var statisticsFields = [...]string{
	"time_to_assignment", "time_to_admin_reply", "time_to_first_close", "time_to_last_close",
	"median_time_to_reply", "first_contact_reply_at", "first_assignment_at", "first_admin_reply_at",
	"first_close_at", "last_assignment_at", "last_assignment_admin_reply_at", "last_contact_reply_at",
	"last_admin_reply_at", "last_close_at", "count_reopens", "count_assignments", "count_conversation_parts",
}

// extract flattens raw, a record of kind as Intercom returned it, into a doc. It fails only when raw is not a JSON
// object; unexpected shapes of individual fields leave those fields out. It decodes with encoding/json, which
// validates what Intercom sent: Apply stores only records extract accepted.
func extract(kind query.Kind, raw []byte) (doc, error) {
	return extractWith(kind, raw, json.Unmarshal)
}

// extractStored is extract for a record read back from the store (a rebuild, a catch-up, a snippet): Apply decoded
// it with encoding/json before storing it, so it is valid JSON and is read with wire.ReadStored, without
// encoding/json's validating pass. TestExtractStored_SameDocs holds the two to the same docs.
func extractStored(kind query.Kind, raw []byte) (doc, error) {
	return extractWith(kind, raw, wire.ReadStored)
}

// decodeFunc decodes a whole record into one of package wire's types: json.Unmarshal or wire.ReadStored.
type decodeFunc func(raw []byte, v any) error

func extractWith(kind query.Kind, raw []byte, decode decodeFunc) (doc, error) {
	switch kind {
	case query.KindConversation:
		return extractConversation(raw, decode)
	case query.KindContact:
		return extractContact(raw, decode)
	case query.KindCompany:
		return extractCompany(raw, decode)
	case query.KindArticle:
		return extractArticle(raw, decode)
	case query.KindTicket:
		return extractTicket(raw, decode)
	}
	return doc{}, fmt.Errorf("extract: unknown kind %q", kind)
}

func extractConversation(raw []byte, decode decodeFunc) (doc, error) {
	var c wire.ConversationOf[wire.PartText]
	if err := decode(raw, &c); err != nil {
		return doc{}, fmt.Errorf("decode conversation: %w", err)
	}
	d := doc{kind: query.KindConversation, id: string(c.ID), updatedAt: c.UpdatedAt.V, fields: make([]fieldValue, 0, 48)}
	d.keyword("id", string(c.ID))
	d.integer("created_at", c.CreatedAt)
	d.integer("updated_at", c.UpdatedAt)
	d.keyword("state", string(c.State))
	d.boolean("open", c.Open)
	d.boolean("read", c.Read)
	d.keyword("priority", string(c.Priority))
	d.integer("waiting_since", c.WaitingSince)
	d.integer("snoozed_until", c.SnoozedUntil)
	d.integer("admin_assignee_id", c.AdminAssigneeID)
	d.integer("team_assignee_id", c.TeamAssigneeID)
	d.boolean("ai_agent_participated", c.AIAgentParticipated)
	title := plaintext.String(string(c.Title))
	d.text("title", title)

	var sourceBody, subject string
	if s := c.Source; s != nil {
		d.keyword("source_type", string(s.Type))
		d.keyword("source_id", string(s.ID))
		d.keyword("source_delivered_as", string(s.DeliveredAs))
		subject = plaintext.String(string(s.Subject))
		d.text("source_subject", subject)
		sourceBody = plaintext.String(string(s.Body))
		d.text("source_body", sourceBody)
		d.keyword("source_url", string(s.URL))
		d.keyword("source_author_id", string(s.Author.ID))
		d.keyword("source_author_type", string(s.Author.Type))
		d.keyword("source_author_name", string(s.Author.Name))
		d.keyword("source_author_email", string(s.Author.Email))
		d.keyword("source_author_email_domain", emailDomain(string(s.Author.Email)))
		d.sum.authorName, d.sum.authorEmail, d.sum.sourceType = string(s.Author.Name), string(s.Author.Email), string(s.Type)
	}
	if c.Contacts != nil {
		d.keyword("contact_ids", refIDs(c.Contacts.Contacts)...)
	}
	if c.Teammates != nil {
		d.keyword("teammate_ids", refIDs(c.Teammates.Teammates)...)
	}
	var tagNames []string
	if c.Tags != nil {
		ids := make([]string, 0, len(c.Tags.Tags))
		for _, t := range c.Tags.Tags {
			ids = append(ids, string(t.ID))
			if t.Name != "" {
				tagNames = append(tagNames, string(t.Name))
			}
		}
		d.keyword("tag_ids", ids...)
		d.keyword("tag", tagNames...)
	}
	if c.Channel != nil {
		d.keyword("channel_initiated", string(c.Channel.Initial))
	}
	if c.Company != nil {
		d.keyword("company", string(c.Company.Name))
		d.keyword("company_id", string(c.Company.ID))
	}
	linkedTickets := c.LinkedObjects.IDsOf("ticket")
	d.keyword("linked_ticket_ids", linkedTickets...)
	partsCount := wire.Int{}
	if p := c.Parts; p != nil {
		bodies := make([]string, 0, len(p.Parts))
		for _, part := range p.Parts {
			if part.Body != "" {
				// Keep empty parts out: array positions then count text parts, which is all phrases need.
				if t := plaintext.String(string(part.Body)); t != "" {
					bodies = append(bodies, t)
				}
			}
		}
		d.text("parts_body", bodies...)
		partsCount = p.TotalCount
		if !partsCount.Valid {
			partsCount = wire.Int{V: int64(len(p.Parts)), Valid: true}
		}
	}
	d.integer("parts_count", partsCount)
	for _, name := range statisticsFields {
		if v, ok := c.Statistics[name]; ok {
			var n wire.Int
			_ = n.UnmarshalJSON(v)
			d.integer("statistics_"+name, n)
		}
	}
	if v, ok := c.Statistics["last_closed_by_id"]; ok {
		var s wire.String
		_ = s.UnmarshalJSON(v)
		d.keyword("statistics_last_closed_by_id", string(s))
	}
	if r := c.Rating; r != nil {
		d.integer("conversation_rating_score", r.Rating)
		d.text("conversation_rating_remark", plaintext.String(string(r.Remark)))
		d.integer("conversation_rating_requested_at", r.CreatedAt)
		d.integer("conversation_rating_replied_at", r.UpdatedAt)
		d.keyword("conversation_rating_contact_id", string(r.Contact.ID))
		d.keyword("conversation_rating_admin_id", string(r.Teammate.ID))
	}
	if a := c.AIAgent; a != nil {
		d.keyword("ai_agent_resolution_state", string(a.ResolutionState))
		d.keyword("ai_agent_last_answer_type", string(a.LastAnswerType))
		d.integer("ai_agent_rating", a.Rating)
		d.text("ai_agent_rating_remark", plaintext.String(string(a.RatingRemark)))
		d.keyword("ai_agent_source_type", string(a.SourceType))
		d.keyword("ai_agent_source_title", string(a.SourceTitle))
	}
	customAttributes(&d, c.CustomAttributes)

	s := &d.sum
	s.title = firstNonEmpty(title, subject)
	s.createdAt, s.updatedAt = c.CreatedAt.V, c.UpdatedAt.V
	s.state, s.priority = string(c.State), string(c.Priority)
	s.open, s.read = c.Open.V, c.Read.V
	s.tags = tagNames
	s.preview = plaintext.Preview(sourceBody, previewBytes)
	s.partsCount = partsCount.V
	s.linked = prefixedIDs(query.KindTicket, linkedTickets)
	if c.AdminAssigneeID.Valid && c.AdminAssigneeID.V != 0 {
		s.adminAssigneeID = strconv.FormatInt(c.AdminAssigneeID.V, 10)
	}
	if c.TeamAssigneeID.Valid && c.TeamAssigneeID.V != 0 {
		s.teamAssigneeID = strconv.FormatInt(c.TeamAssigneeID.V, 10)
	}
	if s.title == "" {
		s.title = plaintext.Preview(sourceBody, titleBytes)
	}
	return d, nil
}

// previewBytes and titleBytes bound the start of the opening message a hit shows, and the title made from it when
// a conversation has neither title nor subject.
const (
	previewBytes = 160
	titleBytes   = 80
)

func extractContact(raw []byte, decode decodeFunc) (doc, error) {
	var c wire.Contact
	if err := decode(raw, &c); err != nil {
		return doc{}, fmt.Errorf("decode contact: %w", err)
	}
	d := doc{kind: query.KindContact, id: string(c.ID), updatedAt: c.UpdatedAt.V, fields: make([]fieldValue, 0, 40)}
	d.keyword("id", string(c.ID))
	d.keyword("external_id", string(c.ExternalID))
	d.keyword("role", string(c.Role))
	d.keyword("name", string(c.Name))
	d.keyword("email", string(c.Email))
	domain := string(c.EmailDomain)
	if domain == "" {
		domain = emailDomain(string(c.Email))
	}
	d.keyword("email_domain", domain)
	d.keyword("phone", phoneColumn(string(c.Phone)))
	d.keyword("formatted_phone", phoneColumn(string(c.FormattedPhone)))
	d.keyword("owner_id", string(c.OwnerID))
	d.keyword("avatar", string(c.Avatar))
	d.integer("created_at", c.CreatedAt)
	d.integer("updated_at", c.UpdatedAt)
	d.integer("signed_up_at", c.SignedUpAt)
	d.integer("last_seen_at", c.LastSeenAt)
	d.integer("last_contacted_at", c.LastContactedAt)
	d.integer("last_replied_at", c.LastRepliedAt)
	d.integer("last_email_opened_at", c.LastEmailOpenedAt)
	d.integer("last_email_clicked_at", c.LastEmailClickedAt)
	d.keyword("language_override", string(c.LanguageOverride))
	d.keyword("browser", string(c.Browser))
	d.keyword("browser_language", string(c.BrowserLanguage))
	d.keyword("os", string(c.OS))
	var country, city string
	if l := c.Location; l != nil {
		d.keyword("location_country", string(l.Country))
		d.keyword("location_region", string(l.Region))
		d.keyword("location_city", string(l.City))
		country, city = string(l.Country), string(l.City)
	}
	d.boolean("unsubscribed_from_emails", c.UnsubscribedFromEmails)
	d.boolean("marked_email_as_spam", c.MarkedEmailAsSpam)
	d.boolean("has_hard_bounced", c.HasHardBounced)
	d.integer("ios_last_seen_at", c.IOSLastSeenAt)
	d.keyword("ios_app_name", string(c.IOSAppName))
	d.keyword("ios_app_version", string(c.IOSAppVersion))
	d.keyword("ios_device", string(c.IOSDevice))
	d.keyword("ios_app_device", string(c.IOSAppDevice))
	d.keyword("ios_os_version", string(c.IOSOSVersion))
	d.keyword("ios_sdk_version", string(c.IOSSDKVersion))
	d.integer("android_last_seen_at", c.AndroidLastSeenAt)
	d.keyword("android_app_name", string(c.AndroidAppName))
	d.keyword("android_app_version", string(c.AndroidAppVersion))
	d.keyword("android_device", string(c.AndroidDevice))
	d.keyword("android_sdk_version", string(c.AndroidSDKVersion))
	var tagNames, companyNames []string
	if c.Tags != nil {
		ids := make([]string, 0, len(c.Tags.Data))
		for _, t := range c.Tags.Data {
			ids = append(ids, string(t.ID))
			if t.Name != "" {
				tagNames = append(tagNames, string(t.Name))
			}
		}
		d.keyword("tag_id", ids...)
		d.keyword("tag", tagNames...)
	}
	if c.Companies != nil {
		ids := make([]string, 0, len(c.Companies.Data))
		for _, co := range c.Companies.Data {
			ids = append(ids, string(co.ID))
			if co.Name != "" {
				companyNames = append(companyNames, string(co.Name))
			}
		}
		d.keyword("company_id", ids...)
		d.keyword("company", companyNames...)
	}
	customAttributes(&d, c.CustomAttributes)

	// Contacts have no text fields in the catalog; free text (q:) searches this one, made of what a person would
	// type to find someone: name, email (also split at punctuation), phone, external id, companies, place.
	d.text(textField, append([]string{string(c.Name), string(c.Email), splitEmail(string(c.Email)), string(c.Phone), string(c.ExternalID),
		city, country}, companyNames...)...)

	s := &d.sum
	s.title = firstNonEmpty(string(c.Name), string(c.Email), string(c.ExternalID), string(c.ID))
	s.createdAt, s.updatedAt = c.CreatedAt.V, c.UpdatedAt.V
	s.name, s.email, s.role, s.phone, s.externalID = string(c.Name), string(c.Email), string(c.Role), string(c.Phone), string(c.ExternalID)
	s.lastSeenAt = c.LastSeenAt.V
	s.location = joinWith(", ", city, country)
	s.tags = tagNames
	s.companies = companyNames
	return d, nil
}

func extractCompany(raw []byte, decode decodeFunc) (doc, error) {
	var c wire.Company
	if err := decode(raw, &c); err != nil {
		return doc{}, fmt.Errorf("decode company: %w", err)
	}
	d := doc{kind: query.KindCompany, id: string(c.ID), updatedAt: c.UpdatedAt.V, fields: make([]fieldValue, 0, 24)}
	d.keyword("id", string(c.ID))
	d.keyword("company_id", string(c.CompanyID))
	d.keyword("name", string(c.Name))
	d.keyword("website", string(c.Website))
	d.keyword("industry", string(c.Industry))
	var plan string
	if c.Plan != nil {
		plan = string(c.Plan.Name)
		d.keyword("plan", plan)
		d.keyword("plan_id", string(c.Plan.ID))
	}
	d.integer("size", c.Size)
	spend, hasSpend := jsonNumber(c.MonthlySpend)
	if hasSpend {
		d.fields = append(d.fields, fieldValue{name: "monthly_spend", typ: valFloat, fnum: spend})
	}
	d.integer("user_count", c.UserCount)
	d.integer("session_count", c.SessionCount)
	d.integer("created_at", c.CreatedAt)
	d.integer("updated_at", c.UpdatedAt)
	d.integer("remote_created_at", c.RemoteCreatedAt)
	d.integer("last_request_at", c.LastRequestAt)
	var tagNames []string
	if c.Tags != nil {
		ids := make([]string, 0, len(c.Tags.Tags))
		for _, t := range c.Tags.Tags {
			ids = append(ids, string(t.ID))
			if t.Name != "" {
				tagNames = append(tagNames, string(t.Name))
			}
		}
		d.keyword("tag_id", ids...)
	}
	if c.Segments != nil {
		ids := make([]string, 0, len(c.Segments.Segments))
		for _, sg := range c.Segments.Segments {
			ids = append(ids, string(sg.ID))
		}
		d.keyword("segment_id", ids...)
	}
	customAttributes(&d, c.CustomAttributes)
	// Free text (q:) over what a person types to find a company: its name, website (also split at punctuation),
	// its own id and industry.
	d.text(textField, string(c.Name), string(c.Website), splitEmail(string(c.Website)), string(c.CompanyID), string(c.Industry))

	s := &d.sum
	s.title = firstNonEmpty(string(c.Name), string(c.CompanyID), string(c.ID))
	s.createdAt, s.updatedAt = c.CreatedAt.V, c.UpdatedAt.V
	s.name, s.externalID = string(c.Name), string(c.CompanyID)
	s.preview = companyLine(plan, c.Size, spend, hasSpend, c.UserCount, string(c.Industry), string(c.Website))
	s.tags = tagNames
	return d, nil
}

func extractArticle(raw []byte, decode decodeFunc) (doc, error) {
	var a wire.Article
	if err := decode(raw, &a); err != nil {
		return doc{}, fmt.Errorf("decode article: %w", err)
	}
	d := doc{kind: query.KindArticle, id: string(a.ID), updatedAt: a.UpdatedAt.V, fields: make([]fieldValue, 0, 20)}
	d.keyword("id", string(a.ID))
	d.keyword("state", string(a.State))
	d.keyword("author_id", string(a.AuthorID))
	parents := make([]string, 0, len(a.ParentIDs))
	for _, p := range a.ParentIDs {
		if p != "" {
			parents = append(parents, string(p))
		}
	}
	d.keyword("collection_id", parents...)
	d.keyword("url", string(a.URL))
	d.boolean("has_unpublished_changes", a.HasUnpublishedChanges)
	d.integer("created_at", a.CreatedAt)
	d.integer("updated_at", a.UpdatedAt)
	var tagNames []string
	if a.Tags != nil {
		for _, t := range a.Tags.Tags {
			if t.Name != "" {
				tagNames = append(tagNames, string(t.Name))
			}
		}
		d.keyword("tag", tagNames...)
	}
	// Every language version: the default language's (the article's own fields) first, then the others in
	// locale order, each text once (the default language's version repeats the article's own).
	var titles, descs, bodies []string
	add := func(list *[]string, html wire.String) {
		if t := plaintext.String(string(html)); t != "" && !slices.Contains(*list, t) {
			*list = append(*list, t)
		}
	}
	add(&titles, a.Title)
	add(&descs, a.Description)
	add(&bodies, a.Body)
	locales := make([]string, 0, len(a.TranslatedContent))
	for loc, v := range a.TranslatedContent {
		if loc == "type" || len(v) == 0 || v[0] != '{' {
			continue
		}
		locales = append(locales, loc)
	}
	sort.Strings(locales)
	for _, loc := range locales {
		var c wire.ArticleContent
		if decode(a.TranslatedContent[loc], &c) != nil {
			continue
		}
		add(&titles, c.Title)
		add(&descs, c.Description)
		add(&bodies, c.Body)
	}
	if len(locales) == 0 && a.DefaultLocale != "" {
		locales = append(locales, string(a.DefaultLocale))
	}
	d.keyword("locale", locales...)
	d.text("title", titles...)
	d.text("description", descs...)
	d.text("body", bodies...)
	// Free text (q:) over all of it: bodies first, so that among equally good passages a snippet comes from one.
	d.text(textField, slices.Concat(bodies, descs, titles)...)

	s := &d.sum
	s.title = firstNonEmpty(firstOf(titles), string(a.ID))
	s.createdAt, s.updatedAt = a.CreatedAt.V, a.UpdatedAt.V
	s.state = string(a.State)
	s.preview = firstNonEmpty(plaintext.Preview(firstOf(descs), previewBytes), plaintext.Preview(firstOf(bodies), previewBytes))
	s.url, s.authorID, s.locales, s.parents = string(a.URL), string(a.AuthorID), locales, parents
	s.tags = tagNames
	return d, nil
}

func extractTicket(raw []byte, decode decodeFunc) (doc, error) {
	var t wire.TicketOf[wire.PartText]
	if err := decode(raw, &t); err != nil {
		return doc{}, fmt.Errorf("decode ticket: %w", err)
	}
	d := doc{kind: query.KindTicket, id: string(t.ID), updatedAt: t.UpdatedAt.V, fields: make([]fieldValue, 0, 32)}
	d.keyword("id", string(t.ID))
	d.keyword("ticket_id", string(t.TicketID))
	d.keyword("category", string(t.Category))
	var typeName, state, label string
	if tt := t.TicketType; tt != nil {
		typeName = string(tt.Name)
		d.keyword("ticket_type_id", string(tt.ID))
		d.keyword("ticket_type", typeName)
	}
	if st := t.TicketState; st != nil {
		state, label = string(st.Category), string(st.InternalLabel)
		d.keyword("state", state)
		d.keyword("state_label", label)
		d.keyword("state_id", string(st.ID))
	}
	d.boolean("open", t.Open)
	d.boolean("is_shared", t.IsShared)
	d.integer("snoozed_until", t.SnoozedUntil)
	d.integer("created_at", t.CreatedAt)
	d.integer("updated_at", t.UpdatedAt)
	d.integer("admin_assignee_id", t.AdminAssigneeID)
	d.integer("team_assignee_id", t.TeamAssigneeID)
	if t.Contacts != nil {
		d.keyword("contact_ids", refIDs(t.Contacts.Contacts)...)
	}
	convs, tickets := t.LinkedObjects.IDsOf("conversation"), t.LinkedObjects.IDsOf("ticket")
	d.keyword("linked_conversation_ids", convs...)
	d.keyword("linked_ticket_ids", tickets...)
	var title, description wire.String
	attrs := make(map[string]json.RawMessage, len(t.Attributes))
	for name, v := range t.Attributes {
		switch name {
		case "_default_title_":
			_ = title.UnmarshalJSON(v)
		case "_default_description_":
			_ = description.UnmarshalJSON(v)
		default:
			attrs[name] = v
		}
	}
	titleText, descText := plaintext.String(string(title)), plaintext.String(string(description))
	d.text("title", titleText)
	d.text("description", descText)
	partsCount := wire.Int{}
	if p := t.Parts; p != nil {
		bodies := make([]string, 0, len(p.Parts))
		for _, part := range p.Parts {
			if part.Body != "" {
				if txt := plaintext.String(string(part.Body)); txt != "" {
					bodies = append(bodies, txt)
				}
			}
		}
		d.text("parts_body", bodies...)
		partsCount = p.TotalCount
		if !partsCount.Valid {
			partsCount = wire.Int{V: int64(len(p.Parts)), Valid: true}
		}
	}
	d.integer("parts_count", partsCount)
	customAttributes(&d, attrs)

	s := &d.sum
	s.title = firstNonEmpty(titleText, plaintext.Preview(descText, titleBytes), "Ticket "+string(t.TicketID))
	s.createdAt, s.updatedAt = t.CreatedAt.V, t.UpdatedAt.V
	s.state, s.open = state, t.Open.V
	s.preview = plaintext.Preview(descText, previewBytes)
	s.partsCount = partsCount.V
	s.category, s.ticketType, s.stateLabel = string(t.Category), typeName, label
	s.linked = append(prefixedIDs(query.KindConversation, convs), prefixedIDs(query.KindTicket, tickets)...)
	if t.AdminAssigneeID.Valid && t.AdminAssigneeID.V != 0 {
		s.adminAssigneeID = strconv.FormatInt(t.AdminAssigneeID.V, 10)
	}
	if t.TeamAssigneeID.Valid && t.TeamAssigneeID.V != 0 {
		s.teamAssigneeID = strconv.FormatInt(t.TeamAssigneeID.V, 10)
	}
	return d, nil
}

// prefixedIDs returns ids as prefixed ids of kind (ticket_7583), nil for none.
func prefixedIDs(kind query.Kind, ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = query.FormatID(kind, id)
	}
	return out
}

// firstOf returns the first of vals, "" for none.
func firstOf(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}

// jsonNumber reads a JSON number (or a number in a string); false for anything else, null included.
func jsonNumber(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 || raw[0] == 'n' {
		return 0, false
	}
	s := string(raw)
	if s[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// companyLine is the one line a company's search hit shows under its name: "plan Pro · 120 employees · $1,200
// a month · 34 users · Software · acme.com", leaving out what the record does not say.
func companyLine(plan string, size wire.Int, spend float64, hasSpend bool, users wire.Int, industry, website string) string {
	var parts []string
	if plan != "" {
		parts = append(parts, "plan "+plan)
	}
	count := func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + many
	}
	if size.Valid {
		parts = append(parts, count(size.V, "employee", "employees"))
	}
	if hasSpend {
		parts = append(parts, strconv.FormatFloat(spend, 'f', -1, 64)+" monthly spend")
	}
	if users.Valid {
		parts = append(parts, count(users.V, "user", "users"))
	}
	parts = append(parts, industry, website)
	return joinWith(" · ", parts...)
}

// phoneColumn is what a phone column holds: the number's digits, the form the catalog's Digits fields compare in
// (query.PhoneDigits), or a value without digits as it is, so that exists still sees it. The summary and free text
// keep the number as entered.
func phoneColumn(s string) string {
	if d := query.PhoneDigits(s); d != "" {
		return d
	}
	return s
}

// textField is the index field free text searches: for contacts, made of name, email, phone, companies and place
// (contacts have no text fields in the catalog); for conversations, the title, subject, opening message and parts
// at fixed array slots (see textSlots). It is not a catalog field (a leading "_" keeps it apart from every catalog
// name).
const textField = "_text"

// customAttributes adds each custom attribute under its index field for its JSON type. Objects and lists
// (relationship attributes) are not searchable and left out; so are nulls and empty strings.
func customAttributes(d *doc, attrs map[string]json.RawMessage) {
	if len(attrs) == 0 {
		return
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names) // a deterministic field order keeps rows and documents byte-for-byte reproducible
	for _, name := range names {
		v := attrs[name]
		if len(v) == 0 {
			continue
		}
		str, num, boolean := customFields(query.CustomIndexField(name))
		switch c := v[0]; {
		case c == '"':
			var s string
			if json.Unmarshal(v, &s) == nil {
				d.keyword(str, s)
			}
		case c == 't' || c == 'f':
			var b bool
			if json.Unmarshal(v, &b) == nil {
				d.fields = append(d.fields, fieldValue{name: boolean, typ: valBool, b: b})
			}
		case c == '-' || (c >= '0' && c <= '9'):
			if f, err := strconv.ParseFloat(string(v), 64); err == nil && !math.IsInf(f, 0) {
				d.fields = append(d.fields, fieldValue{name: num, typ: valFloat, fnum: f})
			}
		}
	}
}

func refIDs(refs []wire.Person) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, string(r.ID))
	}
	return out
}

// splitEmail returns the words of an email address ("anna.smith@acme.io" → "anna smith acme io") so that free
// text finds a contact by any part of it.
func splitEmail(email string) string {
	b := []byte(email)
	for i, c := range b {
		switch c {
		case '@', '.', '_', '-', '+':
			b[i] = ' '
		}
	}
	return string(b)
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinWith(sep string, vals ...string) string {
	out := ""
	for _, v := range vals {
		if v == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += v
	}
	return out
}
