package sync

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

func TestSync_BackfillCopiesEveryRecordByteForByte(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	reps := e.sync(ModeIncremental)
	mirror(t, e.replica, e.ws, e.syncer)

	if len(reps) != 2 || reps[0].Pass != PassBackfill || reps[1].Pass != PassIncremental {
		t.Fatalf("passes = %+v, want a backfill then an incremental pass", reps)
	}
	c := e.ws.Counts()
	byKind := map[query.Kind]KindReport{}
	for _, k := range reps[0].Kinds {
		byKind[k.Kind] = k
	}
	if got := byKind[query.KindConversation]; got.Fetched != c.Conversations || got.Listed != c.Conversations || got.Parts == 0 {
		t.Errorf("conversation backfill report = %+v, want %d listed and fetched, with parts", got, c.Conversations)
	}
	if got := byKind[query.KindContact]; got.Listed != c.Contacts || got.Written != c.Contacts || got.Fetched != 0 {
		t.Errorf("contact backfill report = %+v, want %d listed and written, none fetched by id", got, c.Contacts)
	}
	if got := byKind[query.KindTicket]; got.Fetched != c.Tickets || got.Listed != c.Tickets || got.Written != c.Tickets || got.Parts == 0 {
		t.Errorf("ticket backfill report = %+v, want %d listed, fetched and written, with parts", got, c.Tickets)
	}
	if got := byKind[query.KindArticle]; got.Fetched != 0 {
		t.Errorf("article backfill report = %+v, want none fetched by id (the list holds them whole)", got)
	}
	st, err := e.syncer.Status()
	if err != nil {
		t.Fatal(err)
	}
	if !st.Complete() || st.Progress() != "" || st.Workspace == nil || st.Workspace.ID != e.ws.App().IDCode {
		t.Errorf("status = %+v, want complete, for workspace %s", st, e.ws.App().IDCode)
	}
	for _, k := range query.AllKinds() {
		if b := st.Kinds[k].Backfill; !b.Complete || b.Cursor != "" || b.Pages == 0 {
			t.Errorf("%s backfill state = %+v", k, b)
		}
	}
	// Every kind counts in the status as many records as the fake holds, and the backfill listed them all.
	counts := map[query.Kind]int{query.KindConversation: c.Conversations, query.KindContact: c.Contacts,
		query.KindCompany: c.Companies, query.KindArticle: c.Articles, query.KindTicket: c.Tickets,
		query.KindAdmin: c.Admins, query.KindTeam: c.Teams, query.KindTag: c.Tags, query.KindSegment: c.Segments,
		query.KindCollection: c.Collections, query.KindHelpCenter: c.HelpCenters, query.KindTicketType: c.TicketTypes}
	if len(counts) != len(query.AllKinds()) {
		t.Fatalf("the test counts %d kinds, the replica holds %d", len(counts), len(query.AllKinds()))
	}
	for kind, want := range counts {
		if want == 0 {
			t.Errorf("%s: the fake holds none, so the test shows nothing", kind)
		}
		if got := st.Kinds[kind]; got.Live != want || got.Deleted != 0 {
			t.Errorf("%s: status counts %d live and %d deleted, the fake holds %d", kind, got.Live, got.Deleted, want)
		}
		if got := metricValue(t, e, "intercom_replica_sync_records", "kind", string(kind), "state", "live"); got != float64(want) {
			t.Errorf("%s: intercom_replica_sync_records{state=live} = %v, the fake holds %d", kind, got, want)
		}
		if got := byKind[kind]; got.Listed != want || (kind != query.KindConversation && kind != query.KindTicket && got.Written != want) {
			t.Errorf("%s backfill report = %+v, want %d listed and written", kind, got, want)
		}
	}
}

// contactsByRole returns the ids of the workspace's listed contacts with role ("user" or "lead").
func contactsByRole(t *testing.T, ws *fakeintercom.Workspace, role string) []string {
	t.Helper()
	var out []string
	for _, id := range ws.ContactIDs() {
		raw, err := ws.ContactJSON(id)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Role string `json:"role"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		if c.Role == role {
			out = append(out, id)
		}
	}
	return out
}

func TestSync_IncrementalPicksUpEveryKindOfChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.sync(ModeIncremental)
	ws := e.ws
	convs := ws.ConversationIDs() // newest first
	users, leads := contactsByRole(t, ws, "user"), contactsByRole(t, ws, "lead")
	if len(users) < 3 || len(leads) < 2 {
		t.Fatalf("workspace has %d users and %d leads", len(users), len(leads))
	}
	// Not the name or email: the fake renders a generated conversation with its contact's current name, so a
	// rename would change old conversations' JSON without moving their updated_at (Intercom does not rewrite
	// history; no incremental sync could see that).
	phone := "+44 20 7946 0000"
	must := changes(t)

	// A minute later: one of each change.
	e.clock.Advance(time.Minute)
	must(ws.CreateConversation(fakeintercom.NewConversation{}))
	old := convs[len(convs)-1] // the least recently updated
	must(ws.Reply(old, fakeintercom.Reply{Author: fakeintercom.AuthorUser, Body: "<p>still double charged</p>"}))
	must(ws.Reply(convs[len(convs)-2], fakeintercom.Reply{Note: true}))
	must(ws.SetState(convs[len(convs)-3], "closed"))
	must(ws.SetState(convs[len(convs)-4], "snoozed"))
	must(ws.DeleteConversation(convs[len(convs)-5]))
	must(ws.UpdateContact(users[0], fakeintercom.ContactEdit{Phone: &phone, CustomAttributes: map[string]any{"seats": 12}}))
	must(ws.DeleteContact(users[1]))
	must(ws.ArchiveContact(users[2]))
	must(ws.MergeContact(leads[0], users[0]))
	must(ws.CreateContact(fakeintercom.NewContact{Name: "New Person", Email: "new.person@example.com"}))
	e.sync(ModeIncremental)
	mirror(t, e.replica, ws, e.syncer)
	for _, id := range []string{users[1], users[2], leads[0]} {
		if rec, ok := stored(t, e.replica, query.KindContact, id); !ok || !rec.Deleted {
			t.Errorf("contact %s: want a tombstone, got %+v (found %v)", id, rec.Deleted, ok)
		}
	}
	if rec, ok := stored(t, e.replica, query.KindConversation, convs[len(convs)-5]); !ok || !rec.Deleted {
		t.Errorf("deleted conversation: want a tombstone")
	}

	// Changes in the same second as that pass, to records it just copied: updated_at does not move, and the
	// next pass must still see them.
	must(ws.Reply(old, fakeintercom.Reply{Author: fakeintercom.AuthorAdmin}))
	must(ws.UpdateContact(users[0], fakeintercom.ContactEdit{CustomAttributes: map[string]any{"plan": "enterprise"}}))
	e.sync(ModeIncremental)
	mirror(t, e.replica, ws, e.syncer)

	// Twenty seconds later, within the minute of the last pass.
	e.clock.Advance(20 * time.Second)
	must(ws.SetState(old, "closed"))
	must(ws.Reply(convs[0], fakeintercom.Reply{Author: fakeintercom.AuthorBot}))
	e.sync(ModeIncremental)
	mirror(t, e.replica, ws, e.syncer)

	// An archived contact comes back.
	e.clock.Advance(time.Minute)
	must(ws.UnarchiveContact(users[2]))
	e.sync(ModeIncremental)
	mirror(t, e.replica, ws, e.syncer)

	// A contact created and edited before Intercom's search shows it (the fake hides new contacts from search for
	// two minutes): the pass right after misses the edit, the first pass after the delay catches it, because the
	// overlap (five minutes) is longer than the delay.
	created := must(ws.CreateContact(fakeintercom.NewContact{Role: "lead", Name: "Late Lead"}))
	e.sync(ModeIncremental) // the contact count changed: a sweep copies it
	e.clock.Advance(30 * time.Second)
	must(ws.UpdateContact(created.ID, fakeintercom.ContactEdit{Phone: &phone}))
	e.clock.Advance(30 * time.Second)
	e.sync(ModeIncremental)
	e.clock.Advance(2 * time.Minute)
	e.sync(ModeIncremental)
	mirror(t, e.replica, ws, e.syncer)
}

func TestSync_PassWithoutChangesCostsAHandfulOfCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.sync(ModeIncremental)
	e.clock.Advance(time.Minute)
	if _, err := e.ws.Simulate(20); err != nil {
		t.Fatal(err)
	}
	e.sync(ModeIncremental)
	// The next pass may fetch again what the last one copied in the second it changed; the one after must not.
	e.clock.Advance(time.Minute)
	e.sync(ModeIncremental)
	e.clock.Advance(time.Minute)
	e.requests()
	reps := e.sync(ModeIncremental)
	got := e.requests()
	want := map[string]int{
		fakeintercom.RouteSearchConversations:  1,
		fakeintercom.RouteDeletedConversations: 1,
		fakeintercom.RouteSearchContacts:       1,
		fakeintercom.RouteListContacts:         1, // the contact count
		fakeintercom.RouteListAdmins:           1, // the directory's complete lists, unchanged: nothing rewritten
		fakeintercom.RouteListTeams:            1,
		fakeintercom.RouteListTags:             1,
		fakeintercom.RouteListSegments:         1,
		fakeintercom.RouteListCollections:      1, // one page of up to 50 collections and sections
		fakeintercom.RouteListHelpCenters:      1,
		fakeintercom.RouteListTicketTypes:      1,
		fakeintercom.RouteListArticles:         1, // the first page: its newest article is older than the bound, and total_count unchanged
		fakeintercom.RouteSearchTickets:        2, // the changes, and the ticket count
		// companies: none until the next sweep is due
	}
	if !maps.Equal(got, want) {
		t.Errorf("requests of a pass without changes = %v, want %v", got, want)
	}
	wantRequests := map[query.Kind]int64{query.KindConversation: 2, query.KindContact: 2, query.KindCompany: 0,
		query.KindArticle: 1, query.KindTicket: 2, query.KindAdmin: 1, query.KindTeam: 1, query.KindTag: 1,
		query.KindSegment: 1, query.KindCollection: 1, query.KindHelpCenter: 1, query.KindTicketType: 1}
	if len(reps[0].Kinds) != len(wantRequests) {
		t.Errorf("the pass reports %d kinds, want %d", len(reps[0].Kinds), len(wantRequests))
	}
	for _, k := range reps[0].Kinds {
		if k.Written != 0 || k.Fetched != 0 || k.Deleted != 0 || k.Requests != wantRequests[k.Kind] {
			t.Errorf("%s: %+v, want nothing written or fetched, %d requests", k.Kind, k, wantRequests[k.Kind])
		}
	}
	mirror(t, e.replica, e.ws, e.syncer)
}

// requestLog records when the fake received each request.
type requestLog struct {
	mu        gosync.Mutex
	times     []time.Time
	lastFetch time.Time // of the last GET /conversations/{id}
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		now := time.Now()
		l.times = append(l.times, now)
		if id, ok := strings.CutPrefix(r.URL.Path, "/conversations/"); ok && id != "search" && id != "deleted" {
			l.lastFetch = now
		}
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// TestSync_BackfillUsesTheRateBudgetWithout429 runs a backfill against a rate-limited fake inside a synctest bubble
// (see bubble): no request gets a 429, and the budget lets the syncer use nearly all of its share of every window.
// Time there moves only while everything waits, so the claim holds on a loaded machine too.
func TestSync_BackfillUsesTheRateBudgetWithout429(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// 25 requests per one-second window, 20% reserved: the syncer may send 20 a second.
		const limit, syncCap = 25, 20
		var log requestLog
		b := newBubble(t, bubbleOptions{
			seed: 3, conversations: 150, contacts: 5,
			faults: fakeintercom.Faults{RateLimit: limit, RateWindow: time.Second},
			budget: NewBudget(BudgetOptions{ReservePercent: 20}),
			opts:   Options{PageSize: 50},
			wrap:   log.wrap,
		})
		if _, err := b.syncer.Sync(t.Context(), ModeIncremental); err != nil {
			t.Fatal(err)
		}
		n := b.ws.Counts()
		if got := b.sink.live(); got[query.KindConversation] != n.Conversations || got[query.KindContact] != n.Contacts {
			t.Errorf("replica holds %v, Intercom lists %+v", got, n)
		}
		if st := b.fake.Stats(); st.RateLimited != 0 {
			t.Errorf("%d requests got 429", st.RateLimited)
		}

		// Count requests per whole window of the fake, leaving out the first two (the budget learns the limit and
		// the window length from the headers) and those from the last conversation fetch on (the work runs out
		// there).
		log.mu.Lock()
		defer log.mu.Unlock()
		perWindow := map[int64]int{}
		for _, at := range log.times {
			perWindow[at.Unix()]++
		}
		first, last := log.times[0].Unix(), log.lastFetch.Unix()
		var counts []int
		sum := 0
		for w := first + 2; w < last; w++ {
			if perWindow[w] > syncCap {
				t.Errorf("window %d: %d requests, more than the sync budget's %d", w, perWindow[w], syncCap)
			}
			counts = append(counts, perWindow[w])
			sum += perWindow[w]
		}
		if len(counts) < 4 {
			t.Fatalf("only %d whole windows measured: %v", len(counts), counts)
		}
		if used := float64(sum) / float64(syncCap*len(counts)); used < 0.9 {
			t.Errorf("used %.0f%% of the sync budget (per window: %v), want 90..100%%", used*100, counts)
		}
	})
}

func TestSync_ConvergesThroughServerErrorsAndTruncatedBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{
		faults: fakeintercom.Faults{RateLimit: -1, ErrorRate: 0.15, TruncateRate: 0.15},
		retry:  intercom.RetryPolicy{MaxAttempts: 3},
	})
	must := changes(t)
	// A burst longer than the client's retries fails a pass now and then; the next one resumes.
	syncUntilClean := func() {
		t.Helper()
		for attempt := 1; ; attempt++ {
			_, err := e.syncer.Sync(context.Background(), ModeIncremental)
			if err == nil {
				return
			}
			if attempt == 10 {
				t.Fatalf("still failing after %d passes: %v", attempt, err)
			}
			t.Logf("pass %d failed (resumed by the next): %v", attempt, err)
			// The next pass comes at the next tick, a minute later: a company scroll the failed one left open
			// has expired by then.
			e.clock.Advance(time.Minute)
		}
	}
	if err := e.fake.FailNext(4, 503); err != nil {
		t.Fatal(err)
	}
	syncUntilClean()
	mirror(t, e.replica, e.ws, e.syncer)

	e.clock.Advance(time.Minute)
	if _, err := e.ws.Simulate(15); err != nil {
		t.Fatal(err)
	}
	must(e.ws.DeleteContact(e.ws.ContactIDs()[2]))
	if err := e.fake.FailNext(3, 502); err != nil {
		t.Fatal(err)
	}
	e.fake.TruncateNext(3)
	syncUntilClean()
	mirror(t, e.replica, e.ws, e.syncer)
	if st := e.fake.Stats(); st.ServerErrors == 0 || st.Truncated == 0 {
		t.Errorf("the faults did not fire: %+v", st)
	}
}

func TestSync_OlderAPIVersionFindsDeletionsByReconcile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	client, err := intercom.New(intercom.Options{Token: intercom.Token(e.fake.Token()), BaseURL: e.srv.URL, Version: "2.11"})
	if err != nil {
		t.Fatal(err)
	}
	if e.syncer, err = New(Options{Source: client, Sink: e.replica, Now: e.clock.Now, PageSize: 15}); err != nil {
		t.Fatal(err)
	}
	e.sync(ModeIncremental)
	e.clock.Advance(time.Minute)
	id := e.ws.ConversationIDs()[3]
	changes(t)(e.ws.DeleteConversation(id))
	e.sync(ModeIncremental) // GET /conversations/deleted answers 400 before 2.16: the pass still completes
	if rec, _ := stored(t, e.replica, query.KindConversation, id); rec.Deleted {
		t.Fatalf("deleted without the deleted list?")
	}
	e.sync(ModeReconcile)
	mirror(t, e.replica, e.ws, e.syncer)
}

// TestSync_FullSyncBringsBackWhatIntercomListsAsLive: a reconcile pass converges on what Intercom says, tombstones
// included. Intercom (here a fake restarted from the same seed, which undoes the deletions it made) lists and
// returns records the replica holds as deleted, with an updated_at older than their tombstones (which carry the
// deletion's time, or the last copy's updated_at): the reconcile asks for each by id, and a 200 brings it back.
func TestSync_FullSyncBringsBackWhatIntercomListsAsLive(t *testing.T) {
	t.Parallel()
	var serving atomic.Pointer[http.Handler]
	e := newEnv(t, envOptions{wrap: func(h http.Handler) http.Handler {
		serving.Store(&h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*serving.Load()).ServeHTTP(w, r) })
	}})
	e.sync(ModeIncremental)
	must := changes(t)
	convs, contacts := e.ws.ConversationIDs(), e.ws.ContactIDs()
	e.clock.Advance(time.Minute)
	// Updated, then deleted: the replica's last copy is newer than the record the restarted fake has.
	must(e.ws.Reply(convs[3], fakeintercom.Reply{Author: fakeintercom.AuthorUser}))
	phone := "+44 20 7946 0001"
	must(e.ws.UpdateContact(contacts[4], fakeintercom.ContactEdit{Phone: &phone}))
	e.sync(ModeIncremental)
	e.clock.Advance(time.Minute)
	must(e.ws.DeleteConversation(convs[3]))
	must(e.ws.DeleteConversation(convs[5]))
	must(e.ws.DeleteContact(contacts[4]))
	e.sync(ModeIncremental)
	for _, k := range []struct {
		kind query.Kind
		id   string
	}{{query.KindConversation, convs[3]}, {query.KindConversation, convs[5]}, {query.KindContact, contacts[4]}} {
		if rec, ok := stored(t, e.replica, k.kind, k.id); !ok || !rec.Deleted {
			t.Fatalf("%s %s: want a tombstone before the restart", k.kind, k.id)
		}
	}

	// The fake restarts: the same workspace as generated, the deletions and the edits undone.
	e.clock.Advance(time.Minute)
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 3, Conversations: 60, Contacts: 40, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var restarted http.Handler = fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Token: e.fake.Token(), Faults: fakeintercom.Faults{RateLimit: -1}})
	serving.Store(&restarted)
	reps := e.sync(ModeReconcile)
	mirror(t, e.replica, ws, e.syncer)
	var brought int
	for _, r := range reps {
		for _, k := range r.Kinds {
			if r.Pass == PassReconcile && (k.Kind == query.KindConversation || k.Kind == query.KindContact) {
				brought += k.Written
			}
		}
	}
	if brought < 3 {
		t.Errorf("the reconcile pass wrote %d conversations and contacts, want at least the 3 brought back: %+v", brought, reps)
	}
	// The report tells the records fetched because their listing was newer (a share of those listed) from those
	// asked for by id because the walk and the replica disagreed about them.
	for _, r := range reps {
		for _, k := range r.Kinds {
			if k.Fetched > k.Listed {
				t.Errorf("%s %s: %d fetched of %d listed", r.Pass, k.Kind, k.Fetched, k.Listed)
			}
			want := map[query.Kind]int{query.KindConversation: 2, query.KindContact: 1}[k.Kind]
			if r.Pass == PassReconcile && k.Checked != want {
				t.Errorf("reconcile %s: %d checked by id, want %d", k.Kind, k.Checked, want)
			}
		}
	}
}
