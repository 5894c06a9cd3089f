package synth

import (
	"math/rand/v2"
	"strconv"
)

// ArticleIDBase is the numeric id of article 0; article i has id ArticleIDBase+i. TicketIDBase likewise.
const (
	ArticleIDBase = 2000000
	TicketIDBase  = 3000000
)

// ArticleID returns the id of article i.
func ArticleID(i int) string { return strconv.Itoa(ArticleIDBase + i) }

// TicketID returns the id of ticket i.
func TicketID(i int) string { return strconv.Itoa(TicketIDBase + i) }

// CollectionCount is how many collections generated articles are spread over (ids 900+, help centers 90 and 91).
const CollectionCount = 20

// TicketTypes names the generated tickets' types (ids 30+), with their categories.
func TicketTypes() [][2]string { return ticketTypes }

var (
	ticketTypes  = [][2]string{{"Bug report", "Tracker"}, {"Refund request", "Customer"}, {"Access request", "Back-office"}, {"Question", "Customer"}}
	ticketStates = []string{"submitted", "in_progress", "waiting_on_customer", "resolved"}
	severities   = []string{"Low", "Medium", "High", "Critical"}
)

// Article generates article i (schema "article"): a title and description from a support topic (most articles are
// on one), an HTML body about eight times a message's length, published 80% / draft 20%, an author among teammates
// 7000–7039, one of CollectionCount collections, and a French version for one article in five.
func (g *Generator) Article(i int, dst []byte) Record {
	r := g.rng(4, uint64(i))
	w := writer{b: dst[:0]}
	id := ArticleID(i)
	created := Epoch - span + r.Int64N(span)
	updated := created + r.Int64N(Epoch-created+1)
	topic := r.IntN(len(topics))
	if r.Float64() < 0.2 {
		topic = -1
	}
	state := "published"
	if r.Float64() < 0.2 {
		state = "draft"
	}
	author := 7000 + r.Int64N(40)
	title := g.sentence(r, topic, 3+r.IntN(5), false)
	w.open()
	w.kstr("id", id)
	w.kstr("type", "article")
	w.kstr("workspace_id", "ecahpwf5")
	w.key("parent_ids")
	w.arr()
	w.sep()
	w.b = strconv.AppendInt(w.b, int64(900+r.IntN(CollectionCount)), 10)
	w.endArr()
	w.kstr("title", title)
	w.kstr("description", g.sentence(r, topic, 6+r.IntN(8), false))
	w.key("body")
	g.longBody(&w, r, topic, 8)
	w.kint("author_id", author)
	w.kstr("state", state)
	w.kint("created_at", created)
	w.kint("updated_at", updated)
	w.kbool("has_unpublished_changes", r.IntN(10) == 0)
	w.kstr("url", "https://help.example.com/en/articles/"+id+"-article")
	w.kstr("default_locale", "en")
	if r.IntN(5) == 0 {
		w.key("translated_content")
		w.open()
		w.kstr("type", "article_translated_content")
		w.key("fr")
		w.open()
		w.kstr("type", "article_content")
		w.kstr("title", "FR "+g.sentence(r, -1, 3+r.IntN(5), false))
		w.kstr("description", g.sentence(r, -1, 6, false))
		w.key("body")
		g.longBody(&w, r, -1, 4)
		w.kint("author_id", author)
		w.kstr("state", state)
		w.kint("created_at", created)
		w.kint("updated_at", updated)
		w.kstr("url", "https://help.example.com/fr/articles/"+id+"-article")
		w.close()
		w.close()
	}
	w.close()
	return Record{ID: id, UpdatedAt: updated, JSON: w.b}
}

// Ticket generates ticket i (schema "ticket"): one of the TicketTypes, a state, a title and HTML description on a
// support topic (35%, as conversations), two typed attributes, an assignee among teammates 7000–7039 and teams
// 100–109 (or none), one contact, a linked conversation for half of them, and 1 to 8 parts.
func (g *Generator) Ticket(i int, dst []byte) Record {
	r := g.rng(5, uint64(i))
	w := writer{b: dst[:0]}
	id := TicketID(i)
	created := Epoch - span + r.Int64N(span)
	updated := created + r.Int64N(min(30*86400, Epoch-created)+1)
	topic := -1
	if r.Float64() < 0.35 {
		topic = r.IntN(len(topics))
	}
	tt := r.IntN(len(ticketTypes))
	st := r.IntN(len(ticketStates))
	w.open()
	w.kstr("type", "ticket")
	w.kstr("id", id)
	w.kstr("ticket_id", strconv.Itoa(i+1))
	w.kstr("category", ticketTypes[tt][1])
	w.key("ticket_attributes")
	w.open()
	w.kstr("_default_title_", g.sentence(r, topic, 3+r.IntN(6), false))
	w.key("_default_description_")
	g.htmlBody(&w, r, topic)
	w.kstr("Severity", severities[r.IntN(len(severities))])
	w.kint("Affected users", r.Int64N(1000))
	w.close()
	w.key("ticket_state")
	w.open()
	w.kstr("type", "ticket_state")
	w.kstr("id", strconv.Itoa(40+st))
	w.kstr("category", ticketStates[st])
	w.kstr("internal_label", ticketStates[st])
	w.kstr("external_label", ticketStates[st])
	w.close()
	w.key("ticket_type")
	w.open()
	w.kstr("type", "ticket_type")
	w.kstr("id", strconv.Itoa(30+tt))
	w.kstr("category", ticketTypes[tt][1])
	w.kstr("name", ticketTypes[tt][0])
	w.close()
	w.key("contacts")
	w.open()
	w.kstr("type", "contact.list")
	w.key("contacts")
	w.arr()
	w.open()
	w.kstr("type", "contact")
	w.kstr("id", ContactID(r.IntN(1<<20)))
	w.close()
	w.endArr()
	w.close()
	admin, team := int64(0), int64(0)
	if r.IntN(4) != 0 {
		admin, team = 7000+r.Int64N(40), 100+r.Int64N(10)
	}
	w.kint("admin_assignee_id", admin)
	w.kint("team_assignee_id", team)
	w.kint("created_at", created)
	w.kint("updated_at", updated)
	w.kbool("open", ticketStates[st] != "resolved")
	w.knull("snoozed_until")
	w.kbool("is_shared", ticketTypes[tt][1] == "Customer")
	w.key("linked_objects")
	w.open()
	w.kstr("type", "list")
	w.key("data")
	w.arr()
	if r.IntN(2) == 0 {
		w.open()
		w.kstr("type", "conversation")
		w.kstr("id", ConversationID(r.IntN(1<<20)))
		w.knull("category")
		w.close()
	}
	w.endArr()
	w.close()
	parts := 1 + r.IntN(8)
	w.key("ticket_parts")
	w.open()
	w.kstr("type", "ticket_part.list")
	w.key("ticket_parts")
	w.arr()
	at := created
	for p := range parts {
		at += r.Int64N(3600 * 8)
		w.open()
		w.kstr("type", "ticket_part")
		w.kstr("id", id+"-"+strconv.Itoa(p))
		w.kstr("part_type", "comment")
		w.key("body")
		g.htmlBody(&w, r, topic)
		w.kint("created_at", at)
		w.kint("updated_at", at)
		w.key("author")
		w.open()
		w.kstr("type", "admin")
		w.kstr("id", strconv.FormatInt(7000+r.Int64N(40), 10))
		w.close()
		w.close()
	}
	w.endArr()
	w.kint("total_count", int64(parts))
	w.close()
	w.close()
	return Record{ID: id, UpdatedAt: updated, JSON: w.b}
}

// longBody writes an HTML body of n message-sized bodies' paragraphs: an article's length.
func (g *Generator) longBody(w *writer, r *rand.Rand, topic, n int) {
	w.sep()
	w.b = append(w.b, '"')
	for range n {
		w.b = append(w.b, "<h2>"...)
		w.b = appendEscaped(w.b, g.sentence(r, topic, 2+r.IntN(4), false))
		w.b = append(w.b, "</h2><p>"...)
		for k := 2 + r.IntN(4); k > 0; k-- {
			w.b = appendEscaped(w.b, g.sentence(r, topic, 5+r.IntN(14), true))
			w.b = append(w.b, ' ')
		}
		w.b = append(w.b, "</p>"...)
	}
	w.b = append(w.b, '"')
}
