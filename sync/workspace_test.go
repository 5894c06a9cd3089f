package sync

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// The rest of the workspace: teammates, teams, tags, segments (the directory) and companies.

// rawField reads one top-level string field of a stored record's JSON.
func rawField(t *testing.T, rec index.Record, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Raw, &m); err != nil {
		t.Fatalf("%s %s: %v", rec.Kind, rec.ID, err)
	}
	s, _ := m[field].(string)
	return s
}

// kindReports indexes a pass report by kind.
func kindReports(rep PassReport) map[query.Kind]KindReport {
	out := map[query.Kind]KindReport{}
	for _, k := range rep.Kinds {
		out[k.Kind] = k
	}
	return out
}

func TestSync_DirectoryAndCompanyChangesAreSeenByTheNextPassOrSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{opts: Options{CompanySweep: time.Hour}})
	ws, r := e.ws, e.replica
	must := changes(t)
	// A company without contacts to delete: deleting one changes its contacts and conversations, which stop
	// naming it, without moving their updated_at (no incremental sync could see that).
	deleted := must(ws.CreateCompany(fakeintercom.NewCompany{Name: "Short-lived Ltd"})).ID
	e.sync(ModeIncremental)
	admin := ws.AdminIDs()[1]
	companies := ws.CompanyIDs() // the last updated first: the new one
	planned := companies[len(companies)-1]

	e.clock.Advance(time.Minute)
	must(ws.RenameAdmin(admin, "Alexandra Rivera-Stone"))
	tag := must(ws.CreateTag("Sync test: renewal at risk")).ID
	must(ws.SetCompanyPlan(planned, "Enterprise Plus"))
	must(ws.DeleteCompany(deleted))
	created := must(ws.CreateCompany(fakeintercom.NewCompany{Name: "Globex Shipping", Plan: "Pro", Website: "globex.example"})).ID

	// The next incremental pass reads the directory's complete lists: the renamed teammate and the new tag, and
	// nothing else rewritten. Companies wait for their sweep (or webhooks).
	e.requests()
	reps := e.sync(ModeIncremental)
	got := kindReports(reps[0])
	if rec, _ := stored(t, r, query.KindAdmin, admin); rawField(t, rec, "name") != "Alexandra Rivera-Stone" {
		t.Errorf("renamed teammate: stored name %q", rawField(t, rec, "name"))
	}
	if rec, ok := stored(t, r, query.KindTag, tag); !ok || rawField(t, rec, "name") != "Sync test: renewal at risk" {
		t.Errorf("new tag %s: stored %v", tag, ok)
	}
	for kind, want := range map[query.Kind]int{query.KindAdmin: 1, query.KindTag: 1, query.KindTeam: 0, query.KindSegment: 0} {
		if got[kind].Written != want {
			t.Errorf("%s: %d written, want %d (unchanged records are not rewritten)", kind, got[kind].Written, want)
		}
	}
	if n := e.requests()[fakeintercom.RouteScrollCompanies]; n != 0 {
		t.Errorf("%d company scroll requests before the sweep is due", n)
	}
	if rec, _ := stored(t, r, query.KindCompany, planned); strings.Contains(string(rec.Raw), "Enterprise Plus") {
		t.Fatalf("the company changed without a sweep or webhook")
	}

	// An hour after the last sweep, the pass sweeps: the new plan, the deletion and the new company.
	e.clock.Advance(time.Hour)
	reps = e.sync(ModeIncremental)
	got = kindReports(reps[0])
	if c := got[query.KindCompany]; c.Written != 3 || c.Deleted != 1 || c.Fetched != 0 || c.Checked != 1 {
		t.Errorf("company sweep report = %+v, want 3 written (plan, new, tombstone), 1 deleted, 1 checked by id", c)
	}
	if rec, ok := stored(t, r, query.KindCompany, deleted); !ok || !rec.Deleted {
		t.Errorf("deleted company: want a tombstone (found %v)", ok)
	}
	if _, ok := stored(t, r, query.KindCompany, created); !ok {
		t.Errorf("new company %s not copied", created)
	}
	// Not conversations: they show their company's plan as it is now, a change that leaves their updated_at.
	mirrorKinds(t, r, ws, e.syncer, query.KindContact, query.KindCompany, query.KindAdmin, query.KindTeam, query.KindTag, query.KindSegment)
	st, err := e.syncer.Status()
	if err != nil {
		t.Fatal(err)
	}
	if sw := st.Kinds[query.KindCompany].Sweep; sw == nil || !sw.At.Equal(e.clock.Now()) || sw.Listed != ws.Counts().Companies {
		t.Errorf("company sweep state = %+v, want now with %d listed", sw, ws.Counts().Companies)
	}
}

func TestSync_CompanyWebhooksKeepCompaniesCurrentBetweenSweeps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{opts: Options{IncrementalSchedule: "@every 1h", ReconcileSchedule: "@every 1h"}})
	post := serveWebhooks(t, e)
	ws, r := e.ws, e.replica
	must := changes(t)
	notify := func(ch fakeintercom.Change) {
		t.Helper()
		if code := post(ch); code != http.StatusAccepted && code != http.StatusOK {
			t.Fatalf("%s: HTTP %d", ch.Topic, code)
		}
	}
	planned := ws.CompanyIDs()[0]
	e.clock.Advance(time.Minute)
	notify(must(ws.SetCompanyPlan(planned, "Enterprise Plus")))
	created := must(ws.CreateCompany(fakeintercom.NewCompany{Name: "Initech"}))
	notify(created)
	testwait.For(t, "company.updated and company.created applied", 30*time.Second, func() bool {
		a, _ := stored(t, r, query.KindCompany, planned)
		_, ok := stored(t, r, query.KindCompany, created.ID)
		return strings.Contains(string(a.Raw), "Enterprise Plus") && ok
	})
	notify(must(ws.DeleteCompany(created.ID)))
	if rec, ok := stored(t, r, query.KindCompany, created.ID); !ok || !rec.Deleted {
		t.Errorf("company.deleted: want a tombstone at once (found %v)", ok)
	}
	// Not conversations: they show their company's plan as it is now, a change that leaves their updated_at.
	mirrorKinds(t, r, ws, e.syncer, query.KindCompany)
}

func TestSync_FailedDirectoryListWritesNothing(t *testing.T) {
	t.Parallel()
	// The lists before the failing one are read whole, then it fails: nothing of the directory is written. Segments
	// were the last list of four; ticket types are the last of seven now.
	for _, tc := range []struct{ path, list string }{
		{"/segments", "list segments"},
		{"/help_center/collections", "list collections"},
		{"/ticket_types", "list ticket types"},
	} {
		t.Run(tc.list, func(t *testing.T) {
			t.Parallel()
			var fail atomic.Bool
			e := newEnv(t, envOptions{wrap: forbidWhen(func(r *http.Request) bool { return fail.Load() && r.URL.Path == tc.path })})
			e.sync(ModeIncremental)
			ctx := context.Background()
			// A tag the replica holds that Intercom's list does not have (deleted in Intercom since).
			gone := candidate{rec: index.Record{Kind: query.KindTag, ID: "6099999", SyncedAt: e.clock.Now(), Raw: []byte(`{"type":"tag","id":"6099999","name":"Old"}`)}, byID: true}
			if _, err := e.syncer.commit(ctx, query.KindTag, []candidate{gone}, nil); err != nil {
				t.Fatal(err)
			}
			admin := e.ws.AdminIDs()[0]
			changes(t)(e.ws.RenameAdmin(admin, "Renamed While A List Fails"))

			e.clock.Advance(time.Minute)
			fail.Store(true)
			_, err := e.syncer.Sync(ctx, ModeIncremental)
			if err == nil || !strings.Contains(err.Error(), tc.list) {
				t.Fatalf("Sync = %v, want the failed %s", err, tc.list)
			}
			if rec, ok := stored(t, e.replica, query.KindTag, gone.rec.ID); !ok || rec.Deleted {
				t.Errorf("a failed directory pass wrote a tombstone for tag %s", gone.rec.ID)
			}
			if rec, _ := stored(t, e.replica, query.KindAdmin, admin); rawField(t, rec, "name") == "Renamed While A List Fails" {
				t.Errorf("a failed directory pass wrote the renamed teammate")
			}

			// Once the lists are read whole, the tag Intercom no longer lists becomes a tombstone.
			fail.Store(false)
			e.sync(ModeIncremental)
			if rec, ok := stored(t, e.replica, query.KindTag, gone.rec.ID); !ok || !rec.Deleted {
				t.Errorf("tag %s: want a tombstone after a complete list left it out", gone.rec.ID)
			}
			mirror(t, e.replica, e.ws, e.syncer)
		})
	}
}

// scrollOpens counts the requests that open a company scroll (no scroll_param).
func scrollOpens(n *atomic.Int64) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/companies/scroll" && r.URL.Query().Get("scroll_param") == "" {
				n.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
}

// holdScroll opens the app's company scroll through another client and leaves it open, as a run that stopped
// mid-scroll (or another app) would.
func holdScroll(t *testing.T, e *env) {
	t.Helper()
	for _, err := range e.client.CompanyScrollPages(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
}

func TestSync_CompanyScrollWaitsForAnotherScrollWithinABound(t *testing.T) {
	t.Parallel()
	t.Run("released", func(t *testing.T) {
		t.Parallel()
		var opens atomic.Int64
		logs := &syncBuffer{}
		e := newEnv(t, envOptions{wrap: scrollOpens(&opens), opts: Options{ScrollWait: 5 * time.Millisecond, ScrollWaitMax: time.Minute,
			Logger: slog.New(slog.NewTextHandler(logs, nil))}})
		holdScroll(t, e)
		done := make(chan error, 1)
		go func() { _, err := e.syncer.Sync(context.Background(), ModeIncremental); done <- err }()
		// The syncer's scroll is refused while the other one is open; a minute unused expires it.
		testwait.For(t, "the syncer's scroll refused", 30*time.Second, func() bool { return opens.Load() >= 3 })
		e.clock.Advance(time.Minute)
		if err := <-done; err != nil {
			t.Fatalf("Sync: %v", err)
		}
		mirror(t, e.replica, e.ws, e.syncer)
		if !strings.Contains(logs.String(), "another company scroll is open") {
			t.Errorf("the wait is not logged:\n%s", logs.String())
		}
	})
	t.Run("held", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{opts: Options{ScrollWait: 5 * time.Millisecond, ScrollWaitMax: 50 * time.Millisecond}})
		holdScroll(t, e)
		_, err := e.syncer.Sync(context.Background(), ModeIncremental)
		if !errors.Is(err, intercom.ErrScrollExists) || !strings.Contains(err.Error(), "stayed open for 50ms") {
			t.Fatalf("Sync = %v, want ErrScrollExists after waiting 50ms", err)
		}
		st, serr := e.syncer.Status()
		if serr != nil {
			t.Fatal(serr)
		}
		if rep := st.Passes[PassBackfill]; !strings.Contains(rep.Error, "company scroll stayed open") || st.Kinds[query.KindCompany].Backfill.Complete {
			t.Errorf("backfill report error %q, company backfill %+v", rep.Error, st.Kinds[query.KindCompany].Backfill)
		}
		if !st.Kinds[query.KindConversation].Backfill.Complete || !st.Kinds[query.KindAdmin].Backfill.Complete {
			t.Errorf("the kinds before companies did not complete their backfill")
		}
	})
}

func TestSync_CompanyScrollThatExpiresMidWalkStartsAgain(t *testing.T) {
	t.Parallel()
	// The clock jumps a minute on the scroll's second page, so the page after it continues an expired scroll.
	var e *env
	var jumped atomic.Bool
	e = newEnv(t, envOptions{companies: 120, wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/companies/scroll" && r.URL.Query().Get("scroll_param") != "" && jumped.CompareAndSwap(false, true) {
				e.clock.Advance(2 * time.Minute)
			}
			h.ServeHTTP(w, r)
		})
	}})
	if len(e.ws.CompanyIDs()) <= 50 {
		t.Fatalf("only %d companies: the scroll has one page", len(e.ws.CompanyIDs()))
	}
	e.sync(ModeIncremental)
	mirror(t, e.replica, e.ws, e.syncer)
}
