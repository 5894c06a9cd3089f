package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
)

// The ownership arrangement in one process: bbolt's and the data directory's locks are per open file, so two
// replicaAccess values in one test behave as two processes would (the owner's pid is the same, that is all).

// shortDir returns a new data directory with a path short enough for the owner's socket.
func shortDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ira-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// seedReplica stores n conversations in a new replica in dir.
func seedReplica(t *testing.T, dir string, n int) {
	t.Helper()
	r, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b index.Batch
	for i := 1; i <= n; i++ {
		raw := fmt.Sprintf(`{"type":"conversation","id":"%d","created_at":%d,"updated_at":%d,"state":"open","title":"refund number %d"}`, i, 1700000000+i, 1700000000+i, i)
		b.Records = append(b.Records, index.Record{Kind: query.KindConversation, ID: fmt.Sprint(i), Raw: []byte(raw)})
	}
	if _, err := r.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

func mustOpenAccess(t *testing.T, dir string, opts accessOptions) *replicaAccess {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := openReplicaAccess(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustSearch(t *testing.T, a *replicaAccess, dsl string) index.Result {
	t.Helper()
	q, err := query.Parse(dsl, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %s: %v", dsl, err)
	}
	return res
}

func TestReplicaAccess_FrontEndTakesOverWhenTheOwnerExits(t *testing.T) {
	dir := shortDir(t)
	seedReplica(t, dir, 30)
	owned := 0
	opts := accessOptions{Own: func(ctx context.Context, r *index.Replica) (ownerRole, error) {
		owned++
		return ownerRole{}, nil
	}}
	owner := mustOpenAccess(t, dir, opts)
	if self, pid := owner.Owner(); !self || pid != os.Getpid() || owned != 1 {
		t.Fatalf("first access: owner %v pid %d, own called %d times", self, pid, owned)
	}
	front := mustOpenAccess(t, dir, opts)
	defer front.Close()
	if self, _ := front.Owner(); self || owned != 1 {
		t.Fatalf("second access owns the directory too (own called %d times)", owned)
	}
	if res := mustSearch(t, front, "object_type:conversations q:refund"); res.Total != 30 {
		t.Fatalf("forwarded search: %d matches", res.Total)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- front.Run(ctx) }()
	if err := owner.Close(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the front end to take over", 10*time.Second, func() bool { self, _ := front.Owner(); return self })
	if owned != 2 {
		t.Errorf("own called %d times, want 2", owned)
	}
	if res := mustSearch(t, front, "object_type:conversations q:refund"); res.Total != 30 {
		t.Errorf("search after the takeover: %d matches", res.Total)
	}
	// A third process reaches the new owner.
	third := mustOpenAccess(t, dir, accessOptions{})
	if self, _ := third.Owner(); self {
		t.Error("a third access owns the directory beside the new owner")
	}
	if _, err := third.Get(context.Background(), query.KindConversation, "7"); err != nil {
		t.Errorf("get through the new owner: %v", err)
	}
	third.Close()
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestReplicaAccess_CallRetriedAfterTheOwnerLeft checks a call that finds the owner gone: it takes the directory
// over and answers, with no watcher running.
func TestReplicaAccess_CallRetriedAfterTheOwnerLeft(t *testing.T) {
	dir := shortDir(t)
	seedReplica(t, dir, 5)
	owner := mustOpenAccess(t, dir, accessOptions{})
	front := mustOpenAccess(t, dir, accessOptions{})
	defer front.Close()
	owner.Close()
	rec, err := front.Get(context.Background(), query.KindConversation, "3")
	if err != nil || rec.ID != "3" {
		t.Fatalf("get after the owner left: %v %v", rec.ID, err)
	}
	if self, _ := front.Owner(); !self {
		t.Error("the front end answered without taking over")
	}
	st, err := front.Status(context.Background())
	if err != nil || st.Kinds[query.KindConversation].Records != 5 {
		t.Errorf("status: %v %+v", err, st.Kinds)
	}
}

// TestReplicaAccess_WaitsForAHolderThatServesNoOne: a process holding the directory without serving the socket
// (opening the replica, closing it) is waited for, up to the patience, with a message that says why.
func TestReplicaAccess_WaitsForAHolderThatServesNoOne(t *testing.T) {
	dir := shortDir(t)
	seedReplica(t, dir, 2)
	holder, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = openReplicaAccess(context.Background(), dir, accessOptions{Patience: 100 * time.Millisecond})
	if !errors.Is(err, index.ErrLocked) || !strings.Contains(err.Error(), "does not answer on "+dir+"/owner.sock (still opening the replica, or closing it?)") {
		t.Errorf("impatient open: %v", err)
	}

	// Patient: it opens the replica once the holder has gone.
	opened := make(chan *replicaAccess, 1)
	go func() {
		a, err := openReplicaAccess(context.Background(), dir, accessOptions{})
		if err != nil {
			t.Error(err)
		}
		opened <- a
	}()
	holder.Close()
	a := <-opened
	if a == nil {
		return
	}
	defer a.Close()
	if self, _ := a.Owner(); !self {
		t.Error("not the owner after the holder closed")
	}
}

// TestReplicaAccess_OwnFailureGivesTheReplicaUp checks that an owner role that cannot start leaves the
// directory free for the next process.
func TestReplicaAccess_OwnFailureGivesTheReplicaUp(t *testing.T) {
	dir := shortDir(t)
	seedReplica(t, dir, 1)
	boom := errors.New("syncer refused")
	_, err := openReplicaAccess(context.Background(), dir, accessOptions{Own: func(context.Context, *index.Replica) (ownerRole, error) {
		return ownerRole{}, boom
	}})
	if !errors.Is(err, boom) {
		t.Fatalf("open: %v", err)
	}
	a := mustOpenAccess(t, dir, accessOptions{})
	defer a.Close()
	if self, _ := a.Owner(); !self {
		t.Error("the directory stayed locked after a failed owner role")
	}
}

// TestReplicaAccess_ServiceFailureEndsRun checks that an owner service that fails ends Run with its error, and
// that Close stops the others and waits for them.
func TestReplicaAccess_ServiceFailureEndsRun(t *testing.T) {
	dir := shortDir(t)
	seedReplica(t, dir, 1)
	boom := errors.New("another workspace")
	stopped := make(chan struct{})
	a := mustOpenAccess(t, dir, accessOptions{Own: func(context.Context, *index.Replica) (ownerRole, error) {
		return ownerRole{Run: []func(context.Context) error{
			func(context.Context) error { return boom },
			func(ctx context.Context) error { <-ctx.Done(); close(stopped); return nil },
		}}, nil
	}})
	if err := a.Run(context.Background()); !errors.Is(err, boom) {
		t.Errorf("Run: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	default:
		t.Error("Close returned before the services stopped")
	}
}

// syncRunnerFunc adapts a function to peer.SyncRunner.
type syncRunnerFunc func(ctx context.Context, mode peer.SyncMode, progress func(peer.Progress)) (json.RawMessage, error)

func (f syncRunnerFunc) Sync(ctx context.Context, mode peer.SyncMode, progress func(peer.Progress)) (json.RawMessage, error) {
	return f(ctx, mode, progress)
}

// TestReplicaAccess_SyncWaitsForAnOwnerThatDoesNotSync: a sync finding the replica held by a process that does not
// sync (a read command) waits for it to exit and then runs the pass itself; one that stays gets a message saying
// what to do.
func TestReplicaAccess_SyncWaitsForAnOwnerThatDoesNotSync(t *testing.T) {
	dir := shortDir(t)
	seedReplica(t, dir, 3)
	reader := mustOpenAccess(t, dir, accessOptions{})
	var ran []peer.SyncMode
	syncing := accessOptions{SyncPatience: 100 * time.Millisecond, Own: func(context.Context, *index.Replica) (ownerRole, error) {
		return ownerRole{Sync: syncRunnerFunc(func(_ context.Context, mode peer.SyncMode, progress func(peer.Progress)) (json.RawMessage, error) {
			ran = append(ran, mode)
			progress(peer.Progress{Pass: "incremental", Kind: query.KindConversation, Done: 3, Total: 3, Finished: true})
			return json.RawMessage(`[]`), nil
		})}, nil
	}}
	front := mustOpenAccess(t, dir, syncing)
	defer front.Close()

	// The reader stays: the sync gives up after its patience, saying who holds the replica.
	_, err := front.Sync(context.Background(), peer.SyncIncremental, nil)
	if !errors.Is(err, peer.ErrUnavailable) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d owns the replica in %s but does not sync", os.Getpid(), dir)) {
		t.Errorf("sync beside a reader that stays: %v", err)
	}

	// The reader exits (before or while the sync waits for it): the sync takes the replica over and runs the pass.
	front.opts.SyncPatience = 30 * time.Second
	go reader.Close()
	var progressed []peer.Progress
	reports, err := front.Sync(context.Background(), peer.SyncFull, func(p peer.Progress) { progressed = append(progressed, p) })
	if err != nil || string(reports) != "[]" || !slices.Equal(ran, []peer.SyncMode{peer.SyncFull}) || len(progressed) != 1 {
		t.Fatalf("sync after the reader exited: %s, %v; ran %v, progress %v", reports, err, ran, progressed)
	}
	if self, _ := front.Owner(); !self {
		t.Error("the pass ran without the sync owning the replica")
	}
}
