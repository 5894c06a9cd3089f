package query

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ConversationFilter is the argument object of the search_conversations tool, with the parameter names of
// Intercom's hosted server (ids, source_type, source_author_email, state, admin_assignee_id and team_assignee_id
// as a number or a string, statistics_* as {operator, value}, per_page, starting_after) plus a few more
// filters. All set filters are ANDed. Query turns it into the same Query the DSL would, through the same checks.
//
// The struct tags describe the JSON schema of the tool's input (mcp-go's WithInputSchema reads json,
// jsonschema_description and jsonschema:"enum=..." tags).
type ConversationFilter struct {
	IDs               []string `json:"ids,omitempty" jsonschema_description:"Conversation ids: raw (123), prefixed (conversation_123) or Intercom app URLs. Matches any of them."`
	SourceType        string   `json:"source_type,omitempty" jsonschema:"enum=conversation,enum=email,enum=facebook,enum=instagram,enum=phone_call,enum=phone_switch,enum=push,enum=sms,enum=twitter,enum=whatsapp" jsonschema_description:"Channel of the opening message (conversation means the Messenger)."`
	SourceAuthorName  string   `json:"source_author_name,omitempty" jsonschema_description:"Name of the opening message's author; matches part of the name."`
	SourceAuthorEmail string   `json:"source_author_email,omitempty" jsonschema_description:"Email of the opening message's author (exact)."`
	State             string   `json:"state,omitempty" jsonschema:"enum=open,enum=closed,enum=snoozed" jsonschema_description:"Conversation state."`
	Open              *bool    `json:"open,omitempty" jsonschema_description:"Whether the conversation is open (snoozed counts as open)."`
	Read              *bool    `json:"read,omitempty" jsonschema_description:"Whether the conversation has been read."`
	Priority          string   `json:"priority,omitempty" jsonschema_description:"Priority: none, low, medium, high or urgent."`
	AdminAssigneeID   IDArg    `json:"admin_assignee_id,omitempty" jsonschema_description:"Id of the assigned admin, a string or a number (0: unassigned)."`
	TeamAssigneeID    IDArg    `json:"team_assignee_id,omitempty" jsonschema_description:"Id of the assigned team, a string or a number (0: unassigned)."`
	AdminAssignee     string   `json:"admin_assignee,omitempty" jsonschema_description:"The assigned teammate by name or email (\"Alex Rivera\", alex@example.com) or id; unassigned for none."`
	TeamAssignee      string   `json:"team_assignee,omitempty" jsonschema_description:"The assigned team by name (Billing) or id; unassigned for none."`
	ContactIDs        []string `json:"contact_ids,omitempty" jsonschema_description:"Ids of contacts in the conversation (raw or contact_<id>); matches any of them."`
	TagIDs            []string `json:"tag_ids,omitempty" jsonschema_description:"Tag ids; matches conversations with any of them."`
	Tags              []string `json:"tags,omitempty" jsonschema_description:"Tag names; matches conversations with any of them."`

	CreatedAt                    *Range `json:"created_at,omitempty" jsonschema_description:"When the conversation was created: {operator, value} or {gte, lte}. Values: Unix seconds, 2025-01-31, RFC 3339, or before now (7d, 24h)."`
	UpdatedAt                    *Range `json:"updated_at,omitempty" jsonschema_description:"When the conversation was last updated: {operator, value} or {gte, lte}. Values as for created_at."`
	StatisticsTimeToAssignment   *Range `json:"statistics_time_to_assignment,omitempty" jsonschema_description:"Seconds until assignment: {operator, value} or {gte, lte}, e.g. {\"operator\": \">\", \"value\": 3600}."`
	StatisticsTimeToAdminReply   *Range `json:"statistics_time_to_admin_reply,omitempty" jsonschema_description:"Seconds until the first admin reply: {operator, value} or {gte, lte}, e.g. {\"operator\": \">\", \"value\": 3600}."`
	StatisticsTimeToFirstClose   *Range `json:"statistics_time_to_first_close,omitempty" jsonschema_description:"Seconds until the first close: {operator, value} or {gte, lte}."`
	StatisticsCountReopens       *Range `json:"statistics_count_reopens,omitempty" jsonschema_description:"Number of reopens: {operator, value} or {gte, lte}."`
	ConversationRatingScore      *Range `json:"conversation_rating_score,omitempty" jsonschema_description:"Rating the contact gave, 1 to 5: {operator, value} or {gte, lte}."`
	StatisticsLastAdminReplyAt   *Range `json:"statistics_last_admin_reply_at,omitempty" jsonschema_description:"When an admin last replied: {operator, value} or {gte, lte}. Values as for created_at."`
	StatisticsLastContactReplyAt *Range `json:"statistics_last_contact_reply_at,omitempty" jsonschema_description:"When the contact last replied: {operator, value} or {gte, lte}. Values as for created_at."`

	PerPage       *int   `json:"per_page,omitempty" jsonschema_description:"Results per page (default 20); a page holds at most 150, and a larger number returns 150 with a note saying so."`
	StartingAfter string `json:"starting_after,omitempty" jsonschema_description:"Cursor of the next page, from the previous response's pages.next.starting_after."`
}

// ContactFilter is the argument object of the search_contacts tool, with the parameter names of Intercom's hosted
// server (ids or contact_ids, name, email, email_domain, phone, custom_attributes, per_page, starting_after) plus a
// few more filters. All set filters are ANDed. Query turns it into the same Query the DSL would, through the same
// checks.
type ContactFilter struct {
	IDs              []string       `json:"ids,omitempty" jsonschema_description:"Contact ids: raw, prefixed (contact_<id>) or Intercom app URLs. Matches any of them."`
	ContactIDs       []string       `json:"contact_ids,omitempty" jsonschema_description:"Same as ids."`
	Name             string         `json:"name,omitempty" jsonschema_description:"Name; matches part of the name."`
	Email            string         `json:"email,omitempty" jsonschema_description:"Email address (exact)."`
	EmailDomain      string         `json:"email_domain,omitempty" jsonschema_description:"Email domain, e.g. example.com."`
	Phone            string         `json:"phone,omitempty" jsonschema_description:"Phone number, compared by its digits: spaces, dashes, dots, parentheses and a leading + don't matter (+91 98037 48241 finds +919803748241)."`
	Role             string         `json:"role,omitempty" jsonschema:"enum=user,enum=lead" jsonschema_description:"Whether the contact is a user or a lead."`
	ExternalID       string         `json:"external_id,omitempty" jsonschema_description:"Your own id for the contact (user_id)."`
	CustomAttributes map[string]any `json:"custom_attributes,omitempty" jsonschema_description:"Custom attribute values by attribute name, e.g. {\"plan\": \"pro\", \"seats\": 10}; each must equal."`
	Tags             []string       `json:"tags,omitempty" jsonschema_description:"Tag names (or ids); matches contacts with any of them."`
	Company          string         `json:"company,omitempty" jsonschema_description:"A company of the contact: its name, your company_id, or Intercom's id."`
	Owner            string         `json:"owner,omitempty" jsonschema_description:"The teammate who owns the contact, by name, email or id."`
	CreatedAt        *Range         `json:"created_at,omitempty" jsonschema_description:"When the contact was created: {operator, value} or {gte, lte}. Values: Unix seconds, 2025-01-31, RFC 3339, or before now (7d, 24h)."`
	UpdatedAt        *Range         `json:"updated_at,omitempty" jsonschema_description:"When the contact was last updated: {operator, value} or {gte, lte}. Values as for created_at."`
	LastSeenAt       *Range         `json:"last_seen_at,omitempty" jsonschema_description:"When the contact was last seen: {operator, value} or {gte, lte}. Values as for created_at."`
	PerPage          *int           `json:"per_page,omitempty" jsonschema_description:"Results per page (default 20); a page holds at most 150, and a larger number returns 150 with a note saying so."`
	StartingAfter    string         `json:"starting_after,omitempty" jsonschema_description:"Cursor of the next page, from the previous response's pages.next.starting_after."`
}

// CompanyFilter is the argument object of the list_companies tool (Intercom's hosted server documents the tool but
// not its arguments; these mirror search_contacts): ids, name (part of it), company_id, plan, industry, website,
// tag and segment (a name or an id), number and time ranges, per_page and starting_after. All set filters are
// ANDed; with none, it lists every company. Query turns it into the same Query the DSL would, through the same
// checks.
type CompanyFilter struct {
	IDs           []string `json:"ids,omitempty" jsonschema_description:"Intercom's company ids: raw, prefixed (company_<id>) or Intercom app URLs. Matches any of them."`
	Name          string   `json:"name,omitempty" jsonschema_description:"Company name; matches part of the name."`
	CompanyID     string   `json:"company_id,omitempty" jsonschema_description:"Your own id for the company (exact)."`
	Plan          string   `json:"plan,omitempty" jsonschema_description:"Name of the company's plan (exact)."`
	Industry      string   `json:"industry,omitempty" jsonschema_description:"Industry (exact)."`
	Website       string   `json:"website,omitempty" jsonschema_description:"Website URL; matches part of it (acme.com)."`
	Tag           string   `json:"tag,omitempty" jsonschema_description:"A tag of the company, by name (VIP) or id."`
	Segment       string   `json:"segment,omitempty" jsonschema_description:"A segment of the company, by name (Active users) or id."`
	Size          *Range   `json:"size,omitempty" jsonschema_description:"Number of employees: {operator, value} or {gte, lte}."`
	MonthlySpend  *Range   `json:"monthly_spend,omitempty" jsonschema_description:"Monthly spend: {operator, value} or {gte, lte}."`
	UserCount     *Range   `json:"user_count,omitempty" jsonschema_description:"Number of users (contacts) in the company: {operator, value} or {gte, lte}."`
	CreatedAt     *Range   `json:"created_at,omitempty" jsonschema_description:"When the company was added to Intercom: {operator, value} or {gte, lte}. Values: Unix seconds, 2025-01-31, RFC 3339, or before now (7d, 24h)."`
	UpdatedAt     *Range   `json:"updated_at,omitempty" jsonschema_description:"When the company was last updated: {operator, value} or {gte, lte}. Values as for created_at."`
	LastRequestAt *Range   `json:"last_request_at,omitempty" jsonschema_description:"When the company last made a request: {operator, value} or {gte, lte}. Values as for created_at."`
	PerPage       *int     `json:"per_page,omitempty" jsonschema_description:"Results per page (default 20); a page holds at most 150, and a larger number returns 150 with a note saying so."`
	StartingAfter string   `json:"starting_after,omitempty" jsonschema_description:"Cursor of the next page, from the previous response's pages.next.starting_after."`
}

// Query validates f and builds the company Query it describes.
func (f CompanyFilter) Query(opts Options) (Query, error) {
	b := newFilterBuilder(KindCompany, opts)
	b.in("ids", "id", f.IDs)
	b.add("name", "name", OpContains, f.Name)
	b.eq("company_id", "company_id", f.CompanyID)
	b.eq("plan", "plan", f.Plan)
	b.eq("industry", "industry", f.Industry)
	b.add("website", "website", OpContains, f.Website)
	b.eq("tag", "tag", f.Tag)
	b.eq("segment", "segment", f.Segment)
	b.rangeOf("size", "size", f.Size)
	b.rangeOf("monthly_spend", "monthly_spend", f.MonthlySpend)
	b.rangeOf("user_count", "user_count", f.UserCount)
	b.rangeOf("created_at", "created_at", f.CreatedAt)
	b.rangeOf("updated_at", "updated_at", f.UpdatedAt)
	b.rangeOf("last_request_at", "last_request_at", f.LastRequestAt)
	b.page(f.PerPage, f.StartingAfter)
	return b.result()
}

// ArticleFilter is the argument object of the list_articles and search_articles tools, with the parameter names of
// Intercom's article search (phrase, state, help_center_id) plus the replica's other article fields. phrase is free
// text: every word must occur (in any language version of the title, description or body), and a "quoted part"
// must occur as written; hits are ranked. All set filters are ANDed; with none, it lists every article. Query
// turns it into the same Query the DSL would, through the same checks.
type ArticleFilter struct {
	IDs           []string `json:"ids,omitempty" jsonschema_description:"Article ids: raw (39), prefixed (article_39) or Help Center URLs. Matches any of them."`
	Phrase        string   `json:"phrase,omitempty" jsonschema_description:"Free text: every word must occur in the title, description or body (any language); a \"quoted part\" must occur as written. Results are ranked."`
	Title         string   `json:"title,omitempty" jsonschema_description:"Words the title must hold."`
	State         string   `json:"state,omitempty" jsonschema:"enum=published,enum=draft,enum=all" jsonschema_description:"published or draft; all (or leaving it out) for both."`
	HelpCenterID  IDArg    `json:"help_center_id,omitempty" jsonschema_description:"The help center, by id (a number or a string) or name."`
	Collection    string   `json:"collection,omitempty" jsonschema_description:"A collection or section the article is in, by name or id."`
	Author        string   `json:"author,omitempty" jsonschema_description:"The teammate who wrote it, by name, email or id."`
	Locale        string   `json:"locale,omitempty" jsonschema_description:"A language the article is written in, by code (en, fr, pt-BR, ...) or English name (French)."`
	Tag           string   `json:"tag,omitempty" jsonschema_description:"A tag of the article, by name."`
	CreatedAt     *Range   `json:"created_at,omitempty" jsonschema_description:"When the article was created: {operator, value} or {gte, lte}. Values: Unix seconds, 2025-01-31, RFC 3339, or before now (7d, 24h)."`
	UpdatedAt     *Range   `json:"updated_at,omitempty" jsonschema_description:"When the article was last updated: {operator, value} or {gte, lte}. Values as for created_at."`
	PerPage       *int     `json:"per_page,omitempty" jsonschema_description:"Results per page (default 20); a page holds at most 150, and a larger number returns 150 with a note saying so."`
	StartingAfter string   `json:"starting_after,omitempty" jsonschema_description:"Cursor of the next page, from the previous response's pages.next.starting_after."`
}

// Query validates f and builds the article Query it describes.
func (f ArticleFilter) Query(opts Options) (Query, error) {
	b := newFilterBuilder(KindArticle, opts)
	b.in("ids", "id", f.IDs)
	b.freeText("phrase", f.Phrase)
	b.add("title", "title", OpContains, f.Title)
	if !strings.EqualFold(f.State, "all") {
		b.eq("state", "state", f.State)
	}
	b.eq("help_center_id", "help_center", string(f.HelpCenterID))
	b.eq("collection", "collection", f.Collection)
	b.eq("author", "author", f.Author)
	b.eq("locale", "locale", f.Locale)
	b.eq("tag", "tag", f.Tag)
	b.rangeOf("created_at", "created_at", f.CreatedAt)
	b.rangeOf("updated_at", "updated_at", f.UpdatedAt)
	b.page(f.PerPage, f.StartingAfter)
	return b.result()
}

// TicketFilter is the argument object of the search_tickets tool, shaped like search_conversations: ids, free
// text, ticket type, state, category, assignees (ids or names), contacts, linked conversation, time ranges,
// per_page and starting_after. All set filters are ANDed. Query turns it into the same Query the DSL would,
// through the same checks.
type TicketFilter struct {
	IDs                []string `json:"ids,omitempty" jsonschema_description:"Ticket ids: raw (7583), prefixed (ticket_7583) or Intercom app URLs. Matches any of them."`
	Text               string   `json:"text,omitempty" jsonschema_description:"Free text: every word must occur in the title, description or a part; a \"quoted part\" must occur as written. Results are ranked."`
	TicketType         string   `json:"ticket_type,omitempty" jsonschema_description:"The ticket type, by name (\"Bug report\") or id."`
	State              string   `json:"state,omitempty" jsonschema:"enum=submitted,enum=in_progress,enum=waiting_on_customer,enum=resolved" jsonschema_description:"Ticket state. For open or closed tickets, use open (true or false): open is not a ticket state."`
	Category           string   `json:"category,omitempty" jsonschema:"enum=Customer,enum=Back-office,enum=Tracker" jsonschema_description:"Ticket category."`
	Open               *bool    `json:"open,omitempty" jsonschema_description:"Whether the ticket is open."`
	AdminAssigneeID    IDArg    `json:"admin_assignee_id,omitempty" jsonschema_description:"Id of the assigned admin, a string or a number (0: unassigned)."`
	TeamAssigneeID     IDArg    `json:"team_assignee_id,omitempty" jsonschema_description:"Id of the assigned team, a string or a number (0: unassigned)."`
	AdminAssignee      string   `json:"admin_assignee,omitempty" jsonschema_description:"The assigned teammate by name or email (\"Alex Rivera\", alex@example.com) or id; unassigned for none."`
	TeamAssignee       string   `json:"team_assignee,omitempty" jsonschema_description:"The assigned team by name (Billing) or id; unassigned for none."`
	ContactIDs         []string `json:"contact_ids,omitempty" jsonschema_description:"Ids of the ticket's contacts (raw or contact_<id>); matches any of them."`
	LinkedConversation string   `json:"linked_conversation_id,omitempty" jsonschema_description:"A conversation linked to the ticket (raw id, conversation_<id> or URL)."`
	CreatedAt          *Range   `json:"created_at,omitempty" jsonschema_description:"When the ticket was created: {operator, value} or {gte, lte}. Values: Unix seconds, 2025-01-31, RFC 3339, or before now (7d, 24h)."`
	UpdatedAt          *Range   `json:"updated_at,omitempty" jsonschema_description:"When the ticket was last updated: {operator, value} or {gte, lte}. Values as for created_at."`
	PerPage            *int     `json:"per_page,omitempty" jsonschema_description:"Results per page (default 20); a page holds at most 150, and a larger number returns 150 with a note saying so."`
	StartingAfter      string   `json:"starting_after,omitempty" jsonschema_description:"Cursor of the next page, from the previous response's pages.next.starting_after."`
}

// Query validates f and builds the ticket Query it describes.
func (f TicketFilter) Query(opts Options) (Query, error) {
	b := newFilterBuilder(KindTicket, opts)
	b.in("ids", "id", f.IDs)
	b.freeText("text", f.Text)
	b.eq("ticket_type", "ticket_type", f.TicketType)
	b.eq("state", "state", f.State)
	b.eq("category", "category", f.Category)
	b.boolean("open", "open", f.Open)
	b.eq("admin_assignee_id", "admin_assignee_id", string(f.AdminAssigneeID))
	b.eq("team_assignee_id", "team_assignee_id", string(f.TeamAssigneeID))
	b.eq("admin_assignee", "admin_assignee", f.AdminAssignee)
	b.eq("team_assignee", "team_assignee", f.TeamAssignee)
	b.in("contact_ids", "contact_ids", f.ContactIDs)
	b.eq("linked_conversation_id", "linked_conversation_ids", f.LinkedConversation)
	b.rangeOf("created_at", "created_at", f.CreatedAt)
	b.rangeOf("updated_at", "updated_at", f.UpdatedAt)
	b.page(f.PerPage, f.StartingAfter)
	return b.result()
}

// IDArg is an id argument Intercom writes as a number in some places and as a string in others
// (admin_assignee_id): it decodes from a JSON number or string and keeps the text, so either form is accepted.
type IDArg string

// UnmarshalJSON reads a JSON string or number.
func (a *IDArg) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*a = IDArg(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("an id is a string or a number; got %s", b)
	}
	*a = IDArg(n.String())
	return nil
}

// Range compares a number or a timestamp, written either as Intercom's hosted tools take it, {"operator": ">",
// "value": 3600} (or the query language's name for the operator, {"operator": "gt", ...}), or as bounds,
// {"gte": "2025-01-01", "lt": "2025-02-01"}; both forms may be combined, and every comparison given must hold.
// Values are numbers or strings: for timestamps, Unix seconds, 2025-01-31 (midnight UTC), RFC 3339 or a time before
// now (7d, 24h); for durations, seconds or 90s, 30m, 4h, 2d.
type Range struct {
	Operator string `json:"operator,omitempty" jsonschema:"enum=>,enum=>=,enum=<,enum=<=,enum==,enum=!=,enum=gt,enum=gte,enum=lt,enum=lte,enum=eq,enum=neq" jsonschema_description:"Comparison of the field with value: a symbol, or the query language's name for it (gt, gte, lt, lte, eq, neq)."`
	Value    any    `json:"value,omitempty" jsonschema_description:"Compared with operator: a number (Unix seconds for timestamps, seconds for durations) or a string (2025-01-31, 2025-01-31T09:30:00Z, 7d, 4h)."`
	GT       any    `json:"gt,omitempty" jsonschema_description:"Greater than this."`
	GTE      any    `json:"gte,omitempty" jsonschema_description:"Greater than or equal to this."`
	LT       any    `json:"lt,omitempty" jsonschema_description:"Less than this."`
	LTE      any    `json:"lte,omitempty" jsonschema_description:"Less than or equal to this."`
}

// Query validates f and builds the conversation Query it describes.
func (f ConversationFilter) Query(opts Options) (Query, error) {
	b := newFilterBuilder(KindConversation, opts)
	b.in("ids", "id", f.IDs)
	b.eq("source_type", "source_type", f.SourceType)
	b.add("source_author_name", "source_author_name", OpContains, f.SourceAuthorName)
	b.eq("source_author_email", "source_author_email", f.SourceAuthorEmail)
	b.eq("state", "state", f.State)
	b.boolean("open", "open", f.Open)
	b.boolean("read", "read", f.Read)
	b.eq("priority", "priority", f.Priority)
	b.eq("admin_assignee_id", "admin_assignee_id", string(f.AdminAssigneeID))
	b.eq("team_assignee_id", "team_assignee_id", string(f.TeamAssigneeID))
	b.eq("admin_assignee", "admin_assignee", f.AdminAssignee)
	b.eq("team_assignee", "team_assignee", f.TeamAssignee)
	b.in("contact_ids", "contact_ids", f.ContactIDs)
	b.in("tag_ids", "tag_ids", f.TagIDs)
	b.in("tags", "tag", f.Tags)
	b.rangeOf("created_at", "created_at", f.CreatedAt)
	b.rangeOf("updated_at", "updated_at", f.UpdatedAt)
	b.rangeOf("statistics_time_to_assignment", "statistics_time_to_assignment", f.StatisticsTimeToAssignment)
	b.rangeOf("statistics_time_to_admin_reply", "statistics_time_to_admin_reply", f.StatisticsTimeToAdminReply)
	b.rangeOf("statistics_time_to_first_close", "statistics_time_to_first_close", f.StatisticsTimeToFirstClose)
	b.rangeOf("statistics_count_reopens", "statistics_count_reopens", f.StatisticsCountReopens)
	b.rangeOf("conversation_rating_score", "conversation_rating_score", f.ConversationRatingScore)
	b.rangeOf("statistics_last_admin_reply_at", "statistics_last_admin_reply_at", f.StatisticsLastAdminReplyAt)
	b.rangeOf("statistics_last_contact_reply_at", "statistics_last_contact_reply_at", f.StatisticsLastContactReplyAt)
	b.page(f.PerPage, f.StartingAfter)
	return b.result()
}

// Query validates f and builds the contact Query it describes.
func (f ContactFilter) Query(opts Options) (Query, error) {
	b := newFilterBuilder(KindContact, opts)
	b.in("ids", "id", append(append([]string(nil), f.IDs...), f.ContactIDs...))
	b.add("name", "name", OpContains, f.Name)
	b.eq("email", "email", f.Email)
	b.eq("email_domain", "email_domain", f.EmailDomain)
	b.eq("phone", "phone", f.Phone)
	b.eq("role", "role", f.Role)
	b.eq("external_id", "external_id", f.ExternalID)
	b.in("tags", "tag", f.Tags)
	b.eq("company", "company", f.Company)
	b.eq("owner", "owner", f.Owner)
	names := make([]string, 0, len(f.CustomAttributes))
	for name := range f.CustomAttributes {
		names = append(names, name)
	}
	sort.Strings(names) // a stable order of terms, so equal filters give equal queries
	for _, name := range names {
		param := "custom_attributes." + name
		if name == "" {
			b.fail(param, "custom_attributes has an empty attribute name")
			continue
		}
		s, ok := scalarText(f.CustomAttributes[name])
		if !ok {
			b.fail(param, fmt.Sprintf("%s must be a string, number or boolean", clip(param)))
			continue
		}
		b.term(param, b.cat.CustomField(name), OpEq, s)
	}
	b.rangeOf("created_at", "created_at", f.CreatedAt)
	b.rangeOf("updated_at", "updated_at", f.UpdatedAt)
	b.rangeOf("last_seen_at", "last_seen_at", f.LastSeenAt)
	b.page(f.PerPage, f.StartingAfter)
	return b.result()
}

// filterBuilder feeds a filter's arguments to the DSL's builder, keeping the first error.
type filterBuilder struct {
	*builder
	err *Error
}

func newFilterBuilder(kind Kind, opts Options) *filterBuilder {
	return &filterBuilder{builder: newBuilder(kind, opts)}
}

func (b *filterBuilder) result() (Query, error) {
	if b.err == nil {
		b.err = b.finish(-1)
	}
	if b.err != nil {
		return Query{}, b.err
	}
	return b.q, nil
}

func (b *filterBuilder) fail(param, msg string) {
	if b.err == nil {
		b.err = &Error{Pos: -1, Token: param, Msg: msg}
	}
}

// term adds field op value, reporting errors against the argument param.
func (b *filterBuilder) term(param string, f *Field, op Op, values ...string) {
	if b.err != nil {
		return
	}
	s := site{pos: -1, token: param}
	vals := make([]valueInput, len(values))
	for i, v := range values {
		vals[i] = valueInput{text: v, site: s}
	}
	if err := b.builder.term(s, s, f, op, false, vals); err != nil {
		b.err = err
	}
}

// field looks up a catalog field the filter types name. A miss would be a bug (the tests cover every filter
// argument), reported as an error rather than a panic.
func (b *filterBuilder) field(name string) *Field {
	f, ok := b.cat.Lookup(name)
	if !ok {
		b.fail(name, fmt.Sprintf("internal error: no field %q for %s", name, b.cat.Kind().Plural()))
		return &Field{Name: name}
	}
	return f
}

func (b *filterBuilder) add(param, field string, op Op, value string) {
	if value != "" {
		b.term(param, b.field(field), op, value)
	}
}

func (b *filterBuilder) eq(param, field, value string) { b.add(param, field, OpEq, value) }

// freeText adds the words and "quoted phrases" of s as free text, as the DSL's q: terms, reporting errors against
// the argument param. An unclosed quote takes the rest as a phrase.
func (b *filterBuilder) freeText(param, s string) {
	site := site{pos: -1, token: param}
	for rest := strings.TrimSpace(s); rest != "" && b.err == nil; rest = strings.TrimSpace(rest) {
		var text string
		phrase := rest[0] == '"'
		if phrase {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				text, rest = rest[1:], ""
			} else {
				text, rest = rest[1:1+end], rest[2+end:]
			}
			if strings.TrimSpace(text) == "" {
				continue
			}
		} else {
			end := strings.IndexAny(rest, " \t\n\"")
			if end < 0 {
				end = len(rest)
			}
			text, rest = rest[:end], rest[end:]
		}
		if err := b.text(site, text, phrase || strings.ContainsAny(text, ":")); err != nil {
			b.err = err
		}
	}
}

func (b *filterBuilder) boolean(param, field string, v *bool) {
	if v != nil {
		b.term(param, b.field(field), OpEq, strconv.FormatBool(*v))
	}
}

func (b *filterBuilder) in(param, field string, values []string) {
	if len(values) == 0 {
		return
	}
	for _, v := range values {
		if v == "" {
			b.fail(param, fmt.Sprintf("%s holds an empty string; remove it", param))
			return
		}
	}
	op := OpIn
	if len(values) == 1 {
		op = OpEq
	}
	b.term(param, b.field(field), op, values...)
}

// rangeOf adds one term per comparison of r.
func (b *filterBuilder) rangeOf(param, field string, r *Range) {
	if r == nil || b.err != nil {
		return
	}
	f := b.field(field)
	n := 0
	if r.Operator != "" || r.Value != nil {
		n++
		op, ok := rangeOp(r.Operator)
		switch {
		case r.Operator == "":
			b.fail(param+".operator", fmt.Sprintf("%s has a value but no operator; add \"operator\": one of %s", param, symbolList(f)))
			return
		case !ok || !f.Allows(op):
			b.fail(param+".operator", fmt.Sprintf("%s.operator %q is not supported; use one of %s", param, clip(r.Operator), symbolList(f)))
			return
		case r.Value == nil:
			b.fail(param+".value", fmt.Sprintf("%s has an operator but no value; add \"value\"", param))
			return
		}
		b.bound(param+".value", f, op, r.Value)
	}
	for _, c := range []struct {
		name string
		op   Op
		v    any
	}{{"gt", OpGt, r.GT}, {"gte", OpGte, r.GTE}, {"lt", OpLt, r.LT}, {"lte", OpLte, r.LTE}} {
		if c.v != nil {
			n++
			b.bound(param+"."+c.name, f, c.op, c.v)
		}
	}
	if n == 0 {
		b.fail(param, fmt.Sprintf("%s is empty; give {\"operator\": \">\", \"value\": ...} or bounds such as {\"gte\": ..., \"lt\": ...}", param))
	}
}

func (b *filterBuilder) bound(param string, f *Field, op Op, v any) {
	s, ok := scalarText(v)
	if !ok {
		b.fail(param, fmt.Sprintf("%s must be a number or a string", param))
		return
	}
	b.term(param, f, op, s)
}

func (b *filterBuilder) page(perPage *int, startingAfter string) {
	if b.err != nil {
		return
	}
	if perPage != nil {
		if err := b.limit(site{-1, "per_page"}, "per_page", *perPage, strconv.Itoa(*perPage)); err != nil {
			b.err = err
			return
		}
	}
	if startingAfter != "" {
		if err := b.cursor(site{-1, "starting_after"}, startingAfter); err != nil {
			b.err = err
		}
	}
}

// rangeOp reads an operator of a Range: Intercom's symbols or the DSL's names.
func rangeOp(s string) (Op, bool) {
	switch s {
	case ">":
		return OpGt, true
	case ">=":
		return OpGte, true
	case "<":
		return OpLt, true
	case "<=":
		return OpLte, true
	case "=", "==":
		return OpEq, true
	case "!=":
		return OpNeq, true
	}
	op, ok := ParseOp(s)
	return op, ok && op.Arity() == 1
}

// symbolList lists the comparison symbols field f takes.
func symbolList(f *Field) string {
	var out []string
	for _, c := range []struct {
		sym string
		op  Op
	}{{">", OpGt}, {">=", OpGte}, {"<", OpLt}, {"<=", OpLte}, {"=", OpEq}, {"!=", OpNeq}} {
		if f.Allows(c.op) {
			out = append(out, c.sym)
		}
	}
	return strings.Join(out, ", ")
}

// scalarText writes a JSON scalar as DSL value text: strings as they are, whole numbers without a fraction or
// exponent, booleans as true/false. It reports false for null, objects, arrays and non-finite numbers.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", false
		}
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10), true
		}
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case json.Number:
		return x.String(), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}
