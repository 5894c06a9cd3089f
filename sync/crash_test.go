package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// The crash test runs syncs in child processes (this test binary, re-executed) and kills them with SIGKILL.
const (
	envChild   = "INTERCOM_REPLICA_SYNC_TEST_CHILD"
	envDir     = "INTERCOM_REPLICA_SYNC_TEST_DIR"
	envBaseURL = "INTERCOM_REPLICA_SYNC_TEST_URL"
	envToken   = "INTERCOM_REPLICA_SYNC_TEST_TOKEN"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(childSync())
	}
	os.Exit(m.Run())
}

// childSync is the child process: one `intercom-replica sync` against the parent's fake.
func childSync() int {
	ctx := context.Background()
	r, err := index.Open(ctx, os.Getenv(envDir), index.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open replica:", err)
		return 1
	}
	defer r.Close()
	client, err := intercom.New(intercom.Options{
		Token: intercom.Token(os.Getenv(envToken)), BaseURL: os.Getenv(envBaseURL),
		Retry: intercom.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := New(Options{Source: client, Sink: r, PageSize: 10, Concurrency: 4})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := s.Sync(ctx, ModeIncremental); err != nil {
		fmt.Fprintln(os.Stderr, "sync:", err)
		return 1
	}
	return 0
}

// killer counts the fake's requests and kills the child process at the chosen one.
type killer struct {
	mu     gosync.Mutex
	proc   *os.Process
	killAt int // kill when this many requests have arrived in the current run; 0 never
	seen   int
	killed bool
	rng    *rand.Rand
}

func (k *killer) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		k.seen++
		if k.killAt > 0 && k.seen >= k.killAt && k.proc != nil && !k.killed {
			k.killed = true
			proc := k.proc
			// Now, or a moment later while the child writes what it has: kill points anywhere in the sync.
			time.AfterFunc(time.Duration(k.rng.IntN(20))*time.Millisecond, func() { proc.Kill() })
		}
		k.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// run starts a child sync on dir, killing it at the killAt-th request (0: never), and reports whether it was killed
// and how many requests it made.
func (k *killer) run(t *testing.T, dir, url, token string, killAt int) (killed bool, requests int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=1", envDir+"="+dir, envBaseURL+"="+url, envToken+"="+token)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	k.mu.Lock()
	k.killAt, k.seen, k.killed = killAt, 0, false
	k.mu.Unlock()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k.mu.Lock()
	k.proc = cmd.Process
	k.mu.Unlock()
	err := cmd.Wait()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.proc = nil
	var exit *exec.ExitError
	switch {
	case k.killed && errors.As(err, &exit) && !exit.Success():
		return true, k.seen
	case err != nil:
		t.Fatalf("child sync failed: %v\n%s", err, stderr.Bytes())
	}
	return false, k.seen
}

func TestSync_SurvivesKill9AtRandomPoints(t *testing.T) {
	t.Parallel()
	const kills = 20
	// The final run follows the last changes within seconds, so contacts must be searchable at once; the
	// incremental test covers Intercom's contact-search delay.
	// The workspace's clock runs a minute ahead after each kill: a killed run may leave the app's company scroll
	// open, which Intercom expires after a minute unused; the next run would otherwise wait that minute out.
	// (Ahead, never behind, of the children's clock: their watermarks then never skip a change.)
	var ahead atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 11, Conversations: 40, Contacts: 30, ContactSearchDelay: -1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	fake := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{
		Faults: fakeintercom.Faults{RateLimit: -1, Latency: 2 * time.Millisecond, Jitter: 6 * time.Millisecond},
	})
	seed := time.Now().UnixNano()
	t.Logf("kill points seed %d", seed)
	k := &killer{rng: rand.New(rand.NewPCG(uint64(seed), 0))}
	srv := httptest.NewServer(k.wrap(fake))
	defer srv.Close()

	// Two replicas in turn, each from empty, so that the kills fall all over a backfill as well as on the
	// incremental passes after it; the workspace changes between runs.
	killed, runs := 0, 0
	for epoch := 0; killed < kills; epoch++ {
		dir := t.TempDir()
		// An estimate of the requests the next run would make if left alone (a whole backfill at first), so that
		// kill points fall uniformly over what is left to do.
		remaining := 60
		for kept := 0; kept < kills/2 && killed < kills; runs++ {
			if runs > 4*kills {
				t.Fatalf("%d runs but only %d kills", runs, killed)
			}
			killAt := 1 + k.rng.IntN(remaining)
			wasKilled, n := k.run(t, dir, srv.URL, fake.Token(), killAt)
			if wasKilled {
				ahead.Add(int64(time.Minute))
				killed++
				kept++
				remaining = max(8, remaining-n+4)
			} else {
				remaining = max(8, n)
			}
			if _, err := ws.Simulate(2); err != nil {
				t.Fatal(err)
			}
		}
		// A last run without a kill ends with exactly the workspace.
		if wasKilled, _ := k.run(t, dir, srv.URL, fake.Token(), 0); wasKilled {
			t.Fatal("the final run was killed")
		}
		r, err := index.Open(context.Background(), dir, index.Options{})
		if err != nil {
			t.Fatal(err)
		}
		mirror(t, r, ws, nil)
		st, err := ReadStatus(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range query.Kinds() {
			var live int
			r.Scan(context.Background(), kind, func(rec index.Record) error {
				if !rec.Deleted {
					live++
				}
				return nil
			})
			if got := st.Kinds[kind].Live; got != live {
				t.Errorf("epoch %d: %s: state counts %d live, the replica holds %d", epoch, kind, got, live)
			}
		}
		r.Close()
	}
	t.Logf("%d runs, %d killed", runs, killed)
}

func TestRun_ShutdownMidPassReturnsPromptlyAndResumes(t *testing.T) {
	t.Parallel()
	var gets atomic.Int64
	countGets := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(r.URL.Path) > len("/conversations/") && r.URL.Path[:len("/conversations/")] == "/conversations/" &&
				r.URL.Path != "/conversations/search" && r.URL.Path != "/conversations/deleted" {
				gets.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
	o := envOptions{
		conversations: 150, contacts: 10,
		faults: fakeintercom.Faults{RateLimit: -1, Latency: 25 * time.Millisecond},
		opts:   Options{PageSize: 20, Concurrency: 4},
		wrap:   countGets,
	}
	e := newEnv(t, o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.syncer.Run(ctx) }()
	testwait.For(t, "two backfill pages of conversations", 30*time.Second, func() bool {
		st, err := e.syncer.state(query.KindConversation)
		return err == nil && st.Backfill.Pages >= 2
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of cancel")
	}
	st, err := e.syncer.state(query.KindConversation)
	if err != nil {
		t.Fatal(err)
	}
	if st.Backfill.Complete || st.Backfill.Cursor == "" {
		t.Fatalf("the backfill finished before the cancel landed: %+v", st.Backfill)
	}
	// The stopped pass's report counts the pages whose fetches it kept as listed too.
	if status, err := e.syncer.Status(); err != nil {
		t.Fatal(err)
	} else {
		for _, k := range status.Passes[PassBackfill].Kinds {
			if k.Fetched > k.Listed {
				t.Errorf("stopped backfill: %s %d fetched of %d listed", k.Kind, k.Fetched, k.Listed)
			}
		}
	}
	// What was written is whole and current.
	err = e.replica.Scan(context.Background(), query.KindConversation, func(rec index.Record) error {
		want, err := e.ws.ConversationJSON(rec.ID)
		if err != nil || !bytes.Equal(rec.Raw, want) {
			t.Errorf("conversation %s in the replica is not Intercom's (%v)", rec.ID, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A restart resumes from the checkpoint and fetches nothing it already has, but what was in flight.
	e.close()
	e.open(o)
	e.sync(ModeIncremental)
	mirror(t, e.replica, e.ws, e.syncer)
	if n, want := gets.Load(), int64(e.ws.Counts().Conversations); n > want+4 {
		t.Errorf("%d conversation fetches for %d conversations (concurrency 4)", n, want)
	}
}
