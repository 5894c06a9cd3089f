package fakeintercom

// The in-memory model the generator fills and render.go writes out. Only mutated and created records are kept in
// memory (the workspace's overlay); every other record is regenerated from the seed when it is needed.

// attrType is the declared type of a custom attribute, which decides how search compares it.
type attrType int

const (
	attrString attrType = iota
	attrInt
	attrFloat
	attrBool
	attrDate // Unix seconds
)

type attrDef struct {
	name string
	typ  attrType
}

// attrValue is one custom attribute of a record; value is string, int64, float64 or bool.
type attrValue struct {
	name  string
	value any
}

type admin struct {
	id, name, email, jobTitle string
	teamIDs                   []int64
	away                      bool
}

type team struct {
	id   int64
	name string
}

type tagDef struct {
	id, name string
}

type company struct {
	idx                                                 int // position in the workspace, for segments and attributes
	id, companyID, name, domain, industry, plan, planID string
	size, monthlySpend, sessions, users                 int64
	createdAt, remoteCreatedAt, updatedAt, lastRequest  int64
	tagIdxs                                             []int
}

// conversation is a fully generated conversation.
type conversation struct {
	idx                        int
	id                         string
	createdAt, updatedAt       int64
	waitingSince, snoozedUntil int64 // 0 = null
	state                      string
	read                       bool
	priority                   string
	adminAssignee              int64 // 0 = unassigned
	teamAssignee               int64
	title                      string // "" = null
	source                     source
	contacts                   []contactRef
	companyIdx                 int // -1 = none
	tags                       []appliedTag
	rating                     *rating
	attrs                      []attrValue
	firstContactReply          int64 // 0 = null
	sla                        *sla
	stats                      stats
	parts                      []part
	ai                         *aiAgent
	linked                     []linkedObject
	channel                    string // "" = null

	// bodyWords are the words of source.body that search matches one by one, computed once per record (the
	// source never changes after creation).
	bodyWords []any
}

// sourceWords returns the lower-cased words of an HTML body, as source.body search sees them.
func sourceWords(html string) []any {
	ws := words(htmlToText(html))
	out := make([]any, len(ws))
	for i, w := range ws {
		out[i] = w
	}
	return out
}

type source struct {
	typ, id, deliveredAs, subject, body, url string
	author                                   author
	attachments                              []attachment
	recipients                               []string // email sources: the workspace inbox
	messageID                                string   // email sources
}

type author struct {
	typ, id, name, email string // email "" = null
	fromAI, isAIAnswer   bool
}

type contactRef struct {
	id, externalID string
}

type appliedTag struct {
	tag       int // index into Workspace.tags
	appliedAt int64
	by        string // admin id
}

type rating struct {
	rating               int64
	remark               string
	createdAt, updatedAt int64
	contact              contactRef
	teammate             string
}

type sla struct {
	name, status string
}

type stats struct {
	timeToAssignment, timeToAdminReply, timeToFirstClose, timeToLastClose, medianTimeToReply int64 // -1 = null
	firstContactReplyAt, firstAssignmentAt, firstAdminReplyAt, firstCloseAt                  int64 // 0 = null
	lastAssignmentAt, lastAssignmentAdminReplyAt, lastContactReplyAt, lastAdminReplyAt       int64
	lastCloseAt                                                                              int64
	lastClosedByID                                                                           string
	countReopens, countAssignments, countParts                                               int64
	teamResponse                                                                             []teamResponse
	handlingTime                                                                             int64
	adjustedHandlingTime                                                                     int64 // -1 = null
	adjustedDivisor                                                                          int64 // adjusted = handling / this; 0 = none
}

type teamResponse struct {
	teamIdx      int
	responseTime int64
}

type part struct {
	id, partType, body   string // body "" = null
	createdAt, notified  int64
	updatedAt            int64
	assignedTo           *assignee
	author               author
	attachments          []attachment
	state                string
	tagIdxs              []int
	event                *eventDetails
	appPackageCode       string // "" = null
	email                bool   // carries email_message_metadata
	subject              string // for email_message_metadata
	quickReplies         []string
	quickReplyUUIDSource uint64
	snoozedUntil         int64 // snoozed parts: when the conversation wakes up
}

type assignee struct {
	typ, id string
}

type attachment struct {
	name, url, contentType  string
	filesize, width, height int64 // width/height 0 = null
}

type eventDetails struct {
	kind           string // "attribute", "action_started", "action_finished"
	name, value    string
	previous       string
	result         string
	previousIsNull bool
}

type aiAgent struct {
	sourceType, sourceTitle, lastAnswerType, resolutionState string
	rating                                                   int64 // 0 = null
	ratingRemark                                             string
	createdAt, updatedAt                                     int64
	sources                                                  []int // article indices
}

type linkedObject struct {
	typ, id, category string
}

// contact is a fully generated contact.
type contact struct {
	idx                                           int
	id, externalID, role                          string
	email, phone, name, ownerID                   string // "" = null
	avatar                                        string // image URL, "" = null avatar
	hardBounced, spam, unsubscribed               bool
	createdAt, updatedAt, signedUpAt              int64
	lastSeenAt, lastRepliedAt, lastContactedAt    int64
	lastEmailOpenedAt, lastEmailClickedAt         int64
	languageOverride                              string
	browser, browserVersion, browserLanguage, os  string
	city, region, country, countryCode, continent string
	ios, android                                  *device
	attrs                                         []attrValue
	tagIdxs                                       []int
	noteIDs                                       []string
	companyIdxs                                   []int
	social                                        []socialProfile
	utmCampaign, utmContent, utmMedium            string
	utmSource, utmTerm, referrer                  string
	pushEnabled                                   int // 0 null, 1 false, 2 true

	// searchableAt is when a contact created while serving becomes visible to contact search (Intercom's "contact
	// creation delay"); zero for generated contacts.
	searchableAt int64
}

type device struct {
	appName, appVersion, device, osVersion, sdkVersion string
	lastSeenAt                                         int64
}

type socialProfile struct {
	name, url string
}
