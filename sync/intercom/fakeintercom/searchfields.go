package fakeintercom

import "strings"

// The searchable fields of POST /conversations/search and POST /contacts/search: the 2.16 tables (api-notes §5.5,
// §5.6), with a getter that reads the value from a generated record. A getter returns nil for null.

type fieldKind int

const (
	kindString fieldKind = iota
	kindInt
	kindFloat
	kindBool
	kindDate
)

func (k fieldKind) String() string {
	switch k {
	case kindInt:
		return "integer"
	case kindFloat:
		return "float"
	case kindBool:
		return "boolean"
	case kindDate:
		return "date"
	}
	return "string"
}

type searchField struct {
	kind       fieldKind
	perWord    bool // source.body: matched against every word separately
	tagID      bool // contact tag_id: only = and !=
	orEqualOps bool // ticket created_at: also >= and <=
	conv       func(ws *Workspace, c *conversation) []any
	contact    func(ws *Workspace, c *contact) []any
	ticket     func(ws *Workspace, t *ticket) []any
	// check, when set, refuses a value the field's type accepts but Intercom does not (a ticket category named as
	// in the ticket model instead of by its search term).
	check func(v any) error
}

func one(v any) []any { return []any{v} }

func str(s string) []any {
	if s == "" {
		return nil
	}
	return []any{s}
}

func ts(t int64) []any {
	if t == 0 {
		return nil
	}
	return []any{t}
}

func dur(d int64) []any {
	if d < 0 {
		return nil
	}
	return []any{d}
}

func convField(k fieldKind, get func(c *conversation) []any) searchField {
	return searchField{kind: k, conv: func(_ *Workspace, c *conversation) []any { return get(c) }}
}

func statField(k fieldKind, get func(s *stats) []any) searchField {
	return convField(k, func(c *conversation) []any { return get(&c.stats) })
}

func ratingField(k fieldKind, get func(r *rating) []any) searchField {
	return convField(k, func(c *conversation) []any {
		if c.rating == nil {
			return nil
		}
		return get(c.rating)
	})
}

func aiField(k fieldKind, get func(a *aiAgent) []any) searchField {
	return convField(k, func(c *conversation) []any {
		if c.ai == nil {
			return nil
		}
		return get(c.ai)
	})
}

var conversationFields = map[string]searchField{
	"id":                  convField(kindString, func(c *conversation) []any { return one(c.id) }),
	"created_at":          convField(kindDate, func(c *conversation) []any { return one(c.createdAt) }),
	"updated_at":          convField(kindDate, func(c *conversation) []any { return one(c.updatedAt) }),
	"source.type":         convField(kindString, func(c *conversation) []any { return str(c.source.typ) }),
	"source.id":           convField(kindString, func(c *conversation) []any { return str(c.source.id) }),
	"source.delivered_as": convField(kindString, func(c *conversation) []any { return str(c.source.deliveredAs) }),
	"source.subject":      convField(kindString, func(c *conversation) []any { return str(c.source.subject) }),
	"source.body":         {kind: kindString, perWord: true, conv: func(_ *Workspace, c *conversation) []any { return c.bodyWords }},
	"source.author.id":    convField(kindString, func(c *conversation) []any { return str(c.source.author.id) }),
	"source.author.type":  convField(kindString, func(c *conversation) []any { return str(c.source.author.typ) }),
	"source.author.name":  convField(kindString, func(c *conversation) []any { return str(c.source.author.name) }),
	"source.author.email": convField(kindString, func(c *conversation) []any { return str(c.source.author.email) }),
	"source.url":          convField(kindString, func(c *conversation) []any { return str(c.source.url) }),
	"contact_ids": convField(kindString, func(c *conversation) []any {
		out := make([]any, len(c.contacts))
		for i, r := range c.contacts {
			out[i] = r.id
		}
		return out
	}),
	"teammate_ids": convField(kindString, func(c *conversation) []any {
		ids := teammateIDs(c)
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = id
		}
		return out
	}),
	"admin_assignee_id": convField(kindInt, func(c *conversation) []any { return one(c.adminAssignee) }),
	"team_assignee_id":  convField(kindInt, func(c *conversation) []any { return one(c.teamAssignee) }),
	"channel_initiated": convField(kindString, func(c *conversation) []any { return str(c.channel) }),
	"open":              convField(kindBool, func(c *conversation) []any { return one(c.state != "closed") }),
	"read":              convField(kindBool, func(c *conversation) []any { return one(c.read) }),
	"state":             convField(kindString, func(c *conversation) []any { return one(c.state) }),
	"waiting_since":     convField(kindDate, func(c *conversation) []any { return ts(c.waitingSince) }),
	"snoozed_until":     convField(kindDate, func(c *conversation) []any { return ts(c.snoozedUntil) }),
	"tag_ids": {kind: kindString, conv: func(ws *Workspace, c *conversation) []any {
		out := make([]any, len(c.tags))
		for i, t := range c.tags {
			out[i] = ws.tagAt(t.tag).id
		}
		return out
	}},
	"priority": convField(kindString, func(c *conversation) []any { return one(c.priority) }),

	"statistics.time_to_assignment":             statField(kindInt, func(s *stats) []any { return dur(s.timeToAssignment) }),
	"statistics.time_to_admin_reply":            statField(kindInt, func(s *stats) []any { return dur(s.timeToAdminReply) }),
	"statistics.time_to_first_close":            statField(kindInt, func(s *stats) []any { return dur(s.timeToFirstClose) }),
	"statistics.time_to_last_close":             statField(kindInt, func(s *stats) []any { return dur(s.timeToLastClose) }),
	"statistics.median_time_to_reply":           statField(kindInt, func(s *stats) []any { return dur(s.medianTimeToReply) }),
	"statistics.first_contact_reply_at":         statField(kindDate, func(s *stats) []any { return ts(s.firstContactReplyAt) }),
	"statistics.first_assignment_at":            statField(kindDate, func(s *stats) []any { return ts(s.firstAssignmentAt) }),
	"statistics.first_admin_reply_at":           statField(kindDate, func(s *stats) []any { return ts(s.firstAdminReplyAt) }),
	"statistics.first_close_at":                 statField(kindDate, func(s *stats) []any { return ts(s.firstCloseAt) }),
	"statistics.last_assignment_at":             statField(kindDate, func(s *stats) []any { return ts(s.lastAssignmentAt) }),
	"statistics.last_assignment_admin_reply_at": statField(kindDate, func(s *stats) []any { return ts(s.lastAssignmentAdminReplyAt) }),
	"statistics.last_contact_reply_at":          statField(kindDate, func(s *stats) []any { return ts(s.lastContactReplyAt) }),
	"statistics.last_admin_reply_at":            statField(kindDate, func(s *stats) []any { return ts(s.lastAdminReplyAt) }),
	"statistics.last_close_at":                  statField(kindDate, func(s *stats) []any { return ts(s.lastCloseAt) }),
	"statistics.last_closed_by_id":              statField(kindString, func(s *stats) []any { return str(s.lastClosedByID) }),
	"statistics.count_reopens":                  statField(kindInt, func(s *stats) []any { return one(s.countReopens) }),
	"statistics.count_assignments":              statField(kindInt, func(s *stats) []any { return one(s.countAssignments) }),
	"statistics.count_conversation_parts":       statField(kindInt, func(s *stats) []any { return one(s.countParts) }),

	"conversation_rating.requested_at": ratingField(kindDate, func(r *rating) []any { return ts(r.createdAt) }),
	"conversation_rating.replied_at":   ratingField(kindDate, func(r *rating) []any { return ts(r.updatedAt) }),
	"conversation_rating.score":        ratingField(kindInt, func(r *rating) []any { return one(r.rating) }),
	"conversation_rating.remark":       ratingField(kindString, func(r *rating) []any { return str(r.remark) }),
	"conversation_rating.contact_id":   ratingField(kindString, func(r *rating) []any { return str(r.contact.id) }),
	"conversation_rating.admin_d":      ratingField(kindString, func(r *rating) []any { return str(r.teammate) }), // sic, as in the 2.16 table

	"ai_agent_participated":     convField(kindBool, func(c *conversation) []any { return one(c.ai != nil) }),
	"ai_agent.resolution_state": aiField(kindString, func(a *aiAgent) []any { return str(a.resolutionState) }),
	"ai_agent.last_answer_type": aiField(kindString, func(a *aiAgent) []any { return str(a.lastAnswerType) }),
	"ai_agent.rating": aiField(kindInt, func(a *aiAgent) []any {
		if a.rating == 0 {
			return nil
		}
		return one(a.rating)
	}),
	"ai_agent.rating_remark": aiField(kindString, func(a *aiAgent) []any { return str(a.ratingRemark) }),
	"ai_agent.source_type":   aiField(kindString, func(a *aiAgent) []any { return str(a.sourceType) }),
	"ai_agent.source_title":  aiField(kindString, func(a *aiAgent) []any { return str(a.sourceTitle) }),
}

func contactField(k fieldKind, get func(c *contact) []any) searchField {
	return searchField{kind: k, contact: func(_ *Workspace, c *contact) []any { return get(c) }}
}

func deviceField(k fieldKind, ios bool, get func(d *device) []any) searchField {
	return contactField(k, func(c *contact) []any {
		d := c.android
		if ios {
			d = c.ios
		}
		if d == nil {
			return nil
		}
		return get(d)
	})
}

var contactFields = map[string]searchField{
	"id":                contactField(kindString, func(c *contact) []any { return one(c.id) }),
	"role":              contactField(kindString, func(c *contact) []any { return one(c.role) }),
	"name":              contactField(kindString, func(c *contact) []any { return str(c.name) }),
	"avatar":            contactField(kindString, func(c *contact) []any { return str(c.avatar) }),
	"owner_id":          contactField(kindString, func(c *contact) []any { return str(c.ownerID) }),
	"email":             contactField(kindString, func(c *contact) []any { return str(c.email) }),
	"email_domain":      contactField(kindString, func(c *contact) []any { return str(emailDomain(c.email)) }),
	"phone":             contactField(kindString, func(c *contact) []any { return str(c.phone) }),
	"formatted_phone":   contactField(kindString, func(c *contact) []any { return str(formatPhone(c.phone)) }),
	"external_id":       contactField(kindString, func(c *contact) []any { return str(c.externalID) }),
	"language_override": contactField(kindString, func(c *contact) []any { return str(c.languageOverride) }),
	"browser":           contactField(kindString, func(c *contact) []any { return str(c.browser) }),
	"browser_language":  contactField(kindString, func(c *contact) []any { return str(c.browserLanguage) }),
	"os":                contactField(kindString, func(c *contact) []any { return str(c.os) }),
	"location.country":  contactField(kindString, func(c *contact) []any { return str(c.country) }),
	"location.region":   contactField(kindString, func(c *contact) []any { return str(c.region) }),
	"location.city":     contactField(kindString, func(c *contact) []any { return str(c.city) }),

	"created_at":            contactField(kindDate, func(c *contact) []any { return one(c.createdAt) }),
	"signed_up_at":          contactField(kindDate, func(c *contact) []any { return ts(c.signedUpAt) }),
	"updated_at":            contactField(kindDate, func(c *contact) []any { return one(c.updatedAt) }),
	"last_seen_at":          contactField(kindDate, func(c *contact) []any { return ts(c.lastSeenAt) }),
	"last_contacted_at":     contactField(kindDate, func(c *contact) []any { return ts(c.lastContactedAt) }),
	"last_replied_at":       contactField(kindDate, func(c *contact) []any { return ts(c.lastRepliedAt) }),
	"last_email_opened_at":  contactField(kindDate, func(c *contact) []any { return ts(c.lastEmailOpenedAt) }),
	"last_email_clicked_at": contactField(kindDate, func(c *contact) []any { return ts(c.lastEmailClickedAt) }),

	"unsubscribed_from_emails": contactField(kindBool, func(c *contact) []any { return one(c.unsubscribed) }),
	"marked_email_as_spam":     contactField(kindBool, func(c *contact) []any { return one(c.spam) }),
	"has_hard_bounced":         contactField(kindBool, func(c *contact) []any { return one(c.hardBounced) }),

	"ios_last_seen_at":     deviceField(kindDate, true, func(d *device) []any { return ts(d.lastSeenAt) }),
	"ios_app_version":      deviceField(kindString, true, func(d *device) []any { return str(d.appVersion) }),
	"ios_device":           deviceField(kindString, true, func(d *device) []any { return str(d.device) }),
	"ios_app_device":       deviceField(kindString, true, func(d *device) []any { return str(d.device) }),
	"ios_os_version":       deviceField(kindString, true, func(d *device) []any { return str(d.osVersion) }),
	"ios_app_name":         deviceField(kindString, true, func(d *device) []any { return str(d.appName) }),
	"ios_sdk_version":      deviceField(kindString, true, func(d *device) []any { return str(d.sdkVersion) }),
	"android_last_seen_at": deviceField(kindDate, false, func(d *device) []any { return ts(d.lastSeenAt) }),
	"android_app_version":  deviceField(kindString, false, func(d *device) []any { return str(d.appVersion) }),
	"android_device":       deviceField(kindString, false, func(d *device) []any { return str(d.device) }),
	"android_app_name":     deviceField(kindString, false, func(d *device) []any { return str(d.appName) }),
	"andoid_sdk_version":   deviceField(kindString, false, func(d *device) []any { return str(d.sdkVersion) }), // sic, as in the 2.16 table
	"segment_id": {kind: kindString, contact: func(ws *Workspace, c *contact) []any {
		segs := ws.contactSegments(c)
		out := make([]any, len(segs))
		for i, s := range segs {
			out[i] = ws.segments[s].id
		}
		return out
	}},
	"tag_id": {kind: kindString, tagID: true, contact: func(ws *Workspace, c *contact) []any {
		out := make([]any, len(c.tagIdxs))
		for i, t := range c.tagIdxs {
			out[i] = ws.tagAt(t).id
		}
		return out
	}},
}

// formatPhone is the E.164 form Intercom stores beside the phone as typed.
func formatPhone(p string) string {
	if p == "" {
		return ""
	}
	var b strings.Builder
	for i, r := range p {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lookupField resolves a search field name for kind, including custom_attributes.<name> from the workspace's
// attribute definitions.
func (ws *Workspace) lookupField(target searchTarget, name string) (searchField, bool) {
	contacts := target == searchContacts
	if target == searchTickets {
		return ws.lookupTicketField(name)
	}
	if attr, ok := strings.CutPrefix(name, "custom_attributes."); ok {
		defs := ws.convAttrs
		if contacts {
			defs = ws.contactAttrs
		}
		for _, d := range defs {
			if d.name != attr {
				continue
			}
			kind := map[attrType]fieldKind{attrString: kindString, attrInt: kindInt, attrFloat: kindFloat, attrBool: kindBool, attrDate: kindDate}[d.typ]
			get := func(attrs []attrValue) []any {
				for _, a := range attrs {
					if a.name == attr {
						return one(a.value)
					}
				}
				return nil
			}
			return searchField{
				kind:    kind,
				conv:    func(_ *Workspace, c *conversation) []any { return get(c.attrs) },
				contact: func(_ *Workspace, c *contact) []any { return get(c.attrs) },
			}, true
		}
		return searchField{}, false
	}
	var f searchField
	var ok bool
	if contacts {
		f, ok = contactFields[name]
	} else {
		f, ok = conversationFields[name]
	}
	return f, ok
}
