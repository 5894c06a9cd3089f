package query

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errUnterminated reports a double-quoted string without its closing quote.
var errUnterminated = errors.New("unterminated quote")

// unquoteAt reads the double-quoted string at the start of s (s[0] must be '"') and returns its content and the
// number of bytes the quoted string took. Inside quotes, \" stands for " and \\ for \; a backslash before any
// other character is kept as written.
func unquoteAt(s string) (string, int, error) {
	// Fast path: no escapes.
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			return s[1:i], i + 1, nil
		case '\\':
			return unquoteSlow(s)
		}
	}
	return "", len(s), errUnterminated
}

func unquoteSlow(s string) (string, int, error) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return "", len(s), errUnterminated
}

// unquote reads s, which must be exactly one double-quoted string.
func unquote(s string) (string, error) {
	if len(s) == 0 || s[0] != '"' {
		return "", errors.New("not quoted")
	}
	v, n, err := unquoteAt(s)
	if err != nil {
		return "", err
	}
	if n != len(s) {
		return "", errors.New("text after closing quote")
	}
	return v, nil
}

// quote writes s as a double-quoted DSL string, escaping " and \.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// needsQuote reports whether s must be quoted to be read back as one value or name: when it is empty or holds white
// space, a control character, invalid UTF-8, or one of the characters the DSL gives meaning to (" \ , :).
func needsQuote(s string) bool { return needsQuoteExcept(s, 0) }

// needsQuoteExcept is needsQuote with one of the special characters (other than the quote and backslash) allowed.
func needsQuoteExcept(s string, allowed byte) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == 0x7f || c == '"' || c == '\\' || ((c == ',' || c == ':') && c != allowed) {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
			return true
		}
		i += n
	}
	return false
}

// quoteIfNeeded returns s as written when it can stand bare, and quoted otherwise.
func quoteIfNeeded(s string) string {
	if needsQuote(s) {
		return quote(s)
	}
	return s
}
