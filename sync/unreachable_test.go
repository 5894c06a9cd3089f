package sync

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// A pass that fails, even before it starts (the workspace check is the first request), is recorded in the replica
// with why it failed and since when syncing fails; the streak goes on across failed passes and ends with the first
// that completes.
func TestSync_FailedPassesAreRecordedUntilOneCompletes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{conversations: 10, contacts: 5})
	unreachable := fakeintercom.Faults{RateLimit: -1, ResetRate: 1} // every connection reset before any answer
	failing := func(t *testing.T) (time.Time, string) {
		t.Helper()
		st, err := e.syncer.Status()
		if err != nil {
			t.Fatal(err)
		}
		return st.Failing()
	}
	failPass := func(t *testing.T) {
		t.Helper()
		reps, err := e.syncer.Sync(context.Background(), ModeIncremental)
		if !errors.Is(err, intercom.ErrUnreachable) {
			t.Fatalf("Sync = %v, want an unreachable Intercom", err)
		}
		for _, r := range reps {
			if r.Error == "" && r.Pass != PassBackfill {
				t.Errorf("%s pass reported no error", r.Pass)
			}
		}
	}
	wantWhy := "cannot reach " + e.srv.URL + ": connection reset (gave up after "

	e.fake.SetFaults(unreachable)
	t0 := e.clock.Now()
	failPass(t) // before any pass: no workspace yet
	if since, why := failing(t); !since.Equal(t0) || !strings.HasPrefix(why, wantWhy) {
		t.Errorf("after the first failure: failing since %v (%q), want since %v (%q…)", since, why, t0, wantWhy)
	}
	st, _ := e.syncer.Status()
	if rep := st.Passes[PassBackfill]; rep.Error == "" || !rep.StartedAt.Equal(t0) {
		t.Errorf("the backfill that could not start is not recorded: %+v", rep)
	}

	e.clock.Advance(time.Minute)
	failPass(t)
	if since, _ := failing(t); !since.Equal(t0) {
		t.Errorf("a second failure moved the streak's start to %v, want %v", since, t0)
	}

	e.fake.SetFaults(fakeintercom.Faults{RateLimit: -1})
	e.clock.Advance(time.Minute)
	e.sync(ModeIncremental)
	if since, why := failing(t); !since.IsZero() || why != "" {
		t.Errorf("after a pass that completed: failing since %v (%q), want nothing", since, why)
	}

	// Intercom goes away after the workspace is known: the incremental pass fails at its first request.
	e.fake.SetFaults(unreachable)
	e.clock.Advance(time.Minute)
	t1 := e.clock.Now()
	failPass(t)
	if since, why := failing(t); !since.Equal(t1) || !strings.HasPrefix(why, wantWhy) {
		t.Errorf("a failed incremental pass: failing since %v (%q), want since %v (%q…)", since, why, t1, wantWhy)
	}
}

// A Syncer's first request is bounded by FirstContact, retries included, whatever the client's own timeouts: an
// Intercom that accepts the connection and never answers fails the pass then, saying what it waited for.
func TestSync_FirstContactIsBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{conversations: 1, contacts: 1, opts: Options{FirstContact: 300 * time.Millisecond}})
	e.fake.SetFaults(fakeintercom.Faults{RateLimit: -1, Latency: time.Hour})
	// A backstop that cancels (rather than a deadline), so that only FirstContact can make DeadlineExceeded.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := time.AfterFunc(20*time.Second, cancel)
	defer stop.Stop()
	_, err := e.syncer.Sync(ctx, ModeIncremental)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, intercom.ErrUnreachable) {
		t.Fatalf("Sync = %v, want the first contact's deadline on an unreachable Intercom", err)
	}
	if want := "cannot reach " + e.srv.URL + ": timed out after "; !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "waiting for an answer (connected, no response) at the call's deadline") {
		t.Errorf("err = %v, want it to say it timed out waiting for an answer", err)
	}
}

// Webhook refetches that cannot reach Intercom do not each spend their retries on it: the first failure drops the
// queue, and says so.
func TestWebhooks_UnreachableIntercomDropsTheQueue(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	e := newEnv(t, envOptions{conversations: 5, contacts: 5, opts: Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}})
	e.sync(ModeIncremental)
	e.fake.SetFaults(fakeintercom.Faults{RateLimit: -1, ResetRate: 1})
	for _, id := range e.ws.ContactIDs() {
		e.syncer.queue.push(refKey{query.KindContact, id})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.syncer.runRefetches(ctx) }()
	testwait.For(t, "the queue to be dropped", 10*time.Second, func() bool { return e.syncer.queue.len() == 0 })
	cancel()
	<-done
	out := logs.String()
	if n := strings.Count(out, "webhook refetch failed"); n != 1 || !strings.Contains(out, "dropped="+strconv.Itoa(len(e.ws.ContactIDs())-1)) {
		t.Errorf("%d refetch failures logged, want 1 that dropped the rest:\n%s", n, out)
	}
}
