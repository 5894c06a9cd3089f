package fakeintercom

import (
	"strconv"
	"strings"
)

// maxParts is Intercom's hard limit: GET /conversations/{id} returns only the 500 most recent parts.
const maxParts = 500

// render modes for conversations.
const (
	renderListItem = 0         // list and search items: no conversation_parts
	renderParts    = 1 << iota // include conversation_parts (GET /conversations/{id})
	renderPlain                // bodies as plain text (display_as=plaintext, webhook payloads from 2.15)
	renderQA                   // include monitor_evaluations and scorecards (include_monitors/include_scorecards)
	renderFull     = renderParts
)

// renderConversation appends the conversation's JSON, keys in the order of Intercom's examples followed by the
// fields the 2.16 schema adds.
func (ws *Workspace) renderConversation(b []byte, c *conversation, mode int) []byte {
	w := jsonWriter{b: b}
	plain := mode&renderPlain != 0
	body := func(k, html string) {
		if html == "" {
			w.knull(k)
			return
		}
		if plain {
			w.kstr(k, htmlToText(html))
			return
		}
		w.kstr(k, html)
	}

	w.openObject()
	w.kstr("type", "conversation")
	w.kstr("id", c.id)
	w.kint("created_at", c.createdAt)
	w.kint("updated_at", c.updatedAt)
	w.ktimeOrNull("waiting_since", c.waitingSince)
	w.ktimeOrNull("snoozed_until", c.snoozedUntil)

	s := &c.source
	w.key("source")
	w.openObject()
	w.kstr("type", s.typ)
	w.kstr("id", s.id)
	w.kstr("delivered_as", s.deliveredAs)
	w.kstr("subject", s.subject)
	if plain {
		w.kstr("body", htmlToText(s.body))
	} else {
		w.kstr("body", s.body)
	}
	w.key("author")
	w.openObject()
	w.kstr("type", s.author.typ)
	w.kstrOrNull("id", s.author.id)
	w.kstrOrNull("name", s.author.name)
	w.kstrOrNull("email", s.author.email)
	w.closeObject()
	w.key("attachments")
	renderAttachments(&w, s.attachments)
	w.kstrOrNull("url", s.url)
	w.kbool("redacted", false)
	if s.typ == "email" {
		w.key("recipients")
		w.openArray()
		for _, r := range s.recipients {
			w.openObject()
			w.kstr("type", "to")
			w.kstr("email", r)
			w.knull("drop_reason")
			w.closeObject()
		}
		w.closeArray()
		w.key("reply_to")
		w.openArray()
		if s.author.email != "" {
			w.openObject()
			w.kstr("email", s.author.email)
			w.kstrOrNull("name", s.author.name)
			w.closeObject()
		}
		w.closeArray()
		w.key("email_message_metadata")
		w.openObject()
		w.kstr("message_id", s.messageID)
		w.kstr("subject", s.subject)
		w.key("email_address_headers")
		renderEmailHeaders(&w, s.author, "support@"+ws.domain)
		w.kstr("history", "")
		w.closeObject()
	}
	w.closeObject()

	w.kwrappedList("contacts", "contact.list", func() {
		for _, r := range c.contacts {
			renderContactRef(&w, r)
		}
	})

	w.key("first_contact_reply")
	if c.firstContactReply == 0 {
		w.null()
	} else {
		w.openObject()
		w.kint("created_at", c.firstContactReply)
		w.kstr("type", firstReplyType(s.typ))
		w.kstrOrNull("url", s.url)
		w.closeObject()
	}
	w.kint("admin_assignee_id", c.adminAssignee)
	w.kint("team_assignee_id", c.teamAssignee)
	w.key("company")
	if co := ws.conversationCompany(c); co == nil {
		w.null()
	} else {
		ws.renderCompany(&w, co)
	}
	w.kbool("open", c.state != "closed")
	w.kstr("state", c.state)
	w.kbool("read", c.read)

	w.kwrappedList("tags", "tag.list", func() {
		for _, t := range c.tags {
			w.openObject()
			ws.tagFields(&w, t.tag)
			w.kint("applied_at", t.appliedAt)
			w.key("applied_by")
			w.ref("admin", t.by)
			w.closeObject()
		}
	})

	w.kstr("priority", c.priority)
	w.key("sla_applied")
	if c.sla == nil {
		w.null()
	} else {
		w.openObject()
		w.kstr("type", "conversation_sla_summary")
		w.kstr("sla_name", c.sla.name)
		w.kstr("sla_status", c.sla.status)
		w.closeObject()
	}
	w.key("statistics")
	ws.renderStats(&w, &c.stats)

	w.key("conversation_rating")
	if c.rating == nil {
		w.null()
	} else {
		w.openObject()
		w.kint("rating", c.rating.rating)
		w.kstr("remark", c.rating.remark)
		w.kint("created_at", c.rating.createdAt)
		w.kint("updated_at", c.rating.updatedAt)
		w.key("contact")
		renderContactRef(&w, c.rating.contact)
		w.key("teammate")
		w.ref("admin", c.rating.teammate)
		w.closeObject()
	}

	w.kwrappedList("teammates", "admin.list", func() {
		for _, id := range teammateIDs(c) {
			w.ref("admin", id)
		}
	})

	w.kstrOrNull("title", c.title)
	w.key("custom_attributes")
	renderAttrs(&w, c.attrs)
	w.key("topics")
	w.openObject()
	w.closeObject()
	w.knull("ticket")

	renderLinkedObjects(&w, c.linked)

	w.key("ai_agent")
	if c.ai == nil {
		w.null()
	} else {
		a := c.ai
		w.openObject()
		w.kstrOrNull("source_type", a.sourceType)
		w.kstrOrNull("source_title", a.sourceTitle)
		w.kstrOrNull("last_answer_type", a.lastAnswerType)
		w.kstrOrNull("resolution_state", a.resolutionState)
		if a.rating == 0 {
			w.knull("rating")
		} else {
			w.kint("rating", a.rating)
		}
		w.kstrOrNull("rating_remark", a.ratingRemark)
		w.ktimeOrNull("created_at", a.createdAt)
		w.ktimeOrNull("updated_at", a.updatedAt)
		w.key("content_sources")
		w.openObject()
		w.kstr("type", "content_source.list")
		w.kint("total_count", int64(len(a.sources)))
		w.key("content_sources")
		w.openArray()
		for _, k := range a.sources {
			w.openObject()
			w.kstr("content_type", "article")
			w.kstr("url", "/help/articles/"+strconv.Itoa(4000000+k*7919))
			w.kstr("locale", "en")
			w.closeObject()
		}
		w.closeArray()
		w.closeObject()
		w.closeObject()
	}
	w.kbool("ai_agent_participated", c.ai != nil)
	w.knull("sales_agent")
	w.kbool("sales_agent_participated", false)
	w.key("channel")
	w.openObject()
	w.kstrOrNull("initial", c.channel)
	w.kstrOrNull("current", c.channel)
	w.closeObject()
	w.key("external_references")
	w.openArray()
	w.closeArray()
	if mode&renderQA != 0 {
		w.key("monitor_evaluations")
		w.openArray()
		w.closeArray()
		w.key("scorecards")
		w.openArray()
		w.closeArray()
	}

	if mode&renderParts != 0 {
		parts := c.parts
		if len(parts) > maxParts {
			parts = parts[len(parts)-maxParts:]
		}
		w.key("conversation_parts")
		w.openObject()
		w.kstr("type", "conversation_part.list")
		w.key("conversation_parts")
		w.openArray()
		for i := range parts {
			ws.renderPart(&w, &parts[i], body)
		}
		w.closeArray()
		w.kint("total_count", int64(len(parts)))
		w.closeObject()
	}
	w.closeObject()
	return w.b
}

func firstReplyType(sourceType string) string {
	if sourceType == "email" {
		return "email"
	}
	return "conversation"
}

func teammateIDs(c *conversation) []string {
	var ids []string
	seen := map[string]bool{}
	add := func(a author) {
		if a.typ == "admin" && !seen[a.id] {
			seen[a.id] = true
			ids = append(ids, a.id)
		}
	}
	add(c.source.author)
	for i := range c.parts {
		if c.parts[i].partType == "comment" || c.parts[i].partType == "note" {
			add(c.parts[i].author)
		}
	}
	return ids
}

func (ws *Workspace) renderPart(w *jsonWriter, p *part, body func(k, html string)) {
	w.openObject()
	w.kstr("type", "conversation_part")
	w.kstr("id", p.id)
	w.kstr("part_type", p.partType)
	body("body", p.body)
	w.kint("created_at", p.createdAt)
	w.kint("updated_at", p.updatedAt)
	w.kint("notified_at", p.notified)
	w.krefOrNull("assigned_to", p.assignedTo)
	w.key("author")
	w.openObject()
	w.kstr("type", p.author.typ)
	w.kstr("id", p.author.id)
	w.kstrOrNull("name", p.author.name)
	w.kstrOrNull("email", p.author.email)
	w.kbool("from_ai_agent", p.author.fromAI)
	w.kbool("is_ai_answer", p.author.isAIAnswer)
	w.closeObject()
	w.key("attachments")
	renderAttachments(w, p.attachments)
	w.knull("external_id")
	w.kbool("redacted", false)
	w.key("metadata")
	w.openObject()
	if len(p.quickReplies) > 0 {
		w.key("quick_reply_options")
		w.openArray()
		for i, q := range p.quickReplies {
			w.openObject()
			w.kstr("text", q)
			w.kstr("uuid", uuidFrom(p.quickReplyUUIDSource, uint64(i)))
			w.knull("translations")
			w.closeObject()
		}
		w.closeArray()
	}
	w.closeObject()
	w.key("email_message_metadata")
	if !p.email {
		w.null()
	} else {
		w.openObject()
		w.kstr("subject", p.subject)
		w.key("email_address_headers")
		renderEmailHeaders(w, p.author, "support@"+ws.domain)
		w.kstr("message_id", "<"+p.id+"."+ws.appID+"@"+ws.domain+">")
		w.closeObject()
	}
	w.kstr("state", p.state)
	w.key("tags")
	w.openArray()
	ws.renderTags(w, p.tagIdxs)
	w.closeArray()
	w.key("event_details")
	if p.event == nil {
		w.null()
	} else {
		e := p.event
		w.openObject()
		switch e.kind {
		case "attribute":
			w.key("attribute")
			w.openObject()
			w.kstr("name", e.name)
			w.closeObject()
			w.key("value")
			w.openObject()
			w.kstr("name", e.value)
			w.kstrOrNull("previous", e.previous)
			w.closeObject()
		default:
			w.key("action")
			w.openObject()
			w.kstr("name", e.name)
			if e.kind == "action_finished" {
				w.kstr("result", e.result)
			}
			w.closeObject()
		}
		w.closeObject()
	}
	w.kstrOrNull("app_package_code", p.appPackageCode)
	w.closeObject()
}

// tagFields writes the fields that name tag t (an index into ws.tags) inside an open object.
func (ws *Workspace) tagFields(w *jsonWriter, t int) {
	w.kstr("type", "tag")
	tag := ws.tagAt(t)
	w.kstr("id", tag.id)
	w.kstr("name", tag.name)
}

// renderTags writes the tags as {"type":"tag","id":...,"name":...} elements of an open array.
func (ws *Workspace) renderTags(w *jsonWriter, tagIdxs []int) {
	for _, t := range tagIdxs {
		w.openObject()
		ws.tagFields(w, t)
		w.closeObject()
	}
}

func renderEmailHeaders(w *jsonWriter, from author, inbox string) {
	w.openArray()
	header := func(typ, addr, name string) {
		w.openObject()
		w.kstr("type", typ)
		w.kstr("email_address", addr)
		w.kstrOrNull("name", name)
		w.closeObject()
	}
	if from.typ == "admin" {
		header("from", inbox, from.name)
	} else if from.email != "" {
		header("from", from.email, from.name)
		header("to", inbox, "")
	}
	w.closeArray()
}

func renderAttachments(w *jsonWriter, as []attachment) {
	w.openArray()
	for _, a := range as {
		w.openObject()
		w.kstr("type", "upload")
		w.kstr("name", a.name)
		w.kstr("url", a.url)
		w.kstr("content_type", a.contentType)
		w.kint("filesize", a.filesize)
		if a.width == 0 {
			w.knull("width")
			w.knull("height")
		} else {
			w.kint("width", a.width)
			w.kint("height", a.height)
		}
		w.closeObject()
	}
	w.closeArray()
}

func renderContactRef(w *jsonWriter, r contactRef) {
	w.openObject()
	w.kstr("type", "contact")
	w.kstr("id", r.id)
	w.kstrOrNull("external_id", r.externalID)
	w.closeObject()
}

func renderAttrs(w *jsonWriter, attrs []attrValue) {
	w.openObject()
	for _, a := range attrs {
		w.keyEscaped(a.name)
		w.value(a.value)
	}
	w.closeObject()
}

func (ws *Workspace) renderStats(w *jsonWriter, s *stats) {
	dur := func(k string, v int64) {
		if v < 0 {
			w.knull(k)
			return
		}
		w.kint(k, v)
	}
	w.openObject()
	w.kstr("type", "conversation_statistics")
	dur("time_to_assignment", s.timeToAssignment)
	dur("time_to_admin_reply", s.timeToAdminReply)
	dur("time_to_first_close", s.timeToFirstClose)
	dur("time_to_last_close", s.timeToLastClose)
	dur("median_time_to_reply", s.medianTimeToReply)
	w.ktimeOrNull("first_contact_reply_at", s.firstContactReplyAt)
	w.ktimeOrNull("first_assignment_at", s.firstAssignmentAt)
	w.ktimeOrNull("first_admin_reply_at", s.firstAdminReplyAt)
	w.ktimeOrNull("first_close_at", s.firstCloseAt)
	w.ktimeOrNull("last_assignment_at", s.lastAssignmentAt)
	w.ktimeOrNull("last_assignment_admin_reply_at", s.lastAssignmentAdminReplyAt)
	w.ktimeOrNull("last_contact_reply_at", s.lastContactReplyAt)
	w.ktimeOrNull("last_admin_reply_at", s.lastAdminReplyAt)
	w.ktimeOrNull("last_close_at", s.lastCloseAt)
	w.kstrOrNull("last_closed_by_id", s.lastClosedByID)
	w.kint("count_reopens", s.countReopens)
	w.kint("count_assignments", s.countAssignments)
	w.kint("count_conversation_parts", s.countParts)
	teams := func(k string) {
		w.key(k)
		w.openArray()
		for _, t := range s.teamResponse {
			w.openObject()
			w.kint("team_id", ws.teams[t.teamIdx].id)
			w.kstr("team_name", ws.teams[t.teamIdx].name)
			w.kint("response_time", t.responseTime)
			w.closeObject()
		}
		w.closeArray()
	}
	teams("assigned_team_first_response_time")
	teams("assigned_team_first_response_time_in_office_hours")
	w.kint("handling_time", s.handlingTime)
	dur("adjusted_handling_time", s.adjustedHandlingTime)
	w.closeObject()
}

func (ws *Workspace) renderCompany(w *jsonWriter, co *company) {
	w.openObject()
	w.kstr("type", "company")
	w.kstr("company_id", co.companyID)
	w.kstr("id", co.id)
	w.kstr("app_id", ws.appID)
	w.kstr("name", co.name)
	w.kint("remote_created_at", co.remoteCreatedAt)
	w.kint("created_at", co.createdAt)
	w.kint("updated_at", co.updatedAt)
	w.kint("last_request_at", co.lastRequest)
	w.kint("size", co.size)
	if co.domain == "" {
		w.knull("website")
	} else {
		w.kstr("website", "https://www."+co.domain)
	}
	w.kstrOrNull("industry", co.industry)
	w.kint("monthly_spend", co.monthlySpend)
	w.kint("session_count", co.sessions)
	w.kint("user_count", co.users)
	w.key("custom_attributes")
	w.openObject()
	w.kstr("creation_source", "api")
	// String-valued attributes (the schema declares string values), derived from the company's index.
	h := splitmix(ws.seed ^ 0xc0ca ^ uint64(co.idx))
	w.kstr("account_tier", companyTiers[h%uint64(len(companyTiers))])
	w.kstr("billing_region", companyRegions[(h>>8)%uint64(len(companyRegions))])
	w.closeObject()
	w.kwrappedList("tags", "tag.list", func() { ws.renderTags(w, co.tagIdxs) })
	w.kwrappedList("segments", "segment.list", func() {
		for _, s := range ws.companySegments(co.idx) {
			ws.renderSegment(w, s, -1)
		}
	})
	w.key("plan")
	w.openObject()
	if co.plan != "" {
		w.kstr("type", "plan")
		w.kstr("id", co.planID)
		w.kstr("name", co.plan)
	}
	w.closeObject()
	w.closeObject()
}

// companyTiers and companyRegions are the values of the companies' custom attributes.
var (
	companyTiers   = []string{"bronze", "silver", "gold", "platinum"}
	companyRegions = []string{"EMEA", "NA", "APAC", "LATAM"}
)

// renderContact appends the contact's JSON: the union of the 2.16 schema and the fields the spec's own examples show.
// A non-nil history adds merge_history (include_merge_history=true; users only).
func (ws *Workspace) renderContact(b []byte, c *contact, history []merge) []byte {
	w := jsonWriter{b: b}
	w.openObject()
	w.kstr("type", "contact")
	w.kstr("id", c.id)
	w.kstr("workspace_id", ws.appID)
	w.kstrOrNull("external_id", c.externalID)
	w.kstr("role", c.role)
	w.kstrOrNull("email", c.email)
	w.kstrOrNull("email_domain", emailDomain(c.email))
	w.kstrOrNull("phone", c.phone)
	w.kstrOrNull("name", c.name)
	w.key("avatar")
	if c.avatar == "" {
		w.null()
	} else {
		w.openObject()
		w.kstr("type", "avatar")
		w.kstr("image_url", c.avatar)
		w.closeObject()
	}
	w.kstrOrNull("owner_id", c.ownerID)
	w.key("social_profiles")
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, s := range c.social {
		w.openObject()
		w.kstr("type", "social_profile")
		w.kstr("name", s.name)
		w.kstr("url", s.url)
		w.closeObject()
	}
	w.closeArray()
	w.closeObject()
	w.kbool("has_hard_bounced", c.hardBounced)
	w.kbool("marked_email_as_spam", c.spam)
	w.kbool("unsubscribed_from_emails", c.unsubscribed)
	w.kint("created_at", c.createdAt)
	w.kint("updated_at", c.updatedAt)
	w.ktimeOrNull("signed_up_at", c.signedUpAt)
	w.ktimeOrNull("last_seen_at", c.lastSeenAt)
	w.ktimeOrNull("last_replied_at", c.lastRepliedAt)
	w.ktimeOrNull("last_contacted_at", c.lastContactedAt)
	w.ktimeOrNull("last_email_opened_at", c.lastEmailOpenedAt)
	w.ktimeOrNull("last_email_clicked_at", c.lastEmailClickedAt)
	w.kstrOrNull("language_override", c.languageOverride)
	w.kstrOrNull("browser", c.browser)
	w.kstrOrNull("browser_version", c.browserVersion)
	w.kstrOrNull("browser_language", c.browserLanguage)
	w.kstrOrNull("os", c.os)
	w.key("location")
	w.openObject()
	w.kstr("type", "location")
	w.kstrOrNull("country", c.country)
	w.kstrOrNull("region", c.region)
	w.kstrOrNull("city", c.city)
	w.kstrOrNull("country_code", c.countryCode)
	w.kstrOrNull("continent_code", c.continent)
	w.closeObject()
	dev := func(prefix string, d *device) {
		if d == nil {
			d = &device{}
		}
		w.kstrOrNull(prefix+"_app_name", d.appName)
		w.kstrOrNull(prefix+"_app_version", d.appVersion)
		w.kstrOrNull(prefix+"_device", d.device)
		w.kstrOrNull(prefix+"_os_version", d.osVersion)
		w.kstrOrNull(prefix+"_sdk_version", d.sdkVersion)
		w.ktimeOrNull(prefix+"_last_seen_at", d.lastSeenAt)
	}
	dev("android", c.android)
	dev("ios", c.ios)
	w.key("custom_attributes")
	renderAttrs(&w, c.attrs)
	// list writes a contact's list of related objects: up to 10 references, and the URL and count of them all.
	list := func(k, typ string, ids []string, urlPrefix, url string) {
		w.key(k)
		w.openObject()
		w.kstr("type", "list")
		w.key("data")
		w.openArray()
		for i, id := range ids {
			if i == 10 { // "Up to 10 will be displayed here. Use the url to get more."
				break
			}
			w.openObject()
			if typ == "company" {
				w.kstr("id", id)
				w.kstr("type", typ)
			} else {
				w.kstr("type", typ)
				w.kstr("id", id)
			}
			w.kstr("url", urlPrefix+id)
			w.closeObject()
		}
		w.closeArray()
		w.kstr("url", url)
		w.kint("total_count", int64(len(ids)))
		w.kbool("has_more", len(ids) > 10)
		w.closeObject()
	}
	tagIDs := make([]string, len(c.tagIdxs))
	for i, t := range c.tagIdxs {
		tagIDs[i] = ws.tagAt(t).id
	}
	list("tags", "tag", tagIDs, "/tags/", "/contacts/"+c.id+"/tags")
	list("notes", "note", c.noteIDs, "/notes/", "/contacts/"+c.id+"/notes")
	live := ws.liveCompanyIdxs(c.companyIdxs)
	companyIDs := make([]string, len(live))
	for i, k := range live {
		companyIDs[i] = ws.companyAt(k).id
	}
	list("companies", "company", companyIDs, "/companies/", "/contacts/"+c.id+"/companies")
	for _, k := range []string{"opted_out_subscription_types", "opted_in_subscription_types"} {
		list(k, "", nil, "", "/contacts/"+c.id+"/subscriptions")
	}
	w.kstrOrNull("utm_campaign", c.utmCampaign)
	w.kstrOrNull("utm_content", c.utmContent)
	w.kstrOrNull("utm_medium", c.utmMedium)
	w.kstrOrNull("utm_source", c.utmSource)
	w.kstrOrNull("utm_term", c.utmTerm)
	w.kstrOrNull("referrer", c.referrer)
	w.key("enabled_push_messaging")
	switch c.pushEnabled {
	case 0:
		w.null()
	default:
		w.bool(c.pushEnabled == 2)
	}
	if history != nil && c.role == "user" {
		w.key("merge_history")
		w.openArray()
		for _, m := range history {
			w.openObject()
			w.kstr("type", "merge_history")
			w.kstr("source_contact_id", ws.contactAt(m.from).id)
			w.kstr("source_contact_role", "lead")
			w.kint("merged_at", m.at)
			w.closeObject()
		}
		w.closeArray()
	}
	w.closeObject()
	return w.b
}

func emailDomain(email string) string {
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		return email[at+1:]
	}
	return ""
}

// renderMeOf appends GET /me for a token of admin a.
func (ws *Workspace) renderMeOf(b []byte, a *admin) []byte {
	w := jsonWriter{b: b}
	w.openObject()
	w.kstr("type", "admin")
	w.kstr("id", a.id)
	w.kstr("email", a.email)
	w.kstr("name", a.name)
	w.kbool("email_verified", true)
	w.key("app")
	w.openObject()
	w.kstr("type", "app")
	w.kstr("id_code", ws.appID)
	w.kstr("name", ws.appName)
	w.kint("created_at", ws.appCreatedAt)
	w.kbool("secure", false)
	w.kbool("identity_verification", false)
	w.kstr("timezone", ws.loc.String())
	w.kstr("region", ws.region)
	w.closeObject()
	w.key("avatar")
	w.openObject()
	w.kstr("type", "avatar")
	w.kstr("image_url", "https://static.intercomassets.com/assets/default-avatars/admins/128.png")
	w.closeObject()
	w.kbool("has_inbox_seat", true)
	adminStatus(&w, a)
	w.closeObject()
	return w.b
}

// adminStatus writes a teammate's job title, away mode and teams, as /me and /admins show them.
func adminStatus(w *jsonWriter, a *admin) {
	w.kstr("job_title", a.jobTitle)
	w.kbool("away_mode_enabled", a.away)
	w.kbool("away_mode_reassign", false)
	w.key("team_ids")
	w.openArray()
	for _, t := range a.teamIDs {
		w.int(t)
	}
	w.closeArray()
}

// uuidFrom formats a deterministic version-4 UUID from two numbers.
func uuidFrom(a, b uint64) string {
	x := splitmix(a ^ splitmix(b))
	y := splitmix(x ^ b)
	var raw [16]byte
	for i := range 8 {
		raw[i] = byte(x >> (8 * i))
		raw[8+i] = byte(y >> (8 * i))
	}
	raw[6] = raw[6]&0x0f | 0x40
	raw[8] = raw[8]&0x3f | 0x80
	var u [36]byte
	j := 0
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			u[j] = '-'
			j++
		}
		u[j] = hexDigits[c>>4]
		u[j+1] = hexDigits[c&0xf]
		j += 2
	}
	return string(u[:])
}

// splitmix is the SplitMix64 finaliser: a cheap, well-mixed hash of a 64-bit number.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
