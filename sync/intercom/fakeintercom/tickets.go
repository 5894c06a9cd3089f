package fakeintercom

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Tickets: the workspace's ticket types (fixed at generation) and its tickets, generated on demand from the seed
// like conversations. A generated customer or back-office ticket may be linked to a conversation; the link is a
// function of the two indices (linkedConversation, linkedTicket), so the ticket and the conversation name each other
// without either being generated first.

// ticketAttrDef is an attribute of a ticket type.
type ticketAttrDef struct {
	name, description, dataType string // dataType: string, list, integer, decimal, boolean, datetime
	options                     []string
	multiline, required         bool
}

// ticketTypeDef is a ticket type: its category, the corpus topic its tickets talk about, title templates and its
// own attributes (after _default_title_ and _default_description_).
type ticketTypeDef struct {
	name, category, icon, description, topic string
	titles                                   []string
	attrs                                    []ticketAttrDef
}

var ticketTypeDefs = []ticketTypeDef{
	{"Bug report", "Tracker", "🐞", "A bug customers reported, tracked until it is fixed.", "bug",
		[]string{"Checkout button does nothing on Safari", "CSV export fails with {error}", "Dashboard charts empty after the {version} update", "Webhook deliveries delayed by hours", "Login loop on the mobile app", "Search results missing recent orders"},
		[]ticketAttrDef{
			{name: "Severity", description: "How badly customers are affected.", dataType: "list", options: []string{"Low", "Medium", "High", "Critical"}, required: true},
			{name: "Affected users", description: "How many customers reported it.", dataType: "integer"},
			{name: "Reproducible", description: "Whether engineering could reproduce it.", dataType: "boolean"},
			{name: "Fixed in version", description: "The release with the fix.", dataType: "string"},
		}},
	{"Refund request", "Customer", "💸", "A customer asks for their money back.", "refund",
		[]string{"Refund for order {order}", "Double charged on invoice {invoice}", "Refund request: damaged {product}", "Cancel and refund my {plan} plan"},
		[]ticketAttrDef{
			{name: "Order ID", description: "The order to refund.", dataType: "string", required: true},
			{name: "Refund amount", description: "Amount to refund, in USD.", dataType: "decimal"},
			{name: "Reason", description: "Why the customer wants a refund.", dataType: "list", options: []string{"Double charged", "Damaged item", "Not as described", "Changed my mind"}},
			{name: "Purchase date", description: "When the order was placed.", dataType: "datetime"},
		}},
	{"Access request", "Back-office", "🔑", "A teammate needs access to an internal system.", "account",
		[]string{"Access to the billing portal for {name}", "Admin role in the data warehouse", "Reset two-factor authentication for {email}", "Read access to the production database"},
		[]ticketAttrDef{
			{name: "System", description: "The system to grant access to.", dataType: "list", options: []string{"Admin console", "Billing portal", "Data warehouse", "Production database"}, required: true},
			{name: "Access level", description: "The role requested.", dataType: "list", options: []string{"Read-only", "Editor", "Admin"}},
			{name: "Approved", description: "Whether a manager approved it.", dataType: "boolean"},
			{name: "Expires at", description: "When the access ends.", dataType: "datetime"},
		}},
}

// ticketStateDefs are every ticket type's states: category, internal and external label.
var ticketStateDefs = [][3]string{
	{"submitted", "Submitted", "Submitted"},
	{"in_progress", "In progress", "In progress"},
	{"waiting_on_customer", "Waiting on customer", "Waiting on you"},
	{"resolved", "Resolved", "Resolved"},
}

// categoryTerms are the values ticket search takes for category ("specific terms must be used instead of the
// category names").
var categoryTerms = map[string]string{"Customer": "request", "Back-office": "task", "Tracker": "tracker"}

const (
	ticketIDBase     = 215_480_000_000_000
	ticketNumberBase = 1000
	ticketPartBase   = 2_000_000_000
	ticketTypeIDs    = 2110
	ticketAttrIDs    = 3300
	ticketStateIDs   = 8400
	titleAttr        = "_default_title_"
	descriptionAttr  = "_default_description_"
	defaultTicketsPg = 20 // "The default is 20 results per page"
)

// ticketType is a generated ticket type.
type ticketType struct {
	def                  *ticketTypeDef
	id                   string
	attrs                []ticketAttr // the defaults first
	createdAt, updatedAt int64
}

// ticketAttr is an attribute of a ticket type, with its id and list option ids.
type ticketAttr struct {
	ticketAttrDef
	id        string
	optionIDs []string
	isDefault bool
	order     int
}

type ticket struct {
	idx                   int
	id                    string
	typeIdx               int
	state                 int // index into ticketStateDefs
	prevState             int // -1 when the state never changed
	attrs                 []attrValue
	contacts              []contactRef
	adminAssignee         int64
	teamAssignee          int64
	createdAt, updatedAt  int64
	snoozedUntil          int64
	linked                []linkedObject
	parts                 []ticketPart
	contactEmail, contact string // the first contact's email and name, for part authors
}

type ticketPart struct {
	id, partType, body   string // body "" = null
	state, prevState     int    // state changes only; -1 otherwise
	createdAt, updatedAt int64
	assignedTo           *assignee
	author               author
}

func ticketID(idx int) string { return strconv.FormatInt(ticketIDBase+int64(idx), 10) }

func ticketIndex(id string) int {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < ticketIDBase || n-ticketIDBase > 1<<30 {
		return -1
	}
	return int(n - ticketIDBase)
}

// genTicketTypes draws the ticket types and their attributes.
func (ws *Workspace) genTicketTypes() {
	for k := range ticketTypeDefs {
		d := &ticketTypeDefs[k]
		tt := ticketType{def: d, id: strconv.Itoa(ticketTypeIDs + k), createdAt: ws.appCreatedAt + int64(60+k*7)*day, updatedAt: EpochUnix - int64(20+k*13)*day}
		defs := append([]ticketAttrDef{
			{name: titleAttr, dataType: "string", required: true},
			{name: descriptionAttr, dataType: "string", multiline: true},
		}, d.attrs...)
		for a, ad := range defs {
			at := ticketAttr{ticketAttrDef: ad, id: strconv.Itoa(ticketAttrIDs + k*20 + a), isDefault: a < 2, order: a}
			for o := range ad.options {
				at.optionIDs = append(at.optionIDs, uuidFrom(ws.seed^0x71c0, uint64(k*100+a*10+o)))
			}
			tt.attrs = append(tt.attrs, at)
		}
		ws.ticketTypes = append(ws.ticketTypes, tt)
	}
}

// ticketTypeOf draws generated ticket idx's type: bug reports 20%, refund requests 55%, access requests 25%.
func (ws *Workspace) ticketTypeOf(idx int) int {
	switch x := ws.rng(streamTicketHeader, idx).IntN(20); {
	case x < 4:
		return 0
	case x < 15:
		return 1
	}
	return 2
}

// ticketLink returns the stride and offset that pair generated tickets with conversations: ticket k may link
// conversation k*stride+offset.
func (ws *Workspace) ticketLink() (stride, offset int) {
	stride = max(1, ws.nConv/max(1, ws.tickets.n))
	return stride, int(ws.seed % uint64(stride))
}

// linkedConversation returns the index of the conversation generated ticket k is linked to, or -1. Seven in ten
// customer and back-office tickets are; tracker tickets never are.
func (ws *Workspace) linkedConversation(k int) int {
	if k < 0 || k >= ws.tickets.n {
		return -1
	}
	stride, offset := ws.ticketLink()
	idx := k*stride + offset
	if idx >= ws.nConv || ws.ticketTypeOf(k) == 0 || splitmix(ws.seed^0x71c4^uint64(k))%10 >= 7 || ws.genConvHeader(idx).deleted {
		return -1
	}
	return idx
}

// linkedTicket returns the index of the generated ticket linked to generated conversation idx, or -1.
func (ws *Workspace) linkedTicket(idx int) int {
	stride, offset := ws.ticketLink()
	if idx < offset || (idx-offset)%stride != 0 {
		return -1
	}
	if k := (idx - offset) / stride; ws.linkedConversation(k) == idx {
		return k
	}
	return -1
}

// ticketTimes is what ordering needs of generated ticket idx: created (after its conversation's start, if linked)
// and last updated, before the epoch.
func (ws *Workspace) ticketTimes(idx int) (created, updated int64) {
	r := ws.rng(streamTicketHeader, idx)
	r.IntN(20) // the type
	if c := ws.linkedConversation(idx); c >= 0 {
		h := ws.genConvHeader(c)
		created = h.createdAt + r.Int64N(max(1, h.updatedAt-h.createdAt+1))
	} else {
		created = createdAtFor(r, idx, ws.tickets.n)
	}
	span := 600 + r.Int64N(20*day)
	if room := EpochUnix - 60 - created; span > room {
		span = int64(float64(max(0, room)) * r.Float64())
	}
	return created, created + span
}

func (ws *Workspace) generateTicket(idx int) *ticket {
	r := ws.rng(streamTicketBody, idx)
	t := &ticket{idx: idx, id: ticketID(idx), typeIdx: ws.ticketTypeOf(idx), prevState: -1}
	t.createdAt, t.updatedAt = ws.ticketTimes(idx)
	tt := &ws.ticketTypes[t.typeIdx]
	var cust identity
	if c := ws.linkedConversation(idx); c >= 0 {
		conv := ws.genConversation(c)
		t.linked = []linkedObject{{typ: "conversation", id: conv.id}}
		t.contacts = conv.contacts[:1:1]
		cust = ws.generatedIdentity(ws.contactIndex(conv.contacts[0].id))
	} else if tt.def.category != "Tracker" && ws.nContacts > 0 {
		ci := zipf(r, ws.nContacts)
		if h := ws.genContactHeader(ci); h.mergedInto >= 0 {
			ci = h.mergedInto
		}
		cust = ws.generatedIdentity(ci)
		t.contacts = []contactRef{{id: cust.id, externalID: cust.externalID}}
	}
	first := cust.first
	if cust.name == "" {
		first = "there"
	}
	v := newTextVars(r, first, cust.last, "", cust.email, ws.admins[0].name, ws.domain, ws.appName)
	tp := &topics[slices.IndexFunc(topics, func(x topic) bool { return x.name == tt.def.topic })]
	var tb strings.Builder
	v.fill(r, &tb, pick(r, tt.def.titles), false)
	t.attrs = []attrValue{{titleAttr, unescapeHTML(tb.String())}, {descriptionAttr, htmlToText(v.message(r, tp, msgOpener, false))}}
	for _, a := range tt.attrs[2:] {
		if !a.required && r.IntN(5) == 0 {
			continue
		}
		var val any
		switch a.dataType {
		case "string":
			val = v.order
			if a.name != "Order ID" {
				val = "5." + strconv.Itoa(r.IntN(12)) + "." + strconv.Itoa(r.IntN(10))
			}
		case "list":
			val = pick(r, a.options)
		case "integer":
			val = int64(1 + r.IntN(500))
		case "decimal":
			val = float64(500+r.IntN(50000)) / 100
		case "boolean":
			val = r.IntN(2) == 0
		case "datetime":
			val = t.createdAt - r.Int64N(30*day) + r.Int64N(60*day)
		}
		t.attrs = append(t.attrs, attrValue{a.name, val})
	}
	if len(t.contacts) > 0 {
		t.contact, t.contactEmail = cust.name, cust.email
	}
	ws.genTicketParts(r, t, &v, tp)
	return t
}

// genTicketParts writes a ticket's history: it is submitted, then teammates and the customer comment, teammates
// note, assign and move it through its states; the last part lands on updated_at and sets the final state.
func (ws *Workspace) genTicketParts(r *rand.Rand, t *ticket, v *textVars, tp *topic) {
	n := 1 + min(11, int(r.ExpFloat64()*3))
	times := make([]int64, n)
	for k := range times {
		times[k] = t.createdAt + (t.updatedAt-t.createdAt)*int64(k)/int64(max(1, n-1))
	}
	times[n-1] = t.updatedAt
	owner := &ws.admins[r.IntN(len(ws.admins))]
	adminAuthor := func(a *admin) author { return author{typ: "admin", id: a.id, name: a.name, email: a.email} }
	final := pick(r, []int{0, 1, 1, 2, 3, 3, 3, 3})
	state := 0
	base := int64(ticketPartBase) + int64(t.idx)*100
	for k := range n {
		p := ticketPart{id: strconv.FormatInt(base+int64(k), 10), state: -1, prevState: -1, createdAt: times[k], updatedAt: times[k], author: adminAuthor(owner)}
		x := r.IntN(100)
		switch {
		case k == 0:
			p.partType, p.state, p.prevState = "ticket_state_updated_by_admin", 0, 0
		case k == n-1 && state != final || x >= 85:
			next := final
			if k < n-1 {
				next = 1 + r.IntN(3)
			}
			if next == state {
				next = (state + 1) % len(ticketStateDefs)
			}
			p.partType, p.prevState, p.state = "ticket_state_updated_by_admin", state, next
			t.prevState, state = state, next
		case x < 30 && len(t.contacts) > 0:
			p.partType = "comment"
			p.author = author{typ: "user", id: t.contacts[0].id, name: t.contact, email: t.contactEmail}
			p.body = v.message(r, tp, msgFollowup, false)
		case x < 55:
			p.partType = "comment"
			p.body = v.message(r, tp, msgReply, false)
		case x < 70:
			p.partType = "note"
			p.body = v.message(r, tp, msgNote, false)
		default:
			p.partType = "assignment"
			if r.IntN(3) == 0 {
				tm := ws.teams[r.IntN(len(ws.teams))]
				t.teamAssignee = tm.id
				p.assignedTo = &assignee{typ: "team", id: strconv.FormatInt(tm.id, 10)}
			} else {
				a := &ws.admins[r.IntN(len(ws.admins))]
				t.adminAssignee, _ = strconv.ParseInt(a.id, 10, 64)
				p.assignedTo = &assignee{typ: "admin", id: a.id}
			}
		}
		t.parts = append(t.parts, p)
	}
	t.state = state
	if ticketStateDefs[state][0] != "resolved" && r.IntN(8) == 0 {
		t.snoozedUntil = t.updatedAt + int64(1+r.IntN(5))*day
	}
}

// ticketAt returns live ticket idx, or nil.
func (ws *Workspace) ticketAt(idx int) *ticket { return ws.tickets.at(idx) }

// ticketOrder returns the live tickets' indices by updated_at descending, then index descending.
func (ws *Workspace) ticketOrder() []int { return ws.tickets.ordered() }

func (t *ticket) attr(name string) any {
	for _, a := range t.attrs {
		if a.name == name {
			return a.value
		}
	}
	return nil
}

// teammateIDs returns the teammates who wrote a comment or note on the ticket, in order of first part.
func (t *ticket) teammateIDs() []any {
	var out []any
	for _, p := range t.parts {
		if p.author.typ == "admin" && (p.partType == "comment" || p.partType == "note") && !slices.Contains(out, any(p.author.id)) {
			out = append(out, p.author.id)
		}
	}
	return out
}

// --- rendering --------------------------------------------------------------------------------------------------

func (ws *Workspace) renderTicketState(w *jsonWriter, typeIdx, s int) {
	w.openObject()
	w.kstr("type", "ticket_state")
	w.kstr("id", strconv.Itoa(ticketStateIDs+typeIdx*10+s))
	w.kstr("category", ticketStateDefs[s][0])
	internal := ticketStateDefs[s][1]
	if ticketTypeDefs[typeIdx].category == "Tracker" && s == 1 {
		internal = "With Dev Team"
	}
	w.kstr("internal_label", internal)
	w.kstr("external_label", ticketStateDefs[s][2])
	w.closeObject()
}

// renderTicketType writes a ticket type; withStates adds its ticket_states (GET /ticket_types does, a ticket's
// embedded type does not).
func (ws *Workspace) renderTicketType(w *jsonWriter, k int, withStates bool) {
	tt := &ws.ticketTypes[k]
	w.openObject()
	w.kstr("type", "ticket_type")
	w.kstr("id", tt.id)
	w.kstr("name", tt.def.name)
	w.kstr("description", tt.def.description)
	w.kstr("icon", tt.def.icon)
	w.kstr("workspace_id", ws.appID)
	w.kbool("archived", false)
	w.kint("created_at", tt.createdAt)
	w.kint("updated_at", tt.updatedAt)
	w.kbool("is_internal", tt.def.category == "Back-office")
	typeID, _ := strconv.ParseInt(tt.id, 10, 64)
	w.key("ticket_type_attributes")
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, a := range tt.attrs {
		w.openObject()
		w.kstr("type", "ticket_type_attribute")
		w.kstr("id", a.id)
		w.kstr("workspace_id", ws.appID)
		w.kstr("name", a.name)
		w.kstr("description", a.description)
		w.kstr("data_type", a.dataType)
		w.key("input_options")
		switch {
		case a.dataType == "string":
			w.openObject()
			w.kbool("multiline", a.multiline)
			w.closeObject()
		case a.dataType == "list":
			w.openObject()
			w.key("list_options")
			w.openArray()
			for o, label := range a.options {
				w.openObject()
				w.kstr("id", a.optionIDs[o])
				w.kstr("label", label)
				w.kbool("archived", false)
				w.closeObject()
			}
			w.closeArray()
			w.closeObject()
		default:
			w.null()
		}
		w.kint("order", int64(a.order))
		w.kbool("required_to_create", a.required)
		w.kbool("required_to_create_for_contacts", false)
		w.kbool("visible_on_create", true)
		w.kbool("visible_to_contacts", tt.def.category == "Customer" || a.isDefault)
		w.kbool("default", a.isDefault)
		w.kint("ticket_type_id", typeID)
		w.kbool("archived", false)
		w.kint("created_at", tt.createdAt)
		w.kint("updated_at", tt.updatedAt)
		w.closeObject()
	}
	w.closeArray()
	w.closeObject()
	w.kstr("category", tt.def.category)
	if withStates {
		w.key("ticket_states")
		w.openObject()
		w.kstr("type", "list")
		w.key("data")
		w.openArray()
		for s := range ticketStateDefs {
			ws.renderTicketState(w, k, s)
		}
		w.closeArray()
		w.closeObject()
	}
	w.closeObject()
}

// renderTicket writes a ticket with its parts (schema ticket), keys in the order of the 2.16 examples. Intercom
// returns at most the 500 most recent parts.
func (ws *Workspace) renderTicket(w *jsonWriter, t *ticket) {
	w.openObject()
	w.kstr("type", "ticket")
	w.kstr("id", t.id)
	w.kstr("ticket_id", strconv.Itoa(ticketNumberBase+t.idx))
	w.key("ticket_attributes")
	w.openObject()
	for _, a := range ws.ticketTypes[t.typeIdx].attrs {
		v := t.attr(a.name)
		if v == nil && !a.isDefault {
			continue
		}
		w.keyEscaped(a.name)
		w.value(v)
	}
	w.closeObject()
	w.key("ticket_state")
	ws.renderTicketState(w, t.typeIdx, t.state)
	w.key("ticket_type")
	ws.renderTicketType(w, t.typeIdx, false)
	w.kwrappedList("contacts", "contact.list", func() {
		for _, c := range t.contacts {
			renderContactRef(w, c)
		}
	})
	w.kint("admin_assignee_id", t.adminAssignee)
	w.kint("team_assignee_id", t.teamAssignee)
	w.kint("created_at", t.createdAt)
	w.kint("updated_at", t.updatedAt)
	parts := t.parts
	if len(parts) > maxParts {
		parts = parts[len(parts)-maxParts:]
	}
	w.key("ticket_parts")
	w.openObject()
	w.kstr("type", "ticket_part.list")
	w.key("ticket_parts")
	w.openArray()
	for i := range parts {
		ws.renderTicketPart(w, &parts[i])
	}
	w.closeArray()
	w.kint("total_count", int64(len(parts)))
	w.closeObject()
	w.kbool("open", ticketStateDefs[t.state][0] != "resolved")
	w.ktimeOrNull("snoozed_until", t.snoozedUntil)
	renderLinkedObjects(w, t.linked)
	category := ticketTypeDefs[t.typeIdx].category
	w.kstr("category", category)
	w.kbool("is_shared", category == "Customer")
	if t.prevState < 0 {
		w.knull("previous_ticket_state_id")
	} else {
		w.kstr("previous_ticket_state_id", strconv.Itoa(ticketStateIDs+t.typeIdx*10+t.prevState))
	}
	w.closeObject()
}

func (ws *Workspace) renderTicketPart(w *jsonWriter, p *ticketPart) {
	w.openObject()
	w.kstr("type", "ticket_part")
	w.kstr("id", p.id)
	w.kstr("part_type", p.partType)
	w.kstrOrNull("body", p.body)
	if p.state >= 0 {
		w.kstr("ticket_state", ticketStateDefs[p.state][0])
		w.kstr("previous_ticket_state", ticketStateDefs[p.prevState][0])
	}
	w.kint("created_at", p.createdAt)
	w.kint("updated_at", p.updatedAt)
	w.krefOrNull("assigned_to", p.assignedTo)
	w.key("author")
	w.openObject()
	w.kstr("id", p.author.id)
	w.kstr("type", p.author.typ)
	w.kstrOrNull("name", p.author.name)
	w.kstrOrNull("email", p.author.email)
	w.closeObject()
	w.key("attachments")
	w.openArray()
	w.closeArray()
	w.knull("external_id")
	w.kbool("redacted", false)
	w.closeObject()
}

// renderLinkedObjects writes a record's linked_objects (schema linked_object_list).
func renderLinkedObjects(w *jsonWriter, linked []linkedObject) {
	w.key("linked_objects")
	w.openObject()
	w.kstr("type", "list")
	w.kint("total_count", int64(len(linked)))
	w.kbool("has_more", false)
	w.key("data")
	w.openArray()
	for _, l := range linked {
		w.openObject()
		w.kstr("type", l.typ)
		w.kstr("id", l.id)
		w.kstrOrNull("category", l.category)
		w.closeObject()
	}
	w.closeArray()
	w.closeObject()
}

// --- search fields ------------------------------------------------------------------------------------------------

func ticketField(k fieldKind, get func(t *ticket) []any) searchField {
	return searchField{kind: k, ticket: func(_ *Workspace, t *ticket) []any { return get(t) }}
}

// categoryTerm checks a category value: ticket search takes request, task and tracker, not the category names.
func categoryTerm(v any) error {
	if err := oneOf("category", "request", "task", "tracker")(v); err != nil {
		return fmt.Errorf("%w (search Customer tickets as request, Back-office as task, Tracker as tracker)", err)
	}
	return nil
}

func oneOf(what string, allowed ...string) func(v any) error {
	return func(v any) error {
		if s, _ := v.(string); !slices.Contains(allowed, s) {
			return fmt.Errorf("%s %q is not one of %s", what, v, strings.Join(allowed, ", "))
		}
		return nil
	}
}

// ticketFields are the fields of POST /tickets/search (its 2.16 table), besides ticket_attribute.{id}.
var ticketFields = map[string]searchField{
	"id":          ticketField(kindString, func(t *ticket) []any { return one(t.id) }),
	"created_at":  {kind: kindDate, orEqualOps: true, ticket: func(_ *Workspace, t *ticket) []any { return one(t.createdAt) }},
	"updated_at":  ticketField(kindDate, func(t *ticket) []any { return one(t.updatedAt) }),
	"title":       ticketField(kindString, func(t *ticket) []any { s, _ := t.attr(titleAttr).(string); return str(s) }),
	"description": ticketField(kindString, func(t *ticket) []any { s, _ := t.attr(descriptionAttr).(string); return str(s) }),
	"category": {kind: kindString, check: categoryTerm,
		ticket: func(_ *Workspace, t *ticket) []any { return one(categoryTerms[ticketTypeDefs[t.typeIdx].category]) }},
	"ticket_type_id": {kind: kindString, ticket: func(ws *Workspace, t *ticket) []any { return one(ws.ticketTypes[t.typeIdx].id) }},
	"contact_ids": ticketField(kindString, func(t *ticket) []any {
		out := make([]any, len(t.contacts))
		for i, c := range t.contacts {
			out[i] = c.id
		}
		return out
	}),
	"teammate_ids":      ticketField(kindString, func(t *ticket) []any { return t.teammateIDs() }),
	"admin_assignee_id": ticketField(kindString, func(t *ticket) []any { return one(strconv.FormatInt(t.adminAssignee, 10)) }),
	"team_assignee_id":  ticketField(kindString, func(t *ticket) []any { return one(strconv.FormatInt(t.teamAssignee, 10)) }),
	"open":              ticketField(kindBool, func(t *ticket) []any { return one(ticketStateDefs[t.state][0] != "resolved") }),
	"state": {kind: kindString, check: oneOf("state", "submitted", "in_progress", "waiting_on_customer", "resolved"),
		ticket: func(_ *Workspace, t *ticket) []any { return one(ticketStateDefs[t.state][0]) }},
	"snoozed_until": ticketField(kindDate, func(t *ticket) []any { return ts(t.snoozedUntil) }),
}

// lookupTicketField resolves a ticket search field, including ticket_attribute.{id} typed as its attribute's
// data_type says.
func (ws *Workspace) lookupTicketField(name string) (searchField, bool) {
	id, ok := strings.CutPrefix(name, "ticket_attribute.")
	if !ok {
		f, ok := ticketFields[name]
		return f, ok
	}
	for _, tt := range ws.ticketTypes {
		for _, a := range tt.attrs {
			if a.id != id {
				continue
			}
			kind := map[string]fieldKind{"integer": kindInt, "decimal": kindFloat, "boolean": kindBool, "datetime": kindDate}[a.dataType]
			attr := a.name
			return ticketField(kind, func(t *ticket) []any {
				if v := t.attr(attr); v != nil && ws.ticketTypes[t.typeIdx].id == tt.id {
					return one(v)
				}
				return nil
			}), true
		}
	}
	return searchField{}, false
}

// --- endpoints ------------------------------------------------------------------------------------------------

// Route names of the ticket endpoints, as Handler.Stats counts requests.
const (
	RouteListTicketTypes = "GET /ticket_types"
	RouteGetTicketType   = "GET /ticket_types/{id}"
	RouteSearchTickets   = "POST /tickets/search"
	RouteGetTicket       = "GET /tickets/{id}"
	cursorSearchTickets  = "st"
)

// routeTickets names a ticket endpoint and returns the function that answers it, or "" when the request is none of
// them.
func (h *Handler) routeTickets(r *http.Request) (string, func(*http.Request, string) reply) {
	path := r.URL.Path
	get := r.Method == http.MethodGet
	switch {
	case path == "/ticket_types" && get:
		return RouteListTicketTypes, h.serveListTicketTypes
	case path == "/tickets/search" && r.Method == http.MethodPost:
		return RouteSearchTickets, h.serveSearchTickets
	}
	for _, x := range []struct {
		prefix, route string
		serve         func(*http.Request, string) reply
	}{
		{"/ticket_types/", RouteGetTicketType, h.serveGetTicketType},
		{"/tickets/", RouteGetTicket, h.serveGetTicket},
	} {
		if id, ok := strings.CutPrefix(path, x.prefix); ok && get && id != "" && id != "search" && !strings.Contains(id, "/") {
			return x.route, x.serve
		}
	}
	return "", nil
}

func (h *Handler) serveListTicketTypes(_ *http.Request, _ string) reply {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for k := range h.ws.ticketTypes {
		h.ws.renderTicketType(&w, k, true)
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

func (h *Handler) serveGetTicketType(r *http.Request, requestID string) reply {
	id := pathID(r.URL.Path, "/ticket_types/")
	k := slices.IndexFunc(h.ws.ticketTypes, func(tt ticketType) bool { return tt.id == id })
	if k < 0 {
		return notFound(requestID)
	}
	w := jsonWriter{}
	h.ws.renderTicketType(&w, k, true)
	return ok(w.b)
}

func (h *Handler) serveGetTicket(r *http.Request, requestID string) reply {
	t := h.ws.ticketAt(ticketIndex(pathID(r.URL.Path, "/tickets/")))
	if t == nil {
		return errorReply(http.StatusNotFound, requestID, "ticket_not_found", "Ticket not found")
	}
	w := jsonWriter{b: make([]byte, 0, 8<<10)}
	h.ws.renderTicket(&w, t)
	return ok(w.b)
}

// serveSearchTickets answers POST /tickets/search: the tickets matching the query, sorted by sort (default
// updated_at descending), cursor-paged. Items are whole tickets with their parts, as the 2.16 example shows.
func (h *Handler) serveSearchTickets(r *http.Request, requestID string) reply {
	sb, after, bad := h.searchParams(r, requestID, searchTickets, defaultTicketsPg, cursorSearchTickets)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	sortField, _ := ws.lookupField(searchTickets, sb.sortField)
	var hits []hit
	for _, idx := range ws.ticketOrder() {
		t := ws.ticketAt(idx)
		if t == nil || !sb.query.matchTicket(ws, t) {
			continue
		}
		hits = append(hits, hit{index: idx, key: sortValOf(sortField.ticket(ws, t))})
	}
	idxs, p := sortedPage(hits, sb, after, cursorSearchTickets)
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "ticket.list")
	writePages(&w, p)
	w.kint("total_count", int64(p.total))
	w.key("tickets")
	w.openArray()
	for _, idx := range idxs {
		if t := ws.ticketAt(idx); t != nil {
			ws.renderTicket(&w, t)
		}
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

// --- accessors for tests ------------------------------------------------------------------------------------------

// TicketIDs returns the ids of every live ticket, newest updated first (the default order of ticket search).
func (ws *Workspace) TicketIDs() []string {
	order := ws.ticketOrder()
	ids := make([]string, len(order))
	for i, idx := range order {
		ids[i] = ticketID(idx)
	}
	return ids
}

// TicketJSON returns the exact body GET /tickets/{id} answers for a live ticket (the same JSON ticket search
// lists), or ErrNotFound.
func (ws *Workspace) TicketJSON(id string) ([]byte, error) {
	t := ws.ticketAt(ticketIndex(id))
	if t == nil {
		return nil, fmt.Errorf("ticket %s: %w", id, ErrNotFound)
	}
	w := jsonWriter{}
	ws.renderTicket(&w, t)
	return w.b, nil
}

// TicketTypeIDs returns the ids of the ticket types, in the order GET /ticket_types lists them.
func (ws *Workspace) TicketTypeIDs() []string {
	ids := make([]string, len(ws.ticketTypes))
	for k := range ws.ticketTypes {
		ids[k] = ws.ticketTypes[k].id
	}
	return ids
}

// --- mutations ----------------------------------------------------------------------------------------------------

// NewTicket describes a ticket to create.
type NewTicket struct {
	// TicketTypeID is the ticket type; empty means the first customer ticket type.
	TicketTypeID string
	// ContactID is the contact the ticket is for; empty means the linked conversation's contact, else a listed
	// contact chosen by the workspace (none for a tracker ticket).
	ContactID string
	// ConversationID links the ticket to a live conversation; the conversation lists the ticket in its
	// linked_objects and its updated_at becomes now.
	ConversationID string
	// Title and Description are _default_title_ and _default_description_; an empty title is generated.
	Title, Description string
	// Attributes sets the type's other attributes by name, with values of their data_type (a list attribute takes
	// one of its option labels).
	Attributes map[string]any
}

// CreateTicket creates a submitted ticket stamped now (webhook topic ticket.created).
func (ws *Workspace) CreateTicket(nt NewTicket) (Change, error) {
	k := slices.IndexFunc(ws.ticketTypes, func(tt ticketType) bool {
		return nt.TicketTypeID == tt.id || nt.TicketTypeID == "" && tt.def.category == "Customer"
	})
	if k < 0 {
		return Change{}, fmt.Errorf("create ticket: no ticket type %s: %w", nt.TicketTypeID, ErrInvalid)
	}
	tt := &ws.ticketTypes[k]
	r := ws.activityRand()
	now := ws.nowUnix()
	t := &ticket{typeIdx: k, prevState: -1, createdAt: now, updatedAt: now}
	var conv *conversation
	if nt.ConversationID != "" {
		c, err := ws.conversation(nt.ConversationID)
		if err != nil {
			return Change{}, fmt.Errorf("create ticket: conversation %s: %w", nt.ConversationID, err)
		}
		conv = c
		t.linked = []linkedObject{{typ: "conversation", id: c.id}}
	}
	contactID := nt.ContactID
	if contactID == "" && conv != nil && len(conv.contacts) > 0 {
		contactID = conv.contacts[0].id
	}
	if contactID == "" && tt.def.category != "Tracker" {
		if ids := ws.ContactIDs(); len(ids) > 0 {
			contactID = ids[r.IntN(len(ids))]
		}
	}
	var cust identity
	if contactID != "" {
		cidx, _, _, err := ws.lookupContact(contactID)
		if err != nil {
			return Change{}, fmt.Errorf("create ticket: contact %s: %w", contactID, err)
		}
		cust = ws.identityOf(cidx)
		t.contacts = []contactRef{{id: cust.id, externalID: cust.externalID}}
		t.contact, t.contactEmail = cust.name, cust.email
	}
	v := newTextVars(r, orGenerated(cust.first, func() string { return "there" }), cust.last, "", cust.email, ws.admins[0].name, ws.domain, ws.appName)
	title := nt.Title
	if title == "" {
		var tb strings.Builder
		v.fill(r, &tb, pick(r, tt.def.titles), false)
		title = unescapeHTML(tb.String())
	}
	t.attrs = []attrValue{{titleAttr, title}, {descriptionAttr, nt.Description}}
	if nt.Description == "" {
		t.attrs = t.attrs[:1]
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range nt.Attributes {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		i := slices.IndexFunc(tt.attrs, func(a ticketAttr) bool { return a.name == name && !a.isDefault })
		if i < 0 {
			return Change{}, fmt.Errorf("create ticket: ticket type %q has no attribute %q: %w", tt.def.name, name, ErrInvalid)
		}
		val, ok := ticketAttrValue(tt.attrs[i], nt.Attributes[name])
		if !ok {
			return Change{}, fmt.Errorf("create ticket: attribute %q: value %v (%T) is not a %s: %w", name, nt.Attributes[name], nt.Attributes[name], tt.attrs[i].dataType, ErrInvalid)
		}
		t.attrs = append(t.attrs, attrValue{name, val})
	}
	a := &ws.admins[0]
	t.parts = []ticketPart{{partType: "ticket_state_updated_by_admin", createdAt: now, updatedAt: now, author: author{typ: "admin", id: a.id, name: a.name, email: a.email}}}
	ws.mu.Lock()
	t.idx = ws.tickets.next
	t.id = ticketID(t.idx)
	ws.assignTicketPartIDsLocked(t)
	ws.tickets.putLocked(t.idx, t, now)
	ws.mu.Unlock()
	if conv != nil {
		lo := linkedObject{typ: "ticket", id: t.id, category: tt.def.category}
		if _, err := ws.mutateConversation(conv.id, func(c *conversation, _ int64) error {
			c.linked = append(slices.Clip(c.linked), lo)
			return nil
		}, nil); err != nil {
			return Change{}, fmt.Errorf("create ticket %s: link conversation: %w", t.id, err)
		}
	}
	return Change{Kind: "ticket", ID: t.id, Topic: "ticket.created", At: time.Unix(now, 0)}, nil
}

// ticketAttrValue checks a value against an attribute's data_type and normalises it.
func ticketAttrValue(a ticketAttr, v any) (any, bool) {
	switch a.dataType {
	case "list":
		s, ok := v.(string)
		return s, ok && slices.Contains(a.options, s)
	case "string":
		s, ok := v.(string)
		return s, ok
	case "integer":
		return normaliseAttr(attrInt, v)
	case "decimal":
		return normaliseAttr(attrFloat, v)
	case "boolean":
		return normaliseAttr(attrBool, v)
	case "datetime":
		return normaliseAttr(attrDate, v)
	}
	return nil, false
}

func (ws *Workspace) assignTicketPartIDsLocked(t *ticket) {
	for i := range t.parts {
		if t.parts[i].id == "" {
			t.parts[i].id = strconv.FormatInt(ws.nextPartID, 10)
			ws.nextPartID++
		}
	}
}

// mutateTicket replaces live ticket id with edit's result (a private copy, stamped now), retrying if another
// mutation got there first.
func (ws *Workspace) mutateTicket(id string, edit func(t *ticket, now int64) error) (*ticket, error) {
	idx := ticketIndex(id)
	for {
		base := ws.ticketAt(idx)
		if base == nil {
			return nil, fmt.Errorf("ticket %s: %w", id, ErrNotFound)
		}
		t := *base
		t.parts = slices.Clone(base.parts)
		t.attrs = slices.Clone(base.attrs)
		now := max(ws.nowUnix(), t.updatedAt)
		if err := edit(&t, now); err != nil {
			return nil, fmt.Errorf("ticket %s: %w", id, err)
		}
		t.updatedAt = now
		ws.mu.Lock()
		cur, live := ws.tickets.lookupLocked(idx)
		if !live || cur != nil && cur != base {
			ws.mu.Unlock()
			continue
		}
		ws.assignTicketPartIDsLocked(&t)
		ws.tickets.putLocked(idx, &t, now)
		ws.mu.Unlock()
		return &t, nil
	}
}

// SetTicketState moves a live ticket to the state of that category (submitted, in_progress, waiting_on_customer or
// resolved), as a teammate does: a ticket_state_updated_by_admin part records it (webhook topic
// ticket.state.updated).
func (ws *Workspace) SetTicketState(id, state string) (Change, error) {
	s := slices.IndexFunc(ticketStateDefs, func(d [3]string) bool { return d[0] == state })
	if s < 0 {
		return Change{}, fmt.Errorf("ticket state %q (want submitted, in_progress, waiting_on_customer or resolved): %w", state, ErrInvalid)
	}
	t, err := ws.mutateTicket(id, func(t *ticket, now int64) error {
		if t.state == s {
			return fmt.Errorf("already %s: %w", state, ErrInvalid)
		}
		a := ws.ticketAdmin(t)
		t.parts = append(t.parts, ticketPart{partType: "ticket_state_updated_by_admin", state: s, prevState: t.state, createdAt: now, updatedAt: now,
			author: author{typ: "admin", id: a.id, name: a.name, email: a.email}})
		t.prevState, t.state = t.state, s
		if state == "resolved" {
			t.snoozedUntil = 0
		}
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "ticket", ID: t.id, Topic: "ticket.state.updated", At: time.Unix(t.updatedAt, 0)}, nil
}

// ticketAdmin is the teammate acting on a ticket: its assignee, else the first teammate.
func (ws *Workspace) ticketAdmin(t *ticket) *admin {
	if t.adminAssignee != 0 {
		if a, err := ws.adminByID(strconv.FormatInt(t.adminAssignee, 10)); err == nil {
			return a
		}
	}
	return &ws.admins[0]
}

// AddTicketPart adds a comment (or, with rp.Note, an internal note) to a live ticket, written by its contact
// (AuthorUser), a teammate (AuthorAdmin) or Fin (AuthorBot). Webhook topics: ticket.contact.replied,
// ticket.admin.replied, ticket.note.created.
func (ws *Workspace) AddTicketPart(id string, rp Reply) (Change, error) {
	r := ws.activityRand()
	topicName := ""
	t, err := ws.mutateTicket(id, func(t *ticket, now int64) error {
		tp := &topics[slices.IndexFunc(topics, func(x topic) bool { return x.name == ticketTypeDefs[t.typeIdx].topic })]
		v := newTextVars(r, orGenerated(firstWord(t.contact), func() string { return "there" }), "", "", t.contactEmail, ws.admins[0].name, ws.domain, ws.appName)
		p := ticketPart{partType: "comment", state: -1, prevState: -1, createdAt: now, updatedAt: now}
		who := rp.Author
		if rp.Note {
			who = AuthorAdmin
		}
		switch who {
		case "", AuthorUser:
			if len(t.contacts) == 0 {
				return fmt.Errorf("a ticket without contacts: %w", ErrInvalid)
			}
			p.author = author{typ: "user", id: t.contacts[0].id, name: t.contact, email: t.contactEmail}
			p.body = orGenerated(rp.Body, func() string { return v.message(r, tp, msgFollowup, false) })
			topicName = "ticket.contact.replied"
		case AuthorAdmin:
			a := ws.ticketAdmin(t)
			if rp.AdminID != "" {
				x, err := ws.adminByID(rp.AdminID)
				if err != nil {
					return err
				}
				a = x
			}
			p.author = author{typ: "admin", id: a.id, name: a.name, email: a.email}
			topicName = "ticket.admin.replied"
			kind := msgReply
			if rp.Note {
				p.partType, kind, topicName = "note", msgNote, "ticket.note.created"
			}
			p.body = orGenerated(rp.Body, func() string { return v.message(r, tp, kind, false) })
		case AuthorBot:
			b := ws.botAuthor(true)
			p.author = author{typ: "bot", id: b.id, name: b.name, email: b.email}
			p.body = orGenerated(rp.Body, func() string { return v.message(r, tp, msgBot, false) })
			topicName = "ticket.admin.replied"
		default:
			return fmt.Errorf("unknown author %q: %w", who, ErrInvalid)
		}
		t.parts = append(t.parts, p)
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "ticket", ID: t.id, Topic: topicName, At: time.Unix(t.updatedAt, 0)}, nil
}

// DeleteTicket deletes a live ticket: GET /tickets/{id} answers 404 ticket_not_found, search drops it, and a linked
// conversation stops listing it (its updated_at becomes now). Webhook topic ticket.deleted.
func (ws *Workspace) DeleteTicket(id string) (Change, error) {
	t := ws.ticketAt(ticketIndex(id))
	if t == nil {
		return Change{}, fmt.Errorf("delete ticket %s: %w", id, ErrNotFound)
	}
	now := ws.nowUnix()
	ws.mu.Lock()
	if _, live := ws.tickets.lookupLocked(t.idx); !live {
		ws.mu.Unlock()
		return Change{}, fmt.Errorf("delete ticket %s: %w", id, ErrNotFound)
	}
	ws.tickets.removeLocked(t.idx, now)
	ws.mu.Unlock()
	for _, l := range t.linked {
		_, err := ws.mutateConversation(l.id, func(c *conversation, _ int64) error {
			c.linked = slices.DeleteFunc(slices.Clone(c.linked), func(x linkedObject) bool { return x.typ == "ticket" && x.id == id })
			return nil
		}, nil)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Change{}, fmt.Errorf("delete ticket %s: unlink conversation: %w", id, err)
		}
	}
	return Change{Kind: "ticket", ID: id, Topic: "ticket.deleted", At: time.Unix(now, 0)}, nil
}

// simulateTicket is one step of the simulated activity on tickets: a new ticket (linked to a recent conversation
// now and then), a state change or a reply.
func (ws *Workspace) simulateTicket(r *rand.Rand, convs []string) (Change, error) {
	ids := ws.TicketIDs()
	switch x := r.IntN(10); {
	case len(ids) == 0 || x < 3:
		nt := NewTicket{TicketTypeID: ws.ticketTypes[r.IntN(len(ws.ticketTypes))].id}
		if len(convs) > 0 && ticketTypeDefs[slices.Index(ws.TicketTypeIDs(), nt.TicketTypeID)].category != "Tracker" && r.IntN(2) == 0 {
			nt.ConversationID = convs[zipf(r, len(convs))]
		}
		return ws.CreateTicket(nt)
	case x < 7:
		id := ids[zipf(r, len(ids))]
		next := pick(r, []string{"in_progress", "waiting_on_customer", "resolved", "resolved"})
		if t := ws.ticketAt(ticketIndex(id)); t != nil && ticketStateDefs[t.state][0] == next {
			next = map[bool]string{true: "in_progress", false: "resolved"}[next == "resolved"]
		}
		return ws.SetTicketState(id, next)
	default:
		return ws.AddTicketPart(ids[zipf(r, len(ids))], Reply{Author: AuthorAdmin, Note: r.IntN(3) == 0})
	}
}
