package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/intercom-replica/intercom-replica/query"
)

// storedEnvelopes returns every stored envelope of kind, by id, reading the store file directly.
func storedEnvelopes(t *testing.T, dir string, kind query.Kind) map[string]envelope {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, storeFile), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]envelope{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(recordsBucket(kind)).ForEach(func(k, v []byte) error {
			e, err := decodeEnvelope(v)
			e.raw = bytes.Clone(e.raw)
			out[string(k)] = e
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Records are stored as zstd frames, those written once a kind has dictSamples records with a dictionary learned
// from them; Get, Scan and a reopened replica return the JSON exactly as it was applied, tombstones' last copy
// included.
func TestReplica_StoresRecordsCompressed(t *testing.T) {
	dir := t.TempDir()
	r := mustOpen(t, dir)
	g := newTestGenerator()
	first := synthConversations(g, 0, 10) // before the dictionary: compressed without one
	mustApply(t, r, Batch{Records: first})
	rest := synthConversations(g, 10, dictSamples+40)
	mustApply(t, r, Batch{Records: rest})
	all := append(first, rest...)
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: all[3].ID, Deleted: true},
		{Kind: query.KindConversation, ID: all[200].ID, Deleted: true}}})
	want := map[string][]byte{}
	rawBytes := 0
	for _, rec := range all {
		want[rec.ID] = rec.Raw
		rawBytes += len(rec.Raw)
	}
	check := func(r *Replica, when string) {
		t.Helper()
		for id, raw := range want {
			got, err := r.Get(context.Background(), query.KindConversation, id)
			if err != nil || !bytes.Equal(got.Raw, raw) {
				t.Fatalf("%s: Get(%s) = %.60q, %v; want the applied JSON", when, id, got.Raw, err)
			}
			if got.Deleted != (id == all[3].ID || id == all[200].ID) {
				t.Fatalf("%s: Get(%s).Deleted = %v", when, id, got.Deleted)
			}
		}
		n := 0
		err := r.Scan(context.Background(), query.KindConversation, func(rec Record) error {
			n++
			if !bytes.Equal(rec.Raw, want[rec.ID]) {
				t.Fatalf("%s: Scan gave %s as %.60q", when, rec.ID, rec.Raw)
			}
			return nil
		})
		if err != nil || n != len(want) {
			t.Fatalf("%s: Scan saw %d records (%v), want %d", when, n, err, len(want))
		}
	}
	check(r, "after writing")
	mustClose(t, r)

	envs := storedEnvelopes(t, dir, query.KindConversation)
	stored, withDict := 0, 0
	for id, e := range envs {
		if !e.zstd {
			t.Fatalf("conversation %s stored uncompressed", id)
		}
		stored += len(e.raw)
		if dictIDOf(e.raw) == dictID(query.KindConversation) {
			withDict++
		}
	}
	if withDict != len(rest) {
		t.Errorf("%d records name the dictionary, want the %d written once it was learned", withDict, len(rest))
	}
	if stored*3 > rawBytes {
		t.Errorf("stored %d bytes for %d of JSON: less than 3x smaller", stored, rawBytes)
	}

	r = mustOpen(t, dir) // the decoder learns the dictionary from the store
	check(r, "after reopening")
}

// A store written before compression (schema 1: envelopes without the zstd flag, no dictionaries) opens as it is:
// its records read back unchanged, search and Check agree, the schema moves to 2, and new writes are compressed.
func TestOpen_ReadsRecordsWrittenBeforeCompression(t *testing.T) {
	dir, _ := populated(t)
	removeSnapshots(t, dir)
	recs := append(fixture(t), synthConversations(newTestGenerator(), 0, 40)...)
	db, err := bolt.Open(filepath.Join(dir, storeFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, rec := range recs {
			b := tx.Bucket(recordsBucket(rec.Kind))
			e, err := decodeEnvelope(b.Get([]byte(rec.ID)))
			if err != nil {
				return err
			}
			// As a schema-1 program wrote it.
			if err := b.Put([]byte(rec.ID), appendEnvelope(nil, e.updatedAt, e.syncedAt, false, false, rec.Raw)); err != nil {
				return err
			}
		}
		rb := tx.Bucket([]byte(bucketReplica))
		for _, k := range query.Kinds() {
			if err := rb.Delete(dictKey(k)); err != nil {
				return err
			}
		}
		return rb.Put([]byte(keySchema), binary.BigEndian.AppendUint32(nil, 1))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	r := mustOpen(t, dir)
	for _, rec := range recs {
		got, err := r.Get(context.Background(), rec.Kind, rec.ID)
		if err != nil || !bytes.Equal(got.Raw, rec.Raw) {
			t.Fatalf("Get(%s %s) = %.60q, %v; want its JSON", rec.Kind, rec.ID, got.Raw, err)
		}
	}
	if res := mustSearch(t, r, mustParse(t, "object_type:conversations q:refund")); res.Total == 0 {
		t.Error("free text finds nothing in the old store")
	}
	if err := r.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	newer := synthConversations(newTestGenerator(), 40, 45)
	mustApply(t, r, Batch{Records: newer})
	mustClose(t, r)
	envs := storedEnvelopes(t, dir, query.KindConversation)
	for _, rec := range newer {
		if !envs[rec.ID].zstd {
			t.Errorf("%s, written after the upgrade, is stored uncompressed", rec.ID)
		}
	}
	if envs[recs[len(recs)-1].ID].zstd {
		t.Error("an old record was rewritten")
	}

	// A program of schema 1 would hand out compressed bytes as JSON: it refuses the store, and this one refuses a
	// newer one the same way.
	db, err = bolt.Open(filepath.Join(dir, storeFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket([]byte(bucketReplica))
		if v := binary.BigEndian.Uint32(rb.Get([]byte(keySchema))); v != storeSchema {
			t.Errorf("schema after opening: %d, want %d", v, storeSchema)
		}
		return rb.Put([]byte(keySchema), binary.BigEndian.AppendUint32(nil, storeSchema+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if r, err := Open(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), "upgrade intercom-replica") {
		if r != nil {
			r.Close()
		}
		t.Fatalf("Open of a newer store: %v, want an error asking for an upgrade", err)
	}
}

// A batch splits pages at appendFill only when it appends to its bucket: inserting between existing ids at 90 %
// would leave a nearly empty page beside each full one.
func TestAppendsOnly(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conv := func(ids ...string) []prepared {
		var out []prepared
		for _, id := range ids {
			out = append(out, prepared{rec: Record{Kind: query.KindConversation, ID: id}})
		}
		return out
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		for _, tc := range []struct {
			name string
			recs []prepared
			want bool
		}{
			{"empty bucket", conv("5"), true},
			{"after the last id", conv("7", "6"), true},
			{"one before the last id", conv("7", "3"), false},
			{"the last id itself (an update)", conv("5"), false},
			{"another kind's ids do not count", append(conv("7"), prepared{rec: Record{Kind: query.KindContact, ID: "1"}}), true},
		} {
			if tc.name != "empty bucket" && b.Get([]byte("5")) == nil {
				if err := b.Put([]byte("5"), nil); err != nil {
					return err
				}
			}
			if got := appendsOnly(b, query.KindConversation, tc.recs); got != tc.want {
				t.Errorf("%s: appendsOnly = %v, want %v", tc.name, got, tc.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dictIDOf returns the dictionary id a frame names (0 for none); tests use it.
func dictIDOf(frame []byte) uint32 {
	var h zstd.Header
	if err := h.Decode(frame); err != nil {
		return 0
	}
	return h.DictionaryID
}

// Every kind that learns a dictionary gets one of its own id: frames name their dictionary by id, and a company
// dictionary with the conversations' id made one kind's records decode with the other's dictionary (garbage, as
// frames carry no checksum). Conversations and companies, each past dictSamples, read back byte for byte, before
// and after reopening.
func TestReplica_EachKindsDictionaryHasItsOwnID(t *testing.T) {
	dir := t.TempDir()
	r := mustOpen(t, dir)
	g := newTestGenerator()
	convs := synthConversations(g, 0, dictSamples+20)
	var cos []Record
	buf := make([]byte, 0, 4096)
	for i := range dictSamples + 20 {
		rec := g.Company(i, buf)
		cos = append(cos, Record{Kind: query.KindCompany, ID: rec.ID, UpdatedAt: rec.UpdatedAt, Raw: bytes.Clone(rec.JSON)})
	}
	mustApply(t, r, Batch{Records: convs})
	mustApply(t, r, Batch{Records: cos})
	check := func(r *Replica, when string) {
		t.Helper()
		for _, want := range append(append([]Record(nil), convs...), cos...) {
			got, err := r.Get(context.Background(), want.Kind, want.ID)
			if err != nil || !bytes.Equal(got.Raw, want.Raw) {
				t.Fatalf("%s: Get(%s %s) = %.60q, %v; want the applied JSON", when, want.Kind, want.ID, got.Raw, err)
			}
		}
	}
	check(r, "after writing")
	mustClose(t, r)
	ids := map[uint32]query.Kind{}
	for _, kind := range query.Kinds() {
		if other, dup := ids[dictID(kind)]; dup {
			t.Errorf("%s and %s share dictionary id %#x", kind, other, dictID(kind))
		}
		ids[dictID(kind)] = kind
	}
	r = mustOpen(t, dir)
	check(r, "after reopening")
}

// Stores written while companies shared the conversations' dictionary id hold two dictionaries under one id:
// each kind's records still decode with their own kind's dictionary.
func TestCodec_DecodesEachKindWithItsOwnDictionaryDespiteASharedID(t *testing.T) {
	g := newTestGenerator()
	var convs, cos [][]byte
	for i := range dictSamples {
		convs = append(convs, g.Conversation(i, nil).JSON)
		cos = append(cos, g.Company(i, nil).JSON)
	}
	build := func(samples [][]byte) []byte {
		var hist []byte
		for _, s := range samples {
			if len(hist)+len(s) > dictHistory {
				break
			}
			hist = append(hist, s...)
		}
		d, err := zstd.BuildDict(zstd.BuildDictOptions{ID: dictID(query.KindConversation), Contents: samples, History: hist,
			Offsets: [3]int{1, 4, 8}, Level: zstd.SpeedFastest})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	c, err := newCodec(map[query.Kind][]byte{query.KindConversation: build(convs), query.KindCompany: build(cos)})
	if err != nil {
		t.Fatal(err)
	}
	for kind, recs := range map[query.Kind][][]byte{query.KindConversation: convs, query.KindCompany: cos} {
		for _, raw := range recs[:20] {
			frame, err := c.compress(kind, raw)
			if err != nil || frame == nil {
				t.Fatalf("compress %s: %v", kind, err)
			}
			got, err := c.decompress(kind, frame)
			if err != nil || !bytes.Equal(got, raw) {
				t.Fatalf("%s decoded as %.60q, %v", kind, got, err)
			}
		}
	}
}
