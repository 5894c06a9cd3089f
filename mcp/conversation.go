package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/intercom-replica/intercom-replica/index/plaintext"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// ConversationView is a conversation as the tools return it in structuredContent: the fields a reader needs, with
// message bodies as sanitized plain text, and one page of its parts.
type ConversationView struct {
	ID                string         `json:"id"` // prefixed: conversation_123
	URL               string         `json:"url"`
	Title             string         `json:"title,omitempty"`
	State             string         `json:"state,omitempty"`
	Open              bool           `json:"open"`
	Read              bool           `json:"read"`
	Priority          string         `json:"priority,omitempty"`
	CreatedAt         string         `json:"created_at,omitempty"` // RFC 3339, UTC
	UpdatedAt         string         `json:"updated_at,omitempty"`
	WaitingSince      string         `json:"waiting_since,omitempty"`
	SnoozedUntil      string         `json:"snoozed_until,omitempty"`
	Source            *MessageView   `json:"source,omitempty"` // the opening message
	Contacts          []PersonView   `json:"contacts,omitempty"`
	Teammates         []PersonView   `json:"teammates,omitempty"`
	AdminAssigneeID   string         `json:"admin_assignee_id,omitempty"`
	AdminAssigneeName string         `json:"admin_assignee_name,omitempty"` // from the replica's teammates
	TeamAssigneeID    string         `json:"team_assignee_id,omitempty"`
	TeamAssigneeName  string         `json:"team_assignee_name,omitempty"` // from the replica's teams
	Tags              []string       `json:"tags,omitempty"`
	Company           string         `json:"company,omitempty"` // the company's name
	CompanyID         string         `json:"company_id,omitempty"`
	Statistics        map[string]any `json:"statistics,omitempty"`
	// LastClosedByName names the teammate of statistics.last_closed_by_id.
	LastClosedByName    string         `json:"last_closed_by_name,omitempty"`
	Rating              *RatingView    `json:"rating,omitempty"`
	AIAgentParticipated bool           `json:"ai_agent_participated,omitempty"`
	AIAgentResolution   string         `json:"ai_agent_resolution_state,omitempty"`
	SLA                 string         `json:"sla,omitempty"`
	CustomAttributes    map[string]any `json:"custom_attributes,omitempty"`
	// LinkedTickets are the tickets linked to the conversation, prefixed (ticket_7583): get_ticket reads them.
	LinkedTickets []string   `json:"linked_tickets,omitempty"`
	Parts         []PartView `json:"parts"`
	PartsPage     PartsPage  `json:"parts_page"`
}

// MessageView is the opening message of a conversation.
type MessageView struct {
	Type        string           `json:"type,omitempty"` // channel: conversation (Messenger), email, ...
	DeliveredAs string           `json:"delivered_as,omitempty"`
	Subject     string           `json:"subject,omitempty"`
	Author      PersonView       `json:"author"`
	Body        string           `json:"body"`
	URL         string           `json:"url,omitempty"`
	Attachments []AttachmentView `json:"attachments,omitempty"`
	Redacted    bool             `json:"redacted,omitempty"`
}

// PartView is one conversation part: a reply, a note, or an event such as an assignment or a close.
type PartView struct {
	Number      int              `json:"number"` // 1-based position among the conversation's parts
	ID          string           `json:"id,omitempty"`
	Type        string           `json:"type"` // Intercom's part_type: comment, note, assignment, close, ...
	CreatedAt   string           `json:"created_at,omitempty"`
	Author      PersonView       `json:"author"`
	Body        string           `json:"body,omitempty"` // plain text; empty for events
	AssignedTo  *PersonView      `json:"assigned_to,omitempty"`
	Attachments []AttachmentView `json:"attachments,omitempty"`
	Redacted    bool             `json:"redacted,omitempty"`
	// Change says what an event of a ticket changed: "state submitted → resolved", "Severity set to \"High\"".
	Change string `json:"change,omitempty"`
}

// PersonView is an author, contact or teammate. ID is prefixed for contacts (contact_abc).
type PersonView struct {
	Type  string `json:"type,omitempty"` // user, lead, contact, admin, bot, team
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// AttachmentView is a file attached to a message.
type AttachmentView struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

// RatingView is the conversation rating the contact gave.
type RatingView struct {
	Rating   int         `json:"rating"`
	Remark   string      `json:"remark,omitempty"`
	Teammate *PersonView `json:"teammate,omitempty"` // the teammate rated
}

// PartsPage says which parts a result holds: parts Offset+1 to Offset+Returned of Total. NextOffset is set when
// more follow, and Note says in words what was left out.
type PartsPage struct {
	Total      int    `json:"total"`
	Offset     int    `json:"offset"`
	Returned   int    `json:"returned"`
	NextOffset *int   `json:"next_offset,omitempty"`
	Note       string `json:"note,omitempty"`
}

// partsWindow selects the parts a result shows.
type partsWindow struct {
	Offset int // parts to skip
	Max    int // parts to show at most
}

// statisticsShown are the statistics a result carries, durations (seconds) first, then timestamps and counts.
var statisticsShown = []string{
	"time_to_assignment", "time_to_admin_reply", "time_to_first_close", "time_to_last_close", "median_time_to_reply",
	"handling_time", "first_contact_reply_at", "first_admin_reply_at", "first_close_at", "last_contact_reply_at",
	"last_admin_reply_at", "last_close_at", "last_closed_by_id", "count_reopens", "count_assignments",
	"count_conversation_parts",
}

// newConversationView decodes a conversation's raw JSON and builds its view with the parts w selects. Ids of
// teammates, teams, tags and the company are named from names (nil names none).
func newConversationView(raw []byte, appID string, w partsWindow, names NameLookup) (*ConversationView, error) {
	var c wire.Conversation
	if err := wire.ReadStored(raw, &c); err != nil { // raw was valid JSON to encoding/json when stored or fetched
		return nil, fmt.Errorf("decode conversation: %w", err)
	}
	id := string(c.ID)
	v := &ConversationView{
		ID:           query.FormatID(query.KindConversation, id),
		URL:          appURL(appID, query.KindConversation, id),
		Title:        sanitizeLine(string(c.Title)),
		State:        string(c.State),
		Open:         c.Open.V,
		Read:         c.Read.V,
		Priority:     string(c.Priority),
		CreatedAt:    rfc3339(c.CreatedAt.V),
		UpdatedAt:    rfc3339(c.UpdatedAt.V),
		WaitingSince: rfc3339(c.WaitingSince.V),
		SnoozedUntil: rfc3339(c.SnoozedUntil.V),

		AIAgentParticipated: c.AIAgentParticipated.V,
	}
	v.AdminAssigneeID, v.AdminAssigneeName = assignee(query.KindAdmin, c.AdminAssigneeID, names)
	v.TeamAssigneeID, v.TeamAssigneeName = assignee(query.KindTeam, c.TeamAssigneeID, names)
	if s := c.Source; s != nil {
		v.Source = &MessageView{
			Type: string(s.Type), DeliveredAs: string(s.DeliveredAs), Subject: sanitizeLine(plaintext.Readable(string(s.Subject))),
			Author: personView(s.Author, names), Body: Sanitize(plaintext.Readable(string(s.Body))), URL: Sanitize(string(s.URL)),
			Attachments: attachmentViews(s.Attachments), Redacted: s.Redacted.V,
		}
	}
	if c.Contacts != nil {
		for _, p := range c.Contacts.Contacts {
			v.Contacts = append(v.Contacts, PersonView{
				Type: "contact", ID: query.FormatID(query.KindContact, string(p.ID)),
				Name: sanitizeLine(string(p.Name)), Email: sanitizeLine(string(p.Email)),
			})
		}
	}
	if c.Teammates != nil {
		for _, p := range c.Teammates.Teammates {
			v.Teammates = append(v.Teammates, personView(p, names))
		}
	}
	if c.Tags != nil {
		for _, t := range c.Tags.Tags {
			v.Tags = append(v.Tags, refName(t, query.KindTag, names))
		}
	}
	if c.Company != nil {
		v.CompanyID = string(c.Company.ID)
		v.Company = sanitizeLine(string(c.Company.Name))
		if v.Company == "" {
			v.Company = nameOf(names, query.KindCompany, v.CompanyID)
		}
	}
	if len(c.Statistics) > 0 {
		v.Statistics = map[string]any{}
		for _, k := range statisticsShown {
			raw, ok := c.Statistics[k]
			if !ok || string(raw) == "null" {
				continue
			}
			if val := attributeValue(raw); val != nil {
				v.Statistics[k] = val
			}
		}
		if id, ok := v.Statistics["last_closed_by_id"]; ok {
			v.LastClosedByName = nameOf(names, query.KindAdmin, fmt.Sprint(id))
		}
	}
	if r := c.Rating; r != nil && r.Rating.V != 0 {
		v.Rating = &RatingView{Rating: int(r.Rating.V), Remark: Sanitize(string(r.Remark))}
		if r.Teammate.ID != "" || r.Teammate.Name != "" {
			t := personView(r.Teammate, names)
			v.Rating.Teammate = &t
		}
	}
	if c.AIAgent != nil {
		v.AIAgentResolution = string(c.AIAgent.ResolutionState)
	}
	if c.SLA != nil && c.SLA.Name != "" {
		v.SLA = sanitizeLine(string(c.SLA.Name + " (" + c.SLA.Status + ")"))
	}
	v.CustomAttributes = customAttributeValues(c.CustomAttributes)
	v.LinkedTickets = prefixedIDs(query.KindTicket, c.LinkedObjects.IDsOf("ticket"))
	var parts []wire.Part
	if c.Parts != nil {
		parts = c.Parts.Parts
	}
	v.Parts, v.PartsPage = pageParts(parts, w, names)
	return v, nil
}

// prefixedIDs returns ids as prefixed ids of kind (ticket_7583), nil for none.
func prefixedIDs(kind query.Kind, ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, query.FormatID(kind, sanitizeLine(id)))
	}
	return out
}

// maxEnrichedContacts bounds the replica reads naming a conversation's contacts.
const maxEnrichedContacts = 10

// nameContacts fills in the names and emails of a conversation's or a ticket's contacts from the replica: the
// record carries only their ids. A contact the replica does not hold keeps just its id.
func nameContacts(ctx context.Context, g Getter, contacts []PersonView) {
	for i := range contacts {
		if i >= maxEnrichedContacts {
			return
		}
		c := &contacts[i]
		if c.Name != "" || c.Email != "" {
			continue
		}
		id := strings.TrimPrefix(c.ID, string(query.KindContact)+"_")
		rec, err := g.Get(ctx, query.KindContact, id)
		if err != nil || rec.Deleted {
			continue
		}
		var p struct {
			Name  string `json:"name"`
			Email string `json:"email"`
			Role  string `json:"role"`
		}
		if json.Unmarshal(rec.Raw, &p) == nil {
			c.Name, c.Email = sanitizeLine(p.Name), sanitizeLine(p.Email)
			if p.Role != "" {
				c.Type = p.Role
			}
		}
	}
}

// pageParts returns the parts w selects and the page description, with a note saying what was left out.
func pageParts(parts []wire.Part, w partsWindow, names NameLookup) ([]PartView, PartsPage) {
	return pagePartsOf(len(parts), w, "conversation", true, func(i int) PartView {
		p := parts[i]
		return partView(i, string(p.ID), string(p.PartType), p.CreatedAt.V, p.Author, p.Body, p.AssignedTo, p.Attachments, p.Redacted.V, names)
	})
}

// partView builds the view of the part at index i (0-based) of a conversation or a ticket.
func partView(i int, id, typ string, createdAt int64, author wire.Person, body wire.String, assignedTo *wire.Person,
	atts []wire.Attachment, redacted bool, names NameLookup) PartView {
	pv := PartView{
		Number: i + 1, ID: id, Type: typ, CreatedAt: rfc3339(createdAt),
		Author: personView(author, names), Attachments: attachmentViews(atts), Redacted: redacted,
	}
	if body != "" {
		pv.Body = Sanitize(plaintext.Readable(string(body)))
	}
	if assignedTo != nil && (assignedTo.ID != "" || assignedTo.Name != "") {
		a := personView(*assignedTo, names)
		pv.AssignedTo = &a
	}
	return pv
}

// pagePartsOf returns the views of the parts w selects among total (view builds the one at an index) and the page
// description, with a note saying what was left out; what is the record ("conversation", "ticket"), and opening
// says whether it has an opening message shown on the first page.
func pagePartsOf(total int, w partsWindow, what string, opening bool, view func(i int) PartView) ([]PartView, PartsPage) {
	off := min(max(w.Offset, 0), total)
	end := min(off+max(w.Max, 0), total)
	out := make([]PartView, 0, end-off)
	for i := off; i < end; i++ {
		out = append(out, view(i))
	}
	page := PartsPage{Total: total, Offset: off, Returned: len(out)}
	switch {
	case total == 0:
	case w.Offset >= total:
		page.Note = fmt.Sprintf("parts_offset=%d is past the last part: the %s has %s, so parts_offset=0 to %d read them.",
			w.Offset, what, countNoun(total, "part", "parts"), total-1)
	case end < total:
		next := end
		page.NextOffset = &next
		page.Note = fmt.Sprintf("Showing %s of %d. %s not shown: call again with parts_offset=%d to read on.",
			partsRange(off+1, end), total, countNoun(total-end, "later part is", "later parts are"), end)
		if off > 0 {
			page.Note += " " + earlierParts(off, opening)
		}
	case off > 0:
		page.Note = fmt.Sprintf("Showing %s of %d (the last). %s", partsRange(off+1, end), total, earlierParts(off, opening))
	}
	return out, page
}

// partsRange names parts from to to (1-based, inclusive): "part 4" or "parts 2-4".
func partsRange(from, to int) string {
	if from == to {
		return fmt.Sprintf("part %d", from)
	}
	return fmt.Sprintf("parts %d-%d", from, to)
}

// earlierParts says where the n parts before a page are (and the opening message, when there is one).
func earlierParts(n int, opening bool) string {
	what, verb := "Part 1", "is"
	if n > 1 {
		what, verb = fmt.Sprintf("Parts 1-%d", n), "are"
	}
	if opening {
		what, verb = what+" and the opening message", "are"
	}
	return what + " " + verb + " on earlier pages (parts_offset=0)."
}

// countNoun writes n with the singular or plural noun: "1 part", "3 parts".
func countNoun(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return formatCount(n) + " " + plural
}

// personView builds the view of a person; a teammate or team Intercom sent without a name is named from names.
func personView(p wire.Person, names NameLookup) PersonView {
	id := string(p.ID)
	if (p.Type == "user" || p.Type == "lead" || p.Type == "contact") && id != "" {
		id = query.FormatID(query.KindContact, id)
	}
	v := PersonView{Type: string(p.Type), ID: id, Name: sanitizeLine(string(p.Name)), Email: sanitizeLine(string(p.Email))}
	if v.Name == "" {
		switch v.Type {
		case "admin":
			v.Name = nameOf(names, query.KindAdmin, id)
		case "team":
			v.Name = nameOf(names, query.KindTeam, id)
		}
	}
	return v
}

// refName is the name of a tag or company reference: the name Intercom sent, else the replica's, else
// unnamedRef.
func refName(r wire.Ref, kind query.Kind, names NameLookup) string {
	name := sanitizeLine(string(r.Name))
	if name == "" {
		name = nameOf(names, kind, string(r.ID))
	}
	if name == "" {
		name = unnamedRef(kind.Noun(), string(r.ID))
	}
	return name
}

func attachmentViews(as []wire.Attachment) []AttachmentView {
	var out []AttachmentView
	for _, a := range as {
		out = append(out, AttachmentView{Name: sanitizeLine(string(a.Name)), URL: sanitizeLine(string(a.URL))})
	}
	return out
}

// RenderConversation renders a conversation for reading, by a model or a person: the data notice, a header of key
// fields, then the opening message (on the first page) and the page of parts, bodies fenced, and the note on what
// was left out. Every customer-written string is marked as data (quoted, or fenced). It reads nothing: v and fresh
// hold everything shown.
func RenderConversation(v *ConversationView, fresh Freshness) string {
	var b strings.Builder
	b.WriteString(dataNotice + "\n\n")
	if title := conversationHeading(v); title != "" {
		fmt.Fprintf(&b, "%s: %s\n", v.ID, quotedLine(title))
	} else {
		fmt.Fprintf(&b, "%s\n", v.ID)
	}
	b.WriteString(v.URL + "\n")
	state := v.State
	var flags []string
	if v.Priority != "" && v.Priority != "none" && v.Priority != "not_priority" {
		flags = append(flags, "priority "+v.Priority)
	}
	if !v.Read {
		flags = append(flags, "unread")
	}
	if len(flags) > 0 {
		state += " (" + strings.Join(flags, ", ") + ")"
	}
	writeField(&b, "State", joinNonEmpty(" · ", state,
		prefixed("created ", humanTimeRFC(v.CreatedAt)), prefixed("updated ", humanTimeRFC(v.UpdatedAt)),
		prefixed("waiting since ", humanTimeRFC(v.WaitingSince)), prefixed("snoozed until ", humanTimeRFC(v.SnoozedUntil))))
	if s := v.Source; s != nil {
		writeField(&b, "Channel", joinNonEmpty(" · ", joinNonEmpty(" ", s.Type, parenthesized(s.DeliveredAs)),
			prefixed("subject: ", quotedLine(s.Subject)), prefixed("started at ", quotedLine(s.URL))))
	}
	writeField(&b, "Contacts", contactsLine(v.Contacts))
	writeField(&b, "Assignee", assigneeLine(v.AdminAssigneeName, v.AdminAssigneeID, v.TeamAssigneeName, v.TeamAssigneeID))
	var mates []string
	for _, t := range v.Teammates {
		mates = append(mates, personLabel(t.Name, t.Email, t.Type, t.ID)+idSuffix(t))
	}
	writeField(&b, "Teammates", strings.Join(mates, ", "))
	writeField(&b, "Tags", quotedList(v.Tags))
	if v.Company != "" {
		writeField(&b, "Company", namedID(v.Company, v.CompanyID))
	} else {
		writeField(&b, "Company", prefixed("company ", v.CompanyID))
	}
	writeField(&b, "Statistics", statisticsLine(v.Statistics, v.LastClosedByName))
	if r := v.Rating; r != nil {
		var mate string
		if t := r.Teammate; t != nil {
			mate = "for " + personLabel(t.Name, t.Email, t.Type, t.ID) + idSuffix(*t)
		}
		writeField(&b, "Rating", joinNonEmpty(" ", fmt.Sprintf("%d/5", r.Rating), quotedLine(r.Remark), mate))
	}
	if v.AIAgentParticipated {
		writeField(&b, "AI agent", joinNonEmpty(", ", "took part", v.AIAgentResolution))
	}
	writeField(&b, "SLA", quotedLine(v.SLA))
	writeField(&b, "Custom attributes", attributesLine(v.CustomAttributes))
	writeField(&b, "Linked tickets", strings.Join(v.LinkedTickets, ", "))
	writeField(&b, "Freshness", fresh.line())
	b.WriteByte('\n')

	if s := v.Source; s != nil && v.PartsPage.Offset == 0 {
		fmt.Fprintf(&b, "[opening message] %s by %s\n", humanTimeRFC(v.CreatedAt), personLabel(s.Author.Name, s.Author.Email, s.Author.Type, s.Author.ID)+typeSuffix(s.Author.Type))
		writeBody(&b, s.Body, s.Redacted, s.Attachments)
	}
	writeParts(&b, v.Parts, v.PartsPage, "(no replies, notes or events after the opening message)")
	return strings.TrimRight(b.String(), "\n")
}

// writeParts writes a page of a conversation's or a ticket's parts as a transcript, each part's line then its
// body fenced, and the page's note; none is written when there are no parts at all.
func writeParts(b *strings.Builder, parts []PartView, page PartsPage, none string) {
	for _, p := range parts {
		fmt.Fprintf(b, "[part %d/%d] %s %s by %s", p.Number, page.Total, humanTimeRFC(p.CreatedAt), partTypeLabel(p.Type),
			personLabel(p.Author.Name, p.Author.Email, p.Author.Type, p.Author.ID)+typeSuffix(p.Author.Type))
		if p.AssignedTo != nil {
			to := *p.AssignedTo
			label := personLabel(to.Name, to.Email, to.Type, to.ID)
			if s := idSuffix(to); s != "" {
				label = to.Type + " " + label + s // team "Billing" (5017691)
			}
			fmt.Fprintf(b, ", assigned to %s", label)
		}
		if p.Change != "" {
			b.WriteString(": " + p.Change)
		}
		b.WriteByte('\n')
		if p.Body != "" || p.Redacted || len(p.Attachments) > 0 {
			writeBody(b, p.Body, p.Redacted, p.Attachments)
		}
	}
	if page.Total == 0 {
		b.WriteString(none + "\n")
	}
	if page.Note != "" {
		b.WriteString("\n" + page.Note + "\n")
	}
}

// conversationHeading is what the first line of a transcript names a conversation by: its title, else its
// subject.
func conversationHeading(v *ConversationView) string {
	if v.Title == "" && v.Source != nil {
		return v.Source.Subject
	}
	return v.Title
}

func writeBody(b *strings.Builder, body string, redacted bool, atts []AttachmentView) {
	switch {
	case redacted:
		b.WriteString("(redacted)\n")
	case body != "":
		fence(b, "text", body)
	}
	for _, a := range atts {
		fmt.Fprintf(b, "attachment: %s\n", joinNonEmpty(" ", quotedLine(a.Name), parenthesized(a.URL)))
	}
}

// contactsLine lists a conversation's or a ticket's contacts: "\"Jane Doe\" <jane@example.com> (contact_abc)",
// the id alone for one the replica could not name.
func contactsLine(contacts []PersonView) string {
	var out []string
	for _, c := range contacts {
		if c.Name == "" && c.Email == "" {
			out = append(out, c.ID)
			continue
		}
		out = append(out, personLabel(c.Name, c.Email, "", "")+" ("+c.ID+")")
	}
	return strings.Join(out, "; ")
}

// assigneeLine shows a conversation's or a ticket's assignees with their names: "admin \"Alex\" (7001) · team
// \"Billing\" (42)".
func assigneeLine(adminName, adminID, teamName, teamID string) string {
	return joinNonEmpty(" · ", prefixed("admin ", namedID(adminName, adminID)), prefixed("team ", namedID(teamName, teamID)))
}

// writeCardHead starts the text of a whole record: the data notice, the id with the record's title quoted (the
// id alone without one), and its link.
func writeCardHead(b *strings.Builder, id, title, url string) {
	b.WriteString(dataNotice + "\n\n")
	if title != "" {
		fmt.Fprintf(b, "%s: %s\n", id, quotedLine(title))
	} else {
		b.WriteString(id + "\n")
	}
	b.WriteString(url + "\n")
}

// writeField writes "Name: value" on its own line, or nothing when value is empty.
func writeField(b *strings.Builder, name, value string) {
	if value == "" {
		return
	}
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(value)
	b.WriteByte('\n')
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func quotedLine(s string) string {
	s = sanitizeLine(s)
	if s == "" {
		return ""
	}
	return strconv.Quote(s)
}

func typeSuffix(t string) string {
	if t == "" {
		return ""
	}
	return " [" + t + "]"
}

// partTypeLabel names a part type for a reader: comment → reply, ticket_state_updated_by_admin → ticket state
// updated (the line names the author).
func partTypeLabel(t string) string {
	switch t {
	case "comment":
		return "reply"
	case "":
		return "part"
	}
	for _, by := range []string{"_by_admin", "_by_user", "_by_contact", "_by_bot"} { // the author follows: "by ..."
		t = strings.TrimSuffix(t, by)
	}
	return strings.ReplaceAll(t, "_", " ")
}

// humanTimeRFC reformats an RFC 3339 time of a view for the text.
func humanTimeRFC(s string) string {
	if s == "" {
		return ""
	}
	t, err := parseRFC3339(s)
	if err != nil {
		return s
	}
	return humanTime(t)
}

// statisticsLine renders the statistics: durations humanized, timestamps as dates, counts as numbers, the
// teammate who last closed with lastClosedBy, their name.
func statisticsLine(stats map[string]any, lastClosedBy string) string {
	var out []string
	for _, k := range statisticsShown {
		v, ok := stats[k]
		if !ok {
			continue
		}
		n, isNum := v.(json.Number)
		label := strings.ReplaceAll(k, "_", " ")
		switch {
		case k == "last_closed_by_id":
			out = append(out, "last closed by "+namedID(lastClosedBy, sanitizeLine(fmt.Sprint(v))))
		case isNum && strings.HasPrefix(k, "count_"):
			out = append(out, label+" "+n.String())
		case isNum && strings.HasSuffix(k, "_at"):
			if i, err := n.Int64(); err == nil {
				out = append(out, label+" "+humanTime(i))
			}
		case isNum:
			if i, err := n.Int64(); err == nil {
				out = append(out, label+" "+humanDuration(i))
			}
		default:
			out = append(out, label+" "+sanitizeLine(fmt.Sprint(v)))
		}
	}
	return strings.Join(out, " · ")
}

// attributesLine renders custom attributes on one line, sorted by name: "Order ID: 55; Escalated: true".
func attributesLine(attrs map[string]any) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		text := attributeText(attrs[k])
		if n, ok := attrs[k].(json.Number); ok && strings.HasSuffix(k, "_at") { // Intercom's times: Unix seconds
			if unix, err := n.Int64(); err == nil && unix > 0 {
				text = humanTime(unix)
			}
		}
		out = append(out, k+": "+text)
	}
	return strings.Join(out, "; ")
}

// attributeText renders one attribute value on one line; strings are quoted (data), other values written as JSON.
func attributeText(v any) string {
	switch t := v.(type) {
	case string:
		return strconv.Quote(truncateRunes(sanitizeLine(t), 300))
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return truncateRunes(string(b), 300)
}

// idSuffix is " (id)" for a named teammate or team, so the reader has both; "" otherwise (personLabel then
// shows the type and id).
func idSuffix(p PersonView) string {
	if p.Name == "" || p.ID == "" || (p.Type != "admin" && p.Type != "team") {
		return ""
	}
	return " (" + p.ID + ")"
}

// assignee is the id of a conversation's or ticket's assignee of kind (admin or team) and its name from names;
// both "" when unassigned (Intercom sends 0, null or nothing).
func assignee(kind query.Kind, id wire.Int, names NameLookup) (string, string) {
	if !id.Valid || id.V == 0 {
		return "", ""
	}
	s := strconv.FormatInt(id.V, 10)
	return s, nameOf(names, kind, s)
}
