package intercom_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

func TestFilter_MarshalsToSearchGrammar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		filter intercom.Filter
		want   string
	}{
		{
			name:   "single",
			filter: intercom.Where("updated_at", intercom.OpGt, 1700000000),
			want:   `{"field":"updated_at","operator":">","value":1700000000}`,
		},
		{
			name:   "IN list",
			filter: intercom.Where("state", intercom.OpIn, []string{"open", "snoozed"}),
			want:   `{"field":"state","operator":"IN","value":["open","snoozed"]}`,
		},
		{
			// The example body of api-notes §5.7.
			name: "nested groups",
			filter: intercom.And(
				intercom.Where("updated_at", intercom.OpGt, 1700000000),
				intercom.Or(intercom.Where("state", intercom.OpEq, "open"), intercom.Where("state", intercom.OpEq, "snoozed")),
			),
			want: `{"operator":"AND","value":[{"field":"updated_at","operator":">","value":1700000000},` +
				`{"operator":"OR","value":[{"field":"state","operator":"=","value":"open"},{"field":"state","operator":"=","value":"snoozed"}]}]}`,
		},
		{
			name:   "bool and dotted field",
			filter: intercom.Where("custom_attributes.vip", intercom.OpEq, true),
			want:   `{"field":"custom_attributes.vip","operator":"=","value":true}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.filter.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got, err := tc.filter.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Marshal:\n got %s\nwant %s", got, tc.want)
			}
			// Decoding gives back a filter that encodes the same: a body built elsewhere (the query package's
			// translation) can be carried as a Filter.
			var back intercom.Filter
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := back.MarshalJSON()
			if string(again) != tc.want {
				t.Errorf("round trip:\n got %s\nwant %s", again, tc.want)
			}
		})
	}
}

func TestFilter_Validate(t *testing.T) {
	t.Parallel()
	many := make([]intercom.Filter, intercom.MaxFiltersPerGroup+1)
	for i := range many {
		many[i] = intercom.Where("id", intercom.OpEq, "x")
	}
	leaf := intercom.Where("state", intercom.OpEq, "open")
	tests := []struct {
		name    string
		filter  intercom.Filter
		wantErr string // "" = valid
	}{
		{"single", leaf, ""},
		{"15 in a group", intercom.And(many[:15]...), ""},
		{"depth 2", intercom.And(intercom.Or(leaf, leaf), intercom.Or(leaf, leaf)), ""},
		{"zero filter", intercom.Filter{}, "no operator"},
		{"unknown operator", intercom.Where("state", "==", "open"), `unknown operator "=="`},
		{"no field", intercom.Where("", intercom.OpEq, "open"), "no field"},
		{"no value", intercom.Where("state", intercom.OpEq, nil), "no value"},
		{"IN without a list", intercom.Where("state", intercom.OpIn, "open"), "must be a list"},
		{"IN with an empty list", intercom.Where("state", intercom.OpIn, []string{}), "empty list"},
		{"empty group", intercom.And(), "empty AND group"},
		{"16 in a group", intercom.Or(many...), "16 filters in one group"},
		{"depth 3", intercom.And(intercom.Or(intercom.And(leaf))), "nested 3 deep"},
		{"mixed members", intercom.And(leaf, intercom.Or(leaf, leaf)), ""},
		{"group with a field", intercom.Filter{Operator: intercom.OpAnd, Field: "x", Filters: []intercom.Filter{leaf}}, "takes no field"},
		{"single with members", intercom.Filter{Field: "x", Operator: intercom.OpEq, Value: 1, Filters: []intercom.Filter{leaf}}, "no member filters"},
		{"bad member", intercom.And(leaf, intercom.Where("", intercom.OpEq, 1)), "query.1: no field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.filter.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, intercom.ErrInvalidSearch) {
				t.Errorf("Validate = %v, want an ErrInvalidSearch containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSearch_SendsBodyAndNoRequestWhenInvalid(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		bodies []string
	)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.URL.Path+" "+r.URL.RawQuery+" "+string(b))
		mu.Unlock()
		if r.URL.Path == "/contacts/search" {
			w.Write([]byte(`{"type":"list","data":[],"total_count":0,"pages":{"type":"pages","page":1,"per_page":50,"total_pages":0}}`))
			return
		}
		w.Write([]byte(`{"type":"conversation.list","conversations":[],"total_count":0,"pages":{"type":"pages","page":1,"per_page":20,"total_pages":0}}`))
	}))
	c, _, _ := newClient(t, srv, nil)
	ctx := context.Background()

	q := intercom.Where("updated_at", intercom.OpGt, 1700000000)
	if _, err := c.SearchConversations(ctx, intercom.SearchRequest{Query: q, PerPage: 150, StartingAfter: "WzE2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SearchContacts(ctx, intercom.SearchRequest{Query: q, Sort: &intercom.Sort{Field: "updated_at", Order: intercom.SortAscending}}); err != nil {
		t.Fatal(err)
	}
	invalid := []intercom.SearchRequest{
		{Query: intercom.And()},
		{Query: q, PerPage: 151},
		{Query: q, Sort: &intercom.Sort{Field: "updated_at"}}, // conversations have no sort
	}
	for _, req := range invalid {
		if _, err := c.SearchConversations(ctx, req); !errors.Is(err, intercom.ErrInvalidSearch) {
			t.Errorf("SearchConversations(%+v) err = %v, want ErrInvalidSearch", req, err)
		}
	}
	if _, err := c.SearchContacts(ctx, intercom.SearchRequest{Query: q, Sort: &intercom.Sort{Field: "updated_at", Order: "desc"}}); !errors.Is(err, intercom.ErrInvalidSearch) {
		t.Errorf("bad sort order: err = %v", err)
	}

	want := []string{
		`/conversations/search  {"query":{"field":"updated_at","operator":">","value":1700000000},"pagination":{"per_page":150,"starting_after":"WzE2"}}`,
		`/contacts/search  {"query":{"field":"updated_at","operator":">","value":1700000000},"sort":{"field":"updated_at","order":"ascending"}}`,
	}
	mu.Lock()
	defer mu.Unlock()
	if !reflect.DeepEqual(bodies, want) {
		t.Errorf("server saw:\n%s\nwant:\n%s", strings.Join(bodies, "\n"), strings.Join(want, "\n"))
	}
}

// TestSearchConversationPages_CursorTravelsInBody walks three pages of a search and checks the cursor of each page is
// sent in the next request's body (Intercom ignores one in the query string).
func TestSearchConversationPages_CursorTravelsInBody(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"":   `{"type":"conversation.list","conversations":[{"id":"1"},{"id":"2"}],"total_count":5,"pages":{"type":"pages","page":1,"per_page":2,"total_pages":3,"next":{"page":2,"starting_after":"c2"}}}`,
		"c2": `{"type":"conversation.list","conversations":[{"id":"3"},{"id":"4"}],"total_count":5,"pages":{"type":"pages","page":2,"per_page":2,"total_pages":3,"next":{"page":3,"starting_after":"c3"}}}`,
		"c3": `{"type":"conversation.list","conversations":[{"id":"5"}],"total_count":5,"pages":{"type":"pages","page":3,"per_page":2,"total_pages":3}}`,
	}
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Query      json.RawMessage `json:"query"`
			Pagination struct {
				PerPage       int    `json:"per_page"`
				StartingAfter string `json:"starting_after"`
			} `json:"pagination"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.URL.RawQuery != "" || body.Pagination.PerPage != 2 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		page, ok := pages[body.Pagination.StartingAfter]
		if !ok {
			http.Error(w, "unknown cursor", http.StatusBadRequest)
			return
		}
		w.Write([]byte(page))
	}))
	c, _, _ := newClient(t, srv, nil)

	var ids []string
	req := intercom.SearchRequest{Query: intercom.Where("updated_at", intercom.OpGt, 0), PerPage: 2}
	for page, err := range c.SearchConversationPages(context.Background(), req) {
		if err != nil {
			t.Fatal(err)
		}
		for _, conv := range page.Conversations {
			ids = append(ids, conv.ID)
		}
	}
	if strings.Join(ids, ",") != "1,2,3,4,5" {
		t.Errorf("ids = %v", ids)
	}
	if got := c.Stats().Calls; got != 3 {
		t.Errorf("Calls = %d, want 3", got)
	}
}
