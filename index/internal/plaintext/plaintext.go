// Package plaintext turns the HTML of Intercom message bodies into the plain text the index analyses and the
// previews and snippets show: tags removed, character references decoded, block elements turned into line breaks,
// runs of white space collapsed. It is a tolerant scanner, not an HTML parser: bodies come from Intercom's editor
// and from email, and a stray "<" or an unterminated tag must lose no text and never fail.
package plaintext

import (
	"html"
	"strings"
	"unicode/utf8"
)

// FromHTML appends the plain text of the HTML fragment s to dst and returns the extended slice. Paragraph-level
// elements (p, div, br, li, headings, table rows, blockquote, pre) become a single "\n"; any other run of white
// space (including non-breaking spaces) becomes one " "; leading and trailing white space is dropped. The
// contents of script, style and head elements are dropped. Text that is not HTML comes back unchanged apart
// from white space. The result is valid UTF-8 when s is; invalid bytes are replaced by U+FFFD.
func FromHTML(dst []byte, s string) []byte {
	w := textWriter{b: dst, start: len(dst), pending: none}
	for i := 0; i < len(s); {
		c := s[i]
		if c == '<' {
			if n, name, closing := scanTag(s[i:]); n > 0 {
				i += n
				if isBlock(name) {
					w.space(newline)
				}
				if !closing && isRawText(name) {
					i += skipRawText(s[i:], name)
				}
				continue
			}
		}
		// A run of text up to the next possible tag.
		j := i + 1
		for j < len(s) && s[j] != '<' {
			j++
		}
		run := s[i:j]
		if strings.IndexByte(run, '&') >= 0 {
			run = html.UnescapeString(run)
		}
		w.text(run)
		i = j
	}
	return w.b
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

// textWriter appends text, collapsing white space into at most one separator between words.
type textWriter struct {
	b       []byte
	start   int // where this text began in b: no separator is written before the first word
	pending gap
}

func (w *textWriter) space(g gap) {
	if g > w.pending {
		w.pending = g
	}
}

func (w *textWriter) text(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t', '\r', '\f', '\v':
				w.space(space)
			case '\n':
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

func (w *textWriter) flush() {
	if w.pending != none && len(w.b) > w.start {
		if w.pending == newline {
			w.b = append(w.b, '\n')
		} else {
			w.b = append(w.b, ' ')
		}
	}
	w.pending = none
}

// scanTag reports the length of the tag, comment or declaration at the start of s, its lower-cased element name
// and whether it is a closing tag; n is 0 when s does not start with one (a "<" that is just text).
func scanTag(s string) (n int, name string, closing bool) {
	if len(s) < 2 {
		return 0, "", false
	}
	if strings.HasPrefix(s, "<!--") {
		end := strings.Index(s[4:], "-->")
		if end < 0 {
			return len(s), "", false
		}
		return 4 + end + 3, "", false
	}
	i := 1
	switch c := s[1]; {
	case c == '/':
		closing = true
		i = 2
	case c == '!' || c == '?':
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return 0, "", false
		}
		return end + 1, "", false
	}
	j := i
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	if j == i || !isLetter(s[i]) {
		return 0, "", false
	}
	name = strings.ToLower(s[i:j])
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
			return k + 1, name, closing
		case c == '<':
			// A new tag starts before this one ended: treat the "<" we started at as text.
			return 0, "", false
		}
	}
	return 0, "", false
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

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isNameByte(c byte) bool {
	return isLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == ':'
}

func isBlock(name string) bool {
	switch name {
	case "p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6",
		"blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt":
		return true
	}
	return false
}

func isRawText(name string) bool {
	return name == "script" || name == "style" || name == "head" || name == "title"
}
