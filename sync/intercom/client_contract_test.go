package intercom_test

// The contract suite: the client against the fake Intercom (sync/intercom/fakeintercom) over real HTTP. The checks
// in TestContract run against real Intercom too when asked with -live (read-only, a few pages per endpoint), so
// where the fake and Intercom disagree the suite shows it; where they do, the fake is wrong. The TestFake_* tests
// drive the fake's fault knobs, which real Intercom does not have.
//
//	go test ./sync/intercom -run TestContract -live    # with INTERCOM_ACCESS_TOKEN, optional INTERCOM_REGION / INTERCOM_BASE_URL

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

var live = flag.Bool("live", false, "also run TestContract against real Intercom (INTERCOM_ACCESS_TOKEN; INTERCOM_REGION or INTERCOM_BASE_URL)")

// target is an Intercom the contract runs against.
type target struct {
	client   *intercom.Client
	token    string
	fake     *fakeIntercom // nil for real Intercom
	perPage  int           // page size for walks
	maxPages int           // walk at most this many pages (0: all)
}

// fakeIntercom is the fake serving a small workspace, with a clock the handler's rate-limit windows and the client
// share: the client's sleeps advance it, so waits for X-RateLimit-Reset take no real time.
type fakeIntercom struct {
	ws      *fakeintercom.Workspace
	h       *fakeintercom.Handler
	srv     *httptest.Server
	clock   *fakeClock
	sleeper *recordingSleeper
	pacer   *recordingPacer
}

// fakeClock is a settable clock; Sleep advances it instead of sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

// Sizes of the contract workspace: big enough for several pages at perPage, deletions (about 2% of conversations)
// and a few contacts per email domain, small enough to generate in milliseconds.
const (
	contractConversations = 150
	contractContacts      = 90
	contractCompanies     = 120 // more than two company scroll pages
	contractArticles      = 120 // more than two GET /articles pages
	contractTickets       = 70  // more than two ticket search pages of 25
	contractSeed          = 7
)

// newFake starts the fake and a client for it. The client's clock is the fake clock; its sleeps are recorded and
// advance that clock; its pacer records what it sees.
func newFake(t *testing.T, faults fakeintercom.Faults, edit func(*intercom.Options)) (*fakeIntercom, *intercom.Client) {
	t.Helper()
	clock := &fakeClock{now: time.Unix(1_767_225_603, 0)} // 3 s into a 10 s window
	// The workspace shares the clock too: mutations are stamped by it and a company scroll expires by it.
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: contractSeed, Conversations: contractConversations,
		Contacts: contractContacts, Companies: contractCompanies, Articles: contractArticles, Tickets: contractTickets, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Faults: faults, Now: clock.Now})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	f := &fakeIntercom{ws: ws, h: h, srv: srv, clock: clock, sleeper: &recordingSleeper{}, pacer: &recordingPacer{}}
	opts := intercom.Options{
		Token:      intercom.Token(h.Token()),
		BaseURL:    srv.URL,
		HTTPClient: srv.Client(),
		Pacer:      f.pacer,
		Now:        clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.sleeper.Sleep(ctx, d)
			return clock.Sleep(ctx, d)
		},
		Rand: func() float64 { return 0.5 },
	}
	if edit != nil {
		edit(&opts)
	}
	c, err := intercom.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// forEachTarget runs fn against the fake, and against real Intercom under -live.
func forEachTarget(t *testing.T, fn func(t *testing.T, tg target)) {
	t.Run("fake", func(t *testing.T) {
		f, c := newFake(t, fakeintercom.Faults{}, nil)
		fn(t, target{client: c, token: f.h.Token(), fake: f, perPage: 25})
	})
	if !*live {
		return
	}
	t.Run("live", func(t *testing.T) {
		token := os.Getenv("INTERCOM_ACCESS_TOKEN")
		if token == "" {
			t.Fatal("-live needs INTERCOM_ACCESS_TOKEN")
		}
		c, err := intercom.New(intercom.Options{
			Token: intercom.Token(token), Region: intercom.Region(os.Getenv("INTERCOM_REGION")), BaseURL: os.Getenv("INTERCOM_BASE_URL"),
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})),
		})
		if err != nil {
			t.Fatal(err)
		}
		fn(t, target{client: c, token: token, perPage: 5, maxPages: 2})
	})
}

// rawField decodes one top-level field of a record's Raw.
func rawField(t *testing.T, raw json.RawMessage, field string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("Raw is not a JSON object: %v", err)
	}
	return m[field]
}

func TestContract_Me(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		me, err := tg.client.Me(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if me.Type != "admin" || me.ID == "" || me.App.IDCode == "" || len(me.Raw) == 0 {
			t.Errorf("Me = %+v", me)
		}
		if tg.fake != nil {
			app := tg.fake.ws.App()
			if me.App.IDCode != app.IDCode || me.App.Name != app.Name || me.App.Region != app.Region || me.App.Timezone != app.TimeZone {
				t.Errorf("App = %+v, want %+v", me.App, app)
			}
		}
	})
}

func TestContract_ListConversations_AllPages(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		var ids []string
		pages := 0
		var last *intercom.ConversationList
		for page, err := range tg.client.ConversationPages(context.Background(), intercom.ListOptions{PerPage: tg.perPage}) {
			if err != nil {
				t.Fatalf("page %d: %v", pages+1, err)
			}
			pages++
			last = page
			for _, c := range page.Conversations {
				if c.ID == "" || c.UpdatedAt == 0 || c.Parts != nil {
					t.Errorf("list item %+v: want an id, updated_at and no parts", c)
				}
				if got := string(rawField(t, c.Raw, "id")); got != `"`+c.ID+`"` {
					t.Errorf("Raw id %s, typed id %q", got, c.ID)
				}
				ids = append(ids, c.ID)
			}
			if tg.maxPages > 0 && pages == tg.maxPages {
				break
			}
		}
		if dup := firstDuplicate(ids); dup != "" {
			t.Errorf("conversation %s listed twice", dup)
		}
		if tg.fake == nil {
			return
		}
		want := tg.fake.ws.ConversationIDs()
		if !slices.Equal(ids, want) {
			t.Fatalf("listed %d ids, want the workspace's %d in list order", len(ids), len(want))
		}
		if wantPages := (len(want) + tg.perPage - 1) / tg.perPage; pages != wantPages || last.Pages.Next != nil || last.TotalCount != len(want) {
			t.Errorf("%d pages (last %+v, total %d), want %d pages ending without next", pages, last.Pages, last.TotalCount, wantPages)
		}
	})
}

// TestFake_ListConversations_RawIsByteIdentical checks that what the client hands the syncer to store is byte for
// byte what the server sent for that record.
func TestFake_ListConversations_RawIsByteIdentical(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	page, err := c.ListConversations(context.Background(), intercom.ListOptions{PerPage: 150})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Conversations) == 0 {
		t.Fatal("empty page")
	}
	for _, conv := range page.Conversations {
		want, err := f.ws.ConversationListItemJSON(conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(conv.Raw, want) {
			t.Fatalf("conversation %s: Raw differs from the served JSON", conv.ID)
		}
	}
}

func TestContract_GetConversation(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		page, err := tg.client.ListConversations(ctx, intercom.ListOptions{PerPage: tg.perPage})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Conversations) == 0 {
			t.Fatal("no conversations to fetch")
		}
		maxParts := 0
		for _, item := range page.Conversations[:min(len(page.Conversations), 10)] {
			conv, err := tg.client.GetConversation(ctx, item.ID)
			if err != nil {
				t.Fatalf("get %s: %v", item.ID, err)
			}
			if conv.ID != item.ID || conv.UpdatedAt < item.UpdatedAt || conv.PartsTotalCount != len(conv.Parts) {
				t.Errorf("get %s: id %s, updated_at %d (list said %d), %d parts of total_count %d",
					item.ID, conv.ID, conv.UpdatedAt, item.UpdatedAt, len(conv.Parts), conv.PartsTotalCount)
			}
			for i, p := range conv.Parts {
				if p.ID == "" || p.PartType == "" || p.CreatedAt == 0 {
					t.Errorf("get %s: part %d = %+v", item.ID, i, p)
				}
			}
			maxParts = max(maxParts, len(conv.Parts))
			if tg.fake != nil {
				want, err := tg.fake.ws.ConversationJSON(item.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(conv.Raw, want) {
					t.Errorf("get %s: Raw differs from the served JSON", item.ID)
				}
			}
		}
		if tg.fake != nil && maxParts < 2 {
			t.Errorf("no conversation among the first ten has more than %d parts", maxParts)
		}
	})
}

func TestContract_NotFound(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		_, err := tg.client.GetConversation(ctx, "999999999")
		var apiErr *intercom.APIError
		if !errors.Is(err, intercom.ErrNotFound) || !errors.As(err, &apiErr) || apiErr.RequestID == "" || apiErr.Code == "" {
			t.Errorf("missing conversation: err = %v", err)
		}
		if _, err := tg.client.GetContact(ctx, "0123456789abcdef01234567"); !errors.Is(err, intercom.ErrNotFound) {
			t.Errorf("missing contact: err = %v", err)
		}
	})
}

func TestContract_Unauthorized(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		opts := intercom.Options{Token: "not-a-valid-token", BaseURL: tg.client.BaseURL(), Sleep: (&recordingSleeper{}).Sleep}
		if tg.fake != nil {
			opts.HTTPClient = tg.fake.srv.Client()
		}
		c, err := intercom.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		calls := []func() error{
			func() error { _, err := c.Me(ctx); return err },
			func() error { _, err := c.ListConversations(ctx, intercom.ListOptions{}); return err },
			func() error { _, err := c.GetConversation(ctx, "1"); return err },
			func() error {
				_, err := c.SearchConversations(ctx, intercom.SearchRequest{Query: intercom.Where("state", intercom.OpEq, "open")})
				return err
			},
			func() error { _, err := c.ListDeletedConversations(ctx, intercom.DeletedListOptions{}); return err },
			func() error { _, err := c.ListContacts(ctx, intercom.ListOptions{}); return err },
			func() error { _, err := c.GetContact(ctx, "abc"); return err },
			func() error {
				_, err := c.SearchContacts(ctx, intercom.SearchRequest{Query: intercom.Where("role", intercom.OpEq, "user")})
				return err
			},
		}
		for i, call := range calls {
			err := call()
			var apiErr *intercom.APIError
			if !errors.Is(err, intercom.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Code != "unauthorized" {
				t.Errorf("call %d: err = %v, want 401 unauthorized", i, err)
			}
		}
		if st := c.Stats(); st.Requests != int64(len(calls)) || st.Retries != 0 {
			t.Errorf("Stats = %+v: a 401 must not be retried", st)
		}
	})
}

func TestContract_SearchConversations(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		// The threshold: the median updated_at of the first pages, or a week ago against real Intercom.
		threshold := time.Now().Add(-7 * 24 * time.Hour).Unix()
		var all []intercom.Conversation
		if tg.fake != nil {
			for page, err := range tg.client.ConversationPages(ctx, intercom.ListOptions{PerPage: 150}) {
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, page.Conversations...)
			}
			times := make([]int64, len(all))
			for i, c := range all {
				times[i] = c.UpdatedAt
			}
			slices.Sort(times)
			threshold = times[len(times)/2]
		}
		queries := []struct {
			name  string
			query intercom.Filter
			match func(c intercom.Conversation) (must, may bool)
		}{
			{
				name:  "updated_at >",
				query: intercom.Where("updated_at", intercom.OpGt, threshold),
				// Intercom documents > as "greater (or equal)" for conversations: a record at the threshold may or may
				// not match; every later one must.
				match: func(c intercom.Conversation) (bool, bool) { return c.UpdatedAt > threshold, c.UpdatedAt >= threshold },
			},
			{
				name: "updated_at > AND (state = open OR state = snoozed)",
				query: intercom.And(intercom.Where("updated_at", intercom.OpGt, threshold),
					intercom.Or(intercom.Where("state", intercom.OpEq, "open"), intercom.Where("state", intercom.OpEq, "snoozed"))),
				match: func(c intercom.Conversation) (bool, bool) {
					s := c.State == "open" || c.State == "snoozed"
					return s && c.UpdatedAt > threshold, s && c.UpdatedAt >= threshold
				},
			},
			{
				name:  "state IN",
				query: intercom.Where("state", intercom.OpIn, []string{"closed"}),
				match: func(c intercom.Conversation) (bool, bool) { return c.State == "closed", c.State == "closed" },
			},
		}
		for _, q := range queries {
			t.Run(q.name, func(t *testing.T) {
				got := map[string]bool{}
				pages := 0
				for page, err := range tg.client.SearchConversationPages(ctx, intercom.SearchRequest{Query: q.query, PerPage: tg.perPage}) {
					if err != nil {
						t.Fatal(err)
					}
					pages++
					for _, c := range page.Conversations {
						if got[c.ID] {
							t.Errorf("conversation %s returned twice", c.ID)
						}
						got[c.ID] = true
						if _, may := q.match(c); !may {
							t.Errorf("conversation %s (state %s, updated_at %d) does not match %s", c.ID, c.State, c.UpdatedAt, q.name)
						}
					}
					if tg.maxPages > 0 && pages == tg.maxPages {
						break
					}
				}
				if tg.fake == nil {
					return
				}
				n := 0
				for _, c := range all {
					if must, _ := q.match(c); must {
						n++
						if !got[c.ID] {
							t.Errorf("conversation %s (state %s, updated_at %d) is missing", c.ID, c.State, c.UpdatedAt)
						}
					}
				}
				if n == 0 || pages < 2 {
					t.Errorf("%d expected matches over %d pages: the query does not exercise pagination", n, pages)
				}
			})
		}

		t.Run("a value of the wrong type is a 400", func(t *testing.T) {
			_, err := tg.client.SearchConversations(ctx, intercom.SearchRequest{Query: intercom.Where("created_at", intercom.OpGt, "foobar")})
			if !errors.Is(err, intercom.ErrInvalidParameter) {
				t.Errorf("err = %v, want ErrInvalidParameter", err)
			}
		})
	})
}

func TestContract_ListDeletedConversations(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		var ids []string
		pages := 0
		for page, err := range tg.client.DeletedConversationPages(context.Background(), intercom.DeletedListOptions{PerPage: 2, Order: "desc"}) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, d := range page.Conversations {
				if d.ID == "" || d.DeletedAt == 0 {
					t.Errorf("deleted item %+v", d)
				}
				ids = append(ids, d.ID)
			}
			if tg.maxPages > 0 && pages == tg.maxPages {
				break
			}
		}
		if tg.fake == nil {
			return
		}
		want := tg.fake.ws.DeletedConversationIDs()
		if len(want) < 3 || !slices.Equal(ids, want) {
			t.Errorf("deleted ids %v over %d pages, want %v", ids, pages, want)
		}
	})
}

func TestContract_ListAndGetContacts(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		var contacts []intercom.Contact
		pages := 0
		for page, err := range tg.client.ContactPages(ctx, intercom.ListOptions{PerPage: tg.perPage}) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			contacts = append(contacts, page.Contacts...)
			if tg.maxPages > 0 && pages == tg.maxPages {
				break
			}
		}
		ids := make([]string, len(contacts))
		for i, c := range contacts {
			ids[i] = c.ID
			if c.ID == "" || c.CreatedAt == 0 || (c.Role != "user" && c.Role != "lead") {
				t.Errorf("contact %+v", c)
			}
		}
		if dup := firstDuplicate(ids); dup != "" {
			t.Errorf("contact %s listed twice", dup)
		}
		if len(contacts) == 0 {
			t.Fatal("no contacts")
		}
		got, err := tg.client.GetContact(ctx, contacts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != contacts[0].ID || got.Email != contacts[0].Email {
			t.Errorf("GetContact = %+v, listed %+v", got, contacts[0])
		}
		if tg.fake == nil {
			return
		}
		if want := tg.fake.ws.ContactIDs(); !slices.Equal(ids, want) {
			t.Fatalf("listed %d contacts, want the workspace's %d in list order", len(ids), len(want))
		}
		for _, c := range contacts {
			want, err := tg.fake.ws.ContactJSON(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.Raw, want) {
				t.Fatalf("contact %s: Raw differs from the served JSON", c.ID)
			}
		}
		if !bytes.Equal(got.Raw, contacts[0].Raw) {
			t.Error("GetContact's Raw differs from the listed one")
		}
	})
}

func TestContract_SearchContacts_Sorted(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		page, err := tg.client.ListContacts(ctx, intercom.ListOptions{PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		// The most common email domain of the first page.
		byDomain := map[string][]string{}
		for _, c := range page.Contacts {
			if c.EmailDomain != "" {
				byDomain[c.EmailDomain] = append(byDomain[c.EmailDomain], c.ID)
			}
		}
		domains := make([]string, 0, len(byDomain))
		for d := range byDomain {
			domains = append(domains, d)
		}
		if len(domains) == 0 {
			t.Fatal("no contact with an email domain")
		}
		sort.Slice(domains, func(i, j int) bool { return len(byDomain[domains[i]]) > len(byDomain[domains[j]]) })
		domain := domains[0]

		req := intercom.SearchRequest{
			Query:   intercom.Where("email_domain", intercom.OpEq, domain),
			PerPage: 2,
			Sort:    &intercom.Sort{Field: "updated_at", Order: intercom.SortAscending},
		}
		var got []intercom.Contact
		pages := 0
		for page, err := range tg.client.SearchContactPages(ctx, req) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, page.Contacts...)
			if tg.maxPages > 0 && pages == tg.maxPages {
				break
			}
		}
		for i, c := range got {
			if !strings.EqualFold(c.EmailDomain, domain) {
				t.Errorf("contact %s has email domain %q, searched %q", c.ID, c.EmailDomain, domain)
			}
			if i > 0 && c.UpdatedAt < got[i-1].UpdatedAt {
				t.Errorf("results not ascending by updated_at at %d: %d after %d", i, c.UpdatedAt, got[i-1].UpdatedAt)
			}
		}
		if tg.fake == nil {
			return
		}
		var want []string
		for _, id := range tg.fake.ws.ContactIDs() {
			raw, err := tg.fake.ws.ContactJSON(id)
			if err != nil {
				t.Fatal(err)
			}
			var c intercom.Contact
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			if strings.EqualFold(c.EmailDomain, domain) {
				want = append(want, id)
			}
		}
		gotIDs := make([]string, len(got))
		for i, c := range got {
			gotIDs[i] = c.ID
		}
		slices.Sort(gotIDs)
		slices.Sort(want)
		if !slices.Equal(gotIDs, want) || len(want) < 3 {
			t.Errorf("found %v, want %v (needs at least 3 to cross pages)", gotIDs, want)
		}
	})
}

// TestFake_VersionIsPinned relies on the fake answering GET /conversations/deleted only to 2.16: a client that did
// not send Intercom-Version would get the app's (older) default and a 400.
func TestFake_VersionIsPinned(t *testing.T) {
	t.Parallel()
	_, c := newFake(t, fakeintercom.Faults{}, nil)
	if _, err := c.ListDeletedConversations(context.Background(), intercom.DeletedListOptions{}); err != nil {
		t.Fatalf("with the pinned version: %v", err)
	}
	_, old := newFake(t, fakeintercom.Faults{}, func(o *intercom.Options) { o.Version = "2.11" })
	_, err := old.ListDeletedConversations(context.Background(), intercom.DeletedListOptions{})
	var apiErr *intercom.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, intercom.ErrInvalidParameter) || apiErr.Code != "intercom_version_invalid" {
		t.Errorf("with 2.11: err = %v, want 400 intercom_version_invalid", err)
	}
}

// TestFake_RateLimitWaitsForReset spends a window's budget and checks that the client waits exactly until the
// fake's X-RateLimit-Reset (on the shared fake clock), retries once, and that the pacer saw every header.
func TestFake_RateLimitWaitsForReset(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{RateLimit: 3, RateWindow: 10 * time.Second}, nil)
	ctx := context.Background()
	for range 4 {
		if _, err := c.Me(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The clock starts 3 s into the window [1767225600, 1767225610): the fourth call is refused and waits 7 s plus
	// the 125 ms of jitter (Rand 0.5).
	if got, want := f.sleeper.Waits(), []time.Duration{7125 * time.Millisecond}; !equalDurations(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	if st := c.Stats(); st.RateLimited != 1 || st.Requests != 5 || st.Failures != 0 {
		t.Errorf("client Stats = %+v", st)
	}
	if st := f.h.Stats(); st.RateLimited != 1 {
		t.Errorf("fake saw %d rate-limited requests, want 1", st.RateLimited)
	}
	f.pacer.mu.Lock()
	defer f.pacer.mu.Unlock()
	var remaining []int
	for _, rl := range f.pacer.observed {
		remaining = append(remaining, rl.Remaining)
		if rl.Limit != 3 || !rl.HasRemaining || rl.Reset.IsZero() {
			t.Errorf("observed %+v", rl)
		}
	}
	if want := []int{2, 1, 0, 0, 2}; !slices.Equal(remaining, want) {
		t.Errorf("observed remaining %v, want %v", remaining, want)
	}
	if len(f.pacer.throttled) != 1 || !f.pacer.throttled[0].Reset.Equal(time.Unix(1_767_225_610, 0)) {
		t.Errorf("throttled = %+v", f.pacer.throttled)
	}
}

func TestFake_ServerErrorsThenSuccess(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	if err := f.h.FailNext(2, http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListContacts(context.Background(), intercom.ListOptions{PerPage: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Contacts) != 5 {
		t.Errorf("%d contacts, want 5", len(page.Contacts))
	}
	if st := c.Stats(); st.ServerErrors != 2 || st.Retries != 2 || st.Requests != 3 {
		t.Errorf("Stats = %+v", st)
	}
	if n := len(f.sleeper.Waits()); n != 2 {
		t.Errorf("%d backoff waits, want 2", n)
	}

	// A longer burst than the attempts allow is an ErrServerError.
	if err := f.h.FailNext(10, http.StatusInternalServerError); err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(context.Background())
	if !errors.Is(err, intercom.ErrServerError) || !strings.Contains(err.Error(), "gave up after 5 attempts") {
		t.Errorf("err = %v", err)
	}
}

func TestFake_TruncatedBodyIsRetried(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	id := f.ws.ConversationIDs()[0]
	f.h.TruncateNext(1)
	conv, err := c.GetConversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := f.ws.ConversationJSON(id)
	if !bytes.Equal(conv.Raw, want) {
		t.Error("Raw after a retried truncation differs from the served JSON")
	}
	if st := f.h.Stats(); st.Truncated != 1 {
		t.Errorf("fake truncated %d bodies, want 1", st.Truncated)
	}
	if st := c.Stats(); st.Retries != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

// TestFake_CancelMidRequest cancels calls while the fake holds the answer back (latency before the headers, or a
// body trickling out) and checks they return context.Canceled promptly.
func TestFake_CancelMidRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults fakeintercom.Faults
		call   func(ctx context.Context, c *intercom.Client) error
	}{
		{
			name:   "waiting for the answer",
			faults: fakeintercom.Faults{Latency: time.Hour},
			call:   func(ctx context.Context, c *intercom.Client) error { _, err := c.GetConversation(ctx, "1"); return err },
		},
		{
			// The fake reads a search body before it answers; a latency fault would hold the handler (not the
			// client) for the whole delay, since net/http only notices a client hanging up once the body is read.
			name:   "reading a slow body",
			faults: fakeintercom.Faults{SlowBody: time.Hour},
			call: func(ctx context.Context, c *intercom.Client) error {
				_, err := c.SearchContacts(ctx, intercom.SearchRequest{Query: intercom.Where("role", intercom.OpEq, "lead")})
				return err
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFake(t, tc.faults, nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- tc.call(ctx, c) }()
			testwait.For(t, "the request to reach the fake", 10*time.Second, func() bool { return f.h.Stats().Total > 0 }) // the request is at the fake
			cancel()
			expectCanceled(t, done)
			if st := c.Stats(); st.Requests != 1 || st.Retries != 0 {
				t.Errorf("Stats = %+v: a cancelled call must not retry", st)
			}
		})
	}
}

// TestFake_MergedContact merges a lead into a user and checks GetContact's 410: ErrMerged, with the canonical id
// from the Link header.
func TestFake_MergedContact(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	ctx := context.Background()
	var lead, user string
	for page, err := range c.ContactPages(ctx, intercom.ListOptions{PerPage: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range page.Contacts {
			switch {
			case ct.Role == "lead" && lead == "":
				lead = ct.ID
			case ct.Role == "user" && user == "":
				user = ct.ID
			}
		}
	}
	if lead == "" || user == "" {
		t.Fatalf("no lead (%q) or no user (%q) in the workspace", lead, user)
	}
	if _, err := f.ws.MergeContact(lead, user); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetContact(ctx, lead)
	var apiErr *intercom.APIError
	if !errors.Is(err, intercom.ErrMerged) || !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want ErrMerged", err)
	}
	if apiErr.CanonicalID != user || apiErr.Code != "contact_merged" || apiErr.StatusCode != http.StatusGone {
		t.Errorf("APIError = %+v, want 410 contact_merged to %s", apiErr, user)
	}
	if st := c.Stats(); st.Retries != 0 {
		t.Errorf("a 410 was retried: %+v", st)
	}
	ct, err := c.GetContact(ctx, apiErr.CanonicalID)
	if err != nil || ct.ID != user {
		t.Errorf("following the canonical id: %+v, %v", ct, err)
	}
}

// TestFake_MutationsAreVisible changes the workspace while the client reads it, the way an incremental sync sees
// changes: an updated_at search finds the replied conversation, which now has one more part; a deleted
// conversation answers 404 and is listed as deleted.
func TestFake_MutationsAreVisible(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	ctx := context.Background()
	ids := f.ws.ConversationIDs()
	replied, deleted := ids[len(ids)-1], ids[len(ids)-2] // the least recently updated
	before, err := c.GetConversation(ctx, replied)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ws.Reply(replied, fakeintercom.Reply{Author: fakeintercom.AuthorUser, Body: "<p>Any update?</p>"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ws.DeleteConversation(deleted); err != nil {
		t.Fatal(err)
	}

	var changed []intercom.Conversation
	for page, err := range c.SearchConversationPages(ctx, intercom.SearchRequest{Query: intercom.Where("updated_at", intercom.OpGt, before.UpdatedAt+1)}) {
		if err != nil {
			t.Fatal(err)
		}
		changed = append(changed, page.Conversations...)
	}
	found := false
	for _, conv := range changed {
		found = found || conv.ID == replied
	}
	if !found {
		t.Fatalf("the search for updated_at > %d did not return the replied conversation %s", before.UpdatedAt+1, replied)
	}
	after, err := c.GetConversation(ctx, replied)
	if err != nil {
		t.Fatal(err)
	}
	if after.UpdatedAt <= before.UpdatedAt || len(after.Parts) != len(before.Parts)+1 || after.Parts[len(after.Parts)-1].Body != "<p>Any update?</p>" {
		t.Errorf("after the reply: updated_at %d (was %d), %d parts (was %d)", after.UpdatedAt, before.UpdatedAt, len(after.Parts), len(before.Parts))
	}

	if _, err := c.GetConversation(ctx, deleted); !errors.Is(err, intercom.ErrNotFound) {
		t.Errorf("deleted conversation: err = %v, want ErrNotFound", err)
	}
	page, err := c.ListDeletedConversations(ctx, intercom.DeletedListOptions{PerPage: 1, Order: "desc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Conversations) != 1 || page.Conversations[0].ID != deleted {
		t.Errorf("most recently deleted = %+v, want %s", page.Conversations, deleted)
	}
}

// TestFake_ConcurrentCalls shares one client between goroutines (run with -race).
func TestFake_ConcurrentCalls(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	ids := f.ws.ConversationIDs()[:16]
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for _, id := range ids {
		wg.Go(func() {
			conv, err := c.GetConversation(context.Background(), id)
			if err == nil && conv.ID != id {
				err = errors.New("got conversation " + conv.ID + " for " + id)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if st := c.Stats(); st.Calls != int64(len(ids)) || st.Requests != int64(len(ids)) {
		t.Errorf("Stats = %+v", st)
	}
}

func firstDuplicate(ids []string) string {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}
