package sync

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// withLiveClient gives e's syncer a live client paced by the budget's live handle, as serve wires it.
func withLiveClient(t *testing.T, e *env, o envOptions) {
	t.Helper()
	live, err := intercom.New(intercom.Options{
		Token: intercom.Token(e.fake.Token()), BaseURL: e.srv.URL, Pacer: e.budget.Pacer(PriorityLive),
		Retry: intercom.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxRateLimitWait: time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	o.opts.Live = live
	o.opts.Source, o.opts.Sink = e.client, e.replica
	o.opts.Now = e.clock.Now
	e.reg = prometheus.NewRegistry()
	o.opts.Registry, o.opts.Budget = e.reg, e.budget
	if e.syncer, err = New(o.opts); err != nil {
		t.Fatal(err)
	}
}

func TestLiveFetcher_RefreshesTheReplica(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	withLiveClient(t, e, envOptions{})
	e.sync(ModeIncremental)
	live, ws, ctx := e.syncer.LiveFetcher(), e.ws, context.Background()
	must := changes(t)
	convs, tickets, articles := ws.ConversationIDs(), ws.TicketIDs(), ws.ArticleIDs()

	e.clock.Advance(time.Minute)
	must(ws.Reply(convs[5], fakeintercom.Reply{Author: fakeintercom.AuthorAdmin}))
	must(ws.AddTicketPart(tickets[3], fakeintercom.Reply{Author: fakeintercom.AuthorAdmin, Body: "<p>Fixed in 4.2.</p>"}))
	draft := "draft"
	must(ws.UpdateArticle(articles[3], fakeintercom.ArticleEdit{State: &draft}))
	for _, tc := range []struct {
		kind query.Kind
		id   string
		want func(string) ([]byte, error)
	}{
		{query.KindConversation, convs[5], ws.ConversationJSON},
		{query.KindTicket, tickets[3], ws.TicketJSON},
		// As GET /articles lists it: GET /articles/{id} adds statistics, which the replica does not keep.
		{query.KindArticle, articles[3], ws.ArticleListItemJSON},
	} {
		e.fake.ResetStats()
		rec, err := live.FetchLive(ctx, tc.kind, tc.id)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.kind, tc.id, err)
		}
		want, _ := tc.want(tc.id)
		if !bytes.Equal(rec.Raw, want) || !rec.SyncedAt.Equal(e.clock.Now()) {
			t.Errorf("%s %s: Fetch returned the old copy (%d bytes, want %d) or a wrong SyncedAt (%v)", tc.kind, tc.id, len(rec.Raw), len(want), rec.SyncedAt)
		}
		if got, _ := stored(t, e.replica, tc.kind, tc.id); !bytes.Equal(got.Raw, want) {
			t.Errorf("%s %s: the replica was not refreshed", tc.kind, tc.id)
		}
		if n := e.fake.Stats().Total; n != 1 {
			t.Errorf("a live fetch of a %s made %d requests, want 1", tc.kind, n)
		}
	}

	// Deleted in Intercom: a tombstone, and an error that says not found.
	gone := []struct {
		kind query.Kind
		id   string
	}{{query.KindContact, ws.ContactIDs()[0]}, {query.KindTicket, tickets[5]}, {query.KindArticle, articles[5]}}
	must(ws.DeleteContact(gone[0].id))
	must(ws.DeleteTicket(gone[1].id))
	must(ws.DeleteArticle(gone[2].id))
	for _, g := range gone {
		if _, err := live.FetchLive(ctx, g.kind, g.id); !errors.Is(err, index.ErrNotFound) {
			t.Errorf("Fetch of a deleted %s: %v, want ErrNotFound", g.kind, err)
		}
		if rec, _ := stored(t, e.replica, g.kind, g.id); !rec.Deleted {
			t.Errorf("no tombstone for the deleted %s", g.kind)
		}
	}
	if _, err := live.FetchLive(ctx, query.KindConversation, "999999999999"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("Fetch of an unknown conversation: %v, want ErrNotFound", err)
	}
	// An id the replica never held leaves nothing behind: no tombstone, no count (mirror checks the counts).
	if rec, err := e.replica.Get(ctx, query.KindConversation, "999999999999"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("after a 404 for an id never held: deleted %v, err %v; want ErrNotFound", rec.Deleted, err)
	}
	// Not conversations: deleting a ticket unlinks it from its conversation, which no pass has copied since.
	mirrorKinds(t, e.replica, ws, e.syncer, slices.DeleteFunc(query.AllKinds(), func(k query.Kind) bool { return k == query.KindConversation })...)
}

func TestLiveFetcher_NoBudgetFailsAtOnce(t *testing.T) {
	e := newEnv(t, envOptions{faults: fakeintercom.Faults{RateLimit: 4, RateWindow: time.Minute}})
	withLiveClient(t, e, envOptions{})
	live, ctx := e.syncer.LiveFetcher(), context.Background()
	ids := e.ws.ConversationIDs()
	for i := range 4 {
		if _, err := live.FetchLive(ctx, query.KindConversation, ids[i]); err != nil {
			t.Fatalf("fetch %d: %v", i, err)
		}
	}
	// The window's four requests are spent: the fifth is refused without asking Intercom.
	e.fake.ResetStats()
	start := time.Now()
	_, err := live.FetchLive(ctx, query.KindConversation, ids[4])
	if !errors.Is(err, ErrNoBudget) {
		t.Fatalf("fifth fetch: %v, want ErrNoBudget", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("the refused fetch took %v", waited)
	}
	if st := e.fake.Stats(); st.Total != 0 {
		t.Errorf("the refused fetch reached Intercom (%d requests)", st.Total)
	}
	if got := metricValue(t, e, "intercom_replica_sync_live_fetches_total", "kind", "conversation", "result", "no_budget"); got != 1 {
		t.Errorf("no_budget count = %v, want 1", got)
	}
}
