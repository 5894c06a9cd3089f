package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/query"
)

// Options configure a Replica. The zero value is ready to use.
type Options struct {
	// Logger receives operational messages (rebuilds, catch-up). Nil discards them.
	Logger *slog.Logger
	// MaxConcurrentSearches bounds searches running at once; more wait their turn. Zero means one per CPU:
	// measured on two cores, a third concurrent search adds no throughput, only latency.
	MaxConcurrentSearches int
	// Now is the clock that stamps SyncedAt on records that come without one. Nil means time.Now.
	Now func() time.Time
	// Progress, if set, is called while Open rebuilds a full-text index (after a mapping change or when the index
	// is missing) with the records indexed so far and the total.
	Progress func(kind query.Kind, done, total int)

	// neverMerge keeps every segment of the full-text indexes apart, deleted documents included (tests).
	neverMerge bool
	// beforeTableRebuild, if set, is called when a table whose snapshot failed its deferred checksums is about
	// to be rebuilt from the rows (tests: to search while it is).
	beforeTableRebuild func(query.Kind)
	// noVerifyAfterOpen leaves a loaded snapshot's deferred checksums to Close (tests: Close before the
	// background verification).
	noVerifyAfterOpen bool
}

// Replica is the local copy of an Intercom workspace: a bbolt store holding every record as Intercom returned it,
// a column table in memory answering filters, and a bleve index per kind answering free text. All methods are safe
// for concurrent use. Writes (Apply, Reindex) are serialised; searches run concurrently with them and with each
// other, up to Options.MaxConcurrentSearches at a time.
type Replica struct {
	dir   string
	log   *slog.Logger
	now   func() time.Time
	lock  *dirLock
	store *store
	kinds map[query.Kind]*kindState
	names atomic.Pointer[directory] // teammates, teams, tags and segments, by id and by name (names.go)

	writeMu  sync.Mutex    // serialises Apply, Reindex's swap and Close
	closeMu  sync.RWMutex  // held for reading by every operation, for writing by Close
	closed   atomic.Bool   //
	searches chan struct{} // semaphore bounding concurrent searches
	progress func(kind query.Kind, done, total int)

	// workers is how many goroutines one text search uses (defaultWorkers), unitMin the fewest candidates it
	// gives one goroutine (defaultUnitMin); tests move them to exercise the split.
	workers, unitMin int
	neverMerge       bool // Options.neverMerge

	// verifying runs verifyTables after Open; stopVerify ends it (Close).
	verifying          sync.WaitGroup
	stopVerify         context.CancelFunc
	beforeTableRebuild func(query.Kind) // Options.beforeTableRebuild
}

// kindState is the derived state of one kind: its column table and its full-text index.
type kindState struct {
	kind   query.Kind
	schema *schema
	path   string // the bleve index directory

	mu    sync.RWMutex // guards table and tableErr; searches read-lock it while they scan
	table *table.Table
	// tableErr, when set, is why the table must not answer: its snapshot failed a checksum after Open, and it is
	// being (or could not be) rebuilt from the rows.
	tableErr error

	tiMu sync.RWMutex // guards the ti pointer, swapped by a rebuild; searches read-lock it while they search
	ti   *textIndex
	ords *ordCache // ordinals of the index's segments, shared by searches

	// The fields below are guarded by the replica's writeMu (and only touched by Open before it returns).

	// indexed is the store sequence whose changes of this kind the full-text index holds durably.
	indexed uint64
	// dirty is set when an index write failed: the next write first catches up from the change log.
	dirty bool
	// rebuildFrom, while a Reindex runs, is the sequence its snapshot started from: the change log after it must
	// survive trimming until the new index has caught up.
	rebuildFrom uint64
	rebuilding  bool
	// nextOrd is the ordinal the next new record of this kind gets.
	nextOrd uint32
	// snapshotOK says the table snapshot on disk reflects store sequence snapshotSeq.
	snapshotOK  bool
	snapshotSeq uint64
	// unmap releases the snapshot the table was loaded from (nil if it was built from the rows). The table uses
	// it until the replica shuts down.
	unmap func() error
	// pending is what the loaded snapshot left to verify (table.LoadSnapshot), nil once verified or when the
	// table was built from the rows. A table is never written out as a snapshot while it has some.
	pending *table.Unverified
}

const (
	storeFile = "replica.db"
	indexDir  = "index"
)

// Open opens (creating if needed) the replica in dir: <dir>/replica.db and <dir>/index/. Another process holding
// dir makes Open fail at once with an error matching ErrLocked. Open brings each full-text index up to date with
// the store: it replays the change log since the index's sequence, or rebuilds the index from the store when its
// mapping version changed, it is missing, or the log no longer covers the gap. A rebuild takes minutes at a
// million conversations; Options.Progress reports it.
func Open(ctx context.Context, dir string, opts Options) (*Replica, error) {
	if err := os.MkdirAll(filepath.Join(dir, indexDir), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	makePrivate(dir, log)
	removeSnapshotTemps(dir)
	st, err := openStore(filepath.Join(dir, storeFile))
	if err != nil {
		_ = lock.release()
		return nil, err
	}
	r := &Replica{dir: dir, log: log, now: opts.Now, lock: lock, store: st,
		kinds: map[query.Kind]*kindState{}, progress: opts.Progress, neverMerge: opts.neverMerge,
		beforeTableRebuild: opts.beforeTableRebuild}
	if r.now == nil {
		r.now = time.Now
	}
	n := opts.MaxConcurrentSearches
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	r.searches = make(chan struct{}, n)
	r.workers, r.unitMin = defaultWorkers(), defaultUnitMin
	for _, kind := range query.Kinds() {
		if err := r.openKind(ctx, kind); err != nil {
			_ = r.shutdown()
			return nil, fmt.Errorf("open %s index: %w", kind, err)
		}
	}
	if err := r.loadDirectory(); err != nil {
		_ = r.shutdown()
		return nil, err
	}
	r.startVerify(opts.noVerifyAfterOpen)
	return r, nil
}

func (r *Replica) openKind(ctx context.Context, kind query.Kind) error {
	sch, err := newSchema(kind)
	if err != nil {
		return err
	}
	if r.neverMerge {
		sch.scorch = neverMerge()
	}
	ks := &kindState{kind: kind, schema: sch, path: filepath.Join(r.dir, indexDir, string(kind)), ords: &ordCache{workers: r.workers}}
	r.kinds[kind] = ks
	// The full-text index opens while the table loads: both mostly wait on the disk when the page cache is cold
	// (at a million conversations, 0.15-0.45 s and 0.5-1 s).
	finishInterruptedSwap(ks.path, sch)
	type opened struct {
		ti  *textIndex
		err error
	}
	tiOpened := make(chan opened, 1)
	go func() {
		ti, err := openTextIndex(ks.path, sch)
		tiOpened <- opened{ti, err}
	}()
	err = r.loadTable(ctx, ks)
	if err == nil {
		ks.nextOrd, err = r.store.nextOrd(kind)
	}
	o := <-tiOpened
	ti := o.ti
	if err != nil {
		if ti != nil {
			_ = ti.close()
		}
		return err
	}
	ks.nextOrd = max(ks.nextOrd, ks.table.MaxOrd()+1)
	err = o.err
	switch {
	case errors.Is(err, errStaleIndex):
		if ks.table.Len() == 0 {
			// Nothing live to index (a new replica, say): an empty index to create, nothing to announce.
			r.log.Debug("creating full-text index", "kind", kind, "reason", err.Error())
		} else {
			r.log.Info("rebuilding full-text index", "kind", kind, "reason", err.Error())
		}
		if err := os.RemoveAll(ks.path); err != nil {
			return fmt.Errorf("remove unusable index: %w", err)
		}
		return r.rebuild(ctx, ks, r.progressFor(kind))
	case err != nil:
		return err
	}
	seq, err := ti.seq()
	if err != nil {
		_ = ti.close()
		return err
	}
	ks.ti, ks.indexed = ti, seq
	r.writeMu.Lock()
	replayable, err := r.catchUp(ctx, ks)
	r.writeMu.Unlock()
	if err != nil {
		return err
	}
	if !replayable {
		r.log.Info("rebuilding full-text index", "kind", kind, "reason", "change log no longer covers the gap",
			"index_seq", seq)
		return r.rebuild(ctx, ks, r.progressFor(kind))
	}
	return nil
}

// ordOf returns the ordinal of the live record id, from the column table.
func (ks *kindState) ordOf(id string) (uint32, bool) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.table.Ord(id)
}

func (r *Replica) progressFor(kind query.Kind) func(done, total int) {
	if r.progress == nil {
		return nil
	}
	return func(done, total int) { r.progress(kind, done, total) }
}

// loadTable fills the kind's column table: from its snapshot when that matches the store exactly, else from the
// rows stored beside the records (then writing a fresh snapshot, so the next Open is quick even if this process
// never closes cleanly).
func (r *Replica) loadTable(ctx context.Context, ks *kindState) error {
	st, err := r.store.tableState(ks.kind)
	if err != nil {
		return err
	}
	path := snapshotPath(r.dir, ks.kind)
	start := time.Now()
	t, pending, release, err := loadSnapshot(path, st)
	if err == nil {
		ks.table, ks.snapshotSeq, ks.snapshotOK, ks.unmap, ks.pending = t, st.seq, true, release, pending
		r.log.Debug("column table loaded from its snapshot", "kind", ks.kind, "rows", t.Len(),
			"elapsed", time.Since(start).Round(time.Millisecond), "unverified_bytes", pending.Size())
		return nil
	}
	switch {
	case errors.Is(err, errNoSnapshot) && st.live == 0:
		// A new replica: nothing to announce.
	case errors.Is(err, errNoSnapshot):
		r.log.Info("loading the column table from the stored rows", "kind", ks.kind, "reason", "no snapshot yet")
	default:
		r.log.Info("loading the column table from the stored rows", "kind", ks.kind,
			"reason", "snapshot unusable: "+err.Error())
	}
	t, err = r.tableFromRows(ctx, ks.kind)
	if err != nil {
		return err
	}
	ks.table = t
	r.saveSnapshot(ks, st)
	return nil
}

// saveSnapshot writes the kind's table, which reflects store state st, as its snapshot. A failure only costs the
// next Open time, so it is logged, not returned. The caller holds writeMu or has the replica to itself.
func (r *Replica) saveSnapshot(ks *kindState, st tableState) {
	ks.mu.RLock()
	err := writeSnapshot(snapshotPath(r.dir, ks.kind), ks.table, st)
	ks.mu.RUnlock()
	if err != nil {
		r.log.Warn("cannot write the column table snapshot; the next open rebuilds the table from the stored rows",
			"kind", ks.kind, "err", err)
		return
	}
	ks.snapshotSeq, ks.snapshotOK = st.seq, true
}

// tableFromRows builds the kind's column table from the rows stored beside the records. Rows written by another
// version of the row encoding are recomputed from the records first. The caller holds writeMu or has the replica
// to itself.
func (r *Replica) tableFromRows(ctx context.Context, kind query.Kind) (*table.Table, error) {
	rd := newRowDecoder(r.store.fields[kind])
	t := table.New()
	t.Defer()
	stale := false
	n := 0
	err := r.store.scanRows(kind, func(id, row []byte) error {
		if stale {
			return nil
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil { // a cold load of a million rows takes a while: stay cancellable
				return err
			}
		}
		tr, err := rd.decode(id, row)
		if errors.Is(err, errRowVersion) {
			stale = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("row %s %s: %w", kind, id, err)
		}
		t.Put(tr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if stale {
		r.log.Info("recomputing stored rows", "kind", kind, "reason", "row version changed")
		if err := r.rederiveRows(ctx, kind); err != nil {
			return nil, err
		}
		return r.tableFromRows(ctx, kind)
	}
	t.Compact()
	return t, nil
}

// Close stops the replica: it waits for running operations, then closes the indexes and the store and releases
// the directory lock. Later calls return nil.
func (r *Replica) Close() error {
	if r.closed.Load() {
		return nil
	}
	r.closeMu.Lock()
	defer r.closeMu.Unlock()
	if r.closed.Swap(true) {
		return nil
	}
	r.stopVerify()
	r.verifying.Wait()
	r.saveSnapshots()
	return r.shutdown()
}

// saveSnapshots writes the snapshot of every kind whose table changed since its snapshot on disk. Close calls it
// with every operation finished.
func (r *Replica) saveSnapshots() {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	for _, kind := range query.Kinds() {
		ks := r.kinds[kind]
		st, err := r.store.tableState(kind)
		if err != nil {
			r.log.Warn("cannot write the column table snapshot", "kind", kind, "err", err)
			continue
		}
		if _, err := os.Stat(snapshotPath(r.dir, kind)); err == nil && ks.snapshotOK && ks.snapshotSeq == st.seq {
			continue
		}
		// A table loaded moments ago may not be verified yet (Close came first): it is, before being written out
		// under a fresh checksum. Reading what is left takes about a second at a million records.
		if ks.pending != nil {
			if err := ks.pending.Verify(context.Background()); err != nil {
				r.failTable(ks, err)
				continue
			}
			ks.pending = nil
		}
		ks.mu.RLock()
		bad := ks.tableErr
		ks.mu.RUnlock()
		if bad != nil {
			continue // failTable removed the snapshot: the next Open builds the table from the rows
		}
		r.saveSnapshot(ks, st)
	}
}

// startVerify verifies, in the background, what the loaded snapshots left unverified (verifyTables), unless
// leaveToClose (tests); and, beside it, reads the ordinals of the full-text indexes' segments (warmOrds).
func (r *Replica) startVerify(leaveToClose bool) {
	ctx, cancel := context.WithCancel(context.Background())
	r.stopVerify = cancel
	r.verifying.Add(1)
	go func() {
		defer r.verifying.Done()
		r.warmOrds(ctx)
	}()
	if leaveToClose {
		return
	}
	r.verifying.Add(1)
	go func() {
		defer r.verifying.Done()
		r.verifyTables(ctx)
	}()
}

// warmOrds reads the ordinals of every full-text index's segments into its cache (ordCache.view), which the first
// free-text search would otherwise do while its caller waits: at a million conversations, half a second of a
// `serve`'s first answer. A search meanwhile waits for the kind's arrays under the cache's lock, as it would have.
// Close cancels ctx.
func (r *Replica) warmOrds(ctx context.Context) {
	for _, kind := range query.Kinds() {
		if ctx.Err() != nil {
			return
		}
		ks := r.kinds[kind]
		start := time.Now()
		ks.tiMu.RLock()
		if ks.ti != nil {
			removeStaleOrdFiles(filepath.Join(ks.ti.path, "store")) // where bleve's scorch keeps the segments
			if snap, err := ks.ti.snapshot(); err == nil {
				if _, _, err := ks.ords.view(snap); err != nil {
					r.log.Warn("reading the full-text index's ordinals", "kind", kind, "error", err)
				}
				snap.Close()
			}
		}
		ks.tiMu.RUnlock()
		r.log.Debug("full-text index ordinals read", "kind", kind, "elapsed", time.Since(start).Round(time.Millisecond))
	}
}

// verifyTables checks the deferred checksums of every table loaded from a snapshot. A mismatch means the table
// has been answering from damaged bytes since Open: failTable stops it answering, and the table is rebuilt from
// the rows and swapped in. Close cancels ctx.
func (r *Replica) verifyTables(ctx context.Context) {
	for _, kind := range query.Kinds() {
		ks := r.kinds[kind]
		r.writeMu.Lock()
		pending := ks.pending
		r.writeMu.Unlock()
		if pending == nil {
			continue
		}
		start := time.Now()
		err := pending.Verify(ctx) // without writeMu: writes never change these bytes in place
		if ctx.Err() != nil {
			return // Close: it verifies what it writes out
		}
		r.writeMu.Lock()
		if err == nil {
			ks.pending = nil
			r.writeMu.Unlock()
			r.log.Debug("column table snapshot verified", "kind", kind, "bytes", pending.Size(),
				"elapsed", time.Since(start).Round(time.Millisecond))
			continue
		}
		r.failTable(ks, err)
		if r.beforeTableRebuild != nil {
			r.beforeTableRebuild(kind)
		}
		r.rebuildTable(ctx, ks)
		r.writeMu.Unlock()
	}
}

// failTable stops the kind's table answering (searches get an error saying why) and removes its snapshot, so
// that no later Open loads it again. The caller holds writeMu.
func (r *Replica) failTable(ks *kindState, err error) {
	ks.mu.Lock()
	ks.tableErr = fmt.Errorf("the %s column table's snapshot is damaged (%w); the table is being rebuilt from the "+
		"stored records: retry in a minute, or reopen the replica", ks.kind.Noun(), err)
	ks.mu.Unlock()
	ks.pending, ks.snapshotOK = nil, false
	r.log.Error("column table snapshot failed its checksum after it was loaded; searches of its kind fail until "+
		"the table is rebuilt from the stored rows", "kind", ks.kind, "err", err)
	if err := os.Remove(snapshotPath(r.dir, ks.kind)); err != nil && !errors.Is(err, os.ErrNotExist) {
		r.log.Warn("cannot remove the damaged column table snapshot", "kind", ks.kind, "err", err)
	}
}

// rebuildTable replaces the kind's failed table with one built from the rows, and writes its snapshot. The
// caller holds writeMu, so no write lands between the rows read and the swap. The table it replaces stays mapped
// until the replica shuts down.
func (r *Replica) rebuildTable(ctx context.Context, ks *kindState) {
	st, err := r.store.tableState(ks.kind)
	var t *table.Table
	if err == nil {
		t, err = r.tableFromRows(ctx, ks.kind)
	}
	if err != nil {
		r.log.Error("cannot rebuild the column table from the stored rows; its searches fail until the replica is "+
			"reopened", "kind", ks.kind, "err", err)
		return
	}
	ks.mu.Lock()
	ks.table, ks.tableErr = t, nil
	ks.mu.Unlock()
	r.log.Info("column table rebuilt from the stored rows", "kind", ks.kind, "rows", t.Len())
	r.saveSnapshot(ks, st)
}

func (r *Replica) shutdown() error {
	var errs []error
	for _, ks := range r.kinds {
		if err := ks.ti.close(); err != nil {
			errs = append(errs, fmt.Errorf("close %s index: %w", ks.kind, err))
		}
	}
	if err := r.store.close(); err != nil {
		errs = append(errs, fmt.Errorf("close store: %w", err))
	}
	for _, ks := range r.kinds {
		if ks.unmap != nil {
			ks.table = nil // nothing may read the mapped table once it is released
			if err := ks.unmap(); err != nil {
				errs = append(errs, fmt.Errorf("release %s table snapshot: %w", ks.kind, err))
			}
			ks.unmap = nil
		}
	}
	if err := r.lock.release(); err != nil {
		errs = append(errs, fmt.Errorf("release lock: %w", err))
	}
	return errors.Join(errs...)
}

// enter marks an operation in progress; it fails once Close has begun. Call the returned function when done.
func (r *Replica) enter() (func(), error) {
	r.closeMu.RLock()
	if r.closed.Load() {
		r.closeMu.RUnlock()
		return nil, ErrClosed
	}
	return r.closeMu.RUnlock, nil
}

func (r *Replica) kindState(kind query.Kind) (*kindState, error) {
	ks := r.kinds[kind]
	if ks == nil {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	return ks, nil
}

// tableFault returns why a search of ks must not be answered now: its table, or the company table its query's
// names resolve through, failed its snapshot's checksums after Open (failTable) and is not rebuilt yet. Nil when
// it may be answered.
func (r *Replica) tableFault(ks *kindState) error {
	for _, k := range []*kindState{ks, r.kinds[query.KindCompany]} {
		if k == nil {
			continue
		}
		k.mu.RLock()
		err := k.tableErr
		k.mu.RUnlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// storedKind checks that the store holds records of kind: a searchable kind or a directory kind.
func (r *Replica) storedKind(kind query.Kind) error {
	if kind.Directory() {
		return nil
	}
	_, err := r.kindState(kind)
	return err
}

// Get returns the stored record of kind and id, tombstones included (Deleted set), with its freshness: SyncedAt
// is when the replica last copied it and UpdatedAt is Intercom's updated_at as of that copy. It returns an error
// matching ErrNotFound when the replica has never held the record. The record's Raw is a copy the caller owns.
func (r *Replica) Get(ctx context.Context, kind query.Kind, id string) (Record, error) {
	done, err := r.enter()
	if err != nil {
		return Record{}, err
	}
	defer done()
	if err := r.storedKind(kind); err != nil {
		return Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	rec, err := r.store.get(kind, id)
	if err != nil {
		return Record{}, fmt.Errorf("get %s %s: %w", kind, id, err)
	}
	return rec, nil
}

// Meta returns the value stored under key by a Batch, or nil when there is none.
func (r *Replica) Meta(key string) ([]byte, error) {
	done, err := r.enter()
	if err != nil {
		return nil, err
	}
	defer done()
	v, err := r.store.meta(key)
	if err != nil {
		return nil, fmt.Errorf("meta %q: %w", key, err)
	}
	return v, nil
}

// Scan calls fn with every stored record of kind, tombstones included, in id order, stopping at the first error
// fn returns (which Scan returns). fn is not called inside a store transaction, so it may be slow and may call
// other methods of the Replica; records written during a scan may or may not be seen.
func (r *Replica) Scan(ctx context.Context, kind query.Kind, fn func(Record) error) error {
	done, err := r.enter()
	if err != nil {
		return err
	}
	defer done()
	if err := r.storedKind(kind); err != nil {
		return err
	}
	return r.store.scan(kind, func(rec Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(rec)
	})
}
