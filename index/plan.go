package index

import (
	"math"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/query"
)

// The planner splits a query by what each term needs: the words of a text field (source_body:contains:refund,
// title:eq:"...") and free text (q:) need the full-text index; every other term is the column table's, the one
// implementation of filter semantics. Three shapes result:
//
//   - filters only: the table answers alone, in recency order (updated_at, then id, descending), with an exact
//     total from counting;
//   - filters with text-field terms, no free text: the text engine (textsearch.go) turns each text term into the
//     set of record ordinals it matches (collected, not scored), which the table intersects with the other terms
//     like any filter; recency order, as above;
//   - free text: the text engine ranks by relevance, text-field terms joining the words as clauses that must (or
//     must not) hold. The other terms become one table filter, turned into the set of ordinals it keeps, which
//     the engine tests each candidate against before it reads positions or scores (filter first).
//
// The semantics the table implements: missing values never match a positive term and always match a negated one
// (neq, nin, not_contains, not_exists); keywords compare case-insensitively; a list field matches eq/in when any
// element does and neq/nin when none does; a timestamp eq covers its UTC day; a custom attribute compares with each
// value in the type it was stored with.

// isTextTerm reports whether t is about the words of a text field, which only the full-text index knows.
func isTextTerm(t query.Term) bool {
	return t.Field.Type == query.TypeText && t.Op != query.OpExists && t.Op != query.OpNotExists
}

// termFields returns the index fields a term reads: one, or for a custom attribute one per JSON type.
func termFields(f *query.Field) (str, num, boolean string) {
	if f.Custom != "" {
		return customFields(f.Index)
	}
	return f.Index, "", ""
}

func lowerValues(vals []query.Value) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = lowerKeyword(v.Str)
	}
	return out
}

// keywordOp maps a pattern operator to the table's.
func keywordOp(op query.Op) table.KeywordOp {
	switch op {
	case query.OpContains, query.OpNotContains:
		return table.Contains
	case query.OpStartsWith:
		return table.Prefix
	case query.OpEndsWith:
		return table.Suffix
	}
	return table.Eq
}

// negated reports whether op selects the records that do not satisfy its positive form.
func negated(op query.Op) bool {
	switch op {
	case query.OpNeq, query.OpNin, query.OpNotContains, query.OpNotExists:
		return true
	}
	return false
}

// intRanges returns the ranges of whole numbers an int or timestamp term (in its positive form) selects.
func intRanges(t query.Term) []table.IntRange {
	switch t.Op {
	case query.OpIn, query.OpNin, query.OpEq, query.OpNeq:
		out := make([]table.IntRange, 0, len(t.Values))
		for _, v := range t.Values {
			one := query.Term{Field: t.Field, Op: query.OpEq, Values: []query.Value{v}}
			if lo, hi, ok := one.Bounds(); ok {
				out = append(out, table.IntRange{Lo: lo, Hi: hi})
			}
		}
		return out
	}
	if lo, hi, ok := t.Bounds(); ok && lo <= hi {
		return []table.IntRange{{Lo: lo, Hi: hi}}
	}
	return nil
}

// anyNumber returns the number a custom-attribute value stands for, if any: its numeric parse, else a timestamp.
func anyNumber(v query.Value) (float64, bool) {
	switch {
	case v.Parsed&query.ParsedFloat != 0:
		return v.Float, true
	case v.Parsed&query.ParsedTime != 0:
		return float64(v.Int), true
	}
	return 0, false
}

// floatRanges returns the ranges a float term, or the numeric side of a custom-attribute term, selects (positive
// form). A timestamp written for a custom attribute compares to the second, and its eq covers the UTC day.
func floatRanges(t query.Term) []table.FloatRange {
	var out []table.FloatRange
	for _, v := range t.Values {
		x, ok := anyNumber(v)
		if !ok && t.Field.Type == query.TypeFloat {
			x, ok = v.Float, true
		}
		if !ok {
			continue
		}
		switch t.Op {
		case query.OpEq, query.OpNeq, query.OpIn, query.OpNin:
			if v.Parsed&query.ParsedTime != 0 && v.Parsed&query.ParsedFloat == 0 {
				day := float64(v.Int - ((v.Int%86400)+86400)%86400)
				out = append(out, table.FloatRange{Lo: day, Hi: day + 86399, LoIncl: true, HiIncl: true})
			} else {
				out = append(out, table.FloatRange{Lo: x, Hi: x, LoIncl: true, HiIncl: true})
			}
		case query.OpGt:
			out = append(out, table.FloatRange{Lo: x, Hi: math.Inf(1), HiIncl: true})
		case query.OpGte:
			out = append(out, table.FloatRange{Lo: x, Hi: math.Inf(1), LoIncl: true, HiIncl: true})
		case query.OpLt:
			out = append(out, table.FloatRange{Lo: math.Inf(-1), Hi: x, LoIncl: true})
		case query.OpLte:
			out = append(out, table.FloatRange{Lo: math.Inf(-1), Hi: x, LoIncl: true, HiIncl: true})
		}
	}
	return out
}

// tableClause translates a term for the column table; ok is false for a term the table cannot answer (words of a
// text field).
func tableClause(t query.Term) (table.Clause, bool) {
	f := t.Field
	str, num, boolean := termFields(f)
	cl := table.Clause{Not: negated(t.Op)}
	if t.Op == query.OpExists || t.Op == query.OpNotExists {
		cl.Any = []table.Atom{table.PresentAtom(str)}
		if f.Custom != "" {
			cl.Any = append(cl.Any, table.PresentAtom(num), table.PresentAtom(boolean))
		}
		return cl, true
	}
	switch f.Type {
	case query.TypeText:
		return cl, false
	case query.TypeKeyword:
		cl.Any = []table.Atom{table.KeywordAtom(str, keywordOp(t.Op), lowerValues(t.Values)...)}
	case query.TypeInt, query.TypeTimestamp:
		cl.Any = []table.Atom{table.IntAtom(str, intRanges(t)...)}
	case query.TypeFloat:
		cl.Any = []table.Atom{table.FloatAtom(str, floatRanges(t)...)}
	case query.TypeBool:
		cl.Any = []table.Atom{table.BoolAtom(str, t.Values[0].Bool)}
	case query.TypeAny:
		switch t.Op {
		case query.OpGt, query.OpGte, query.OpLt, query.OpLte:
		default:
			cl.Any = append(cl.Any, table.KeywordAtom(str, keywordOp(t.Op), lowerValues(t.Values)...))
		}
		if rs := floatRanges(t); len(rs) > 0 {
			cl.Any = append(cl.Any, table.FloatAtom(num, rs...))
		}
		if t.Op == query.OpEq || t.Op == query.OpNeq || t.Op == query.OpIn || t.Op == query.OpNin {
			for _, v := range t.Values {
				if v.Parsed&query.ParsedBool != 0 {
					cl.Any = append(cl.Any, table.BoolAtom(boolean, v.Bool))
				}
			}
		}
	}
	return cl, true
}

// textClause translates a term on the words of a text field for the text engine, in its positive form (the
// caller negates not_contains): eq is every word anywhere in the field, contains a phrase (or one word). A
// conversation field kept only in textField's slots (parts_body) searches textField and counts only occurrences
// inside its slots.
// ok is false when the value has no words left after analysis (punctuation, only stop words): Search refuses
// such a term (checkTextTerms).
func (s *schema) textClause(t query.Term) (textClause, bool) {
	a := s.analyze(t.Values[0].Str, t.Op != query.OpEq)
	if len(a.terms) == 0 {
		return textClause{}, false
	}
	c := textClause{field: t.Field.Index, terms: a.terms}
	if s.inSlotsOnly(c.field) {
		slots := slotLayouts[s.kind].slots[c.field]
		c.field, c.slotted, c.lo, c.hi = textField, true, slots[0], slots[1]
	}
	if t.Op != query.OpEq && len(a.terms) > 1 {
		c.phrase, c.offsets = true, a.offsets()
	}
	return c, true
}

// freeTextClauses translates free text: every term must match in textField, a bare word as a word, a quoted
// phrase as consecutive words within one value (one part of a conversation).
func (s *schema) freeTextClauses(text []analyzedText) []textClause {
	out := make([]textClause, 0, len(text))
	for _, t := range text {
		c := textClause{field: textField, terms: t.terms}
		if t.phrase && len(t.terms) > 1 {
			c.phrase, c.offsets = true, t.offsets()
		}
		out = append(out, c)
	}
	return out
}

// offsets returns the position of each term relative to the first (stop words leave gaps).
func (a analyzedText) offsets() []uint64 {
	out := make([]uint64, len(a.pos))
	for i := range a.pos {
		out[i] = uint64(a.pos[i] - a.pos[0])
	}
	return out
}
