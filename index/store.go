package index

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/intercom-replica/intercom-replica/query"
)

// The store is a bbolt file, the replica's source of truth. Its buckets:
//
//	conversation, contact   id → envelope (see below): every record ever synced, tombstones included
//	rows.conversation, ...  id → row: the record's searchable non-text fields and hit summary, encoded compactly
//	                        (row.go); written in the same transaction as the envelope, so the column table loaded
//	                        from it at open always matches the store, without decoding the records' JSON
//	meta                    caller key → value (sync watermarks, cursors, workspace identity)
//	changes                 kind byte + sequence (8 bytes, big-endian) → the ids of that kind written by that
//	                        batch, for the kind's full-text index to catch up from after a crash; trimmed once the
//	                        index has them durably (the kind's trim mark then records how far, so a gap is known)
//	replica                 the store's own state: schema version, a random id given at creation (a table snapshot
//	                        names the store it was taken from), last sequence, per-kind counts, trim marks and
//	                        next ordinals, row field names
//
// An envelope is a 18-byte header then the raw JSON: version (1 byte), flags (1 byte; bit 0 = deleted, bit 1 =
// the JSON is a zstd frame, see codec.go), Intercom's updated_at (int64, big-endian), synced_at (Unix nanoseconds,
// int64, big-endian). Kind and id are where the envelope is stored.

const (
	bucketMeta    = "meta"
	bucketChanges = "changes"
	bucketReplica = "replica"

	keySchema  = "schema"
	keySeq     = "seq"
	keyStoreID = "id"

	// storeSchema is the layout above. Open refuses a store written by a newer layout rather than misread it, and
	// moves an older one to this one (what it adds can be read beside what was there). 2: records may be zstd
	// frames (envelope flag bit 1), dictionaries in the replica bucket; a program of schema 1 would hand out the
	// compressed bytes as JSON, so it must refuse the store.
	storeSchema = 2
)

func recordsBucket(kind query.Kind) []byte { return []byte(kind) }

func rowsBucket(kind query.Kind) []byte { return []byte("rows." + string(kind)) }

func countKey(kind query.Kind, deleted bool) []byte {
	if deleted {
		return []byte("count." + string(kind) + ".deleted")
	}
	return []byte("count." + string(kind) + ".live")
}

func fieldNamesKey(kind query.Kind) []byte { return []byte("fields." + string(kind)) }

func trimmedKey(kind query.Kind) []byte { return []byte("trimmed." + string(kind)) }

// nextOrdKey holds the next ordinal to give a new record of kind (see table.Row.Ord).
func nextOrdKey(kind query.Kind) []byte { return []byte("next_ord." + string(kind)) }

// appendFill is how full bbolt leaves the pages it splits in a batch that only appends (every id after the
// bucket's last): such pages are never written again, and at bbolt's default (half) they stay half full (the rows
// bucket of the benchmark's conversations measured 37 %). A batch that inserts between existing ids keeps the
// default: splitting those pages at 90 % would leave a nearly empty page beside each full one (the benchmark's
// contacts, whose ids come in random order, measured 40 %).
const appendFill = 0.9

// appendsOnly reports whether every record of kind in recs sorts after the last id b holds.
func appendsOnly(b *bolt.Bucket, kind query.Kind, recs []prepared) bool {
	last, _ := b.Cursor().Last()
	for i := range recs {
		if recs[i].rec.Kind == kind && bytes.Compare([]byte(recs[i].rec.ID), last) <= 0 {
			return false
		}
	}
	return true
}

// pageSize is the page size of a new store (an existing one keeps its own). Compressed, a conversation is about
// 900 bytes and its row 700: four of either fill a 4 KB page to 77 %, seventeen a 16 KB page to over 90 %.
const pageSize = 16 << 10

// storeIDLen is the length of the store's id.
const storeIDLen = 16

const (
	envelopeVersion = 1
	envelopeHeader  = 18
	flagDeleted     = 1
	flagZstd        = 2
)

func appendEnvelope(b []byte, updatedAt int64, syncedAt time.Time, deleted, zstd bool, raw []byte) []byte {
	var flags byte
	if deleted {
		flags |= flagDeleted
	}
	if zstd {
		flags |= flagZstd
	}
	b = append(b, envelopeVersion, flags)
	b = binary.BigEndian.AppendUint64(b, uint64(updatedAt))
	b = binary.BigEndian.AppendUint64(b, uint64(syncedAt.UnixNano()))
	return append(b, raw...)
}

// envelope is a decoded envelope; raw aliases the bytes it was decoded from, compressed when zstd is set (the store's
// json method returns the JSON).
type envelope struct {
	updatedAt int64
	syncedAt  time.Time
	deleted   bool
	zstd      bool
	raw       []byte
}

var errCorruptEnvelope = errors.New("corrupt envelope")

func decodeEnvelope(b []byte) (envelope, error) {
	if len(b) < envelopeHeader || b[0] != envelopeVersion {
		return envelope{}, errCorruptEnvelope
	}
	return envelope{
		deleted:   b[1]&flagDeleted != 0,
		zstd:      b[1]&flagZstd != 0,
		updatedAt: int64(binary.BigEndian.Uint64(b[2:10])),
		syncedAt:  time.Unix(0, int64(binary.BigEndian.Uint64(b[10:18]))).UTC(),
		raw:       b[envelopeHeader:],
	}, nil
}

// json returns the JSON of a record of kind in a slice of its own.
func (s *store) json(kind query.Kind, e envelope) ([]byte, error) {
	if e.zstd {
		return s.codec.decompress(kind, e.raw)
	}
	return bytes.Clone(e.raw), nil
}

func (s *store) record(kind query.Kind, id string, e envelope) (Record, error) {
	raw, err := s.json(kind, e)
	if err != nil {
		return Record{}, fmt.Errorf("%s %s: %w", kind, id, err)
	}
	return Record{Kind: kind, ID: id, UpdatedAt: e.updatedAt, SyncedAt: e.syncedAt, Deleted: e.deleted, Raw: raw},
		nil
}

// changeKey is the change-log key of kind's changes in batch seq.
func changeKey(kind query.Kind, seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{kindByte(kind)}, seq)
}

// store wraps the bbolt database.
type store struct {
	db     *bolt.DB
	id     []byte                     // the store's random id (keyStoreID)
	fields map[query.Kind]*fieldNames // row field-name tables, loaded at open, extended by writes
	codec  *codec                     // record compression, with the dictionaries stored in the replica bucket
	chunk  int                        // records per read transaction of a scan (scanChunk; tests lower it)
}

func openStore(path string) (*store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		// The directory lock is already ours, so bbolt's file lock is free; the timeout only guards against a
		// platform where the directory lock is a no-op (lock_other.go).
		Timeout:      time.Second,
		FreelistType: bolt.FreelistMapType,
		PageSize:     pageSize,
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &store{db: db, fields: map[query.Kind]*fieldNames{}, chunk: scanChunk}
	err = db.Update(func(tx *bolt.Tx) error {
		names := []string{bucketMeta, bucketChanges, bucketReplica}
		for _, k := range query.Kinds() {
			names = append(names, string(recordsBucket(k)), string(rowsBucket(k)))
		}
		for _, k := range query.DirectoryKinds() {
			names = append(names, string(recordsBucket(k))) // no rows: not searched
		}
		for _, n := range names {
			if _, err := tx.CreateBucketIfNotExists([]byte(n)); err != nil {
				return fmt.Errorf("create bucket %s: %w", n, err)
			}
		}
		rb := tx.Bucket([]byte(bucketReplica))
		switch v := rb.Get([]byte(keySchema)); {
		case v == nil:
			if err := rb.Put([]byte(keySchema), binary.BigEndian.AppendUint32(nil, storeSchema)); err != nil {
				return err
			}
		case len(v) != 4:
			return fmt.Errorf("store schema: corrupt value %x", v)
		case binary.BigEndian.Uint32(v) > storeSchema:
			return fmt.Errorf("store schema %d is newer than this program's (%d): upgrade intercom-replica",
				binary.BigEndian.Uint32(v), storeSchema)
		case binary.BigEndian.Uint32(v) < storeSchema:
			if err := rb.Put([]byte(keySchema), binary.BigEndian.AppendUint32(nil, storeSchema)); err != nil {
				return err
			}
		}
		var err error
		if s.codec, err = newCodec(loadDicts(rb.Get)); err != nil {
			return err
		}
		if s.id = bytes.Clone(rb.Get([]byte(keyStoreID))); len(s.id) != storeIDLen {
			// A new store, or one written before stores had ids: give it one.
			s.id = make([]byte, storeIDLen)
			if _, err := rand.Read(s.id); err != nil {
				return fmt.Errorf("store id: %w", err)
			}
			if err := rb.Put([]byte(keyStoreID), s.id); err != nil {
				return err
			}
		}
		for _, k := range query.Kinds() {
			fn, err := decodeFieldNames(rb.Get(fieldNamesKey(k)))
			if err != nil {
				return fmt.Errorf("row field names of %s: %w", k, err)
			}
			s.fields[k] = fn
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("initialise %s: %w", path, err)
	}
	return s, nil
}

func (s *store) close() error { return s.db.Close() }

func getUint64(b *bolt.Bucket, key []byte) uint64 {
	v := b.Get(key)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func putUint64(b *bolt.Bucket, key []byte, v uint64) error {
	return b.Put(key, binary.BigEndian.AppendUint64(nil, v))
}

// prepared is a record checked and flattened before the write transaction, so the transaction itself only
// compares and copies.
type prepared struct {
	rec    Record
	doc    *doc   // nil for a tombstone
	row    []byte // encoded row; nil for a tombstone
	packed []byte // rec.Raw compressed (codec.go); nil to store it as it is
}

// writeBatch stores recs and meta in one transaction and returns the batch's sequence and the records actually
// written (stale ones dropped). Each kind's change-log entries up to trimTo[kind] are deleted in the same
// transaction.
func (s *store) writeBatch(recs []prepared, meta map[string][]byte, trimTo map[query.Kind]uint64, nextOrd map[query.Kind]uint32, now time.Time) (uint64, []prepared, ApplyResult, error) {
	var res ApplyResult
	var written []prepared
	var seq uint64
	var namesSaved func()
	var dicts map[query.Kind][]byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		written, res = written[:0], ApplyResult{}
		rb := tx.Bucket([]byte(bucketReplica))
		seq = getUint64(rb, []byte(keySeq))
		logs := map[query.Kind][]byte{}
		for _, k := range query.Kinds() {
			if appendsOnly(tx.Bucket(recordsBucket(k)), k, recs) {
				tx.Bucket(recordsBucket(k)).FillPercent = appendFill
				tx.Bucket(rowsBucket(k)).FillPercent = appendFill
			}
		}
		for i := range recs {
			p := recs[i]
			b := tx.Bucket(recordsBucket(p.rec.Kind))
			old := b.Get([]byte(p.rec.ID))
			if old == nil && p.rec.Deleted {
				// The deletion of a record the store never held (Intercom's 404 for a made-up id, a deletion listed
				// for a record never synced) is no change to the replica: no tombstone, which get_* would report as
				// deleted in Intercom, no change-log entry, no count.
				continue
			}
			var prev envelope
			if old != nil {
				var err error
				if prev, err = decodeEnvelope(old); err != nil {
					return fmt.Errorf("%s %s: %w", p.rec.Kind, p.rec.ID, err)
				}
				// A live record replacing a tombstone is the writer's call whatever its updated_at: the tombstone
				// carries the deletion's time, and a record Intercom returns again need not be newer than that.
				if p.rec.UpdatedAt < prev.updatedAt && !(p.rec.Deleted && p.rec.UpdatedAt == 0) && !(prev.deleted && !p.rec.Deleted) {
					res.Stale++
					continue
				}
			}
			updatedAt, raw, packed := p.rec.UpdatedAt, []byte(p.rec.Raw), false
			if p.packed != nil {
				raw, packed = p.packed, true
			}
			if p.rec.Deleted {
				if updatedAt == 0 {
					updatedAt = prev.updatedAt
				}
				if len(raw) == 0 {
					raw, packed = prev.raw, prev.zstd // keep the last copy for Get and export
				}
			}
			synced := p.rec.SyncedAt
			if synced.IsZero() {
				synced = now
			}
			if err := b.Put([]byte(p.rec.ID), appendEnvelope(make([]byte, 0, envelopeHeader+len(raw)), updatedAt,
				synced, p.rec.Deleted, packed, raw)); err != nil {
				return fmt.Errorf("put %s %s: %w", p.rec.Kind, p.rec.ID, err)
			}
			if err := adjustCounts(rb, p.rec.Kind, old != nil, prev.deleted, p.rec.Deleted); err != nil {
				return err
			}
			written = append(written, p)
			res.Written++
			if p.rec.Deleted {
				res.Deleted++
			}
			if p.rec.Kind.Directory() {
				continue // no row, and no full-text index to replay changes into
			}
			rows := tx.Bucket(rowsBucket(p.rec.Kind))
			var err error
			if p.rec.Deleted {
				err = rows.Delete([]byte(p.rec.ID))
			} else {
				err = rows.Put([]byte(p.rec.ID), p.row)
			}
			if err != nil {
				return fmt.Errorf("row %s %s: %w", p.rec.Kind, p.rec.ID, err)
			}
			logs[p.rec.Kind] = appendString(logs[p.rec.Kind], p.rec.ID)
		}
		var err error
		if namesSaved, err = s.saveFieldNames(rb); err != nil {
			return err
		}
		dicts = s.codec.unsavedDicts()
		for k, d := range dicts {
			if err := rb.Put(dictKey(k), d); err != nil {
				return fmt.Errorf("store compression dictionary: %w", err)
			}
		}
		mb := tx.Bucket([]byte(bucketMeta))
		for k, v := range meta {
			var err error
			if v == nil {
				err = mb.Delete([]byte(k))
			} else {
				err = mb.Put([]byte(k), v)
			}
			if err != nil {
				return fmt.Errorf("meta %q: %w", k, err)
			}
		}
		if len(written) > 0 {
			seq++
			for kind, log := range logs {
				if err := tx.Bucket([]byte(bucketChanges)).Put(changeKey(kind, seq), log); err != nil {
					return fmt.Errorf("change log: %w", err)
				}
			}
			if err := putUint64(rb, []byte(keySeq), seq); err != nil {
				return err
			}
		}
		for kind, upTo := range trimTo {
			if err := trimChanges(tx, kind, upTo); err != nil {
				return err
			}
		}
		for kind, n := range nextOrd {
			if uint64(n) > getUint64(rb, nextOrdKey(kind)) {
				if err := putUint64(rb, nextOrdKey(kind), uint64(n)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil && namesSaved != nil {
		namesSaved()
	}
	if err == nil {
		s.codec.savedDicts(dicts)
	}
	res.Seq = seq
	return seq, written, res, err
}

func adjustCounts(rb *bolt.Bucket, kind query.Kind, existed, wasDeleted, deleted bool) error {
	if existed && wasDeleted == deleted {
		return nil
	}
	if existed {
		k := countKey(kind, wasDeleted)
		if err := putUint64(rb, k, getUint64(rb, k)-1); err != nil {
			return err
		}
	}
	k := countKey(kind, deleted)
	return putUint64(rb, k, getUint64(rb, k)+1)
}

func appendString(b []byte, v string) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// kindByte is the change log's key prefix of a kind (one byte, so a kind's entries are one key range).
func kindByte(kind query.Kind) byte {
	switch kind {
	case query.KindContact:
		return 'p' // person
	case query.KindCompany:
		return 'o' // organisation
	case query.KindArticle:
		return 'a'
	case query.KindTicket:
		return 't'
	}
	return 'c'
}

// trimChanges deletes kind's change-log entries with sequence ≤ upTo and moves the kind's trim mark there.
func trimChanges(tx *bolt.Tx, kind query.Kind, upTo uint64) error {
	rb := tx.Bucket([]byte(bucketReplica))
	if upTo <= getUint64(rb, trimmedKey(kind)) {
		return nil
	}
	c := tx.Bucket([]byte(bucketChanges)).Cursor()
	prefix := kindByte(kind)
	for k, _ := c.Seek([]byte{prefix}); k != nil && k[0] == prefix && binary.BigEndian.Uint64(k[1:]) <= upTo; k, _ = c.Seek([]byte{prefix}) {
		if err := c.Delete(); err != nil {
			return fmt.Errorf("trim change log: %w", err)
		}
	}
	return putUint64(rb, trimmedKey(kind), upTo)
}

// changesAfter returns the ids of kind written by batches after seq, deduplicated, and whether the log can tell
// (false when entries after seq were trimmed: the gap can't be replayed).
func (s *store) changesAfter(kind query.Kind, seq uint64) ([]string, bool, error) {
	var out []string
	replayable := true
	err := s.db.View(func(tx *bolt.Tx) error {
		if getUint64(tx.Bucket([]byte(bucketReplica)), trimmedKey(kind)) > seq {
			replayable = false
			return nil
		}
		seen := map[string]bool{}
		c := tx.Bucket([]byte(bucketChanges)).Cursor()
		prefix := kindByte(kind)
		for k, v := c.Seek(changeKey(kind, seq+1)); k != nil && k[0] == prefix; k, v = c.Next() {
			d := decoder{b: v}
			for len(d.b) > 0 && d.err == nil {
				id := d.str()
				if !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
			}
			if d.err != nil {
				return fmt.Errorf("change log %s %d: %w", kind, binary.BigEndian.Uint64(k[1:]), d.err)
			}
		}
		return nil
	})
	return out, replayable, err
}

// nextOrd returns the next ordinal to give a new record of kind.
func (s *store) nextOrd(kind query.Kind) (uint32, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		n = getUint64(tx.Bucket([]byte(bucketReplica)), nextOrdKey(kind))
		return nil
	})
	return uint32(n), err
}

// seq returns the store's last sequence.
func (s *store) seq() (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		seq = getUint64(tx.Bucket([]byte(bucketReplica)), []byte(keySeq))
		return nil
	})
	return seq, err
}

// get reads one record; ErrNotFound when absent.
func (s *store) get(kind query.Kind, id string) (Record, error) {
	var rec Record
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(recordsBucket(kind)).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		env, err := decodeEnvelope(v)
		if err != nil {
			return err
		}
		rec, err = s.record(kind, id, env)
		return err
	})
	return rec, err
}

// getRaws returns the raw JSON of the live records with the given ids (missing and deleted ones are absent from
// the map), in one read transaction.
func (s *store) getRaws(kind query.Kind, ids []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(recordsBucket(kind))
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			env, err := decodeEnvelope(v)
			if err != nil {
				return fmt.Errorf("%s %s: %w", kind, id, err)
			}
			if !env.deleted {
				if out[id], err = s.json(kind, env); err != nil {
					return fmt.Errorf("%s %s: %w", kind, id, err)
				}
			}
		}
		return nil
	})
	return out, err
}

// scanChunk is how many records one read transaction of a scan copies out. Short transactions keep a long scan
// (an export, a rebuild) from holding bbolt's mmap lock, which writers need to grow the file.
const scanChunk = 512

// scan calls fn for every record of kind in id order. fn runs outside any transaction, so it may take its time
// and may call back into the store.
func (s *store) scan(kind query.Kind, fn func(Record) error) error {
	var after []byte
	first := true
	for {
		var chunk []Record
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(recordsBucket(kind)).Cursor()
			var k, v []byte
			if first {
				k, v = c.First()
			} else {
				k, v = c.Seek(after)
				if k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(chunk) < s.chunk; k, v = c.Next() {
				env, err := decodeEnvelope(v)
				if err != nil {
					return fmt.Errorf("%s %s: %w", kind, k, err)
				}
				rec, err := s.record(kind, string(k), env)
				if err != nil {
					return err
				}
				chunk = append(chunk, rec)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(chunk) == 0 {
			return nil
		}
		for _, rec := range chunk {
			if err := fn(rec); err != nil {
				return err
			}
		}
		first = false
		after = []byte(chunk[len(chunk)-1].ID)
	}
}

// scanRows calls fn with every row of kind, inside one read transaction (rows are small and the caller only
// decodes them into memory). The bytes are valid only during the call.
func (s *store) scanRows(kind query.Kind, fn func(id, row []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(rowsBucket(kind)).ForEach(fn)
	})
}

// meta returns the value of a meta key, or nil.
func (s *store) meta(key string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte(bucketMeta)).Get([]byte(key)); v != nil {
			out = bytes.Clone(v)
		}
		return nil
	})
	return out, err
}

// storeStats is what Status reports about the store.
type storeStats struct {
	seq             uint64
	live, deleted   map[query.Kind]int
	changes         int
	meta            map[string][]byte
	fileSize        int64
	rowFieldsByKind map[query.Kind]int
}

func (s *store) stats() (storeStats, error) {
	st := storeStats{live: map[query.Kind]int{}, deleted: map[query.Kind]int{}, meta: map[string][]byte{},
		rowFieldsByKind: map[query.Kind]int{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket([]byte(bucketReplica))
		st.seq = getUint64(rb, []byte(keySeq))
		for _, k := range query.AllKinds() {
			st.live[k] = int(getUint64(rb, countKey(k, false)))
			st.deleted[k] = int(getUint64(rb, countKey(k, true)))
			if !k.Directory() {
				st.rowFieldsByKind[k] = len(s.fields[k].list())
			}
		}
		st.changes = tx.Bucket([]byte(bucketChanges)).Stats().KeyN
		err := tx.Bucket([]byte(bucketMeta)).ForEach(func(k, v []byte) error {
			st.meta[string(k)] = bytes.Clone(v)
			return nil
		})
		st.fileSize = tx.Size()
		return err
	})
	return st, err
}

// tableState is what a column table snapshot must match to be loaded: the store it was taken from, the store's
// sequence and the kind's live record count.
type tableState struct {
	storeID []byte
	seq     uint64
	live    uint64
}

// tableState returns kind's tableState, read in one transaction.
func (s *store) tableState(kind query.Kind) (tableState, error) {
	st := tableState{storeID: s.id}
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket([]byte(bucketReplica))
		st.seq = getUint64(rb, []byte(keySeq))
		st.live = getUint64(rb, countKey(kind, false))
		return nil
	})
	return st, err
}
