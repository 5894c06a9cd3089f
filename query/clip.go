package query

import "unicode/utf8"

// Errors quote what was written so the reader sees the mistake, but never more than a short window of it: a query
// may be kilobytes long (a runaway caller, a pasted document), and an error echoing all of it floods a model's
// context or a terminal.

// maxQuoted is the most runes of input an error quotes in one place.
const maxQuoted = 60

// clip returns s if it has at most maxQuoted runes, and otherwise its first maxQuoted-1 runes and an ellipsis.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	n := 0
	for i := range s {
		if n == maxQuoted-1 {
			if utf8.RuneCountInString(s[i:]) <= 1 {
				return s
			}
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Clip returns s as an error message may quote it: whole when it has at most 60 runes, otherwise cut short with an
// ellipsis. Errors about a query written outside this package (sync/intercom's translation) quote through it.
func Clip(s string) string { return clip(s) }

// caretLead is how many runes before the offending token a window shows, when the query has them.
const caretLead = 20

// window returns the byte range [start, end) of dsl that an error about the token at pos shows: at most maxQuoted
// runes, caretLead of them before pos when there are that many, more when the query ends sooner.
func window(dsl string, pos int) (start, end int) {
	start, end = pos, pos
	for n := 0; n < caretLead && start > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(dsl[:start])
		start -= size
	}
	n := utf8.RuneCountInString(dsl[start:pos])
	for ; n < maxQuoted && end < len(dsl); n++ {
		_, size := utf8.DecodeRuneInString(dsl[end:])
		end += size
	}
	for ; n < maxQuoted && start > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(dsl[:start])
		start -= size
	}
	return start, end
}
