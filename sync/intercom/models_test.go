package intercom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

func TestGetConversation_DecodesSpecExample(t *testing.T) {
	t.Parallel()
	body := mustReadFile(t, "spec/conversation.json")
	srv := newServer(t, serveJSON(http.StatusOK, body))
	c, _, _ := newClient(t, srv, nil)

	conv, err := c.GetConversation(context.Background(), "503")
	if err != nil {
		t.Fatal(err)
	}
	if conv.ID != "503" || conv.CreatedAt != 1734537511 || conv.UpdatedAt != 1734537511 {
		t.Errorf("id/times = %q %d %d", conv.ID, conv.CreatedAt, conv.UpdatedAt)
	}
	if conv.State != "closed" || conv.Open || conv.Read || conv.Priority != "none" || conv.Title != "" {
		t.Errorf("state/open/read/priority/title = %q %v %v %q %q", conv.State, conv.Open, conv.Read, conv.Priority, conv.Title)
	}
	if conv.WaitingSince != 0 || conv.SnoozedUntil != 0 {
		t.Errorf("null timestamps decoded as %d, %d", conv.WaitingSince, conv.SnoozedUntil)
	}
	if conv.AdminAssigneeID != 991267715 || conv.TeamAssigneeID != 5017691 {
		t.Errorf("assignees = %d, %d", conv.AdminAssigneeID, conv.TeamAssigneeID)
	}
	wantSource := intercom.ConversationSource{
		Type: "conversation", ID: "403918334", DeliveredAs: "admin_initiated", Body: "<p>this is the message body</p>",
		Author: intercom.Author{Type: "admin", ID: "991267645", Name: "Ciaran176 Lee", Email: "admin176@email.com"},
	}
	if !reflect.DeepEqual(conv.Source, wantSource) {
		t.Errorf("Source = %+v\nwant     %+v", conv.Source, wantSource)
	}
	if !reflect.DeepEqual(conv.ContactIDs, []string{"6762f1261bb69f9f2193bba7"}) {
		t.Errorf("ContactIDs = %v", conv.ContactIDs)
	}
	if !reflect.DeepEqual(conv.Tags, []intercom.Tag{{ID: "123456", Name: "Test tag"}}) {
		t.Errorf("Tags = %+v", conv.Tags)
	}
	// The spec's example sends part ids as integers; the real API sends strings. Both decode to strings.
	if len(conv.Parts) != 4 || conv.PartsTotalCount != 4 {
		t.Fatalf("%d parts, total_count %d; want 4, 4", len(conv.Parts), conv.PartsTotalCount)
	}
	for i, p := range conv.Parts {
		if want := string(rune('1' + i)); p.ID != want {
			t.Errorf("part %d id = %q, want %q", i, p.ID, want)
		}
	}
	p0 := conv.Parts[0]
	if p0.PartType != "comment" || p0.Body != "<p>Okay!</p>" || p0.CreatedAt != 1663597223 || p0.State != "open" ||
		p0.Author.Name != "Operator" || p0.Author.Type != "admin" {
		t.Errorf("part 0 = %+v", p0)
	}
	if conv.Parts[1].Body != "" || conv.Parts[1].PartType != "custom_action_started" {
		t.Errorf("part 1 (event with null body) = %+v", conv.Parts[1])
	}
	if !bytes.Equal(conv.Raw, bytes.TrimSpace(body)) {
		t.Errorf("Raw differs from the response body")
	}
}

// TestConversationList_RawIsByteIdentical checks that each record's Raw is exactly the bytes of its object in the
// response, whitespace, key order, escapes and unknown fields included: what the replica stores must be what
// Intercom sent.
func TestConversationList_RawIsByteIdentical(t *testing.T) {
	t.Parallel()
	items := []string{
		"{\n   \"type\" : \"conversation\", \"id\":\"1\", \"updated_at\": 1700000000,\n \"zzz_future_field\": {\"nested\": [1, 2.50, \"\\u00e9\\/\"]}, \"title\": \"caf\u00e9 \\\"quoted\\\" <b>\"\n}",
		`{"id":2,"updated_at":"1700000001","team_assignee_id":null,"admin_assignee_id":"42","custom_attributes":{"Ticket category":"Billing","score":1e3}}`,
	}
	body := []byte("{\"type\":\"conversation.list\",  \"conversations\" : [\n\t" + items[0] + " ,\n\t" + items[1] + "\n],\n" +
		`"total_count": 2, "pages": {"type":"pages","page":1,"per_page":2,"total_pages":1,"next":null}}`)
	srv := newServer(t, serveJSON(http.StatusOK, body))
	c, _, _ := newClient(t, srv, nil)

	page, err := c.ListConversations(context.Background(), intercom.ListOptions{PerPage: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Conversations) != 2 {
		t.Fatalf("%d conversations, want 2", len(page.Conversations))
	}
	for i, conv := range page.Conversations {
		if string(conv.Raw) != items[i] {
			t.Errorf("conversation %d Raw:\n got %s\nwant %s", i, conv.Raw, items[i])
		}
	}
	if got := page.Conversations[1]; got.ID != "2" || got.UpdatedAt != 1700000001 || got.AdminAssigneeID != 42 || got.TeamAssigneeID != 0 {
		t.Errorf("quirky record decoded as id=%q updated_at=%d admin=%d team=%d", got.ID, got.UpdatedAt, got.AdminAssigneeID, got.TeamAssigneeID)
	}
	if page.Conversations[0].Title != `café "quoted" <b>` {
		t.Errorf("title = %q", page.Conversations[0].Title)
	}
	if page.Pages.Next != nil || page.Pages.NextCursor() != "" {
		t.Errorf("null next decoded as %+v", page.Pages.Next)
	}
	// Raw must not alias a buffer the client might reuse: mutating one record's Raw leaves the other intact.
	page.Conversations[0].Raw[0] = 'X'
	if string(page.Conversations[1].Raw) != items[1] {
		t.Error("records share their Raw bytes")
	}
}

func TestConversation_MarshalJSONIsRaw(t *testing.T) {
	t.Parallel()
	raw := `{"id":"7","zzz":[1,2,3],"updated_at":5}`
	var conv intercom.Conversation
	if err := json.Unmarshal([]byte(raw), &conv); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(conv)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != raw {
		t.Errorf("Marshal = %s, want %s", out, raw)
	}
	if _, err := json.Marshal(intercom.Conversation{ID: "1"}); err == nil {
		t.Error("Marshal of a Conversation without Raw succeeded; want an error rather than a partial record")
	}
}

func TestDecode_Quirks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		json  string
		check func(t *testing.T, c intercom.Conversation)
	}{
		{
			name: "team_assignee_id as int, null and string",
			json: `{"id":"1","team_assignee_id":"5017691","admin_assignee_id":null}`,
			check: func(t *testing.T, c intercom.Conversation) {
				if c.TeamAssigneeID != 5017691 || c.AdminAssigneeID != 0 {
					t.Errorf("assignees = %d, %d", c.AdminAssigneeID, c.TeamAssigneeID)
				}
			},
		},
		{
			name: "numeric ids everywhere",
			json: `{"id":503,"source":{"id":403918334,"author":{"id":991267645,"type":"admin"}},"contacts":{"contacts":[{"id":12}]},"tags":{"tags":[{"id":9,"name":"x"}]},"conversation_parts":{"conversation_parts":[{"id":1},{"id":"2"}],"total_count":"2"}}`,
			check: func(t *testing.T, c intercom.Conversation) {
				if c.ID != "503" || c.Source.ID != "403918334" || c.Source.Author.ID != "991267645" ||
					c.ContactIDs[0] != "12" || c.Tags[0].ID != "9" || c.Parts[0].ID != "1" || c.Parts[1].ID != "2" ||
					c.PartsTotalCount != 2 {
					t.Errorf("decoded %+v", c)
				}
			},
		},
		{
			name: "nulls for objects and lists",
			json: `{"id":"1","source":null,"contacts":null,"tags":null,"conversation_parts":null,"teammates":null,"statistics":null,"title":null}`,
			check: func(t *testing.T, c intercom.Conversation) {
				if c.ID != "1" || c.Parts != nil || c.ContactIDs != nil || c.Source.Type != "" {
					t.Errorf("decoded %+v", c)
				}
			},
		},
		{
			name: "integral float timestamp",
			json: `{"id":"1","updated_at":1.7e9,"created_at":1700000000.0}`,
			check: func(t *testing.T, c intercom.Conversation) {
				if c.UpdatedAt != 1700000000 || c.CreatedAt != 1700000000 {
					t.Errorf("timestamps = %d, %d", c.CreatedAt, c.UpdatedAt)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c intercom.Conversation
			if err := json.Unmarshal([]byte(tc.json), &c); err != nil {
				t.Fatal(err)
			}
			if string(c.Raw) != tc.json {
				t.Errorf("Raw = %s", c.Raw)
			}
			tc.check(t, c)
		})
	}
}

// TestDecode_OddFieldsAreAbsent pins the client's side of the wire package's rule (index/wire): a field in a shape
// its type does not take is left out, never guessed and never a failed page; Raw keeps what Intercom sent. These
// documents were errors before the rule was shared, so one odd record stalled a sync.
func TestDecode_OddFieldsAreAbsent(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`{"id":"1","updated_at":"yesterday"}`,
		`{"id":"1","updated_at":1.5}`,
		`{"id":"1","open":"yes"}`,
		`{"id":"1","open":true,"updated_at":{"at":5}}`,
	} {
		var c intercom.Conversation
		if err := json.Unmarshal([]byte(doc), &c); err != nil {
			t.Errorf("Unmarshal(%s): %v", doc, err)
			continue
		}
		if c.ID != "1" || c.UpdatedAt != 0 || string(c.Raw) != doc {
			t.Errorf("Unmarshal(%s) = %+v; want id 1, no updated_at, the document in Raw", doc, c)
		}
	}
	var c intercom.Conversation
	if err := json.Unmarshal([]byte(`{"id":{"x":1}}`), &c); err != nil || c.ID != "" {
		t.Errorf("an object as the id: %+v, %v; want no id (the replica refuses a record without one)", c, err)
	}
	if err := json.Unmarshal([]byte(`{"id":"1","source":"x"}`), &c); err == nil {
		t.Errorf("a string as the source decoded as %+v; want an error (a container of the wrong kind)", c)
	}
}

func TestGetContact_DecodesSpecExample(t *testing.T) {
	t.Parallel()
	body := mustReadFile(t, "spec/contact.json")
	srv := newServer(t, serveJSON(http.StatusOK, body))
	c, _, _ := newClient(t, srv, nil)

	ct, err := c.GetContact(context.Background(), "6762f0d01bb69f9f2193bb7d")
	if err != nil {
		t.Fatal(err)
	}
	want := intercom.Contact{
		ID: "6762f0d01bb69f9f2193bb7d", ExternalID: "70", WorkspaceID: "this_is_an_id283_that_should_be_at_least_",
		Role: "user", Email: "joe@bloggs.com", Name: "Joe Bloggs", CreatedAt: 1734537424, UpdatedAt: 1734537424,
		SignedUpAt: 1734537424, Raw: bytes.TrimSpace(body),
	}
	if !reflect.DeepEqual(*ct, want) {
		t.Errorf("contact = %+v\nwant      %+v", *ct, want)
	}
}

func TestContact_OwnerIDAsNumber(t *testing.T) {
	t.Parallel()
	var ct intercom.Contact
	if err := json.Unmarshal([]byte(`{"id":"a","owner_id":991267459,"location":{"country":"France","city":"Paris"}}`), &ct); err != nil {
		t.Fatal(err)
	}
	if ct.OwnerID != "991267459" || ct.Location.Country != "France" || ct.Location.City != "Paris" {
		t.Errorf("decoded %+v", ct)
	}
}

func TestMe_DecodesSpecExample(t *testing.T) {
	t.Parallel()
	body := mustReadFile(t, "spec/me.json")
	srv := newServer(t, serveJSON(http.StatusOK, body))
	c, _, _ := newClient(t, srv, nil)

	me, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.Type != "admin" || me.ID != "991267459" || me.Email != "admin1@email.com" || !me.EmailVerified {
		t.Errorf("admin = %+v", me)
	}
	wantApp := intercom.App{IDCode: "this_is_an_id1_that_should_be_at_least_40", Name: "MyApp 1", Region: "US",
		Timezone: "America/Los_Angeles", CreatedAt: 1734537243}
	if me.App != wantApp {
		t.Errorf("app = %+v, want %+v", me.App, wantApp)
	}
	if !bytes.Equal(me.Raw, bytes.TrimSpace(body)) {
		t.Error("Raw differs from the response")
	}
}

func TestListDeletedConversations_SpecExample(t *testing.T) {
	t.Parallel()
	var gotQuery string
	body := mustReadFile(t, "spec/deleted_conversation_list.json")
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.URL.RawQuery
		w.Write(body)
	}))
	c, _, _ := newClient(t, srv, nil)

	page, err := c.ListDeletedConversations(context.Background(), intercom.DeletedListOptions{PerPage: 2, Order: "desc"})
	if err != nil {
		t.Fatal(err)
	}
	if gotQuery != "order=desc&per_page=2" {
		t.Errorf("query = %q", gotQuery)
	}
	want := []intercom.DeletedConversation{{ID: "512", DeletedAt: 1734537460}, {ID: "513", DeletedAt: 1734537400, MetricsRetained: true}}
	if !reflect.DeepEqual(page.Conversations, want) {
		t.Errorf("conversations = %+v", page.Conversations)
	}
	if page.TotalCount != 4 || page.Pages.TotalPages != 2 || page.NextPage() != 2 {
		t.Errorf("total %d, pages %+v, next page %d", page.TotalCount, page.Pages, page.NextPage())
	}
}

func TestDeletedConversationList_NextPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pages intercom.PageLinks
		want  int
	}{
		{intercom.PageLinks{Page: 1}, 0},
		{intercom.PageLinks{Page: 1, Next: "https://api.intercom.io/conversations/deleted?per_page=2&page=2"}, 2},
		{intercom.PageLinks{Page: 3, Next: "https://elsewhere.example/x?page=4"}, 4},
		{intercom.PageLinks{Page: 3, Next: "/conversations/deleted?cursor=abc"}, 4}, // no page param: the next number
		{intercom.PageLinks{Page: 0, Next: "%%bad"}, 2},
	}
	for _, tc := range tests {
		l := intercom.DeletedConversationList{Pages: tc.pages}
		if got := l.NextPage(); got != tc.want {
			t.Errorf("NextPage(%+v) = %d, want %d", tc.pages, got, tc.want)
		}
	}
}

func TestGet_EmptyIDIsRejectedWithoutARequest(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s", r.URL)
	}))
	c, _, _ := newClient(t, srv, nil)
	if _, err := c.GetConversation(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "empty id") {
		t.Errorf("GetConversation(\"\") err = %v", err)
	}
	if _, err := c.GetContact(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "empty id") {
		t.Errorf("GetContact(\"\") err = %v", err)
	}
}

func TestGet_IDIsPathEscaped(t *testing.T) {
	t.Parallel()
	var got string
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		w.WriteHeader(http.StatusNotFound)
		w.Write(errorBody("not_found", "Contact Not Found"))
	}))
	c, _, _ := newClient(t, srv, nil)
	_, err := c.GetContact(context.Background(), "../me?x=1")
	if !errors.Is(err, intercom.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if got != "/contacts/..%2Fme%3Fx=1" {
		t.Errorf("path = %q", got)
	}
}

// TestMe_NotIntercomSaysSo: a server that answers 404 to GET /me (a wrong base URL, a web server) is named in the
// error, with what to check; the 404 stays matchable.
func TestMe_NotIntercomSaysSo(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	c, err := intercom.New(intercom.Options{Token: "x", BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(context.Background())
	var ae *intercom.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound || !strings.Contains(err.Error(), srv.URL+" does not look like Intercom's API") {
		t.Errorf("Me against a plain web server: %v", err)
	}
}
