package index

import (
	"context"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
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
	plan := choosePlan(q, text)
	if r.forceTextPlan {
		plan = planText
	}
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
	if plan == planTable {
		res, last, more = r.searchTable(ks, q, limit, after)
	} else {
		res, last, more, err = r.searchText(ctx, ks, q, text, limit, ord, after)
		if err != nil {
			return Result{}, fmt.Errorf("search %s: %w", q.Kind, err)
		}
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

func (r *Replica) searchTable(ks *kindState, q query.Query, limit int, after *cursor) (Result, cursor, bool) {
	filter := make(table.Filter, 0, len(q.Terms))
	for _, t := range q.Terms {
		cl, _ := tableClause(t) // the plan guarantees every term is one the table answers
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
	return res, last, tr.More
}

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

func (r *Replica) searchText(ctx context.Context, ks *kindState, q query.Query, text []analyzedText, limit int, ord order, after *cursor) (Result, cursor, bool, error) {
	var positives, negatives []bquery.Query
	ks.mu.RLock()
	for _, t := range q.Terms {
		bq := ks.schema.bleveTerm(t, ks.table)
		if negated(t.Op) {
			negatives = append(negatives, bq)
		} else {
			positives = append(positives, bq)
		}
	}
	ks.mu.RUnlock()

	bq := bquery.NewBooleanQuery(nil, nil, nil)
	if len(negatives) > 0 {
		bq.AddMustNot(disjunction(negatives))
	}
	var req *bleve.SearchRequest
	if ord == byRelevance {
		bq.AddMust(ks.schema.freeTextQuery(text))
		if len(positives) > 0 {
			bq.AddFilter(conjunction(positives))
		}
		req = bleve.NewSearchRequestOptions(bq, limit+1, 0, false)
		req.SortBy([]string{"-_score", "-_id"})
		if after != nil {
			req.SearchAfter = []string{strconv.FormatFloat(after.score, 'g', -1, 64), after.id}
		}
	} else {
		if len(positives) > 0 {
			bq.AddMust(conjunction(positives))
		} else {
			bq.AddMust(bquery.NewMatchAllQuery())
		}
		req = bleve.NewSearchRequestOptions(bq, limit+1, 0, false)
		req.SortByCustom(search.SortOrder{
			&search.SortField{Field: sortField, Type: search.SortFieldAsNumber, Desc: true},
			&search.SortDocID{Desc: true},
		})
		req.Score = "none"
		if after != nil {
			req.SearchAfter = []string{strconv.FormatInt(after.updatedAt, 10), after.id}
		}
	}

	ks.tiMu.RLock()
	ti := ks.ti
	if ti == nil {
		ks.tiMu.RUnlock()
		return Result{}, cursor{}, false, fmt.Errorf("full-text index is being rebuilt")
	}
	sr, err := ti.idx.SearchInContext(ctx, req)
	ks.tiMu.RUnlock()
	if err != nil {
		return Result{}, cursor{}, false, err
	}

	more := len(sr.Hits) > limit
	if more {
		sr.Hits = sr.Hits[:limit]
	}
	res := Result{Total: int(sr.Total), Hits: make([]Hit, 0, len(sr.Hits))}
	var last cursor
	ks.mu.RLock()
	for _, dm := range sr.Hits {
		var h Hit
		sum, ok := ks.table.Summary(dm.ID)
		if ok {
			h = summaryHit(ks.kind, dm.ID, 0, sum)
		} else {
			// Deleted between the two reads: the index has not caught up with the table yet.
			h = Hit{Kind: ks.kind, ID: dm.ID}
		}
		last = cursor{order: ord, id: dm.ID}
		if ord == byRelevance {
			h.Score = dm.Score
			last.score = dm.Score
		} else if len(dm.Sort) > 0 {
			if i64, err := numeric.PrefixCoded(dm.Sort[0]).Int64(); err == nil {
				last.updatedAt = int64(numeric.Int64ToFloat64(i64))
			}
		}
		if ok {
			u, _ := ks.table.Has(dm.ID)
			h.UpdatedAt = u
		}
		res.Hits = append(res.Hits, h)
	}
	ks.mu.RUnlock()
	return res, last, more, nil
}

func conjunction(qs []bquery.Query) bquery.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return bquery.NewConjunctionQuery(qs)
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
		a := analyzedText{text: t.Text, phrase: t.Phrase}
		for _, tok := range s.en.Analyze([]byte(t.Text)) {
			a.terms = append(a.terms, string(tok.Term))
			a.pos = append(a.pos, tok.Position)
		}
		if len(a.terms) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// freeTextQuery matches every free-text term (all must match), each in any of the kind's text fields: a bare
// word as a word, a quoted phrase as consecutive words within one field value (one conversation part).
func (s *schema) freeTextQuery(text []analyzedText) bquery.Query {
	all := make([]bquery.Query, 0, len(text))
	for _, t := range text {
		per := make([]bquery.Query, 0, len(s.text))
		for _, tf := range s.text {
			if t.phrase && len(t.terms) > 1 {
				pq := bquery.NewMatchPhraseQuery(t.text)
				pq.SetField(tf.name)
				pq.Analyzer = en.AnalyzerName
				pq.SetBoost(tf.boost)
				per = append(per, pq)
				continue
			}
			mq := bquery.NewMatchQuery(t.text)
			mq.SetField(tf.name)
			mq.Analyzer = en.AnalyzerName
			mq.SetOperator(bquery.MatchQueryOperatorAnd)
			mq.SetBoost(tf.boost)
			per = append(per, mq)
		}
		all = append(all, disjunction(per))
	}
	return conjunction(all)
}
