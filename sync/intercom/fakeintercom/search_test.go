package fakeintercom

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func q(field, op string, value any) map[string]any {
	return map[string]any{"field": field, "operator": op, "value": value}
}

func grp(op string, filters ...any) map[string]any {
	return map[string]any{"operator": op, "value": filters}
}

func body(query any) map[string]any { return map[string]any{"query": query} }

// decodedConversations decodes every live conversation's list item, in list order.
func decodedConversations(t *testing.T, ws *Workspace) []map[string]any {
	t.Helper()
	var all []map[string]any
	for _, id := range ws.ConversationIDs() {
		raw, err := ws.ConversationListItemJSON(id)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		all = append(all, m)
	}
	return all
}

// expect evaluates pred over decoded conversations, independently of the fake's search code.
func expect(all []map[string]any, pred func(c map[string]any) bool) []string {
	var ids []string
	for _, c := range all {
		if pred(c) {
			ids = append(ids, c["id"].(string))
		}
	}
	return ids
}

func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func TestSearchConversations_Operators(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 300, Contacts: 100}, HandlerOptions{})
	decoded := decodedConversations(t, f.ws)
	ids := f.ws.ConversationIDs()
	pivot, _ := f.ws.ConversationListItemJSON(ids[len(ids)/2])
	var p map[string]any
	if err := json.Unmarshal(pivot, &p); err != nil {
		t.Fatal(err)
	}
	pivotUpdated := num(p["updated_at"])
	pivotEmail, _ := path(p, "source", "author", "email").(string)
	tagID, _ := path(p, "tags", "tags").([]any)
	var someTag string
	if len(tagID) > 0 {
		someTag = tagID[0].(map[string]any)["id"].(string)
	} else {
		someTag = f.ws.tags[0].id
	}
	email := func(c map[string]any) string { s, _ := path(c, "source", "author", "email").(string); return s }
	hasTag := func(c map[string]any, id string) bool {
		for _, t := range path(c, "tags", "tags").([]any) {
			if t.(map[string]any)["id"] == id {
				return true
			}
		}
		return false
	}

	for _, tc := range []struct {
		name  string
		query any
		want  func(c map[string]any) bool
	}{
		{"= string", q("state", "=", "open"), func(c map[string]any) bool { return c["state"] == "open" }},
		{"!= string", q("state", "!=", "closed"), func(c map[string]any) bool { return c["state"] != "closed" }},
		{"IN", q("state", "IN", []string{"open", "snoozed"}), func(c map[string]any) bool { return c["state"] != "closed" }},
		{"NIN", q("source.type", "NIN", []string{"email", "conversation"}), func(c map[string]any) bool {
			s := path(c, "source", "type")
			return s != "email" && s != "conversation"
		}},
		{"~ contains, case-insensitive", q("source.author.email", "~", "@GMAIL."), func(c map[string]any) bool { return strings.Contains(email(c), "@gmail.") }},
		{"!~ (null matches)", q("source.author.email", "!~", "@gmail."), func(c map[string]any) bool { return !strings.Contains(email(c), "@gmail.") }},
		{"^ starts with", q("source.author.email", "^", pivotEmail[:2]), func(c map[string]any) bool { return strings.HasPrefix(email(c), pivotEmail[:2]) }},
		{"$ ends with", q("source.author.email", "$", ".com"), func(c map[string]any) bool { return strings.HasSuffix(email(c), ".com") }},
		{"> is greater or equal", q("updated_at", ">", pivotUpdated), func(c map[string]any) bool { return num(c["updated_at"]) >= pivotUpdated }},
		{"< is lower or equal", q("updated_at", "<", pivotUpdated), func(c map[string]any) bool { return num(c["updated_at"]) <= pivotUpdated }},
		{"= date is exact", q("updated_at", "=", pivotUpdated), func(c map[string]any) bool { return num(c["updated_at"]) == pivotUpdated }},
		{"numeric string for a date", q("created_at", ">", "1306054154"), func(c map[string]any) bool { return true }},
		{"boolean", q("open", "=", false), func(c map[string]any) bool { return c["open"] == false }},
		{"boolean as string", q("read", "=", "true"), func(c map[string]any) bool { return c["read"] == true }},
		{"integer", q("statistics.count_conversation_parts", ">", 10), func(c map[string]any) bool {
			return num(path(c, "statistics", "count_conversation_parts")) >= 10
		}},
		{"list field =", q("tag_ids", "=", someTag), func(c map[string]any) bool { return hasTag(c, someTag) }},
		{"list field !=", q("tag_ids", "!=", someTag), func(c map[string]any) bool { return !hasTag(c, someTag) }},
		{"custom attribute with a space", q("custom_attributes.Ticket category", "=", "billing"), func(c map[string]any) bool {
			return path(c, "custom_attributes", "Ticket category") == "Billing"
		}},
		{"custom float attribute", q("custom_attributes.Refund amount", ">", 100), func(c map[string]any) bool {
			v, ok := path(c, "custom_attributes", "Refund amount").(float64)
			return ok && v >= 100
		}},
		{"= null", q("snoozed_until", "=", nil), func(c map[string]any) bool { return c["snoozed_until"] == nil }},
		{"nested AND of ORs", grp("AND",
			grp("OR", q("state", "=", "open"), q("state", "=", "snoozed")),
			grp("OR", q("source.type", "=", "email"), q("priority", "IN", []string{"high", "urgent"}))),
			func(c map[string]any) bool {
				return c["state"] != "closed" && (path(c, "source", "type") == "email" || c["priority"] == "high" || c["priority"] == "urgent")
			}},
		{"single filter mixed with a group", grp("AND", q("open", "=", true), grp("OR", q("read", "=", true), q("priority", "=", "none"))),
			func(c map[string]any) bool {
				return c["open"] == true && (c["read"] == true || c["priority"] == "none")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := expect(decoded, tc.want)
			got := f.walkSearch("conversations", body(tc.query), 120)
			if len(want) == 0 && tc.name != "= date is exact" {
				t.Fatalf("the expectation matches nothing; the test would prove nothing")
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d ids, want %d (in list order)\n got %v\nwant %v", len(got), len(want), head(got), head(want))
			}
		})
	}
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

func head(s []string) []string { return s[:min(len(s), 5)] }

func TestSearchConversations_SourceBodyIsMatchedPerWord(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	ch, err := f.ws.CreateConversation(NewConversation{Body: "<p>Hi, I need support with my credit card. Order A-12345 &amp; more</p>"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		op, value string
		hit       bool
	}{
		{"=", "support", true},
		{"=", "SUPPORT", true},
		{"=", "need support", false}, // documented: the phrase is not a word
		{"=", "supp", false},
		{"~", "supp", true},
		{"^", "cred", true},
		{"$", "ard", true},
		{"=", "a-12345", true},
		{"!=", "support", false},
		{"IN", "", true},
	} {
		var value any = tc.value
		if tc.op == "IN" {
			value = []string{"nothing", "credit"}
		}
		got := f.walkSearch("conversations", body(q("source.body", tc.op, value)), 150)
		if slices.Contains(got, ch.ID) != tc.hit {
			t.Errorf("source.body %s %q: hit %v, want %v", tc.op, tc.value, !tc.hit, tc.hit)
		}
	}
}

func TestSearch_InvalidBodiesAre400(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	filters := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = q("state", "=", "open")
		}
		return out
	}
	for _, tc := range []struct {
		name, kind string
		body       any // string for raw JSON
		code, msg  string
	}{
		{"not JSON", "conversations", "{", "bad_request", ""},
		{"no query", "conversations", map[string]any{"pagination": map[string]any{"per_page": 5}}, "parameter_not_found", "query"},
		{"unknown field", "conversations", body(q("colour", "=", "red")), "parameter_invalid", `"colour" is not a searchable conversation field`},
		{"> on a string", "conversations", body(q("state", ">", "open")), "parameter_invalid", `operator ">" is not supported for string field "state"`},
		{"~ on an integer", "conversations", body(q("admin_assignee_id", "~", 1)), "parameter_invalid", "not supported for integer field"},
		{">= on a conversation date", "conversations", body(q("updated_at", ">=", 1)), "parameter_invalid", "already mean greater/lower or equal"},
		{"string for a date", "conversations", body(q("created_at", ">", "foorbar")), "parameter_invalid", "not a date"},
		{"bool for a string", "conversations", body(q("state", "=", true)), "parameter_invalid", "not a string"},
		{"IN without a list", "conversations", body(q("state", "IN", "open")), "parameter_invalid", "needs a list"},
		{"= with a list", "conversations", body(q("state", "=", []string{"open"})), "parameter_invalid", "single value"},
		{"empty IN", "conversations", body(q("state", "IN", []string{})), "parameter_invalid", "at least one"},
		{"bad group operator", "conversations", body(map[string]any{"operator": "XOR", "value": filters(2)}), "parameter_invalid", "AND or OR"},
		{"nested three deep", "conversations", body(grp("AND", grp("OR", grp("AND", q("state", "=", "open"))))), "parameter_invalid", "max 2 nested"},
		{"16 filters in a group", "conversations", body(map[string]any{"operator": "AND", "value": filters(16)}), "parameter_invalid", "max 15"},
		{"sort on conversations", "conversations", map[string]any{"query": q("state", "=", "open"), "sort": map[string]any{"field": "updated_at"}}, "parameter_invalid", "no sort"},
		{"unknown top-level key", "conversations", map[string]any{"query": q("state", "=", "open"), "page": 2}, "parameter_invalid", `"page"`},
		{"unknown pagination key", "conversations", map[string]any{"query": q("state", "=", "open"), "pagination": map[string]any{"page": 2}}, "parameter_invalid", `"page"`},
		{"per_page 0", "conversations", map[string]any{"query": q("state", "=", "open"), "pagination": map[string]any{"per_page": 0}}, "parameter_invalid", "per_page"},
		{"foreign cursor", "conversations", map[string]any{"query": q("state", "=", "open"), "pagination": map[string]any{"starting_after": "WzFd"}}, "parameter_invalid", "starting_after"},
		{"contact date !=", "contacts", body(q("created_at", "!=", 1)), "parameter_invalid", `operator "!=" is not supported for date field`},
		{"contact date >=", "contacts", body(q("created_at", ">=", 1)), "parameter_invalid", "not supported"},
		{"contact date IN", "contacts", body(q("last_seen_at", "IN", []int{1})), "parameter_invalid", "not supported"},
		{"tag_id ~", "contacts", body(q("tag_id", "~", "6")), "parameter_invalid", "allowed: = !="},
		{"tag_id IN", "contacts", body(q("tag_id", "IN", []string{"6"})), "parameter_invalid", "allowed: = !="},
		{"unknown custom attribute", "contacts", body(q("custom_attributes.shoe size", "=", "9")), "parameter_invalid", "not a contact custom attribute"},
		{"sort order desc", "contacts", map[string]any{"query": q("role", "=", "user"), "sort": map[string]any{"field": "created_at", "order": "desc"}}, "invalid_sort_order", "Invalid sort order 'desc'. Must be one of: ascending, descending"},
		{"sort by body", "contacts", map[string]any{"query": q("role", "=", "user"), "sort": map[string]any{"field": "nope"}}, "parameter_invalid", "not a sortable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if s, ok := tc.body.(string); ok {
				r = f.do(http.MethodPost, "/"+tc.kind+"/search", s)
			} else {
				r = f.search(tc.kind, tc.body)
			}
			mustStatus(t, r, http.StatusBadRequest)
			code, msg := r.errorCode(t)
			if code != tc.code || !strings.Contains(msg, tc.msg) {
				t.Errorf("got %s %q, want %s containing %q", code, msg, tc.code, tc.msg)
			}
		})
	}

	// The limits themselves are allowed: two levels of nesting, 15 filters in a group.
	mustStatus(t, f.search("conversations", body(grp("AND", grp("OR", q("state", "=", "open")), grp("OR", q("read", "=", true))))), http.StatusOK)
	mustStatus(t, f.search("conversations", body(map[string]any{"operator": "OR", "value": filters(15)})), http.StatusOK)
}

func TestSearch_PaginationInTheBody(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 400, Contacts: 60}, HandlerOptions{})
	everything := body(q("created_at", ">", 0))
	everything["pagination"] = map[string]any{"per_page": 1000}
	p := decodePage(t, f.search("conversations", everything), "conversations")
	if p.perPage != 150 || len(p.ids) != 150 || p.totalCount != f.ws.Counts().Conversations {
		t.Errorf("per_page 1000: per_page %d, %d items, total %d", p.perPage, len(p.ids), p.totalCount)
	}
	// Default page size 20 for conversations, 50 for contacts.
	if p := decodePage(t, f.search("conversations", body(q("created_at", ">", 0))), "conversations"); p.perPage != 20 {
		t.Errorf("conversation search default per_page %d", p.perPage)
	}
	if p := decodePage(t, f.search("contacts", body(q("created_at", ">", 0))), "data"); p.perPage != 50 {
		t.Errorf("contact search default per_page %d", p.perPage)
	}
	// A cursor in the query string is ignored, as Intercom does: page 1 again.
	first := decodePage(t, f.search("conversations", body(q("created_at", ">", 0))), "conversations")
	again := decodePage(t, f.do(http.MethodPost, "/conversations/search?starting_after="+url.QueryEscape(first.next), `{"query":{"field":"created_at","operator":">","value":0}}`), "conversations")
	if !slices.Equal(first.ids, again.ids) || again.page != 1 {
		t.Error("a cursor in the query string was honoured")
	}
	// A cursor from another query is refused.
	other := body(q("state", "=", "open"))
	other["pagination"] = map[string]any{"starting_after": first.next}
	mustStatus(t, f.search("conversations", other), http.StatusBadRequest)
}

// TestSearchContacts_DatesAreCalendarDaysInTheWorkspaceZone pins the documented day granularity in a zone that is
// not UTC: two contacts created two minutes apart fall on different local days but the same UTC day.
func TestSearchContacts_DatesAreCalendarDaysInTheWorkspaceZone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		loc        *time.Location
		sameDayHit []string // = on a's day
	}{
		{"Asia/Kolkata (default)", nil, []string{"a"}},
		{"UTC", time.UTC, []string{"b", "a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, WorkspaceOptions{Location: tc.loc}, HandlerOptions{})
			kolkata := DefaultLocation()
			// 2026-01-10 23:59 and 2026-01-11 00:01 in Kolkata are 18:29 and 18:31 UTC on 2026-01-10.
			aAt := time.Date(2026, 1, 10, 23, 59, 0, 0, kolkata)
			bAt := time.Date(2026, 1, 11, 0, 1, 0, 0, kolkata)
			f.clock.Set(aAt)
			a, err := f.ws.CreateContact(NewContact{Email: "a@zone.test"})
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(bAt.Sub(aAt))
			b, err := f.ws.CreateContact(NewContact{Email: "b@zone.test"})
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(time.Hour) // past the creation delay
			names := map[string]string{a.ID: "a", b.ID: "b"}
			search := func(op string, ts time.Time) []string {
				got := f.walkSearch("contacts", body(grp("AND", q("email_domain", "=", "zone.test"), q("created_at", op, ts.Unix()))), 50)
				var out []string
				for _, id := range got {
					out = append(out, names[id])
				}
				return out
			}
			if got := search("=", aAt.Add(-time.Hour)); !slices.Equal(got, tc.sameDayHit) {
				t.Errorf("= a's day: %v, want %v", got, tc.sameDayHit)
			}
			// > a's instant matches from the start of the next day, not from the instant.
			wantGreater := []string{"b"}
			if tc.loc == time.UTC {
				wantGreater = nil
			}
			if got := search(">", aAt); !slices.Equal(got, wantGreater) {
				t.Errorf("> a: %v, want %v", got, wantGreater)
			}
			// < b's instant matches everything before the start of b's day.
			wantLower := []string{"a"}
			if tc.loc == time.UTC {
				wantLower = nil
			}
			if got := search("<", bAt); !slices.Equal(got, wantLower) {
				t.Errorf("< b: %v, want %v", got, wantLower)
			}
		})
	}
}

func TestSearchContacts_SortAndTypes(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 10, Contacts: 200}, HandlerOptions{})
	type c struct {
		ID        string         `json:"id"`
		CreatedAt int64          `json:"created_at"`
		Email     *string        `json:"email"`
		Attrs     map[string]any `json:"custom_attributes"`
		Unsub     bool           `json:"unsubscribed_from_emails"`
	}
	var all []c
	for _, id := range f.ws.ContactIDs() {
		raw, _ := f.ws.ContactJSON(id)
		var x c
		if err := json.Unmarshal(raw, &x); err != nil {
			t.Fatal(err)
		}
		all = append(all, x)
	}

	// Sorted ascending by created_at across pages.
	b := body(q("role", "IN", []string{"user", "lead"}))
	b["sort"] = map[string]any{"field": "created_at", "order": "ascending"}
	got := f.walkSearch("contacts", b, 7)
	want := slices.Clone(all)
	slices.SortStableFunc(want, func(x, y c) int {
		if x.CreatedAt != y.CreatedAt {
			return int(x.CreatedAt - y.CreatedAt)
		}
		return strings.Compare(x.ID, y.ID)
	})
	var wantIDs []string
	for _, x := range want {
		wantIDs = append(wantIDs, x.ID)
	}
	if !slices.Equal(got, wantIDs) {
		t.Errorf("sorted ascending: %d ids, want %d in created_at order", len(got), len(wantIDs))
	}
	// Descending by default order.
	b["sort"] = map[string]any{"field": "created_at"}
	desc := f.walkSearch("contacts", b, 50)
	if !slices.Equal(desc, reversed(wantIDs)) {
		t.Errorf("sorted descending (default order) is not the reverse")
	}

	// Integer custom attribute: > strict for contacts, >= allowed.
	seats := func(pred func(n int64) bool) []string {
		var ids []string
		for _, x := range all {
			if v, ok := x.Attrs["seats"].(float64); ok && pred(int64(v)) {
				ids = append(ids, x.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	for _, tc := range []struct {
		op   string
		want []string
	}{
		{">", seats(func(n int64) bool { return n > 60 })},
		{">=", seats(func(n int64) bool { return n >= 60 })},
		{"<=", seats(func(n int64) bool { return n <= 60 })},
	} {
		got := f.walkSearch("contacts", body(q("custom_attributes.seats", tc.op, 60)), 150)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) || len(tc.want) == 0 {
			t.Errorf("seats %s 60: %d ids, want %d", tc.op, len(got), len(tc.want))
		}
	}

	// Booleans and email domains.
	var unsub []string
	for _, x := range all {
		if x.Unsub {
			unsub = append(unsub, x.ID)
		}
	}
	slices.Sort(unsub)
	gotUnsub := f.walkSearch("contacts", body(q("unsubscribed_from_emails", "=", true)), 150)
	slices.Sort(gotUnsub)
	if !slices.Equal(gotUnsub, unsub) || len(unsub) == 0 {
		t.Errorf("unsubscribed: %d, want %d", len(gotUnsub), len(unsub))
	}
	if got := f.walkSearch("contacts", body(q("email_domain", "=", "gmail.com")), 150); len(got) == 0 {
		t.Error("no gmail.com contacts found")
	}
}
