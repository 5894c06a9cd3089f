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
