package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/intercom-replica/intercom-replica/query"
)

// populated returns a closed replica directory holding the fixture and some synthetic records.
func populated(t *testing.T) (string, int) {
	t.Helper()
	dir := t.TempDir()
	r, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := newTestGenerator()
	recs := append(fixture(t), synthConversations(g, 0, 40)...)
	recs = append(recs, synthContacts(g, 0, 20)...)
	if _, err := r.Apply(context.Background(), Batch{Records: recs}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, len(recs)
}

// reopenWithProgress opens dir recording the rebuild progress reports.
func reopenWithProgress(t *testing.T, dir string) (*Replica, map[query.Kind][]int) {
	t.Helper()
	var mu sync.Mutex
	reports := map[query.Kind][]int{}
	r, err := Open(context.Background(), dir, Options{Progress: func(kind query.Kind, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		reports[kind] = append(reports[kind], done)
		if done > total {
			t.Errorf("%s progress %d of %d", kind, done, total)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Check(context.Background()); err != nil {
			t.Errorf("post-test consistency check: %v", err)
		}
		_ = r.Close()
	})
	return r, reports
}

func TestOpen_RebuildsDeletedIndexDirectory(t *testing.T) {
	t.Parallel()
	dir, _ := populated(t)
	if err := os.RemoveAll(filepath.Join(dir, indexDir)); err != nil {
		t.Fatal(err)
	}
	r, reports := reopenWithProgress(t, dir)
	if got := reports[query.KindConversation]; len(got) == 0 || got[len(got)-1] != 46 {
		t.Errorf("conversation rebuild progress %v, want to end at 46", got)
	}
	if got := reports[query.KindContact]; len(got) == 0 || got[len(got)-1] != 26 {
		t.Errorf("contact rebuild progress %v, want to end at 26", got)
	}
	if got := hitIDs(mustSearch(t, r, mustParse(t, "object_type:conversations q:\"refund request\" id:1004"))); !slices.Equal(got, []string{"1004"}) {
		t.Errorf("free text after rebuild: %v", got)
	}
	// The rebuild ran with unsafe_batch; the index must not keep that option for later writes.
	meta, err := os.ReadFile(filepath.Join(dir, indexDir, string(query.KindConversation), "index_meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(meta), "unsafe_batch") {
		t.Errorf("rebuilt index stores unsafe_batch: %s", meta)
	}
}

func TestOpen_RebuildsWhenMappingVersionChanged(t *testing.T) {
	t.Parallel()
	dir, _ := populated(t)
	idx, err := bleve.Open(filepath.Join(dir, indexDir, string(query.KindContact)))
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.SetInternal(internalMapping, []byte("0")); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	r, reports := reopenWithProgress(t, dir)
	if len(reports[query.KindContact]) == 0 {
		t.Error("contact index with an old mapping version was not rebuilt")
	}
	if len(reports[query.KindConversation]) != 0 {
		t.Error("conversation index was rebuilt needlessly")
	}
	if res := mustSearch(t, r, mustParse(t, "object_type:contacts q:smith")); res.Total == 0 {
		t.Error("contacts not searchable after the rebuild")
	}
}

// TestOpen_CatchesUpFromChangeLog simulates a crash between the store commit and the index write: the batch is in
// the store only; reopening replays it into the index.
func TestOpen_CatchesUpFromChangeLog(t *testing.T) {
	t.Parallel()
	dir, _ := populated(t)
	r, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := newTestGenerator()
	recs := synthConversations(g, 500, 520)
	recs = append(recs, Record{Kind: query.KindConversation, ID: "1001", Deleted: true})
	prep, err := r.prepare(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := r.store.writeBatch(prep, nil, r.trimMarks(), r.assignOrds(prep), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r2, reports := reopenWithProgress(t, dir)
	if len(reports) != 0 {
		t.Errorf("reopen rebuilt %v instead of replaying the log", reports)
	}
	if err := r2.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The replayed records are in the full-text index (text-field terms go through it), the tombstone is not.
	word := strings.Fields(strings.ToLower(mustSearch(t, r2, mustParse(t, "object_type:conversations id:"+recs[3].ID)).Hits[0].Preview))[0]
	if res := mustSearch(t, r2, mustParse(t, "object_type:conversations id:"+recs[3].ID+" source_body:contains:"+strings.Trim(word, ".,!?"))); res.Total != 1 {
		t.Errorf("replayed record %s is not in the full-text index", recs[3].ID)
	}
	if res := mustSearch(t, r2, mustParse(t, "object_type:conversations q:\"double charge\" q:anna")); res.Total != 0 {
		t.Error("replayed tombstone still searchable")
	}
}

// TestOpen_RebuildsWhenLogNoLongerCoversTheGap puts back an index older than the change log reaches.
func TestOpen_RebuildsWhenLogNoLongerCoversTheGap(t *testing.T) {
	t.Parallel()
	dir, _ := populated(t)
	old := filepath.Join(t.TempDir(), "old-index")
	if err := os.CopyFS(old, os.DirFS(filepath.Join(dir, indexDir, string(query.KindConversation)))); err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := newTestGenerator()
	for i := 0; i < 3; i++ { // each batch trims what the index already has
		if _, err := r.Apply(context.Background(), Batch{Records: synthConversations(g, 600+10*i, 610+10*i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	conv := filepath.Join(dir, indexDir, string(query.KindConversation))
	if err := os.RemoveAll(conv); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(old, conv); err != nil {
		t.Fatal(err)
	}
	r2, reports := reopenWithProgress(t, dir)
	if got := reports[query.KindConversation]; len(got) == 0 || got[len(got)-1] != 76 {
		t.Errorf("conversation progress %v: want a full rebuild of 76 records", got)
	}
	_ = r2
}

func TestOpen_FinishesInterruptedSwap(t *testing.T) {
	t.Parallel()
	dir, _ := populated(t)
	conv := filepath.Join(dir, indexDir, string(query.KindConversation))
	// A crash after removing the old index but before renaming the new one into place.
	if err := os.Rename(conv, rebuildPath(conv)); err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of another rebuild: a partial directory next to a good index.
	contact := filepath.Join(dir, indexDir, string(query.KindContact))
	if err := os.MkdirAll(filepath.Join(rebuildPath(contact), "junk"), 0o700); err != nil {
		t.Fatal(err)
	}
	r, reports := reopenWithProgress(t, dir)
	if len(reports) != 0 {
		t.Errorf("reopen rebuilt %v; the completed rebuild should have been moved into place", reports)
	}
	if _, err := os.Stat(rebuildPath(contact)); !os.IsNotExist(err) {
		t.Errorf("partial rebuild directory left behind: %v", err)
	}
	if res := mustSearch(t, r, mustParse(t, "object_type:conversations q:refund")); res.Total == 0 {
		t.Error("no free-text results after the swap")
	}
}

// TestReplica_Reindex rebuilds while writes continue; afterwards store and index agree.
func TestReplica_Reindex(t *testing.T) {
	t.Parallel()
	dir, n := populated(t)
	r := mustOpen(t, dir)
	g := newTestGenerator()
	var mu sync.Mutex
	var reports []int
	lastTotal := 0
	done := make(chan error, 1)
	go func() {
		done <- r.Reindex(context.Background(), func(d, total int) {
			mu.Lock()
			reports = append(reports, d)
			lastTotal = total
			mu.Unlock()
		})
	}()
	written := 0
	for i := 0; ; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			// Writes made while the reindex runs may count in its total.
			if len(reports) == 0 || reports[len(reports)-1] != lastTotal || lastTotal < n || !slices.IsSorted(reports) {
				t.Errorf("progress %v of %d, want increasing to the total, at least %d", reports, lastTotal, n)
			}
			if written == 0 {
				t.Log("the reindex finished before any concurrent write")
			}
			return
		default:
		}
		mustApply(t, r, Batch{Records: synthConversations(g, 1000+i, 1001+i)})
		written++
	}
}

// TestOpen_RebuildsTornIndex: a kill -9 while bleve wrote an index's metadata leaves a directory bleve cannot
// open; the replica rebuilds it from the store instead of failing to open.
func TestOpen_RebuildsTornIndex(t *testing.T) {
	t.Parallel()
	dir, _ := populated(t)
	contact := filepath.Join(dir, indexDir, string(query.KindContact))
	if err := os.WriteFile(filepath.Join(contact, "index_meta.json"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// And a torn rebuild in place of a conversation index whose swap never happened.
	conv := filepath.Join(dir, indexDir, string(query.KindConversation))
	if err := os.RemoveAll(conv); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(rebuildPath(conv), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rebuildPath(conv), "index_meta.json"), []byte(`{"storage":`), 0o600); err != nil {
		t.Fatal(err)
	}
	r, reports := reopenWithProgress(t, dir)
	if len(reports[query.KindContact]) == 0 || len(reports[query.KindConversation]) == 0 {
		t.Errorf("rebuild progress %v: both indexes should have been rebuilt", reports)
	}
	if res := mustSearch(t, r, mustParse(t, "object_type:contacts q:smith")); res.Total == 0 {
		t.Error("contacts not searchable after the rebuild")
	}
}

// A cancelled open gives up while loading the column table (a cold load of a large replica takes tens of seconds,
// and a serve whose client went away must not wait for it), releases the directory, and loses nothing.
func TestOpen_CancelledWhileLoadingRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := mustOpenWith(t, dir, Options{})
	const n = 5000 // more than one cancellation check's worth of rows
	mustApply(t, r, Batch{Records: tinyConversations(0, n)})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	removeSnapshots(t, dir) // what a crash before any clean close leaves: the table is built from the rows

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, err := Open(ctx, dir, Options{}); !errors.Is(err, context.Canceled) {
		if got != nil {
			got.Close()
		}
		t.Fatalf("Open with a cancelled context = %v, want context.Canceled", err)
	}

	r = mustOpen(t, dir) // the lock was released
	if got := mustSearch(t, r, mustParse(t, "object_type:conversations limit:1")).Total; got != n {
		t.Errorf("after the cancelled open: %d conversations, want %d", got, n)
	}
}
