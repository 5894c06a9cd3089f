package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
)

// The text engine evaluates the words of a query directly on the postings of the full-text index's segments,
// instead of through bleve's searchers and collector. bleve hands a query's matches to its collector one by one
// after each searcher decoded the positions of every posting it stepped on, and only then may a table filter
// look at the match. Here a query runs in three steps per segment:
//
//  1. candidates: the documents holding every word of every clause, by intersecting the words' postings bitmaps
//     (roaring, a few microseconds), minus the documents a plain negated clause excludes;
//  2. the table filter, when there is one: each candidate's ordinal (ordcache.go) is tested against the set the
//     table computed, a few nanoseconds a candidate, before anything else is read about it;
//  3. for the survivors only: positions where a clause needs them (a phrase; a term kept to some slots of
//     textField), then the score (term frequency and norm, no positions) and a bounded heap of the best hits.
//
// Segments are split into ranges of candidates that the CPUs share, so a query over one large segment uses both
// cores of a laptop. The total is exact: every candidate that survives the filter is verified.
//
// Scores are bleve's tf-idf, computed the same way (idf): per word of a positive clause,
// sqrt(freq) · norm · idf² · queryNorm, with queryNorm = 1/√Σidf² over the query's words; summed over the words.
// Results are ordered by score, then by record ordinal: a total order. The idf depends on the whole index (how many
// documents, how many hold the word), so a write anywhere moves every score; the statistics a first page used
// therefore travel in its cursor (textSearch.stats) and later pages score with them, which keeps every unchanged
// record's score, hence its place before or after the cursor, exactly as it was.

// textClause is one condition on the words of a record.
type textClause struct {
	field string
	terms []string // analysed words, at least one
	// phrase: the terms stand at offsets (relative to the first, stop-word gaps kept) within one value of the
	// field; otherwise every term occurs somewhere.
	phrase  bool
	offsets []uint64
	// slotted: only occurrences in array slots lo..hi of field count (a conversation text field inside
	// textField). A phrase's occurrence counts by its first word's slot.
	slotted bool
	lo, hi  uint64
}

// positional reports whether the clause needs the positions of its words, not just their presence.
func (c *textClause) positional() bool { return c.phrase || c.slotted }

// textQuery is a conjunction of clauses on words.
type textQuery struct {
	must []textClause // every one must match; their words make the score
	not  []textClause // none may match
}

// words returns the distinct words the query scores, as field and word joined by a zero byte, sorted: the order of
// textSearch.stats, which does not depend on the order of the query's terms.
func (q *textQuery) words() []string {
	var out []string
	for c := range q.must {
		for _, t := range q.must[c].terms {
			out = append(out, q.must[c].field+"\x00"+t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// relKey is a hit's place in relevance order: higher score first, then lower ordinal.
type relKey struct {
	score float64
	ord   uint32
}

// before reports whether a sorts before b.
func (a relKey) before(b relKey) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.ord < b.ord
}

// rankedDoc is one hit of a ranked evaluation.
type rankedDoc struct {
	relKey
	seg   int
	local uint64
}

// textSearch is one evaluation over one snapshot of a kind's full-text index.
type textSearch struct {
	snap    *scorch.IndexSnapshot
	segs    []*scorch.SegmentSnapshot
	view    *ordView
	q       *textQuery
	workers int
	unitMin int // the fewest candidates worth a range of their own (defaultUnitMin)

	// For ranking.
	rank  bool
	keep  table.OrdSet // nil: no table filter
	want  int          // hits to return
	after *relKey      // only hits after this key
	coef  [][]float64  // coef[c][j]: idf²·queryNorm of word j of must clause c
	// stats are the statistics the scores use: the number of documents, then how many hold each of the query's
	// words (in the order of textQuery.words). Set before run to score with a first page's statistics (from its
	// cursor); nil to use the index's, which run then stores here.
	stats []uint64

	// For collecting: the ordinals of every match.
	collect bool
}

// errBadStats is returned when the scoring statistics given to a search do not fit its query (a cursor's, forged).
var errBadStats = errors.New("scoring statistics do not fit the query")

// errNotScorch is returned when the index is not a scorch index (the engine reads scorch segments).
var errNotScorch = errors.New("full-text index is not a scorch index")

// snapshot returns the current snapshot of ti's index; the caller closes it.
func (ti *textIndex) snapshot() (*scorch.IndexSnapshot, error) {
	adv, err := ti.idx.Advanced()
	if err != nil {
		return nil, err
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := rd.(*scorch.IndexSnapshot)
	if !ok {
		_ = rd.Close()
		return nil, errNotScorch
	}
	return snap, nil
}

// segPlan is what phase 1 learned about one segment.
type segPlan struct {
	idx   int
	cand  *roaring.Bitmap   // candidates: every word of every positive clause, no excluded document
	maybe []*roaring.Bitmap // per not clause: the candidates holding all its words (positional clauses only)
}

// unit is a range of one segment's candidates that one worker evaluates.
type unit struct {
	plan *segPlan
	cand *roaring.Bitmap
}

// idf is bleve's tf-idf inverse document frequency.
func idf(docTotal, docTerm uint64) float64 {
	return 1.0 + math.Log(float64(docTotal)/float64(docTerm+1))
}

// postingsBitmap returns the documents of pl (read-only: it may be the segment's own bitmap).
func postingsBitmap(pl segment.PostingsList) (*roaring.Bitmap, error) {
	it := pl.Iterator(false, false, false, nil)
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if bm := o.ActualBitmap(); bm != nil {
			return bm, nil
		}
	}
	bm := roaring.New()
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// segmentTerms opens the postings lists of a clause's words in one segment.
func segmentTerms(ss *scorch.SegmentSnapshot, c *textClause, dicts map[string]segment.TermDictionary) ([]segment.PostingsList, error) {
	d := dicts[c.field]
	if d == nil {
		var err error
		if d, err = ss.Segment().Dictionary(c.field); err != nil {
			return nil, err
		}
		dicts[c.field] = d
	}
	out := make([]segment.PostingsList, len(c.terms))
	for j, t := range c.terms {
		pl, err := d.PostingsList([]byte(t), ss.Deleted(), nil)
		if err != nil {
			return nil, err
		}
		out[j] = pl
	}
	return out, nil
}

// andAll intersects the words' bitmaps, smallest first; it returns a new bitmap (nil when empty).
func andAll(pls []segment.PostingsList) (*roaring.Bitmap, error) {
	bms := make([]*roaring.Bitmap, 0, len(pls))
	for _, pl := range pls {
		if pl.Count() == 0 {
			return nil, nil
		}
		bm, err := postingsBitmap(pl)
		if err != nil {
			return nil, err
		}
		bms = append(bms, bm)
	}
	slices.SortFunc(bms, func(a, b *roaring.Bitmap) int {
		return int(a.GetCardinality()) - int(b.GetCardinality())
	})
	out := bms[0].Clone()
	for _, bm := range bms[1:] {
		out.And(bm)
		if out.IsEmpty() {
			return nil, nil
		}
	}
	return out, nil
}

// plan runs phase 1: the candidates of every segment and, for ranking, the words' statistics.
func (s *textSearch) plan() ([]*segPlan, error) {
	var docTotal uint64
	docTerm := make([][]uint64, len(s.q.must))
	for c := range s.q.must {
		docTerm[c] = make([]uint64, len(s.q.must[c].terms))
	}
	var plans []*segPlan
	for i, ss := range s.segs {
		docTotal += ss.Count()
		dicts := map[string]segment.TermDictionary{}
		sp := &segPlan{idx: i}
		var all []segment.PostingsList
		for c := range s.q.must {
			pls, err := segmentTerms(ss, &s.q.must[c], dicts)
			if err != nil {
				return nil, err
			}
			for j, pl := range pls {
				docTerm[c][j] += pl.Count()
			}
			all = append(all, pls...)
		}
		cand, err := andAll(all)
		if err != nil {
			return nil, err
		}
		if cand == nil {
			continue
		}
		for c := range s.q.not {
			nc := &s.q.not[c]
			pls, err := segmentTerms(ss, nc, dicts)
			if err != nil {
				return nil, err
			}
			bm, err := andAll(pls)
			if err != nil {
				return nil, err
			}
			if bm != nil && !nc.positional() {
				cand.AndNot(bm) // holding every word is matching
				bm = nil
			}
			if bm != nil {
				bm.And(cand)
			}
			sp.maybe = append(sp.maybe, bm)
		}
		if cand.IsEmpty() {
			continue
		}
		sp.cand = cand
		plans = append(plans, sp)
	}
	if len(plans) == 0 { // nothing matches (an empty index, too): nothing to score
		return plans, nil
	}
	if s.rank {
		words := s.q.words()
		if s.stats == nil {
			counts := map[string]uint64{}
			for c := range s.q.must {
				for j, t := range s.q.must[c].terms {
					counts[s.q.must[c].field+"\x00"+t] = docTerm[c][j] // a word twice in the query: the same count
				}
			}
			s.stats = make([]uint64, 0, 1+len(words))
			s.stats = append(s.stats, docTotal)
			for _, w := range words {
				s.stats = append(s.stats, counts[w])
			}
		}
		if len(s.stats) != 1+len(words) || s.stats[0] == 0 {
			return nil, fmt.Errorf("%d scoring statistics for %d words: %w", len(s.stats), len(words), errBadStats)
		}
		var sum float64
		s.coef = make([][]float64, len(s.q.must))
		for c := range s.q.must {
			s.coef[c] = make([]float64, len(docTerm[c]))
			for j, t := range s.q.must[c].terms {
				k, _ := slices.BinarySearch(words, s.q.must[c].field+"\x00"+t)
				f := idf(s.stats[0], s.stats[1+k])
				s.coef[c][j] = f * f
				sum += f * f
			}
		}
		norm := 1 / math.Sqrt(sum)
		for c := range s.coef {
			for j := range s.coef[c] {
				s.coef[c][j] *= norm
			}
		}
	}
	return plans, nil
}

// defaultUnitMin is the fewest candidates worth a range of their own: below it, splitting costs more than it saves.
const defaultUnitMin = 2048

// units splits the segments' candidates into ranges for the workers: a segment with many candidates (after a
// merge, one segment holds most documents) is cut into as many ranges as there are workers.
func (s *textSearch) units(plans []*segPlan) []unit {
	var out []unit
	for _, sp := range plans {
		n := sp.cand.GetCardinality()
		parts := uint64(1)
		if unitMin := uint64(max(s.unitMin, 1)); s.workers > 1 && n >= 2*unitMin {
			parts = min(uint64(s.workers), n/unitMin)
		}
		if parts == 1 {
			out = append(out, unit{plan: sp, cand: sp.cand})
			continue
		}
		lo := uint64(0)
		for p := uint64(1); p <= parts; p++ {
			hi := uint64(math.MaxUint32) + 1
			if p < parts {
				v, err := sp.cand.Select(uint32(n * p / parts))
				if err != nil {
					hi = uint64(math.MaxUint32) + 1
				} else {
					hi = uint64(v)
				}
			}
			part := sp.cand.Clone()
			part.RemoveRange(0, lo)
			part.RemoveRange(hi, uint64(math.MaxUint32)+1)
			if !part.IsEmpty() {
				out = append(out, unit{plan: sp, cand: part})
			}
			lo = hi
		}
	}
	// Largest first, so the last ranges to finish are small.
	slices.SortFunc(out, func(a, b unit) int { return int(b.cand.GetCardinality()) - int(a.cand.GetCardinality()) })
	return out
}

// workerResult is what one worker found.
type workerResult struct {
	total int
	heap  hitHeap
	ords  table.OrdSet
	err   error
}

// run evaluates the query: the exact number of matches, and either the best s.want hits after s.after (rank) or
// the ordinals of every match (collect).
func (s *textSearch) run(ctx context.Context) (int, []rankedDoc, table.OrdSet, error) {
	if len(s.q.must) == 0 {
		return 0, nil, nil, nil
	}
	plans, err := s.plan()
	if err != nil {
		return 0, nil, nil, err
	}
	units := s.units(plans)
	if len(units) == 0 {
		return 0, nil, nil, nil
	}
	workers := min(s.workers, len(units))
	results := make([]workerResult, workers)
	var next int
	var mu sync.Mutex
	take := func() (unit, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(units) {
			return unit{}, false
		}
		next++
		return units[next-1], true
	}
	work := func(w int) {
		res := &results[w]
		ev := &evaluator{s: s, res: res}
		for {
			u, ok := take()
			if !ok || res.err != nil {
				return
			}
			if err := ctx.Err(); err != nil {
				res.err = err
				return
			}
			res.err = ev.unit(u)
		}
	}
	if workers == 1 {
		work(0)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { work(w) })
		}
		wg.Wait()
	}
	total := 0
	var hits []rankedDoc
	var ords table.OrdSet
	for _, r := range results {
		if r.err != nil {
			return 0, nil, nil, r.err
		}
		total += r.total
		hits = append(hits, r.heap...)
		ords = ords.Or(r.ords)
	}
	slices.SortFunc(hits, func(a, b rankedDoc) int {
		if a.before(b.relKey) {
			return -1
		}
		if b.before(a.relKey) {
			return 1
		}
		return 0
	})
	if len(hits) > s.want {
		hits = hits[:s.want]
	}
	return total, hits, ords, nil
}

// evaluator is one worker's state: iterators of the unit it evaluates and scratch buffers.
type evaluator struct {
	s    *textSearch
	res  *workerResult
	must [][]segment.PostingsIterator // per must clause and word: nil when the clause needs nothing per document
	not  [][]segment.PostingsIterator
	cur  [][]segment.Posting // the must words' postings at the current document
	keys []uint64            // scratch for phrase checks
	buf  []uint32
}

// iterators opens the iterators a unit needs: positions for positional clauses, frequency and norm for scoring.
func (e *evaluator) iterators(ss *scorch.SegmentSnapshot, clauses []textClause, scoring bool) ([][]segment.PostingsIterator, error) {
	out := make([][]segment.PostingsIterator, len(clauses))
	dicts := map[string]segment.TermDictionary{}
	for c := range clauses {
		cl := &clauses[c]
		locs := cl.positional()
		if !locs && !scoring {
			continue
		}
		pls, err := segmentTerms(ss, cl, dicts)
		if err != nil {
			return nil, err
		}
		out[c] = make([]segment.PostingsIterator, len(pls))
		for j, pl := range pls {
			out[c][j] = pl.Iterator(true, true, locs, nil)
		}
	}
	return out, nil
}

func (e *evaluator) unit(u unit) error {
	s := e.s
	ss := s.segs[u.plan.idx]
	var err error
	if e.must, err = e.iterators(ss, s.q.must, s.rank); err != nil {
		return err
	}
	needNot := false
	for _, bm := range u.plan.maybe {
		needNot = needNot || bm != nil
	}
	e.not = nil
	if needNot {
		if e.not, err = e.iterators(ss, s.q.not, false); err != nil {
			return err
		}
	}
	if len(e.cur) != len(s.q.must) {
		e.cur = make([][]segment.Posting, len(s.q.must))
		for c := range e.cur {
			e.cur[c] = make([]segment.Posting, len(s.q.must[c].terms))
		}
	}
	perDoc := s.rank || needNot || s.keep != nil
	for c := range s.q.must {
		perDoc = perDoc || s.q.must[c].positional()
	}
	if !perDoc {
		// Collecting plain words: every candidate matches.
		e.res.total += int(u.cand.GetCardinality())
		ords := s.view.ords[u.plan.idx]
		it := u.cand.ManyIterator()
		e.buf = slices.Grow(e.buf[:0], 256)[:256]
		for n := it.NextMany(e.buf); n > 0; n = it.NextMany(e.buf) {
			for _, d := range e.buf[:n] {
				if int(d) < len(ords) && ords[d] != noOrd {
					e.res.ords = e.res.ords.Add(ords[d])
				}
			}
		}
		return nil
	}
	ords := s.view.ords[u.plan.idx]
	it := u.cand.ManyIterator()
	e.buf = slices.Grow(e.buf[:0], 256)[:256]
	for n := it.NextMany(e.buf); n > 0; n = it.NextMany(e.buf) {
		for _, d := range e.buf[:n] {
			ord := noOrd
			if int(d) < len(ords) {
				ord = ords[d]
			}
			if s.keep != nil && (ord == noOrd || !s.keep.Has(ord)) {
				continue
			}
			ok, err := e.doc(u.plan, uint64(d))
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			e.res.total++
			if s.collect {
				if ord != noOrd {
					e.res.ords = e.res.ords.Add(ord)
				}
				continue
			}
			key := relKey{score: e.score(), ord: ord}
			if s.after != nil && !s.after.before(key) {
				continue
			}
			e.res.heap.offer(rankedDoc{relKey: key, seg: u.plan.idx, local: uint64(d)}, s.want)
		}
	}
	return nil
}

// doc reports whether candidate d of the unit's segment matches: its positional clauses hold and no negated
// clause does. It leaves the must words' postings at d in e.cur (for scoring).
func (e *evaluator) doc(sp *segPlan, d uint64) (bool, error) {
	s := e.s
	for c := range s.q.must {
		its := e.must[c]
		if its == nil {
			continue
		}
		for j, it := range its {
			p, err := it.Advance(d)
			if err != nil {
				return false, err
			}
			if p == nil || p.Number() != d {
				return false, fmt.Errorf("word %q: postings lost document %d", s.q.must[c].terms[j], d)
			}
			e.cur[c][j] = p
		}
		if cl := &s.q.must[c]; cl.positional() && !e.holds(cl, e.cur[c]) {
			return false, nil
		}
	}
	for c, bm := range sp.maybe {
		if bm == nil || !bm.Contains(uint32(d)) {
			continue
		}
		its := e.not[c]
		ps := make([]segment.Posting, len(its))
		for j, it := range its {
			p, err := it.Advance(d)
			if err != nil {
				return false, err
			}
			if p == nil || p.Number() != d {
				return false, fmt.Errorf("word %q: postings lost document %d", s.q.not[c].terms[j], d)
			}
			ps[j] = p
		}
		if e.holds(&s.q.not[c], ps) {
			return false, nil
		}
	}
	return true, nil
}

// score sums the must words' tf-idf at the current document.
func (e *evaluator) score() float64 {
	var sum float64
	for c, ps := range e.cur {
		for j, p := range ps {
			sum += math.Sqrt(float64(p.Frequency())) * p.Norm() * e.s.coef[c][j]
		}
	}
	return sum
}

// locKey packs a location's slot (array position, plus one; 0 for a value outside an array) and word position.
func locKey(l segment.Location) uint64 {
	var slot uint64
	if ap := l.ArrayPositions(); len(ap) > 0 {
		slot = ap[0] + 1
	}
	return slot<<32 | l.Pos()
}

// holds reports whether a positional clause holds given its words' postings at one document.
func (e *evaluator) holds(c *textClause, ps []segment.Posting) bool {
	inSlots := func(l segment.Location) bool {
		ap := l.ArrayPositions()
		return len(ap) > 0 && ap[0] >= c.lo && ap[0] <= c.hi
	}
	if !c.phrase {
		// Every word somewhere in the slots.
		for _, p := range ps {
			found := false
			for _, l := range p.Locations() {
				if inSlots(l) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	// A phrase: some occurrence of the first word with every other word at its offset in the same value. The
	// other words' locations are packed into sorted keys once, so each check is a binary search.
	e.keys = e.keys[:0]
	bounds := make([]int, 1, len(ps))
	for _, p := range ps[1:] {
		for _, l := range p.Locations() {
			e.keys = append(e.keys, locKey(l))
		}
		slices.Sort(e.keys[bounds[len(bounds)-1]:])
		bounds = append(bounds, len(e.keys))
	}
	for _, l := range ps[0].Locations() {
		if c.slotted && !inSlots(l) {
			continue
		}
		first := locKey(l)
		ok := true
		for k := 1; k < len(ps) && ok; k++ {
			_, ok = slices.BinarySearch(e.keys[bounds[k-1]:bounds[k]], first+c.offsets[k])
		}
		if ok {
			return true
		}
	}
	return false
}

// hitHeap keeps the best hits seen, worst on top.
type hitHeap []rankedDoc

func (h *hitHeap) offer(d rankedDoc, want int) {
	if want <= 0 {
		return
	}
	if len(*h) < want {
		*h = append(*h, d)
		h.up(len(*h) - 1)
		return
	}
	if !d.before((*h)[0].relKey) {
		return
	}
	(*h)[0] = d
	h.down(0)
}

// worse reports whether hit i sorts after hit j (so belongs nearer the top).
func (h hitHeap) worse(i, j int) bool { return h[j].before(h[i].relKey) }

func (h hitHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.worse(i, p) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h hitHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		w := l
		if r := l + 1; r < len(h) && h.worse(r, l) {
			w = r
		}
		if !h.worse(w, i) {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

// defaultWorkers is how many CPUs one search uses.
func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
