package index

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/query"
)

// The planner picks, per query, the engine that answers it fastest with identical results:
//
//   - filters only, none on a text field's words: the column table. Every term becomes a clause evaluated over
//     memory, the exact total comes from counting, and the page from the first matches in recency order. This is
//     the common case (state, assignee, tags, dates, emails...) and costs well under a millisecond at a million
//     conversations, where the full-text index needs hundreds (it must visit and sort every hit).
//   - free text (q:), or a filter on the words of a text field (source_body:contains:refund): the full-text index,
//     with every other filter translated to a bleve query too, so bleve intersects postings instead of scoring
//     hits it would then drop. With q: results are ranked by relevance; without, sorted by updated_at.
//
// Both translations implement the same semantics, checked by running the same queries through both
// (TestSearch_PlansAgree): missing values never match a positive term and always match a negated one (neq, nin,
// not_contains, not_exists); keywords compare case-insensitively; a list field matches eq/in when any element does
// and neq/nin when none does; a timestamp eq covers its UTC day; a custom attribute compares with each value in the
// type it was stored with.

// planKind says which engine answers a query.
type planKind int

const (
	planTable planKind = iota + 1
	planText
)

// choosePlan returns the engine for q, given its free text after analysis (stop words alone don't count).
func choosePlan(q query.Query, text []analyzedText) planKind {
	if len(text) > 0 {
		return planText
	}
	for _, t := range q.Terms {
		if t.Field.Type == query.TypeText && t.Op != query.OpExists && t.Op != query.OpNotExists {
			return planText
		}
	}
	return planTable
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

// bleveTerm translates a term for the full-text index, in its positive form (the caller negates neq, nin,
// not_contains and not_exists). tbl expands keyword patterns into the exact values they match; the caller holds
// its read lock.
func (s *schema) bleveTerm(t query.Term, tbl *table.Table) bquery.Query {
	f := t.Field
	str, num, boolean := termFields(f)
	if t.Op == query.OpExists || t.Op == query.OpNotExists {
		qs := []bquery.Query{termQuery(presentField, str)}
		if f.Custom != "" {
			qs = append(qs, termQuery(presentField, num), termQuery(presentField, boolean))
		}
		return disjunction(qs)
	}
	switch f.Type {
	case query.TypeText:
		text := t.Values[0].Str
		if t.Op == query.OpEq {
			mq := bquery.NewMatchQuery(text)
			mq.SetField(str)
			mq.Analyzer = en.AnalyzerName
			mq.SetOperator(bquery.MatchQueryOperatorAnd)
			return mq
		}
		pq := bquery.NewMatchPhraseQuery(text)
		pq.SetField(str)
		pq.Analyzer = en.AnalyzerName
		return pq
	case query.TypeKeyword:
		return keywordQuery(str, t, tbl)
	case query.TypeInt, query.TypeTimestamp:
		var qs []bquery.Query
		for _, r := range intRanges(t) {
			qs = append(qs, numericQuery(str, table.FloatRange{Lo: float64(r.Lo), Hi: float64(r.Hi),
				LoIncl: true, HiIncl: true}))
		}
		return disjunction(qs)
	case query.TypeFloat:
		var qs []bquery.Query
		for _, r := range floatRanges(t) {
			qs = append(qs, numericQuery(str, r))
		}
		return disjunction(qs)
	case query.TypeBool:
		bq := bquery.NewBoolFieldQuery(t.Values[0].Bool)
		bq.SetField(str)
		return bq
	case query.TypeAny:
		var qs []bquery.Query
		switch t.Op {
		case query.OpGt, query.OpGte, query.OpLt, query.OpLte:
		default:
			qs = append(qs, keywordQuery(str, t, tbl))
		}
		for _, r := range floatRanges(t) {
			qs = append(qs, numericQuery(num, r))
		}
		if t.Op == query.OpEq || t.Op == query.OpNeq || t.Op == query.OpIn || t.Op == query.OpNin {
			for _, v := range t.Values {
				if v.Parsed&query.ParsedBool != 0 {
					bq := bquery.NewBoolFieldQuery(v.Bool)
					bq.SetField(boolean)
					qs = append(qs, bq)
				}
			}
		}
		return disjunction(qs)
	}
	return bquery.NewMatchNoneQuery()
}

// keywordQuery matches a keyword field: exact terms for eq and in; for the pattern operators, the exact values the
// column table's dictionary says match (never a leading wildcard: bleve would walk its whole term dictionary).
func keywordQuery(field string, t query.Term, tbl *table.Table) bquery.Query {
	op := keywordOp(t.Op)
	vals := lowerValues(t.Values)
	if op != table.Eq {
		vals = tbl.Values(field, op, vals...)
	}
	return &termsQuery{field: field, terms: vals}
}

func termQuery(field, term string) bquery.Query {
	q := bquery.NewTermQuery(term)
	q.SetField(field)
	return q
}

func numericQuery(field string, r table.FloatRange) bquery.Query {
	var lo, hi *float64
	if !math.IsInf(r.Lo, -1) {
		lo = &r.Lo
	}
	if !math.IsInf(r.Hi, 1) {
		hi = &r.Hi
	}
	q := bquery.NewNumericRangeInclusiveQuery(lo, hi, &r.LoIncl, &r.HiIncl)
	q.SetField(field)
	return q
}

// disjunction returns the query matching any of qs (none: nothing).
func disjunction(qs []bquery.Query) bquery.Query {
	switch len(qs) {
	case 0:
		return bquery.NewMatchNoneQuery()
	case 1:
		return qs[0]
	}
	return bquery.NewDisjunctionQuery(qs)
}

// termsQuery matches documents having any of a list of exact terms in a field: bleve's own multi-term searcher
// (what its prefix and wildcard queries use once they have found their terms), without the dictionary walk.
type termsQuery struct {
	field string
	terms []string
}

func (q *termsQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	switch len(q.terms) {
	case 0:
		return searcher.NewMatchNoneSearcher(i)
	case 1:
		return searcher.NewTermSearcher(ctx, i, q.terms[0], q.field, 1, opts)
	}
	return searcher.NewMultiTermSearcher(ctx, i, q.terms, q.field, 1, opts, false)
}
