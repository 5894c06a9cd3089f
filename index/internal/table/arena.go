package table

import (
	"hash/maphash"
	"math/bits"
)

// The table keeps no Go pointers per row: strings live in arenas (one byte slice plus offsets) and lookups go
// through open-addressing hash indexes of uint32. A million rows are then a few dozen large slices that the
// garbage collector scans in microseconds, instead of millions of string headers.

// arena is an append-only list of byte strings: value i is data[offs[i]:offs[i+1]].
type arena struct {
	data []byte
	offs []uint32 // len = count+1; offs[0] = 0
}

func newArena() arena { return arena{offs: []uint32{0}} }

func (a *arena) add(v []byte) uint32 {
	a.data = append(a.data, v...)
	a.offs = append(a.offs, uint32(len(a.data)))
	return uint32(len(a.offs) - 2)
}

func (a *arena) addString(v string) uint32 {
	a.data = append(a.data, v...)
	a.offs = append(a.offs, uint32(len(a.data)))
	return uint32(len(a.offs) - 2)
}

func (a *arena) get(i uint32) []byte { return a.data[a.offs[i]:a.offs[i+1]] }

// hashIndex maps byte strings (held elsewhere, named by a uint32) to that uint32. Entries are never removed:
// the table replaces an id's slot in place, and dictionaries only grow. The key of entry v is fetched with
// keyOf(v), so the index itself stores only 4 bytes per slot.
type hashIndex struct {
	seed  maphash.Seed
	slots []uint32 // v+1, or 0 when empty
	count int
}

func newHashIndex() hashIndex {
	return hashIndex{seed: maphash.MakeSeed(), slots: make([]uint32, 64)}
}

// find returns the slot index holding key and whether it was found; when not found, the returned index is where
// key would be inserted. Keys are strings so that callers holding strings look up without converting (and
// allocating); comparing string(keyOf(...)) with key does not allocate either.
func (h *hashIndex) find(key string, keyOf func(uint32) []byte) (int, bool) {
	mask := len(h.slots) - 1
	i := int(maphash.String(h.seed, key)) & mask
	for {
		s := h.slots[i]
		if s == 0 {
			return i, false
		}
		if string(keyOf(s-1)) == string(key) {
			return i, true
		}
		i = (i + 1) & mask
	}
}

func (h *hashIndex) lookup(key string, keyOf func(uint32) []byte) (uint32, bool) {
	i, ok := h.find(key, keyOf)
	if !ok {
		return 0, false
	}
	return h.slots[i] - 1, true
}

// set maps key to v, inserting or replacing.
func (h *hashIndex) set(key string, v uint32, keyOf func(uint32) []byte) {
	i, ok := h.find(key, keyOf)
	if ok {
		h.slots[i] = v + 1
		return
	}
	h.slots[i] = v + 1
	h.count++
	if h.count*2 > len(h.slots) {
		h.grow(keyOf)
	}
}

func (h *hashIndex) grow(keyOf func(uint32) []byte) {
	old := h.slots
	h.slots = make([]uint32, 2*len(old))
	mask := len(h.slots) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := int(maphash.Bytes(h.seed, keyOf(s-1))) & mask
		for h.slots[i] != 0 {
			i = (i + 1) & mask
		}
		h.slots[i] = s
	}
}

// bitset is a fixed-size set of small integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(i uint32) bool {
	w := int(i >> 6)
	return w < len(b) && b[w]&(1<<(i&63)) != 0
}

func (b bitset) set(i uint32) { b[i>>6] |= 1 << (i & 63) }

func (b bitset) clear(i uint32) { b[i>>6] &^= 1 << (i & 63) }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// codes returns the members of b in increasing order.
func (b bitset) codes() []uint32 {
	var out []uint32
	for w, word := range b {
		for word != 0 {
			out = append(out, uint32(w*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return out
}

// grow returns b extended to hold n bits.
func (b bitset) grow(n int) bitset {
	words := (n + 63) / 64
	for len(b) < words {
		b = append(b, 0)
	}
	return b
}
