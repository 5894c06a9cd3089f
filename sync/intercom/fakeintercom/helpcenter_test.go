package fakeintercom

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestOpenAPI_HelpCenterAndTicketEndpointsValidate(t *testing.T) {
	t.Parallel()
	spec := loadOpenAPI(t)
	f := newFake(t, WorkspaceOptions{Conversations: 250, Contacts: 150, Articles: 60, Tickets: 80}, HandlerOptions{})
	// Mutations add shapes the generator alone does not: created articles and tickets, replies by bots, deletions.
	mustChange(t)(f.ws.CreateArticle(NewArticle{Title: "Brand new", State: "published", CollectionID: f.ws.collections[3].id}))
	mustChange(t)(f.ws.CreateTicket(NewTicket{ConversationID: f.ws.ConversationIDs()[5], Attributes: map[string]any{"Refund amount": 12.5, "Reason": "Damaged item"}}))
	mustChange(t)(f.ws.AddTicketPart(f.ws.TicketIDs()[0], Reply{Author: AuthorBot}))
	mustChange(t)(f.ws.DeleteTicket(f.ws.TicketIDs()[3]))
	if _, err := f.ws.Simulate(60); err != nil {
		t.Fatal(err)
	}
	get := func(specPath, path string) response {
		t.Helper()
		r := f.get(path)
		spec.check(t, http.MethodGet, specPath, r)
		mustStatus(t, r, http.StatusOK)
		return r
	}
	for _, id := range f.walkPages("/articles", "data", 50) {
		get("/articles/{article_id}", "/articles/"+id)
	}
	for _, path := range []string{"/articles/search?phrase=refund", "/articles/search?state=draft&per_page=3&page=2", "/articles/search?help_center_id=" + f.ws.HelpCenterIDs()[1] + "&highlight=true"} {
		get("/articles/search", path)
	}
	for _, id := range f.walkPages("/help_center/collections", "data", 4) {
		get("/help_center/collections/{collection_id}", "/help_center/collections/"+id)
	}
	for _, id := range itemIDs(t, get("/help_center/help_centers", "/help_center/help_centers"), "data") {
		get("/help_center/help_centers/{help_center_id}", "/help_center/help_centers/"+id)
	}
	for _, id := range itemIDs(t, get("/ticket_types", "/ticket_types"), "data") {
		get("/ticket_types/{ticket_type_id}", "/ticket_types/"+id)
	}
	for _, id := range f.walkSearch("tickets", body(q("updated_at", ">", 0)), 50) {
		get("/tickets/{ticket_id}", "/tickets/"+id)
	}
	spec.check(t, http.MethodPost, "/tickets/search", f.search("tickets", map[string]any{"query": q("state", "=", "resolved"), "pagination": map[string]any{"per_page": 3}}))

	// Errors are error.list bodies the description accepts.
	for _, c := range []struct{ spec, path string }{
		{"/articles/{article_id}", "/articles/1"},
		{"/tickets/{ticket_id}", "/tickets/1"},
		{"/ticket_types/{ticket_type_id}", "/ticket_types/nope"},
		{"/help_center/collections/{collection_id}", "/help_center/collections/nope"},
		{"/help_center/help_centers/{help_center_id}", "/help_center/help_centers/nope"},
		{"/articles", "/articles?per_page=0"},
		{"/articles/search", "/articles/search?state=live"},
	} {
		r := f.get(c.path)
		if r.status < 400 {
			t.Errorf("%s: status %d", c.path, r.status)
		}
		spec.check(t, http.MethodGet, c.spec, r)
	}
	spec.check(t, http.MethodPost, "/tickets/search", f.search("tickets", body(q("category", "=", "Customer"))))
}

// mustChange fails the test when a mutation fails.
func mustChange(t *testing.T) func(Change, error) Change {
	return func(ch Change, err error) Change {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
}

func TestArticles_ListPagesAndMutations(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	ws := f.ws
	want := ws.ArticleIDs()
	if got := f.walkPages("/articles", "data", 7); !slices.Equal(got, want) || len(got) != ws.Counts().Articles || len(got) != 30 {
		t.Fatalf("GET /articles walked %d ids, the workspace lists %d (%d)", len(got), len(want), ws.Counts().Articles)
	}
	if p := decodePage(t, f.get("/articles?per_page=1000"), "data"); p.perPage != maxPerPage || len(p.ids) != 30 {
		t.Errorf("per_page=1000: per_page %d, %d items", p.perPage, len(p.ids))
	}
	if p := decodePage(t, f.get("/articles?page=99"), "data"); len(p.ids) != 0 || p.totalCount != 30 {
		t.Errorf("a page past the end: %d items, total %d", len(p.ids), p.totalCount)
	}
	if r := f.get("/articles?page=0"); r.status != http.StatusBadRequest {
		t.Errorf("page=0: %d", r.status)
	}

	f.clock.Advance(60_000_000_000)
	created := mustChange(t)(ws.CreateArticle(NewArticle{Title: "Webhook retries explained", State: "published", CollectionID: ws.collections[8].id}))
	if ids := ws.ArticleIDs(); ids[0] != created.ID || len(ids) != 31 {
		t.Errorf("a created article is not listed first: %v", ids[:3])
	}
	r := f.get("/articles/" + created.ID)
	mustStatus(t, r, http.StatusOK)
	if m := r.json(t); m["title"] != "Webhook retries explained" || m["url"] == nil || !strings.Contains(strings.ToLower(m["body"].(string)), "webhook") {
		t.Errorf("created article %s", r.body)
	}
	old := want[len(want)-1]
	f.clock.Advance(60_000_000_000)
	body := "<p>Rewritten.</p>"
	ch := mustChange(t)(ws.UpdateArticle(old, ArticleEdit{Body: &body}))
	if ids := ws.ArticleIDs(); ids[0] != old || f.get("/articles/" + old).json(t)["updated_at"].(float64) != float64(ch.At.Unix()) {
		t.Errorf("an updated article is not first with updated_at now")
	}
	mustChange(t)(ws.DeleteArticle(old))
	if r := f.get("/articles/" + old); r.status != http.StatusNotFound || ws.Counts().Articles != 30 || slices.Contains(ws.ArticleIDs(), old) {
		t.Errorf("a deleted article: status %d, count %d", r.status, ws.Counts().Articles)
	}
	if code, _ := f.get("/articles/" + old).errorCode(t); code != "not_found" {
		t.Errorf("code %s", code)
	}
	for _, bad := range []func() (Change, error){
		func() (Change, error) { return ws.DeleteArticle(old) },
		func() (Change, error) { return ws.CreateArticle(NewArticle{}) },
		func() (Change, error) { return ws.CreateArticle(NewArticle{Title: "x", CollectionID: "nope"}) },
		func() (Change, error) { s := "live"; return ws.UpdateArticle(want[0], ArticleEdit{State: &s}) },
	} {
		if _, err := bad(); err == nil {
			t.Error("an invalid article mutation succeeded")
		}
	}
}

func TestArticles_SearchAndTranslations(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Articles: 120}, HandlerOptions{})
	search := func(query string) []map[string]any {
		t.Helper()
		r := f.get("/articles/search?per_page=150&" + query)
		mustStatus(t, r, http.StatusOK)
		var out []map[string]any
		for _, a := range r.json(t)["data"].(map[string]any)["articles"].([]any) {
			out = append(out, a.(map[string]any))
		}
		return out
	}
	refunds := search("phrase=Refund")
	if len(refunds) == 0 {
		t.Fatal("no article about refunds")
	}
	for _, a := range refunds {
		text := strings.ToLower(a["title"].(string) + a["description"].(string) + a["body"].(string))
		if !strings.Contains(text, "refund") {
			t.Errorf("article %s matched refund without the word", a["id"])
		}
	}
	drafts := search("state=draft")
	if len(drafts) == 0 || len(drafts) >= 120 {
		t.Errorf("%d drafts of 120", len(drafts))
	}
	for _, a := range drafts {
		if a["state"] != "draft" || a["url"] != nil {
			t.Errorf("draft %s: state %v url %v", a["id"], a["state"], a["url"])
		}
	}
	dev := search("help_center_id=" + f.ws.HelpCenterIDs()[1])
	translated := 0
	for _, a := range dev {
		if b := strings.ToLower(a["body"].(string)); !strings.Contains(b, "token") && !strings.Contains(b, "webhook") && !strings.Contains(b, "rate limit") {
			t.Errorf("developer docs article %s: %.100s", a["id"], a["body"])
		}
		if tc := a["translated_content"].(map[string]any); tc["de"] != nil {
			translated++
		}
	}
	if len(dev) == 0 || translated == 0 {
		t.Errorf("%d developer articles, %d in German", len(dev), translated)
	}
	if got := search("phrase=Webhooks+einrichten"); len(got) != translated {
		t.Errorf("a German phrase finds %d articles, %d are translated", len(got), translated)
	}
	for _, bad := range []string{"state=live", "help_center_id=1", "highlight=yes", "per_page=x"} {
		if r := f.get("/articles/search?" + bad); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
}

func TestHelpCenter_CollectionsNestAndNameTheirHelpCenter(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	hcs := itemIDs(t, f.get("/help_center/help_centers"), "data")
	ids := f.walkPages("/help_center/collections", "data", 3)
	if len(ids) != f.ws.Counts().Collections || !slices.Equal(ids, f.ws.CollectionIDs()) || len(hcs) != 2 {
		t.Fatalf("%d collections, %d help centers", len(ids), len(hcs))
	}
	nested := 0
	for _, id := range ids {
		m := f.get("/help_center/collections/" + id).json(t)
		if p, ok := m["parent_id"].(string); ok {
			nested++
			if !slices.Contains(ids, p) {
				t.Errorf("collection %s: parent %s is no collection", id, p)
			}
		}
		if hc := m["help_center_id"].(float64); !slices.Contains(hcs, strconv.FormatFloat(hc, 'f', -1, 64)) {
			t.Errorf("collection %s: help center %v", id, hc)
		}
	}
	if nested == 0 {
		t.Error("no nested collection")
	}
}
