package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// snapshotQueries are the searches whose answers must not depend on how the column table was loaded.
var snapshotQueries = []string{
	"object_type:conversations",
	"object_type:conversations state:open",
	"object_type:conversations tag:VIP",
	"object_type:conversations source_author_email:ends_with:.com",
	"object_type:conversations q:refund",
	"object_type:contacts",
	"object_type:contacts role:lead",
}

// answers returns every snapshot query's hits (all pages' ids, in order) and total.
func answers(t *testing.T, r *Replica) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dsl := range snapshotQueries {
		res := mustSearch(t, r, mustParse(t, dsl+" limit:200"))
		out[dsl] = fmt.Sprintf("%s (total %d)", strings.Join(hitIDs(res), ","), res.Total)
	}
	return out
}

// openLogged opens dir with a debug-level log it returns.
func openLogged(t *testing.T, dir string) (*Replica, *lockedBuffer) {
	t.Helper()
	var logs lockedBuffer
	r := mustOpenWith(t, dir, Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	return r, &logs
}

func mustClose(t *testing.T, r *Replica) {
	t.Helper()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

const (
	loadedFromSnapshot = "column table loaded from its snapshot"
	loadedFromRows     = "loading the column table from the stored rows"
)

// Open loads the column table from the snapshot Close wrote, and answers exactly as the table built from the rows
// did; a later write makes Close write a new one, which the next Open loads.
func TestOpen_LoadsColumnTableFromSnapshot(t *testing.T) {
	dir, _ := populated(t)
	for _, kind := range query.Kinds() {
		if _, err := os.Stat(snapshotPath(dir, kind)); err != nil {
			t.Fatalf("no %s snapshot after Close: %v", kind, err)
		}
	}
	r, logs := openLogged(t, dir)
	want := answers(t, r)
	if got := logs.String(); strings.Count(got, loadedFromSnapshot) != len(query.Kinds()) || strings.Contains(got, loadedFromRows) {
		t.Fatalf("open after a clean close did not load both tables from their snapshots:\n%s", got)
	}
	removeSnapshots(t, dir)
	mustClose(t, r) // the table did not change, but its snapshot is gone: Close writes it again
	r, logs = openLogged(t, dir)
	if got := logs.String(); strings.Count(got, loadedFromSnapshot) != len(query.Kinds()) {
		t.Fatalf("Close did not rewrite missing snapshots:\n%s", got)
	}
	if got := answers(t, r); !mapsEqual(got, want) {
		t.Fatalf("answers from the snapshot differ from those of the rows:\n got %v\nwant %v", got, want)
	}

	// A write, then a clean close: the new snapshot holds it. The writes change the loaded table in place (a
	// deleted row's live bit), which must not reach the mapped file.
	mapped, err := os.ReadFile(snapshotPath(dir, query.KindConversation))
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, r, Batch{Records: tinyConversations(0, 30)})
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: "1001", Deleted: true}}})
	if now, err := os.ReadFile(snapshotPath(dir, query.KindConversation)); err != nil || !bytes.Equal(now, mapped) {
		t.Fatalf("writes to the loaded table changed its snapshot file (err %v)", err)
	}
	want = answers(t, r)
	kept := mustSearch(t, r, mustParse(t, "object_type:conversations limit:50"))
	mustClose(t, r)
	// What a search returned stays valid once the replica (and the mapping) is closed.
	if got := strings.Join(hitIDs(kept), ","); !strings.Contains(want["object_type:conversations"], got) {
		t.Fatalf("hits read after Close: %s", got)
	}
	for _, h := range kept.Hits {
		_ = strings.Clone(h.Title + h.Preview + h.State + h.AuthorEmail + strings.Join(h.Tags, ""))
	}
	r, logs = openLogged(t, dir)
	if got := logs.String(); strings.Count(got, loadedFromSnapshot) != len(query.Kinds()) {
		t.Fatalf("open after writes and a clean close did not load the snapshots:\n%s", got)
	}
	if got := answers(t, r); !mapsEqual(got, want) {
		t.Fatalf("answers after reopening differ:\n got %v\nwant %v", got, want)
	}
	if err := r.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func removeSnapshots(t *testing.T, dir string) {
	t.Helper()
	for _, kind := range query.Kinds() {
		if err := os.Remove(snapshotPath(dir, kind)); err != nil {
			t.Fatal(err)
		}
	}
}

// A snapshot that is damaged, of another format, taken from another store or behind the store is not loaded: Open
// says why, builds the table from the rows (answers unchanged, Check agrees) and writes a fresh snapshot, which the
// next Open loads.
func TestOpen_RebuildsColumnTableWhenSnapshotUnusable(t *testing.T) {
	conv := query.KindConversation
	patch := func(off int, b []byte) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := snapshotPath(dir, conv)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if off < 0 {
				off += len(data)
			}
			copy(data[off:], b)
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		reason string
	}{
		{"checksum does not match", patch(-1, []byte{0xff ^ 0x5a}), "checksum mismatch"},
		// A flipped byte in what Open reads: the payload's counts and lengths (their checksum, its last bytes).
		{"a flipped byte in the payload's counts", func(t *testing.T, dir string) {
			p := snapshotPath(dir, conv)
			data, _ := os.ReadFile(p)
			data[len(data)-snapshotTrailer-1] ^= 0x10
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "checksum mismatch in the counts and lengths"},
		{"truncated", func(t *testing.T, dir string) {
			p := snapshotPath(dir, conv)
			fi, _ := os.Stat(p)
			if err := os.Truncate(p, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, "snapshot unusable"},
		{"empty file", func(t *testing.T, dir string) {
			if err := os.WriteFile(snapshotPath(dir, conv), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "truncated"},
		{"older snapshot format", patch(8, u32(snapshotFormat-1)), "written in another format"},
		{"older row version", patch(16, u32(rowVersion-1)), "written in another format"},
		{"taken from another store", patch(20, []byte("another store id")), "taken from another store"},
		{"behind the store", func(t *testing.T, dir string) {
			// What a kill -9 after a write leaves: the snapshot of the last clean close, and a store that moved on.
			old, err := os.ReadFile(snapshotPath(dir, conv))
			if err != nil {
				t.Fatal(err)
			}
			r := mustOpen(t, dir)
			mustApply(t, r, Batch{Records: tinyConversations(100, 105)})
			mustClose(t, r)
			if err := os.WriteFile(snapshotPath(dir, conv), old, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "the store changed since it was taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := populated(t)
			tc.damage(t, dir)
			// What the table built from the rows answers, for comparison.
			ref := t.TempDir()
			copyTree(t, dir, ref)
			removeSnapshots(t, ref)
			r := mustOpen(t, ref)
			want := answers(t, r)
			mustClose(t, r)

			r, logs := openLogged(t, dir)
			got := logs.String()
			if !strings.Contains(got, loadedFromRows) || !strings.Contains(got, tc.reason) ||
				strings.Count(got, loadedFromSnapshot) != len(query.Kinds())-1 {
				t.Fatalf("the log does not say the conversation snapshot was unusable because %q (and the contact one was loaded):\n%s", tc.reason, got)
			}
			if got := answers(t, r); !mapsEqual(got, want) {
				t.Fatalf("answers differ from the rows':\n got %v\nwant %v", got, want)
			}
			if err := r.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
			// The rebuild wrote a fresh snapshot at once: even without a clean close, the next open loads it.
			mustLoadSnapshot(t, dir, conv, mustTableState(t, r, conv))
			mustClose(t, r)
			r, logs = openLogged(t, dir)
			if got := logs.String(); strings.Count(got, loadedFromSnapshot) != len(query.Kinds()) {
				t.Fatalf("open after the rebuild did not load the snapshots:\n%s", got)
			}
			if got := answers(t, r); !mapsEqual(got, want) {
				t.Fatalf("answers from the new snapshot differ:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// mustLoadSnapshot fails the test unless kind's snapshot in dir loads for store state st and every checksum in it
// matches.
func mustLoadSnapshot(t *testing.T, dir string, kind query.Kind, st tableState) {
	t.Helper()
	_, pending, release, err := loadSnapshot(snapshotPath(dir, kind), st)
	if err != nil {
		t.Fatalf("no usable %s snapshot: %v", kind, err)
	}
	defer func() {
		if err := release(); err != nil {
			t.Fatal(err)
		}
	}()
	if err := pending.Verify(context.Background()); err != nil {
		t.Fatalf("%s snapshot: %v", kind, err)
	}
}

// A damaged byte in the part of a snapshot that Open leaves to verify after it returns (a hit's summary) is
// found then: searches of the kind fail, saying why, until the table is rebuilt from the rows; then they answer
// exactly as the rows' table does, and the snapshot written in its place loads cleanly.
func TestOpen_DamagedSnapshotBulkIsFoundAfterOpen(t *testing.T) {
	conv := query.KindConversation
	dir, _ := populated(t)
	ref := t.TempDir()
	copyTree(t, dir, ref)
	removeSnapshots(t, ref)
	r := mustOpen(t, ref)
	want := answers(t, r)
	newest := mustSearch(t, r, mustParse(t, "object_type:conversations limit:1")).Hits[0]
	mustClose(t, r)

	// The newest conversation's title, in its hit summary: the summaries precede the columns' dictionaries.
	p := snapshotPath(dir, conv)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte(newest.Title))
	if newest.Title == "" || at < 0 {
		t.Fatalf("title %q not found in the snapshot", newest.Title)
	}
	data[at] ^= 0x01 // still a letter: the summary decodes, with a wrong title
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}

	reached, resume := make(chan struct{}), make(chan struct{})
	var logs lockedBuffer
	r = mustOpenWith(t, dir, Options{
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		beforeTableRebuild: func(kind query.Kind) {
			close(reached)
			<-resume
		},
	})
	if got := logs.String(); strings.Count(got, loadedFromSnapshot) != len(query.Kinds()) {
		t.Fatalf("Open did not load the snapshots (the damage was meant for after Open):\n%s", got)
	}
	select {
	case <-reached:
	case <-time.After(time.Minute):
		t.Fatalf("the damage was not found within a minute:\n%s", logs.String())
	}
	_, err = r.Search(context.Background(), mustParse(t, "object_type:conversations"))
	if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "rebuilt") {
		t.Fatalf("search while the damaged table is rebuilt: err = %v, want one saying the table is damaged and being rebuilt", err)
	}
	if _, err := r.Search(context.Background(), mustParse(t, "object_type:contacts")); err != nil {
		t.Fatalf("contacts (intact) while the conversation table is rebuilt: %v", err)
	}
	close(resume)
	r.verifying.Wait()
	got := logs.String()
	for _, line := range []string{"failed its checksum", "column table rebuilt from the stored rows"} {
		if !strings.Contains(got, line) {
			t.Fatalf("the log does not say %q:\n%s", line, got)
		}
	}
	if got := answers(t, r); !mapsEqual(got, want) {
		t.Fatalf("answers after the rebuild differ from the rows':\n got %v\nwant %v", got, want)
	}
	if h := mustSearch(t, r, mustParse(t, "object_type:conversations limit:1")).Hits[0]; h.Title != newest.Title {
		t.Fatalf("newest conversation's title after the rebuild: %q, want %q", h.Title, newest.Title)
	}
	if err := r.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustLoadSnapshot(t, dir, conv, mustTableState(t, r, conv))
}

// Close writes a table out again (after writes) only once its snapshot's deferred checksums are verified: an
// intact one is written and loads next time; a damaged one is not written out under a fresh checksum, and the
// next Open builds the table from the rows.
func TestClose_VerifiesSnapshotBeforeWritingItOut(t *testing.T) {
	conv := query.KindConversation
	for _, damaged := range []bool{false, true} {
		t.Run(fmt.Sprintf("damaged=%v", damaged), func(t *testing.T) {
			dir, _ := populated(t)
			if damaged {
				r := mustOpen(t, dir)
				title := mustSearch(t, r, mustParse(t, "object_type:conversations limit:1")).Hits[0].Title
				mustClose(t, r)
				p := snapshotPath(dir, conv)
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				at := bytes.Index(data, []byte(title))
				if title == "" || at < 0 {
					t.Fatalf("title %q not found in the snapshot", title)
				}
				data[at] ^= 0x01
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var logs lockedBuffer
			r := mustOpenWith(t, dir, Options{noVerifyAfterOpen: true,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			mustApply(t, r, Batch{Records: tinyConversations(0, 3)})
			want := mustSearch(t, r, mustParse(t, "object_type:conversations limit:200"))
			mustClose(t, r)
			if got := strings.Contains(logs.String(), "failed its checksum"); got != damaged {
				t.Fatalf("Close reported a checksum failure: %v, want %v:\n%s", got, damaged, logs.String())
			}
			r, relog := openLogged(t, dir)
			fromRows := strings.Contains(relog.String(), loadedFromRows)
			if fromRows != damaged {
				t.Fatalf("after Close, Open built the table from the rows: %v, want %v:\n%s", fromRows, damaged, relog.String())
			}
			got := mustSearch(t, r, mustParse(t, "object_type:conversations limit:200"))
			if strings.Join(hitIDs(got), ",") != strings.Join(hitIDs(want), ",") || got.Total != want.Total {
				t.Fatalf("answers after reopening: %v (total %d), want %v (total %d)", hitIDs(got), got.Total, hitIDs(want), want.Total)
			}
			if !damaged {
				r.verifying.Wait()
				mustLoadSnapshot(t, dir, conv, mustTableState(t, r, conv))
			}
		})
	}
}

func mustTableState(t *testing.T, r *Replica, kind query.Kind) tableState {
	t.Helper()
	st, err := r.store.tableState(kind)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
}

// TestOpen_ReadsOrdinalsBeforeTheFirstSearch: the first free-text search after Open finds its segments' ordinals
// read (warmOrds), instead of reading them itself while its caller waits.
func TestOpen_ReadsOrdinalsBeforeTheFirstSearch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := mustOpen(t, dir)
	mustApply(t, r, Batch{Records: synthConversations(newTestGenerator(), 0, 50)})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r = mustOpen(t, dir)
	ks := r.kinds[query.KindConversation]
	held := func() int {
		ks.ords.mu.Lock()
		defer ks.ords.mu.Unlock()
		n := 0
		for _, arr := range ks.ords.segs {
			n += len(arr)
		}
		return n
	}
	for deadline := time.Now().Add(10 * time.Second); held() < 50; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("10 s after Open, without a search, the ordinals of %d of 50 conversations are read", held())
		}
	}
}

// TestSegmentOrds_RangesReadInParallelAgree: a segment's ordinals read in ranges by several goroutines are the ones
// one goroutine reads, whatever the split.
func TestSegmentOrds_RangesReadInParallelAgree(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: synthConversations(newTestGenerator(), 0, 97)})
	ks := r.kinds[query.KindConversation]
	snap, err := ks.ti.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	for _, s := range snap.Segments() {
		want, err := segmentOrds(s.Segment(), 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(want, noOrd) || len(want) == 0 {
			t.Fatalf("one reader: %v", want)
		}
		for _, tc := range [][2]int{{2, 1}, {3, 10}, {7, 5}, {4, 1000}} {
			got, err := segmentOrds(s.Segment(), tc[0], uint64(tc[1]))
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("%d readers of at least %d: %v %v, want %v", tc[0], tc[1], got, err, want)
			}
		}
	}
}

// TestOrdFiles_KeptBesideSegmentsAndRebuiltWhenDamaged: Open keeps each persisted segment's ordinals in a file
// beside it, reads them back at the next Open, rebuilds a damaged one from the doc values (the same bytes), and
// removes the files of segments that are gone.
func TestOrdFiles_KeptBesideSegmentsAndRebuiltWhenDamaged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := mustOpenWith(t, dir, Options{neverMerge: true})
	g := newTestGenerator()
	mustApply(t, r, Batch{Records: synthConversations(g, 0, 30)})
	mustApply(t, r, Batch{Records: synthConversations(g, 30, 60)}) // a second segment
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(dir, indexDir, string(query.KindConversation), "store") // scorch's segments
	ordsOf := func() map[string][]byte {
		t.Helper()
		out := map[string][]byte{}
		files, _ := filepath.Glob(filepath.Join(idx, "*.ords"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(strings.TrimSuffix(f, ".ords") + ".zap"); err != nil {
				t.Errorf("%s has no segment beside it: %v", f, err)
			}
			if fi, _ := os.Stat(f); fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v, want 0600", f, fi.Mode().Perm())
			}
			out[f] = b
		}
		return out
	}
	open := func() *Replica {
		t.Helper()
		r := mustOpenWith(t, dir, Options{neverMerge: true})
		r.verifying.Wait() // the ordinals are read (and their files written) in the background
		return r
	}
	r = open()
	first := ordsOf()
	if len(first) < 2 {
		t.Fatalf("%d ordinals files beside the segments after Open, want one per segment (2)", len(first))
	}
	q := mustParse(t, "object_type:conversations q:refund state:open")
	want := hitIDs(mustSearch(t, r, q))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	// Damage one file (an ordinal's byte) and leave one whose segment is gone.
	var damaged string
	for f, b := range first {
		damaged = f
		b = slices.Clone(b)
		b[len(b)-1] ^= 0x5a
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		break
	}
	mtimes := map[string]time.Time{}
	for f := range first {
		if f != damaged {
			fi, _ := os.Stat(f)
			mtimes[f] = fi.ModTime()
		}
	}
	orphan := filepath.Join(idx, "00000000ffff.ords")
	if err := os.WriteFile(orphan, []byte("ORD1"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = open()
	if got := hitIDs(mustSearch(t, r, q)); !slices.Equal(got, want) {
		t.Errorf("after a damaged ordinals file: hits %v, want %v", got, want)
	}
	again := ordsOf()
	if !bytes.Equal(again[damaged], first[damaged]) {
		t.Errorf("the damaged %s was not rebuilt to what the doc values say", damaged)
	}
	for f, mt := range mtimes { // read back, not rebuilt
		if fi, err := os.Stat(f); err != nil || !fi.ModTime().Equal(mt) {
			t.Errorf("%s was written again at Open (%v): a sound file is read, not rebuilt", f, err)
		}
	}
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the ordinals file of a segment that is gone was kept: %v", err)
	}
}
