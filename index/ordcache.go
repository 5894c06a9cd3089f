package index

import (
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Filtering full-text hits by a table filter needs each hit's record ordinal. Reading it as a doc value costs
// about half a microsecond a hit (zap decompresses a chunk of doc values for nearly every hit of a common word):
// as much as the search it filters. But scorch segments are immutable, so the ordinals of a segment's documents
// can be read once into an array and shared by every later search; a hit's ordinal is then a binary search over
// a couple of dozen segment offsets and an array lookup.
//
// ordCache holds those arrays for the segments of recent snapshots. A search takes a view for its own snapshot
// (ordView); arrays for segments new since the last search are built then, under the cache's lock (a segment of
// a million documents takes a few hundred milliseconds, once, after a large merge), and arrays of segments no
// longer in the snapshot are dropped.
type ordCache struct {
	mu      sync.Mutex
	segs    map[segment.Segment][]uint32 // local document number → ordinal (noOrd for none)
	workers int                          // goroutines reading one segment's ordinals (0: one)
}

// noOrd marks a document without an ordinal (none should exist).
const noOrd = ^uint32(0)

// ordView maps a snapshot's internal document ids to ordinals.
type ordView struct {
	offsets []uint64
	ords    [][]uint32
}

// view returns the view for the snapshot behind reader, or false when reader is not a scorch snapshot (the
// caller then reads doc values).
func (c *ordCache) view(reader bleveindex.IndexReader) (*ordView, bool, error) {
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false, nil
	}
	ss := snap.Segments()
	v := &ordView{offsets: make([]uint64, len(ss)), ords: make([][]uint32, len(ss))}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.segs == nil {
		c.segs = map[segment.Segment][]uint32{}
	}
	live := make(map[segment.Segment]bool, len(ss))
	var running uint64
	for i, s := range ss {
		seg := s.Segment()
		v.offsets[i] = running
		running += seg.Count()
		live[seg] = true
		arr, ok := c.segs[seg]
		if !ok {
			var err error
			if arr, err = segmentOrds(seg, c.workers, ordsPerWorker); err != nil {
				return nil, false, err
			}
			c.segs[seg] = arr
		}
		v.ords[i] = arr
	}
	for seg := range c.segs {
		if !live[seg] {
			delete(c.segs, seg)
		}
	}
	return v, true, nil
}

// ordsPerWorker is the fewest documents worth a goroutine of their own when a segment's ordinals are read.
const ordsPerWorker = 50_000

// segmentOrds reads the ordinal of every document of seg, with up to workers goroutines each reading a range of at
// least perWorker documents (a segment of a million takes about 0.6 s of CPU).
func segmentOrds(seg segment.Segment, workers int, perWorker uint64) ([]uint32, error) {
	n := seg.Count()
	arr := make([]uint32, n)
	dvv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		for i := range arr {
			arr[i] = noOrd
		}
		return arr, nil
	}
	read := func(from, to uint64) error {
		var state segment.DocVisitState
		fields := []string{ordField}
		for doc := from; doc < to; doc++ {
			arr[doc] = noOrd
			var err error
			state, err = dvv.VisitDocValues(doc, fields, func(_ string, term []byte) {
				if ord, ok := parseOrdTerm(term); ok {
					arr[doc] = ord
				}
			}, state)
			if err != nil {
				return err
			}
		}
		return nil
	}
	parts := max(1, min(uint64(max(workers, 1)), n/max(perWorker, 1)))
	if parts == 1 {
		return arr, read(0, n)
	}
	var g errgroup.Group
	for p := range parts {
		g.Go(func() error { return read(n*p/parts, n*(p+1)/parts) })
	}
	return arr, g.Wait()
}

// ord returns the ordinal of the document with internal id.
func (v *ordView) ord(id bleveindex.IndexInternalID) (uint32, bool) {
	num := id.Value()
	i := sort.Search(len(v.offsets), func(x int) bool { return v.offsets[x] > num }) - 1
	if i < 0 {
		return 0, false
	}
	local := num - v.offsets[i]
	if local >= uint64(len(v.ords[i])) || v.ords[i][local] == noOrd {
		return 0, false
	}
	return v.ords[i][local], true
}
