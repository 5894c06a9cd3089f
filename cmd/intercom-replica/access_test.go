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
	"github.com/intercom-replica/intercom-replica/mcp"
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

// heldDir returns a data directory with n conversations, held by "another process" that does not serve it on
// the socket, as one still opening the replica does; closing the holder lets it go (it is closed at the end of
// the test in any case).
func heldDir(t *testing.T, n int) (dir string, holder *index.Replica) {
	t.Helper()
	dir = shortDir(t)
	seedReplica(t, dir, n)
	holder, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Close() })
	return dir, holder
}

// mustBeFree fails the test unless a new access to dir owns it: nothing kept the directory's lock.
func mustBeFree(t *testing.T, dir, after string) {
	t.Helper()
	a := mustOpenAccess(t, dir, accessOptions{})
	defer a.Close()
	if self, _ := a.Owner(); !self {
		t.Errorf("the directory stayed locked after %s", after)
	}
}

// runAccess runs a.Run in the background until the function it returns, which fails the test unless Run then
// returns nil.
func runAccess(t *testing.T, a *replicaAccess) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- a.Run(ctx) }()
	return func() {
		t.Helper()
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
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

	stopRun := runAccess(t, front)
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
	stopRun()
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
	dir, holder := heldDir(t, 2)
	_, err := openReplicaAccess(context.Background(), dir, accessOptions{Patience: 100 * time.Millisecond})
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
	mustBeFree(t, dir, "a failed owner role")
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

// heldOpen is an open hook for accessOptions.open that keeps the replica opening: it reports a rebuild at 42%,
// says it was entered, and opens the replica once released. Cancelled first, it gives up as index.Open does.
type heldOpen struct {
	entered chan struct{}
	release chan struct{}
}

func newHeldOpen() *heldOpen {
	return &heldOpen{entered: make(chan struct{}, 8), release: make(chan struct{})}
}

func (h *heldOpen) open(ctx context.Context, dir string, opts index.Options) (*index.Replica, error) {
	if opts.Progress != nil {
		opts.Progress(query.KindConversation, 42, 100)
	}
	h.entered <- struct{}{}
	select {
	case <-h.release:
		return index.Open(ctx, dir, opts)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// startHeld starts an access to a replica of n conversations whose open is held (heldOpen) until released; calls
// wait for it up to wait. It returns once the open has started; the access is closed at the end of the test.
func startHeld(t *testing.T, n int, wait time.Duration) (*replicaAccess, *heldOpen) {
	t.Helper()
	dir := shortDir(t)
	seedReplica(t, dir, n)
	held := newHeldOpen()
	a := startReplicaAccess(context.Background(), dir, accessOptions{open: held.open, OpenWait: wait})
	t.Cleanup(func() { a.Close() })
	<-held.entered
	return a, held
}

// TestReplicaAccess_CallsWaitForTheReplicaOpeningInTheBackground: startReplicaAccess returns before the replica
// is open; a call made meanwhile waits and is answered once it opens.
func TestReplicaAccess_CallsWaitForTheReplicaOpeningInTheBackground(t *testing.T) {
	a, held := startHeld(t, 30, time.Minute)
	if self, pid := a.Owner(); self || pid != 0 {
		t.Errorf("while opening: owner %v pid %d", self, pid)
	}
	if err := a.opened(); !errors.Is(err, errStillOpening) || !strings.Contains(err.Error(), "rebuilding the full-text index of conversations: 42%") {
		t.Errorf("opened while opening: %v", err)
	}
	stopRun := runAccess(t, a)

	searched := make(chan error, 1)
	var res index.Result
	go func() {
		q, _ := query.Parse("object_type:conversations q:refund", query.Options{})
		var err error
		res, err = a.Search(context.Background(), q)
		searched <- err
	}()
	op := a.cur.Load().opening
	waitUntil(t, "the search to wait for the replica", 10*time.Second, func() bool { return op.waiting.Load() == 1 })
	close(held.release)
	if err := <-searched; err != nil || res.Total != 30 {
		t.Fatalf("search made while opening: %d matches, %v", res.Total, err)
	}
	if self, pid := a.Owner(); !self || pid != os.Getpid() || a.opened() != nil {
		t.Errorf("once open: owner %v pid %d, opened %v", self, pid, a.opened())
	}
	stopRun()
}

// TestReplicaAccess_CallOutlastingTheOpenWaitSaysSo: a call that waits longer than OpenWait fails with a message
// for the model saying what the replica is doing, not an internal error.
func TestReplicaAccess_CallOutlastingTheOpenWaitSaysSo(t *testing.T) {
	a, _ := startHeld(t, 3, time.Millisecond)
	_, err := a.Get(context.Background(), query.KindConversation, "2")
	var pub *mcp.PublicError
	if !errors.As(err, &pub) || !errors.Is(err, errStillOpening) ||
		!strings.HasPrefix(pub.Msg, "The replica is still opening (rebuilding the full-text index of conversations: 42%, 42 of 100 records; ") ||
		!strings.Contains(pub.Msg, "try again shortly") {
		t.Fatalf("get while opening: %v", err)
	}
	// A call whose context ends first says so.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Status(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("status with a cancelled context: %v", err)
	}
}

// TestReplicaAccess_StartWhileAnotherProcessOpensTheReplica: the acquisition in the background waits for a
// process that holds the directory without serving it (it is opening the replica); calls meanwhile say so, and
// once the holder lets go, this process owns the replica.
func TestReplicaAccess_StartWhileAnotherProcessOpensTheReplica(t *testing.T) {
	dir, holder := heldDir(t, 4)
	a := startReplicaAccess(context.Background(), dir, accessOptions{OpenWait: time.Millisecond})
	defer a.Close()
	waitUntil(t, "the acquisition to find the directory held", 10*time.Second, func() bool {
		return strings.Contains(fmt.Sprint(a.opened()), "another process holds the data directory")
	})
	_, err := a.Search(context.Background(), query.Query{Kind: query.KindConversation, Limit: 1})
	if !errors.Is(err, errStillOpening) || !strings.Contains(err.Error(), fmt.Sprintf("still opening or closing the replica: data directory %s is in use by pid %d", dir, os.Getpid())) {
		t.Errorf("search while another process holds the directory: %v", err)
	}
	holder.Close()
	waitUntil(t, "the acquisition to end", 10*time.Second, func() bool { return a.opened() == nil })
	if self, _ := a.Owner(); !self {
		t.Error("not the owner once the holder let go")
	}
	if res := mustSearch(t, a, "object_type:conversations q:refund"); res.Total != 4 {
		t.Errorf("search once open: %d matches", res.Total)
	}
}

// TestReplicaAccess_CloseWhileOpening: Close cancels the acquisition and waits for it, and the directory is free
// afterwards, whether the open gave up or finished just as it was cancelled.
func TestReplicaAccess_CloseWhileOpening(t *testing.T) {
	for _, finishes := range []bool{false, true} {
		t.Run(fmt.Sprintf("open finishes %v", finishes), func(t *testing.T) {
			dir := shortDir(t)
			seedReplica(t, dir, 3)
			entered := make(chan struct{})
			owned := false
			a := startReplicaAccess(context.Background(), dir, accessOptions{
				Own: func(context.Context, *index.Replica) (ownerRole, error) { owned = true; return ownerRole{}, nil },
				open: func(ctx context.Context, dir string, opts index.Options) (*index.Replica, error) {
					r, err := index.Open(ctx, dir, opts) // the lock is held from here on, as in a rebuild
					if err != nil {
						return nil, err
					}
					close(entered)
					<-ctx.Done()
					if finishes {
						return r, nil
					}
					r.Close()
					return nil, ctx.Err()
				},
			})
			<-entered
			if err := a.Close(); err != nil {
				t.Fatalf("Close while opening: %v", err)
			}
			if err := a.Run(context.Background()); err != nil {
				t.Errorf("Run after Close: %v", err)
			}
			if _, err := a.Search(context.Background(), query.Query{Kind: query.KindConversation, Limit: 1}); !errors.Is(err, errAccessClosed) {
				t.Errorf("search after Close: %v", err)
			}
			if owned {
				t.Error("the owner role started in a process closing")
			}
			mustBeFree(t, dir, "Close while opening")
		})
	}
}

// TestReplicaAccess_FailedOpenEndsRun: an acquisition that fails in the background ends Run with its error (as
// openReplicaAccess would have returned it), and calls say the replica could not be opened.
func TestReplicaAccess_FailedOpenEndsRun(t *testing.T) {
	dir := shortDir(t)
	corrupt := errors.New("invalid database")
	a := startReplicaAccess(context.Background(), dir, accessOptions{open: func(context.Context, string, index.Options) (*index.Replica, error) {
		return nil, corrupt
	}})
	defer a.Close()
	if err := a.Run(context.Background()); !errors.Is(err, corrupt) || !strings.HasPrefix(err.Error(), "open the replica: ") {
		t.Errorf("Run: %v", err)
	}
	if _, err := a.Status(context.Background()); !errors.Is(err, corrupt) || !strings.Contains(err.Error(), "the replica could not be opened") {
		t.Errorf("status after the failed open: %v", err)
	}
	if err := a.opened(); !errors.Is(err, corrupt) {
		t.Errorf("opened after the failed open: %v", err)
	}
}
