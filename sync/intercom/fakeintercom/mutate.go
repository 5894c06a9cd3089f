package fakeintercom

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Change describes one mutation: which record changed and the webhook topic Intercom would notify it with.
type Change struct {
	Kind  string // "conversation", "contact", "company", "admin", "tag", "article" or "ticket"
	ID    string
	Topic string // e.g. "conversation.user.replied", "contact.deleted", "company.updated"; "" when Intercom sends none
	At    time.Time
}

// Author says who writes a reply.
type Author string

// Reply authors.
const (
	AuthorUser  Author = "user"  // the conversation's contact
	AuthorAdmin Author = "admin" // a teammate
	AuthorBot   Author = "bot"   // Fin, the AI agent
)

// Reply is a message added to a conversation.
type Reply struct {
	// Author writes the reply; zero means AuthorUser.
	Author Author
	// AdminID is the teammate for AuthorAdmin or Note; empty means the assignee, else the first teammate.
	AdminID string
	// Body is the HTML body; empty means generated support text.
	Body string
	// Note makes it an internal note (always by a teammate) instead of a reply.
	Note bool
}

// NewConversation describes a conversation a contact starts.
type NewConversation struct {
	// ContactID is the contact who writes in; empty means a listed contact chosen by the workspace.
	ContactID string
	// SourceType is source.type; empty means "conversation" (Messenger).
	SourceType string
	// Subject is the email subject (plain text); empty means none, or a generated one for email.
	Subject string
	// Body is the opening message's HTML; empty means generated support text.
	Body string
}

// NewContact describes a contact to create. A user needs an email or an external id.
type NewContact struct {
	Role             string // "user" (zero) or "lead"
	Name, Email      string
	Phone            string
	ExternalID       string
	CustomAttributes map[string]any // names must be the workspace's contact attributes, values of their type
}

// ContactEdit changes fields of a contact; nil pointers leave a field alone, an empty string clears it.
type ContactEdit struct {
	Name, Email, Phone *string
	// CustomAttributes sets attributes; a nil value removes one.
	CustomAttributes map[string]any
}

// mutateConversation replaces conversation id with edit's result, retrying if another mutation got there first.
// edit runs without the lock (it may generate text) on a private copy; commit runs under the lock to allocate ids.
func (ws *Workspace) mutateConversation(id string, edit func(c *conversation, now int64) error, commit func(c *conversation)) (*conversation, error) {
	for {
		idx, base, err := ws.lookupConversation(id)
		if err != nil {
			return nil, fmt.Errorf("conversation %s: %w", id, err)
		}
		orig := base
		if base == nil {
			base = ws.genConversation(idx)
		}
		c := base.clone()
		now := max(ws.nowUnix(), c.updatedAt)
		if err := edit(c, now); err != nil {
			return nil, fmt.Errorf("conversation %s: %w", id, err)
		}
		c.updatedAt = now
		ws.derive(c) // statistics, waiting_since, snoozed_until follow the new parts
		ws.mu.Lock()
		_, gone := ws.convGone[idx]
		if ws.convs[idx] != orig || gone {
			ws.mu.Unlock()
			continue // changed or deleted meanwhile: start again from the new state
		}
		if commit != nil {
			commit(c)
		}
		ws.convs[idx] = c
		if ws.convOrder != nil {
			ws.convOrder.put(idx, c.updatedAt)
		}
		ws.mu.Unlock()
		return c, nil
	}
}

func (c *conversation) clone() *conversation {
	cp := *c
	cp.parts = slices.Clone(c.parts)
	cp.tags = slices.Clone(c.tags)
	cp.attrs = slices.Clone(c.attrs)
	cp.contacts = slices.Clone(c.contacts)
	cp.linked = slices.Clone(c.linked)
	if c.ai != nil {
		ai := *c.ai
		cp.ai = &ai
	}
	return &cp
}

// textFor returns text variables and a topic for new messages in c, drawn from the activity stream.
func (ws *Workspace) textFor(r *rand.Rand, c *conversation) (textVars, *topic) {
	t := &topics[r.IntN(len(topics))]
	for _, a := range c.attrs {
		if a.name == "Ticket category" {
			for i := range topics {
				if topics[i].category == a.value {
					t = &topics[i]
				}
			}
		}
	}
	first, last, email := "there", "", ""
	if len(c.contacts) > 0 {
		if idx := ws.contactIndex(c.contacts[0].id); idx >= 0 && idx < ws.nextContactSnapshot() {
			id := ws.identityOf(idx)
			if id.name != "" {
				first, last = id.first, id.last
			}
			email = id.email
		}
	}
	return newTextVars(r, first, last, "", email, ws.admins[0].name, ws.domain, ws.appName), t
}

func (ws *Workspace) nextContactSnapshot() int {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return ws.nextContact
}

func (ws *Workspace) activityRand() *rand.Rand {
	ws.mu.Lock()
	ws.activitySeq++
	seq := ws.activitySeq
	ws.mu.Unlock()
	return ws.rng(streamActivity, int(seq))
}

func (ws *Workspace) adminByID(id string) (*admin, error) {
	for i := range ws.admins {
		if ws.admins[i].id == id {
			return &ws.admins[i], nil
		}
	}
	return nil, fmt.Errorf("no teammate %s: %w", id, ErrInvalid)
}

// Reply adds a reply (or note) to a live conversation, as a contact, teammate or bot replying in Intercom does:
// a contact's reply reopens a closed conversation and starts waiting_since; a teammate's reply stops it.
func (ws *Workspace) Reply(conversationID string, rp Reply) (Change, error) {
	r := ws.activityRand()
	var topicName string
	c, err := ws.mutateConversation(conversationID, func(c *conversation, now int64) error {
		v, t := ws.textFor(r, c)
		p := part{partType: "comment", createdAt: now, updatedAt: now, notified: now, email: c.source.typ == "email", subject: c.source.subject}
		adminFor := func() (*admin, error) {
			switch {
			case rp.AdminID != "":
				return ws.adminByID(rp.AdminID)
			case c.adminAssignee != 0:
				if a, err := ws.adminByID(strconv.FormatInt(c.adminAssignee, 10)); err == nil {
					return a, nil
				}
			}
			return &ws.admins[0], nil
		}
		who := rp.Author
		if rp.Note {
			who = AuthorAdmin
		}
		switch who {
		case "", AuthorUser:
			if len(c.contacts) == 0 {
				return fmt.Errorf("no contact to reply: %w", ErrInvalid)
			}
			p.author = ws.contactAuthor(c.contacts[0])
			p.body = orGenerated(rp.Body, func() string { return v.message(r, t, msgFollowup, false) })
			c.state = "open" // a contact's reply reopens the conversation, or wakes it
			topicName = "conversation.user.replied"
		case AuthorAdmin:
			a, err := adminFor()
			if err != nil {
				return err
			}
			p.author = author{typ: "admin", id: a.id, name: a.name, email: a.email}
			if rp.Note {
				p.partType = "note"
				p.email = false
				p.body = orGenerated(rp.Body, func() string { return v.message(r, t, msgNote, false) })
				topicName = "conversation.admin.noted"
				break
			}
			p.body = orGenerated(rp.Body, func() string { return v.message(r, t, msgReply, p.email) })
			topicName = "conversation.admin.replied"
		case AuthorBot:
			p.author = ws.botAuthor(true)
			p.body = orGenerated(rp.Body, func() string { return v.message(r, t, msgBot, false) })
			p.email = false
			if c.ai == nil {
				c.ai = &aiAgent{sourceType: "workflow", sourceTitle: "Fin - " + t.category, lastAnswerType: "ai_answer", createdAt: now}
			}
			c.ai.updatedAt = now
			topicName = "conversation.operator.replied"
		default:
			return fmt.Errorf("unknown author %q: %w", who, ErrInvalid)
		}
		p.state = c.state
		c.parts = append(c.parts, p)
		return nil
	}, ws.assignPartIDsLocked)
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "conversation", ID: c.id, Topic: topicName, At: time.Unix(c.updatedAt, 0)}, nil
}

// contactAuthor returns a conversation contact as a part author, with its current name and email.
func (ws *Workspace) contactAuthor(ref contactRef) author {
	a := author{typ: "user", id: ref.id}
	if idx := ws.contactIndex(ref.id); idx >= 0 && idx < ws.nextContactSnapshot() {
		id := ws.identityOf(idx)
		if id.role != "" {
			a.typ = id.role
		}
		a.name, a.email = id.name, id.email
	}
	return a
}

func orGenerated(s string, gen func() string) string {
	if s != "" {
		return s
	}
	return gen()
}

// assignPartIDsLocked gives parts added by a mutation their ids. ws.mu is held.
func (ws *Workspace) assignPartIDsLocked(c *conversation) {
	for i := range c.parts {
		if c.parts[i].id == "" {
			c.parts[i].id = strconv.FormatInt(ws.nextPartID, 10)
			ws.nextPartID++
		}
	}
}

// AddParts appends n replies to a conversation, alternating between its contact and a teammate, all stamped now.
// It exists to build threads longer than Intercom's 500-part limit.
func (ws *Workspace) AddParts(conversationID string, n int) (Change, error) {
	if n < 1 {
		return Change{}, fmt.Errorf("add %d parts: %w", n, ErrInvalid)
	}
	r := ws.activityRand()
	c, err := ws.mutateConversation(conversationID, func(c *conversation, now int64) error {
		v, t := ws.textFor(r, c)
		cust := ws.contactAuthor(c.contacts[0])
		a := &ws.admins[0]
		c.state = "open"
		for k := range n {
			p := part{partType: "comment", createdAt: now, updatedAt: now, notified: now, state: "open"}
			if k%2 == 0 {
				p.author = cust
				p.body = v.message(r, t, msgFollowup, false)
			} else {
				p.author = author{typ: "admin", id: a.id, name: a.name, email: a.email}
				p.body = v.message(r, t, msgReply, false)
			}
			c.parts = append(c.parts, p)
		}
		return nil
	}, ws.assignPartIDsLocked)
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "conversation", ID: c.id, Topic: "conversation.user.replied", At: time.Unix(c.updatedAt, 0)}, nil
}

// SetState opens, closes or snoozes a live conversation (a teammate's action, recorded as an open, close or
// snoozed part; a snooze lasts one day).
func (ws *Workspace) SetState(conversationID, state string) (Change, error) {
	var topicName, partType string
	switch state {
	case "open":
		topicName, partType = "conversation.admin.opened", "open"
	case "closed":
		topicName, partType = "conversation.admin.closed", "close"
	case "snoozed":
		topicName, partType = "conversation.admin.snoozed", "snoozed"
	default:
		return Change{}, fmt.Errorf("state %q (want open, closed or snoozed): %w", state, ErrInvalid)
	}
	c, err := ws.mutateConversation(conversationID, func(c *conversation, now int64) error {
		a := &ws.admins[0]
		if c.adminAssignee != 0 {
			if x, err := ws.adminByID(strconv.FormatInt(c.adminAssignee, 10)); err == nil {
				a = x
			}
		}
		p := part{partType: partType, createdAt: now, updatedAt: now, notified: now, state: state,
			author: author{typ: "admin", id: a.id, name: a.name, email: a.email}}
		if state == "snoozed" {
			p.snoozedUntil = now + day
		}
		c.parts = append(c.parts, p)
		return nil
	}, ws.assignPartIDsLocked)
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "conversation", ID: c.id, Topic: topicName, At: time.Unix(c.updatedAt, 0)}, nil
}

// CreateConversation starts a new conversation from a contact; it is listed, searchable and fetchable at once.
func (ws *Workspace) CreateConversation(nc NewConversation) (Change, error) {
	r := ws.activityRand()
	contactID := nc.ContactID
	if contactID == "" {
		ids := ws.ContactIDs()
		if len(ids) == 0 {
			return Change{}, fmt.Errorf("create conversation: no contacts: %w", ErrInvalid)
		}
		contactID = ids[r.IntN(len(ids))]
	}
	cidx, _, _, err := ws.lookupContact(contactID)
	if err != nil {
		return Change{}, fmt.Errorf("create conversation: contact %s: %w", contactID, err)
	}
	id := ws.identityOf(cidx)
	now := ws.nowUnix()
	typ := nc.SourceType
	if typ == "" {
		typ = "conversation"
	}
	channel := ""
	for _, s := range sourceTypes {
		if s.typ == typ {
			channel = s.channel
		}
	}
	first := id.first
	if id.name == "" {
		first = "there"
	}
	v := newTextVars(r, first, id.last, "", id.email, ws.admins[0].name, ws.domain, ws.appName)
	t := &topics[r.IntN(len(topics))]
	c := &conversation{
		createdAt: now, updatedAt: now, priority: "none", companyIdx: -1,
		contacts: []contactRef{{id: id.id, externalID: id.externalID}},
		channel:  channel,
		source: source{
			typ: typ, deliveredAs: "customer_initiated",
			author:  author{typ: id.role, id: id.id, name: id.name, email: id.email},
			subject: nc.Subject,
			body:    orGenerated(nc.Body, func() string { return v.message(r, t, msgOpener, typ == "email") }),
		},
	}
	if typ == "email" {
		if c.source.subject == "" {
			c.source.subject = v.subject(r, t)
		}
		c.source.recipients = []string{"support@" + ws.domain}
		c.source.messageID = "<" + strconv.FormatUint(r.Uint64(), 36) + "@mail." + v.domain + ">"
	}
	if typ == "conversation" {
		c.source.url = "https://" + ws.domain + "/"
	}
	c.bodyWords = sourceWords(c.source.body)
	ws.derive(c)

	ws.mu.Lock()
	c.idx = ws.nextConv
	ws.nextConv++
	c.id = conversationID(c.idx)
	c.source.id = strconv.FormatInt(sourceIDBase+int64(c.idx), 10)
	ws.convs[c.idx] = c
	if ws.convOrder != nil {
		ws.convOrder.put(c.idx, now)
	}
	ws.mu.Unlock()
	return Change{Kind: "conversation", ID: c.id, Topic: "conversation.user.created", At: time.Unix(now, 0)}, nil
}

// DeleteConversation deletes a live conversation: GET answers 404, lists and search drop it, and
// GET /conversations/deleted lists it with deleted_at now.
func (ws *Workspace) DeleteConversation(id string) (Change, error) {
	idx, _, err := ws.lookupConversation(id)
	if err != nil {
		return Change{}, fmt.Errorf("delete conversation %s: %w", id, err)
	}
	now := ws.nowUnix()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, gone := ws.convGone[idx]; gone {
		return Change{}, fmt.Errorf("delete conversation %s: %w", id, ErrNotFound)
	}
	d := deletion{idx: idx, at: now}
	ws.convGone[idx] = d // the overlay keeps its record: a page being rendered may still hold the index
	if ws.convOrder != nil {
		ws.convOrder.remove(idx)
		ws.deleted = append(ws.deleted, d)
	}
	return Change{Kind: "conversation", ID: id, Topic: "conversation.deleted", At: time.Unix(now, 0)}, nil
}

// --- contacts -------------------------------------------------------------------------------------------------------

// setAttrs applies custom attribute changes, checking names and types against the workspace's definitions.
func (ws *Workspace) setAttrs(attrs []attrValue, set map[string]any) ([]attrValue, error) {
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	slices.Sort(names) // deterministic order of new attributes
	for _, name := range names {
		v := set[name]
		i := slices.IndexFunc(ws.contactAttrs, func(d attrDef) bool { return d.name == name })
		if i < 0 {
			return nil, fmt.Errorf("no contact custom attribute %q: %w", name, ErrInvalid)
		}
		at := slices.IndexFunc(attrs, func(a attrValue) bool { return a.name == name })
		if v == nil {
			if at >= 0 {
				attrs = slices.Delete(attrs, at, at+1)
			}
			continue
		}
		norm, ok := normaliseAttr(ws.contactAttrs[i].typ, v)
		if !ok {
			return nil, fmt.Errorf("custom attribute %q: value %v (%T) has the wrong type: %w", name, v, v, ErrInvalid)
		}
		if at >= 0 {
			attrs[at].value = norm
		} else {
			attrs = append(attrs, attrValue{name, norm})
		}
	}
	return attrs, nil
}

func normaliseAttr(t attrType, v any) (any, bool) {
	switch t {
	case attrString:
		s, ok := v.(string)
		return s, ok
	case attrBool:
		b, ok := v.(bool)
		return b, ok
	case attrInt, attrDate:
		switch n := v.(type) {
		case int:
			return int64(n), true
		case int64:
			return n, true
		case time.Time:
			return n.Unix(), t == attrDate
		}
	case attrFloat:
		switch n := v.(type) {
		case float64:
			return n, true
		case int:
			return float64(n), true
		case int64:
			return float64(n), true
		}
	}
	return nil, false
}

// CreateContact creates a contact stamped now. It is listed and fetchable at once, but contact search misses it
// until ContactSearchDelay has passed on the workspace clock.
func (ws *Workspace) CreateContact(nc NewContact) (Change, error) {
	role := nc.Role
	switch role {
	case "":
		role = "user"
	case "user", "lead":
	default:
		return Change{}, fmt.Errorf("create contact: role %q (want user or lead): %w", role, ErrInvalid)
	}
	if role == "user" && nc.Email == "" && nc.ExternalID == "" {
		return Change{}, fmt.Errorf("create contact: a user needs an email or an external id: %w", ErrInvalid)
	}
	attrs, err := ws.setAttrs(nil, nc.CustomAttributes)
	if err != nil {
		return Change{}, fmt.Errorf("create contact: %w", err)
	}
	now := ws.nowUnix()
	c := &contact{
		role: role, name: nc.Name, email: nc.Email, phone: nc.Phone, externalID: nc.ExternalID, attrs: attrs,
		createdAt: now, updatedAt: now, lastSeenAt: now,
	}
	if role == "user" {
		c.signedUpAt = now
	}
	if ws.searchDelay > 0 {
		c.searchableAt = now + int64((ws.searchDelay+time.Second-1)/time.Second)
	}
	ws.mu.Lock()
	if ws.nextContact >= maxContacts/2 {
		ws.mu.Unlock()
		return Change{}, fmt.Errorf("create contact: workspace full: %w", ErrInvalid)
	}
	c.idx = ws.nextContact
	ws.nextContact++
	c.id = ws.contactID(c.idx, now)
	ws.contacts[c.idx] = c
	if ws.contactOrder != nil {
		ws.contactOrder.put(c.idx, now)
	}
	ws.mu.Unlock()
	return Change{Kind: "contact", ID: c.id, Topic: "contact." + role + ".created", At: time.Unix(now, 0)}, nil
}

// mutateContact replaces contact id with edit's result, retrying if another mutation got there first.
func (ws *Workspace) mutateContact(id string, edit func(c *contact, now int64) error) (*contact, error) {
	for {
		idx, base, _, err := ws.lookupContact(id)
		if err != nil {
			return nil, fmt.Errorf("contact %s: %w", id, err)
		}
		orig := base
		if base == nil {
			base = ws.genContact(idx)
		}
		cp := *base
		cp.attrs = slices.Clone(base.attrs)
		c := &cp
		now := max(ws.nowUnix(), c.updatedAt)
		if err := edit(c, now); err != nil {
			return nil, fmt.Errorf("contact %s: %w", id, err)
		}
		c.updatedAt = now
		ws.mu.Lock()
		_, gone := ws.contactGone[idx]
		if ws.contacts[idx] != orig || gone {
			ws.mu.Unlock()
			continue
		}
		ws.contacts[idx] = c
		if ws.contactOrder != nil {
			ws.contactOrder.put(idx, now)
		}
		ws.mu.Unlock()
		return c, nil
	}
}

// UpdateContact edits a live contact and stamps updated_at.
func (ws *Workspace) UpdateContact(id string, e ContactEdit) (Change, error) {
	topicName := ""
	c, err := ws.mutateContact(id, func(c *contact, now int64) error {
		topicName = "contact." + c.role + ".updated"
		if e.Name != nil {
			c.name = *e.Name
		}
		if e.Email != nil && *e.Email != c.email {
			c.email = *e.Email
			topicName = "contact.email.updated"
		}
		if e.Phone != nil {
			c.phone = *e.Phone
		}
		attrs, err := ws.setAttrs(c.attrs, e.CustomAttributes)
		if err != nil {
			return err
		}
		c.attrs = attrs
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "contact", ID: c.id, Topic: topicName, At: time.Unix(c.updatedAt, 0)}, nil
}

// DeleteContact deletes a live contact: GET answers 404 and lists and search drop it.
func (ws *Workspace) DeleteContact(id string) (Change, error) {
	return ws.retireContact(id, contactFate{deleted: true, mergedInto: -1}, "contact.deleted")
}

// ArchiveContact archives a live contact: until UnarchiveContact, GET answers 404 and lists and search drop it.
func (ws *Workspace) ArchiveContact(id string) (Change, error) {
	return ws.retireContact(id, contactFate{archived: true, mergedInto: -1}, "contact.archived")
}

func (ws *Workspace) retireContact(id string, fate contactFate, topicName string) (Change, error) {
	idx, _, _, err := ws.lookupContact(id)
	if err != nil {
		return Change{}, fmt.Errorf("%s %s: %w", topicName, id, err)
	}
	now := ws.nowUnix()
	fate.at = now
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, gone := ws.contactGone[idx]; gone {
		return Change{}, fmt.Errorf("%s %s: %w", topicName, id, ErrNotFound)
	}
	ws.contactGone[idx] = fate
	if ws.contactOrder != nil {
		ws.contactOrder.remove(idx)
	}
	return Change{Kind: "contact", ID: id, Topic: topicName, At: time.Unix(now, 0)}, nil
}

// UnarchiveContact restores an archived contact (updated_at becomes now).
func (ws *Workspace) UnarchiveContact(id string) (Change, error) {
	idx := ws.contactIndex(id)
	ws.mu.Lock()
	fate, gone := ws.contactGone[idx]
	if idx < 0 || !gone || !fate.archived {
		ws.mu.Unlock()
		return Change{}, fmt.Errorf("unarchive contact %s: not archived: %w", id, ErrInvalid)
	}
	delete(ws.contactGone, idx)
	ws.mu.Unlock()
	c, err := ws.mutateContact(id, func(*contact, int64) error { return nil })
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "contact", ID: c.id, Topic: "contact.unarchived", At: time.Unix(c.updatedAt, 0)}, nil
}

// MergeContact merges a lead into a user, as POST /contacts/merge does: the lead answers 410 with a Link to the user
// from then on and disappears from lists and search; the user's updated_at becomes now.
func (ws *Workspace) MergeContact(fromID, intoID string) (Change, error) {
	from, fc, _, err := ws.lookupContact(fromID)
	if err != nil {
		return Change{}, fmt.Errorf("merge contact %s: %w", fromID, err)
	}
	into, ic, _, err := ws.lookupContact(intoID)
	if err != nil {
		return Change{}, fmt.Errorf("merge into contact %s: %w", intoID, err)
	}
	if fc == nil {
		fc = ws.genContact(from)
	}
	if ic == nil {
		ic = ws.genContact(into)
	}
	if from == into || fc.role != "lead" || ic.role != "user" {
		return Change{}, fmt.Errorf("merge contact %s into %s: only a lead merges into a different user: %w", fromID, intoID, ErrInvalid)
	}
	now := ws.nowUnix()
	ws.mu.Lock()
	if _, gone := ws.contactGone[from]; gone {
		ws.mu.Unlock()
		return Change{}, fmt.Errorf("merge contact %s: %w", fromID, ErrNotFound)
	}
	ws.contactGone[from] = contactFate{mergedInto: into, at: now}
	if ws.contactOrder != nil {
		ws.contactOrder.remove(from)
		ws.mergedFrom[into] = append(ws.mergedFrom[into], merge{from, now})
	}
	ws.mu.Unlock()
	if _, err := ws.mutateContact(intoID, func(*contact, int64) error { return nil }); err != nil {
		return Change{}, err
	}
	return Change{Kind: "contact", ID: intoID, Topic: "contact.merged", At: time.Unix(now, 0)}, nil
}

// Simulate performs n realistic mutations chosen from the workspace's activity stream (replies from contacts and
// teammates, notes, state changes, new conversations, contact edits and creations, the odd deletion) and returns
// what changed. The same seed, clock and sequence of calls give the same changes.
func (ws *Workspace) Simulate(n int) ([]Change, error) {
	var out []Change
	for range n {
		r := ws.activityRand()
		convs := ws.ConversationIDs()
		recent := func() string { // activity clusters on recently updated conversations
			return convs[zipf(r, len(convs))]
		}
		var ch Change
		var err error
		x := r.IntN(100)
		switch {
		case len(convs) == 0 || x < 12:
			ch, err = ws.CreateConversation(NewConversation{})
		case x < 42:
			ch, err = ws.Reply(recent(), Reply{Author: AuthorUser})
		case x < 64:
			ch, err = ws.Reply(recent(), Reply{Author: AuthorAdmin})
		case x < 70:
			ch, err = ws.Reply(recent(), Reply{Note: true})
		case x < 82:
			ch, err = ws.SetState(recent(), pick(r, []string{"closed", "closed", "open", "snoozed"}))
		case x < 90:
			ids := ws.ContactIDs()
			plan := pick(r, plans)
			ch, err = ws.UpdateContact(ids[zipf(r, len(ids))], ContactEdit{CustomAttributes: map[string]any{"plan": plan}})
		case x < 96:
			first, last := pick(r, firstNames), pick(r, lastNames)
			ch, err = ws.CreateContact(NewContact{Name: first + " " + last, Email: ws.genEmail(r, first, last)})
		case x < 98:
			ch, err = ws.DeleteConversation(convs[r.IntN(len(convs))])
		default:
			// Now and then the rest of the workspace changes too: a teammate's name, a new tag, a new company.
			first, last := pick(r, firstNames), pick(r, lastNames)
			switch r.IntN(12) {
			case 0:
				admins := ws.AdminIDs()
				ch, err = ws.RenameAdmin(admins[r.IntN(len(admins))], first+" "+last)
			case 1:
				ch, err = ws.CreateTag(fmt.Sprintf("%s-%d", strings.ToLower(pick(r, plans)), r.IntN(1000)))
			case 2:
				ch, err = ws.CreateCompany(NewCompany{Name: last + " " + pick(r, []string{"Labs", "Systems", "Foods", "Media"}), Plan: pick(r, plans)})
			case 3, 4:
				ch, err = ws.simulateArticle(r)
			case 5, 6, 7:
				ch, err = ws.simulateTicket(r, convs)
			default:
				ch, err = ws.Reply(recent(), Reply{Author: AuthorBot})
			}
		}
		if err != nil {
			return out, fmt.Errorf("simulate: %w", err)
		}
		out = append(out, ch)
	}
	return out, nil
}
