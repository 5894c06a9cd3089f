package mcp

import (
	"bytes"
	"encoding/json"
	"unicode"
	"unicode/utf8"
)

// MCP requires a request's id to be a string or an integer, never null, and a notification to have no id; mcp-go
// takes a message whose id is null for a notification (and answers 202 to a request it then drops) and serves one
// whose id is an object, an array, a boolean or a fraction. The HTTP transport refuses those with the check here, a
// scan of the message's members that decodes none of them, cheap enough for every request: the body is decoded
// often enough already (mcp/README.md, "Load").

// badRequestID says why the id of JSON-RPC message msg makes it an invalid request (MCP: "Requests MUST include a
// string or integer ID", "the ID MUST NOT be null"; a notification has no id at all), or returns "" when it does
// not: it is a string or an integer, msg is a response or has no id, or msg is not a well-formed object (mcp-go
// answers that). It scans msg without decoding it: every request passes here.
func badRequestID(msg []byte) string {
	head, ok := scanMessageHead(msg)
	if !ok || !head.hasMethod || head.id == nil {
		return ""
	}
	what := idProblem(head.id)
	if what == "" {
		return ""
	}
	return `Invalid Request: "id" is ` + what + `: the id of a request must be a string or an integer, ` +
		`and a notification has no "id" member`
}

// requestID returns the id of JSON-RPC message msg as sent, when it is a string or an integer, and nil otherwise.
func requestID(msg []byte) json.RawMessage {
	if head, ok := scanMessageHead(msg); ok && head.id != nil && idProblem(head.id) == "" && json.Valid(head.id) {
		return head.id
	}
	return nil
}

// idProblem says what a JSON-RPC id, as sent, is when it is neither a string nor an integer; "" when it is one (or
// is not JSON, which the caller's scan has already made unlikely and mcp-go answers).
func idProblem(id []byte) string {
	switch c := id[0]; {
	case c == 'n':
		return "null"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case (c == '-' || '0' <= c && c <= '9') && bytes.ContainsAny(id, ".eE"):
		return "a number that is not an integer"
	}
	return ""
}

// messageHead is what scanMessageHead finds among the members of a JSON-RPC message.
type messageHead struct {
	id        []byte // the value of its (last) "id" member as sent, nil when it has none
	hasMethod bool   // it has a "method" member that is not null: a request or a notification, not a response
}

// scanMessageHead reads the members of the JSON object msg, skipping over their values without decoding them, and
// reports its id and whether it has a method; ok is false when msg is not an object it can read through (it does
// not validate what it skips: mcp-go does). Member names are matched as encoding/json matches them to mcp-go's
// fields: without regard to case, the last of duplicates winning.
func scanMessageHead(msg []byte) (head messageHead, ok bool) {
	s := jsonScan{b: msg}
	if !s.consume('{') {
		return head, false
	}
	if s.consume('}') {
		return head, s.atEnd()
	}
	for {
		if !s.peek('"') {
			return head, false
		}
		name, ok := s.str()
		if !ok || !s.consume(':') {
			return head, false
		}
		s.space()
		value, ok := s.value()
		if !ok {
			return head, false
		}
		switch {
		case memberNamed(name, "ID"):
			head.id = value
		case memberNamed(name, "METHOD"):
			head.hasMethod = value[0] != 'n'
		}
		if s.consume(',') {
			continue
		}
		return head, s.consume('}') && s.atEnd()
	}
}

// memberNamed reports whether a member name, as sent between its quotes, is name (upper case ASCII) to
// encoding/json, which folds case.
func memberNamed(raw []byte, name string) bool {
	if bytes.EqualFold(raw, []byte(name)) {
		return true
	}
	plain := bytes.IndexByte(raw, '\\') < 0
	for i := 0; plain && i < len(raw); i++ {
		plain = raw[i] < utf8.RuneSelf
	}
	if plain {
		return false // ASCII without escapes, and not name
	}
	var decoded string // escaped or not ASCII: rare, and decoded as encoding/json does
	if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &decoded) != nil {
		return false
	}
	folded := make([]rune, 0, len(decoded))
	for _, r := range decoded {
		folded = append(folded, foldRune(r))
	}
	return string(folded) == name
}

// foldRune folds r the way encoding/json folds member names: to the smallest rune of its case-folding orbit (the
// upper case letter, for ASCII).
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// jsonScan reads through JSON text without decoding it.
type jsonScan struct {
	b []byte
	i int
}

// space skips white space.
func (s *jsonScan) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// peek skips white space and reports whether c comes next.
func (s *jsonScan) peek(c byte) bool {
	s.space()
	return s.i < len(s.b) && s.b[s.i] == c
}

// consume skips white space and c, reporting whether c came next.
func (s *jsonScan) consume(c byte) bool {
	if !s.peek(c) {
		return false
	}
	s.i++
	return true
}

// atEnd skips white space and reports whether nothing follows.
func (s *jsonScan) atEnd() bool {
	s.space()
	return s.i == len(s.b)
}

// str reads the string that starts at the reading position and returns what is between its quotes, escapes as
// they are.
func (s *jsonScan) str() ([]byte, bool) {
	start := s.i + 1
	for j := start; ; j++ {
		k := bytes.IndexByte(s.b[j:], '"')
		if k < 0 {
			return nil, false
		}
		j += k
		escapes := 0 // the backslashes before the quote: an odd number escapes it
		for p := j - 1; p >= start && s.b[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			s.i = j + 1
			return s.b[start:j], true
		}
	}
}

// value reads the value that starts at the reading position and returns it as it is.
func (s *jsonScan) value() ([]byte, bool) {
	start := s.i
	if start == len(s.b) {
		return nil, false
	}
	switch s.b[start] {
	case '"':
		if _, ok := s.str(); !ok {
			return nil, false
		}
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return nil, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				return s.b[start:s.i], true
			}
		}
		return nil, false
	default: // a number, true, false or null
	scalar:
		for ; s.i < len(s.b); s.i++ {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				break scalar
			}
		}
		if s.i == start {
			return nil, false
		}
	}
	return s.b[start:s.i], true
}
