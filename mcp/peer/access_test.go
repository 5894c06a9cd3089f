package peer_test

import (
	"context"
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
	"github.com/intercom-replica/intercom-replica/mcp/peer/peertest"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
)

// The ownership arrangement in one process: bbolt's and the data directory's locks are per open file, so two
// Access values in one test behave as two processes would (the owner's pid is the same, that is all).

// nRefunds is how many of openReplica's conversations match q:refund.
const nRefunds = 10

// seededDir returns a new data directory, short enough for the owner's socket, holding openReplica's records.
func seededDir(t *testing.T) string {
	t.Helper()
	dir := shortDir(t)
	if err := openReplica(t, dir).Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func mustOpenAccess(t *testing.T, dir string, opts peer.AccessOptions) *peer.Access {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := peer.OpenAccess(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustSearch(t *testing.T, a *peer.Access, dsl string) index.Result {
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

// heldDir returns a seededDir held by "another process" that does not serve it on the socket, as one still
// opening the replica does; closing the holder lets it go (it is closed at the end of the test in any case).
func heldDir(t *testing.T) (dir string, holder *index.Replica) {
	t.Helper()
	dir = seededDir(t)
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
	a := mustOpenAccess(t, dir, peer.AccessOptions{})
	defer a.Close()
	if self, _ := a.Owner(); !self {
		t.Errorf("the directory stayed locked after %s", after)
	}
}

// runAccess runs a.Run in the background until the function it returns, which fails the test unless Run then
// returns nil.
func runAccess(t *testing.T, a *peer.Access) (stop func()) {
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

func TestAccess_FrontEndTakesOverWhenTheOwnerExits(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	owned := 0
	opts := peer.AccessOptions{Own: func(ctx context.Context, r *index.Replica) (peer.OwnerRole, error) {
		owned++
		return peer.OwnerRole{}, nil
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
	if res := mustSearch(t, front, "object_type:conversations q:refund"); res.Total != nRefunds {
		t.Fatalf("forwarded search: %d matches", res.Total)
	}

	stopRun := runAccess(t, front)
	if err := owner.Close(); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the front end to take over", 10*time.Second, func() bool { self, _ := front.Owner(); return self })
	if owned != 2 {
		t.Errorf("own called %d times, want 2", owned)
	}
	if res := mustSearch(t, front, "object_type:conversations q:refund"); res.Total != nRefunds {
		t.Errorf("search after the takeover: %d matches", res.Total)
	}
	// A third process reaches the new owner.
	third := mustOpenAccess(t, dir, peer.AccessOptions{})
	if self, _ := third.Owner(); self {
		t.Error("a third access owns the directory beside the new owner")
	}
	if _, err := third.Get(context.Background(), query.KindConversation, "5007"); err != nil {
		t.Errorf("get through the new owner: %v", err)
	}
	third.Close()
	stopRun()
}

// TestAccess_CallRetriedAfterTheOwnerLeft checks a call that finds the owner gone: it takes the directory over
// and answers, with no watcher running.
// TestAccess_NamesWhetherOwningOrForwarding: the tools get names from an Access that owns the replica and from
// one that forwards to the owner.
func TestAccess_NamesWhetherOwningOrForwarding(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	owner := mustOpenAccess(t, dir, peer.AccessOptions{})
	defer runAccess(t, owner)()
	front := mustOpenAccess(t, dir, peer.AccessOptions{})
	defer runAccess(t, front)()
	for name, a := range map[string]*peer.Access{"owner": owner, "forwarding": front} {
		names := a.NameLookup(context.Background())
		if names == nil {
			t.Errorf("%s: no names", name)
			continue
		}
		if n, ok := names.Name(query.KindAdmin, "7001"); !ok || n != "Alex Rivera" {
			t.Errorf("%s: Name(admin 7001) = %q, %v", name, n, ok)
		}
	}
}

func TestAccess_CallRetriedAfterTheOwnerLeft(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	owner := mustOpenAccess(t, dir, peer.AccessOptions{})
	front := mustOpenAccess(t, dir, peer.AccessOptions{})
	defer front.Close()
	owner.Close()
	rec, err := front.Get(context.Background(), query.KindConversation, "5003")
	if err != nil || rec.ID != "5003" {
		t.Fatalf("get after the owner left: %v %v", rec.ID, err)
	}
	if self, _ := front.Owner(); !self {
		t.Error("the front end answered without taking over")
	}
	st, err := front.Status(context.Background())
	if err != nil || st.Kinds[query.KindContact].Records != nContacts {
		t.Errorf("status: %v %+v", err, st.Kinds)
	}
}

// TestAccess_WaitsForAHolderThatServesNoOne: a process holding the directory without serving the socket (opening
// the replica, closing it) is waited for, up to the patience, with a message that says why.
func TestAccess_WaitsForAHolderThatServesNoOne(t *testing.T) {
	// Not parallel: what it asserts depends on the moment the acquisition retries, which other tests perturb.
	dir, holder := heldDir(t)
	_, err := peer.OpenAccess(context.Background(), dir, peer.AccessOptions{Patience: 100 * time.Millisecond})
	if !errors.Is(err, index.ErrLocked) || !strings.Contains(err.Error(), "does not answer on "+dir+"/owner.sock (still opening the replica, or closing it?)") {
		t.Errorf("impatient open: %v", err)
	}

	// Patient: it opens the replica once the holder has gone.
	opened := make(chan *peer.Access, 1)
	go func() {
		a, err := peer.OpenAccess(context.Background(), dir, peer.AccessOptions{})
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

// TestAccess_OwnFailureGivesTheReplicaUp checks that an owner role that cannot start leaves the directory free
// for the next process.
func TestAccess_OwnFailureGivesTheReplicaUp(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	boom := errors.New("syncer refused")
	_, err := peer.OpenAccess(context.Background(), dir, peer.AccessOptions{Own: func(context.Context, *index.Replica) (peer.OwnerRole, error) {
		return peer.OwnerRole{}, boom
	}})
	if !errors.Is(err, boom) {
		t.Fatalf("open: %v", err)
	}
	mustBeFree(t, dir, "a failed owner role")
}

// TestAccess_ServiceFailureEndsRun checks that an owner service that fails ends Run with its error, and that
// Close stops the others and waits for them.
func TestAccess_ServiceFailureEndsRun(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	boom := errors.New("another workspace")
	stopped := make(chan struct{})
	a := mustOpenAccess(t, dir, peer.AccessOptions{Own: func(context.Context, *index.Replica) (peer.OwnerRole, error) {
		return peer.OwnerRole{Run: []func(context.Context) error{
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

// TestAccess_SyncWaitsForAnOwnerThatDoesNotSync: a sync finding the replica held by a process that does not sync
// (a read command) waits for it to exit and then runs the pass itself; one that stays gets a message saying what
// to do.
func TestAccess_SyncWaitsForAnOwnerThatDoesNotSync(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	reader := mustOpenAccess(t, dir, peer.AccessOptions{})
	stub := &syncStub{}
	syncing := func(patience time.Duration) peer.AccessOptions {
		return peer.AccessOptions{SyncPatience: patience, Own: func(context.Context, *index.Replica) (peer.OwnerRole, error) {
			return peer.OwnerRole{Sync: stub}, nil
		}}
	}

	// The reader stays: the sync gives up after its patience, saying who holds the replica.
	impatient := mustOpenAccess(t, dir, syncing(100*time.Millisecond))
	_, err := impatient.Sync(context.Background(), peer.SyncIncremental, nil)
	if !errors.Is(err, peer.ErrUnavailable) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d owns the replica in %s but does not sync", os.Getpid(), dir)) {
		t.Errorf("sync beside a reader that stays: %v", err)
	}
	impatient.Close()

	// The reader exits (before or while the sync waits for it): the sync takes the replica over and runs the pass.
	front := mustOpenAccess(t, dir, syncing(30*time.Second))
	defer front.Close()
	go reader.Close()
	var progressed []peer.Progress
	reports, err := front.Sync(context.Background(), peer.SyncFull, func(p peer.Progress) { progressed = append(progressed, p) })
	if err != nil || string(reports) != `[{"pass":"incremental","kinds":[]}]` || !slices.Equal(stub.modes, []peer.SyncMode{peer.SyncFull}) || len(progressed) != 2 {
		t.Fatalf("sync after the reader exited: %s, %v; ran %v, progress %v", reports, err, stub.modes, progressed)
	}
	if self, _ := front.Owner(); !self {
		t.Error("the pass ran without the sync owning the replica")
	}
}

// startHeld starts an access to a seededDir whose open is held (peertest.HeldOpen) until released; calls wait for
// it up to wait. It returns once the open has started; the access is closed at the end of the test.
func startHeld(t *testing.T, wait time.Duration) (*peer.Access, *peertest.HeldOpen) {
	t.Helper()
	dir := seededDir(t)
	held := peertest.NewHeldOpen()
	a := peer.StartAccess(context.Background(), dir, peer.AccessOptions{Open: held.Open, OpenWait: wait})
	t.Cleanup(func() { a.Close() })
	<-held.Entered
	return a, held
}

// TestAccess_CallsWaitForTheReplicaOpeningInTheBackground: StartAccess returns before the replica is open; a call
// made meanwhile waits and is answered once it opens.
func TestAccess_CallsWaitForTheReplicaOpeningInTheBackground(t *testing.T) {
	t.Parallel()
	a, held := startHeld(t, time.Minute)
	if self, pid := a.Owner(); self || pid != 0 {
		t.Errorf("while opening: owner %v pid %d", self, pid)
	}
	if err := a.Opened(); !errors.Is(err, peer.ErrStillOpening) || !strings.Contains(err.Error(), "rebuilding the full-text index of conversations: 42%") {
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
	testwait.For(t, "the search to wait for the replica", 10*time.Second, func() bool { return a.CallsWaiting() == 1 })
	close(held.Release)
	if err := <-searched; err != nil || res.Total != nRefunds {
		t.Fatalf("search made while opening: %d matches, %v", res.Total, err)
	}
	if self, pid := a.Owner(); !self || pid != os.Getpid() || a.Opened() != nil {
		t.Errorf("once open: owner %v pid %d, opened %v", self, pid, a.Opened())
	}
	stopRun()
}

// TestAccess_CallOutlastingTheOpenWaitSaysSo: a call that waits longer than OpenWait fails with a message for the
// model saying what the replica is doing, not an internal error.
func TestAccess_CallOutlastingTheOpenWaitSaysSo(t *testing.T) {
	t.Parallel()
	a, _ := startHeld(t, time.Millisecond)
	_, err := a.Get(context.Background(), query.KindConversation, "5002")
	var pub *mcp.PublicError
	if !errors.As(err, &pub) || !errors.Is(err, peer.ErrStillOpening) ||
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

// TestAccess_StartWhileAnotherProcessOpensTheReplica: the acquisition in the background waits for a process that
// holds the directory without serving it (it is opening the replica); calls meanwhile say so, and once the holder
// lets go, this process owns the replica.
func TestAccess_StartWhileAnotherProcessOpensTheReplica(t *testing.T) {
	// Not parallel: what it asserts depends on the moment the acquisition retries, which other tests perturb.
	dir, holder := heldDir(t)
	a := peer.StartAccess(context.Background(), dir, peer.AccessOptions{OpenWait: time.Millisecond})
	defer a.Close()
	testwait.For(t, "the acquisition to find the directory held", 10*time.Second, func() bool {
		return strings.Contains(fmt.Sprint(a.Opened()), "another process holds the data directory")
	})
	_, err := a.Search(context.Background(), query.Query{Kind: query.KindConversation, Limit: 1})
	if !errors.Is(err, peer.ErrStillOpening) || !strings.Contains(err.Error(), fmt.Sprintf("still opening or closing the replica: data directory %s is in use by pid %d", dir, os.Getpid())) {
		t.Errorf("search while another process holds the directory: %v", err)
	}
	holder.Close()
	testwait.For(t, "the acquisition to end", 10*time.Second, func() bool { return a.Opened() == nil })
	if self, _ := a.Owner(); !self {
		t.Error("not the owner once the holder let go")
	}
	if res := mustSearch(t, a, "object_type:conversations q:refund"); res.Total != nRefunds {
		t.Errorf("search once open: %d matches", res.Total)
	}
}

// TestAccess_CloseWhileOpening: Close cancels the acquisition and waits for it, and the directory is free
// afterwards, whether the open gave up or finished just as it was cancelled.
func TestAccess_CloseWhileOpening(t *testing.T) {
	t.Parallel()
	for _, finishes := range []bool{false, true} {
		t.Run(fmt.Sprintf("open finishes %v", finishes), func(t *testing.T) {
			dir := seededDir(t)
			entered := make(chan struct{})
			owned := false
			a := peer.StartAccess(context.Background(), dir, peer.AccessOptions{
				Own: func(context.Context, *index.Replica) (peer.OwnerRole, error) {
					owned = true
					return peer.OwnerRole{}, nil
				},
				Open: func(ctx context.Context, dir string, opts index.Options) (*index.Replica, error) {
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
			if _, err := a.Search(context.Background(), query.Query{Kind: query.KindConversation, Limit: 1}); !errors.Is(err, peer.ErrAccessClosed) {
				t.Errorf("search after Close: %v", err)
			}
			if owned {
				t.Error("the owner role started in a process closing")
			}
			mustBeFree(t, dir, "Close while opening")
		})
	}
}

// TestAccess_FailedOpenEndsRun: an acquisition that fails in the background ends Run with its error (as
// OpenAccess would have returned it), and calls say the replica could not be opened.
func TestAccess_FailedOpenEndsRun(t *testing.T) {
	t.Parallel()
	dir := shortDir(t)
	corrupt := errors.New("invalid database")
	a := peer.StartAccess(context.Background(), dir, peer.AccessOptions{Open: func(context.Context, string, index.Options) (*index.Replica, error) {
		return nil, corrupt
	}})
	defer a.Close()
	if err := a.Run(context.Background()); !errors.Is(err, corrupt) || !strings.HasPrefix(err.Error(), "open the replica: ") {
		t.Errorf("Run: %v", err)
	}
	if _, err := a.Status(context.Background()); !errors.Is(err, corrupt) || !strings.Contains(err.Error(), "the replica could not be opened") {
		t.Errorf("status after the failed open: %v", err)
	}
	if err := a.Opened(); !errors.Is(err, corrupt) {
		t.Errorf("opened after the failed open: %v", err)
	}
}
