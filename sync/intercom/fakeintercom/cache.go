package fakeintercom

import "sync/atomic"

// recordCache keeps recently generated records, so that the many searches and page walks of a test (each of which
// scans the workspace) do not regenerate the same records again and again. It is direct-mapped by index and
// lock-free; generated records depend on the seed alone and are never modified (mutations copy them into the
// overlay, and a conversation shows its contacts as generated, not as edited since), so sharing them is safe and
// nothing ever invalidates them.
type recordCache[T any] struct {
	slots []atomic.Pointer[cached[T]]
}

type cached[T any] struct {
	idx int
	v   *T
}

// cacheSlots bounds the memory a cache holds (a few tens of MB of conversations).
const cacheSlots = 8192

func newRecordCache[T any](n int) *recordCache[T] {
	return &recordCache[T]{slots: make([]atomic.Pointer[cached[T]], max(1, min(n, cacheSlots)))}
}

func (c *recordCache[T]) get(idx int, generate func(int) *T) *T {
	slot := &c.slots[idx%len(c.slots)]
	if e := slot.Load(); e != nil && e.idx == idx {
		return e.v
	}
	v := generate(idx)
	slot.Store(&cached[T]{idx: idx, v: v})
	return v
}
