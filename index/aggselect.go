package index

import (
	"math"
	"math/bits"
	"slices"
)

// values are a measure's values over a row of an aggregate: the segments of the table's groups it combines (a
// group, the other groups, a key's groups, the totals), read where the table laid them out, never copied or
// reordered, so one group's values serve every row that includes it.
type values [][]float64

// len is the number of values.
func (v values) len() int {
	n := 0
	for _, s := range v {
		n += len(s)
	}
	return n
}

// sum adds the values up, segment by segment.
func (v values) sum() float64 {
	var out float64
	for _, s := range v {
		for _, x := range s {
			out += x
		}
	}
	return out
}

// extreme returns the smallest (max false) or largest value; v must not be empty.
func (v values) extreme(max bool) float64 {
	out, first := 0.0, true
	for _, s := range v {
		if len(s) == 0 {
			continue
		}
		x := slices.Min(s)
		if max {
			x = slices.Max(s)
		}
		if first || (max && x > out) || (!max && x < out) {
			out, first = x, false
		}
	}
	return out
}

// radixBits is how many bits of the values' keys a round of selectRanks sorts into bins; 2^radixBits bins of 4
// bytes stay in the first-level cache.
const radixBits = 11

// smallSelect is the number of values below which selectRanks copies them and selects by comparisons.
const smallSelect = 256

// sortKey maps a float to an unsigned integer of the same order (negative numbers below positive ones).
func sortKey(x float64) uint64 {
	b := math.Float64bits(x)
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// fromSortKey inverts sortKey.
func fromSortKey(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k ^ 1<<63)
	}
	return math.Float64frombits(^k)
}

// selectRanks returns the ks-th smallest of v (ranks from 0, each below v.len()), leaving v as it is. It is a
// radix selection: one pass finds the range of the values' keys, one counts them into 2^radixBits bins of that
// range, one copies out the values of the bins holding the ranks asked, and those few are selected the same way
// (each round narrows the range 2^radixBits-fold) or, once small, by comparisons. Every pass is a read and an
// increment per value, so a million values cost a few milliseconds where Hoare's selection cost fifteen, and
// several percentiles of one set share the first two passes.
func selectRanks(v values, ks []int) []float64 {
	out := make([]float64, len(ks))
	n := v.len()
	if n <= smallSelect {
		buf := make([]float64, 0, n)
		for _, s := range v {
			buf = append(buf, s...)
		}
		for i, k := range ks {
			out[i] = selectNth(buf, k) // each selection reorders buf, keeping it the same values
		}
		return out
	}
	// The range of the keys. Zeros are counted aside when they lie outside the range of the other values (which are
	// all positive, or all negative): durations and counts are mostly zeros and numbers from 1 up, whose keys lie
	// 2^62 apart, and the bins would otherwise cover an octave each.
	lo, hi, zeros := ^uint64(0), uint64(0), 0
	for _, s := range v {
		for _, x := range s {
			if x == 0 {
				zeros++
				continue
			}
			k := sortKey(x)
			lo, hi = min(lo, k), max(hi, k)
		}
	}
	if zeros == n {
		for i := range out {
			out[i] = 0
		}
		return out
	}
	negative, positive := lo < 1<<63, hi >= 1<<63
	if negative && positive {
		zeros = 0 // inside the range: binned like the rest
		lo, hi = min(lo, sortKey(math.Copysign(0, -1))), max(hi, sortKey(0))
	}
	if lo == hi && zeros == 0 {
		for i := range out {
			out[i] = fromSortKey(lo)
		}
		return out
	}
	shift := uint(max(0, bits.Len64(hi-lo)-radixBits))
	var hist [1<<radixBits + 1]int32 // the last bin: zeros outside the range
	for _, s := range v {
		for _, x := range s {
			hist[min((sortKey(x)-lo)>>shift, 1<<radixBits)]++
		}
	}
	// The bin of each rank and its rank among the bin's values; the zeros outside the range come first (after
	// negative values: last).
	bins, within := make([]int, len(ks)), make([]int, len(ks))
	for i, k := range ks {
		bins[i] = -1
		switch {
		case zeros > 0 && positive && k < zeros:
			continue
		case zeros > 0 && positive:
			k -= zeros
		case zeros > 0 && k >= n-zeros:
			continue
		}
		below := 0
		for b, c := range hist[:1<<radixBits] {
			if k < below+int(c) {
				bins[i], within[i] = b, k-below
				break
			}
			below += int(c)
		}
	}
	// The values of the bins asked for, one slice per distinct bin (slot).
	var slot [1<<radixBits + 1]int16 // 0: not asked; else the slot + 1
	var cands [][]float64
	for _, b := range bins {
		if b >= 0 && slot[b] == 0 {
			cands = append(cands, make([]float64, 0, hist[b]))
			slot[b] = int16(len(cands))
		}
	}
	for _, s := range v {
		for _, x := range s {
			if sl := slot[min((sortKey(x)-lo)>>shift, 1<<radixBits)]; sl != 0 {
				cands[sl-1] = append(cands[sl-1], x)
			}
		}
	}
	for i := range ks {
		if bins[i] >= 0 {
			out[i] = selectRanks(values{cands[slot[bins[i]]-1]}, within[i:i+1])[0]
		}
	}
	return out
}
