package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// env is a fake Intercom served over real HTTP and a real replica in a temporary directory.
type env struct {
	t       testing.TB
	clock   *fakeintercom.Clock // shared by the fake workspace (which stamps mutations with it) and the syncer (which stamps watermarks and SyncedAt), so tests can put changes in the same second as a pass
	ws      *fakeintercom.Workspace
	fake    *fakeintercom.Handler
	srv     *httptest.Server
	dir     string
	replica *index.Replica
	budget  *Budget
	client  *intercom.Client
	reg     *prometheus.Registry
	syncer  *Syncer
}

type envOptions struct {
	conversations, contacts int
	companies               int // 0: the fake's default (contacts/20, at least 5)
	articles, tickets       int // 0: the fake's defaults (conversations/10, at least 30 articles and 20 tickets)
	seed                    int64
	faults                  fakeintercom.Faults
	opts                    Options // PageSize, Concurrency, ... (Source, Sink, Now are filled in)
	budget                  BudgetOptions
	retry                   intercom.RetryPolicy
	realClock               bool                            // the workspace and syncer use time.Now
	wrap                    func(http.Handler) http.Handler // middleware around the fake
}

// newEnv serves a seeded workspace (60 conversations and 40 contacts unless set) and opens a syncer on a fresh
// replica, with pages of 15 so that every walk spans several pages.
func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	e := &env{t: t, clock: fakeintercom.NewClock(time.Unix(fakeintercom.EpochUnix, 0).Add(30 * 24 * time.Hour))}
	if o.conversations == 0 && o.contacts == 0 {
		o.conversations, o.contacts = 60, 40
	}
	if o.seed == 0 {
		o.seed = 3
	}
	now := e.clock.Now
	if o.realClock {
		now = time.Now
	}
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: o.seed, Conversations: o.conversations, Contacts: o.contacts, Companies: o.companies,
		Articles: o.articles, Tickets: o.tickets, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	e.ws = ws
	if o.faults.RateLimit == 0 {
		o.faults.RateLimit = -1 // no rate limit unless a test asks for one
	}
	e.fake = fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Faults: o.faults})
	var h http.Handler = e.fake
	if o.wrap != nil {
		h = o.wrap(h)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	e.dir = t.TempDir()
	e.open(o)
	return e
}

// open opens the replica and a syncer on it (again, after close).
func (e *env) open(o envOptions) {
	t := e.t
	t.Helper()
	r, err := index.Open(context.Background(), e.dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.replica = r
	t.Cleanup(func() { r.Close() })
	e.budget = NewBudget(o.budget)
	retry := o.retry
	if retry.BaseDelay == 0 {
		retry.BaseDelay = 5 * time.Millisecond
		retry.MaxDelay = 50 * time.Millisecond
	}
	e.client, err = intercom.New(intercom.Options{
		Token: intercom.Token(e.fake.Token()), BaseURL: e.srv.URL, Pacer: e.budget.Pacer(PrioritySync), Retry: retry,
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := o.opts
	opts.Source, opts.Sink, opts.Budget = e.client, r, e.budget
	if opts.PageSize == 0 {
		opts.PageSize = 15
	}
	if opts.ScrollWait == 0 {
		// The fake's scroll expires by the test's clock, which stands still: a scroll left open fails the pass
		// at once rather than after minutes of waiting (tests that wait for one set their own bounds).
		opts.ScrollWait, opts.ScrollWaitMax = time.Millisecond, time.Millisecond
	}
	if opts.Now == nil && !o.realClock {
		opts.Now = e.clock.Now
	}
	if opts.Logger == nil && testing.Verbose() {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e.reg = prometheus.NewRegistry()
	opts.Registry = e.reg
	e.syncer, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
}

// close closes the replica (to reopen it, or to open it in another process).
func (e *env) close() {
	e.t.Helper()
	if err := e.replica.Close(); err != nil {
		e.t.Fatal(err)
	}
}

// sync runs one pass and fails the test on error.
func (e *env) sync(mode Mode) []PassReport {
	e.t.Helper()
	reps, err := e.syncer.Sync(context.Background(), mode)
	if err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	return reps
}

// requests returns the fake's request count by route since the last reset, and resets it.
func (e *env) requests() map[string]int {
	st := e.fake.Stats()
	e.fake.ResetStats()
	return st.Requests
}

// mirror checks that the replica holds exactly the fake's workspace: every live conversation, contact, company,
// article and ticket, every teammate, team, tag, segment, collection, help center and ticket type with
// byte-identical JSON, nothing else live, and the syncer's counts agreeing.
func mirror(t testing.TB, r *index.Replica, ws *fakeintercom.Workspace, s *Syncer) {
	t.Helper()
	mirrorKinds(t, r, ws, s, query.AllKinds()...)
}

// mirrorKinds is mirror for some kinds only.
func mirrorKinds(t testing.TB, r *index.Replica, ws *fakeintercom.Workspace, s *Syncer, kinds ...query.Kind) {
	t.Helper()
	ctx := context.Background()
	check := func(kind query.Kind, ids []string, raw func(string) ([]byte, error)) {
		t.Helper()
		bad := 0
		for _, id := range ids {
			want, err := raw(id)
			if err != nil {
				t.Fatalf("fake %s %s: %v", kind, id, err)
			}
			got, err := r.Get(ctx, kind, id)
			switch {
			case err != nil:
				t.Errorf("%s %s: %v", kind, id, err)
				bad++
			case got.Deleted:
				t.Errorf("%s %s is a tombstone in the replica", kind, id)
				bad++
			case !bytes.Equal(got.Raw, want):
				t.Errorf("%s %s: stored JSON differs from Intercom's (%d vs %d bytes; updated_at %d)", kind, id, len(got.Raw), len(want), got.UpdatedAt)
				bad++
			}
			if bad > 5 {
				t.Fatalf("too many differences")
			}
		}
		var live []string
		tombstones := 0
		err := r.Scan(ctx, kind, func(rec index.Record) error {
			if !rec.Deleted {
				live = append(live, rec.ID)
			} else {
				tombstones++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Sorted(slices.Values(ids))
		slices.Sort(live)
		if !slices.Equal(live, want) {
			extra, missing := diff(live, want), diff(want, live)
			t.Errorf("%s: replica holds %d live, Intercom %d; extra %v, missing %v", kind, len(live), len(want), extra, missing)
		}
		if s != nil {
			st, err := s.state(kind)
			if err != nil {
				t.Fatal(err)
			}
			if st.Live != len(live) || st.Deleted != tombstones {
				t.Errorf("%s: state counts %d live and %d deleted, the replica holds %d and %d", kind, st.Live, st.Deleted, len(live), tombstones)
			}
		}
	}
	dir := directoryJSON(t, ws)
	for _, kind := range kinds {
		switch kind {
		case query.KindConversation:
			check(kind, ws.ConversationIDs(), ws.ConversationJSON)
		case query.KindContact:
			check(kind, ws.ContactIDs(), ws.ContactJSON)
		case query.KindCompany:
			check(kind, ws.CompanyIDs(), ws.CompanyJSON)
		case query.KindArticle:
			// As GET /articles lists them: every language version, no statistics.
			check(kind, ws.ArticleIDs(), ws.ArticleListItemJSON)
		case query.KindTicket:
			check(kind, ws.TicketIDs(), ws.TicketJSON)
		default:
			raws := dir[kind]
			check(kind, slices.Collect(maps.Keys(raws)), func(id string) ([]byte, error) { return raws[id], nil })
		}
	}
}

// directoryJSON returns every teammate, team, tag, segment, collection, help center and ticket type of ws as
// Intercom's complete lists show them (each
// item's exact JSON by id), read through a fake of its own in this goroutine (so the requests count nowhere).
func directoryJSON(t testing.TB, ws *fakeintercom.Workspace) map[query.Kind]map[string][]byte {
	t.Helper()
	fake := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Faults: fakeintercom.Faults{RateLimit: -1}})
	c, err := intercom.New(intercom.Options{Token: intercom.Token(fake.Token()), BaseURL: "http://fake.invalid", HTTPClient: &http.Client{Transport: handlerTransport{fake}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out := map[query.Kind]map[string][]byte{}
	add := func(kind query.Kind, id string, raw []byte) {
		if out[kind] == nil {
			out[kind] = map[string][]byte{}
		}
		out[kind][id] = raw
	}
	admins, err := c.ListAdmins(ctx)
	for _, a := range admins {
		add(query.KindAdmin, a.ID, a.Raw)
	}
	teams, err2 := c.ListTeams(ctx)
	for _, x := range teams {
		add(query.KindTeam, x.ID, x.Raw)
	}
	tags, err3 := c.ListTags(ctx)
	for _, x := range tags {
		add(query.KindTag, x.ID, x.Raw)
	}
	segments, err4 := c.ListSegments(ctx, false)
	for _, x := range segments {
		add(query.KindSegment, x.ID, x.Raw)
	}
	collections, err5 := c.ListCollections(ctx)
	for _, x := range collections {
		add(query.KindCollection, x.ID, x.Raw)
	}
	helpCenters, err6 := c.ListHelpCenters(ctx)
	for _, x := range helpCenters {
		add(query.KindHelpCenter, x.ID, x.Raw)
	}
	ticketTypes, err7 := c.ListTicketTypes(ctx)
	for _, x := range ticketTypes {
		add(query.KindTicketType, x.ID, x.Raw)
	}
	if err := errors.Join(err, err2, err3, err4, err5, err6, err7); err != nil {
		t.Fatal(err)
	}
	return out
}

// diff returns the elements of a not in b (both sorted).
func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("... (%d more)", len(out)-10))
	}
	return out
}

// changes returns a function that fails the test on a mutation error: changes(t)(ws.Reply(...)).
func changes(t testing.TB) func(fakeintercom.Change, error) fakeintercom.Change {
	return func(ch fakeintercom.Change, err error) fakeintercom.Change {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
}

// stored returns the replica's record, failing on errors other than not found.
func stored(t testing.TB, r *index.Replica, kind query.Kind, id string) (index.Record, bool) {
	t.Helper()
	rec, err := r.Get(context.Background(), kind, id)
	if errors.Is(err, index.ErrNotFound) {
		return rec, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return rec, true
}

// metricValue returns the value of the metric name whose labels include the given name/value pairs, or -1.
func metricValue(t testing.TB, e *env, name string, labels ...string) float64 {
	t.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			}
		}
	}
	return -1
}

// forbidWhen is middleware around the fake that answers 403 forbidden (which the client does not retry) to the
// requests match picks.
func forbidWhen(match func(r *http.Request) bool) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if match(r) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				w.Write([]byte(`{"type":"error.list","request_id":"r1","errors":[{"code":"forbidden","message":"Access to this resource is forbidden"}]}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// syncBuffer is testwait.Buffer: output written concurrently and read by the test.
type syncBuffer = testwait.Buffer
