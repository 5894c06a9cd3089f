package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	bolt "go.etcd.io/bbolt"

	"github.com/intercom-replica/intercom-replica/query"
)

// The full-text index is derived data and may lag the store: after a crash between the store commit and the index
// write, or after a failed index write. Two ways bring it level:
//
//   - catch-up replays the change log: the ids of the kind written after the index's sequence are re-read from
//     the store and indexed (or deleted), and the store's sequence is recorded in the same bleve batch;
//   - a rebuild indexes every live record from the store into a fresh index beside the old one, then swaps the
//     directories. It is needed when the mapping version changed, the index is missing, or the change log no
//     longer covers the gap.
//
// Both are idempotent, so a crash during either is repaired by doing it again.

// indexBatchSize is how many documents go into one bleve batch. Measured on two cores: 100 is a third slower than
// 1,000, and 5,000 is no faster but doubles peak memory.
const indexBatchSize = 1000

// rebuildWriters is how many goroutines write bleve batches during a rebuild.
const rebuildWriters = 2

// catchUp replays the change log into ks's index. It reports false, doing nothing, when the log no longer covers
// the gap (the caller rebuilds). The caller holds writeMu.
func (r *Replica) catchUp(ctx context.Context, ks *kindState) (bool, error) {
	ids, replayable, err := r.store.changesAfter(ks.kind, ks.indexed)
	if err != nil || !replayable {
		return replayable, err
	}
	seq, err := r.store.seq()
	if err != nil {
		return false, err
	}
	if len(ids) == 0 {
		ks.dirty = false
		return true, nil
	}
	r.log.Info("catching up full-text index", "kind", ks.kind, "from_seq", ks.indexed, "to_seq", seq,
		"records", len(ids))
	for start := 0; start < len(ids); start += indexBatchSize {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		chunk := ids[start:min(start+indexBatchSize, len(ids))]
		raws, err := r.store.getRaws(ks.kind, chunk)
		if err != nil {
			return true, err
		}
		var docs []*doc
		var deletes []string
		for _, id := range chunk {
			raw, ok := raws[id]
			ord, live := ks.ordOf(id)
			if !ok || !live {
				deletes = append(deletes, id)
				continue
			}
			d, err := extractStored(ks.kind, raw)
			if err != nil {
				// Apply only stores records it could flatten; a record that fails now means the store was
				// changed behind our back. Keep it out of search rather than fail the whole catch-up.
				r.log.Warn("stored record cannot be indexed", "kind", ks.kind, "id", id, "err", err)
				deletes = append(deletes, id)
				continue
			}
			d.ord = ord
			docs = append(docs, &d)
		}
		// Only the last batch records the sequence: until it lands, a crash replays the whole gap again.
		last := start+indexBatchSize >= len(ids)
		if err := ks.ti.write(docs, deletes, seq, last, nil); err != nil {
			ks.dirty = true
			return true, err
		}
	}
	ks.indexed, ks.dirty = seq, false
	return true, nil
}

// Reindex rebuilds every full-text index from the store, calling progress (if not nil) with the records indexed
// so far and the total, across kinds. Searches keep using the old indexes and Apply keeps writing until each new
// index is complete; the new index then replaces the old one and catches up with the writes made meanwhile.
func (r *Replica) Reindex(ctx context.Context, progress func(done, total int)) error {
	release, err := r.enter()
	if err != nil {
		return err
	}
	defer release()
	total := 0
	counts := map[query.Kind]int{}
	st, err := r.store.stats()
	if err != nil {
		return err
	}
	for _, kind := range query.Kinds() {
		counts[kind] = st.live[kind]
		total += st.live[kind]
	}
	offset := 0
	for _, kind := range query.Kinds() {
		var p func(done, total int)
		if progress != nil {
			base := offset
			p = func(done, _ int) { progress(base+done, total) }
		}
		if err := r.rebuild(ctx, r.kinds[kind], p); err != nil {
			return fmt.Errorf("reindex %s: %w", kind, err)
		}
		offset += counts[kind]
	}
	if progress != nil {
		progress(total, total)
	}
	return nil
}

func rebuildPath(path string) string { return path + ".rebuild" }

// finishInterruptedSwap repairs what a crash during a rebuild left behind: a completed new index whose rename
// never happened is moved into place, and anything else (a partial or torn one) is removed.
func finishInterruptedSwap(path string, s *schema) {
	tmp := rebuildPath(path)
	if _, err := os.Stat(tmp); err != nil {
		return
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		// Complete means it opens, has the current mapping version, and recorded the sequence it reflects (the
		// last batch of a rebuild sets both).
		if ti, err := openTextIndex(tmp, s); err == nil {
			seq, serr := ti.idx.GetInternal(internalSeq)
			cerr := ti.close()
			if serr == nil && cerr == nil && len(seq) == 8 && os.Rename(tmp, path) == nil {
				return
			}
		}
	}
	_ = os.RemoveAll(tmp)
}

// rebuild builds ks's index afresh from the store and swaps it in.
func (r *Replica) rebuild(ctx context.Context, ks *kindState, progress func(done, total int)) (err error) {
	tmp := rebuildPath(ks.path)
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove old rebuild: %w", err)
	}
	// The snapshot point: every change after startSeq stays in the log until the new index has caught up.
	r.writeMu.Lock()
	startSeq, err := r.store.seq()
	if err == nil {
		ks.rebuilding, ks.rebuildFrom = true, startSeq
	}
	r.writeMu.Unlock()
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
			r.writeMu.Lock()
			ks.rebuilding = false
			r.writeMu.Unlock()
		}
	}()
	st, err := r.store.stats()
	if err != nil {
		return err
	}
	total := st.live[ks.kind]

	ti, err := createTextIndex(tmp, ks.schema, true)
	if err != nil {
		return err
	}
	if err := r.fill(ctx, ks, ti, total, progress); err != nil {
		_ = ti.close()
		return err
	}
	// unsafe_batch returns before segments are on disk: wait for the batch that records the sequence to be
	// persisted (everything before it is persisted with it), then close.
	persisted := make(chan error, 1)
	if err := ti.write(nil, nil, startSeq, true, func(err error) { persisted <- err }); err != nil {
		_ = ti.close()
		return err
	}
	select {
	case err = <-persisted:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if cerr := ti.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("persist rebuilt index: %w", err)
	}

	// Swap: writers are held off, searches wait for the few milliseconds the directories take.
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	ks.tiMu.Lock()
	if err := ks.ti.close(); err != nil {
		r.log.Warn("closing the replaced index failed", "kind", ks.kind, "err", err)
	}
	ks.ti = nil
	if err := os.RemoveAll(ks.path); err != nil {
		ks.tiMu.Unlock()
		return fmt.Errorf("remove replaced index: %w", err)
	}
	if err := os.Rename(tmp, ks.path); err != nil {
		ks.tiMu.Unlock()
		return fmt.Errorf("move rebuilt index into place: %w", err)
	}
	nti, err := openTextIndex(ks.path, ks.schema)
	if err != nil {
		ks.tiMu.Unlock()
		return fmt.Errorf("open rebuilt index: %w", err)
	}
	ks.ti = nti
	ks.tiMu.Unlock()
	ks.indexed, ks.dirty = startSeq, false
	ks.rebuilding = false
	replayable, err := r.catchUp(ctx, ks)
	if err != nil {
		return err
	}
	if !replayable {
		return fmt.Errorf("change log trimmed during the rebuild of %s (a bug)", ks.kind)
	}
	level := slog.LevelInfo
	if total == 0 {
		level = slog.LevelDebug // an empty index created, as for a new replica
	}
	r.log.Log(ctx, level, "rebuilt full-text index", "kind", ks.kind, "records", total, "seq", ks.indexed)
	return nil
}

// fill indexes every live record of the kind into ti: one goroutine reads the store in short transactions, the
// others decode and flatten records, and this one writes bleve batches.
func (r *Replica) fill(ctx context.Context, ks *kindState, ti *textIndex, total int, progress func(done, total int)) error {
	g, gctx := errgroup.WithContext(ctx)
	recs := make(chan []Record, 4)
	docs := make(chan []*doc, 4)
	g.Go(func() error {
		defer close(recs)
		var chunk []Record
		err := r.store.scan(ks.kind, func(rec Record) error {
			if rec.Deleted {
				return nil
			}
			chunk = append(chunk, rec)
			if len(chunk) == indexBatchSize/4 {
				select {
				case recs <- chunk:
				case <-gctx.Done():
					return gctx.Err()
				}
				chunk = nil
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			select {
			case recs <- chunk:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return err
	})
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	var running atomic.Int32
	running.Store(int32(workers))
	for w := 0; w < workers; w++ {
		g.Go(func() error {
			defer func() {
				if running.Add(-1) == 0 {
					close(docs)
				}
			}()
			for chunk := range recs {
				out := make([]*doc, 0, len(chunk))
				for _, rec := range chunk {
					ord, live := ks.ordOf(rec.ID)
					if !live {
						continue // deleted since the scan read it: the catch-up after the rebuild removes it
					}
					d, err := extractStored(ks.kind, rec.Raw)
					if err != nil {
						r.log.Warn("stored record cannot be indexed", "kind", ks.kind, "id", rec.ID, "err", err)
						continue
					}
					d.updatedAt, d.ord = rec.UpdatedAt, ord
					out = append(out, &d)
				}
				select {
				case docs <- out:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			return nil
		})
	}
	// Writers: a bleve batch's segment is built by the goroutine that writes it, one at a time, so one writer
	// leaves the other core idle while bleve builds (at a million conversations the rebuild ran on one core in
	// all); two each build their own batches' segments, which scorch introduces in turn.
	var (
		progressMu sync.Mutex // progress is called by one writer at a time, with counts that only grow
		done       int
	)
	for range rebuildWriters {
		g.Go(func() error {
			var batch []*doc
			flush := func() error {
				if len(batch) == 0 {
					return nil
				}
				if err := ti.write(batch, nil, 0, false, nil); err != nil {
					return err
				}
				progressMu.Lock()
				done += len(batch)
				if progress != nil {
					progress(done, total)
				}
				progressMu.Unlock()
				batch = batch[:0]
				return nil
			}
			for out := range docs {
				batch = append(batch, out...)
				if len(batch) >= indexBatchSize {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			return flush()
		})
	}
	return g.Wait()
}

// rederiveRows recomputes every stored row of kind from its record (after a change of the row encoding), in
// chunks of short transactions. Each row keeps its record's ordinal, which the full-text index holds too.
func (r *Replica) rederiveRows(ctx context.Context, kind query.Kind) error {
	fn := r.store.fields[kind]
	pending := map[string][]byte{}
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		var namesSaved func()
		err := r.store.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(rowsBucket(kind))
			rb := tx.Bucket([]byte(bucketReplica))
			for id, row := range pending {
				var err error
				if row == nil {
					err = b.Delete([]byte(id))
				} else if err = keepRowOrd(b, rb, kind, []byte(id), row); err == nil {
					err = b.Put([]byte(id), row)
				}
				if err != nil {
					return err
				}
			}
			var err error
			namesSaved, err = r.store.saveFieldNames(tx.Bucket([]byte(bucketReplica)))
			return err
		})
		if err != nil {
			return fmt.Errorf("rewrite rows: %w", err)
		}
		namesSaved()
		clear(pending)
		return nil
	}
	err := r.store.scan(kind, func(rec Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rec.Deleted {
			pending[rec.ID] = nil
		} else if d, err := extractStored(kind, rec.Raw); err == nil {
			d.updatedAt = rec.UpdatedAt
			pending[rec.ID] = encodeRow(&d, fn)
		} else {
			r.log.Warn("stored record cannot be indexed", "kind", kind, "id", rec.ID, "err", err)
			pending[rec.ID] = nil
		}
		if len(pending) >= indexBatchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// firstRowVersionWithOrd is the first row version that holds the record's ordinal (at rowOrdAt).
const firstRowVersionWithOrd = 2

// keepRowOrd gives row, recomputed for record id, the ordinal its stored row holds (rows, in the caller's
// transaction), so that the column table and the full-text index keep agreeing; a record whose row holds none
// gets a new one, from the store's counter (replica).
func keepRowOrd(rows, replica *bolt.Bucket, kind query.Kind, id, row []byte) error {
	if old := rows.Get(id); len(old) >= rowOrdAt+4 && old[0] >= firstRowVersionWithOrd {
		copy(row[rowOrdAt:rowOrdAt+4], old[rowOrdAt:rowOrdAt+4])
		return nil
	}
	n := getUint64(replica, nextOrdKey(kind))
	setRowOrd(row, uint32(n))
	return putUint64(replica, nextOrdKey(kind), n+1)
}
