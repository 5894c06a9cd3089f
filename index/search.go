package index

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	if err := r.tableFault(ks); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
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
	asked := q.Note
	if q, err = query.ResolveNames(q, r.Names()); err != nil {
		return Result{}, err
	}
	note := strings.TrimSpace(strings.TrimPrefix(q.Note, asked))
	text, err := ks.schema.checkQuery(q)
	if err != nil {
		return Result{}, err
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
	note = joinNotes(note, absentValuesNote(r, ks, q))

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
	res.Kind, res.Note = q.Kind, note
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
			c, _ := ks.schema.textClause(t) // it has words: Search checked
			ords, err := r.collectOrds(ctx, ks, c)
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

// collectOrds returns the ordinals of the records whose text satisfies c.
func (r *Replica) collectOrds(ctx context.Context, ks *kindState, c textClause) (table.OrdSet, error) {
	var set table.OrdSet
	err := r.withText(ks, func(ts *textSearch) error {
		ts.q = &textQuery{must: []textClause{c}}
		ts.collect = true
		var err error
		_, _, set, err = ts.run(ctx)
		return err
	})
	return set, err
}

// withText calls fn with a text search over the current snapshot of the kind's full-text index, its ordinals at
// hand; fn fills in the query and runs it. The snapshot is released when fn returns.
func (r *Replica) withText(ks *kindState, fn func(*textSearch) error) error {
	ks.tiMu.RLock()
	defer ks.tiMu.RUnlock()
	if ks.ti == nil {
		return errRebuilding
	}
	snap, err := ks.ti.snapshot()
	if err != nil {
		return err
	}
	defer snap.Close()
	view, _, err := ks.ords.view(snap)
	if err != nil {
		return err
	}
	return fn(&textSearch{snap: snap, segs: snap.Segments(), view: view, workers: r.workers, unitMin: r.unitMin})
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

// searchRelevant ranks the matches of free text by relevance with the text engine, keeping only the records the
// column table's filter (the other terms) keeps.
func (r *Replica) searchRelevant(ctx context.Context, ks *kindState, q query.Query, text []analyzedText, limit int, after *cursor) (Result, cursor, bool, error) {
	tq := &textQuery{must: ks.schema.freeTextClauses(text)}
	var tableFilter table.Filter
	for _, t := range q.Terms {
		if !isTextTerm(t) {
			cl, _ := tableClause(t)
			tableFilter = append(tableFilter, cl)
			continue
		}
		c, _ := ks.schema.textClause(t) // it has words: Search checked
		if negated(t.Op) {
			tq.not = append(tq.not, c)
		} else {
			tq.must = append(tq.must, c)
		}
	}
	var keep table.OrdSet
	if len(tableFilter) > 0 {
		ks.mu.RLock()
		keep = ks.table.Ords(tableFilter)
		ks.mu.RUnlock()
		if keep == nil {
			keep = table.OrdSet{} // filters nothing passes: an empty set, not "no filter"
		}
	}
	var (
		from  *relKey
		stats []uint64
	)
	if after != nil {
		from, stats = &relKey{score: after.score, ord: after.ord}, after.stats
		if len(stats) != 1+len(tq.words()) {
			return Result{}, cursor{}, false, &CursorError{Msg: "starting_after is corrupt; pass the next cursor of a previous result unchanged"}
		}
	}
	var (
		total int
		docs  []rankedDoc
		ids   []string
	)
	err := r.withText(ks, func(ts *textSearch) error {
		ts.q, ts.rank, ts.keep, ts.want, ts.after, ts.stats = tq, true, keep, limit+1, from, stats
		var err error
		if total, docs, _, err = ts.run(ctx); err != nil {
			return err
		}
		stats = ts.stats
		ids = make([]string, len(docs))
		for i, d := range docs {
			id, err := ts.segs[d.seg].DocID(d.local)
			if err != nil {
				return fmt.Errorf("id of a hit: %w", err)
			}
			ids[i] = string(id)
		}
		return nil
	})
	if err != nil {
		return Result{}, cursor{}, false, err
	}
	more := len(docs) > limit
	if more {
		docs, ids = docs[:limit], ids[:limit]
	}
	res := Result{Total: total, Hits: make([]Hit, 0, len(docs))}
	var last cursor
	ks.mu.RLock()
	for i, d := range docs {
		last = cursor{order: byRelevance, score: d.score, ord: d.ord, stats: stats}
		sum, ok := ks.table.Summary(ids[i])
		if !ok {
			// Deleted after the snapshot was taken (Apply writes the table, then the index): never returned. The
			// page is one short, and the cursor moves past it.
			continue
		}
		u, _ := ks.table.Has(ids[i])
		h := summaryHit(ks.kind, ids[i], u, sum)
		h.Score = d.score
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

// checkQuery answers, before any work, the mistakes of q that only the replica can see: a field it cannot search
// (the records do not carry it), and free text or text terms the analyzer leaves no word of. It returns the free
// text analysed. Search and Aggregate both start with it.
func (s *schema) checkQuery(q query.Query) ([]analyzedText, error) {
	for _, t := range q.Terms {
		if t.Field == nil {
			return nil, fmt.Errorf("search: a term has no field")
		}
		if t.Field.Index == "" && t.Field.Custom == "" { // the query's mistake, said as the parser says its own
			msg := t.Field.Name + " cannot be searched in the replica"
			if t.Field.Instead != "" {
				msg += ": " + t.Field.Instead
			}
			return nil, &query.Error{Pos: -1, Token: t.Field.Name, Msg: msg}
		}
	}
	text, err := s.analyzeQueryText(q.Text)
	if err != nil {
		return nil, err
	}
	if err := s.checkTextTerms(q.Terms); err != nil {
		return nil, err
	}
	return text, nil
}

// analyzeQueryText analyses free text as the index analysed the text fields. A term the analyzer leaves no word
// of (punctuation, symbols, invalid UTF-8, only stop words such as "the") is an error (query.NothingToSearch):
// dropped, it would leave the query matching every record.
func (s *schema) analyzeQueryText(text []query.TextTerm) ([]analyzedText, error) {
	out := make([]analyzedText, 0, len(text))
	for _, t := range text {
		a := s.analyze(t.Text, t.Phrase)
		if len(a.terms) == 0 {
			return nil, query.NothingToSearch(t.String())
		}
		out = append(out, a)
	}
	return out, nil
}

// checkTextTerms returns the error of the first term on the words of a text field (eq, contains, not_contains)
// that the analyzer leaves no word of: it would match nothing, or negated everything.
func (s *schema) checkTextTerms(terms []query.Term) error {
	for _, t := range terms {
		if isTextTerm(t) {
			if _, ok := s.textClause(t); !ok {
				return query.NothingToSearch(t.String())
			}
		}
	}
	return nil
}

func (s *schema) analyze(text string, phrase bool) analyzedText {
	a := analyzedText{text: text, phrase: phrase}
	for _, tok := range s.en.Analyze([]byte(text)) {
		a.terms = append(a.terms, string(tok.Term))
		a.pos = append(a.pos, tok.Position)
	}
	return a
}
