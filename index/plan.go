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

// The planner splits a query by what each term needs: the words of a text field (source_body:contains:refund,
// title:eq:"...") and free text (q:) need the full-text index; every other term is the column table's, the one
// implementation of filter semantics. Three shapes result:
//
//   - filters only: the table answers alone, in recency order (updated_at, then id, descending), with an exact
//     total from counting;
//   - filters with text-field terms, no free text: each text term becomes the set of record ordinals the index
//     matches for it (collected, not scored), which the table intersects with the other terms like any filter;
//     recency order, as above;
//   - free text: the index ranks by relevance, text-field terms joining the words as must / must-not clauses. The
//     other terms become one table filter, turned into the set of ordinals it keeps: when that set is tiny
//     (ordTermsMax) it joins the bleve query as ordinal terms, so postings intersect and the words are only looked
//     at in those few documents; otherwise each hit's ordinal is tested against it, a doc-value read per hit.
//
// The semantics the table implements: missing values never match a positive term and always match a negated one
// (neq, nin, not_contains, not_exists); keywords compare case-insensitively; a list field matches eq/in when any
// element does and neq/nin when none does; a timestamp eq covers its UTC day; a custom attribute compares with each
// value in the type it was stored with.

// isTextTerm reports whether t is about the words of a text field, which only the full-text index knows.
func isTextTerm(t query.Term) bool {
	return t.Field.Type == query.TypeText && t.Op != query.OpExists && t.Op != query.OpNotExists
}

// defaultOrdTermsMax is the largest table filter (in records) that joins a ranked search as ordinal terms rather
// than as a per-hit test. Each ordinal term is a dictionary lookup in every segment; measured at 100k, 2,000 of
// them cost more (23 ms) than testing the ordinal of every hit of a phrase (about 0.3 µs a hit).
const defaultOrdTermsMax = 64

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

// bleveTerm translates a text-field term for the full-text index, in its positive form (the caller negates
// not_contains): eq is every word in any order, contains a phrase. A conversation field kept in textField's slots
// searches textField and keeps the matches inside its slots.
func (s *schema) bleveTerm(t query.Term) bquery.Query {
	field := t.Field.Index
	slots, inText := textSlots[field]
	inText = inText && s.kind == query.KindConversation
	if inText {
		field = textField
	}
	a := s.analyze(t.Values[0].Str, t.Op != query.OpEq)
	if len(a.terms) == 0 {
		return bquery.NewMatchNoneQuery()
	}
	var q bquery.Query
	if t.Op == query.OpEq {
		mq := bquery.NewMatchQuery(a.text)
		mq.SetField(field)
		mq.Analyzer = en.AnalyzerName
		mq.SetOperator(bquery.MatchQueryOperatorAnd)
		q = mq
	} else {
		q = phraseQuery(field, a, 1)
	}
	if !inText {
		return q
	}
	sq := &slotQuery{inner: q, lo: slots[0], hi: slots[1]}
	if t.Op == query.OpEq {
		sq.terms = a.terms
	}
	return sq
}

// slotQuery keeps the matches of a query on textField that lie within array slots lo..hi: with terms set, every
// term must occur there (a field's eq); otherwise one matched location there is enough (a phrase, whose matched
// locations are those of its occurrences, each within one slot).
type slotQuery struct {
	inner  bquery.Query
	lo, hi uint64
	terms  []string
}

func (q *slotQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	opts.IncludeTermVectors = true // the locations say which slot matched
	child, err := q.inner.Searcher(ctx, i, m, opts)
	if err != nil {
		return nil, err
	}
	return &slotSearcher{Searcher: child, q: q}, nil
}

type slotSearcher struct {
	search.Searcher
	q    *slotQuery
	seen map[string]bool
}

func (s *slotSearcher) pass(d *search.DocumentMatch) bool {
	if s.q.terms != nil {
		if s.seen == nil {
			s.seen = make(map[string]bool, len(s.q.terms))
		}
		clear(s.seen)
	}
	for _, ftl := range d.FieldTermLocations {
		ap := ftl.Location.ArrayPositions
		if ftl.Field != textField || len(ap) == 0 || ap[0] < s.q.lo || ap[0] > s.q.hi {
			continue
		}
		if s.q.terms == nil {
			return true
		}
		s.seen[ftl.Term] = true
	}
	if s.q.terms == nil {
		return false
	}
	for _, t := range s.q.terms {
		if !s.seen[t] {
			return false
		}
	}
	return true
}

func (s *slotSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if d == nil || err != nil {
			return d, err
		}
		if s.pass(d) {
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *slotSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d == nil || err != nil {
		return d, err
	}
	if s.pass(d) {
		return d, nil
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}

// phraseQuery matches the analysed phrase a as consecutive words (stop-word gaps kept) within one value of field.
func phraseQuery(field string, a analyzedText, boost float64) bquery.Query {
	if len(a.terms) == 1 {
		q := bquery.NewTermQuery(a.terms[0])
		q.SetField(field)
		q.SetBoost(boost)
		return q
	}
	offsets := make([]uint64, len(a.pos))
	for i := range a.pos {
		offsets[i] = uint64(a.pos[i] - a.pos[0])
	}
	return &phraseTermsQuery{field: field, terms: a.terms, offsets: offsets, boost: boost}
}

// ordTermsQuery matches the documents whose ordinal is in a (small) set, by their ordField terms. It scores zero
// and weighs nothing: it only restricts a ranked search. (A zero boost does not do that: bleve normalises the
// disjunction of terms by 1/√(sum of squared weights), which is infinite, and every score becomes NaN.)
type ordTermsQuery struct{ ords table.OrdSet }

func (q *ordTermsQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	terms := make([][]byte, 0, q.ords.Len())
	q.ords.Each(func(ord uint32) { terms = append(terms, ordTerm(ord)) })
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(i)
	}
	s, err := searcher.NewMultiTermSearcherBytes(ctx, i, terms, ordField, 1, opts, false)
	if err != nil {
		return nil, err
	}
	return &unscoredSearcher{Searcher: s}, nil
}

// unscoredSearcher passes its child's matches on with score zero and no weight in the query's normalisation.
type unscoredSearcher struct{ search.Searcher }

func (s *unscoredSearcher) Weight() float64      { return 0 }
func (s *unscoredSearcher) SetQueryNorm(float64) {}

func (s *unscoredSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		d.Score, d.Expl = 0, nil
	}
	return d, err
}

func (s *unscoredSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		d.Score, d.Expl = 0, nil
	}
	return d, err
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

func conjunction(qs []bquery.Query) bquery.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return bquery.NewConjunctionQuery(qs)
}

// ordQuery wraps a query to connect it with the column table through record ordinals: with keep set, only hits
// whose ordinal is in keep pass (a table filter applied inside a ranked search, counted in its total); with collect
// set, every hit's ordinal is added to *collect and no hit is returned (the matches of a text term, for the table
// to intersect). Ordinals come from the cache of per-segment arrays (ordcache.go), else from doc values.
type ordQuery struct {
	inner   bquery.Query
	cache   *ordCache
	keep    table.OrdSet
	collect *table.OrdSet
}

func (q *ordQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	child, err := q.inner.Searcher(ctx, i, m, opts)
	if err != nil {
		return nil, err
	}
	os := &ordSearcher{Searcher: child, q: q}
	if q.cache != nil {
		os.view, _, err = q.cache.view(i)
		if err != nil {
			_ = child.Close()
			return nil, err
		}
	}
	if os.view == nil {
		if os.dvr, err = i.DocValueReader([]string{ordField}); err != nil {
			_ = child.Close()
			return nil, err
		}
		os.visitFn = os.visit // one closure per search, not one per hit
	}
	return os, nil
}

// ordSearcher filters or collects its child's hits by ordinal (see ordQuery).
type ordSearcher struct {
	search.Searcher
	q       *ordQuery
	view    *ordView
	dvr     bleveindex.DocValueReader
	ord     uint32
	ok      bool
	visitFn bleveindex.DocValueVisitor
}

func (s *ordSearcher) visit(_ string, term []byte) {
	if ord, ok := parseOrdTerm(term); ok {
		s.ord, s.ok = ord, true
	}
}

// pass reports whether d goes on to the collector, collecting its ordinal in collect mode.
func (s *ordSearcher) pass(d *search.DocumentMatch) (bool, error) {
	if s.view != nil {
		s.ord, s.ok = s.view.ord(d.IndexInternalID)
	} else {
		s.ok = false
		if err := s.dvr.VisitDocValues(d.IndexInternalID, s.visitFn); err != nil {
			return false, err
		}
	}
	if !s.ok {
		return false, nil // a document without an ordinal cannot be in the table
	}
	if s.q.collect != nil {
		*s.q.collect = s.q.collect.Add(s.ord)
		return false, nil
	}
	return s.q.keep.Has(s.ord), nil
}

func (s *ordSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if d == nil || err != nil {
			return d, err
		}
		ok, err := s.pass(d)
		if err != nil {
			return nil, err
		}
		if ok {
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *ordSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d == nil || err != nil {
		return d, err
	}
	ok, err := s.pass(d)
	if err != nil {
		return nil, err
	}
	if ok {
		return d, nil
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}
