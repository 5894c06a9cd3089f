package fakeintercom

import (
	"strconv"
	"unicode/utf8"
)

// jsonWriter appends JSON to a byte slice with keys in the order they are written. The fake writes every response
// by hand with it instead of marshalling maps or structs: the key order is stable and matches Intercom's examples,
// and rendering a million records stays cheap.
type jsonWriter struct {
	b     []byte
	comma bool // a value has been written at this level, so the next key or element needs a separator
}

func (w *jsonWriter) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
}

// key writes an object key that needs no escaping (the fake's own field names); the value must follow.
func (w *jsonWriter) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.comma = false
}

// keyEscaped writes an object key from data (a custom attribute name); the value must follow.
func (w *jsonWriter) keyEscaped(k string) {
	w.sep()
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
	w.comma = false
}

func (w *jsonWriter) openObject() {
	w.sep()
	w.b = append(w.b, '{')
	w.comma = false
}

func (w *jsonWriter) closeObject() {
	w.b = append(w.b, '}')
	w.comma = true
}

func (w *jsonWriter) openArray() {
	w.sep()
	w.b = append(w.b, '[')
	w.comma = false
}

func (w *jsonWriter) closeArray() {
	w.b = append(w.b, ']')
	w.comma = true
}

func (w *jsonWriter) str(s string) {
	w.sep()
	w.b = appendJSONString(w.b, s)
	w.comma = true
}

func (w *jsonWriter) int(n int64) {
	w.sep()
	w.b = strconv.AppendInt(w.b, n, 10)
	w.comma = true
}

func (w *jsonWriter) float(f float64) {
	w.sep()
	w.b = strconv.AppendFloat(w.b, f, 'f', -1, 64)
	w.comma = true
}

func (w *jsonWriter) bool(v bool) {
	w.sep()
	w.b = strconv.AppendBool(w.b, v)
	w.comma = true
}

func (w *jsonWriter) null() {
	w.sep()
	w.b = append(w.b, "null"...)
	w.comma = true
}

// raw appends an already encoded JSON value.
func (w *jsonWriter) raw(v []byte) {
	w.sep()
	w.b = append(w.b, v...)
	w.comma = true
}

// Shorthands for "key": value pairs.

func (w *jsonWriter) kstr(k, v string) { w.key(k); w.str(v) }
func (w *jsonWriter) kint(k string, v int64) {
	w.key(k)
	w.int(v)
}
func (w *jsonWriter) kbool(k string, v bool) { w.key(k); w.bool(v) }
func (w *jsonWriter) knull(k string)         { w.key(k); w.null() }

// ref writes {"type": typ, "id": id}, Intercom's reference to another object (an admin, a contact, ...).
func (w *jsonWriter) ref(typ, id string) {
	w.openObject()
	w.kstr("type", typ)
	w.kstr("id", id)
	w.closeObject()
}

// krefOrNull writes "k": a reference to the assignee, or null.
func (w *jsonWriter) krefOrNull(k string, a *assignee) {
	w.key(k)
	if a == nil {
		w.null()
		return
	}
	w.ref(a.typ, a.id)
}

// kwrappedList writes "k": {"type": typ, "k": [...]}, the wrapper Intercom puts around a list embedded in a record
// (contact.list, tag.list, admin.list, segment.list); items writes the elements.
func (w *jsonWriter) kwrappedList(k, typ string, items func()) {
	w.key(k)
	w.openObject()
	w.kstr("type", typ)
	w.key(k)
	w.openArray()
	items()
	w.closeArray()
	w.closeObject()
}

// kstrOrNull writes the string, or null when it is empty.
func (w *jsonWriter) kstrOrNull(k, v string) {
	w.key(k)
	if v == "" {
		w.null()
		return
	}
	w.str(v)
}

// ktimeOrNull writes a Unix timestamp, or null when it is zero.
func (w *jsonWriter) ktimeOrNull(k string, v int64) {
	w.key(k)
	if v == 0 {
		w.null()
		return
	}
	w.int(v)
}

// value writes a custom attribute value: string, int64, float64, bool or nil.
func (w *jsonWriter) value(v any) {
	switch v := v.(type) {
	case string:
		w.str(v)
	case int64:
		w.int(v)
	case int:
		w.int(int64(v))
	case float64:
		w.float(v)
	case bool:
		w.bool(v)
	default:
		w.null()
	}
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Like Intercom, it leaves <, > and & unescaped (bodies are HTML);
// control characters, quotes, backslashes, U+2028/U+2029 and invalid UTF-8 are escaped or replaced.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
