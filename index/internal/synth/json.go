package synth

import (
	"strconv"
	"unicode/utf8"
)

// writer appends compact JSON. It tracks only whether a separator is due, which is all that well-nested calls need.
type writer struct {
	b    []byte
	more bool // a value was written at the current nesting level
}

func (w *writer) sep() {
	if w.more {
		w.b = append(w.b, ',')
	}
	w.more = true
}

func (w *writer) open()   { w.sep(); w.b = append(w.b, '{'); w.more = false }
func (w *writer) close()  { w.b = append(w.b, '}'); w.more = true }
func (w *writer) arr()    { w.sep(); w.b = append(w.b, '['); w.more = false }
func (w *writer) endArr() { w.b = append(w.b, ']'); w.more = true }

func (w *writer) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.more = false
}

func (w *writer) null() { w.sep(); w.b = append(w.b, "null"...) }

func (w *writer) kstr(k, v string) {
	w.key(k)
	w.sep()
	w.b = append(w.b, '"')
	w.b = appendEscaped(w.b, v)
	w.b = append(w.b, '"')
}

func (w *writer) kint(k string, v int64) {
	w.key(k)
	w.sep()
	w.b = strconv.AppendInt(w.b, v, 10)
}

func (w *writer) kbool(k string, v bool) {
	w.key(k)
	w.sep()
	w.b = strconv.AppendBool(w.b, v)
}

func (w *writer) knull(k string) { w.key(k); w.null() }

// appendEscaped appends s as the inside of a JSON string.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		b = append(b, s[i:i+n]...)
		i += n
	}
	return b
}
