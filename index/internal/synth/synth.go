// Package synth generates realistic, deterministic Intercom-shaped records (conversations with parts, contacts) for
// the index package's tests, crash harness and benchmarks. It is lean on purpose: a million conversations must come
// out in well under a minute on two cores, so records are written with append-based JSON, not encoding/json, and
// record i depends only on (seed, i), which makes generation random-access and parallel.
//
// The distributions follow the measurements in the project's perf notes (so results are comparable): 1 to 30 parts
// (geometric, mean 4), part bodies of 50 to 800 characters (log-normal, median ≈180) drawn from a Zipfian
// 20,000-word vocabulary with English words on the top ranks, 35% of conversations on a support topic whose phrases
// recur, HTML markup and entities in bodies, states open 20% / closed 70% / snoozed 10%, half the authors on
// free-mail and half on 3,000 Zipfian company domains (example.com the most popular), 0 to 3 of 50 tags, and
// timestamps spread over the three years before the generator's epoch.
package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// Epoch is the instant every generated timestamp precedes: 2025-11-24T00:00:00Z.
const Epoch int64 = 1763942400

// span is the time range timestamps are spread over: three years.
const span int64 = 3 * 365 * 86400

// ConversationIDBase is the numeric id of conversation 0; conversation i has id ConversationIDBase+i.
const ConversationIDBase = 100000000

// Generator makes records. It is immutable after New and safe for concurrent use.
type Generator struct {
	seed    uint64
	vocab   []string
	vocabCD []float64 // cumulative Zipf distribution over vocab
	domCD   []float64 // cumulative Zipf distribution over company domains
	domains []string
}

// New returns a generator whose output is a pure function of seed and the record number.
func New(seed uint64) *Generator {
	g := &Generator{seed: seed}
	g.vocab = buildVocabulary(seed)
	g.vocabCD = zipfCDF(len(g.vocab), 1.07)
	g.domains = buildDomains()
	g.domCD = zipfCDF(len(g.domains), 1.1)
	return g
}

func (g *Generator) rng(stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed^stream*0x9e3779b97f4a7c15, i*0xbf58476d1ce4e5b9+stream))
}

// ConversationID returns the id of conversation i.
func ConversationID(i int) string { return strconv.Itoa(ConversationIDBase + i) }

// ContactID returns the id of contact i: 24 hexadecimal digits, like Intercom's.
func ContactID(i int) string {
	const hex = "0123456789abcdef"
	var b [24]byte
	v := uint64(i)*0x9e3779b97f4a7c15 ^ 0x5bd1e995
	w := uint64(i) + 0x64f0c0de
	for k := 0; k < 16; k++ {
		b[k] = hex[v>>(60-4*k)&0xf]
	}
	for k := 16; k < 24; k++ {
		b[k] = hex[w>>(28-4*(k-16))&0xf]
	}
	return string(b[:])
}

// Record is one generated record: its id, Intercom's updated_at, and its JSON as Intercom would return it.
type Record struct {
	ID        string
	UpdatedAt int64
	JSON      []byte
}

var (
	states      = []string{"open", "closed", "snoozed"}
	priorities  = []string{"none", "none", "none", "low", "medium", "high", "urgent"}
	sourceTypes = []string{"conversation", "conversation", "conversation", "email", "facebook", "twitter",
		"phone_call", "instagram", "whatsapp", "sms"}
	deliveredAs = []string{"customer_initiated", "customer_initiated", "admin_initiated", "automated"}
	tiers       = []string{"free", "starter", "pro", "enterprise"}
	issueTypes  = []string{"billing", "bug", "question", "feature_request", "account", "shipping"}
	freeMail    = []string{"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "proton.me"}
	firstNames  = []string{"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
		"Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles",
		"Karen", "Amélie", "Søren", "Zoë", "Mateo", "Aiko", "Priya", "Chen", "Olu", "Fatima", "Ivan"}
	lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
		"Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
		"Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "O'Brien", "Nakamura",
		"Müller", "Kowalski", "Okafor"}
	countries = []string{"United States", "United Kingdom", "Germany", "France", "Ireland", "Canada", "Japan",
		"Brazil", "India", "Australia"}
	cities    = []string{"Dublin", "London", "Berlin", "Paris", "New York", "San Francisco", "Tokyo", "São Paulo"}
	browsers  = []string{"chrome", "firefox", "safari", "edge"}
	oses      = []string{"Mac OS X", "Windows 10", "Linux", "iOS 17", "Android 14"}
	partTypes = []string{"comment", "comment", "comment", "note", "assignment", "open", "close"}
)

// Tags returns the names of the generator's 50 tags; tag i has id strconv.Itoa(5000+i).
func Tags() []string {
	out := make([]string, 50)
	base := []string{"VIP", "Bug", "Billing", "Refund", "Churn risk", "Onboarding", "Feature request", "Urgent",
		"Escalated", "Enterprise"}
	for i := range out {
		if i < len(base) {
			out[i] = base[i]
		} else {
			out[i] = "tag-" + strconv.Itoa(i)
		}
	}
	return out
}

var tagNames = Tags()

// Conversation returns conversation i, appending its JSON to dst[:0].
func (g *Generator) Conversation(i int, dst []byte) Record {
	r := g.rng(1, uint64(i))
	w := writer{b: dst[:0]}
	id := ConversationID(i)
	created := Epoch - span + r.Int64N(span)
	updated := created + r.Int64N(min(30*86400, Epoch-created)+1)
	state := states[pick(r, 0.2, 0.7)]
	topic := -1
	if r.Float64() < 0.35 {
		topic = r.IntN(len(topics))
	}
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	email := g.email(r, first, last)
	contactID := ContactID(r.IntN(1 << 20))

	w.open()
	w.kstr("type", "conversation")
	w.kstr("id", id)
	if r.Float64() < 0.6 {
		w.kstr("title", g.sentence(r, topic, 3+r.IntN(6), false))
	} else {
		w.knull("title")
	}
	w.kint("created_at", created)
	w.kint("updated_at", updated)
	if state != "closed" {
		w.kint("waiting_since", updated-r.Int64N(86400))
	} else {
		w.knull("waiting_since")
	}
	if state == "snoozed" {
		w.kint("snoozed_until", updated+86400+r.Int64N(7*86400))
	} else {
		w.knull("snoozed_until")
	}
	w.kbool("open", state != "closed")
	w.kstr("state", state)
	w.kbool("read", r.Float64() < 0.8)
	w.kstr("priority", priorities[r.IntN(len(priorities))])
	admin := int64(0)
	if r.Float64() < 0.8 {
		admin = 7000 + r.Int64N(40)
	}
	w.kint("admin_assignee_id", admin)
	w.kint("team_assignee_id", int64(r.IntN(6))*100)

	w.key("tags")
	w.open()
	w.kstr("type", "tag.list")
	w.key("tags")
	w.arr()
	for n := r.IntN(4); n > 0; n-- {
		t := r.IntN(len(tagNames))
		w.open()
		w.kstr("type", "tag")
		w.kstr("id", strconv.Itoa(5000+t))
		w.kstr("name", tagNames[t])
		w.kint("applied_at", created+r.Int64N(3600))
		w.key("applied_by")
		w.open()
		w.kstr("type", "admin")
		w.kstr("id", strconv.FormatInt(7000+r.Int64N(40), 10))
		w.close()
		w.close()
	}
	w.endArr()
	w.close()

	if state == "closed" && r.Float64() < 0.3 {
		w.key("conversation_rating")
		w.open()
		w.kint("rating", 1+r.Int64N(5))
		w.kstr("remark", g.sentence(r, topic, 4+r.IntN(8), false))
		w.kint("created_at", updated-3600)
		w.kint("updated_at", updated-1800)
		w.key("contact")
		w.open()
		w.kstr("type", "contact")
		w.kstr("id", contactID)
		w.close()
		w.key("teammate")
		w.open()
		w.kstr("type", "admin")
		w.kstr("id", strconv.FormatInt(max(admin, 7000), 10))
		w.close()
		w.close()
	} else {
		w.knull("conversation_rating")
	}

	st := sourceTypes[r.IntN(len(sourceTypes))]
	w.key("source")
	w.open()
	w.kstr("type", st)
	w.kstr("id", strconv.Itoa(400000000+i))
	w.kstr("delivered_as", deliveredAs[r.IntN(len(deliveredAs))])
	if st == "email" {
		w.kstr("subject", g.sentence(r, topic, 3+r.IntN(5), false))
	} else {
		w.kstr("subject", "")
	}
	w.key("body")
	g.htmlBody(&w, r, topic)
	w.key("author")
	w.open()
	w.kstr("type", "user")
	w.kstr("id", contactID)
	w.kstr("name", first+" "+last)
	w.kstr("email", email)
	w.close()
	w.key("attachments")
	w.arr()
	w.endArr()
	if st == "conversation" {
		w.kstr("url", "https://app.example.com/"+g.vocab[r.IntN(200)])
	} else {
		w.knull("url")
	}
	w.kbool("redacted", false)
	w.close()

	w.key("contacts")
	w.open()
	w.kstr("type", "contact.list")
	w.key("contacts")
	w.arr()
	w.open()
	w.kstr("type", "contact")
	w.kstr("id", contactID)
	w.kstr("external_id", strconv.Itoa(r.IntN(1<<20)))
	w.close()
	w.endArr()
	w.close()

	w.key("teammates")
	w.open()
	w.kstr("type", "admin.list")
	w.key("teammates")
	w.arr()
	if admin != 0 {
		w.open()
		w.kstr("type", "admin")
		w.kstr("id", strconv.FormatInt(admin, 10))
		w.close()
	}
	w.endArr()
	w.close()

	w.key("custom_attributes")
	w.open()
	w.kstr("tier", tiers[r.IntN(len(tiers))])
	w.kstr("issue_type", issueTypes[r.IntN(len(issueTypes))])
	if r.Float64() < 0.5 {
		w.kint("csat", 1+r.Int64N(5))
	}
	w.kstr("order_id", "ORD-"+strconv.Itoa(10000+r.IntN(90000)))
	if r.Float64() < 0.1 {
		w.kbool("vip", true)
	}
	w.close()

	w.key("statistics")
	w.open()
	w.kstr("type", "conversation_statistics")
	w.kint("time_to_assignment", r.Int64N(600))
	w.kint("time_to_admin_reply", r.Int64N(7200))
	w.kint("time_to_first_close", r.Int64N(86400))
	w.kint("time_to_last_close", r.Int64N(86400))
	w.kint("median_time_to_reply", r.Int64N(3600))
	w.kint("first_contact_reply_at", created)
	w.kint("first_admin_reply_at", created+r.Int64N(7200))
	w.kint("last_contact_reply_at", updated-r.Int64N(3600))
	w.kint("last_admin_reply_at", updated)
	w.kint("count_reopens", r.Int64N(3))
	w.kint("count_assignments", r.Int64N(4))
	w.close()

	nParts := min(1+int(math.Floor(math.Log(1-r.Float64())/math.Log(0.75))), 30)
	w.key("conversation_parts")
	w.open()
	w.kstr("type", "conversation_part.list")
	w.key("conversation_parts")
	w.arr()
	t := created
	for p := 0; p < nParts; p++ {
		t += r.Int64N(max(1, (updated-created)/int64(nParts)+1))
		w.open()
		w.kstr("type", "conversation_part")
		w.kstr("id", strconv.Itoa(900000000+i*32+p))
		pt := partTypes[r.IntN(len(partTypes))]
		w.kstr("part_type", pt)
		w.key("body")
		if pt == "comment" || pt == "note" {
			g.htmlBody(&w, r, topic)
		} else {
			w.null()
		}
		w.kint("created_at", t)
		w.kint("updated_at", t)
		w.kint("notified_at", t)
		w.key("author")
		w.open()
		if p%2 == 0 {
			w.kstr("type", "admin")
			w.kstr("id", strconv.FormatInt(7000+r.Int64N(40), 10))
			w.kstr("name", firstNames[r.IntN(len(firstNames))]+" (Support)")
			w.kstr("email", "agent"+strconv.Itoa(r.IntN(40))+"@support.example.org")
		} else {
			w.kstr("type", "user")
			w.kstr("id", contactID)
			w.kstr("name", first+" "+last)
			w.kstr("email", email)
		}
		w.close()
		w.key("attachments")
		w.arr()
		w.endArr()
		w.knull("external_id")
		w.kbool("redacted", false)
		w.close()
	}
	w.endArr()
	w.kint("total_count", int64(nParts))
	w.close()
	w.kbool("ai_agent_participated", r.Float64() < 0.2)
	w.knull("ai_agent")
	w.key("channel")
	w.open()
	w.kstr("initial", "messenger")
	w.kstr("current", "messenger")
	w.close()
	w.close()
	return Record{ID: id, UpdatedAt: updated, JSON: w.b}
}

// Contact returns contact i, appending its JSON to dst[:0].
func (g *Generator) Contact(i int, dst []byte) Record {
	r := g.rng(2, uint64(i))
	w := writer{b: dst[:0]}
	id := ContactID(i)
	created := Epoch - span + r.Int64N(span)
	updated := created + r.Int64N(Epoch-created+1)
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	email := g.email(r, first, last)
	w.open()
	w.kstr("type", "contact")
	w.kstr("id", id)
	w.kstr("workspace_id", "ecahpwf5")
	w.kstr("external_id", "u-"+strconv.Itoa(i))
	role := "user"
	if r.Float64() < 0.3 {
		role = "lead"
	}
	w.kstr("role", role)
	w.kstr("email", email)
	w.kstr("email_domain", domainOf(email))
	w.kstr("phone", "+1555"+strconv.Itoa(1000000+r.IntN(8999999)))
	w.kstr("name", first+" "+last)
	w.kstr("owner_id", strconv.Itoa(7000+r.IntN(40)))
	w.kbool("has_hard_bounced", r.Float64() < 0.02)
	w.kbool("marked_email_as_spam", false)
	w.kbool("unsubscribed_from_emails", r.Float64() < 0.1)
	w.kint("created_at", created)
	w.kint("updated_at", updated)
	w.kint("signed_up_at", created)
	w.kint("last_seen_at", updated-r.Int64N(86400))
	w.kint("last_replied_at", updated-r.Int64N(7*86400))
	w.knull("last_contacted_at")
	w.kstr("browser", browsers[r.IntN(len(browsers))])
	w.kstr("os", oses[r.IntN(len(oses))])
	w.key("custom_attributes")
	w.open()
	w.kstr("plan", tiers[r.IntN(len(tiers))])
	w.kint("seats", 1+r.Int64N(200))
	w.kbool("beta", r.Float64() < 0.2)
	w.close()
	w.key("tags")
	w.open()
	w.kstr("type", "list")
	w.key("data")
	w.arr()
	nt := r.IntN(3)
	for n := 0; n < nt; n++ {
		t := r.IntN(len(tagNames))
		w.open()
		w.kstr("type", "tag")
		w.kstr("id", strconv.Itoa(5000+t))
		w.kstr("name", tagNames[t])
		w.kstr("url", "/tags/"+strconv.Itoa(5000+t))
		w.close()
	}
	w.endArr()
	w.kstr("url", "/contacts/"+id+"/tags")
	w.kint("total_count", int64(nt))
	w.kbool("has_more", false)
	w.close()
	w.key("companies")
	w.open()
	w.kstr("type", "list")
	w.key("data")
	w.arr()
	if r.Float64() < 0.5 {
		c := r.IntN(len(g.domains))
		w.open()
		w.kstr("id", "co"+strconv.Itoa(c))
		w.kstr("type", "company")
		w.kstr("name", g.domains[c][:len(g.domains[c])-4]+" Inc")
		w.kstr("url", "/companies/co"+strconv.Itoa(c))
		w.close()
	}
	w.endArr()
	w.close()
	w.key("location")
	w.open()
	w.kstr("type", "location")
	w.kstr("country", countries[r.IntN(len(countries))])
	w.kstr("region", "")
	w.kstr("city", cities[r.IntN(len(cities))])
	w.close()
	w.close()
	return Record{ID: id, UpdatedAt: updated, JSON: w.b}
}

func (g *Generator) email(r *rand.Rand, first, last string) string {
	local := asciiLower(first) + "." + asciiLower(last)
	if r.Float64() < 0.7 {
		local += strconv.Itoa(r.IntN(1000))
	}
	if r.Float64() < 0.5 {
		return local + "@" + freeMail[r.IntN(len(freeMail))]
	}
	return local + "@" + g.domains[sample(r, g.domCD)]
}

func domainOf(email string) string {
	for i := len(email) - 1; i >= 0; i-- {
		if email[i] == '@' {
			return email[i+1:]
		}
	}
	return ""
}

func asciiLower(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		return "x"
	}
	return string(b)
}

// htmlBody writes a JSON string holding an HTML message body of one to four paragraphs.
func (g *Generator) htmlBody(w *writer, r *rand.Rand, topic int) {
	// Log-normal length, median ≈180 characters, clamped to 50..800.
	target := int(math.Exp(math.Log(180) + 0.7*r.NormFloat64()))
	target = min(max(target, 50), 800)
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, "<p>"...)
	n := 0
	for n < target {
		s := g.sentence(r, topic, 5+r.IntN(14), true)
		w.b = appendEscaped(w.b, s)
		n += len(s) + 1
		switch x := r.IntN(12); {
		case x == 0 && n < target:
			w.b = append(w.b, "</p><p>"...)
		case x == 1:
			w.b = append(w.b, "<br>"...)
		case x == 2:
			w.b = append(w.b, ` <a href=\"https://help.example.com/articles/`...)
			w.b = strconv.AppendInt(w.b, int64(r.IntN(9000)+1000), 10)
			w.b = append(w.b, `\">help article</a> `...)
		default:
			w.b = append(w.b, ' ')
		}
	}
	w.b = append(w.b, "</p>"...)
	w.b = append(w.b, '"')
}

// sentence returns n words drawn from the Zipf vocabulary, with a topic phrase mixed in now and then. With html,
// an entity stands in for some characters, as Intercom's bodies do.
func (g *Generator) sentence(r *rand.Rand, topic, n int, html bool) string {
	b := make([]byte, 0, n*8)
	for k := 0; k < n; k++ {
		if k > 0 {
			b = append(b, ' ')
		}
		if topic >= 0 && r.IntN(8) == 0 {
			ph := topics[topic][r.IntN(len(topics[topic]))]
			b = append(b, ph...)
			continue
		}
		word := g.vocab[sample(r, g.vocabCD)]
		if k == 0 && len(word) > 0 && word[0] >= 'a' && word[0] <= 'z' {
			b = append(b, word[0]-'a'+'A')
			b = append(b, word[1:]...)
		} else {
			b = append(b, word...)
		}
		if html && r.IntN(40) == 0 {
			b = append(b, " &amp;"...)
		} else if html && r.IntN(60) == 0 {
			b = append(b, "&#39;s"...)
		}
	}
	b = append(b, '.')
	return string(b)
}

// topics are recurring support themes: their words and phrases make free-text benchmarks realistic.
var topics = [][]string{
	{"refund", "refund request", "money back", "refunded", "charge"},
	{"billing", "billing issue", "invoice", "credit card", "double charged"},
	{"login", "password reset", "two factor", "locked out", "sign in"},
	{"webhook", "webhook delivery", "api key", "rate limit", "timeout"},
	{"shipping", "tracking number", "delivery delayed", "package", "courier"},
	{"cancel", "cancel subscription", "downgrade", "plan change", "renewal"},
	{"export", "csv export", "data export", "report", "download"},
	{"integration", "slack integration", "salesforce sync", "zapier", "sync error"},
}

var commonWords = []string{"the", "to", "and", "a", "i", "you", "it", "of", "is", "for", "in", "that", "my", "we",
	"on", "this", "can", "with", "have", "be", "not", "are", "your", "if", "but", "me", "so", "do", "was", "at",
	"please", "thanks", "help", "account", "order", "issue", "problem", "just", "get", "when", "will", "there",
	"our", "from", "an", "or", "would", "like", "what", "know", "they", "been", "hi", "hello", "team", "time",
	"customer", "support", "still", "need", "again", "working", "update", "email", "app", "page", "use", "any",
	"could", "see", "which", "some", "them", "new", "all", "one", "about", "out", "up", "more", "no", "has",
	"how", "other", "did", "now", "after", "only", "then", "also", "make", "any", "here", "should", "today",
	"yesterday", "week", "month", "because", "question", "answer", "reply", "sorry", "great", "right", "work",
	"error", "message", "screen", "button", "click", "settings", "profile", "payment", "card", "price", "plan",
	"trial", "feature", "request", "bug", "report", "mobile", "desktop", "browser", "chrome", "safari", "version",
	"install", "download", "upload", "file", "photo", "link", "website", "store", "product", "item", "cart",
	"checkout", "discount", "code", "coupon", "shipping", "address", "phone", "number", "call", "chat", "agent",
	"manager", "company", "business", "team", "user", "users", "admin", "access", "permission", "data", "report",
	"dashboard", "integration", "connect", "setup", "configure", "change", "delete", "remove", "add", "create",
	"cancel", "renew", "subscription", "invoice", "receipt", "tax", "country", "language", "translate"}

// buildVocabulary returns 20,000 words: common English words on the top ranks, then pronounceable pseudo-words.
func buildVocabulary(seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 0xabcdef))
	seen := make(map[string]bool, 20000)
	out := make([]string, 0, 20000)
	for _, w := range commonWords {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	const cons, vows = "bcdfghjklmnprstvwz", "aeiou"
	for len(out) < 20000 {
		n := 2 + r.IntN(3)
		b := make([]byte, 0, 2*n+1)
		for k := 0; k < n; k++ {
			b = append(b, cons[r.IntN(len(cons))], vows[r.IntN(len(vows))])
		}
		if r.IntN(3) == 0 {
			b = append(b, cons[r.IntN(len(cons))])
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// buildDomains returns 3,000 company domains, example.com first.
func buildDomains() []string {
	out := make([]string, 3000)
	out[0] = "example.com"
	for i := 1; i < len(out); i++ {
		out[i] = "company" + strconv.Itoa(i) + ".com"
	}
	return out
}

func zipfCDF(n int, s float64) []float64 {
	cd := make([]float64, n)
	sum := 0.0
	for k := 0; k < n; k++ {
		sum += 1 / math.Pow(float64(k+1), s)
		cd[k] = sum
	}
	for k := range cd {
		cd[k] /= sum
	}
	return cd
}

func sample(r *rand.Rand, cd []float64) int {
	return min(sort.SearchFloat64s(cd, r.Float64()), len(cd)-1)
}

// pick returns 0 with probability a, 1 with probability b, 2 otherwise.
func pick(r *rand.Rand, a, b float64) int {
	x := r.Float64()
	switch {
	case x < a:
		return 0
	case x < a+b:
		return 1
	}
	return 2
}

// Industries, plans and segments of generated companies.
var (
	industries = []string{"Software", "Retail", "Logistics", "Healthcare", "Finance", "Education", "Media", "Travel"}
	plans      = []string{"Free", "Starter", "Pro", "Enterprise"}
	segments   = []string{"Active users", "VIP customers", "Trial users", "Churn risk", "New leads"}
	coFirst    = []string{"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
		"Tyrell", "Cyberdyne", "Wonka", "Oscorp", "Aperture", "Monarch", "Gringotts", "Pied Piper", "Dunder",
		"Prestige", "Massive"}
	coSecond = []string{"Labs", "Systems", "Logistics", "Health", "Foods", "Media", "Travel", "Capital", "Robotics",
		"Energy", "Analytics", "Studios", "Networks", "Partners", "Retail", "Software", "Bank", "Motors", "Games",
		"Cloud"}
)

// SegmentNames returns the names of the segments generated companies are in; segment i has id "seg"+i.
func SegmentNames() []string { return segments }

// CompanyID returns the Intercom id of company i: 24 hexadecimal digits like Intercom's, distinct from contacts'.
func CompanyID(i int) string { return "c0" + ContactID(i)[2:] }

// Company generates company i (schema "company"): a name made of two words ("Acme Labs", then "Acme Labs 2"...), a plan, size, industry, website,
// monthly spend, user and session counts, two custom attributes, 0 to 2 tags (ids 5000+, as conversations') and
// 0 to 2 segments.
func (g *Generator) Company(i int, dst []byte) Record {
	r := g.rng(3, uint64(i))
	w := writer{b: dst[:0]}
	id := CompanyID(i)
	created := Epoch - span + r.Int64N(span)
	updated := created + r.Int64N(Epoch-created+1)
	pairs := len(coFirst) * len(coSecond)
	name := coFirst[i%len(coFirst)] + " " + coSecond[(i/len(coFirst))%len(coSecond)]
	if n := i / pairs; n > 0 {
		name += " " + strconv.Itoa(n+1)
	}
	dom := asciiLower(strings.ReplaceAll(name, " ", "")) + ".com"
	w.open()
	w.kstr("type", "company")
	w.kstr("id", id)
	w.kstr("name", name)
	w.kstr("app_id", "ecahpwf5")
	w.kstr("company_id", "cmp-"+strconv.Itoa(i))
	plan := r.IntN(len(plans))
	w.key("plan")
	w.open()
	w.kstr("type", "plan")
	w.kstr("id", strconv.Itoa(100+plan))
	w.kstr("name", plans[plan])
	w.close()
	w.kint("remote_created_at", created-r.Int64N(86400*365))
	w.kint("created_at", created)
	w.kint("updated_at", updated)
	w.kint("last_request_at", updated-r.Int64N(86400))
	w.kint("size", 1+int64(math.Exp(r.Float64()*8)))
	w.kstr("website", "https://www."+dom)
	w.kstr("industry", industries[r.IntN(len(industries))])
	w.kint("monthly_spend", int64(r.IntN(5000)))
	w.kint("session_count", r.Int64N(10000))
	w.kint("user_count", r.Int64N(500))
	w.key("custom_attributes")
	w.open()
	w.kstr("tier", tiers[r.IntN(len(tiers))])
	w.kstr("region", countries[r.IntN(len(countries))])
	w.close()
	w.key("tags")
	w.open()
	w.kstr("type", "tag.list")
	w.key("tags")
	w.arr()
	for n := r.IntN(3); n > 0; n-- {
		t := r.IntN(len(tagNames))
		w.open()
		w.kstr("type", "tag")
		w.kstr("id", strconv.Itoa(5000+t))
		w.kstr("name", tagNames[t])
		w.close()
	}
	w.endArr()
	w.close()
	w.key("segments")
	w.open()
	w.kstr("type", "segment.list")
	w.key("segments")
	w.arr()
	for n := r.IntN(3); n > 0; n-- {
		s := r.IntN(len(segments))
		w.open()
		w.kstr("type", "segment")
		w.kstr("id", "seg"+strconv.Itoa(s))
		w.kstr("name", segments[s])
		w.close()
	}
	w.endArr()
	w.close()
	w.close()
	return Record{ID: id, UpdatedAt: updated, JSON: w.b}
}
