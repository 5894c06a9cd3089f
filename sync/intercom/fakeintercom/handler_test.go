package fakeintercom

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestHandler_WrongTokenIsUnauthorizedWithoutRateHeaders(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	for name, auth := range map[string]string{
		"missing":   "",
		"wrong":     "Bearer not-the-token",
		"no bearer": f.h.Token(),
		"basic":     "Basic " + f.h.Token(),
	} {
		t.Run(name, func(t *testing.T) {
			r := f.do(http.MethodGet, "/conversations", "", "Authorization", auth)
			mustStatus(t, r, http.StatusUnauthorized)
			if code, msg := r.errorCode(t); code != "unauthorized" || msg != "Access Token Invalid" {
				t.Errorf("error %q %q", code, msg)
			}
			for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
				if v := r.header.Get(h); v != "" {
					t.Errorf("unauthenticated answer carries %s: %s", h, v)
				}
			}
		})
	}
	if got := f.h.Stats().Unauthorized; got != 4 {
		t.Errorf("Stats.Unauthorized = %d, want 4", got)
	}

	// A rotated token: the old one stops working.
	old := f.h.Token()
	f.h.SetToken("rotated")
	mustStatus(t, f.do(http.MethodGet, "/me", "", "Authorization", "Bearer "+old), http.StatusUnauthorized)
	mustStatus(t, f.do(http.MethodGet, "/me", "", "Authorization", "Bearer rotated"), http.StatusOK)
}

func TestHandler_Me(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	me := f.get("/me").json(t)
	app := me["app"].(map[string]any)
	if me["type"] != "admin" || app["id_code"] != f.ws.App().IDCode || app["timezone"] != "Asia/Kolkata" || app["region"] != "US" {
		t.Errorf("unexpected /me: %v", me)
	}
}

func TestListConversations_WalksToLastPageInListOrder(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	want := f.ws.ConversationIDs()
	if len(want) < 100 {
		t.Fatalf("only %d live conversations", len(want))
	}
	for _, perPage := range []int{1, 7, 150} {
		got := f.walkList("/conversations", "conversations", perPage)
		if !slices.Equal(got, want) {
			t.Fatalf("per_page %d: walk returned %d ids, want %d in ConversationIDs order", perPage, len(got), len(want))
		}
	}
	p := decodePage(t, f.get("/conversations?per_page=7"), "conversations")
	if p.totalCount != len(want) || p.totalPages != (len(want)+6)/7 || p.perPage != 7 {
		t.Errorf("pages: total_count %d total_pages %d per_page %d", p.totalCount, p.totalPages, p.perPage)
	}
	// Items are the list shape (no parts) and exactly ConversationListItemJSON.
	for i, raw := range p.raw {
		wantItem, err := f.ws.ConversationListItemJSON(p.ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) != string(wantItem) {
			t.Fatalf("list item %s differs from ConversationListItemJSON", p.ids[i])
		}
		if strings.Contains(string(raw), `"conversation_parts"`) {
			t.Fatalf("list item %s carries conversation_parts", p.ids[i])
		}
	}
}

func TestListConversations_PerPage(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 400, Contacts: 50}, HandlerOptions{})
	for _, tc := range []struct {
		query   string
		status  int
		perPage int
	}{
		{"", 200, 20},
		{"?per_page=150", 200, 150},
		{"?per_page=151", 200, 150}, // clamped, and pages.per_page says so
		{"?per_page=100000", 200, 150},
		{"?per_page=0", 400, 0},
		{"?per_page=-3", 400, 0},
		{"?per_page=ten", 400, 0},
	} {
		r := f.get("/conversations" + tc.query)
		if r.status != tc.status {
			t.Errorf("%q: status %d, want %d", tc.query, r.status, tc.status)
			continue
		}
		if tc.status != 200 {
			if code, _ := r.errorCode(t); code != "parameter_invalid" {
				t.Errorf("%q: code %q", tc.query, code)
			}
			continue
		}
		p := decodePage(t, r, "conversations")
		if p.perPage != tc.perPage || len(p.ids) != tc.perPage {
			t.Errorf("%q: per_page %d with %d items, want %d", tc.query, p.perPage, len(p.ids), tc.perPage)
		}
	}
}

func TestListConversations_RejectsForeignCursor(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	contacts := decodePage(t, f.get("/contacts?per_page=2"), "data")
	for _, bad := range []string{"garbage", "WzFd", contacts.next} {
		r := f.get("/conversations?starting_after=" + url.QueryEscape(bad))
		mustStatus(t, r, http.StatusBadRequest)
		if code, _ := r.errorCode(t); code != "parameter_invalid" {
			t.Errorf("cursor %q: code %q", bad, code)
		}
	}
}

func TestGetConversation_ExactBytesAndNotFound(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	ids := f.ws.ConversationIDs()
	for _, id := range ids[:10] {
		r := f.get("/conversations/" + id)
		mustStatus(t, r, http.StatusOK)
		want, err := f.ws.ConversationJSON(id)
		if err != nil {
			t.Fatal(err)
		}
		if string(r.body) != string(want) {
			t.Fatalf("GET %s differs from ConversationJSON", id)
		}
		var c struct {
			ConversationParts struct {
				Type  string            `json:"type"`
				Parts []json.RawMessage `json:"conversation_parts"`
				Total int               `json:"total_count"`
			} `json:"conversation_parts"`
		}
		if err := json.Unmarshal(r.body, &c); err != nil {
			t.Fatal(err)
		}
		if c.ConversationParts.Type != "conversation_part.list" || len(c.ConversationParts.Parts) == 0 || c.ConversationParts.Total != len(c.ConversationParts.Parts) {
			t.Errorf("conversation %s parts: %+v", id, c.ConversationParts)
		}
	}
	deleted := f.ws.DeletedConversationIDs()
	if len(deleted) == 0 {
		t.Fatal("the generated workspace has no deleted conversations")
	}
	for _, id := range []string{"1", "abc", "215470000009999", deleted[0]} {
		r := f.get("/conversations/" + id)
		mustStatus(t, r, http.StatusNotFound)
		if code, msg := r.errorCode(t); code != "not_found" || msg != "Resource Not Found" {
			t.Errorf("%s: %q %q", id, code, msg)
		}
	}
}

func TestListContacts_WalksToLastPage(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	want := f.ws.ContactIDs()
	got := f.walkList("/contacts", "data", 9)
	if !slices.Equal(got, want) {
		t.Fatalf("walk returned %d contacts, want %d in ContactIDs order", len(got), len(want))
	}
	p := decodePage(t, f.get("/contacts"), "data")
	if p.perPage != 10 {
		t.Errorf("default per_page %d, want 10", p.perPage)
	}
	for i, raw := range p.raw {
		want, err := f.ws.ContactJSON(p.ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) != string(want) {
			t.Fatalf("list item %s differs from ContactJSON", p.ids[i])
		}
	}
}

func TestGetContact_ExactBytesMergedAndNotFound(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 10, Contacts: 600}, HandlerOptions{})
	id := f.ws.ContactIDs()[0]
	r := f.get("/contacts/" + id)
	mustStatus(t, r, http.StatusOK)
	if want, _ := f.ws.ContactJSON(id); string(r.body) != string(want) {
		t.Fatal("GET contact differs from ContactJSON")
	}

	// The generated workspace already holds merged leads: 410 with a Link to the canonical contact.
	listed := map[string]bool{}
	for _, id := range f.ws.ContactIDs() {
		listed[id] = true
	}
	var merged string
	for idx := range f.ws.nContacts {
		if h := f.ws.genContactHeader(idx); h.mergedInto >= 0 {
			merged = f.ws.contactID(idx, h.createdAt)
			break
		}
	}
	if merged == "" {
		t.Fatal("no pre-merged contact in 600")
	}
	if listed[merged] {
		t.Errorf("merged contact %s is listed", merged)
	}
	r = f.get("/contacts/" + merged)
	mustStatus(t, r, http.StatusGone)
	if code, _ := r.errorCode(t); code != "contact_merged" {
		t.Errorf("code %q", code)
	}
	canonical, err := f.ws.CanonicalContact(merged)
	if err != nil {
		t.Fatal(err)
	}
	if link := r.header.Get("Link"); link != "</contacts/"+canonical+`>; rel="canonical"` {
		t.Errorf("Link %q", link)
	}
	mustStatus(t, f.get("/contacts/"+canonical), http.StatusOK)

	for _, bad := range []string{"nope", "000000000000000000000000", id[:23] + "x"} {
		r := f.get("/contacts/" + bad)
		mustStatus(t, r, http.StatusNotFound)
		if code, _ := r.errorCode(t); code != "not_found" {
			t.Errorf("%s: code %q", bad, code)
		}
	}
}

func TestHandler_UnknownRoutes(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	mustStatus(t, f.get("/tickets"), http.StatusNotFound)
	mustStatus(t, f.do(http.MethodDelete, "/conversations", ""), http.StatusMethodNotAllowed)
	if got := f.h.Stats().Requests[RouteOther]; got != 2 {
		t.Errorf("Requests[other] = %d", got)
	}
}

func TestHandler_OversizedBodyIs413(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	big := `{"query":{"field":"id","operator":"=","value":"` + strings.Repeat("9", maxRequestBody) + `"}}`
	r := f.do(http.MethodPost, "/conversations/search", big)
	mustStatus(t, r, http.StatusRequestEntityTooLarge)
	if code, _ := r.errorCode(t); code != "request_too_large" {
		t.Errorf("code %q", code)
	}
	// A body within the bound is read whole and searched.
	within := `{"query":{"field":"id","operator":"=","value":"` + strings.Repeat("9", maxRequestBody-100) + `"}}`
	if p := decodePage(t, f.do(http.MethodPost, "/conversations/search", within), "conversations"); p.totalCount != 0 || len(p.ids) != 0 {
		t.Errorf("a search for an id no conversation has found %d", p.totalCount)
	}
}
