package index

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/intercom-replica/intercom-replica/index/plaintext"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// Snippets show why a hit matched free text: the passages of the opening message and the parts (or the title,
// when only the title matched) where the query's words occur, with those words wrapped in "**".
//
// They are cut from the stored record, not from the index: the index stores no text (that would double its size)
// and bleve's highlighter would need stored values and locations for every hit, where only the page's hits need
// snippets. The record's text is extracted exactly as for indexing and analysed with the same English analyzer,
// so "refunds" in the text matches "refund" in the query as it did in the search.

const (
	maxSnippets  = 2
	snippetBytes = 200 // about two lines
	snippetLead  = 60  // context kept before the first match
)

// snippetFields are the fields snippets come from, in order of preference among equally good passages.
// (Tickets: parts, description, title; articles: textField, which holds every language's bodies, descriptions and
// titles in that order; contacts and companies: textField.)
var snippetFields = [...]string{"parts_body", "source_body", textField, "description", "title", "source_subject"}

// addSnippets fills the Snippets of hits for the free text.
func (r *Replica) addSnippets(ks *kindState, hits []Hit, text []analyzedText) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	raws, err := r.store.getRaws(ks.kind, ids)
	if err != nil {
		return err
	}
	m := newMatcher(text)
	for i := range hits {
		raw, ok := raws[hits[i].ID]
		if !ok {
			continue
		}
		d, err := extractText(ks.kind, raw)
		if err != nil {
			continue
		}
		hits[i].Snippets = ks.schema.snippets(&d, m)
	}
	return nil
}

// extractText returns a doc holding only the text fields snippets come from, extracted exactly as extract does.
func extractText(kind query.Kind, raw []byte) (doc, error) {
	d := doc{kind: kind}
	var parts []wire.String
	switch kind {
	case query.KindConversation:
		var c wire.ConversationText
		if err := wire.ReadStored(raw, &c); err != nil {
			return doc{}, err
		}
		d.text("title", plaintext.String(string(c.Title)))
		if c.Source != nil {
			d.text("source_subject", plaintext.String(string(c.Source.Subject)))
			d.text("source_body", plaintext.String(string(c.Source.Body)))
		}
		if c.Parts != nil {
			for _, p := range c.Parts.Parts {
				parts = append(parts, p.Body)
			}
		}
	case query.KindTicket:
		var t wire.TicketText
		if err := wire.ReadStored(raw, &t); err != nil {
			return doc{}, err
		}
		d.text("title", plaintext.String(string(t.Attributes.Title)))
		d.text("description", plaintext.String(string(t.Attributes.Description)))
		if t.Parts != nil {
			for _, p := range t.Parts.Parts {
				parts = append(parts, p.Body)
			}
		}
	default:
		return extractStored(kind, raw)
	}
	bodies := make([]string, 0, len(parts))
	for _, p := range parts {
		if p != "" {
			if t := plaintext.String(string(p)); t != "" {
				bodies = append(bodies, t)
			}
		}
	}
	d.text("parts_body", bodies...)
	return d, nil
}

// matcher finds the query's words in analysed text.
type matcher struct {
	words   map[string]bool // terms of bare words
	phrases []analyzedText  // phrases of two or more terms
	probes  []string        // lower-case prefixes, one of which a passage must contain to be worth analysing
	total   int             // distinct terms of the query: a passage matching as many can not be bettered
}

func newMatcher(text []analyzedText) *matcher {
	m := &matcher{words: map[string]bool{}}
	for _, t := range text {
		if t.phrase && len(t.terms) > 1 {
			m.phrases = append(m.phrases, t)
		} else {
			for _, term := range t.terms {
				m.words[term] = true
			}
		}
		for _, term := range t.terms {
			// Stems keep the start of the word ("refund" for "refunds", "bill" for "billing"); four letters are
			// enough to skip most parts without analysing them.
			p := term
			if len(p) > 4 {
				p = p[:4]
			}
			m.probes = append(m.probes, p)
		}
	}
	all := map[string]bool{}
	for w := range m.words {
		all[w] = true
	}
	for _, ph := range m.phrases {
		for _, t := range ph.terms {
			all[t] = true
		}
	}
	m.total = len(all)
	return m
}

// passage is a text value with the byte spans of the query's words in it.
type passage struct {
	text  string
	spans [][2]int
	terms int // distinct query terms matched
}

func (s *schema) snippets(d *doc, m *matcher) []string {
	var found []passage
	best := 0 // passages matching every term of the query: once there are enough, looking further is wasted
	for _, name := range snippetFields {
		f := d.field(name)
		if f == nil {
			continue
		}
	values:
		for _, text := range f.strs {
			for _, para := range paragraphs(text) {
				if p, ok := s.match(para, m); ok {
					found = append(found, p)
					if p.terms == m.total {
						if best++; best == maxSnippets {
							break values
						}
					}
				}
			}
		}
		// Title and subject only speak when nothing in the body did.
		if len(found) >= maxSnippets || (len(found) > 0 && (name == "source_body" || name == textField || name == "description")) {
			break
		}
	}
	// The passages matching the most distinct terms first; among equals, the earlier field and part.
	slices.SortStableFunc(found, func(a, b passage) int { return b.terms - a.terms })
	var out []string
	for _, p := range found {
		if len(out) == maxSnippets {
			break
		}
		out = append(out, p.render())
	}
	return out
}

// longText is the length past which a text value is looked at paragraph by paragraph: an article or a long email
// would otherwise be analysed whole for every hit (an article of 3 KB cost 0.3 ms a hit), where a snippet is one
// paragraph's passage anyway.
const longText = 1000

// paragraphs returns text's lines when it is longer than longText (plaintext.String ends paragraphs with a new
// line), else text itself.
func paragraphs(text string) []string {
	if len(text) <= longText {
		return []string{text}
	}
	return strings.Split(text, "\n")
}

// match analyses text and returns the spans of the query's words (single words anywhere, phrases as consecutive
// terms), or false when none occur.
func (s *schema) match(text string, m *matcher) (passage, bool) {
	lower := strings.ToLower(text)
	probe := false
	for _, p := range m.probes {
		if strings.Contains(lower, p) {
			probe = true
			break
		}
	}
	if !probe {
		return passage{}, false
	}
	toks := s.words.analyze(text, nil) // the index's own analysis (its fast path), so the words are the ones it found
	p := passage{text: text}
	seen := map[string]bool{}
	for _, tok := range toks {
		if m.words[tok.term] {
			p.spans = append(p.spans, [2]int{tok.start, tok.end})
			seen[tok.term] = true
		}
	}
	for _, ph := range m.phrases {
		for i, tok := range toks {
			if tok.term != ph.terms[0] {
				continue
			}
			end, ok := tok.end, true
			for k := 1; k < len(ph.terms) && ok; k++ {
				want := tok.pos + ph.pos[k] - ph.pos[0]
				ok = false
				for j := i + 1; j < len(toks) && toks[j].pos <= want; j++ {
					if toks[j].pos == want && toks[j].term == ph.terms[k] {
						end, ok = toks[j].end, true
						break
					}
				}
			}
			if ok {
				p.spans = append(p.spans, [2]int{tok.start, end})
				for _, t := range ph.terms {
					seen[t] = true
				}
			}
		}
	}
	if len(p.spans) == 0 {
		return passage{}, false
	}
	slices.SortFunc(p.spans, func(a, b [2]int) int { return a[0] - b[0] })
	p.terms = len(seen)
	return p, true
}

// render cuts a window of about snippetBytes around the first match and marks the matches in it.
func (p passage) render() string {
	text := p.text
	start := 0
	if first := p.spans[0][0]; first > snippetLead {
		start = wordStart(text, first-snippetLead)
	}
	end := len(text)
	if end-start > snippetBytes {
		end = wordEnd(text, start+snippetBytes)
	}
	// Make sure the first match is whole even when it is long.
	end = max(end, min(p.spans[0][1], len(text)))
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	at := start
	for _, sp := range p.spans {
		if sp[0] < at || sp[1] > end {
			continue
		}
		b.WriteString(oneLine(text[at:sp[0]]))
		b.WriteString("**")
		b.WriteString(oneLine(text[sp[0]:sp[1]]))
		b.WriteString("**")
		at = sp[1]
	}
	b.WriteString(oneLine(text[at:end]))
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// wordStart returns the start of the word at or after byte i.
func wordStart(s string, i int) int {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if sp := strings.IndexByte(s[i:], ' '); sp >= 0 && sp < 20 {
		return i + sp + 1
	}
	return i
}

// wordEnd returns the end of the word at byte i.
func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	if sp := strings.LastIndexByte(s[:i], ' '); sp > 0 && i-sp < 20 {
		return sp
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
