package index

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"github.com/intercom-replica/intercom-replica/query"
)

// Apply writes a batch: every record and meta entry in one store transaction (durable when Apply returns), then
// the column table, then each kind's full-text index with the batch's sequence. A record older than the stored one
// is skipped (counted in Stale), except a live record over a tombstone, which is written whatever its updated_at
// (the tombstone carries the deletion's time; whether Intercom's answer outweighs the deletion is the writer's
// call); a tombstone leaves search at once. A tombstone for an id the store never held is
// dropped: the replica records a deletion only of a record it held.
//
// A batch with an invalid record (error matching ErrInvalidRecord) writes nothing. When the store write succeeds
// but a full-text index write fails, Apply returns the error: the batch is stored, the index catches up from the
// change log on the next Apply or Open, and retrying the batch is harmless.
func (r *Replica) Apply(ctx context.Context, b Batch) (ApplyResult, error) {
	done, err := r.enter()
	if err != nil {
		return ApplyResult{}, err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return ApplyResult{}, err
	}
	for k := range b.Meta {
		if k == "" {
			return ApplyResult{}, fmt.Errorf("apply: empty meta key: %w", ErrInvalidRecord)
		}
	}
	prep, err := r.prepare(ctx, b.Records)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("apply: %w", err)
	}

	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	nextOrd := r.assignOrds(prep)
	if err := r.pack(ctx, prep); err != nil {
		return ApplyResult{}, fmt.Errorf("apply: %w", err)
	}
	seq, written, res, err := r.store.writeBatch(prep, b.Meta, r.trimMarks(), nextOrd, r.now())
	if err != nil {
		return ApplyResult{}, fmt.Errorf("apply: store: %w", err)
	}
	r.updateDirectory(written)
	var errs []error
	for _, kind := range query.Kinds() {
		ks := r.kinds[kind]
		var docs []*doc
		var deletes []string
		for i := range written {
			p := &written[i]
			if p.rec.Kind != kind {
				continue
			}
			if p.doc == nil {
				deletes = append(deletes, p.rec.ID)
			} else {
				docs = append(docs, p.doc)
			}
		}
		if len(docs)+len(deletes) == 0 {
			continue
		}
		ks.mu.Lock()
		for _, id := range deletes {
			ks.table.Delete(id)
		}
		for _, d := range docs {
			ks.table.Put(tableRow(d, appendSummary(nil, &d.sum)))
		}
		ks.mu.Unlock()
		if err := r.indexBatch(ctx, ks, docs, deletes, seq); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("apply: batch %d stored, full-text index behind: %w", seq, errs[0])
	}
	return res, nil
}

// indexBatch writes one batch's documents of a kind to its full-text index. The caller holds writeMu.
func (r *Replica) indexBatch(ctx context.Context, ks *kindState, docs []*doc, deletes []string, seq uint64) error {
	ks.tiMu.RLock()
	ti := ks.ti
	ks.tiMu.RUnlock()
	if ti == nil {
		return nil // a rebuild is creating the index; it catches up from the change log when done
	}
	if ks.dirty {
		// An earlier write failed: the log has that batch and this one.
		if _, err := r.catchUp(ctx, ks); err != nil {
			return fmt.Errorf("%s index catch-up: %w", ks.kind, err)
		}
		return nil
	}
	if err := ti.write(docs, deletes, seq, true, nil); err != nil {
		ks.dirty = true
		return fmt.Errorf("%s index: %w", ks.kind, err)
	}
	ks.indexed = seq
	return nil
}

// assignOrds gives every record of the batch its ordinal: the one its live row already has, else a new one. It
// returns the next free ordinal per kind, which the batch's transaction stores. The caller holds writeMu.
func (r *Replica) assignOrds(prep []prepared) map[query.Kind]uint32 {
	inBatch := map[string]uint32{}
	touched := map[query.Kind]uint32{}
	for i := range prep {
		p := &prep[i]
		if p.doc == nil {
			continue
		}
		ks := r.kinds[p.rec.Kind]
		key := string(p.rec.Kind) + "\x00" + p.rec.ID
		ord, ok := inBatch[key]
		if !ok {
			ks.mu.RLock()
			ord, ok = ks.table.Ord(p.rec.ID)
			ks.mu.RUnlock()
			if !ok {
				ord = ks.nextOrd
				ks.nextOrd++
			}
			inBatch[key] = ord
		}
		p.doc.ord = ord
		setRowOrd(p.row, ord)
		touched[p.rec.Kind] = ks.nextOrd
	}
	return touched
}

// pack compresses the batch's records (codec.go), on every CPU for a batch large enough to matter, after letting
// the codec learn a dictionary from them when their kind has none yet. The caller holds writeMu.
func (r *Replica) pack(ctx context.Context, prep []prepared) error {
	c := r.store.codec
	if err := c.learn(prep); err != nil {
		return err
	}
	one := func(i int) error {
		p := &prep[i]
		if len(p.rec.Raw) == 0 {
			return nil
		}
		var err error
		p.packed, err = c.compress(p.rec.Kind, p.rec.Raw)
		return err
	}
	return each(ctx, len(prep), one)
}

// trimMarks returns, per kind, the sequence up to which the change log is no longer needed: what the full-text
// index holds durably, or less while a rebuild still has to catch up. The caller holds writeMu.
func (r *Replica) trimMarks() map[query.Kind]uint64 {
	out := make(map[query.Kind]uint64, len(r.kinds))
	for kind, ks := range r.kinds {
		m := ks.indexed
		if ks.rebuilding {
			m = min(m, ks.rebuildFrom)
		}
		out[kind] = m
	}
	return out
}

// prepare validates records and flattens them for indexing. Batches large enough to matter are flattened on every
// CPU: decoding JSON is most of a write's cost.
func (r *Replica) prepare(ctx context.Context, recs []Record) ([]prepared, error) {
	out := make([]prepared, len(recs))
	prep := func(i int) error {
		rec := recs[i]
		if ks := r.kinds[rec.Kind]; ks == nil && !rec.Kind.Directory() {
			return fmt.Errorf("record %d: unknown kind %q: %w", i, rec.Kind, ErrInvalidRecord)
		}
		if rec.ID == "" {
			return fmt.Errorf("record %d (%s): no id: %w", i, rec.Kind, ErrInvalidRecord)
		}
		if rec.Deleted && len(rec.Raw) == 0 {
			out[i] = prepared{rec: rec}
			return nil
		}
		if !isObject(rec.Raw) || (rec.Deleted && !json.Valid(rec.Raw)) {
			return fmt.Errorf("%s %s: raw is not a JSON object: %w", rec.Kind, rec.ID, ErrInvalidRecord)
		}
		if rec.Deleted {
			out[i] = prepared{rec: rec}
			return nil
		}
		if rec.Kind.Directory() {
			// Kept whole and named in memory (names.go); not searched, so nothing to flatten.
			n, _, err := namedOf(rec.Kind, rec.Raw)
			if err != nil {
				return fmt.Errorf("%s %s: %v: %w", rec.Kind, rec.ID, err, ErrInvalidRecord)
			}
			if n.ID != rec.ID {
				return fmt.Errorf("%s %s: raw JSON has id %q: %w", rec.Kind, rec.ID, n.ID, ErrInvalidRecord)
			}
			out[i] = prepared{rec: rec}
			return nil
		}
		// Decoding validates the JSON (extract fails on anything malformed): no separate json.Valid pass.
		d, err := extract(rec.Kind, rec.Raw)
		if err != nil {
			return fmt.Errorf("%s %s: %v: %w", rec.Kind, rec.ID, err, ErrInvalidRecord)
		}
		if d.id != rec.ID {
			return fmt.Errorf("%s %s: raw JSON has id %q: %w", rec.Kind, rec.ID, d.id, ErrInvalidRecord)
		}
		if rec.UpdatedAt == 0 {
			rec.UpdatedAt = d.updatedAt
		}
		d.updatedAt = rec.UpdatedAt
		out[i] = prepared{rec: rec, doc: &d, row: encodeRow(&d, r.store.fields[rec.Kind])}
		return nil
	}
	// Row encoding numbers new field names in a shared table, so it runs under one lock; JSON decoding, the
	// expensive part, runs in parallel.
	return out, each(ctx, len(recs), prep)
}

// each runs fn(0..n-1): in this goroutine for a few, on every CPU (parallel) for enough to be worth it.
func each(ctx context.Context, n int, fn func(i int) error) error {
	if n >= 64 {
		return parallel(ctx, n, fn)
	}
	for i := range n {
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

func isObject(raw []byte) bool {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c == '{'
	}
	return false
}

// parallel runs fn(0..n-1) on every CPU and returns the first error.
func parallel(ctx context.Context, n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
		err  error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if err != nil || next >= n {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				if e := ctx.Err(); e != nil {
					mu.Lock()
					err = e
					mu.Unlock()
					return
				}
				if e := fn(i); e != nil {
					mu.Lock()
					if err == nil {
						err = e
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return err
}
