package index

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
// (ordView); arrays for segments new since the last search are read then, under the cache's lock, from the file
// kept beside a persisted segment (ordFile), else from the doc values (a segment of a million documents takes a
// few hundred milliseconds, once, after a large merge) and written to that file; arrays of segments no longer in
// the snapshot are dropped, with their files. Open reads them all in the background (Replica.warmOrds).
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
			path, persisted := ordFile(seg)
			if persisted {
				arr = readOrdFile(path, seg.Count())
			}
			if arr == nil {
				var err error
				if arr, err = segmentOrds(seg, c.workers, ordsPerWorker); err != nil {
					return nil, false, err
				}
				if persisted {
					writeOrdFile(path, arr) // a cache: when it cannot be written, the next open reads the doc values again
				}
			}
			c.segs[seg] = arr
		}
		v.ords[i] = arr
	}
	for seg := range c.segs {
		if !live[seg] {
			delete(c.segs, seg)
			if path, ok := ordFile(seg); ok {
				_ = os.Remove(path) // merged away: scorch removes its zap file too
			}
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

// A persisted segment's ordinals are kept in a file beside its zap file (<segment>.ords, inside the index
// directory), so that Open reads 4 bytes a document instead of a doc value (at a million conversations, 4 MB in a
// few milliseconds instead of 0.6 s of CPU). Scorch removes only the .zap files it no longer needs and a rebuild
// replaces the directory whole, so a file never outlives its index; one whose segment was merged away is removed
// with the segment's array (view) or at the next Open (removeStaleOrdFiles). The file is a cache: a missing,
// short or damaged one (its checksum) is rebuilt from the doc values.
//
// Layout: "ORD1", the document count (uint64), the CRC-32C of the ordinals, then the ordinals (uint32 each), all
// little-endian.

const ordFileMagic = "ORD1"

// ordFile returns the path of seg's ordinals file, or false when seg is not a file (a batch not yet persisted).
func ordFile(seg segment.Segment) (string, bool) {
	ps, ok := seg.(segment.PersistedSegment)
	if !ok || ps.Path() == "" || !strings.HasSuffix(ps.Path(), ".zap") {
		return "", false
	}
	return strings.TrimSuffix(ps.Path(), ".zap") + ".ords", true
}

// readOrdFile returns the ordinals in the file at path, or nil when it is missing or is not the ordinals of a
// segment of count documents.
func readOrdFile(path string, count uint64) []uint32 {
	b, err := os.ReadFile(path)
	if err != nil || uint64(len(b)) != 16+4*count || string(b[:4]) != ordFileMagic ||
		binary.LittleEndian.Uint64(b[4:12]) != count || binary.LittleEndian.Uint32(b[12:16]) != crc32.Checksum(b[16:], castagnoli) {
		return nil
	}
	arr := make([]uint32, count)
	for i := range arr {
		arr[i] = binary.LittleEndian.Uint32(b[16+4*i:])
	}
	return arr
}

// writeOrdFile writes arr to path (mode 0600) through a temporary file renamed into place, so a reader finds the
// whole file or none.
func writeOrdFile(path string, arr []uint32) {
	b := make([]byte, 16+4*len(arr))
	copy(b, ordFileMagic)
	binary.LittleEndian.PutUint64(b[4:], uint64(len(arr)))
	for i, o := range arr {
		binary.LittleEndian.PutUint32(b[16+4*i:], o)
	}
	binary.LittleEndian.PutUint32(b[12:], crc32.Checksum(b[16:], castagnoli))
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		_ = os.Remove(tmp)
		return
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
	}
}

// removeStaleOrdFiles removes from the index directory dir the ordinals files (and temporary ones) of segments
// that are no longer there: merged away while the replica was last open, then closed before the array was dropped.
func removeStaleOrdFiles(dir string) {
	tmps, _ := filepath.Glob(filepath.Join(dir, "*.ords.tmp"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.ords"))
	for _, p := range tmps {
		_ = os.Remove(p)
	}
	for _, p := range files {
		if _, err := os.Stat(strings.TrimSuffix(p, ".ords") + ".zap"); errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(p)
		}
	}
}
