package intercomtest

import "sync/atomic"

// recordCache keeps recently generated records, so that the many searches and page walks of a test (each of which
// scans the workspace) do not regenerate the same records again and again. It is direct-mapped by index and
// lock-free; generated records are never modified (mutations copy them into the overlay), so sharing them is safe.
// Bumping the generation empties it: a conversation shows its contact's current name and email, so editing a
// contact invalidates every cached conversation.
type recordCache[T any] struct {
	slots []atomic.Pointer[cached[T]]
	gen   atomic.Uint64
}

type cached[T any] struct {
	idx int
	gen uint64
	v   *T
}

// cacheSlots bounds the memory a cache holds (a few tens of MB of conversations).
const cacheSlots = 8192

func newRecordCache[T any](n int) *recordCache[T] {
	return &recordCache[T]{slots: make([]atomic.Pointer[cached[T]], max(1, min(n, cacheSlots)))}
}

func (c *recordCache[T]) get(idx int, generate func(int) *T) *T {
	slot := &c.slots[idx%len(c.slots)]
	gen := c.gen.Load()
	if e := slot.Load(); e != nil && e.idx == idx && e.gen == gen {
		return e.v
	}
	v := generate(idx)
	slot.Store(&cached[T]{idx: idx, gen: gen, v: v})
	return v
}

func (c *recordCache[T]) invalidate() { c.gen.Add(1) }
