package index

import (
	"context"

	"github.com/intercom-replica/intercom-replica/query"
)

// Status describes the replica: what it holds, how big it is, and whether its indexes are level with its store.
type Status struct {
	// StoreSeq is the sequence of the last batch written to the store.
	StoreSeq uint64
	// StoreBytes is the size of replica.db; IndexBytes the size of all full-text indexes on disk.
	StoreBytes int64
	IndexBytes int64
	// ChangeLog is the number of batches kept in the change log for the indexes to catch up from.
	ChangeLog int
	// Kinds holds one entry per kind of record, directory kinds (teammates, teams, tags, segments) included: they
	// have no full-text index or column table, so only their counts are set (and IndexSeq, equal to StoreSeq).
	Kinds map[query.Kind]KindStatus
	// Meta is every metadata entry written by batches: sync watermarks, backfill cursors, last results, workspace
	// identity, as the syncer stored them.
	Meta map[string][]byte
}

// KindStatus describes one kind of record.
type KindStatus struct {
	Records int // live records
	Deleted int // tombstones
	// IndexSeq is the store sequence the kind's full-text index holds every change up to; it equals StoreSeq or
	// lags it only while a write is in flight, after a failed index write, or during a rebuild.
	IndexSeq   uint64
	IndexBytes int64
	Rebuilding bool
	// TableRows and TableBytes describe the in-memory column table answering filters (rows include versions
	// superseded since the last compaction).
	TableRows  int
	TableBytes int
}

// Status reports the replica's state.
func (r *Replica) Status(ctx context.Context) (Status, error) {
	done, err := r.enter()
	if err != nil {
		return Status{}, err
	}
	defer done()
	if err := ctx.Err(); err != nil {
		return Status{}, err
	}
	st, err := r.store.stats()
	if err != nil {
		return Status{}, err
	}
	out := Status{StoreSeq: st.seq, StoreBytes: st.fileSize, ChangeLog: st.changes, Meta: st.meta,
		Kinds: map[query.Kind]KindStatus{}}
	r.writeMu.Lock()
	for kind, ks := range r.kinds {
		k := KindStatus{Records: st.live[kind], Deleted: st.deleted[kind], IndexSeq: ks.indexed,
			Rebuilding: ks.rebuilding, IndexBytes: dirSize(ks.path)}
		if !ks.dirty && !ks.rebuilding && k.IndexSeq < st.seq {
			// The index has every change of its kind; later batches touched only other kinds.
			k.IndexSeq = st.seq
		}
		ks.mu.RLock()
		ts := ks.table.Stats()
		ks.mu.RUnlock()
		k.TableRows, k.TableBytes = ts.Slots, ts.Bytes
		out.IndexBytes += k.IndexBytes
		out.Kinds[kind] = k
	}
	r.writeMu.Unlock()
	for _, kind := range query.DirectoryKinds() { // stored and named, not indexed: never behind
		out.Kinds[kind] = KindStatus{Records: st.live[kind], Deleted: st.deleted[kind], IndexSeq: st.seq}
	}
	return out, nil
}
