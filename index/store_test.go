package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
)

func conversationJSON(id string, updatedAt int64, state, body string) []byte {
	return []byte(fmt.Sprintf(`{"type":"conversation","id":%q,"updated_at":%d,"created_at":1,"state":%q,"source":{"type":"email","body":%q}}`,
		id, updatedAt, state, body))
}

func TestReplica_Get_ReturnsRecordWithFreshness(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	synced := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	raw := conversationJSON("7", 100, "open", "hello")
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", UpdatedAt: 100, SyncedAt: synced, Raw: raw}}})
	rec, err := r.Get(context.Background(), query.KindConversation, "7")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rec.Raw, raw) || rec.UpdatedAt != 100 || !rec.SyncedAt.Equal(synced) || rec.Deleted ||
		rec.Kind != query.KindConversation || rec.ID != "7" {
		t.Fatalf("Get = %+v", rec)
	}
	_, err = r.Get(context.Background(), query.KindConversation, "8")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing) error = %v, want ErrNotFound", err)
	}
	_, err = r.Get(context.Background(), query.KindContact, "7")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(wrong kind) error = %v, want ErrNotFound", err)
	}
}

func TestReplica_Apply_StaleWriteNeverOverwrites(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	ctx := context.Background()
	newer := conversationJSON("7", 200, "closed", "newer")
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", Raw: newer}}})
	res := mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", UpdatedAt: 150,
		Raw: conversationJSON("7", 150, "open", "older")}}})
	if res.Stale != 1 || res.Written != 0 {
		t.Fatalf("ApplyResult = %+v, want one stale record and nothing written", res)
	}
	rec, err := r.Get(ctx, query.KindConversation, "7")
	if err != nil || !bytes.Equal(rec.Raw, newer) || rec.UpdatedAt != 200 {
		t.Fatalf("Get after stale write = %+v, %v; want the newer version", rec, err)
	}
	if got := hitIDs(mustSearch(t, r, mustParse(t, "object_type:conversations state:open"))); len(got) != 0 {
		t.Fatalf("the stale version's state leaked into search: %v", got)
	}
	if got := hitIDs(mustSearch(t, r, mustParse(t, "object_type:conversations q:older"))); len(got) != 0 {
		t.Fatalf("the stale version's text leaked into search: %v", got)
	}
	// The same updated_at rewrites (a refetch may carry parts the first copy lacked).
	res = mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", UpdatedAt: 200,
		Raw: conversationJSON("7", 200, "closed", "refetched")}}})
	if res.Written != 1 {
		t.Fatalf("equal updated_at: %+v, want written", res)
	}
}

func TestReplica_Apply_TombstonesLeaveSearch(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	ctx := context.Background()
	mustApply(t, r, Batch{Records: fixture(t)})
	res := mustApply(t, r, Batch{Records: []Record{
		{Kind: query.KindConversation, ID: "1001", Deleted: true},
		{Kind: query.KindContact, ID: "ctc_anna", UpdatedAt: 1740830400, Deleted: true},
	}})
	if res.Written != 2 || res.Deleted != 2 {
		t.Fatalf("ApplyResult = %+v", res)
	}
	for _, dsl := range []string{
		"object_type:conversations id:1001",
		"object_type:conversations tag:VIP",
		"object_type:conversations q:\"double charge\"",
		"object_type:conversations title:contains:\"double charge\"",
		"object_type:contacts email:anna.smith@acme.io",
		"object_type:contacts q:anna",
	} {
		got := mustSearch(t, r, mustParse(t, dsl))
		if slices.Contains(hitIDs(got), "1001") || slices.Contains(hitIDs(got), "ctc_anna") {
			t.Errorf("%s: deleted record returned: %v", dsl, hitIDs(got))
		}
	}
	rec, err := r.Get(ctx, query.KindConversation, "1001")
	if err != nil || !rec.Deleted || !bytes.Contains(rec.Raw, []byte("Double charge")) || rec.UpdatedAt != 1740830400 {
		t.Fatalf("Get(tombstone) = deleted %v, updated_at %d, raw kept %v, err %v; want the last copy marked deleted",
			rec.Deleted, rec.UpdatedAt, bytes.Contains(rec.Raw, []byte("Double charge")), err)
	}
	// A newer version brings the record back.
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "1001", UpdatedAt: 1800000000,
		Raw: conversationJSON("1001", 1800000000, "open", "back again")}}})
	if got := hitIDs(mustSearch(t, r, mustParse(t, "object_type:conversations id:1001"))); !slices.Equal(got, []string{"1001"}) {
		t.Fatalf("resurrected record: %v", got)
	}
	st, err := r.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k := st.Kinds[query.KindConversation]; k.Records != 6 || k.Deleted != 0 {
		t.Errorf("conversation counts = %+v, want 6 live, 0 deleted", k)
	}
	if k := st.Kinds[query.KindContact]; k.Records != 5 || k.Deleted != 1 {
		t.Errorf("contact counts = %+v, want 5 live, 1 deleted", k)
	}
}

// TestReplica_Apply_ALiveRecordReplacesATombstoneWhateverItsUpdatedAt: a tombstone carries the deletion's time, and a
// record Intercom returns again (the syncer decides when that outweighs the deletion) may be older than that: it is
// written, searchable and counted as live. Over a live record, an older one stays stale.
func TestReplica_Apply_ALiveRecordReplacesATombstoneWhateverItsUpdatedAt(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	ctx := context.Background()
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", Raw: conversationJSON("7", 200, "open", "first")}}})
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", UpdatedAt: 300, Deleted: true}}})
	res := mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", UpdatedAt: 150,
		Raw: conversationJSON("7", 150, "open", "restored")}}})
	if res.Written != 1 || res.Stale != 0 {
		t.Fatalf("ApplyResult = %+v, want the live record written over the tombstone", res)
	}
	rec, err := r.Get(ctx, query.KindConversation, "7")
	if err != nil || rec.Deleted || rec.UpdatedAt != 150 {
		t.Fatalf("Get = deleted %v, updated_at %d, %v; want the restored record", rec.Deleted, rec.UpdatedAt, err)
	}
	if got := hitIDs(mustSearch(t, r, mustParse(t, "object_type:conversations q:restored"))); !slices.Equal(got, []string{"7"}) {
		t.Fatalf("the restored record is not searchable: %v", got)
	}
	st, err := r.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k := st.Kinds[query.KindConversation]; k.Records != 1 || k.Deleted != 0 {
		t.Errorf("counts = %+v, want 1 live, 0 deleted", k)
	}
	if res := mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "7", UpdatedAt: 100,
		Raw: conversationJSON("7", 100, "open", "older")}}}); res.Stale != 1 {
		t.Errorf("an older live record over a live one: %+v, want stale", res)
	}
}

// TestReplica_Apply_DeletionOfAnIDNeverHeldWritesNothing: Intercom's 404 for an id the replica never held (a
// made-up id looked up live, a deletion listed for a record never synced) is not a deletion the replica saw: it
// leaves no tombstone (which get_* would report as "deleted in Intercom"), no change-log entry and no count.
func TestReplica_Apply_DeletionOfAnIDNeverHeldWritesNothing(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	ctx := context.Background()
	mustApply(t, r, Batch{Records: fixture(t)})
	before, err := r.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res := mustApply(t, r, Batch{Records: []Record{
		{Kind: query.KindConversation, ID: "123456789", Deleted: true},
		{Kind: query.KindContact, ID: "ctc_nobody", UpdatedAt: 1740830400, Deleted: true},
	}})
	if res.Written != 0 || res.Deleted != 0 || res.Seq != before.StoreSeq {
		t.Errorf("ApplyResult = %+v, want nothing written at sequence %d", res, before.StoreSeq)
	}
	for _, k := range []struct {
		kind query.Kind
		id   string
	}{{query.KindConversation, "123456789"}, {query.KindContact, "ctc_nobody"}} {
		if rec, err := r.Get(ctx, k.kind, k.id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%s %s) = deleted %v, err %v; want ErrNotFound", k.kind, k.id, rec.Deleted, err)
		}
	}
	after, err := r.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.StoreSeq != before.StoreSeq { // change-log entries are written under a new sequence
		t.Errorf("store sequence %d, want %d as before", after.StoreSeq, before.StoreSeq)
	}
	for _, kind := range query.Kinds() {
		if a, b := after.Kinds[kind], before.Kinds[kind]; a.Records != b.Records || a.Deleted != b.Deleted {
			t.Errorf("%s counts %d live, %d deleted; want %d and %d as before", kind, a.Records, a.Deleted, b.Records, b.Deleted)
		}
	}

	// In one batch with a record that is held, only that one becomes a tombstone.
	res = mustApply(t, r, Batch{Records: []Record{
		{Kind: query.KindConversation, ID: "123456789", Deleted: true},
		{Kind: query.KindConversation, ID: "1001", Deleted: true},
	}})
	if res.Written != 1 || res.Deleted != 1 {
		t.Errorf("ApplyResult = %+v, want the held record's tombstone alone", res)
	}
	if rec, err := r.Get(ctx, query.KindConversation, "1001"); err != nil || !rec.Deleted {
		t.Errorf("held record: deleted %v, err %v; want a tombstone", rec.Deleted, err)
	}
	if _, err := r.Get(ctx, query.KindConversation, "123456789"); !errors.Is(err, ErrNotFound) {
		t.Errorf("never-held id: %v, want ErrNotFound", err)
	}
}

func TestReplica_Apply_InvalidRecordWritesNothing(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	good := Record{Kind: query.KindConversation, ID: "1", Raw: conversationJSON("1", 5, "open", "x")}
	cases := map[string]Record{
		"not JSON":      {Kind: query.KindConversation, ID: "2", Raw: []byte(`{"id":"2",`)},
		"not an object": {Kind: query.KindConversation, ID: "2", Raw: []byte(`["2"]`)},
		"id mismatch":   {Kind: query.KindConversation, ID: "2", Raw: conversationJSON("3", 5, "open", "x")},
		"no id":         {Kind: query.KindConversation, Raw: conversationJSON("2", 5, "open", "x")},
		"unknown kind":  {Kind: "invoice", ID: "2", Raw: conversationJSON("2", 5, "open", "x")},
		"missing raw":   {Kind: query.KindConversation, ID: "2"},
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := r.Apply(context.Background(), Batch{Records: []Record{good, bad}, Meta: map[string][]byte{"k": []byte("v")}})
			if !errors.Is(err, ErrInvalidRecord) {
				t.Fatalf("Apply error = %v, want ErrInvalidRecord", err)
			}
			if _, err := r.Get(context.Background(), query.KindConversation, "1"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("the valid record of a rejected batch was stored (err %v)", err)
			}
			if v, _ := r.Meta("k"); v != nil {
				t.Fatalf("the meta of a rejected batch was stored")
			}
		})
	}
}

func TestReplica_Meta_WrittenWithBatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := mustOpen(t, dir)
	mustApply(t, r, Batch{Records: fixture(t)[:1], Meta: map[string][]byte{
		"watermark.conversation": []byte("1740830400"), "workspace": []byte("ws1")}})
	mustApply(t, r, Batch{Meta: map[string][]byte{"workspace": nil, "cursor": []byte("abc")}})
	for key, want := range map[string]string{"watermark.conversation": "1740830400", "workspace": "", "cursor": "abc"} {
		got, err := r.Meta(key)
		if err != nil || string(got) != want {
			t.Errorf("Meta(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	st, err := r.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if string(st.Meta["watermark.conversation"]) != "1740830400" || len(st.Meta) != 2 {
		t.Errorf("Status meta = %q", st.Meta)
	}
}

func TestReplica_Scan_EveryRecordInIDOrder(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	r.store.chunk = 16 // several chunks
	recs := tinyConversations(0, 100)
	mustApply(t, r, Batch{Records: recs})
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: recs[5].ID, Deleted: true}}})
	var got []string
	deleted := 0
	err := r.Scan(context.Background(), query.KindConversation, func(rec Record) error {
		got = append(got, rec.ID)
		if rec.Deleted {
			deleted++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) || !slices.IsSorted(got) || deleted != 1 {
		t.Fatalf("scan returned %d records (sorted %v, %d deleted), want %d sorted with 1 tombstone",
			len(got), slices.IsSorted(got), deleted, len(recs))
	}
	stop := errors.New("stop")
	n := 0
	err = r.Scan(context.Background(), query.KindConversation, func(Record) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("Scan did not stop at fn's error: %v after %d", err, n)
	}
}

// TestOpen_FilesArePrivate: every file the replica writes is 0600 and every directory 0700, bleve's own files
// included (it creates index_meta.json 0666 less the umask).
func TestOpen_FilesArePrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	r := mustOpen(t, dir)
	mustApply(t, r, Batch{Records: fixture(t)})
	if err := r.Reindex(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	checkPrivate(t, dir)
}

// checkPrivate fails the test unless every file under dir is 0600 and every directory 0700.
func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %04o, want %04o", path, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 4 {
		t.Errorf("only %d files under %s", files, dir)
	}
}

// TestOpen_MakesADataDirectoryOthersCouldReadPrivate: a data directory that exists with mode 0777 (made by hand,
// or under umask 000) kept it, and so did an index_meta.json an older version left 0644. Open tightens what the
// replica owns and says what it changed.
func TestOpen_MakesADataDirectoryOthersCouldReadPrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	r := mustOpen(t, dir)
	mustApply(t, r, Batch{Records: fixture(t)})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(dir, indexDir, "conversation", "index_meta.json")
	for path, mode := range map[string]fs.FileMode{dir: 0o777, filepath.Join(dir, indexDir): 0o755, meta: 0o644} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	var logs lockedBuffer
	r = mustOpenWith(t, dir, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	checkPrivate(t, dir)
	got := logs.String()
	for _, want := range []string{"level=WARN", "made it private", "the directory itself 0777 → 0700", "index 0755 → 0700", "index/conversation/index_meta.json 0644 → 0600"} {
		if !strings.Contains(got, want) {
			t.Errorf("the log does not say %q:\n%s", want, got)
		}
	}
	// Nothing to change: nothing said.
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	logs.Reset()
	mustOpenWith(t, dir, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if strings.Contains(logs.String(), "private") {
		t.Errorf("a private data directory was reported:\n%s", logs.String())
	}
}

// lockedBuffer is testwait.Buffer: output written concurrently and read by the test.
type lockedBuffer = testwait.Buffer

func TestOpen_SecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir)
	start := time.Now()
	_, err := Open(context.Background(), dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	if want := fmt.Sprintf("in use by pid %d", os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("second Open took %v to fail; it must not wait for the lock", time.Since(start))
	}
}

func TestReplica_ClosedReplicaRefusesCalls(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := r.Get(context.Background(), query.KindConversation, "1"); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close: %v", err)
	}
	if _, err := r.Apply(context.Background(), Batch{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply after Close: %v", err)
	}
	if _, err := r.Search(context.Background(), mustParse(t, "object_type:contacts")); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v", err)
	}
}
