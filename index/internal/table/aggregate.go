package table

import (
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Aggregation over the table: the rows a Filter keeps are grouped by up to two dimensions and, per group, counted
// and their measures' values collected, in one pass over the matching slots. Grouping works on dictionary codes
// and interned numbers, so no string is built per row; the caller turns the collected values into metrics (sums,
// percentiles), which needs them all to be exact.

// Dim is one dimension of an aggregation: the columns holding its value (a custom attribute has one column per
// JSON type; the first with a value in a row gives the row's key) and how numbers are bucketed.
type Dim struct {
	Cols   []string
	Bucket func(v int64) int64 // int columns: the key of a value (its bucket); nil keys by the value itself
	Width  float64             // float columns: bucket width (key = ⌊v/Width⌋·Width); 0 keys by the value itself
	// Starts, when set with Bucket, returns the starts of the consecutive buckets covering lo to hi, and the end
	// of the last (the start of the one after): Bucket(v) is starts[i] for starts[i] ≤ v < starts[i+1]. A
	// single-column dimension then finds a value's bucket by arithmetic on them instead of calling Bucket.
	Starts func(lo, hi int64) []int64
}

// Measure is a number an aggregation collects per group: the value of the first of Cols (int or float columns)
// a row has.
type Measure struct {
	Cols []string
}

// GroupKind says which member of a GroupKey holds its value.
type GroupKind uint8

// The kinds of key. GroupNone is the key of rows without a value in the dimension.
const (
	GroupNone GroupKind = iota
	GroupStr
	GroupInt
	GroupFloat
	GroupBool
)

// GroupKey is the value naming a group in one dimension.
type GroupKey struct {
	Kind GroupKind
	// Str is, for GroupStr, the keyword as first put into the table ("VIP", where the table compares "vip"):
	// values folding alike (FoldKeyword) are one group, shown in the spelling met first. Distinct values have
	// distinct spellings, so Str names the group.
	Str   string
	Int   int64 // GroupInt: the value or its bucket
	Float float64
	Bool  bool
}

// AggGroup is one group: its key in each dimension, the number of rows in it, and per measure the values of the
// rows in it that have one. A row with several values in a list dimension is in several groups.
type AggGroup struct {
	Keys   []GroupKey
	Count  int
	Values [][]float64
}

// Aggregation is the result of Aggregate: the number of rows the filter kept, per measure the values of those rows
// (each row once), and the groups in no particular order.
type Aggregation struct {
	Matched int
	Totals  [][]float64
	Groups  []AggGroup

	bufs *aggBuffers // the buffers Totals and the groups' Values live in, for Release
}

// aggBuffers are an aggregation's large slices: a value per matching row per measure, several times over. They are
// pooled: at a million rows they are tens of megabytes an aggregation, which (the Go heap being small once the
// table is mapped) set off a collection or two per call, and its pauses were the p99.
type aggBuffers struct {
	floats [][]float64
	ints   [][]int32
}

var aggPool = sync.Pool{New: func() any { return new(aggBuffers) }}

// float returns a float64 slice of length 0 and capacity at least n from the pool's buffers.
func (b *aggBuffers) float(n int) []float64 { return takeBuffer(&b.floats, n) }

// int32s is float for int32 slices.
func (b *aggBuffers) int32s(n int) []int32 { return takeBuffer(&b.ints, n) }

// takeBuffer removes from bufs the first slice of capacity at least n and returns it emptied, or a new one.
func takeBuffer[T any](bufs *[][]T, n int) []T {
	for i, f := range *bufs {
		if cap(f) >= n {
			*bufs = append((*bufs)[:i], (*bufs)[i+1:]...)
			return f[:0]
		}
	}
	return make([]T, 0, n)
}

// Release gives the aggregation's buffers back for the next one: call it once Totals and the groups' Values are no
// longer used.
func (a *Aggregation) Release() {
	b := a.bufs
	if b == nil {
		return
	}
	a.bufs, a.Totals, a.Groups = nil, nil, nil
	aggPool.Put(b)
}

// interner gives numbers small dense ids, from 1, remembering recent ones in a small direct-mapped cache (a
// dimension's values are mostly few and repeated: time buckets, assignees), which costs less than the map.
type interner struct {
	ids    map[int64]uint32
	vals   []int64
	cacheK [64]int64
	cacheV [64]uint32 // 0: empty
}

func (in *interner) id(v int64) uint32 {
	h := (uint64(v) * 0x9E3779B97F4A7C15) >> 58
	if in.cacheV[h] != 0 && in.cacheK[h] == v {
		return in.cacheV[h]
	}
	id, ok := in.ids[v]
	if !ok {
		in.vals = append(in.vals, v)
		id = uint32(len(in.vals)) // from 1: 0 is the key of rows without a value
		in.ids[v] = id
	}
	in.cacheK[h], in.cacheV[h] = v, id
	return id
}

// dimReader reads a dimension's raw keys from a row: (column index + 1) << 32 | code or interned id; 0 for none.
// It also numbers the raw keys densely from 1 (dense), so groups can be found by indexing slices: a dimension of
// one column uses the code or interned id itself, one of several columns (a custom attribute) a map.
type dimReader struct {
	cols   []*column
	ins    []*interner // per column; nil for keyword and bool columns
	dim    Dim
	ids    map[uint64]uint32 // several columns: raw key → dense id
	raws   []uint64          // several columns: dense id - 1 → raw key
	single bool
	bk     *bucketIndex // a single time-bucketed int column with Starts: raw keys hold bucket + 1
}

// dense returns the dense id of a raw key (0 for none).
func (r *dimReader) dense(raw uint64) uint32 {
	if raw == 0 || r.single {
		return uint32(raw)
	}
	id, ok := r.ids[raw]
	if !ok {
		r.raws = append(r.raws, raw)
		id = uint32(len(r.raws))
		r.ids[raw] = id
	}
	return id
}

// newDimReader returns the reader of d over the rows of set.
func newDimReader(t *Table, d Dim, set bitset) *dimReader {
	r := &dimReader{dim: d, single: len(d.Cols) == 1, ids: map[uint64]uint32{}}
	for _, name := range d.Cols {
		c := t.cols[name]
		r.cols = append(r.cols, c)
		var in *interner
		if c != nil && (c.typ == Int || c.typ == Float) {
			in = &interner{ids: map[int64]uint32{}}
		}
		r.ins = append(r.ins, in)
	}
	if r.single && d.Bucket != nil {
		r.bk = newBucketIndex(r.cols[0], set, d)
	}
	return r
}

// keys appends the raw keys of slot s to buf: one per value of a list, a single 0 when the row has none.
func (r *dimReader) keys(s uint32, buf []uint64) []uint64 {
	for ci, c := range r.cols {
		if c == nil || !c.has(s) {
			continue
		}
		tag := uint64(ci+1) << 32
		switch c.typ {
		case Keyword:
			if !c.multi {
				return append(buf, tag|uint64(c.codes[s]))
			}
			st := c.mstart[s]
			for i, code := range c.mvals[st : st+uint32(c.mlen[s])] {
				if !seenBefore(c.mvals[st:st+uint32(i)], code) {
					buf = append(buf, tag|uint64(code))
				}
			}
			return buf
		case Bool:
			return append(buf, tag|uint64(c.bools[s]))
		case Int:
			v := c.intAt(s)
			if r.bk != nil {
				return append(buf, tag|uint64(r.bk.of(v)+1))
			}
			if r.dim.Bucket != nil {
				v = r.dim.Bucket(v)
			}
			return append(buf, tag|uint64(r.ins[ci].id(v)))
		case Float:
			v := c.f64[s]
			if r.dim.Width > 0 {
				v = math.Floor(v/r.dim.Width) * r.dim.Width
			}
			return append(buf, tag|uint64(r.ins[ci].id(int64(math.Float64bits(v)))))
		}
	}
	return append(buf, 0)
}

// seenBefore reports whether code occurs in earlier: a list holding a value twice counts the row once in its group.
func seenBefore(earlier []uint32, code uint32) bool {
	for _, e := range earlier {
		if e == code {
			return true
		}
	}
	return false
}

// key decodes a raw key.
func (r *dimReader) key(raw uint64) GroupKey {
	if raw == 0 {
		return GroupKey{}
	}
	ci, id := int(raw>>32)-1, uint32(raw)
	c := r.cols[ci]
	switch c.typ {
	case Keyword:
		sp := c.dict.spelling(id)
		if sp == nil {
			sp = c.dict.value(id)
		}
		return GroupKey{Kind: GroupStr, Str: string(sp)}
	case Bool:
		return GroupKey{Kind: GroupBool, Bool: id == 2}
	case Int:
		if r.bk != nil {
			return GroupKey{Kind: GroupInt, Int: r.bk.starts[id-1]}
		}
		return GroupKey{Kind: GroupInt, Int: r.ins[ci].vals[id-1]}
	}
	return GroupKey{Kind: GroupFloat, Float: math.Float64frombits(uint64(r.ins[ci].vals[id-1]))}
}

// measureReader reads a measure's value from a row.
type measureReader []*column

// has reports whether slot s has a value of the measure.
func (m measureReader) has(s uint32) bool {
	for _, c := range m {
		if c != nil && c.present.has(s) {
			return true
		}
	}
	return false
}

func (m measureReader) value(s uint32) (float64, bool) {
	for _, c := range m {
		if c == nil || !c.present.has(s) {
			continue
		}
		switch c.typ {
		case Int:
			return float64(c.intAt(s)), true
		case Float:
			return c.f64[s], true
		}
	}
	return 0, false
}

// Aggregate groups the live rows matching f by dims (at most two; none makes one group of every match) and
// collects measures per group. It reads the table only: the caller holds the owner's read lock.
func (t *Table) Aggregate(f Filter, dims []Dim, measures []Measure) Aggregation {
	set := t.eval(f)
	defer t.release(set)
	readers := make([]*dimReader, len(dims))
	for i, d := range dims {
		readers[i] = newDimReader(t, d, set)
	}
	mreaders := make([]measureReader, len(measures))
	for i, m := range measures {
		for _, name := range m.Cols {
			if c := t.cols[name]; c != nil && (c.typ == Int || c.typ == Float) {
				mreaders[i] = append(mreaders[i], c)
			}
		}
	}
	if len(measures) == 0 && len(readers) > 0 {
		if agg, ok := countDense(set, readers); ok {
			return agg
		}
	}
	if len(measures) > 0 {
		if agg, ok := aggregateFlat(set, readers, mreaders); ok {
			return agg
		}
	}
	agg := Aggregation{Totals: make([][]float64, len(measures))}
	// When every row is in one group (no dimension is a list), the groups' values laid out one after the other
	// are the totals' values: they are not collected twice.
	oneGroupEach := true
	for _, r := range readers {
		for _, c := range r.cols {
			if c != nil && c.typ == Keyword && c.multi {
				oneGroupEach = false
			}
		}
	}
	var pooled, used *aggBuffers
	n := set.count() // a measure holds at most a value per matching row (per group it is in: the logs grow)
	if len(measures) > 0 {
		pooled, used = aggPool.Get().(*aggBuffers), &aggBuffers{}
		agg.bufs = used
		if !oneGroupEach {
			for m := range agg.Totals {
				agg.Totals[m] = pooled.float(n)
			}
		}
	}
	// index[id0][id1] is the group's index + 1, by the dimensions' dense ids (id1 is 0 without a second one).
	var (
		index  [][]int32
		vals   = make([]float64, len(measures))
		has    = make([]bool, len(measures))
		k0, k1 []uint64
	)
	// A group's values are logged (group, value) during the pass and laid out group by group after it, in one
	// buffer per measure: appending to each group's own slice copied and cleared a third of a median's CPU as the
	// slices grew (1M rows).
	var (
		glog [][]int32
		vlog [][]float64
	)
	if len(measures) > 0 {
		glog, vlog = make([][]int32, len(measures)), make([][]float64, len(measures))
		for m := range measures {
			glog[m] = pooled.int32s(n)
			vlog[m] = pooled.float(n)
		}
	}
	group := func(a, b uint64) int32 {
		var id0, id1 uint32
		if len(readers) > 0 {
			id0 = readers[0].dense(a)
		}
		if len(readers) > 1 {
			id1 = readers[1].dense(b)
		}
		index = growTo(index, int(id0)+1)
		row := growTo(index[id0], int(id1)+1)
		index[id0] = row
		if g := row[id1]; g > 0 {
			return g - 1
		}
		grp := AggGroup{Values: make([][]float64, len(measures))}
		for i, r := range readers {
			raw := a
			if i == 1 {
				raw = b
			}
			grp.Keys = append(grp.Keys, r.key(raw))
		}
		agg.Groups = append(agg.Groups, grp)
		row[id1] = int32(len(agg.Groups))
		return int32(len(agg.Groups) - 1)
	}
	add := func(g int32) {
		agg.Groups[g].Count++
		for m := range measures {
			if has[m] {
				glog[m] = append(glog[m], g)
				vlog[m] = append(vlog[m], vals[m])
			}
		}
	}
	for w, word := range set {
		for word != 0 {
			s := uint32(w*64 + bits.TrailingZeros64(word))
			word &= word - 1
			agg.Matched++
			for m, mr := range mreaders {
				vals[m], has[m] = mr.value(s)
				if has[m] && !oneGroupEach {
					agg.Totals[m] = append(agg.Totals[m], vals[m])
				}
			}
			switch len(readers) {
			case 0:
				add(group(0, 0))
			case 1:
				k0 = readers[0].keys(s, k0[:0])
				for _, a := range k0 {
					add(group(a, 0))
				}
			default:
				k0 = readers[0].keys(s, k0[:0])
				k1 = readers[1].keys(s, k1[:0])
				for _, a := range k0 {
					for _, b := range k1 {
						add(group(a, b))
					}
				}
			}
		}
	}
	for m := range measures {
		buf := pooled.float(len(vlog[m]))[:len(vlog[m])]
		layOut(agg.Groups, m, glog[m], vlog[m], buf)
		if oneGroupEach {
			agg.Totals[m] = buf
		} else {
			used.floats = append(used.floats, agg.Totals[m])
		}
		used.floats = append(used.floats, vlog[m], buf)
		used.ints = append(used.ints, glog[m])
	}
	if pooled != nil {
		// What was not taken goes back with the rest (one object in the pool per aggregation: two, and the next
		// Get would find only half the buffers it needs).
		used.floats = append(used.floats, pooled.floats...)
		used.ints = append(used.ints, pooled.ints...)
	}
	return agg
}

// layOut gives each group its values of measure m from the pass's log (the group and value of each), in one
// buffer, group after group, each in the order the pass met them.
func layOut(groups []AggGroup, m int, glog []int32, vlog, buf []float64) {
	start := make([]int, len(groups)+1)
	for _, g := range glog {
		start[g+1]++
	}
	for g := range groups {
		start[g+1] += start[g]
	}
	next := slices.Clone(start[:len(groups)])
	for i, g := range glog {
		buf[next[g]] = vlog[i]
		next[g]++
	}
	for g := range groups {
		if start[g] < start[g+1] {
			groups[g].Values[m] = buf[start[g]:start[g+1]:start[g+1]]
		}
	}
}
