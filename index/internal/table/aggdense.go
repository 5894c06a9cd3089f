package table

import (
	"math/bits"
)

// The fast paths of Aggregate: time buckets found by arithmetic instead of a calendar, and counts kept in a dense
// array indexed by the dimensions' codes instead of groups found row by row.

// maxBucketUnits bounds the coarse table of a bucketIndex (4 bytes each): past it, buckets are found the slow way.
const maxBucketUnits = 1 << 16

// bucketIndex maps a timestamp to its time bucket among consecutive buckets known in advance: bucket i is
// [starts[i], starts[i+1]). The range from starts[0] is cut in units of 2^shift seconds, no longer than the
// shortest bucket, so a unit holds at most one bucket start: coarse[u] is the bucket holding the unit's first
// second, and one comparison says whether the value is past the next start.
type bucketIndex struct {
	starts []int64
	shift  uint
	coarse []uint32
}

// newBucketIndex returns the index of the buckets of dimension d (d.Starts) covering the values of the int column
// c in the rows of set, or nil when d has no Starts, no row of set has a value, or the buckets are too many or
// too short for the table to stay small (the caller then asks d.Bucket per row).
func newBucketIndex(c *column, set bitset, d Dim) *bucketIndex {
	if d.Starts == nil || c == nil || c.typ != Int {
		return nil
	}
	lo, hi, ok := intRange(c, set)
	if !ok {
		return nil
	}
	starts := d.Starts(lo, hi)
	if len(starts) < 2 || starts[0] > lo || starts[len(starts)-1] <= hi || len(starts) > maxBucketUnits {
		return nil
	}
	shortest := int64(1) << 62
	for i := 1; i < len(starts); i++ {
		shortest = min(shortest, starts[i]-starts[i-1])
	}
	if shortest <= 0 {
		return nil
	}
	b := &bucketIndex{starts: starts, shift: uint(bits.Len64(uint64(shortest)) - 1)}
	units := (starts[len(starts)-1]-starts[0])>>b.shift + 1
	if units > maxBucketUnits {
		return nil
	}
	b.coarse = make([]uint32, units)
	i := 0
	for u := range b.coarse {
		t := starts[0] + int64(u)<<b.shift
		for i+1 < len(starts)-1 && starts[i+1] <= t {
			i++
		}
		b.coarse[u] = uint32(i)
	}
	return b
}

// of returns the bucket of v, which must lie in [starts[0], starts[len(starts)-1]).
func (b *bucketIndex) of(v int64) int {
	i := int(b.coarse[(v-b.starts[0])>>b.shift])
	if v >= b.starts[i+1] {
		i++
	}
	return i
}

// n is the number of buckets.
func (b *bucketIndex) n() int { return len(b.starts) - 1 }

// intRange returns the smallest and largest value of the int column c in the rows of set.
func intRange(c *column, set bitset) (lo, hi int64, ok bool) {
	lo, hi = 1<<63-1, -1<<63
	for w, word := range set {
		if w >= len(c.present) {
			break
		}
		word &= c.present[w]
		if word == ^uint64(0) && c.i64 == nil { // every row of the word: no bit to find
			for _, v := range c.i32[w*64 : w*64+64] {
				lo, hi = min(lo, int64(v)), max(hi, int64(v))
			}
			ok = true
			continue
		}
		for word != 0 {
			v := c.intAt(uint32(w*64 + bits.TrailingZeros64(word)))
			word &= word - 1
			lo, hi, ok = min(lo, v), max(hi, v), true
		}
	}
	return lo, hi, ok
}

// maxDenseCounts bounds the counters of countDense (4 bytes each) for two dimensions.
const maxDenseCounts = 1 << 18

// denseDim is one dimension of countDense: a keyword column (its codes), a bool column (0 none, 1 false, 2 true),
// a time-bucketed int column (bucket + 1) or a missing column (every row none). Id 0 is the rows without a value.
type denseDim struct {
	r    *dimReader
	c    *column
	bk   *bucketIndex
	kind denseKind
	n    int // ids: 0 to n-1
}

// denseKind is how a denseDim reads a row's id.
type denseKind uint8

const (
	denseNone denseKind = iota
	denseKeyword
	denseList // a multi-valued keyword column: ids, not id
	denseBool
	denseBucket
)

// newDenseDim returns the dense form of the dimension read by r, if it has one.
func newDenseDim(r *dimReader) (denseDim, bool) {
	if len(r.cols) != 1 {
		return denseDim{}, false
	}
	c := r.cols[0]
	switch {
	case c == nil:
		return denseDim{r: r, n: 1}, true
	case c.typ == Keyword && c.multi:
		return denseDim{r: r, c: c, kind: denseList, n: c.dict.len() + 1}, true
	case c.typ == Keyword:
		return denseDim{r: r, c: c, kind: denseKeyword, n: c.dict.len() + 1}, true
	case c.typ == Bool:
		return denseDim{r: r, c: c, kind: denseBool, n: 3}, true
	case c.typ == Int && r.bk != nil:
		return denseDim{r: r, c: c, bk: r.bk, kind: denseBucket, n: r.bk.n() + 1}, true
	}
	return denseDim{}, false
}

// id returns the id of slot s in a dimension that is not a list.
func (d *denseDim) id(s uint32) uint32 {
	c := d.c
	switch d.kind {
	case denseKeyword:
		if int(s) < len(c.codes) {
			return c.codes[s]
		}
	case denseBool:
		if int(s) < len(c.bools) {
			return uint32(c.bools[s])
		}
	case denseBucket:
		if c.present.has(s) {
			return uint32(d.bk.of(c.intAt(s))) + 1
		}
	}
	return 0
}

// list returns the values of slot s in a list dimension, possibly repeated (see seenBefore); nil for none.
func (d *denseDim) list(s uint32) []uint32 {
	c := d.c
	if int(s) < len(c.mlen) {
		st := c.mstart[s]
		return c.mvals[st : st+uint32(c.mlen[s])]
	}
	return nil
}

// ids appends the ids of slot s to buf: one per distinct value of a list, a single 0 when the row has none.
func (d *denseDim) ids(s uint32, buf []uint32) []uint32 {
	if d.kind != denseList {
		return append(buf, d.id(s))
	}
	vals := d.list(s)
	if len(vals) == 0 {
		return append(buf, 0)
	}
	for i, code := range vals {
		if !seenBefore(vals[:i], code) {
			buf = append(buf, code)
		}
	}
	return buf
}

// raw is the dimReader's raw key of id.
func (d *denseDim) raw(id uint32) uint64 {
	if id == 0 {
		return 0
	}
	return 1<<32 | uint64(id)
}

// countDense is Aggregate's path for counts without measures by dimensions that all have a dense form (keyword,
// bool and time buckets, see denseDim): a counter per combination of ids, indexed directly, so a row costs reading
// its codes and one increment per group it is in. ok is false when a dimension has no dense form or the
// combinations are too many; the caller then takes the general path.
func countDense(set bitset, readers []*dimReader) (agg Aggregation, ok bool) {
	dims := make([]denseDim, len(readers))
	size := 1
	for i, r := range readers {
		if dims[i], ok = newDenseDim(r); !ok {
			return Aggregation{}, false
		}
		size *= dims[i].n
		if len(readers) > 1 && size > maxDenseCounts { // one dimension costs what its dictionary does
			return Aggregation{}, false
		}
	}
	counts := make([]uint32, size)
	if len(dims) > 2 {
		return Aggregation{}, false
	}
	for len(dims) < 2 { // a dimension of one id (0) makes the loops below serve one dimension too
		dims = append(dims, denseDim{n: 1})
	}
	d0, d1 := &dims[0], &dims[1]
	n1 := uint32(d1.n)
	switch {
	case d0.c != nil && d0.c.bitmaps != nil && d1.kind != denseList:
		agg.Matched = countBitmaps(set, d0, d1, counts, false)
	case d1.c != nil && d1.c.bitmaps != nil && d0.kind != denseList:
		agg.Matched = countBitmaps(set, d1, d0, counts, true)
	case len(readers) == 1 && (d0.kind == denseKeyword || d0.kind == denseList):
		agg.Matched = countKeywords(set, d0.c, counts)
	default:
		agg.Matched = countPairs(set, d0, d1, counts)
	}
	dims = dims[:len(readers)]
	// Keys are decoded once per id, not per group.
	keys, decoded := make([][]GroupKey, len(dims)), make([][]bool, len(dims))
	for i := range dims {
		keys[i], decoded[i] = make([]GroupKey, dims[i].n), make([]bool, dims[i].n)
	}
	key := func(i int, id uint32) GroupKey {
		if !decoded[i][id] {
			keys[i][id] = dims[i].key(id)
			decoded[i][id] = true
		}
		return keys[i][id]
	}
	for g, n := range counts {
		if n == 0 {
			continue
		}
		grp := AggGroup{Count: int(n), Keys: make([]GroupKey, len(dims))}
		grp.Keys[0] = key(0, uint32(g)/n1)
		if len(dims) == 2 {
			grp.Keys[1] = key(1, uint32(g)%n1)
		}
		agg.Groups = append(agg.Groups, grp)
	}
	return agg, true
}

// countBitmaps counts the rows of set by the codes of the keyword column of bd, which keeps a bitset per code (a
// small dictionary: states, tags), and by the ids of other (not a list; one id 0 for no dimension). A word of
// set's slots is ANDed with each code's bitset: a row costs an increment per code it has, with no list to read or
// deduplicate, and a count by the keyword alone is a population count per word and code. The words are taken a
// block at a time, code after code, so each bitset is read in a run and the block's ids stay in cache. counts is
// indexed by code × other.n + id, or id × bd.n + code when second.
func countBitmaps(set bitset, bd, other *denseDim, counts []uint32, second bool) int {
	const block = 512 // words: 32,768 rows
	bms := bd.c.bitmaps
	stride, step := uint32(other.n), uint32(1) // counts[code*stride + id*step]
	if second {
		stride, step = 1, uint32(bd.n)
	}
	var ids []int32 // the other dimension's ids, row by row of set, read first in a loop of its kind
	if other.kind != denseNone {
		bufs := aggPool.Get().(*aggBuffers)
		defer aggPool.Put(bufs)
		ids = other.fill(set, bufs.int32s(set.count()))
		defer func() { bufs.ints = append(bufs.ints, ids) }()
	}
	var (
		any  [block]uint64 // the block's rows with a code
		base [block]int    // the index in ids of the word's first row
	)
	// add counts the rows of m (a word of set, w) in the group of code.
	add := func(code uint32, w int, m uint64) {
		if ids == nil {
			counts[code*stride] += uint32(bits.OnesCount64(m))
			return
		}
		row, sw, b := counts[code*stride:], set[w], base[w%block]
		for m != 0 {
			bit := m & -m
			m &= m - 1
			row[uint32(ids[b+bits.OnesCount64(sw&(bit-1))])*step]++ // the row's rank among the word's rows
		}
	}
	j := 0
	for w0 := 0; w0 < len(set); w0 += block {
		w1 := min(w0+block, len(set))
		for w := w0; w < w1; w++ {
			any[w-w0], base[w-w0] = 0, j
			j += bits.OnesCount64(set[w])
		}
		for code := 1; code < len(bms); code++ {
			bm := bms[code]
			for w := w0; w < min(w1, len(bm)); w++ {
				if m := set[w] & bm[w]; m != 0 {
					any[w-w0] |= m
					add(uint32(code), w, m)
				}
			}
		}
		for w := w0; w < w1; w++ {
			if m := set[w] &^ any[w-w0]; m != 0 {
				add(0, w, m)
			}
		}
	}
	return j
}

// countKeywords counts the rows of set by their code in the keyword column c (0: none), each distinct code of a
// list once, returning how many rows it counted.
func countKeywords(set bitset, c *column, counts []uint32) int {
	matched := 0
	for w, word := range set {
		for word != 0 {
			s := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			matched++
			switch {
			case !c.multi && s < len(c.codes):
				counts[c.codes[s]]++
			case !c.multi || s >= len(c.mlen) || c.mlen[s] == 0:
				counts[0]++
			default:
				st := c.mstart[s]
				vals := c.mvals[st : st+uint32(c.mlen[s])]
				for i, code := range vals {
					if !seenBefore(vals[:i], code) {
						counts[code]++
					}
				}
			}
		}
	}
	return matched
}

// fill returns the ids of the rows of set, in order, in a dimension that is not a list, read in a loop of its
// kind; nil when every id is 0 (no column).
func (d *denseDim) fill(set bitset, out []int32) []int32 {
	c := d.c
	switch d.kind {
	case denseNone:
		return nil
	case denseKeyword:
		for w, word := range set {
			for word != 0 {
				s := w*64 + bits.TrailingZeros64(word)
				word &= word - 1
				var id uint32
				if s < len(c.codes) {
					id = c.codes[s]
				}
				out = append(out, int32(id))
			}
		}
	case denseBucket:
		for w, word := range set {
			present := uint64(0)
			if w < len(c.present) {
				present = c.present[w]
			}
			for word != 0 {
				s := w*64 + bits.TrailingZeros64(word)
				var id int
				if present&(word&-word) != 0 {
					id = d.bk.of(c.intAt(uint32(s))) + 1
				}
				word &= word - 1
				out = append(out, int32(id))
			}
		}
	default:
		for w, word := range set {
			for word != 0 {
				s := uint32(w*64 + bits.TrailingZeros64(word))
				word &= word - 1
				out = append(out, int32(d.id(s)))
			}
		}
	}
	return out
}

// countPairs counts the rows of set by the pairs of ids of d0 and d1, at most one of them a list, or by both
// lists; counts is indexed by id0 × d1.n + id1. The ids of a dimension that is not a list are read first (fill),
// so the pass over the rows costs a row its list's reads and its increments.
func countPairs(set bitset, d0, d1 *denseDim, counts []uint32) int {
	n1 := uint32(d1.n)
	bufs := aggPool.Get().(*aggBuffers)
	defer aggPool.Put(bufs)
	var ids0, ids1 []int32
	n := set.count()
	if d0.kind != denseList {
		ids0 = d0.fill(set, bufs.int32s(n))
		defer func() { bufs.ints = append(bufs.ints, ids0) }()
	}
	if d1.kind != denseList {
		ids1 = d1.fill(set, bufs.int32s(n))
		defer func() { bufs.ints = append(bufs.ints, ids1) }()
	}
	matched := 0
	var k0, k1 []uint32
	for w, word := range set {
		for word != 0 {
			s := uint32(w*64 + bits.TrailingZeros64(word))
			word &= word - 1
			var a, b uint32
			if ids0 != nil {
				a = uint32(ids0[matched])
			}
			if ids1 != nil {
				b = uint32(ids1[matched])
			}
			matched++
			switch {
			case d0.kind != denseList && d1.kind != denseList:
				counts[a*n1+b]++
			case d1.kind != denseList:
				vals := d0.list(s)
				if len(vals) == 0 {
					counts[b]++
				}
				for i, a := range vals {
					if !seenBefore(vals[:i], a) {
						counts[a*n1+b]++
					}
				}
			case d0.kind != denseList:
				row := counts[a*n1:]
				vals := d1.list(s)
				if len(vals) == 0 {
					row[0]++
				}
				for i, b := range vals {
					if !seenBefore(vals[:i], b) {
						row[b]++
					}
				}
			default:
				k0, k1 = d0.ids(s, k0[:0]), d1.ids(s, k1[:0])
				for _, a := range k0 {
					row := counts[a*n1 : a*n1+n1]
					for _, b := range k1 {
						row[b]++
					}
				}
			}
		}
	}
	return matched
}

// key decodes id.
func (d *denseDim) key(id uint32) GroupKey { return d.r.key(d.raw(id)) }
