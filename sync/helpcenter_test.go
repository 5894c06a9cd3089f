package sync

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// Help Center articles and tickets.

// helpKinds are the kinds issue 14 added, which mirrorKinds checks after a change to articles or tickets.
var helpKinds = []query.Kind{query.KindArticle, query.KindTicket, query.KindCollection, query.KindHelpCenter, query.KindTicketType}

func TestSync_ArticleChangesAreSeenByTheNextPass(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ws, r := e.ws, e.replica
	must := changes(t)
	e.sync(ModeIncremental)
	ids := ws.ArticleIDs() // newest updated first
	old, doomed := ids[len(ids)-1], ids[len(ids)-2]

	e.clock.Advance(time.Minute)
	created := must(ws.CreateArticle(fakeintercom.NewArticle{Title: "Exporting invoices as CSV", State: "published", CollectionID: ws.CollectionIDs()[0]})).ID
	title, published := "Refunds, step by step", "published"
	must(ws.UpdateArticle(old, fakeintercom.ArticleEdit{Title: &title, State: &published}))
	must(ws.DeleteArticle(doomed))
	e.requests()
	reps := e.sync(ModeIncremental)
	got := kindReports(reps[0])[query.KindArticle]
	// The walk from the first page writes the new and the edited article; the count moved (one created and
	// written, one deleted), so the pass sweeps: every page again, then a GET for the article it did not list.
	if got.Written != 3 || got.Deleted != 1 || got.Fetched != 0 || got.Checked != 1 {
		t.Errorf("article report = %+v, want 3 written (new, edited, tombstone), 1 deleted, 1 checked by id", got)
	}
	if n := e.requests()[fakeintercom.RouteGetArticle]; n != 1 {
		t.Errorf("%d GET /articles/{id}, want 1 (the deleted article)", n)
	}
	if rec, ok := stored(t, r, query.KindArticle, doomed); !ok || !rec.Deleted {
		t.Errorf("deleted article %s: want a tombstone (found %v)", doomed, ok)
	}
	if rec, _ := stored(t, r, query.KindArticle, created); !strings.Contains(string(rec.Raw), "Exporting invoices as CSV") {
		t.Errorf("new article %s not copied", created)
	}
	mirrorKinds(t, r, ws, e.syncer, helpKinds...)

	// Edited again in the same second as that pass: updated_at does not move, the bytes do, and the next pass
	// (whose walk reaches back to the watermark − overlap) writes them.
	body := "<p>Refunds reach your card in 5 to 10 days.</p>"
	must(ws.UpdateArticle(old, fakeintercom.ArticleEdit{Body: &body}))
	e.sync(ModeIncremental)
	mirrorKinds(t, r, ws, e.syncer, helpKinds...)

	// Nothing changed: the first page of the list, nothing written.
	e.clock.Advance(time.Minute)
	e.requests()
	reps = e.sync(ModeIncremental)
	if got := e.requests()[fakeintercom.RouteListArticles]; got != 1 {
		t.Errorf("a pass without article changes read %d pages of GET /articles, want 1", got)
	}
	if got := kindReports(reps[0])[query.KindArticle]; got.Written != 0 || got.Fetched != 0 {
		t.Errorf("a pass without article changes: %+v", got)
	}
}

func TestSync_ArticleWalkThatTheListMovesUnderWalksAgain(t *testing.T) {
	t.Parallel()
	// GET /articles numbers its pages (50 articles each), newest updated first. While the walk reads page 2, one
	// article is changed: a deletion on page 1 shifts the first article of page 2 onto page 1 (already read), an
	// update of an article on page 3 moves it to page 1. Either way one walk misses an article; the backfill must
	// still copy every one.
	for _, tc := range []struct {
		name   string
		change func(ws *fakeintercom.Workspace, ids []string) (fakeintercom.Change, error)
	}{
		{"deleted on a page already read", func(ws *fakeintercom.Workspace, ids []string) (fakeintercom.Change, error) {
			return ws.DeleteArticle(ids[10])
		}},
		{"updated on a page not yet read", func(ws *fakeintercom.Workspace, ids []string) (fakeintercom.Change, error) {
			title := "Moved to the first page"
			return ws.UpdateArticle(ids[110], fakeintercom.ArticleEdit{Title: &title})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var e *env
			var changed atomic.Bool
			e = newEnv(t, envOptions{articles: 130, wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/articles" && r.URL.Query().Get("page") == "2" && changed.CompareAndSwap(false, true) {
						changes(t)(tc.change(e.ws, e.ws.ArticleIDs()))
					}
					h.ServeHTTP(w, r)
				})
			}})
			e.requests()
			reps := e.sync(ModeIncremental)
			if !changed.Load() {
				t.Fatal("the walk never read page 2")
			}
			// The backfill reads the three pages twice; the incremental pass after it reads the first page, and
			// finds the count as the backfill left it (no sweep: the backfill missed nothing).
			if got := kindReports(reps[0])[query.KindArticle]; got.Pages != 6 {
				t.Errorf("the backfill read %d pages of articles, want 6 (every page, twice)", got.Pages)
			}
			if got := kindReports(reps[1])[query.KindArticle]; got.Requests != 1 {
				t.Errorf("the incremental pass after the backfill made %d article requests, want 1", got.Requests)
			}
			if got := e.requests()[fakeintercom.RouteListArticles]; got != 7 {
				t.Errorf("%d requests to GET /articles, want 7", got)
			}
			mirrorKinds(t, e.replica, e.ws, e.syncer, query.KindArticle)
		})
	}
}

func TestSync_TicketChangesAreSeenByTheNextPassOrReconcile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ws, r := e.ws, e.replica
	must := changes(t)
	reps := e.sync(ModeIncremental) // the backfill, then an incremental pass
	if len(reps) != 2 || reps[1].Pass != PassIncremental {
		t.Fatalf("the first sync ran %d passes, want the backfill and an incremental pass", len(reps))
	}
	if got := kindReports(reps[1])[query.KindTicket]; got.Requests != 2 {
		t.Errorf("the incremental pass after the backfill made %d ticket requests, want 2 (the changes and the count: the backfill left the count's baseline, so no sweep)", got.Requests)
	}
	ids := ws.TicketIDs() // newest updated first
	moved, answered, doomed := ids[len(ids)-1], ids[len(ids)-2], ids[len(ids)-3]

	e.clock.Advance(time.Minute)
	created := must(ws.CreateTicket(fakeintercom.NewTicket{ConversationID: ws.ConversationIDs()[4], Title: "Refund the duplicate charge"})).ID
	setTicketState(t, ws, moved)
	must(ws.AddTicketPart(answered, fakeintercom.Reply{Author: fakeintercom.AuthorAdmin, Body: "<p>Refunded today.</p>"}))
	e.requests()
	reps = e.sync(ModeIncremental)
	got := kindReports(reps[0])[query.KindTicket]
	if got.Fetched != 3 || got.Written != 3 {
		t.Errorf("ticket report = %+v, want the 3 changed tickets fetched whole and written", got)
	}
	if n := e.requests()[fakeintercom.RouteGetTicket]; n != 3 {
		t.Errorf("%d GET /tickets/{id}, want 3", n)
	}
	if _, ok := stored(t, r, query.KindTicket, created); !ok {
		t.Errorf("new ticket %s not copied", created)
	}
	// The conversation the new ticket is linked to lists it, and its updated_at moved.
	mirrorKinds(t, r, ws, e.syncer, append(helpKinds, query.KindConversation)...)

	// Changed again in the same second as that pass: the next pass fetches again what it copied in that second.
	must(ws.AddTicketPart(answered, fakeintercom.Reply{Author: fakeintercom.AuthorUser, Body: "<p>Thanks!</p>"}))
	e.sync(ModeIncremental)
	mirrorKinds(t, r, ws, e.syncer, helpKinds...)

	// No list of deleted tickets: the incremental pass compares Intercom's ticket count with the replica's and, as
	// it moved, walks every ticket and asks by id for the one it did not list (404: a tombstone).
	e.clock.Advance(time.Minute)
	must(ws.DeleteTicket(doomed))
	e.requests()
	reps = e.sync(ModeIncremental)
	if got := kindReports(reps[0])[query.KindTicket]; got.Deleted != 1 {
		t.Errorf("incremental ticket report after a deletion = %+v, want 1 deleted", got)
	}
	if rec, ok := stored(t, r, query.KindTicket, doomed); !ok || !rec.Deleted {
		t.Errorf("deleted ticket %s: want a tombstone after the incremental pass (found %v)", doomed, ok)
	}
	if n, want := e.requests()[fakeintercom.RouteSearchTickets], 2+(len(ids)+14)/15; n != want { // the env's pages hold 15
		t.Errorf("%d ticket searches, want %d: the changes, the count, then every page of the sweep", n, want)
	}
	// The count is the baseline again: the next pass does not sweep.
	e.clock.Advance(time.Minute)
	e.sync(ModeIncremental)
	if n := e.requests()[fakeintercom.RouteSearchTickets]; n != 2 {
		t.Errorf("%d ticket searches in the pass after the sweep, want 2 (the changes and the count)", n)
	}

	// The reconcile asks by id for every ticket its walk did not list, too.
	e.clock.Advance(time.Minute)
	doomed = ids[len(ids)-4]
	must(ws.DeleteTicket(doomed))
	reps = e.sync(ModeReconcile)
	if got := kindReports(reps[0])[query.KindTicket]; reps[0].Pass != PassReconcile || got.Deleted != 1 || got.Checked != 1 {
		t.Errorf("reconcile ticket report (%s) = %+v, want 1 checked by id and deleted", reps[0].Pass, got)
	}
	if rec, ok := stored(t, r, query.KindTicket, doomed); !ok || !rec.Deleted {
		t.Errorf("deleted ticket %s: want a tombstone after the reconcile (found %v)", doomed, ok)
	}
	mirror(t, r, ws, e.syncer)
}

// setTicketState moves a ticket to another state (resolved, or in progress when it is resolved already).
func setTicketState(t *testing.T, ws *fakeintercom.Workspace, id string) fakeintercom.Change {
	t.Helper()
	ch, err := ws.SetTicketState(id, "resolved")
	if errors.Is(err, fakeintercom.ErrInvalid) {
		ch, err = ws.SetTicketState(id, "in_progress")
	}
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestWebhooks_TicketTopicsRefetchOrDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{opts: Options{IncrementalSchedule: "@every 1h", ReconcileSchedule: "@every 1h"}})
	post := serveWebhooks(t, e)
	ws, r := e.ws, e.replica
	must := changes(t)
	notify := func(ch fakeintercom.Change, want int) {
		t.Helper()
		if code := post(ch); code != want {
			t.Fatalf("%s: HTTP %d, want %d", ch.Topic, code, want)
		}
	}
	ids := ws.TicketIDs()
	e.clock.Advance(time.Minute)
	created := must(ws.CreateTicket(fakeintercom.NewTicket{Title: "Cannot log in after the update"}))
	notify(created, http.StatusAccepted)
	state := setTicketState(t, ws, ids[0])
	notify(state, http.StatusAccepted)
	replied := must(ws.AddTicketPart(ids[1], fakeintercom.Reply{Author: fakeintercom.AuthorUser, Body: "<p>Still broken.</p>"}))
	notify(replied, http.StatusAccepted)
	testwait.For(t, "ticket.created, ticket.state.updated and a reply applied", 30*time.Second, func() bool {
		for _, id := range []string{created.ID, ids[0], ids[1]} {
			want, _ := ws.TicketJSON(id)
			if got, _ := stored(t, r, query.KindTicket, id); !bytes.Equal(got.Raw, want) {
				return false
			}
		}
		return true
	})
	deleted := must(ws.DeleteTicket(ids[2]))
	notify(deleted, http.StatusOK)
	if rec, ok := stored(t, r, query.KindTicket, ids[2]); !ok || !rec.Deleted {
		t.Errorf("ticket.deleted: want a tombstone at once (found %v)", ok)
	}
	testwait.For(t, "the webhook queue to drain", 10*time.Second, func() bool { return e.syncer.queue.len() == 0 })
	mirrorKinds(t, r, ws, e.syncer, query.KindTicket)
}

func TestDropMember_KeepsEveryOtherByte(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`{"id":"1","statistics":{"views":3,"x":[1,{"y":2}]},"title":"T"}`, `{"id":"1","title":"T"}`},
		{`{"statistics":{"views":3},"id":"1"}`, `{"id":"1"}`},
		{`{ "statistics" : null , "id" : "1" }`, `{  "id" : "1" }`}, // the whitespace around the member stays
		{`{"id":"1","statistics":{}}`, `{"id":"1"}`},
		{`{"id":"1","body":"\"statistics\":1"}`, `{"id":"1","body":"\"statistics\":1"}`},
		{`{"statistics":1}`, `{}`},
	} {
		got, err := dropMember([]byte(tc.in), "statistics")
		if err != nil || string(got) != tc.want {
			t.Errorf("dropMember(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if _, err := dropMember([]byte(`[1]`), "statistics"); err == nil {
		t.Errorf("dropMember of an array: no error")
	}
}

func TestSync_FailedArticleWalkWritesNoTombstone(t *testing.T) {
	t.Parallel()
	var fail atomic.Bool
	e := newEnv(t, envOptions{articles: 80, wrap: forbidWhen(func(r *http.Request) bool {
		return fail.Load() && r.URL.Path == "/articles" && r.URL.Query().Get("page") == "2"
	})})
	e.sync(ModeIncremental)
	ids := e.ws.ArticleIDs()
	doomed := ids[len(ids)-1] // on the second page
	changes(t)(e.ws.DeleteArticle(doomed))

	// The sweep's walk breaks off on page 2: it says nothing about the articles it did not reach.
	e.clock.Advance(time.Minute)
	fail.Store(true)
	if _, err := e.syncer.Sync(context.Background(), ModeReconcile); err == nil || !strings.Contains(err.Error(), "list articles") {
		t.Fatalf("Sync = %v, want the failed article list", err)
	}
	if rec, _ := stored(t, e.replica, query.KindArticle, doomed); rec.Deleted {
		t.Errorf("a broken-off walk wrote a tombstone for article %s", doomed)
	}
	fail.Store(false)
	e.sync(ModeReconcile)
	if rec, ok := stored(t, e.replica, query.KindArticle, doomed); !ok || !rec.Deleted {
		t.Errorf("deleted article %s: want a tombstone after a complete walk (found %v)", doomed, ok)
	}
	mirror(t, e.replica, e.ws, e.syncer)
}
