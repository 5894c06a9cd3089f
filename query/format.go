package query

import (
	"strconv"
	"strings"
)

// String formats q as canonical DSL: object_type first, then the terms in order (canonical field names, eq left
// out, values quoted only when they must be), the free text, limit when it is not the default, and the cursor.
// Values are written as they were given (Value.Raw), so a relative timestamp stays relative: Parse(q.String())
// with the same Options.Now gives back q.
func (q Query) String() string {
	var b strings.Builder
	b.Grow(64)
	b.WriteString("object_type:")
	b.WriteString(q.Kind.Plural())
	for _, t := range q.Terms {
		b.WriteByte(' ')
		writeTerm(&b, t)
	}
	for _, t := range q.Text {
		b.WriteByte(' ')
		writeText(&b, t)
	}
	if q.Limit != DefaultLimit {
		b.WriteString(" limit:")
		b.WriteString(strconv.Itoa(q.Limit))
	}
	if q.StartingAfter != "" {
		b.WriteString(" starting_after:")
		b.WriteString(formatValue(q.StartingAfter, false))
	}
	return b.String()
}

// String formats t as one DSL term.
func (t Term) String() string { return formatTerm(t) }

// String formats t as the DSL's q term: q:word, or q:"a phrase".
func (t TextTerm) String() string {
	var b strings.Builder
	writeText(&b, t)
	return b.String()
}

func writeText(b *strings.Builder, t TextTerm) {
	b.WriteString("q:")
	if t.Phrase || needsQuoteText(t.Text) {
		b.WriteString(quote(t.Text))
	} else {
		b.WriteString(t.Text)
	}
}

func formatTerm(t Term) string {
	var b strings.Builder
	writeTerm(&b, t)
	return b.String()
}

func writeTerm(b *strings.Builder, t Term) {
	if t.Field == nil {
		b.WriteString("<nil field>")
		return
	}
	b.WriteString(fieldDSL(t.Field))
	b.WriteByte(':')
	if t.Op != OpEq {
		b.WriteString(string(t.Op))
		if t.Op.Arity() == 0 {
			return
		}
		b.WriteByte(':')
	}
	for i, v := range t.Values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(formatValue(v.Raw, t.Op != OpEq))
	}
}

// DSL returns f's name as the DSL writes it: the canonical name, or for a custom (or ticket) attribute its prefix
// and name, quoted when it must be (custom_attributes."Ticket category").
func (f *Field) DSL() string { return fieldDSL(f) }

// fieldDSL returns f's name as the DSL writes it: the canonical name, or for a custom attribute
// custom_attributes.<name> with the name quoted when it must be.
func fieldDSL(f *Field) string {
	if f.Custom != "" {
		return strings.TrimSuffix(f.Name, f.Custom) + quoteIfNeeded(f.Custom)
	}
	return f.Name
}

// formatValue writes a value so that the lexer reads it back unchanged. It quotes a value that holds white space,
// a quote, a backslash, a comma or a control character. When no operator is written before the value (eq, and
// limit and starting_after), it also quotes a value the lexer would take for an operator: one that is an
// operator's name (state:"exists" is a value, state:exists an operator), or starts with an operator, or a word
// close to one (see suggestOp), and a colon. Other colons need no quotes (created_at:gt:2025-01-31T09:30:00Z).
func formatValue(s string, opWritten bool) string {
	if needsQuoteExcept(s, ':') {
		return quote(s)
	}
	if opWritten {
		return s
	}
	head, _, colon := strings.Cut(s, ":")
	if _, isOp := ParseOp(head); isOp {
		return quote(s)
	}
	if _, near := suggestOp(head); near && colon {
		return quote(s)
	}
	return s
}

// needsQuoteText reports whether a bare free-text word would not read back as one bare word: it is empty, holds
// white space or a quote, or starts with an operator and a colon (q:contains:refund is refused as a likely mistake).
func needsQuoteText(s string) bool {
	if s == "" || strings.Contains(s, `"`) || opPrefixed(s) {
		return true
	}
	for i := 0; i < len(s); {
		sp, n := spaceAt(s, i)
		if sp {
			return true
		}
		i += n
	}
	return false
}

// opPrefixed reports whether s starts with an operator's name and a colon (contains:refund).
func opPrefixed(s string) bool {
	head, _, found := strings.Cut(s, ":")
	if !found {
		return false
	}
	_, isOp := ParseOp(head)
	return isOp
}
