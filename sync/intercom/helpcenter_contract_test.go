package intercom_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// served returns the body the fake answers for a GET, as a client would receive it.
func (f *fakeIntercom) served(t *testing.T, path string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.h.Token())
	req.Header.Set("Intercom-Version", "2.16")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return b
}

func TestContract_ArticlePagesAndGet(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		var articles []intercom.Article
		pages := 0
		for page, err := range tg.client.ArticlePages(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if page.Page != pages || page.TotalCount < len(page.Articles) {
				t.Errorf("page %d reports page %d, total %d", pages, page.Page, page.TotalCount)
			}
			articles = append(articles, page.Articles...)
			if tg.maxPages > 0 && pages >= tg.maxPages {
				break
			}
		}
		got := ids(t, articles, func(a intercom.Article) (string, []byte) { return a.ID, a.Raw })
		if len(articles) == 0 {
			t.Fatal("no articles")
		}
		for i := 1; i < len(articles); i++ {
			if articles[i].UpdatedAt > articles[i-1].UpdatedAt {
				t.Fatalf("article %s (updated %d) after %s (updated %d): not newest first", articles[i].ID, articles[i].UpdatedAt, articles[i-1].ID, articles[i-1].UpdatedAt)
			}
		}
		one, err := tg.client.GetArticle(ctx, articles[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if one.ID != articles[0].ID || one.Title == "" || one.UpdatedAt != articles[0].UpdatedAt || rawField(t, one.Raw, "statistics") == nil {
			t.Errorf("GetArticle = %s %q updated %d", one.ID, one.Title, one.UpdatedAt)
		}
		if _, err := tg.client.GetArticle(ctx, "1"); !errors.Is(err, intercom.ErrNotFound) {
			t.Errorf("an unknown article: %v, want ErrNotFound", err)
		}
		if tg.fake == nil {
			return
		}
		ws := tg.fake.ws
		if pages < 3 || len(got) != ws.Counts().Articles || !slices.Equal(got, ws.ArticleIDs()) {
			t.Errorf("%d pages, %d articles; the workspace lists %d", pages, len(got), ws.Counts().Articles)
		}
		for _, a := range articles {
			want, err := ws.ArticleListItemJSON(a.ID)
			if err != nil || !bytes.Equal(a.Raw, want) {
				t.Fatalf("article %s: Raw differs from the listed JSON (%v)", a.ID, err)
			}
			if a.State != "published" && a.State != "draft" || a.AuthorID == "" || a.CreatedAt == 0 || (a.URL != "") != (a.State == "published" && len(a.ParentIDs) > 0) {
				t.Errorf("article %s: state %q, author %q, created %d, url %q, parents %v", a.ID, a.State, a.AuthorID, a.CreatedAt, a.URL, a.ParentIDs)
			}
		}
		if want, _ := ws.ArticleJSON(one.ID); !bytes.Equal(one.Raw, want) {
			t.Errorf("GetArticle Raw differs from the served JSON")
		}
	})
}

func TestContract_CollectionsHelpCentersAndTicketTypes(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		collections, err := tg.client.ListCollections(ctx)
		if err != nil {
			t.Fatal(err)
		}
		collectionIDs := ids(t, collections, func(c intercom.Collection) (string, []byte) { return c.ID, c.Raw })
		centers, err := tg.client.ListHelpCenters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		centerIDs := ids(t, centers, func(h intercom.HelpCenter) (string, []byte) { return h.ID, h.Raw })
		types, err := tg.client.ListTicketTypes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		typeIDs := ids(t, types, func(x intercom.TicketType) (string, []byte) { return x.ID, x.Raw })
		for _, c := range collections {
			if c.Name == "" || c.HelpCenterID != "" && !slices.Contains(centerIDs, c.HelpCenterID) || c.ParentID != "" && !slices.Contains(collectionIDs, c.ParentID) {
				t.Errorf("collection %+v", c)
			}
		}
		for _, x := range types {
			if x.Name == "" || x.Category == "" || !slices.ContainsFunc(x.Attributes, func(a intercom.TicketTypeAttribute) bool {
				return a.Name == "_default_title_" && a.ID != "" && a.DataType == "string"
			}) {
				t.Errorf("ticket type %+v", x)
			}
		}
		if tg.fake == nil {
			return
		}
		ws := tg.fake.ws
		n := ws.Counts()
		if !slices.Equal(collectionIDs, ws.CollectionIDs()) || len(collectionIDs) != n.Collections || !slices.Equal(centerIDs, ws.HelpCenterIDs()) ||
			len(centerIDs) != n.HelpCenters || !slices.Equal(typeIDs, ws.TicketTypeIDs()) || len(typeIDs) != n.TicketTypes {
			t.Errorf("lists %d collections, %d help centers, %d ticket types; the workspace has %+v", len(collectionIDs), len(centerIDs), len(typeIDs), n)
		}
		for _, c := range collections {
			if !bytes.Equal(c.Raw, tg.fake.served(t, "/help_center/collections/"+c.ID)) {
				t.Errorf("collection %s: Raw differs from the served JSON", c.ID)
			}
		}
		for _, h := range centers {
			if !bytes.Equal(h.Raw, tg.fake.served(t, "/help_center/help_centers/"+h.ID)) {
				t.Errorf("help center %s: Raw differs from the served JSON", h.ID)
			}
		}
		for _, x := range types {
			if !bytes.Equal(x.Raw, tg.fake.served(t, "/ticket_types/"+x.ID)) || len(x.Attributes) < 4 {
				t.Errorf("ticket type %s: Raw differs from the served JSON, or %d attributes", x.ID, len(x.Attributes))
			}
		}
	})
}

// searchTickets walks a ticket search and returns every ticket.
func searchTickets(t *testing.T, c *intercom.Client, req intercom.SearchRequest, maxPages int) []intercom.Ticket {
	t.Helper()
	var out []intercom.Ticket
	pages := 0
	for page, err := range c.SearchTicketPages(context.Background(), req) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Tickets...)
		if pages++; maxPages > 0 && pages >= maxPages {
			break
		}
	}
	return out
}

func TestContract_TicketSearchAndGet(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		all := searchTickets(t, tg.client, intercom.SearchRequest{Query: intercom.Where("updated_at", intercom.OpGt, 0), PerPage: tg.perPage}, tg.maxPages)
		got := ids(t, all, func(x intercom.Ticket) (string, []byte) { return x.ID, x.Raw })
		if len(all) == 0 {
			t.Fatal("no tickets")
		}
		one, err := tg.client.GetTicket(ctx, all[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if one.ID != all[0].ID || one.TicketTypeID == "" || one.State == "" || one.Category == "" || one.PartCount == 0 || one.Open != (one.State != "resolved") {
			t.Errorf("GetTicket = %s type %q state %q category %q parts %d open %v", one.ID, one.TicketTypeID, one.State, one.Category, one.PartCount, one.Open)
		}
		if _, err := tg.client.GetTicket(ctx, "1"); !errors.Is(err, intercom.ErrNotFound) {
			t.Errorf("an unknown ticket: %v, want ErrNotFound", err)
		}
		if tg.fake == nil {
			return
		}
		ws := tg.fake.ws
		if len(got) != ws.Counts().Tickets || !slices.Equal(got, ws.TicketIDs()) {
			t.Errorf("search found %d tickets; the workspace has %d", len(got), ws.Counts().Tickets)
		}
		for _, x := range all {
			want, err := ws.TicketJSON(x.ID)
			if err != nil || !bytes.Equal(x.Raw, want) {
				t.Fatalf("ticket %s: Raw differs from the served JSON (%v)", x.ID, err)
			}
		}
		if !bytes.Equal(one.Raw, all[0].Raw) {
			t.Error("GetTicket's Raw differs from the searched ticket's")
		}

		// Incremental: updated_at > t returns exactly the tickets changed since t.
		tg.fake.clock.mu.Lock()
		tg.fake.clock.now = tg.fake.clock.now.Add(time.Hour)
		since := tg.fake.clock.now.Unix()
		tg.fake.clock.mu.Unlock()
		var changed []string
		for _, ch := range []func() (fakeintercom.Change, error){
			func() (fakeintercom.Change, error) { return ws.SetTicketState(got[len(got)-1], "in_progress") },
			func() (fakeintercom.Change, error) {
				return ws.AddTicketPart(got[len(got)/2], fakeintercom.Reply{Author: fakeintercom.AuthorAdmin, Note: true})
			},
			func() (fakeintercom.Change, error) {
				return ws.CreateTicket(fakeintercom.NewTicket{ConversationID: ws.ConversationIDs()[7]})
			},
		} {
			c, err := ch()
			if err != nil {
				t.Fatal(err)
			}
			changed = append(changed, c.ID)
		}
		recent := searchTickets(t, tg.client, intercom.SearchRequest{Query: intercom.Where("updated_at", intercom.OpGt, since)}, 0)
		recentIDs := ids(t, recent, func(x intercom.Ticket) (string, []byte) { return x.ID, x.Raw })
		if !slices.Equal(slices.Sorted(slices.Values(recentIDs)), slices.Sorted(slices.Values(changed))) {
			t.Errorf("updated_at > %d found %v, changed %v", since, recentIDs, changed)
		}
		if n := ws.Counts().Tickets; n != len(got)+1 {
			t.Errorf("%d tickets after one was created, had %d", n, len(got))
		}
	})
}
