package index

import (
	"bytes"
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// A phrase is consecutive words within one value of a field (one conversation part). bleve's own phrase searcher
// costs about 4 µs per document holding all the words (measured: 15 ms for a common two-word phrase at 100k
// conversations), most of it building location maps and path structures per document. This one leapfrogs term
// searchers (one per word, positions included) to the documents that have them all, like a conjunction, and then
// checks positions with two loops over the words' sorted locations, reusing its buffers: no allocation per
// document.

// phraseTermsQuery matches terms at positions offsets (relative to the first, stop-word gaps included) within one
// array element of field. Its score is the sum of the words' scores, as bleve's conjunction would give.
type phraseTermsQuery struct {
	field   string
	terms   []string
	offsets []uint64
	boost   float64
}

func (q *phraseTermsQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	keepLocs := opts.IncludeTermVectors
	opts.IncludeTermVectors = true
	s := &phraseSearcher{field: q.field, offsets: q.offsets, keepLocs: keepLocs}
	for _, t := range q.terms {
		ts, err := searcher.NewTermSearcher(ctx, i, t, q.field, q.boost, opts)
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		s.kids = append(s.kids, ts)
	}
	s.cur = make([]*search.DocumentMatch, len(s.kids))
	return s, nil
}

type phraseSearcher struct {
	field    string
	offsets  []uint64
	keepLocs bool // the caller asked for locations: return those of the phrase's occurrences
	kids     []search.Searcher
	cur      []*search.DocumentMatch // each word's current document; all nil between matches
	started  bool
	done     bool
	firsts   []search.FieldTermLocation // scratch: locations where a phrase starts
}

func (s *phraseSearcher) put(ctx *search.SearchContext, i int) {
	if s.cur[i] != nil {
		ctx.DocumentMatchPool.Put(s.cur[i])
		s.cur[i] = nil
	}
}

// align moves every word to the same document, at or after id (nil: wherever the first word is). It reports false
// when a word is exhausted.
func (s *phraseSearcher) align(ctx *search.SearchContext, id bleveindex.IndexInternalID) (bool, error) {
	var err error
	for i, k := range s.kids {
		if s.cur[i] == nil || (id != nil && bytes.Compare(s.cur[i].IndexInternalID, id) < 0) {
			s.put(ctx, i)
			if id == nil {
				s.cur[i], err = k.Next(ctx)
			} else {
				s.cur[i], err = k.Advance(ctx, id)
			}
			if err != nil || s.cur[i] == nil {
				s.done = true
				return false, err
			}
		}
	}
	for {
		max := s.cur[0].IndexInternalID
		for _, d := range s.cur[1:] {
			if bytes.Compare(d.IndexInternalID, max) > 0 {
				max = d.IndexInternalID
			}
		}
		same := true
		for i, k := range s.kids {
			if bytes.Equal(s.cur[i].IndexInternalID, max) {
				continue
			}
			same = false
			// Advance may reuse the match's ID slice: copy the target first.
			target := append(bleveindex.IndexInternalID(nil), max...)
			s.put(ctx, i)
			if s.cur[i], err = k.Advance(ctx, target); err != nil || s.cur[i] == nil {
				s.done = true
				return false, err
			}
			break
		}
		if same {
			return true, nil
		}
	}
}

// occurs reports whether the words stand at their offsets somewhere in the current document, collecting the
// locations where the phrase starts. Every location is in s.field (each word's searcher reads that field only).
func (s *phraseSearcher) occurs() bool {
	s.firsts = s.firsts[:0]
	for _, a := range s.cur[0].FieldTermLocations {
		ok := true
		for k := 1; k < len(s.cur) && ok; k++ {
			ok = false
			want := a.Location.Pos + s.offsets[k]
			for _, b := range s.cur[k].FieldTermLocations {
				if b.Location.Pos == want && samePositions(a.Location.ArrayPositions, b.Location.ArrayPositions) {
					ok = true
					break
				}
			}
		}
		if ok {
			s.firsts = append(s.firsts, a)
		}
	}
	return len(s.firsts) > 0
}

func samePositions(a, b search.ArrayPositions) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// emit turns the current documents into one match and moves past them.
func (s *phraseSearcher) emit(ctx *search.SearchContext) *search.DocumentMatch {
	rv := s.cur[0]
	s.cur[0] = nil
	for i := 1; i < len(s.cur); i++ {
		rv.Score += s.cur[i].Score
		s.put(ctx, i)
	}
	if s.keepLocs {
		// Fresh slices: the entries of firsts share their array positions with rv's own entries, which the pool
		// hands back to a term scorer that rewrites them in place.
		locs := make([]search.FieldTermLocation, len(s.firsts))
		for i, f := range s.firsts {
			locs[i] = f
			locs[i].Location.ArrayPositions = append(search.ArrayPositions(nil), f.Location.ArrayPositions...)
		}
		rv.FieldTermLocations = locs
	} else {
		rv.FieldTermLocations = rv.FieldTermLocations[:0]
	}
	return rv
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	s.started = true
	for {
		ok, err := s.align(ctx, nil)
		if !ok || err != nil {
			return nil, err
		}
		if s.occurs() {
			return s.emit(ctx), nil
		}
		s.put(ctx, 0)
	}
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	s.started = true
	ok, err := s.align(ctx, id)
	if !ok || err != nil {
		return nil, err
	}
	if s.occurs() {
		return s.emit(ctx), nil
	}
	s.put(ctx, 0)
	return s.Next(ctx)
}

func (s *phraseSearcher) Close() error {
	var err error
	for _, k := range s.kids {
		if cerr := k.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *phraseSearcher) Weight() float64 {
	var w float64
	for _, k := range s.kids {
		w += k.Weight()
	}
	return w
}

func (s *phraseSearcher) SetQueryNorm(n float64) {
	for _, k := range s.kids {
		k.SetQueryNorm(n)
	}
}

func (s *phraseSearcher) Count() uint64 {
	var c uint64
	for i, k := range s.kids {
		if n := k.Count(); i == 0 || n < c {
			c = n
		}
	}
	return c
}

func (s *phraseSearcher) Min() int { return 0 }

func (s *phraseSearcher) Size() int {
	n := 64
	for _, k := range s.kids {
		n += k.Size()
	}
	return n
}

func (s *phraseSearcher) DocumentMatchPoolSize() int {
	n := 1
	for _, k := range s.kids {
		n += k.DocumentMatchPoolSize()
	}
	return n
}
