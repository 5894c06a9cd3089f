package fakeintercom

// lazyKind is the serving state of a kind of record that is generated on demand (articles, tickets): how many were
// generated, the records created or changed since (stored whole and replaced on each change, so a reader holding
// one renders it without the lock), the deleted ones, and the live records ordered by updated_at (newest first),
// built on first use. ws.mu guards it.
type lazyKind[T any] struct {
	n     int           // generated records have indices [0, n)
	next  int           // the index the next created record gets
	edits map[int]*T    // created or changed records
	gone  map[int]int64 // deleted records and when
	order *order        // live records by updated_at, newest first; nil until first used
	cache *recordCache[T]
}

func newLazyKind[T any](n int) lazyKind[T] {
	return lazyKind[T]{n: n, next: n, edits: map[int]*T{}, gone: map[int]int64{}, cache: newRecordCache[T](n)}
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

// ensureOrderLocked builds the order of live records once; updatedAt gives a record's updated_at from its overlay
// record (nil when generated) and its index.
func (k *lazyKind[T]) ensureOrderLocked(updatedAt func(idx int, edit *T) int64) {
	if k.order != nil {
		return
	}
	keys := make([]orderKey, 0, k.next)
	for idx := range k.next {
		if e, live := k.lookupLocked(idx); live {
			keys = append(keys, orderKey{updatedAt(idx, e), int32(idx)})
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
