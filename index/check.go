package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/intercom-replica/intercom-replica/query"
)

// Check verifies that the derived state agrees exactly with the store: for every kind, the live (non-deleted)
// records of the store, the rows of the column table and the documents of the full-text index are the same set of
// ids, every table row has its record's updated_at, and the index holds every change in the log. It holds off
// writers while it runs and reads everything, so it is for tests and for an operator's "status --check", not for
// a hot path. The error lists the first differences found.
func (r *Replica) Check(ctx context.Context) error {
	done, err := r.enter()
	if err != nil {
		return err
	}
	defer done()
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	var errs []error
	for _, kind := range query.Kinds() {
		if err := r.checkKind(ctx, r.kinds[kind]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", kind, err))
		}
	}
	return errors.Join(errs...)
}

func (r *Replica) checkKind(ctx context.Context, ks *kindState) error {
	store := map[string]int64{}
	err := r.store.scan(ks.kind, func(rec Record) error {
		if !rec.Deleted {
			store[rec.ID] = rec.UpdatedAt
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	var problems []string
	report := func(format string, args ...any) {
		if len(problems) < 10 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}

	ks.mu.RLock()
	tableIDs := map[string]bool{}
	ks.table.IDs(func(id []byte) { tableIDs[string(id)] = true })
	for id, u := range store {
		got, ok := ks.table.Has(id)
		switch {
		case !ok:
			report("record %s is stored but missing from the column table", id)
		case got != u:
			report("record %s has updated_at %d in the store, %d in the column table", id, u, got)
		}
	}
	ks.mu.RUnlock()
	for id := range tableIDs {
		if _, ok := store[id]; !ok {
			report("column table has %s, which the store does not hold as a live record", id)
		}
	}
	if len(tableIDs) != ks.table.Len() {
		report("column table lists %d ids but counts %d rows", len(tableIDs), ks.table.Len())
	}

	pending, replayable, err := r.store.changesAfter(ks.kind, ks.indexed)
	if err != nil {
		return err
	}
	if !replayable || len(pending) > 0 {
		report("full-text index at sequence %d lacks %d logged changes (replayable: %v)", ks.indexed, len(pending), replayable)
	}
	if persisted, err := ks.ti.seq(); err != nil {
		return err
	} else if persisted != ks.indexed {
		report("full-text index records sequence %d, the replica believes %d", persisted, ks.indexed)
	}
	indexOrds, dups, stale, err := ks.ti.allOrds(ctx, ks.ords)
	if err != nil {
		return err
	}
	for _, id := range dups {
		report("full-text index holds %s twice", id)
	}
	for _, id := range stale {
		report("the ordinal cache disagrees with the doc values of %s", id)
	}
	ks.mu.RLock()
	for id, ord := range indexOrds {
		if _, ok := store[id]; !ok {
			report("full-text index has %s, which the store does not hold as a live record", id)
			continue
		}
		if want, ok := ks.table.Ord(id); ok && int64(want) != ord {
			report("record %s has ordinal %d in the full-text index, %d in the column table", id, ord, want)
		}
	}
	ks.mu.RUnlock()
	for id := range store {
		if _, ok := indexOrds[id]; !ok {
			report("record %s is stored but not in the full-text index", id)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return errors.New(strings.Join(problems, "; "))
}
