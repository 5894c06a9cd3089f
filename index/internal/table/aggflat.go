package table

import (
	"math"
	"math/bits"
)

// aggregateFlat is Aggregate's path for measures by at most two dimensions of one column each, none a list: every
// row is in exactly one group. It reads each dimension's ids in a loop of its own kind (fill, fillInterned), numbers
// the combinations in a dense array, counts the rows and the values per group, and then writes each value straight
// to its place in one buffer per measure, group after group, which is also the totals' values. ok is false when a
// dimension does not qualify or the combinations are too many; the caller then takes the general path.
func aggregateFlat(set bitset, readers []*dimReader, mreaders []measureReader) (agg Aggregation, ok bool) {
	if len(readers) > 2 {
		return Aggregation{}, false
	}
	for _, r := range readers {
		if len(r.cols) != 1 || (r.cols[0] != nil && r.cols[0].typ == Keyword && r.cols[0].multi) {
			return Aggregation{}, false
		}
	}
	n := set.count()
	pooled, used := aggPool.Get().(*aggBuffers), &aggBuffers{}
	defer func() {
		if !ok {
			used.floats = append(used.floats, pooled.floats...)
			used.ints = append(used.ints, pooled.ints...)
			aggPool.Put(used)
		}
	}()
	// The ids of each dimension, row by row (nil: every id 0), and how many there are.
	ids := make([][]int32, 2)
	sizes := []int{1, 1}
	for i, r := range readers {
		buf := pooled.int32s(n)
		used.ints = append(used.ints, buf)
		if d, dense := newDenseDim(r); dense {
			ids[i], sizes[i] = d.fill(set, buf), d.n
			continue
		}
		ids[i] = fillInterned(set, r, buf)
		sizes[i] = len(r.ins[0].vals) + 1
	}
	if sizes[0]*sizes[1] > maxDenseCounts {
		return Aggregation{}, false
	}
	// Pass one: each row's group (kept in place of its first dimension's id) and the groups' counts of rows and of
	// values per measure.
	n1 := int32(sizes[1])
	index := make([]int32, sizes[0]*sizes[1]) // group + 1 by combination of ids
	var combos []int32                        // by group
	group := pooled.int32s(n)[:n]
	used.ints = append(used.ints, group)
	var counts []int
	valueCounts := make([][]int, len(mreaders))
	j := 0
	for w, word := range set {
		for word != 0 {
			s := uint32(w*64 + bits.TrailingZeros64(word))
			word &= word - 1
			var combo int32
			if ids[0] != nil {
				combo = ids[0][j] * n1
			}
			if ids[1] != nil {
				combo += ids[1][j]
			}
			g := index[combo] - 1
			if g < 0 {
				g = int32(len(combos))
				index[combo] = g + 1
				combos = append(combos, combo)
				counts = append(counts, 0)
				for m := range valueCounts {
					valueCounts[m] = append(valueCounts[m], 0)
				}
			}
			group[j] = g
			counts[g]++
			for m, mr := range mreaders {
				if mr.has(s) {
					valueCounts[m][g]++
				}
			}
			j++
		}
	}
	agg.Matched = n
	agg.Totals = make([][]float64, len(mreaders))
	agg.Groups = make([]AggGroup, len(combos))
	for g, combo := range combos {
		grp := AggGroup{Count: counts[g], Keys: make([]GroupKey, len(readers)), Values: make([][]float64, len(mreaders))}
		for i, r := range readers {
			id := combo / n1
			if i == 1 {
				id = combo % n1
			}
			raw := uint64(0)
			if id > 0 {
				raw = 1<<32 | uint64(id)
			}
			grp.Keys[i] = r.key(raw)
		}
		agg.Groups[g] = grp
	}
	// Pass two, per measure: each value to its group's next place.
	for m, mr := range mreaders {
		next := make([]int, len(combos))
		total := 0
		for g, c := range valueCounts[m] {
			next[g] = total
			total += c
		}
		buf := pooled.float(total)[:total]
		used.floats = append(used.floats, buf)
		j := 0
		for w, word := range set {
			for word != 0 {
				s := uint32(w*64 + bits.TrailingZeros64(word))
				word &= word - 1
				if v, ok := mr.value(s); ok {
					g := group[j]
					buf[next[g]] = v
					next[g]++
				}
				j++
			}
		}
		start := 0
		for g := range agg.Groups {
			if c := valueCounts[m][g]; c > 0 {
				agg.Groups[g].Values[m] = buf[start : start+c : start+c]
				start += c
			}
		}
		agg.Totals[m] = buf
	}
	used.floats = append(used.floats, pooled.floats...)
	used.ints = append(used.ints, pooled.ints...)
	agg.bufs = used
	return agg, true
}

// fillInterned returns the interned ids of the rows of set in the single-column dimension read by r (an int or
// float column: its values or their buckets, numbered by r.ins[0]; 0 for none), in order.
func fillInterned(set bitset, r *dimReader, out []int32) []int32 {
	c := r.cols[0]
	if c == nil || (c.typ != Int && c.typ != Float) {
		for range set.count() {
			out = append(out, 0) // keys() reads no other type from one column
		}
		return out
	}
	in := r.ins[0]
	for w, word := range set {
		present := uint64(0)
		if w < len(c.present) {
			present = c.present[w]
		}
		for word != 0 {
			s := uint32(w*64 + bits.TrailingZeros64(word))
			var id uint32
			if present&(word&-word) != 0 {
				if c.typ == Int {
					v := c.intAt(s)
					if r.dim.Bucket != nil {
						v = r.dim.Bucket(v)
					}
					id = in.id(v)
				} else {
					v := c.f64[s]
					if r.dim.Width > 0 {
						v = math.Floor(v/r.dim.Width) * r.dim.Width
					}
					id = in.id(int64(math.Float64bits(v)))
				}
			}
			word &= word - 1
			out = append(out, int32(id))
		}
	}
	return out
}
