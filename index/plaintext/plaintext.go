// Package plaintext turns the HTML of Intercom message bodies into text, in the two renderings the replica needs,
// from one scanner:
//
//   - words ([FromHTML], [String], [Preview]): what the full-text index analyses and what previews and snippets
//     show. Tags removed, character references decoded, paragraph-level elements turned into one line break, every
//     other run of white space into one space.
//   - readable text ([Readable]): what the MCP tools show a model. Paragraphs separated by a blank line, line
//     breaks and list items kept, links written as "label (url)", images as "[image: alt] (src)".
//
// Both drop comments, declarations and the contents of script, style, head and title, and classify elements from
// one table (see [classify]).
//
// The scanner is a tolerant hand-written one, not an HTML parser. Bodies come from Intercom's editor and from email,
// often as text with a stray "<" ("if a < b", "price <5"), and no text may be lost or any input fail. It was measured
// against golang.org/x/net/html's tokenizer (the spec's tokenizer) doing the scanning for the words rendering, on
// 6,553 synthetic message bodies (index/internal/synth, 2.2 MB): the same output on every one of them, but
// 3.7 times slower (50 against 190 MB/s) with 12 times the allocation (31 against 2.6 MB), and on malformed
// input the spec's tokenizer loses text the scanner keeps: "price <b" gives "price" (a tag cut short by the end
// of the input is dropped), "a </ b" gives "a" (a bogus comment to the end), "<b <i>x</i>" loses "<b" into an
// attribute. Building the index runs this for every part of every conversation, so the scanner stays.
package plaintext

import (
	"html"
	"strings"
	"unicode/utf8"
)

// FromHTML appends the words rendering of the HTML fragment s to dst and returns the extended slice.
// Paragraph-level elements (p, div, br, li, headings, table rows and cells, blockquote, pre, ...) become a single
// "\n"; any other run of white space (including non-breaking spaces) becomes one " "; leading and trailing white
// space is dropped. The contents of script, style, head and title elements are dropped. Text that is not HTML
// comes back unchanged apart from white space. The result is valid UTF-8: invalid bytes are replaced by U+FFFD.
func FromHTML(dst []byte, s string) []byte {
	w := wordWriter{b: dst, start: len(dst), pending: none}
	z := scanner{s: s}
	for {
		text, t, ok := z.next()
		switch {
		case !ok:
			return w.b
		case t.name == "":
			w.text(text)
		default:
			switch classify(t.name) {
			case block, lineBreak, listItem, cell:
				w.space(newline)
			}
		}
	}
}

// String is FromHTML for callers that want a string.
func String(s string) string {
	return string(FromHTML(make([]byte, 0, len(s)), s))
}

// Preview returns the first max bytes' worth of words of text (at most max bytes, cut at a word boundary, "…"
// appended when cut), with line breaks shown as spaces: the one-line start of a body that result lists show.
func Preview(text string, max int) string {
	text = strings.ReplaceAll(text, "\n", " ")
	if len(text) <= max {
		return text
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(text[:cut], ' '); sp > max/2 {
		cut = sp
	}
	return strings.TrimRight(text[:cut], " ") + "…"
}

type gap int

const (
	none gap = iota
	space
	newline
)

// wordWriter appends text, collapsing white space into at most one separator between words.
type wordWriter struct {
	b       []byte
	start   int // where this text began in b: no separator is written before the first word
	pending gap
}

func (w *wordWriter) space(g gap) {
	if g > w.pending {
		w.pending = g
	}
}

func (w *wordWriter) text(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t', '\r', '\f', '\v', '\n':
				w.space(space)
			default:
				if c < 0x20 || c == 0x7f {
					w.space(space)
				} else {
					w.flush()
					w.b = append(w.b, c)
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			w.flush()
			w.b = utf8.AppendRune(w.b, utf8.RuneError)
		case r == '\u00a0' || r == '\u2028' || r == '\u2029' || r == '\u200b' || r == '\ufeff' || r == '\u3000' ||
			(r >= '\u2000' && r <= '\u200a'):
			w.space(space)
		default:
			w.flush()
			w.b = append(w.b, s[i:i+n]...)
		}
		i += n
	}
}

func (w *wordWriter) flush() {
	if w.pending != none && len(w.b) > w.start {
		if w.pending == newline {
			w.b = append(w.b, '\n')
		} else {
			w.b = append(w.b, ' ')
		}
	}
	w.pending = none
}

// element is what a rendering does with an element's tags, from [classify].
type element uint8

const (
	inline    element = iota // no separator: "re<b>fund</b>" is one word
	block                    // a paragraph: a line break in words, a blank line in readable text
	lineBreak                // br: a line break
	listItem                 // li: a line break; readable text starts a "- " item at <li>
	cell                     // td, th: a line break in words, a space in readable text
	rawText                  // script, style, head, title: the contents are dropped
	anchor                   // a: readable text writes the link after its label
	image                    // img: readable text writes its alt text and source
)

// classify returns what the element with the lower-case name is. Both renderings use this one table.
func classify(name string) element {
	switch name {
	case "p", "div", "ul", "ol", "dl", "dt", "dd", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
		"pre", "hr", "section", "article", "header", "footer", "figure", "figcaption", "body", "html":
		return block
	case "br":
		return lineBreak
	case "li":
		return listItem
	case "td", "th":
		return cell
	case "script", "style", "head", "title":
		return rawText
	case "a":
		return anchor
	case "img":
		return image
	}
	return inline
}

// tag is a scanned start or end tag.
type tag struct {
	name    string // lower-case element name; "" for text, comments and declarations
	closing bool
	attrs   string // the raw attribute text of a start tag
}

// scanner splits an HTML fragment into text and tags. It never fails: a "<" that does not start a tag is text.
type scanner struct {
	s string
	i int
}

// next returns the next piece of the input: text (character references decoded; t.name is "") or a tag (text is
// ""). Comments and declarations come back as neither (empty text and name). ok is false at the end. The contents
// of a raw-text element (script, style, ...) are skipped after its start tag.
func (z *scanner) next() (text string, t tag, ok bool) {
	s := z.s
	i := z.i
	if i >= len(s) {
		return "", tag{}, false
	}
	if s[i] == '<' {
		if n, t := scanTag(s[i:]); n > 0 {
			i += n
			if !t.closing && t.name != "" && classify(t.name) == rawText {
				i += skipRawText(s[i:], t.name)
			}
			z.i = i
			return "", t, true
		}
	}
	// A run of text up to the next possible tag.
	j := i + 1
	if k := strings.IndexByte(s[j:], '<'); k >= 0 {
		j += k
	} else {
		j = len(s)
	}
	z.i = j
	run := s[i:j]
	if strings.IndexByte(run, '&') >= 0 {
		run = html.UnescapeString(run)
	}
	return run, tag{}, true
}

// scanTag reports the length of the tag, comment or declaration at the start of s (which begins with "<") and the
// tag; n is 0 when s does not start one (the "<" is then text, as in "a < b" or an unterminated "<b").
func scanTag(s string) (n int, t tag) {
	if len(s) < 2 {
		return 0, tag{}
	}
	if strings.HasPrefix(s, "<!--") {
		end := strings.Index(s[4:], "-->")
		if end < 0 {
			return len(s), tag{}
		}
		return 4 + end + 3, tag{}
	}
	i := 1
	switch c := s[1]; {
	case c == '/':
		t.closing = true
		i = 2
	case c == '!' || c == '?':
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return 0, tag{}
		}
		return end + 1, tag{}
	}
	j := i
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	if j == i || !isLetter(s[i]) {
		return 0, tag{}
	}
	t.name = strings.ToLower(s[i:j])
	// Find the end of the tag, skipping quoted attribute values.
	var quote byte
	for k := j; k < len(s); k++ {
		c := s[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			t.attrs = s[j:k]
			return k + 1, t
		case c == '<':
			// A new tag starts before this one ended: treat the "<" we started at as text.
			return 0, tag{}
		}
	}
	return 0, tag{}
}

// skipRawText returns how many bytes of s belong to the raw-text element name (up to and including its closing
// tag), or all of s when the element is not closed.
func skipRawText(s, name string) int {
	lower := strings.ToLower(s)
	end := strings.Index(lower, "</"+name)
	if end < 0 {
		return len(s)
	}
	if gt := strings.IndexByte(s[end:], '>'); gt >= 0 {
		return end + gt + 1
	}
	return len(s)
}

// attr returns the decoded value of the start tag's attribute called name (lower case), or "". Any attribute text
// is accepted: a name is whatever runs up to white space, "/", "=" or the end, so "<a =>" has an attribute
// named "=" and no href.
func (t tag) attr(name string) string {
	s := t.attrs
	for {
		s = strings.TrimLeft(s, " \t\r\n\f/")
		if s == "" {
			return ""
		}
		k := 1 // the first byte always belongs to the name, so every round consumes something
		for k < len(s) && !strings.ContainsRune(" \t\r\n\f/=", rune(s[k])) {
			k++
		}
		key := s[:k]
		s = strings.TrimLeft(s[k:], " \t\r\n\f")
		val := ""
		if strings.HasPrefix(s, "=") {
			s = strings.TrimLeft(s[1:], " \t\r\n\f")
			if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
				q := s[0]
				if end := strings.IndexByte(s[1:], q); end < 0 {
					val, s = s[1:], ""
				} else {
					val, s = s[1:1+end], s[2+end:]
				}
			} else {
				e := strings.IndexAny(s, " \t\r\n\f")
				if e < 0 {
					e = len(s)
				}
				val, s = s[:e], s[e:]
			}
		}
		if strings.EqualFold(key, name) {
			return html.UnescapeString(val)
		}
	}
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isNameByte(c byte) bool {
	return isLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == ':'
}
