package table

import (
	"math/bits"
	"sort"
)

// Key is a row's position in result order: most recent updated_at first, then the highest id.
type Key struct {
	UpdatedAt int64
	ID        string
}

// Match is one row of a result. Summary belongs to the table: use it before the next write.
type Match struct {
	ID        string
	UpdatedAt int64
	Summary   []byte
}

// Result is a page of matches.
type Result struct {
	Matches []Match
	Total   int  // rows matching the filter, on every page
	More    bool // rows after the last match exist
}

// Search returns the first limit rows matching f that come after the key after (nil: from the start), in key
// order, with the total number of matching rows.
func (t *Table) Search(f Filter, after *Key, limit int) Result {
	set := t.eval(f)
	defer t.release(set)
	res := Result{Total: set.count()}
	if res.Total == 0 || limit <= 0 {
		return res
	}
	want := limit + 1 // one more than asked tells whether another page exists

	// Stream 1: the sorted slots, in slot order, from the first one after the cursor.
	base := uint32(0)
	if after != nil {
		id := []byte(after.ID)
		base = uint32(sort.Search(int(t.sortedEnd), func(i int) bool {
			return less(after.UpdatedAt, id, t.updated[i], t.ids.get(uint32(i)))
		}))
	}
	nextBase := func() (uint32, bool) {
		for base < t.sortedEnd {
			w := base >> 6
			word := set[w] >> (base & 63)
			if word == 0 {
				base = (w + 1) << 6
				continue
			}
			s := base + uint32(bits.TrailingZeros64(word))
			if s >= t.sortedEnd {
				base = t.sortedEnd
				return 0, false
			}
			base = s + 1
			return s, true
		}
		return 0, false
	}

	// Stream 2: the tail, in key order.
	tail := t.tail
	if t.deferred {
		tail = t.sortedTail()
	}
	ti := 0
	if after != nil {
		id := []byte(after.ID)
		ti = sort.Search(len(tail), func(i int) bool {
			s := tail[i]
			return less(after.UpdatedAt, id, t.updated[s], t.ids.get(s))
		})
	}
	nextTail := func() (uint32, bool) {
		for ti < len(tail) {
			s := tail[ti]
			ti++
			if set.has(s) {
				return s, true
			}
		}
		return 0, false
	}

	b, bok := nextBase()
	tl, tok := nextTail()
	for (bok || tok) && len(res.Matches) < want {
		var s uint32
		if !tok || (bok && t.slotLess(b, tl)) {
			s = b
			b, bok = nextBase()
		} else {
			s = tl
			tl, tok = nextTail()
		}
		res.Matches = append(res.Matches, Match{ID: string(t.ids.get(s)), UpdatedAt: t.updated[s], Summary: t.summaries.get(s)})
	}
	if len(res.Matches) > limit {
		res.Matches = res.Matches[:limit]
		res.More = true
	}
	return res
}

// sortedTail returns the tail's slots in key order when bulk loading left them unsorted.
func (t *Table) sortedTail() []uint32 {
	tail := make([]uint32, 0, len(t.updated)-int(t.sortedEnd))
	for s := t.sortedEnd; int(s) < len(t.updated); s++ {
		tail = append(tail, s)
	}
	sort.Slice(tail, func(i, j int) bool { return t.slotLess(tail[i], tail[j]) })
	return tail
}

// Count returns the number of rows matching f.
func (t *Table) Count(f Filter) int {
	set := t.eval(f)
	defer t.release(set)
	return set.count()
}

// walk calls fn for every slot in set in key order until fn returns false.
func (t *Table) walk(set bitset, fn func(s uint32) bool) {
	tail := t.tail
	if t.deferred {
		tail = t.sortedTail()
	}
	i, j := uint32(0), 0
	for i < t.sortedEnd || j < len(tail) {
		var s uint32
		if j >= len(tail) || (i < t.sortedEnd && t.slotLess(i, tail[j])) {
			s = i
			i++
		} else {
			s = tail[j]
			j++
		}
		if set.has(s) && !fn(s) {
			return
		}
	}
}
