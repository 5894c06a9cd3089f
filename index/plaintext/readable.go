package plaintext

import "strings"

// Readable renders the HTML of a message body as text for a reader: tags removed, character references decoded,
// paragraphs separated by a blank line, line breaks and list items ("- ") on their own lines, table cells
// separated by a space, links written as "label (url)" (just the URL when the label is the URL or is empty;
// javascript: links dropped), images as "[image: alt] (src)", and comments, declarations and the contents of
// script, style, head and title dropped. Runs of spaces and tabs become one space, newlines in the text are kept
// (bodies sent as plain text rely on them), at most one blank line separates paragraphs, and the result is
// trimmed. It never fails and loses no text: a stray "<" or an unterminated tag is text. The result is not
// sanitized (invisible and control characters are left for the caller to handle), and it is valid UTF-8 when s is.
func Readable(s string) string {
	var w readableWriter
	if !strings.ContainsAny(s, "<&") {
		w.text(s)
		return w.String()
	}
	var links []pendingLink // open <a> elements, innermost last
	z := scanner{s: s}
	for {
		text, t, ok := z.next()
		if !ok {
			break
		}
		if t.name == "" {
			w.text(text)
			continue
		}
		switch classify(t.name) {
		case anchor:
			if !t.closing {
				links = append(links, pendingLink{href: t.attr("href"), start: w.b.Len()})
			} else if len(links) > 0 {
				l := links[len(links)-1]
				links = links[:len(links)-1]
				w.closeLink(l)
			}
		case image:
			if !t.closing {
				w.image(t.attr("alt"), t.attr("src"))
			}
		case lineBreak:
			w.newline()
		case listItem:
			if !t.closing {
				w.newline()
				w.word("- ")
				w.noSpace = true
			}
		case cell:
			w.space()
		case block:
			w.paragraph()
		}
	}
	return w.String()
}

type pendingLink struct {
	href  string
	start int // length of the output when the <a> opened
}

// readableWriter accumulates text, collapsing horizontal white space into single spaces and keeping at most one
// blank line between paragraphs.
type readableWriter struct {
	b        strings.Builder
	pendingS bool // a space is owed before the next word
	breaks   int  // newlines owed before the next word (1 = line break, 2 = paragraph)
	noSpace  bool // suppress the space owed (after a list bullet)
}

func (w *readableWriter) newline() {
	if w.b.Len() > 0 && w.breaks < 1 {
		w.breaks = 1
	}
	w.pendingS = false
}

func (w *readableWriter) paragraph() {
	if w.b.Len() > 0 {
		w.breaks = 2
	}
	w.pendingS = false
}

// space owes a space before the next word, unless a line break is owed already.
func (w *readableWriter) space() {
	if w.b.Len() > 0 && w.breaks == 0 {
		w.pendingS = true
	}
}

// text appends character data: runs of spaces and tabs become one space; newlines in the source are kept as line
// breaks.
func (w *readableWriter) text(t string) {
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
				w.breaks = min(w.breaks+1, 2)
			}
			w.pendingS = false
		} else if !w.noSpace {
			w.space()
		}
		t = t[i+size:]
	}
}

func (w *readableWriter) word(s string) {
	if s == "" {
		return
	}
	switch {
	case w.breaks > 0:
		w.b.WriteString(strings.Repeat("\n", w.breaks))
	case w.pendingS && !w.noSpace:
		w.b.WriteByte(' ')
	}
	w.breaks, w.pendingS, w.noSpace = 0, false, false
	w.b.WriteString(s)
}

func (w *readableWriter) closeLink(l pendingLink) {
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
	w.space()
	w.word(href)
}

func (w *readableWriter) image(alt, src string) {
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
	w.space()
	w.word(s)
}

// String returns the text written, trimmed.
func (w *readableWriter) String() string { return strings.TrimSpace(w.b.String()) }
