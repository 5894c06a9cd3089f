package fakeintercom

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fake is a served workspace for tests.
type fake struct {
	t     *testing.T
	ws    *Workspace
	h     *Handler
	srv   *httptest.Server
	clock *Clock
}

// newFake serves a small workspace (seed 7) whose clock starts one day after the epoch.
func newFake(t *testing.T, opts WorkspaceOptions, hopts HandlerOptions) *fake {
	t.Helper()
	clock := NewClock(time.Unix(EpochUnix+day, 0))
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	if opts.Conversations == 0 && opts.Contacts == 0 {
		opts.Conversations, opts.Contacts = 120, 80
	}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	ws, err := NewWorkspace(opts)
	if err != nil {
		t.Fatal(err)
	}
	if hopts.Now == nil {
		hopts.Now = clock.Now
	}
	h := NewHandler(ws, hopts)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fake{t: t, ws: ws, h: h, srv: srv, clock: clock}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return m
}

// errorCode returns the first error code of an error.list body.
func (r response) errorCode(t *testing.T) (code, msg string) {
	t.Helper()
	m := r.json(t)
	if m["type"] != "error.list" {
		t.Fatalf("want an error.list, got %s", r.body)
	}
	if id, _ := m["request_id"].(string); id == "" {
		t.Errorf("error.list without request_id: %s", r.body)
	}
	errs := m["errors"].([]any)
	e := errs[0].(map[string]any)
	return e["code"].(string), e["message"].(string)
}

func (f *fake) do(method, path, body string, header ...string) response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.h.Token())
	req.Header.Set("Intercom-Version", "2.16")
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (f *fake) get(path string) response { f.t.Helper(); return f.do(http.MethodGet, path, "") }

func (f *fake) search(kind string, body any) response {
	f.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.do(http.MethodPost, "/"+kind+"/search", string(b))
}

func mustStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

// page is a decoded list or search answer.
type page struct {
	ids        []string
	raw        []json.RawMessage
	totalCount int
	perPage    int
	page       int
	totalPages int
	next       string // pages.next.starting_after
}

func decodePage(t *testing.T, r response, itemsKey string) page {
	t.Helper()
	mustStatus(t, r, http.StatusOK)
	var body struct {
		Pages struct {
			Type string `json:"type"`
			Next *struct {
				Page          int    `json:"page"`
				StartingAfter string `json:"starting_after"`
			} `json:"next"`
			Page       int `json:"page"`
			PerPage    int `json:"per_page"`
			TotalPages int `json:"total_pages"`
		} `json:"pages"`
		TotalCount int `json:"total_count"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	var items map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &items); err != nil {
		t.Fatal(err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(items[itemsKey], &list); err != nil {
		t.Fatalf("%s: %v in %s", itemsKey, err, r.body)
	}
	p := page{raw: list, totalCount: body.TotalCount, perPage: body.Pages.PerPage, page: body.Pages.Page, totalPages: body.Pages.TotalPages}
	if body.Pages.Next != nil {
		p.next = body.Pages.Next.StartingAfter
		if body.Pages.Next.Page != p.page+1 {
			t.Errorf("pages.next.page %d after page %d", body.Pages.Next.Page, p.page)
		}
	}
	for _, item := range list {
		var x struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(item, &x); err != nil {
			t.Fatal(err)
		}
		p.ids = append(p.ids, x.ID)
	}
	return p
}

// walkList follows a cursor list to its last page and returns every id in order.
func (f *fake) walkList(path, itemsKey string, perPage int) []string {
	f.t.Helper()
	var ids []string
	after := ""
	for pageNo := 1; ; pageNo++ {
		q := path + "?per_page=" + strconv.Itoa(perPage)
		if after != "" {
			q += "&starting_after=" + url.QueryEscape(after)
		}
		p := decodePage(f.t, f.get(q), itemsKey)
		if p.page != pageNo {
			f.t.Fatalf("page %d reports pages.page %d", pageNo, p.page)
		}
		ids = append(ids, p.ids...)
		if p.next == "" {
			return ids
		}
		if pageNo > 10000 {
			f.t.Fatal("list never ends")
		}
		after = p.next
	}
}

// walkSearch follows a search to its last page.
func (f *fake) walkSearch(kind string, body map[string]any, perPage int) []string {
	f.t.Helper()
	var ids []string
	after := ""
	for pageNo := 1; ; pageNo++ {
		pagination := map[string]any{"per_page": perPage}
		if after != "" {
			pagination["starting_after"] = after
		}
		body["pagination"] = pagination
		itemsKey := map[string]string{"contacts": "data", "tickets": "tickets"}[kind]
		if itemsKey == "" {
			itemsKey = "conversations"
		}
		p := decodePage(f.t, f.search(kind, body), itemsKey)
		ids = append(ids, p.ids...)
		if p.next == "" {
			return ids
		}
		after = p.next
	}
}

// walkPages follows a page-numbered list (page, per_page; pages.next is {page} or null) to its last page and
// returns every id in order, checking total_count and total_pages on the way.
func (f *fake) walkPages(path, itemsKey string, perPage int) []string {
	f.t.Helper()
	var ids []string
	for pageNo := 1; ; pageNo++ {
		r := f.get(path + "?per_page=" + strconv.Itoa(perPage) + "&page=" + strconv.Itoa(pageNo))
		p := decodePage(f.t, r, itemsKey)
		if p.page != pageNo || p.perPage != perPage {
			f.t.Fatalf("page %d of %d reports page %d of %d", pageNo, perPage, p.page, p.perPage)
		}
		ids = append(ids, p.ids...)
		next, _ := r.json(f.t)["pages"].(map[string]any)["next"].(map[string]any)
		if next == nil {
			if pageNo != max(1, p.totalPages) || len(ids) != p.totalCount {
				f.t.Fatalf("%s: last page %d of %d, %d ids of %d", path, pageNo, p.totalPages, len(ids), p.totalCount)
			}
			return ids
		}
		if pageNo > 10000 {
			f.t.Fatal("list never ends")
		}
	}
}
