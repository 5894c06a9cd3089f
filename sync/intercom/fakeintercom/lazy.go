package fakeintercom

import "sync"

// lazyKind is the serving state of a kind of record that is generated on demand (articles, tickets): how many were
// generated, the records created or changed since (stored whole and replaced on each change, so a reader holding
// one renders it without the lock), the deleted ones, and the live records ordered by updated_at (newest first),
// built on first use. ws.mu guards it.
type lazyKind[T any] struct {
	mu    *sync.RWMutex // the workspace's
	gen   func(idx int) *T
	stamp func(idx int, edit *T) int64 // a record's updated_at, from its overlay record (nil when generated)
	n     int                          // generated records have indices [0, n)
	next  int                          // the index the next created record gets
	edits map[int]*T                   // created or changed records
	gone  map[int]int64                // deleted records and when
	order *order                       // live records by updated_at, newest first; nil until first used
	cache *recordCache[T]
}

// newLazyKind returns the state of n generated records: gen generates one, times gives a generated one's created
// and updated_at cheaply (for the order), updatedAt reads an overlay record's.
func newLazyKind[T any](mu *sync.RWMutex, n int, gen func(int) *T, times func(int) (int64, int64), updatedAt func(*T) int64) lazyKind[T] {
	stamp := func(idx int, e *T) int64 {
		if e != nil {
			return updatedAt(e)
		}
		_, u := times(idx)
		return u
	}
	return lazyKind[T]{mu: mu, gen: gen, stamp: stamp, n: n, next: n, edits: map[int]*T{}, gone: map[int]int64{}, cache: newRecordCache[T](n)}
}

// at returns live record idx (from the overlay, the cache or the seed), or nil.
func (k *lazyKind[T]) at(idx int) *T {
	k.mu.RLock()
	e, live := k.lookupLocked(idx)
	k.mu.RUnlock()
	switch {
	case !live:
		return nil
	case e != nil:
		return e
	}
	return k.cache.get(idx, k.gen)
}

// ordered returns the live records' indices by updated_at descending, then index descending.
func (k *lazyKind[T]) ordered() []int {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ensureOrderLocked()
	out := make([]int, len(k.order.keys))
	for i, key := range k.order.keys {
		out[i] = int(key.idx)
	}
	return out
}

// lookupLocked returns the overlay's record at idx (nil for a generated one that was never changed) and whether idx
// is a live record.
func (k *lazyKind[T]) lookupLocked(idx int) (*T, bool) {
	if idx < 0 || idx >= k.next {
		return nil, false
	}
	if _, gone := k.gone[idx]; gone {
		return nil, false
	}
	if e := k.edits[idx]; e != nil {
		return e, true
	}
	return nil, idx < k.n
}

// ensureOrderLocked builds the order of live records once.
func (k *lazyKind[T]) ensureOrderLocked() {
	if k.order != nil {
		return
	}
	keys := make([]orderKey, 0, k.next)
	for idx := range k.next {
		if e, live := k.lookupLocked(idx); live {
			keys = append(keys, orderKey{k.stamp(idx, e), int32(idx)})
		}
	}
	k.order = newOrder(keys)
}

// putLocked stores a created or changed record and moves it in the order.
func (k *lazyKind[T]) putLocked(idx int, rec *T, updatedAt int64) {
	k.edits[idx] = rec
	if idx >= k.next {
		k.next = idx + 1
	}
	if k.order != nil {
		k.order.put(idx, updatedAt)
	}
}

// removeLocked deletes a record at time at.
func (k *lazyKind[T]) removeLocked(idx int, at int64) {
	k.gone[idx] = at
	if k.order != nil {
		k.order.remove(idx)
	}
}
