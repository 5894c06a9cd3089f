package fakeintercom

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// textVars are the values a conversation's messages share, so a thread talks about one order, one amount, one
// customer and one agent from start to end.
type textVars struct {
	name, fullname, company, email, email2, domain string
	agent                                          string
	wsDomain, wsName                               string // the workspace's own domain and name (agents sign with it)
	order, invoice, invoice2, card, amount         string
	product, plan, tracking, ticket, errorCode     string
	browser, os, version, version2                 string
	city, country, address                         string
	seats, count, count2                           string
	sloppy                                         bool     // this customer writes with typos
	used                                           []string // templates this conversation has used
}

// fresh picks a template this conversation has not used yet when it can (people rarely send the same message
// twice), falling back to any.
func (v *textVars) fresh(r *rand.Rand, list []string) string {
	s := pick(r, list)
	for range 3 {
		if !slices.Contains(v.used, s) {
			break
		}
		s = pick(r, list)
	}
	v.used = append(v.used, s)
	return s
}

func newTextVars(r *rand.Rand, customerFirst, customerLast, company, email, agent, wsDomain, wsName string) textVars {
	c := pick(r, cities)
	v := textVars{
		name:      customerFirst,
		fullname:  strings.TrimSpace(customerFirst + " " + customerLast),
		company:   company,
		email:     email,
		agent:     firstWord(agent),
		wsDomain:  wsDomain,
		wsName:    wsName,
		order:     orderID(r),
		invoice:   "INV-" + strconv.Itoa(2023+r.IntN(3)) + "-" + pad(r.IntN(100000), 6),
		card:      pad(r.IntN(10000), 4),
		amount:    amount(r),
		product:   pick(r, products),
		plan:      pick(r, plans),
		tracking:  trackingNumber(r),
		ticket:    pick(r, []string{"PROJ", "BILL", "ENG", "SUP", "OPS"}) + "-" + strconv.Itoa(100+r.IntN(9900)),
		errorCode: pick(r, errorCodes),
		browser:   pick(r, browsers),
		os:        pick(r, osNames),
		version:   strconv.Itoa(3+r.IntN(3)) + "." + strconv.Itoa(r.IntN(20)) + "." + strconv.Itoa(r.IntN(10)),
		city:      c.city,
		country:   c.country,
		address:   strconv.Itoa(1+r.IntN(250)) + " " + pick(r, []string{"Baker Street", "Main St", "Hauptstraße", "Rue de Rivoli", "Market Street", "King's Road", "Elm Avenue"}) + ", " + c.city,
		seats:     strconv.Itoa(2 + r.IntN(150)),
		count:     strconv.Itoa(100 + r.IntN(5000)),
		count2:    strconv.Itoa(100 + r.IntN(5000)),
		sloppy:    r.IntN(4) == 0,
		used:      make([]string, 0, 32),
	}
	v.invoice2 = "INV-" + v.invoice[4:8] + "-" + pad(r.IntN(100000), 6)
	v.version2 = v.version[:strings.LastIndexByte(v.version, '.')] + "." + strconv.Itoa(10+r.IntN(5))
	if at := strings.IndexByte(email, '@'); at >= 0 {
		v.domain = email[at+1:]
		v.email2 = strings.ToLower(customerFirst) + "." + strconv.Itoa(r.IntN(100)) + "@" + pick(r, freeMailDomains)
	} else {
		v.domain = "example.com"
		v.email2 = "me@example.com"
	}
	return v
}

// fill expands a template into HTML: literal text is escaped (so "&" becomes "&amp;"), "<br>" in a template stays
// markup, {link} becomes an anchor, and customer text may pick up typos.
func (v *textVars) fill(r *rand.Rand, b *strings.Builder, tmpl string, customer bool) {
	for len(tmpl) > 0 {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			v.literal(r, b, tmpl, customer)
			return
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			v.literal(r, b, tmpl, customer)
			return
		}
		v.literal(r, b, tmpl[:open], customer)
		v.placeholder(r, b, tmpl[open+1:open+end])
		tmpl = tmpl[open+end+1:]
	}
}

func (v *textVars) literal(r *rand.Rand, b *strings.Builder, s string, customer bool) {
	if customer && v.sloppy {
		s = addTypos(r, s)
	}
	for len(s) > 0 {
		i := strings.Index(s, "<br>")
		if i < 0 {
			escapeHTML(b, s)
			return
		}
		escapeHTML(b, s[:i])
		b.WriteString("<br>")
		s = s[i+4:]
	}
}

func (v *textVars) placeholder(r *rand.Rand, b *strings.Builder, name string) {
	var s string
	switch name {
	case "name":
		s = v.name
	case "fullname":
		s = v.fullname
	case "agent":
		s = v.agent
	case "company":
		s = v.company
	case "workspace":
		s = v.wsName
	case "email":
		s = v.email
	case "email2":
		s = v.email2
	case "domain":
		s = v.domain
	case "order":
		s = v.order
	case "invoice":
		s = v.invoice
	case "invoice2":
		s = v.invoice2
	case "card":
		s = v.card
	case "amount":
		s = v.amount
	case "product":
		s = v.product
	case "plan":
		s = v.plan
	case "tracking":
		s = v.tracking
	case "ticket":
		s = v.ticket
	case "error":
		s = v.errorCode
	case "browser":
		s = v.browser
	case "os":
		s = v.os
	case "version":
		s = v.version
	case "version2":
		s = v.version2
	case "city":
		s = v.city
	case "country":
		s = v.country
	case "address":
		s = v.address
	case "seats":
		s = v.seats
	case "count":
		s = v.count
	case "count2":
		s = v.count2
	case "days":
		s = pick(r, []string{"3-5", "5-7", "2", "3", "7", "10"})
	case "date":
		s = pick(r, []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}) + " " + strconv.Itoa(1+r.IntN(28))
	case "apiurl":
		s = "https://api." + v.wsDomain + "/v2/" + pick(r, []string{"orders", "exports", "users"})
	case "link":
		i := r.IntN(len(articleTitles))
		url := "https://help." + v.wsDomain + "/en/articles/" + strconv.Itoa(4000000+i*7919) + "-" + slug(articleTitles[i])
		if r.IntN(5) == 0 {
			url += "?utm_source=intercom&utm_medium=chat"
		}
		b.WriteString(`<a href="`)
		escapeHTML(b, url)
		b.WriteString(`" target="_blank" rel="nofollow noopener noreferrer">`)
		escapeHTML(b, articleTitles[i])
		b.WriteString("</a>")
		return
	default:
		s = "{" + name + "}"
	}
	escapeHTML(b, s)
}

// paragraph writes one <p> element from a template.
func (v *textVars) paragraph(r *rand.Rand, b *strings.Builder, tmpl string, customer bool) {
	b.WriteString("<p>")
	v.fill(r, b, tmpl, customer)
	b.WriteString("</p>")
}

// message kinds the generator writes.
const (
	msgOpener = iota
	msgFollowup
	msgThanks
	msgReply
	msgNote
	msgBot
	msgClosing
	msgOutreach  // a teammate's first message of an admin_initiated conversation
	msgAutomated // an automated (series or campaign) first message
)

// message writes the HTML body of one message of a conversation about t.
func (v *textVars) message(r *rand.Rand, t *topic, kind int, email bool) string {
	var b strings.Builder
	b.Grow(256)
	switch kind {
	case msgOpener:
		if email && r.IntN(2) == 0 {
			v.paragraph(r, &b, pick(r, []string{"Hi,", "Hello,", "Hi team,", "Dear support,"}), true)
		}
		v.paragraph(r, &b, pick(r, t.openers), true)
		if email {
			signoff := pick(r, customerSignoff)
			if v.company == "" && strings.Contains(signoff, "{company}") {
				signoff = customerSignoff[0]
			}
			v.paragraph(r, &b, signoff, true)
		}
	case msgFollowup:
		v.paragraph(r, &b, v.fresh(r, t.followups), true)
	case msgThanks:
		v.paragraph(r, &b, v.fresh(r, customerThanks), true)
	case msgReply:
		if r.IntN(2) == 0 {
			v.paragraph(r, &b, pick(r, greetings), false)
		}
		v.paragraph(r, &b, v.fresh(r, t.replies), false)
		if r.IntN(3) == 0 {
			v.paragraph(r, &b, v.fresh(r, agentFollowups), false)
		}
		if email {
			v.paragraph(r, &b, pick(r, agentSignoffs), false)
		}
	case msgOutreach:
		v.paragraph(r, &b, pick(r, []string{"Hi {name},", "Hello {name},", "Hi there,", "Hey {name}!"}), false)
		v.paragraph(r, &b, pick(r, t.outreach), false)
		if email {
			v.paragraph(r, &b, pick(r, agentSignoffs), false)
		}
	case msgAutomated:
		v.paragraph(r, &b, pick(r, automatedMessages), false)
	case msgClosing:
		v.paragraph(r, &b, v.fresh(r, closingLines), false)
	case msgNote:
		if r.IntN(3) == 0 {
			b.WriteString("<p>")
			escapeHTML(&b, "@"+v.agent+" ")
			v.fill(r, &b, v.fresh(r, t.notes), false)
			b.WriteString("</p>")
		} else {
			v.paragraph(r, &b, v.fresh(r, t.notes), false)
		}
	case msgBot:
		v.paragraph(r, &b, v.fresh(r, botMessages), false)
	}
	return b.String()
}

// subject returns an email subject line (plain text, as Intercom sends subjects).
func (v *textVars) subject(r *rand.Rand, t *topic) string {
	var b strings.Builder
	v.fill(r, &b, pick(r, t.subjects), false)
	s := unescapeHTML(b.String())
	if r.IntN(4) == 0 {
		s = "Re: " + s
	}
	return s
}

// title returns a conversation title (plain text).
func (v *textVars) title(r *rand.Rand, t *topic) string {
	var b strings.Builder
	v.fill(r, &b, pick(r, t.titles), false)
	return unescapeHTML(b.String())
}

func addTypos(r *rand.Rand, s string) string {
	if r.IntN(3) != 0 {
		return s
	}
	words := strings.Split(s, " ")
	changed := false
	for i, w := range words {
		if t, ok := typos[w]; ok && r.IntN(3) == 0 {
			words[i] = t
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

func escapeHTML(b *strings.Builder, s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(esc)
		start = i + 1
	}
	b.WriteString(s[start:])
}

var htmlEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ")

func unescapeHTML(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return htmlEntities.Replace(s)
}

// htmlToText renders an HTML body as Intercom's plain-text rendering does (display_as=plaintext and webhook payloads
// from 2.15): paragraphs become lines, <br> a line break, links "label (url)", entities decoded.
func htmlToText(h string) string {
	if h == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(h))
	paragraphs := 0
	for i := 0; i < len(h); {
		if h[i] != '<' {
			j := strings.IndexByte(h[i:], '<')
			if j < 0 {
				j = len(h) - i
			}
			b.WriteString(unescapeHTML(h[i : i+j]))
			i += j
			continue
		}
		end := strings.IndexByte(h[i:], '>')
		if end < 0 {
			b.WriteString(unescapeHTML(h[i:]))
			break
		}
		tag := h[i+1 : i+end]
		i += end + 1
		switch {
		case tag == "p":
			if paragraphs > 0 {
				b.WriteString("\n\n")
			}
			paragraphs++
		case tag == "br" || tag == "br/" || tag == "br /":
			b.WriteByte('\n')
		case strings.HasPrefix(tag, "a "):
			href := attr(tag, "href")
			close := strings.Index(h[i:], "</a>")
			if close < 0 {
				continue
			}
			label := unescapeHTML(h[i : i+close])
			i += close + len("</a>")
			b.WriteString(label)
			if href != "" {
				b.WriteString(" (")
				b.WriteString(unescapeHTML(href))
				b.WriteString(")")
			}
		}
	}
	return b.String()
}

func attr(tag, name string) string {
	i := strings.Index(tag, name+`="`)
	if i < 0 {
		return ""
	}
	rest := tag[i+len(name)+2:]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return rest[:j]
}

// words splits plain text into the lower-cased words that source.body search matches one by one.
func words(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 || r == '\'' || r == '-' || r == '_' || r == '@' || r == '.')
	})
	out := f[:0]
	for _, w := range f {
		w = strings.Trim(w, ".-'_")
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s
}

func slug(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), " ", "-")
}

func orderID(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return "A-" + strconv.Itoa(10000+r.IntN(90000))
	case 1:
		return "#" + strconv.Itoa(100000+r.IntN(900000))
	default:
		return "ORD-" + strconv.Itoa(2023+r.IntN(3)) + "-" + pad(r.IntN(10000), 4)
	}
}

func amount(r *rand.Rand) string {
	cur := pick(r, []string{"$", "$", "€", "£"})
	return cur + strconv.Itoa(5+r.IntN(500)) + "." + pick(r, []string{"00", "99", "50", "95"})
}

func trackingNumber(r *rand.Rand) string {
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := []byte("1Z")
	for range 16 {
		b = append(b, alnum[r.IntN(len(alnum))])
	}
	return string(b)
}
