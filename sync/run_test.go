package sync

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// handlerTransport serves requests with a handler in the calling goroutine: the client and the fake talk without
// sockets, so both can run inside a synctest bubble.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	return rec.Result(), nil
}

// memSink is an in-memory replica for the scheduler test: bleve's shared analysis workers live outside any
// synctest bubble, so the real replica cannot run inside one. It keeps the replica's write rules that the syncer
// relies on (older updated_at skipped, tombstones keep the last raw).
type memSink struct {
	mu      gosync.Mutex
	records map[query.Kind]map[string]index.Record
	meta    map[string][]byte
}

func newMemSink() *memSink {
	m := &memSink{records: map[query.Kind]map[string]index.Record{}, meta: map[string][]byte{}}
	for _, k := range query.AllKinds() {
		m.records[k] = map[string]index.Record{}
	}
	return m
}

func (m *memSink) Apply(ctx context.Context, b index.Batch) (index.ApplyResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var res index.ApplyResult
	for _, r := range b.Records {
		cur, ok := m.records[r.Kind][r.ID]
		if ok && r.UpdatedAt != 0 && r.UpdatedAt < cur.UpdatedAt {
			res.Stale++
			continue
		}
		if r.Deleted && r.Raw == nil {
			r.Raw = cur.Raw
		}
		m.records[r.Kind][r.ID] = r
		res.Written++
	}
	for k, v := range b.Meta {
		m.meta[k] = v
	}
	return res, nil
}

func (m *memSink) Get(ctx context.Context, kind query.Kind, id string) (index.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[kind][id]
	if !ok {
		return r, index.ErrNotFound
	}
	return r, nil
}

func (m *memSink) Meta(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.meta[key], nil
}

// live counts the records that are not tombstones, by kind.
func (m *memSink) live() map[query.Kind]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := map[query.Kind]int{}
	for kind, recs := range m.records {
		for _, r := range recs {
			if !r.Deleted {
				n[kind]++
			}
		}
	}
	return n
}

func (m *memSink) Scan(ctx context.Context, kind query.Kind, fn func(index.Record) error) error {
	m.mu.Lock()
	recs := slices.SortedFunc(maps.Values(m.records[kind]), func(a, b index.Record) int { return strings.Compare(a.ID, b.ID) })
	m.mu.Unlock()
	for _, r := range recs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// bubble is a fake Intercom and an in-memory replica wired without sockets, for tests that run inside a synctest
// bubble: the fake's rate-limit windows, the budget, the client's timeouts and the syncer all read the bubble's
// clock, which moves only while every goroutine waits, so what they decide does not depend on the machine's load.
// The syncer and the workspace see the clock shifted from 2000 (where bubbles start) to after the generated history.
type bubble struct {
	ws     *fakeintercom.Workspace
	fake   *fakeintercom.Handler
	sink   *memSink
	reg    *prometheus.Registry
	syncer *Syncer
}

type bubbleOptions struct {
	seed                    int64
	conversations, contacts int
	faults                  fakeintercom.Faults
	budget                  *Budget                         // paces the syncer's client; nil: none
	wrap                    func(http.Handler) http.Handler // middleware around the fake
	opts                    Options                         // Source, Sink, Now, Registry and Budget are filled in
}

// newBubble must be called inside the bubble.
func newBubble(t *testing.T, o bubbleOptions) *bubble {
	t.Helper()
	shift := time.Until(time.Unix(fakeintercom.EpochUnix, 0).Add(30 * 24 * time.Hour))
	now := func() time.Time { return time.Now().Add(shift) }
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: o.seed, Conversations: o.conversations, Contacts: o.contacts, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	b := &bubble{ws: ws, fake: fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Faults: o.faults}), sink: newMemSink(), reg: prometheus.NewRegistry()}
	var h http.Handler = b.fake
	if o.wrap != nil {
		h = o.wrap(h)
	}
	copts := intercom.Options{Token: intercom.Token(b.fake.Token()), BaseURL: "http://fake.invalid", HTTPClient: &http.Client{Transport: handlerTransport{h}}}
	if o.budget != nil {
		copts.Pacer = o.budget.Pacer(PrioritySync)
	}
	client, err := intercom.New(copts)
	if err != nil {
		t.Fatal(err)
	}
	opts := o.opts
	opts.Source, opts.Sink, opts.Now, opts.Registry, opts.Budget = client, b.sink, now, b.reg, o.budget
	if b.syncer, err = New(opts); err != nil {
		t.Fatal(err)
	}
	return b
}

// inflight tracks how many requests the fake is serving at once.
type inflight struct {
	mu       gosync.Mutex
	now, max int
}

func (f *inflight) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.now++
		f.max = max(f.max, f.now)
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			f.now--
			f.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

func (f *inflight) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.max = f.now
}

func TestRun_SchedulesPassesOneAtATime(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Every answer takes 10 s, so an incremental pass (thirteen requests in a row: seven lists of the
		// directory, four for contacts and conversations, one each for articles and tickets) takes 130 s: longer
		// than two minutes between ticks.
		var flight inflight
		b := newBubble(t, bubbleOptions{seed: 5, conversations: 6, contacts: 4, wrap: flight.wrap,
			faults: fakeintercom.Faults{RateLimit: -1, Latency: 10 * time.Second},
			opts:   Options{FirstContact: time.Minute /* /me takes 10 s too */, IncrementalSchedule: "@every 1m", ReconcileSchedule: "@every 10m"}})
		s, fake := b.syncer, b.fake
		e := &env{reg: b.reg}

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- s.Run(ctx) }()

		// The first pass (a backfill, then an incremental pass) starts at once.
		time.Sleep(time.Second)
		synctest.Wait()
		if got := fake.Stats().Requests[fakeintercom.RouteMe]; got != 1 {
			t.Fatalf("no pass at start (%d requests to /me)", got)
		}
		time.Sleep(5 * time.Minute)
		flight.reset() // from here on every pass is incremental or reconcile: one request at a time
		time.Sleep(25 * time.Minute)
		synctest.Wait()

		st := fake.Stats()
		if flight.max > 1 {
			t.Errorf("%d requests in flight at once: passes overlapped", flight.max)
		}
		incremental := metricValue(t, e, "intercom_replica_sync_passes_total", "pass", PassIncremental, "result", "ok")
		reconcile := metricValue(t, e, "intercom_replica_sync_passes_total", "pass", PassReconcile, "result", "ok")
		skipped := metricValue(t, e, "intercom_replica_sync_skipped_ticks_total", "schedule", PassIncremental)
		// 30 minutes: a pass every third minute (each outlasts the next two ticks), reconciles every 10 minutes.
		if incremental < 7 || incremental > 11 || reconcile < 2 || reconcile > 3 || skipped < 10 {
			t.Errorf("in 30 minutes: %v incremental passes, %v reconciles, %v skipped ticks", incremental, reconcile, skipped)
		}
		// One search more when the last pass is still running (past its search) at the 30 minutes.
		if got := float64(st.Requests[fakeintercom.RouteSearchConversations]); got != incremental && got != incremental+1 {
			t.Errorf("%v conversation searches for %v incremental passes", got, incremental)
		}

		// Shutdown in the middle of a pass (a request is in flight) returns without waiting for it.
		cancelled := time.Now()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if waited := time.Since(cancelled); waited > 0 {
			t.Errorf("Run took %v to return after cancel", waited)
		}
		t.Logf("%v passes and %v reconciles in %v", incremental, reconcile, time.Since(start))
	})
}

// TestRun_RecordsItsScheduleWhileItRuns: Run records in the replica which process runs the passes on which
// schedules, so that another process (status beside a serve) can tell whether anything syncs on a schedule, and
// removes it when it returns.
func TestRun_RecordsItsScheduleWhileItRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{conversations: 10, contacts: 5, opts: Options{IncrementalSchedule: "@every 1h", ReconcileSchedule: "@weekly"}})
	if st, err := e.syncer.Status(); err != nil || st.Runner != nil {
		t.Fatalf("before Run: runner %+v (%v), want none", st.Runner, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.syncer.Run(ctx) }()
	var runner *Runner
	testwait.For(t, "Run to record itself", 30*time.Second, func() bool {
		st, err := e.syncer.Status()
		runner = st.Runner
		return err == nil && runner != nil
	})
	if runner.PID != os.Getpid() || runner.IncrementalSchedule != "@every 1h" || runner.ReconcileSchedule != "@weekly" || runner.Since.IsZero() {
		t.Errorf("runner = %+v, want this process with its schedules", runner)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st, err := e.syncer.Status(); err != nil || st.Runner != nil {
		t.Errorf("after Run returned: runner %+v (%v), want none", st.Runner, err)
	}
}
