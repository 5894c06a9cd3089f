package query

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxLength is the longest DSL text Parse accepts, in bytes: the one limit of every front end (the search tool,
// the CLI). Real queries are a few hundred bytes; the bound keeps a runaway caller from making the parser (and the
// index behind it) do unbounded work.
const MaxLength = 8192

// maxCursorText is how many bytes a query's starting_after may add to MaxLength, which is the query's alone: the
// next page of any query within the limit can be asked for. (A relevance cursor carries the first page's scoring
// statistics, a few bytes per word of the query.) It bounds the text lexed before the cursor is set aside.
const maxCursorText = 2 * MaxLength

// rawTerm is one term as the lexer found it, before the catalog gives it meaning: field[:op]:value[,value...].
type rawTerm struct {
	pos    int    // byte offset of the term in the DSL text
	text   string // the whole term as written
	field  string // the field as written ("" for a term without one)
	op     string // the operator as written ("" when the term names none)
	opPos  int
	values []rawValue
	bare   bool // no field: a bare word or a quoted phrase
}

// rawValue is one value of a term, unquoted.
type rawValue struct {
	text   string
	pos    int // byte offset of the value (of its opening quote when quoted)
	end    int // byte offset after the value (after its closing quote)
	quoted bool
}

// lex splits dsl into terms. It knows the grammar but not the catalog: which words are operators, where values
// start and end, quoting. The only field it treats specially is q, whose value is free text read up to the next
// white space (or a quoted phrase) without operators or lists.
//
// The values of all terms share one backing array (vals), so a query costs a few allocations, not one per term.
func lex(dsl string, terms []rawTerm, vals []rawValue) ([]rawTerm, *Error) {
	if len(dsl) > MaxLength+maxCursorText {
		return nil, tooLong(len(dsl))
	}
	if !utf8.ValidString(dsl) {
		return nil, notUTF8("query", dsl)
	}
	i, cursors := 0, 0 // cursors: the bytes of the starting_after terms, not counted in MaxLength
	for {
		end := i // of the previous term: the space before a starting_after is not counted either
		i = skipSpace(dsl, i)
		if i >= len(dsl) {
			if n := len(dsl) - cursors; n > MaxLength {
				return nil, tooLong(n)
			}
			return terms, nil
		}
		t, next, err := lexTerm(dsl, i, &vals)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		if t.field == "starting_after" {
			cursors += next - end
		}
		i = next
	}
}

// tooLong is the error of a query of n bytes (not counting its starting_after), more than MaxLength.
func tooLong(n int) *Error {
	return &Error{Pos: -1, Msg: fmt.Sprintf("query is %d bytes long; the limit is %d bytes: shorten it, or split it into several searches", n, MaxLength)}
}

// lexTerm reads the term starting at dsl[start] (not white space) and returns it with the offset after it.
func lexTerm(dsl string, start int, vals *[]rawValue) (rawTerm, int, *Error) {
	t := rawTerm{pos: start, opPos: -1}
	// The field: everything up to the first colon outside quotes. Quotes are allowed in a field only to spell a
	// custom attribute's name (ca."Ticket category"); a term with no colon is a bare word or phrase.
	j := start
	for j < len(dsl) && dsl[j] != ':' {
		if dsl[j] == '"' {
			_, n, err := unquoteAt(dsl[j:])
			if err != nil {
				return t, 0, unterminated(dsl, j)
			}
			j += n
			continue
		}
		if sp, _ := spaceAt(dsl, j); sp {
			break
		}
		j++
	}
	if j >= len(dsl) || dsl[j] != ':' {
		t.bare = true
		t.text = dsl[start:j]
		return t, j, nil
	}
	t.field = dsl[start:j]
	j++ // the colon
	if t.field == "" {
		end := termEnd(dsl, j)
		return t, 0, &Error{Pos: start, Token: dsl[start:end], Msg: "missing field name before \":\"; write field:value, e.g. state:open"}
	}

	if isQField(t.field) {
		v, next, err := lexValue(dsl, j, true)
		if err != nil {
			return t, 0, err
		}
		if next == j {
			return t, 0, missingValue(dsl, start, j)
		}
		if next < len(dsl) {
			if sp, _ := spaceAt(dsl, next); !sp {
				return t, 0, textAfterQuote(dsl, start, next)
			}
		}
		*vals = append(*vals, v)
		t.values = (*vals)[len(*vals)-1 : len(*vals) : len(*vals)]
		t.text = dsl[start:next]
		return t, next, nil
	}

	// An operator is a word of letters and underscores that ParseOp knows, followed by a colon; exists and
	// not_exists may also end the term. Anything else starts the value, so a value may contain colons
	// (created_at:2025-01-31T10:00:00Z, source_url:https://example.com).
	k := j
	for k < len(dsl) && (dsl[k] == '_' || (dsl[k]|0x20 >= 'a' && dsl[k]|0x20 <= 'z')) {
		k++
	}
	if k > j {
		if op, ok := ParseOp(dsl[j:k]); ok {
			if k < len(dsl) && dsl[k] == ':' {
				t.op, t.opPos = dsl[j:k], j
				j = k + 1
			} else if op.Arity() == 0 && (k == len(dsl) || isSpaceAt(dsl, k)) {
				t.op, t.opPos = dsl[j:k], j
				t.text = dsl[start:k]
				return t, k, nil
			}
		}
	}

	// The values: one, or a comma-separated list.
	first := len(*vals)
	for {
		v, next, err := lexValue(dsl, j, false)
		if err != nil {
			return t, 0, err
		}
		if next == j {
			if len(t.values) > 0 {
				return t, 0, &Error{Pos: start, Token: dsl[start:termEnd(dsl, j)],
					Msg: "empty value in a list; remove the extra comma or add a value"}
			}
			return t, 0, missingValue(dsl, start, j)
		}
		*vals = append(*vals, v)
		t.values = (*vals)[first:len(*vals):len(*vals)]
		j = next
		if j < len(dsl) && dsl[j] == ',' {
			j++
			continue
		}
		if j < len(dsl) {
			if sp, _ := spaceAt(dsl, j); !sp {
				return t, 0, textAfterQuote(dsl, start, j)
			}
		}
		t.text = dsl[start:j]
		return t, j, nil
	}
}

// missingValue reports a term that ends right after its colon, such as "state:" or "state: open".
func missingValue(dsl string, start, at int) *Error {
	return &Error{Pos: start, Token: dsl[start:at],
		Msg: fmt.Sprintf("missing value after %q; write %s<value> with no space after the colon", clip(dsl[start:at]), clip(dsl[start:at]))}
}

// lexValue reads one value at dsl[i]: a quoted string, or a bare run of characters up to white space (and, in a
// list, up to a comma). freeText reads q's value, which may contain commas. A bare value of length zero (white
// space, a comma or the end at dsl[i]) is returned with next == i.
func lexValue(dsl string, i int, freeText bool) (rawValue, int, *Error) {
	if i < len(dsl) && dsl[i] == '"' {
		s, n, err := unquoteAt(dsl[i:])
		if err != nil {
			return rawValue{}, 0, unterminated(dsl, i)
		}
		return rawValue{text: s, pos: i, end: i + n, quoted: true}, i + n, nil
	}
	j := i
	for j < len(dsl) {
		c := dsl[j]
		if c == '"' || (c == ',' && !freeText) {
			break
		}
		if sp, _ := spaceAt(dsl, j); sp {
			break
		}
		j++
	}
	return rawValue{text: dsl[i:j], pos: i, end: j}, j, nil
}

// unterminated reports an opening quote at dsl[at] with no closing quote.
func unterminated(dsl string, at int) *Error {
	return &Error{Pos: at, Token: dsl[at:], Msg: "unterminated quote: add the closing \" (write \\\" for a quote inside a value)"}
}

// textAfterQuote reports a value followed directly by something other than white space or a comma, such as
// name:"a"b or name:O"Brien.
func textAfterQuote(dsl string, start, at int) *Error {
	return &Error{Pos: start, Token: dsl[start:termEnd(dsl, at)],
		Msg: "unexpected character after a value; quote the whole value (\"...\", with \\\" for a quote inside) and separate terms with spaces"}
}

// termEnd returns the offset of the first white space at or after i that is not inside quotes (or len(dsl)), for
// showing the whole offending term in an error.
func termEnd(dsl string, i int) int {
	for i < len(dsl) {
		if dsl[i] == '"' {
			_, n, err := unquoteAt(dsl[i:])
			if err != nil {
				return len(dsl)
			}
			i += n
			continue
		}
		if sp, _ := spaceAt(dsl, i); sp {
			return i
		}
		i++
	}
	return len(dsl)
}

// isQField reports whether a field as written is q, the free-text field.
func isQField(field string) bool { return field == "q" || field == "Q" }

// skipSpace returns the offset of the first byte at or after i that does not start white space.
func skipSpace(s string, i int) int {
	for i < len(s) {
		sp, n := spaceAt(s, i)
		if !sp {
			break
		}
		i += n
	}
	return i
}

// spaceAt reports whether s[i:] starts with white space (ASCII or Unicode, such as a no-break space a model
// copied from a web page) and its length in bytes.
func spaceAt(s string, i int) (bool, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f', 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r), n
}

func isSpaceAt(s string, i int) bool {
	sp, _ := spaceAt(s, i)
	return sp
}

// notUTF8 reports text (the query, a value) that is not valid UTF-8: it can match nothing (records are UTF-8),
// and the analyzer would read it as stray pieces of words. what names the text.
func notUTF8(what, s string) *Error {
	at := 0
	for at < len(s) {
		r, n := utf8.DecodeRuneInString(s[at:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		at += n
	}
	if at == len(s) {
		at = 0 // valid after all: not called so
	}
	return &Error{Pos: -1, Msg: fmt.Sprintf("%s is not valid UTF-8: byte %d (0x%02x) is not part of a character; send text as UTF-8", what, at, s[min(at, len(s)-1)])}
}
