package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/query"
)

// Search runs a validated query (from query.Parse or a filter's Query method) and returns one page: Total counts
// every match, Hits holds at most q.Limit (default 20) with their summaries, and Next continues the query on the
// following page. With free text (q:) hits are ranked by relevance and carry snippets; without, they are sorted by
// updated_at, most recent first. Deleted records never match.
//
// Searches run concurrently up to Options.MaxConcurrentSearches; the rest wait (or give up when ctx ends). A
// malformed q.StartingAfter, or one issued for another query, is an error matching ErrInvalidCursor.
func (r *Replica) Search(ctx context.Context, q query.Query) (Result, error) {
	done, err := r.enter()
	if err != nil {
		return Result{}, err
	}
	defer done()
	ks, err := r.kindState(q.Kind)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	limit := q.Limit
	switch {
	case limit == 0:
		limit = query.DefaultLimit
	case limit < 0 || limit > query.MaxLimit:
		return Result{}, fmt.Errorf("search: limit %d is outside 1..%d", limit, query.MaxLimit)
	}
	for _, t := range q.Terms {
		if t.Field == nil || (t.Field.Index == "" && t.Field.Custom == "") {
			return Result{}, fmt.Errorf("search: a term has a field the replica cannot search")
		}
	}
	text := ks.schema.analyzeQueryText(q.Text)
	ord := byRecency
	if len(text) > 0 {
		ord = byRelevance
	}
	fp := fingerprint(q)
	var after *cursor
	if q.StartingAfter != "" {
		c, err := decodeCursor(q.StartingAfter, fp, ord)
		if err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
		after = &c
	}

	select {
	case r.searches <- struct{}{}:
		defer func() { <-r.searches }()
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}

	var res Result
	var last cursor
	var more bool
	if ord == byRecency {
		res, last, more, err = r.searchRecent(ctx, ks, q, limit, after)
	} else {
		res, last, more, err = r.searchRelevant(ctx, ks, q, text, limit, after)
	}
	if err != nil {
		return Result{}, fmt.Errorf("search %s: %w", q.Kind, err)
	}
	res.Kind = q.Kind
	if more {
		res.Next = encodeCursor(fp, last)
	}
	if ord == byRelevance && len(res.Hits) > 0 {
		if err := r.addSnippets(ks, res.Hits, text); err != nil {
			return Result{}, fmt.Errorf("search %s: snippets: %w", q.Kind, err)
		}
	}
	return res, nil
}

// searchRecent answers a query without free text, in recency order, from the column table; terms on the words of
// text fields are first turned into sets of ordinals by the full-text index.
func (r *Replica) searchRecent(ctx context.Context, ks *kindState, q query.Query, limit int, after *cursor) (Result, cursor, bool, error) {
	filter := make(table.Filter, 0, len(q.Terms))
	for _, t := range q.Terms {
		if isTextTerm(t) {
			ords, err := r.collectOrds(ctx, ks, ks.schema.bleveTerm(t))
			if err != nil {
				return Result{}, cursor{}, false, err
			}
			filter = append(filter, table.Clause{Any: []table.Atom{table.OrdAtom(ords)}, Not: negated(t.Op)})
			continue
		}
		cl, _ := tableClause(t)
		filter = append(filter, cl)
	}
	var key *table.Key
	if after != nil {
		key = &table.Key{UpdatedAt: after.updatedAt, ID: after.id}
	}
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	tr := ks.table.Search(filter, key, limit)
	res := Result{Total: tr.Total, Hits: make([]Hit, 0, len(tr.Matches))}
	for _, m := range tr.Matches {
		res.Hits = append(res.Hits, summaryHit(ks.kind, m.ID, m.UpdatedAt, m.Summary))
	}
	var last cursor
	if n := len(tr.Matches); n > 0 {
		last = cursor{order: byRecency, updatedAt: tr.Matches[n-1].UpdatedAt, id: tr.Matches[n-1].ID}
	}
	return res, last, tr.More, nil
}

// collectOrds returns the ordinals of the documents bq matches in the kind's full-text index.
func (r *Replica) collectOrds(ctx context.Context, ks *kindState, bq bquery.Query) (table.OrdSet, error) {
	var set table.OrdSet
	req := bleve.NewSearchRequestOptions(&ordQuery{inner: bq, cache: ks.ords, collect: &set}, 0, 0, false)
	req.Score = "none"
	ks.tiMu.RLock()
	defer ks.tiMu.RUnlock()
	if ks.ti == nil {
		return nil, errRebuilding
	}
	if _, err := ks.ti.idx.SearchInContext(ctx, req); err != nil {
		return nil, err
	}
	return set, nil
}

// errRebuilding is returned by searches that need a full-text index while it is being created.
var errRebuilding = errors.New("the full-text index is being rebuilt; try again when it is done")

// summaryHit decodes a stored summary into a Hit. A summary that fails to decode (it cannot, short of memory
// corruption) still yields a hit with its id.
func summaryHit(kind query.Kind, id string, updatedAt int64, sum []byte) Hit {
	s, err := decodeSummary(sum)
	if err != nil {
		return Hit{Kind: kind, ID: id, UpdatedAt: updatedAt}
	}
	h := s.hit(kind, id)
	h.UpdatedAt = updatedAt
	return h
}

// searchRelevant ranks the matches of free text by relevance in the full-text index, filtered by the ordinals
// the column table keeps for the other terms.
func (r *Replica) searchRelevant(ctx context.Context, ks *kindState, q query.Query, text []analyzedText, limit int, after *cursor) (Result, cursor, bool, error) {
	must := []bquery.Query{ks.schema.freeTextQuery(text)}
	var negatives []bquery.Query
	var tableFilter table.Filter
	for _, t := range q.Terms {
		switch {
		case isTextTerm(t) && negated(t.Op):
			negatives = append(negatives, ks.schema.bleveTerm(t))
		case isTextTerm(t):
			must = append(must, ks.schema.bleveTerm(t))
		default:
			cl, _ := tableClause(t)
			tableFilter = append(tableFilter, cl)
		}
	}
	bq := bquery.NewBooleanQuery(nil, nil, nil)
	bq.AddMust(conjunction(must))
	if len(negatives) > 0 {
		bq.AddMustNot(disjunction(negatives))
	}
	var top bquery.Query = bq
	if len(tableFilter) > 0 {
		ks.mu.RLock()
		keep := ks.table.Ords(tableFilter)
		ks.mu.RUnlock()
		if keep.Len() <= r.ordTermsMax {
			// A conjunction, not a filter clause: bleve evaluates a filter only on the words' matches, after
			// their (for phrases, expensive) verification; a conjunction lets the few ordinals skip ahead.
			bq.Must = conjunction(append(must, &ordTermsQuery{ords: keep}))
		} else {
			top = &ordQuery{inner: bq, cache: ks.ords, keep: keep}
		}
	}
	// Sorted by score alone (see cursor.go): after a cursor, ask for everything scoring at most its score (bleve's
	// search-after is strict, so the bound is the next float up) and drop the ties the cursor already returned.
	size := limit + 1
	var seen map[string]bool
	req := bleve.NewSearchRequestOptions(top, size, 0, false)
	if after != nil {
		seen = make(map[string]bool, len(after.seen))
		for _, id := range after.seen {
			seen[id] = true
		}
		req.Size += len(seen)
		req.SortBy([]string{"-_score"})
		bound := after.score
		if len(seen) > 0 {
			bound = math.Nextafter(bound, math.Inf(1))
		}
		req.SearchAfter = []string{strconv.FormatFloat(bound, 'g', -1, 64)}
	}

	ks.tiMu.RLock()
	ti := ks.ti
	if ti == nil {
		ks.tiMu.RUnlock()
		return Result{}, cursor{}, false, errRebuilding
	}
	sr, err := ti.idx.SearchInContext(ctx, req)
	ks.tiMu.RUnlock()
	if err != nil {
		return Result{}, cursor{}, false, err
	}
	hits := sr.Hits[:0]
	for _, dm := range sr.Hits {
		if !seen[dm.ID] {
			hits = append(hits, dm)
		}
	}
	more := len(hits) > limit
	if more {
		hits = hits[:limit]
	}
	res := Result{Total: int(sr.Total), Hits: make([]Hit, 0, len(hits))}
	var last cursor
	ks.mu.RLock()
	for _, dm := range hits {
		h := Hit{Kind: ks.kind, ID: dm.ID}
		if sum, ok := ks.table.Summary(dm.ID); ok {
			u, _ := ks.table.Has(dm.ID)
			h = summaryHit(ks.kind, dm.ID, u, sum)
		} // else deleted between the two reads: the index has not caught up with the table yet
		h.Score = dm.Score
		if dm.Score != last.score || len(res.Hits) == 0 {
			last = cursor{order: byRelevance, score: dm.Score}
			if after != nil && dm.Score == after.score {
				last.seen = append(last.seen, after.seen...) // still in the cursor's tie
			}
		}
		last.seen = append(last.seen, dm.ID)
		res.Hits = append(res.Hits, h)
	}
	ks.mu.RUnlock()
	return res, last, more, nil
}

// analyzedText is one free-text term after the English analyzer: its terms and their positions (stop words
// leave gaps in positions, which phrase matching keeps).
type analyzedText struct {
	text   string
	phrase bool
	terms  []string
	pos    []int
}

// analyzeQueryText analyses free text as the index analysed the text fields. Terms made only of stop words ("the")
// are dropped: they would match nothing.
func (s *schema) analyzeQueryText(text []query.TextTerm) []analyzedText {
	var out []analyzedText
	for _, t := range text {
		if a := s.analyze(t.Text, t.Phrase); len(a.terms) > 0 {
			out = append(out, a)
		}
	}
	return out
}

func (s *schema) analyze(text string, phrase bool) analyzedText {
	a := analyzedText{text: text, phrase: phrase}
	for _, tok := range s.en.Analyze([]byte(text)) {
		a.terms = append(a.terms, string(tok.Term))
		a.pos = append(a.pos, tok.Position)
	}
	return a
}

// freeTextQuery matches every free-text term (all must match) in textField: a bare word as a word, a quoted
// phrase as consecutive words within one slot (one part).
func (s *schema) freeTextQuery(text []analyzedText) bquery.Query {
	all := make([]bquery.Query, 0, len(text))
	for _, t := range text {
		if t.phrase && len(t.terms) > 1 {
			all = append(all, phraseQuery(textField, t, 1))
			continue
		}
		mq := bquery.NewMatchQuery(t.text)
		mq.SetField(textField)
		mq.Analyzer = en.AnalyzerName
		mq.SetOperator(bquery.MatchQueryOperatorAnd)
		all = append(all, mq)
	}
	return conjunction(all)
}
