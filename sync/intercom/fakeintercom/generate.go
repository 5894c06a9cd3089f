package fakeintercom

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Every record is generated from its own random streams, keyed by the workspace seed and the record's index, so any
// record can be produced on its own, in any order, and always comes out the same. A record's header (timestamps and
// lifecycle flags) has a stream of its own: listing and sorting a million records reads only headers.
const (
	streamConvHeader = iota + 1
	streamConvBody
	streamContactHeader
	streamContactRole
	streamContactBody
	streamWorkspace
	streamActivity
	streamFaults
	streamContactCompanies
	streamArticleHeader
	streamArticleBody
	streamTicketHeader
	streamTicketBody
)

const (
	day        = 24 * 60 * 60
	historyLen = 3 * 365 * day // generated records span three years before the epoch

	convIDBase      = 215_470_000_000_000 // conversation ids are numbers past 2^32, as Intercom's are
	sourceIDBase    = 403_918_000_000
	partIDBase      = 1_000_000_000
	mutatedPartBase = 9_000_000_000_000
	botAdminID      = "991267599"
	maxContacts     = 1 << 24 // contact ids carry a 24-bit counter
)

func (ws *Workspace) rng(stream, idx int) *rand.Rand {
	return rand.New(rand.NewPCG(ws.seed^uint64(stream)*0x9e3779b97f4a7c15, uint64(idx)))
}

// createdAtFor spreads n records over the three years before the epoch in index order (ids grow with time, as
// Intercom's do), denser towards the epoch as a growing business's volume is.
func createdAtFor(r *rand.Rand, idx, n int) int64 {
	if n <= 0 {
		n = 1
	}
	t := (float64(idx) + r.Float64()) / float64(n)
	return EpochUnix - historyLen + int64(float64(historyLen-2*day)*math.Sqrt(t))
}

// convHeader is what listing, ordering and deletion need of a generated conversation.
type convHeader struct {
	createdAt, updatedAt int64
	deleted              bool
	deletedAt            int64
	metricsRetained      bool
}

func (ws *Workspace) genConvHeader(idx int) convHeader {
	r := ws.rng(streamConvHeader, idx)
	h := convHeader{createdAt: createdAtFor(r, idx, ws.nConv)}
	var span int64
	switch x := r.IntN(10); {
	case x < 4:
		span = 60 + r.Int64N(6*3600)
	case x < 8:
		span = 6*3600 + r.Int64N(5*day)
	default:
		span = 5*day + r.Int64N(55*day)
	}
	h.updatedAt = h.createdAt + span
	if room := EpochUnix - 60 - h.createdAt; span > room {
		// Near the epoch the thread is cut short rather than piled up on one instant.
		h.updatedAt = h.createdAt + int64(float64(max(0, room))*r.Float64())
	}
	// One conversation in 50 was deleted before the epoch (by position, so every workspace of 50 or more has one).
	if deletedDraw := r.IntN(2); idx%50 == int(ws.seed%50) {
		h.deleted = true
		h.metricsRetained = deletedDraw == 0
		h.deletedAt = h.updatedAt + 1 + r.Int64N(max(1, EpochUnix-h.updatedAt-1))
	}
	return h
}

// contactHeader is what listing and ordering need of a generated contact.
type contactHeader struct {
	createdAt, updatedAt int64
	role                 string
	mergedInto           int // -1 when not merged
	mergedAt             int64
}

func (ws *Workspace) contactRole(idx int) string {
	if ws.rng(streamContactRole, idx).IntN(10) < 7 {
		return "user"
	}
	return "lead"
}

func (ws *Workspace) genContactHeader(idx int) contactHeader {
	r := ws.rng(streamContactHeader, idx)
	h := contactHeader{createdAt: createdAtFor(r, idx, ws.nContacts), role: ws.contactRole(idx), mergedInto: -1}
	h.updatedAt = h.createdAt + int64(float64(max(0, EpochUnix-60-h.createdAt))*r.Float64())
	if h.role == "lead" && r.IntN(40) == 0 {
		for range 3 {
			j := r.IntN(ws.nContacts)
			if ws.contactRole(j) == "user" {
				h.mergedInto = j
				h.mergedAt = h.updatedAt
				break
			}
		}
	}
	return h
}

// contactID renders a 24-hex id like Intercom's (a MongoDB ObjectId): creation time, a per-workspace constant and a
// counter that is the contact's index, so an id leads back to its record without a lookup table.
func (ws *Workspace) contactID(idx int, createdAt int64) string {
	var b [24]byte
	putHex(b[0:8], uint64(uint32(createdAt)))
	putHex(b[8:18], ws.idMachine)
	putHex(b[18:24], uint64((uint32(idx)+ws.idCounterBase)&(maxContacts-1)))
	return string(b[:])
}

func putHex(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = hexDigits[v&0xF]
		v >>= 4
	}
}

// contactIndex returns the index an id encodes, or -1 when it is not a well-formed contact id of this workspace.
func (ws *Workspace) contactIndex(id string) int {
	if len(id) != 24 {
		return -1
	}
	v, err := strconv.ParseUint(id[18:], 16, 32)
	if err != nil {
		return -1
	}
	return int((uint32(v) - ws.idCounterBase) & (maxContacts - 1))
}

func conversationID(idx int) string { return strconv.FormatInt(convIDBase+int64(idx), 10) }

func conversationIndex(id string) int {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < convIDBase || n-convIDBase > math.MaxInt32 {
		return -1
	}
	return int(n - convIDBase)
}

// identity is the part of a contact that conversations show (source and part authors, text).
type identity struct {
	first, last, name, email, role, externalID, id string
}

// genIdentity draws a contact's name and email: the first draws of its body stream, so conversations can show their
// contact without generating the whole contact.
func (ws *Workspace) genIdentity(r *rand.Rand, idx int, h contactHeader) identity {
	id := identity{role: h.role, id: ws.contactID(idx, h.createdAt)}
	id.first = pick(r, firstNames)
	id.last = pick(r, lastNames)
	named := h.role == "user" || r.IntN(10) < 6
	if named {
		id.name = id.first + " " + id.last
	}
	if h.role == "user" || r.IntN(100) < 85 {
		id.email = ws.genEmail(r, id.first, id.last)
	}
	if h.role == "user" && r.IntN(10) < 7 {
		if r.IntN(2) == 0 {
			id.externalID = strconv.Itoa(100000 + idx*3)
		} else {
			id.externalID = "cus_" + strconv.FormatUint(r.Uint64()&0xffffffffffff, 36)
		}
	}
	return id
}

func (ws *Workspace) genEmail(r *rand.Rand, first, last string) string {
	f, l := asciiFold(first), asciiFold(last)
	var local string
	switch r.IntN(6) {
	case 0:
		local = f + "." + l
	case 1:
		local = f + l
	case 2:
		local = f[:1] + "." + l
	case 3:
		local = f + "_" + l + strconv.Itoa(r.IntN(100))
	case 4:
		local = f + "+support"
	default:
		local = f + strconv.Itoa(1970+r.IntN(40))
	}
	var domain string
	if r.IntN(100) < 45 || len(ws.companies) == 0 {
		domain = freeMailDomains[zipf(r, len(freeMailDomains))]
	} else {
		domain = ws.companies[zipf(r, len(ws.companies))].domain
	}
	return local + "@" + domain
}

// zipf returns an index in [0,n) where small indices are much more likely, so a few company domains dominate.
func zipf(r *rand.Rand, n int) int {
	return min(n-1, int(float64(n)*math.Pow(r.Float64(), 2.5)))
}

var foldReplacer = strings.NewReplacer("é", "e", "è", "e", "ü", "u", "ö", "o", "ä", "a", "á", "a", "í", "i", "ó", "o", "ú", "u", "ñ", "n", "ç", "c", "ø", "o", "å", "a", "ß", "ss", "'", "")

func asciiFold(s string) string { return strings.ToLower(foldReplacer.Replace(s)) }

// identityOf returns the identity of contact idx as it is now (an edited contact shows its new name and email). Only
// content written now (a new conversation, a new part) may use it; generated content uses generatedIdentity.
func (ws *Workspace) identityOf(idx int) identity {
	if c := ws.overlayContact(idx); c != nil {
		first, last, _ := strings.Cut(c.name, " ")
		return identity{first: first, last: last, name: c.name, email: c.email, role: c.role, externalID: c.externalID, id: c.id}
	}
	return ws.generatedIdentity(idx)
}

// generatedIdentity returns the identity of generated contact idx as it was generated, whatever mutations have done
// to the contact since. Generated conversations are written with it, so their content is fixed at generation: Intercom
// never rewrites a conversation's past when a contact is renamed, and a syncer could not see it if it did (updated_at
// does not move).
func (ws *Workspace) generatedIdentity(idx int) identity {
	if idx >= ws.nContacts {
		return identity{}
	}
	h := ws.genContactHeader(idx)
	return ws.genIdentity(ws.rng(streamContactBody, idx), idx, h)
}

// genContact returns contact idx as it was at the epoch, generated or cached.
func (ws *Workspace) genContact(idx int) *contact {
	return ws.contactCache.get(idx, ws.generateContact)
}

func (ws *Workspace) generateContact(idx int) *contact {
	h := ws.genContactHeader(idx)
	r := ws.rng(streamContactBody, idx)
	id := ws.genIdentity(r, idx, h)
	c := &contact{
		idx: idx, id: id.id, externalID: id.externalID, role: h.role,
		email: id.email, name: id.name,
		createdAt: h.createdAt, updatedAt: h.updatedAt,
	}
	if r.IntN(2) == 0 {
		c.phone = phoneNumber(r)
	}
	if r.IntN(10) < 3 {
		c.ownerID = ws.admins[r.IntN(len(ws.admins))].id
	}
	if r.IntN(10) < 3 {
		c.avatar = "https://static.intercomassets.com/avatars/" + strconv.Itoa(1000000+idx) + "/square_128/avatar.png"
	}
	c.hardBounced = r.IntN(50) == 0
	c.spam = r.IntN(100) == 0
	c.unsubscribed = r.IntN(12) == 0
	lifetime := max(1, EpochUnix-c.createdAt)
	at := func(p int) int64 { // a time between creation and the epoch, present with probability p%
		if r.IntN(100) >= p {
			return 0
		}
		return c.createdAt + r.Int64N(lifetime)
	}
	if c.role == "user" {
		c.signedUpAt = c.createdAt
	}
	c.lastSeenAt = at(85)
	c.lastRepliedAt = at(50)
	c.lastContactedAt = at(60)
	c.lastEmailOpenedAt = at(35)
	c.lastEmailClickedAt = at(15)
	if r.IntN(10) == 0 {
		c.languageOverride = pick(r, languages[4:])
	}
	c.browser = pick(r, browsers)
	c.browserVersion = strconv.Itoa(100+r.IntN(30)) + ".0." + strconv.Itoa(r.IntN(6000))
	c.browserLanguage = pick(r, languages)
	c.os = pick(r, []string{"Windows 10", "Windows 11", "OS X 10.15.7", "macOS 14", "Linux", "iOS 17.4", "Android 14"})
	loc := pick(r, cities)
	c.city, c.region, c.country, c.countryCode, c.continent = loc.city, loc.region, loc.country, loc.countryCode, loc.continent
	switch r.IntN(20) {
	case 0, 1, 2:
		c.ios = &device{appName: ws.appName, appVersion: "5." + strconv.Itoa(r.IntN(12)) + ".0", device: pick(r, []string{"iPhone15,2", "iPhone14,5", "iPad13,1"}), osVersion: "17." + strconv.Itoa(r.IntN(6)), sdkVersion: "17.1.2", lastSeenAt: c.createdAt + r.Int64N(lifetime)}
	case 3, 4:
		c.android = &device{appName: ws.appName, appVersion: "5." + strconv.Itoa(r.IntN(12)) + ".1", device: pick(r, []string{"Pixel 8", "SM-S918B", "OnePlus 11"}), osVersion: strconv.Itoa(12 + r.IntN(3)), sdkVersion: "15.6.0", lastSeenAt: c.createdAt + r.Int64N(lifetime)}
	}
	// Custom attributes: not every contact has every attribute, as in a real workspace.
	if c.role == "user" {
		plan := pick(r, plans)
		c.attrs = append(c.attrs, attrValue{"plan", plan})
		if plan != "Starter" {
			c.attrs = append(c.attrs, attrValue{"MRR", float64(r.IntN(200000)) / 100})
		}
		c.attrs = append(c.attrs, attrValue{"seats", int64(1 + r.IntN(120))})
		if r.IntN(3) == 0 {
			c.attrs = append(c.attrs, attrValue{"trial_ends_at", c.createdAt + 14*day})
		}
		if r.IntN(4) == 0 {
			c.attrs = append(c.attrs, attrValue{"Account manager", ws.admins[r.IntN(len(ws.admins))].name})
		}
	}
	c.attrs = append(c.attrs, attrValue{"beta_tester", r.IntN(5) == 0})
	if r.IntN(2) == 0 {
		c.attrs = append(c.attrs, attrValue{"Signup source", pick(r, []string{"Google Ads", "Organic", "Referral", "Product Hunt", "Partner", "Webinar"})})
	}
	for range r.IntN(4) {
		t := r.IntN(len(ws.tags))
		if !slices.Contains(c.tagIdxs, t) {
			c.tagIdxs = append(c.tagIdxs, t)
		}
	}
	if r.IntN(8) == 0 {
		for k := range 1 + r.IntN(2) {
			c.noteIDs = append(c.noteIDs, strconv.Itoa(idx*10+k+1))
		}
	}
	c.companyIdxs = ws.companiesFor(idx, c.email)
	if r.IntN(6) == 0 {
		handle := asciiFold(id.first) + strconv.Itoa(r.IntN(1000))
		c.social = append(c.social, socialProfile{"Twitter", "https://twitter.com/" + handle})
		if r.IntN(2) == 0 {
			c.social = append(c.social, socialProfile{"LinkedIn", "https://www.linkedin.com/in/" + handle})
		}
	}
	if r.IntN(5) == 0 {
		c.utmSource = pick(r, utmSources)
		c.utmMedium = pick(r, []string{"cpc", "email", "social", "referral"})
		c.utmCampaign = pick(r, []string{"spring_sale", "launch", "retargeting", "webinar_q3"})
		if r.IntN(2) == 0 {
			c.utmContent = "banner_" + strconv.Itoa(1+r.IntN(5))
			c.utmTerm = pick(r, []string{"help desk", "customer support software", "live chat"})
		}
	}
	if r.IntN(3) == 0 {
		c.referrer = "https://" + pick(r, []string{"www.google.com/", "news.ycombinator.com/", "www.producthunt.com/posts/app", ws.domain + "/pricing", "www.bing.com/search?q=" + ws.appName})
	}
	if c.ios != nil || c.android != nil {
		c.pushEnabled = 1 + r.IntN(2)
	}
	return c
}

func phoneNumber(r *rand.Rand) string {
	d := func(n int) string { return pad(r.IntN(int(math.Pow10(n))), n) }
	switch r.IntN(5) {
	case 0:
		return "+1 415-555-" + d(4)
	case 1:
		return "+44 7700 900" + d(3)
	case 2:
		return "+49 151 " + d(8)
	case 3:
		return "+91 98" + d(3) + " " + d(5)
	default:
		return "+61 4" + d(2) + " " + d(3) + " " + d(3)
	}
}

// sourceTypes are the conversation sources, weighted as a support workspace sees them.
var sourceTypes = []struct {
	typ     string
	weight  int
	channel string
}{
	{"conversation", 45, "messenger"}, {"email", 28, "email"}, {"whatsapp", 5, ""}, {"sms", 4, ""},
	{"facebook", 4, ""}, {"instagram", 4, ""}, {"twitter", 3, "twitter"}, {"phone_call", 4, ""},
	{"push", 2, "messenger"}, {"phone_switch", 1, ""},
}

func pickSourceType(r *rand.Rand) (string, string) {
	x := r.IntN(100)
	for _, s := range sourceTypes {
		if x < s.weight {
			return s.typ, s.channel
		}
		x -= s.weight
	}
	return "conversation", "messenger"
}

// genConversation returns conversation idx as it was at the epoch, generated or cached. It depends on the seed
// alone: its contacts appear as they were generated, not as mutations have edited them since.
func (ws *Workspace) genConversation(idx int) *conversation {
	return ws.convCache.get(idx, ws.generateConversation)
}

func (ws *Workspace) generateConversation(idx int) *conversation {
	h := ws.genConvHeader(idx)
	r := ws.rng(streamConvBody, idx)
	c := &conversation{idx: idx, id: conversationID(idx), createdAt: h.createdAt, updatedAt: h.updatedAt, companyIdx: -1}

	// The customer: contacts with many conversations are common, so draw with a skew.
	var cust identity
	custIdx := -1
	if ws.nContacts > 0 {
		custIdx = zipf(r, ws.nContacts)
		if ch := ws.genContactHeader(custIdx); ch.mergedInto >= 0 {
			custIdx = ch.mergedInto
		}
		cust = ws.generatedIdentity(custIdx)
	} else {
		r.IntN(2) // keep the stream aligned with the contact-bearing case
	}
	c.contacts = []contactRef{{id: cust.id, externalID: cust.externalID}}
	if ws.nContacts > 1 && r.IntN(40) == 0 {
		j := r.IntN(ws.nContacts)
		if j != custIdx && ws.genContactHeader(j).mergedInto < 0 {
			other := ws.generatedIdentity(j)
			c.contacts = append(c.contacts, contactRef{id: other.id, externalID: other.externalID})
		}
	}
	custAuthor := author{typ: cust.role, id: cust.id, name: cust.name, email: cust.email}
	if custAuthor.typ == "" {
		custAuthor.typ = "user"
	}

	t := &topics[r.IntN(len(topics))]
	owner := &ws.admins[r.IntN(len(ws.admins))]
	var companyName string
	if custIdx >= 0 && r.IntN(5) < 2 {
		if cc := ws.companiesFor(custIdx, cust.email); len(cc) > 0 {
			c.companyIdx = cc[0]
			companyName = ws.companies[cc[0]].name
		}
	}
	custFirst := cust.first
	if cust.name == "" {
		custFirst = "there"
	}
	v := newTextVars(r, custFirst, cust.last, companyName, cust.email, owner.name, ws.domain, ws.appName)

	// The opening message.
	typ, channel := pickSourceType(r)
	c.channel = channel
	email := typ == "email"
	src := &c.source
	src.typ = typ
	src.id = strconv.FormatInt(sourceIDBase+int64(idx), 10)
	switch x := r.IntN(100); {
	case x < 80 || typ == "phone_call" || typ == "phone_switch":
		src.deliveredAs = "customer_initiated"
		src.author = custAuthor
		src.body = v.message(r, t, msgOpener, email)
	case x < 92:
		// A teammate writes first: news or a question for the contact, not an answer to a message there isn't.
		src.deliveredAs = "admin_initiated"
		src.author = author{typ: "admin", id: owner.id, name: owner.name, email: owner.email}
		src.body = v.message(r, t, msgOutreach, email)
	case x < 97:
		src.deliveredAs = "automated"
		src.author = author{typ: "admin", id: owner.id, name: owner.name, email: owner.email}
		src.body = v.message(r, t, msgAutomated, email)
	default:
		src.deliveredAs = "operator_initiated"
		src.author = ws.botAuthor(true)
		src.body = v.message(r, t, msgBot, false)
	}
	if email {
		src.subject = v.subject(r, t)
		src.recipients = []string{"support@" + ws.domain}
		src.messageID = "<" + strconv.FormatUint(r.Uint64(), 36) + "@mail." + v.domain + ">"
	}
	if typ == "conversation" || typ == "push" {
		src.url = "https://" + ws.domain + pick(r, []string{"/", "/pricing", "/account/billing", "/orders", "/login", "/help"})
	}
	if src.deliveredAs == "customer_initiated" && r.IntN(15) == 0 {
		src.attachments = append(src.attachments, genAttachment(r, idx, 0))
	}
	if r.IntN(100) < 15 {
		c.title = v.title(r, t)
	}

	ws.genParts(r, c, t, &v, owner, custAuthor, email)

	// Tags on the conversation.
	if r.IntN(10) < 7 {
		if k := slices.Index(tagNames, t.name); k >= 0 && k < len(ws.tags) {
			c.tags = append(c.tags, appliedTag{tag: k, appliedAt: c.createdAt + r.Int64N(max(1, c.updatedAt-c.createdAt+1)), by: owner.id})
		}
	}
	for range r.IntN(3) {
		k := r.IntN(len(ws.tags))
		if !slices.ContainsFunc(c.tags, func(a appliedTag) bool { return a.tag == k }) {
			c.tags = append(c.tags, appliedTag{tag: k, appliedAt: c.createdAt + r.Int64N(max(1, c.updatedAt-c.createdAt+1)), by: ws.admins[r.IntN(len(ws.admins))].id})
		}
	}

	// Custom attributes (names with spaces, string/number/bool values).
	if r.IntN(10) < 8 {
		c.attrs = append(c.attrs, attrValue{"Ticket category", t.category})
	}
	switch t.name {
	case "refund":
		c.attrs = append(c.attrs, attrValue{"Order ID", v.order})
		c.attrs = append(c.attrs, attrValue{"Refund amount", float64(500+r.IntN(50000)) / 100})
	case "shipping", "billing":
		c.attrs = append(c.attrs, attrValue{"Order ID", v.order})
	}
	if r.IntN(6) == 0 {
		c.attrs = append(c.attrs, attrValue{"Escalated", r.IntN(3) == 0})
	}
	if r.IntN(4) == 0 {
		c.attrs = append(c.attrs, attrValue{"Priority score", int64(1 + r.IntN(5))})
	}
	if r.IntN(10) < 3 {
		c.attrs = append(c.attrs, attrValue{"AI Title", v.title(r, t)})
	}
	if r.IntN(5) == 0 {
		c.attrs = append(c.attrs, attrValue{"Language", pick(r, languages)})
	}

	// Rating, SLA, priority, links.
	if c.state == "closed" && r.IntN(10) < 3 {
		score := int64(pick(r, []int{1, 2, 3, 4, 4, 5, 5, 5, 5}))
		at := c.stats.lastCloseAt // closed: there is a close part
		var tb strings.Builder
		v.fill(r, &tb, pick(r, remarks), true)
		// Requested when the conversation was last closed, answered within the hour, and never after the
		// conversation's own updated_at (which every change to it moves).
		c.rating = &rating{rating: score, remark: unescapeHTML(tb.String()), createdAt: at, updatedAt: min(at+r.Int64N(3600), c.updatedAt), contact: c.contacts[0], teammate: ratedTeammate(c)}
	}
	if r.IntN(5) == 0 {
		c.sla = &sla{name: pick(r, slaNames), status: pick(r, []string{"hit", "hit", "missed", "active", "cancelled"})}
	}
	c.priority = pick(r, []string{"none", "none", "none", "none", "none", "none", "low", "medium", "high", "urgent"})
	if k := ws.linkedTicket(idx); k >= 0 {
		c.linked = []linkedObject{{typ: "ticket", id: ticketID(k), category: ticketTypeDefs[ws.ticketTypeOf(k)].category}}
	}
	// The header's updated_at is authoritative (lists are sorted by it); the body never moves past it.
	c.updatedAt = h.updatedAt
	c.bodyWords = sourceWords(c.source.body)
	return c
}

// ratedTeammate is the teammate a rating is about: the assigned admin, else the one who closed the conversation.
func ratedTeammate(c *conversation) string {
	if c.adminAssignee != 0 {
		return strconv.FormatInt(c.adminAssignee, 10)
	}
	return c.stats.lastClosedByID
}

func (ws *Workspace) botAuthor(aiAnswer bool) author {
	return author{typ: "bot", id: botAdminID, name: "Fin", email: "operator+" + ws.appID + "@intercom.io", fromAI: true, isAIAnswer: aiAnswer}
}

func genAttachment(r *rand.Rand, idx, k int) attachment {
	kinds := []struct{ name, ct string }{
		{"screenshot.png", "image/png"}, {"IMG_2041.jpeg", "image/jpeg"}, {"invoice.pdf", "application/pdf"},
		{"error-log.txt", "text/plain"}, {"Screen Recording.mov", "video/quicktime"},
	}
	kind := pick(r, kinds)
	a := attachment{
		name:        kind.name,
		contentType: kind.ct,
		url:         "https://downloads.intercomcdn.com/i/o/" + strconv.Itoa(500000000+idx*50+k) + "/" + strconv.FormatUint(r.Uint64(), 16) + "/" + strings.ReplaceAll(kind.name, " ", "+"),
		filesize:    int64(20000 + r.IntN(4000000)),
	}
	if strings.HasPrefix(kind.ct, "image/") {
		a.width, a.height = int64(640+r.IntN(2000)), int64(480+r.IntN(1500))
	}
	return a
}

// genParts writes the thread after the opening message and derives state, assignment and statistics from it.
func (ws *Workspace) genParts(r *rand.Rand, c *conversation, t *topic, v *textVars, owner *admin, cust author, email bool) {
	n := 1 + min(49, int(r.ExpFloat64()*7))
	c.parts = make([]part, 0, n)
	// Times: gaps drawn at random and scaled so that the last part lands on updated_at.
	times := make([]int64, n)
	var total float64
	gaps := make([]float64, n)
	for k := range gaps {
		gaps[k] = r.ExpFloat64()
		total += gaps[k]
	}
	span := float64(c.updatedAt - c.createdAt)
	var acc float64
	for k := range times {
		acc += gaps[k]
		times[k] = c.createdAt + int64(span*acc/total)
	}
	times[n-1] = c.updatedAt

	final := pick(r, []string{"closed", "closed", "closed", "closed", "closed", "closed", "open", "open", "open", "snoozed"})
	useBot := c.source.deliveredAs == "customer_initiated" && r.IntN(3) == 0
	state := "open"
	assignedAdmin := int64(0)
	assignedTeam := int64(0)
	adminID := func() *admin {
		if r.IntN(5) == 0 {
			return &ws.admins[r.IntN(len(ws.admins))]
		}
		return owner
	}
	adminAuthor := func(a *admin) author { return author{typ: "admin", id: a.id, name: a.name, email: a.email} }
	partBase := int64(partIDBase) + int64(c.idx)*1000
	aiUsed := false

	for k := 0; k < n; k++ {
		p := part{id: strconv.FormatInt(partBase+int64(k), 10), createdAt: times[k], updatedAt: times[k], notified: times[k]}
		last := k == n-1
		var kind string
		switch {
		case k == 0 && useBot:
			kind = "bot"
		case k == 0 && c.source.deliveredAs == "customer_initiated" && r.IntN(2) == 0:
			kind = "assignment"
		case last && final == "closed" && state == "closed":
			kind = "note" // already closed: a teammate's wrap-up note, not a second close
		case last && final == "closed":
			kind = "close"
		case last && final == "snoozed":
			kind = "snoozed"
		case last && final == "open":
			kind = pick(r, []string{"customer", "customer", "admin"})
		case state == "closed":
			kind = pick(r, []string{"customer", "customer", "open", "assign_and_reopen", "note"})
		default:
			x := r.IntN(100)
			switch {
			case x < 30:
				kind = "admin"
			case x < 58:
				kind = "customer"
			case x < 66:
				kind = "note"
			case x < 72:
				kind = "assignment"
			case x < 80:
				kind = "close"
			case x < 83:
				kind = "snoozed"
			case x < 86 && useBot:
				kind = "quick_reply"
			case x < 90:
				kind = "attribute"
			case x < 93:
				kind = "action"
			default:
				kind = "admin"
			}
		}
		if kind == "snoozed" && state == "closed" {
			kind = "open"
		}
		switch kind {
		case "bot":
			aiUsed = true
			p.partType = "comment"
			p.author = ws.botAuthor(true)
			p.body = v.message(r, t, msgBot, false)
		case "quick_reply":
			aiUsed = true
			p.partType = "quick_reply"
			p.author = ws.botAuthor(false)
			p.quickReplies = quickReplies[:2+r.IntN(3)]
			p.quickReplyUUIDSource = r.Uint64()
		case "customer":
			p.partType = "comment"
			p.author = cust
			state = "open" // a contact's reply reopens a closed conversation
			switch {
			case r.IntN(3) == 0:
				p.body = v.message(r, t, msgThanks, false)
			default:
				p.body = v.message(r, t, msgFollowup, false)
			}
			if r.IntN(12) == 0 {
				p.attachments = append(p.attachments, genAttachment(r, c.idx, k+1))
			}
			p.email = email
		case "admin":
			a := adminID()
			p.partType = "comment"
			p.author = adminAuthor(a)
			p.body = v.message(r, t, msgReply, email)
			p.email = email
		case "note":
			p.partType = "note"
			p.author = adminAuthor(adminID())
			p.body = v.message(r, t, msgNote, false)
		case "assignment", "assign_and_reopen":
			p.partType = kind
			if r.IntN(3) == 0 {
				p.author = ws.botAuthor(false)
			} else {
				p.author = adminAuthor(owner)
			}
			if r.IntN(3) == 0 {
				tm := ws.teams[r.IntN(len(ws.teams))]
				assignedTeam = tm.id
				p.assignedTo = &assignee{typ: "team", id: strconv.FormatInt(tm.id, 10)}
			} else {
				a := adminID()
				assignedAdmin, _ = strconv.ParseInt(a.id, 10, 64)
				p.assignedTo = &assignee{typ: "admin", id: a.id}
			}
			if kind == "assign_and_reopen" {
				state = "open"
			}
		case "close":
			a := adminID()
			p.partType = "close"
			p.author = adminAuthor(a)
			if r.IntN(4) == 0 {
				p.body = v.message(r, t, msgClosing, false)
			}
			state = "closed"
		case "open":
			p.partType = "open"
			p.author = adminAuthor(adminID())
			state = "open"
		case "snoozed":
			p.partType = "snoozed"
			p.author = adminAuthor(adminID())
			state = "snoozed"
			p.snoozedUntil = p.createdAt + int64(1+r.IntN(7))*day
		case "attribute":
			p.partType = "conversation_attribute_updated_by_admin"
			p.author = adminAuthor(adminID())
			p.event = &eventDetails{kind: "attribute", name: "Ticket category", value: t.category, previousIsNull: true}
		case "action":
			p.partType = pick(r, []string{"custom_action_started", "custom_action_finished"})
			p.author = adminAuthor(adminID())
			p.appPackageCode = "jira-cloud"
			if p.partType == "custom_action_started" {
				p.event = &eventDetails{kind: "action_started", name: "Jira Create Issue"}
			} else {
				p.event = &eventDetails{kind: "action_finished", name: "Jira Create Issue", result: pick(r, []string{"success", "success", "failed"})}
			}
		}
		p.state = state
		if p.body != "" && r.IntN(25) == 0 {
			p.tagIdxs = []int{r.IntN(len(ws.tags))}
		}
		if p.email {
			p.subject = c.source.subject
		}
		c.parts = append(c.parts, p)
	}

	c.adminAssignee = assignedAdmin
	c.teamAssignee = assignedTeam
	c.read = state == "closed" && r.IntN(10) < 9 || state != "closed" && r.IntN(2) == 0
	// Statistics, state, waiting_since and snoozed_until follow from the parts (stats.go); only the share of the
	// handling time that was active is drawn.
	ws.derive(c)
	if c.stats.lastCloseAt != 0 && r.IntN(2) == 0 {
		c.stats.adjustedDivisor = int64(2 + r.IntN(4))
		ws.derive(c)
	}
	if aiUsed {
		c.ai = &aiAgent{
			sourceType:      pick(r, []string{"workflow", "profile", "essentials_plan_setup"}),
			sourceTitle:     "Fin - " + t.category,
			lastAnswerType:  pick(r, []string{"ai_answer", "ai_answer", "custom_answer", ""}),
			resolutionState: pick(r, []string{"assumed_resolution", "confirmed_resolution", "escalated", "escalated", "negative_feedback", ""}),
			createdAt:       c.createdAt,
			updatedAt:       c.createdAt + r.Int64N(max(1, c.updatedAt-c.createdAt+1)),
		}
		if r.IntN(3) == 0 {
			c.ai.rating = int64(1 + r.IntN(5))
			c.ai.ratingRemark = pick(r, []string{"Helpful", "Didn't answer my question", "", "Fast!"})
		}
		for range 1 + r.IntN(2) {
			c.ai.sources = append(c.ai.sources, r.IntN(len(articleTitles)))
		}
	}
}

// companiesFor draws the companies of generated contact idx: the company that owns its email domain, and one in
// ten contacts another company too. It has a stream of its own so conversations can show a contact's company
// without generating the whole contact.
func (ws *Workspace) companiesFor(idx int, email string) []int {
	if len(ws.companies) == 0 {
		return nil
	}
	var out []int
	if k, ok := ws.companyByDomain[emailDomain(email)]; ok {
		out = append(out, k)
	}
	if r := ws.rng(streamContactCompanies, idx); r.IntN(10) == 0 {
		if k := r.IntN(len(ws.companies)); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// genWorkspace draws the workspace-wide entities: the app, admins, teams, tags, companies.
func (ws *Workspace) genWorkspace(admins, companies int) {
	r := ws.rng(streamWorkspace, 0)
	const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var code [8]byte
	for i := range code {
		code[i] = idAlphabet[r.IntN(len(idAlphabet))]
	}
	ws.appID = string(code[:])
	word := pick(r, companyWords)
	ws.appName = word + " " + pick(r, []string{"Support", "Help", "Care"})
	ws.domain = strings.ReplaceAll(strings.ToLower(word), " ", "") + pick(r, []string{".io", ".com", ".co", ".app"})
	ws.appCreatedAt = EpochUnix - historyLen - 30*day
	ws.idMachine = r.Uint64() & 0xffffffffff
	ws.idCounterBase = r.Uint32() & (maxContacts - 1)

	for k := range 4 {
		ws.teams = append(ws.teams, team{id: 5017691 + int64(k)*7, name: teamNames[k%len(teamNames)]})
	}
	for k := range admins {
		name := agentNames[k%len(agentNames)]
		if k >= len(agentNames) {
			name += " " + strconv.Itoa(k/len(agentNames)+1)
		}
		first, last, _ := strings.Cut(name, " ")
		a := admin{
			id:       strconv.Itoa(991267600 + k*7),
			name:     name,
			email:    asciiFold(first) + "." + asciiFold(strings.ReplaceAll(last, " ", "")) + "@" + ws.domain,
			jobTitle: pick(r, []string{"Support Engineer", "Customer Success Manager", "Support Lead", "Billing Specialist", "Head of Support"}),
			teamIDs:  []int64{ws.teams[k%len(ws.teams)].id},
			away:     r.IntN(8) == 0,
		}
		ws.admins = append(ws.admins, a)
	}
	for k, name := range tagNames {
		ws.tags = append(ws.tags, tagDef{id: strconv.Itoa(6012000 + k*11), name: name})
	}
	for k := range companies {
		word := companyWords[k%len(companyWords)]
		suffix := companySuffix[(k/len(companyWords))%len(companySuffix)]
		name := word + " " + suffix
		if k >= len(companyWords)*len(companySuffix) {
			name += " " + strconv.Itoa(k/(len(companyWords)*len(companySuffix))+1)
		}
		created := EpochUnix - historyLen + r.Int64N(historyLen/2)
		var cid [24]byte
		putHex(cid[0:8], uint64(uint32(created)))
		putHex(cid[8:18], ws.idMachine^0x5a5a5a5a5a)
		putHex(cid[18:24], uint64(k))
		co := company{
			idx:             k,
			id:              string(cid[:]),
			companyID:       "comp_" + strconv.Itoa(1000+k),
			name:            name,
			domain:          strings.ReplaceAll(strings.ToLower(asciiFold(word+suffix)), " ", "") + pick(r, []string{".com", ".io", ".co.uk", ".de", ".net"}),
			industry:        pick(r, industries),
			plan:            pick(r, plans),
			size:            int64(2 + r.IntN(5000)),
			monthlySpend:    int64(r.IntN(20000)),
			sessions:        int64(r.IntN(100000)),
			users:           int64(1 + r.IntN(300)),
			createdAt:       created,
			remoteCreatedAt: created - r.Int64N(365*day),
			updatedAt:       created + r.Int64N(EpochUnix-created),
			lastRequest:     EpochUnix - r.Int64N(90*day),
		}
		co.planID = planID(co.plan)
		if r.IntN(3) == 0 {
			co.tagIdxs = []int{r.IntN(len(tagNames))}
		}
		ws.companies = append(ws.companies, co)
	}
	ws.companyByDomain = make(map[string]int, len(ws.companies))
	for k, co := range ws.companies {
		if _, dup := ws.companyByDomain[co.domain]; !dup {
			ws.companyByDomain[co.domain] = k
		}
	}
	ws.genSegments()
	ws.genHelpCenter()
	ws.genTicketTypes()
}
