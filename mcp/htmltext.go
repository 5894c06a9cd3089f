package mcp

import (
	"html"
	"strings"
)

// htmlToText renders the HTML of an Intercom message body as readable plain text: tags removed, character
// references decoded, paragraphs, line breaks, list items and headings on their own lines, links written as
// "label (url)" (just the URL when the label is the URL), images as "[image: alt] (src)", and the contents of
// script and style dropped. It is a tolerant scanner, not a parser: a stray "<" or an unterminated tag loses no
// text. Text that is not HTML comes back with its white space tidied. The result is not yet sanitized.
func htmlToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidyText(s)
	}
	var w textBuilder
	var links []pendingLink // open <a> elements, innermost last
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if n, t := scanHTMLTag(s[i:]); n > 0 {
				i += n
				switch {
				case t.name == "!--" || t.name == "!":
				case t.name == "a" && !t.closing:
					links = append(links, pendingLink{href: t.attr("href"), start: w.len()})
				case t.name == "a" && t.closing:
					if len(links) > 0 {
						l := links[len(links)-1]
						links = links[:len(links)-1]
						w.closeLink(l)
					}
				case t.name == "img" && !t.closing:
					w.image(t.attr("alt"), t.attr("src"))
				case t.name == "br":
					w.newline()
				case t.name == "li" && !t.closing:
					w.newline()
					w.word("- ")
					w.noSpace = true
				case isBlockElement(t.name):
					w.paragraph()
				case !t.closing && (t.name == "script" || t.name == "style" || t.name == "head" || t.name == "title"):
					i += skipElementContent(s[i:], t.name)
				}
				continue
			}
		}
		j := i + 1
		for j < len(s) && s[j] != '<' {
			j++
		}
		w.text(html.UnescapeString(s[i:j]))
		i = j
	}
	return w.String()
}

// tidyText trims every line and collapses runs of blank lines to one, for bodies that are plain text already.
func tidyText(s string) string {
	var w textBuilder
	w.text(s)
	return w.String()
}

type pendingLink struct {
	href  string
	start int // length of the output when the <a> opened
}

// textBuilder accumulates text, collapsing horizontal white space into single spaces and keeping at most one
// blank line between paragraphs.
type textBuilder struct {
	b        strings.Builder
	pendingS bool // a space is owed before the next word
	breaks   int  // newlines owed before the next word (1 = line break, 2 = paragraph)
	noSpace  bool // suppress the space owed (after a list bullet)
}

func (w *textBuilder) len() int { return w.b.Len() }

func (w *textBuilder) newline() {
	if w.b.Len() > 0 && w.breaks < 1 {
		w.breaks = 1
	}
	w.pendingS = false
}

func (w *textBuilder) paragraph() {
	if w.b.Len() > 0 {
		w.breaks = 2
	}
	w.pendingS = false
}

// text appends character data: runs of spaces and tabs become one space; newlines in the source are kept as line
// breaks (email bodies sent as text rely on them).
func (w *textBuilder) text(t string) {
	for len(t) > 0 {
		i := strings.IndexAny(t, " \t\r\n\u00a0")
		if i < 0 {
			w.word(t)
			return
		}
		if i > 0 {
			w.word(t[:i])
		}
		c := t[i]
		size := 1
		if c == 0xc2 { // U+00A0 is two bytes
			size = 2
		}
		if c == '\n' {
			if w.b.Len() > 0 {
				w.breaks++
				if w.breaks > 2 {
					w.breaks = 2
				}
			}
			w.pendingS = false
		} else if w.b.Len() > 0 && w.breaks == 0 && !w.noSpace {
			w.pendingS = true
		}
		t = t[i+size:]
	}
}

func (w *textBuilder) word(s string) {
	if s == "" {
		return
	}
	switch {
	case w.breaks > 0:
		w.b.WriteString(strings.Repeat("\n", w.breaks))
	case w.pendingS:
		w.b.WriteByte(' ')
	}
	w.breaks, w.pendingS, w.noSpace = 0, false, false
	w.b.WriteString(s)
}

func (w *textBuilder) closeLink(l pendingLink) {
	href := strings.TrimSpace(l.href)
	if href == "" || strings.HasPrefix(strings.ToLower(href), "javascript:") {
		return
	}
	label := ""
	if l.start <= w.b.Len() {
		label = strings.TrimSpace(w.b.String()[l.start:])
	}
	switch {
	case label == "":
	case label == href || label == strings.TrimPrefix(strings.TrimPrefix(href, "mailto:"), "tel:"):
		return
	default:
		href = "(" + href + ")"
	}
	if w.b.Len() > 0 && w.breaks == 0 {
		w.pendingS = true
	}
	w.word(href)
}

func (w *textBuilder) image(alt, src string) {
	alt, src = strings.TrimSpace(alt), strings.TrimSpace(src)
	var s string
	switch {
	case alt != "" && src != "":
		s = "[image: " + alt + "] (" + src + ")"
	case src != "":
		s = "[image] (" + src + ")"
	case alt != "":
		s = "[image: " + alt + "]"
	default:
		return
	}
	if w.b.Len() > 0 && w.breaks == 0 {
		w.pendingS = true
	}
	w.word(s)
}

func (w *textBuilder) String() string { return strings.TrimSpace(w.b.String()) }

// htmlTag is a scanned start or end tag.
type htmlTag struct {
	name    string // lower-case element name; "!--" for a comment, "!" for a doctype or other declaration
	closing bool
	attrs   string // the raw attribute text of a start tag
}

// attr returns the decoded value of the attribute called name, or "".
func (t htmlTag) attr(name string) string {
	s := t.attrs
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t\r\n/")
		if s == "" {
			break
		}
		k := 0
		for k < len(s) && !strings.ContainsRune(" \t\r\n=/>", rune(s[k])) {
			k++
		}
		key := strings.ToLower(s[:k])
		s = strings.TrimLeft(s[k:], " \t\r\n")
		val := ""
		if strings.HasPrefix(s, "=") {
			s = strings.TrimLeft(s[1:], " \t\r\n")
			if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
				q := s[0]
				end := strings.IndexByte(s[1:], q)
				if end < 0 {
					val, s = s[1:], ""
				} else {
					val, s = s[1:1+end], s[2+end:]
				}
			} else {
				e := 0
				for e < len(s) && !strings.ContainsRune(" \t\r\n>", rune(s[e])) {
					e++
				}
				val, s = s[:e], s[e:]
			}
		}
		if key == name {
			return html.UnescapeString(val)
		}
		if k == 0 && val == "" {
			s = s[1:] // a stray character; skip it
		}
	}
	return ""
}

// scanHTMLTag reads a tag at the start of s (which begins with "<") and returns its length in bytes, or 0 when
// s does not start a tag (the "<" is then text, as in "a < b").
func scanHTMLTag(s string) (int, htmlTag) {
	if strings.HasPrefix(s, "<!--") {
		end := strings.Index(s[4:], "-->")
		if end < 0 {
			return len(s), htmlTag{name: "!--"}
		}
		return 4 + end + 3, htmlTag{name: "!--"}
	}
	i := 1
	var t htmlTag
	if i < len(s) && s[i] == '/' {
		t.closing = true
		i++
	}
	if i < len(s) && s[i] == '!' {
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return 0, t
		}
		return end + 1, htmlTag{name: "!"}
	}
	start := i
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9' && i > start) {
		i++
	}
	if i == start {
		return 0, t
	}
	t.name = strings.ToLower(s[start:i])
	// Find the closing ">" outside quoted attribute values.
	var quote byte
	for j := i; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			t.attrs = s[i:j]
			return j + 1, t
		case c == '<':
			return 0, htmlTag{} // "<b <i>": not a tag after all
		}
	}
	return 0, htmlTag{}
}

// skipElementContent returns how many bytes of s (the text after <name ...>) belong to the raw content of the
// element, up to and including its end tag, or len(s) when unterminated.
func skipElementContent(s, name string) int {
	lower := strings.ToLower(s)
	end := strings.Index(lower, "</"+name)
	if end < 0 {
		return len(s)
	}
	gt := strings.IndexByte(s[end:], '>')
	if gt < 0 {
		return len(s)
	}
	return end + gt + 1
}

func isBlockElement(name string) bool {
	switch name {
	case "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr",
		"section", "article", "header", "footer", "hr", "dl", "dt", "dd", "figure", "figcaption", "body", "html":
		return true
	}
	return false
}
