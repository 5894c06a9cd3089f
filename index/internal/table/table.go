// Package table is the replica's in-memory column store: every searchable non-text field of every record, held
// column by column, so that filter queries sorted by recency are answered by scanning memory instead of asking the
// full-text index (which must visit and sort every hit: half a second for a broad filter at a million records).
//
// # Layout
//
// Each record occupies a slot. Slots below the sorted boundary are in key order, most recent first (the key is
// updated_at, then id, both descending), so walking matches in slot order walks them in result order and a
// top-20 query stops after the first 20 set bits. Slots at and above the boundary form the tail: rows written since
// the last compaction, kept in key order by a separate index. An update never rewrites a slot: the old slot is
// marked dead and the new version appended to the tail. When the tail grows past a threshold, compaction rewrites
// every column in key order without the dead slots, and the tail becomes empty.
//
// # Queries
//
// A Filter is evaluated one column at a time into a bitset over slots (a few hundred microseconds per clause at a
// million rows); the number of set bits is the exact total; the first matches after a cursor come from merging the
// sorted slots with the sorted tail.
//
// A Table is not safe for concurrent use: its owner serialises writers against readers (a sync.RWMutex: Search
// only reads).
package table

import (
	"bytes"
	"slices"
	"sort"
	"sync"
	"unsafe"
)

// Value is one field of a row.
type Value struct {
	Col   string
	Type  Type
	Strs  []string // Keyword: the values as written (the table folds them for comparison: FoldKeyword)
	Int   int64
	Float float64
	Bool  bool
}

// Row is a record as the table stores it.
type Row struct {
	ID        string
	UpdatedAt int64
	// Ord is the row's ordinal: a small number, unique among live rows, that stays with the record across updates
	// and compactions (slots do not). Other structures name rows by it; the full-text index stores it in every
	// document, so a full-text hit can be tested against a filter of the table.
	Ord     uint32
	Values  []Value
	Summary []byte // opaque to the table; returned with matches
}

// Table is a column store of rows keyed by ID.
type Table struct {
	ids       arena
	byID      hashIndex // id → slot (the latest slot of the id, live or dead)
	updated   []int64
	live      bitset
	nLive     int
	summaries arena
	cols      map[string]*column
	slotOrd   []uint32 // slot → ordinal
	ordSlot   []uint32 // ordinal → slot+1 of its live row, 0 for none

	sortedEnd uint32   // slots [0, sortedEnd) are in key order
	tail      []uint32 // the slots at and above sortedEnd, in key order (unused while deferred)
	deferred  bool     // bulk loading: tail order and compaction wait for Compact

	compactMin int // the smallest tail that triggers compaction (tests lower it)

	sets sync.Pool // *bitset scratch for query evaluation, so searches do not allocate a bitset each
}

// New returns an empty table.
func New() *Table {
	return &Table{ids: newArena(), byID: newHashIndex(), summaries: newArena(), cols: make(map[string]*column),
		compactMin: 8192}
}

// Len returns the number of live rows.
func (t *Table) Len() int { return t.nLive }

// Defer switches bulk-load mode on: Put stops maintaining the tail's order and never compacts, until Compact.
// Loading a million rows this way costs one sort instead of a compaction every few thousand rows.
func (t *Table) Defer() { t.deferred = true }

func (t *Table) keyOfSlot(s uint32) []byte { return t.ids.get(s) }

// Put inserts row, or replaces the row with the same ID. Values whose column already exists with another type are
// ignored.
func (t *Table) Put(row Row) {
	id := row.ID
	if old, ok := t.byID.lookup(id, t.keyOfSlot); ok && t.live.has(old) {
		t.kill(old)
	}
	slot := t.ids.addString(id)
	t.updated = append(t.updated, row.UpdatedAt)
	t.live = t.live.grow(int(slot) + 1)
	t.live.set(slot)
	t.nLive++
	t.summaries.add(row.Summary)
	t.slotOrd = append(t.slotOrd, row.Ord)
	t.ordSlot = growTo(t.ordSlot, int(row.Ord)+1)
	t.ordSlot[row.Ord] = slot + 1
	for _, v := range row.Values {
		c := t.cols[v.Col]
		if c == nil {
			c = newColumn(v.Type)
			t.cols[v.Col] = c
		}
		if c.typ != v.Type {
			continue
		}
		switch v.Type {
		case Keyword:
			c.setKeyword(slot, v.Strs)
		case Int:
			c.setInt(slot, v.Int)
		case Float:
			c.setFloat(slot, v.Float)
		case Bool:
			c.setBool(slot, v.Bool)
		case Presence:
			c.setPresent(slot)
		}
	}
	t.byID.set(id, slot, t.keyOfSlot)
	if t.deferred {
		return
	}
	i := t.tailPos(row.UpdatedAt, t.ids.get(slot))
	t.tail = slices.Insert(t.tail, i, slot)
	t.maybeCompact()
}

// Delete removes the row with id, if there is one.
func (t *Table) Delete(id string) {
	if old, ok := t.byID.lookup(id, t.keyOfSlot); ok && t.live.has(old) {
		t.kill(old)
		if !t.deferred {
			t.maybeCompact()
		}
	}
}

// Has reports whether a live row with id exists, and its updated_at.
func (t *Table) Has(id string) (int64, bool) {
	s, ok := t.byID.lookup(id, t.keyOfSlot)
	if !ok || !t.live.has(s) {
		return 0, false
	}
	return t.updated[s], true
}

// Summary returns the summary of the live row with id. The bytes belong to the table: use them before the next
// write.
func (t *Table) Summary(id string) ([]byte, bool) {
	s, ok := t.byID.lookup(id, t.keyOfSlot)
	if !ok || !t.live.has(s) {
		return nil, false
	}
	return t.summaries.get(s), true
}

// IDs calls fn with the id of every live row, in key order. The bytes belong to the table.
func (t *Table) IDs(fn func(id []byte)) {
	t.walk(t.live, func(s uint32) bool { fn(t.ids.get(s)); return true })
}

func (t *Table) kill(s uint32) {
	t.live.clear(s)
	t.nLive--
	if o := t.slotOrd[s]; int(o) < len(t.ordSlot) && t.ordSlot[o] == s+1 {
		t.ordSlot[o] = 0
	}
}

// MaxOrd returns the largest ordinal a live row has had since the last compaction (0 for an empty table).
func (t *Table) MaxOrd() uint32 {
	if len(t.ordSlot) == 0 {
		return 0
	}
	return uint32(len(t.ordSlot) - 1)
}

// Ord returns the ordinal of the live row with id.
func (t *Table) Ord(id string) (uint32, bool) {
	s, ok := t.byID.lookup(id, t.keyOfSlot)
	if !ok || !t.live.has(s) {
		return 0, false
	}
	return t.slotOrd[s], true
}

// less reports whether key (u1, id1) sorts before (u2, id2): more recent first, then higher id first.
func less(u1 int64, id1 []byte, u2 int64, id2 []byte) bool {
	if u1 != u2 {
		return u1 > u2
	}
	return bytes.Compare(id1, id2) > 0
}

func (t *Table) slotLess(a, b uint32) bool {
	return less(t.updated[a], t.ids.get(a), t.updated[b], t.ids.get(b))
}

// tailPos returns where a row with key (u, id) goes in the tail.
func (t *Table) tailPos(u int64, id []byte) int {
	return sort.Search(len(t.tail), func(i int) bool {
		s := t.tail[i]
		return less(u, id, t.updated[s], t.ids.get(s))
	})
}

// compactAt is the tail length that triggers compaction for a table of n slots: an eighth of the table, at least
// compactMin, so compaction's cost (linear in the table) is spread over many writes.
func (t *Table) compactAt(n int) int { return max(t.compactMin, n/8) }

func (t *Table) maybeCompact() {
	dead := len(t.updated) - t.nLive
	if len(t.tail) >= t.compactAt(len(t.updated)) || (dead > t.compactMin && dead > len(t.updated)/4) {
		t.Compact()
	}
}

// Compact rewrites the table in key order without dead rows, leaves bulk-load mode, and empties the tail.
func (t *Table) Compact() {
	tail := t.tail
	if t.deferred {
		tail = make([]uint32, 0, len(t.updated)-int(t.sortedEnd))
		for s := t.sortedEnd; int(s) < len(t.updated); s++ {
			tail = append(tail, s)
		}
		sort.Slice(tail, func(i, j int) bool { return t.slotLess(tail[i], tail[j]) })
	}
	// Merge the sorted slots with the sorted tail, keeping live rows only.
	perm := make([]uint32, 0, t.nLive)
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
		if t.live.has(s) {
			perm = append(perm, s)
		}
	}

	ids, summaries := newArena(), newArena()
	updated := make([]int64, len(perm))
	slotOrd := make([]uint32, len(perm))
	ordSlot := make([]uint32, len(t.ordSlot))
	byID := newHashIndex()
	byID.seed = t.byID.seed
	for n, s := range perm {
		ids.add(t.ids.get(s))
		summaries.add(t.summaries.get(s))
		updated[n] = t.updated[s]
		slotOrd[n] = t.slotOrd[s]
		ordSlot[t.slotOrd[s]] = uint32(n) + 1
	}
	t.slotOrd, t.ordSlot = slotOrd, ordSlot
	for name, c := range t.cols {
		t.cols[name] = c.permute(perm)
	}
	t.ids, t.summaries, t.updated = ids, summaries, updated
	for n := range perm {
		byID.set(view(ids.get(uint32(n))), uint32(n), t.keyOfSlot)
	}
	t.byID = byID
	t.live = newBitset(len(perm))
	for n := range perm {
		t.live.set(uint32(n))
	}
	t.nLive = len(perm)
	t.sortedEnd = uint32(len(perm))
	t.tail = nil
	t.deferred = false
}

// Stats describes the table's size.
type Stats struct {
	Rows    int // live rows
	Slots   int // rows including dead ones awaiting compaction
	Tail    int // rows written since the last compaction
	Columns int
	Bytes   int // estimated memory
}

// Stats returns the table's size.
func (t *Table) Stats() Stats {
	st := Stats{Rows: t.nLive, Slots: len(t.updated), Tail: len(t.updated) - int(t.sortedEnd), Columns: len(t.cols)}
	st.Bytes = len(t.ids.data) + 4*len(t.ids.offs) + 4*len(t.byID.slots) + 8*len(t.updated) + 8*len(t.live) +
		len(t.summaries.data) + 4*len(t.summaries.offs) + 4*len(t.tail) + 4*len(t.slotOrd) + 4*len(t.ordSlot)
	for _, c := range t.cols {
		st.Bytes += c.bytes()
	}
	return st
}

// view returns b as a string without copying. The string must not outlive b or see it change: use it only for a
// lookup.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
