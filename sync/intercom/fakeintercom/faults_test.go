package fakeintercom

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query/testwait"
)

func TestFaults_RateLimitHeadersAnd429(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{Faults: Faults{RateLimit: 3, RateWindow: 10 * time.Second}})
	f.clock.Set(time.Unix(EpochUnix+day+3, 0)) // 3 s into a 10 s window
	windowEnd := strconv.FormatInt(EpochUnix+day+10, 10)
	for i, wantRemaining := range []string{"2", "1", "0"} {
		r := f.get("/me")
		mustStatus(t, r, http.StatusOK)
		if r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Remaining") != wantRemaining || r.header.Get("X-RateLimit-Reset") != windowEnd {
			t.Errorf("request %d headers: limit %s remaining %s reset %s", i, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"), r.header.Get("X-RateLimit-Reset"))
		}
	}
	r := f.get("/conversations")
	mustStatus(t, r, http.StatusTooManyRequests)
	if code, msg := r.errorCode(t); code != "rate_limit_exceeded" || msg != "Exceeded rate limit of 3 in 10_seconds" {
		t.Errorf("429 body: %s %q", code, msg)
	}
	if r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Reset") != windowEnd {
		t.Errorf("429 headers: %v", r.header)
	}
	// The next window starts afresh, and Reset moves by one window.
	f.clock.Advance(7 * time.Second)
	r = f.get("/me")
	mustStatus(t, r, http.StatusOK)
	if r.header.Get("X-RateLimit-Remaining") != "2" || r.header.Get("X-RateLimit-Reset") != strconv.FormatInt(EpochUnix+day+20, 10) {
		t.Errorf("next window headers: remaining %s reset %s", r.header.Get("X-RateLimit-Remaining"), r.header.Get("X-RateLimit-Reset"))
	}
	f.h.ExhaustRateLimit()
	mustStatus(t, f.get("/me"), http.StatusTooManyRequests)
	if s := f.h.Stats(); s.RateLimited != 2 || s.Requests[RouteMe] != 5 || s.Requests[RouteListConversations] != 1 || s.Total != 6 {
		t.Errorf("stats %+v", s)
	}
}

func TestFaults_DefaultRateLimitAndDisabled(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	if got := f.get("/me").header.Get("X-RateLimit-Limit"); got != "1666" {
		t.Errorf("default X-RateLimit-Limit %q", got)
	}
	f.h.SetFaults(Faults{RateLimit: -1})
	if got := f.get("/me").header.Get("X-RateLimit-Limit"); got != "" {
		t.Errorf("rate limiting disabled, yet X-RateLimit-Limit %q", got)
	}
}

func TestFaults_ServerErrorBursts(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	if err := f.h.FailNext(2, http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r := f.get("/conversations")
		mustStatus(t, r, http.StatusServiceUnavailable)
		if code, _ := r.errorCode(t); code != "service_unavailable" {
			t.Errorf("code %q", code)
		}
	}
	mustStatus(t, f.get("/conversations"), http.StatusOK)
	if err := f.h.FailNext(1, http.StatusNotFound); err == nil {
		t.Error("FailNext accepted a 404")
	}

	f.h.SetFaults(Faults{ErrorRate: 1})
	r := f.get("/me")
	mustStatus(t, r, http.StatusInternalServerError)
	if code, _ := r.errorCode(t); code != "server_error" {
		t.Errorf("code %q", code)
	}
	f.h.SetFaults(Faults{ErrorRate: 0.5})
	failures := 0
	for range 40 {
		if f.get("/me").status == http.StatusInternalServerError {
			failures++
		}
	}
	if failures == 0 || failures == 40 {
		t.Errorf("ErrorRate 0.5 failed %d of 40", failures)
	}
	if got := f.h.Stats().ServerErrors; got != 3+failures {
		t.Errorf("Stats.ServerErrors %d, want %d", got, 3+failures)
	}
}

func TestFaults_TruncatedBody(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	f.h.TruncateNext(1)
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/conversations?per_page=50", nil)
	req.Header.Set("Authorization", "Bearer "+f.h.Token())
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading a truncated body: err %v after %d bytes (Content-Length %d)", err, len(body), resp.ContentLength)
	}
	if json.Valid(body) {
		t.Error("the truncated body is valid JSON")
	}
	mustStatus(t, f.get("/conversations?per_page=50"), http.StatusOK)
	if got := f.h.Stats().Truncated; got != 1 {
		t.Errorf("Stats.Truncated %d", got)
	}
}

func TestFaults_SlowBodyIsComplete(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	want := f.get("/conversations?per_page=30").body
	f.h.SetFaults(Faults{SlowBody: 20 * time.Millisecond})
	if got := f.get("/conversations?per_page=30").body; string(got) != string(want) {
		t.Error("a slow body differs from the normal one")
	}
}

func TestFaults_LatencyHonoursCancellation(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{Faults: Faults{Latency: time.Hour}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+f.h.Token())
	_, err := f.srv.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request against an hour of latency: %v", err)
	}
}

func TestDeletedConversations_VersionAndPages(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 1000, Contacts: 50}, HandlerOptions{})
	for _, version := range []string{"", "2.11", "2.15"} {
		r := f.do(http.MethodGet, "/conversations/deleted", "", "Intercom-Version", version)
		mustStatus(t, r, http.StatusBadRequest)
		if code, msg := r.errorCode(t); code != "intercom_version_invalid" || msg != "Requested resource is not available in current API version." {
			t.Errorf("version %q: %s %q", version, code, msg)
		}
	}
	mustStatus(t, f.do(http.MethodGet, "/conversations/deleted", "", "Intercom-Version", "Preview"), http.StatusOK)

	want := f.ws.DeletedConversationIDs()
	if len(want) < 15 {
		t.Fatalf("only %d deleted conversations", len(want))
	}
	var got []string
	next := "/conversations/deleted?per_page=7"
	for pageNo := 1; next != ""; pageNo++ {
		r := f.get(strings.TrimPrefix(next, f.srv.URL))
		mustStatus(t, r, http.StatusOK)
		var body struct {
			Type  string `json:"type"`
			Total int    `json:"total_count"`
			Pages struct {
				Next       *string `json:"next"`
				Page       int     `json:"page"`
				PerPage    int     `json:"per_page"`
				TotalPages int     `json:"total_pages"`
			} `json:"pages"`
			Conversations []struct {
				Type      string `json:"type"`
				ID        string `json:"id"`
				DeletedAt int64  `json:"deleted_at"`
			} `json:"conversations"`
		}
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Type != "conversations.list" || body.Pages.Page != pageNo || body.Pages.PerPage != 7 || body.Total != len(want) || body.Pages.TotalPages != (len(want)+6)/7 {
			t.Fatalf("page %d: %s", pageNo, r.body)
		}
		for _, c := range body.Conversations {
			got = append(got, c.ID)
		}
		next = ""
		if body.Pages.Next != nil {
			next = *body.Pages.Next
			if !strings.HasPrefix(next, f.srv.URL+"/conversations/deleted?") {
				t.Fatalf("pages.next is not a full URL: %q", next)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("walked %d deleted ids, want %d", len(got), len(want))
	}
	asc := decodeDeleted(t, f.get("/conversations/deleted?order=asc&per_page=500"))
	if len(asc) != min(60, len(want)) {
		t.Errorf("per_page 500 returned %d (max 60)", len(asc))
	}
	if asc[0] != want[len(want)-1] {
		t.Errorf("order=asc starts with %s, want the oldest deletion %s", asc[0], want[len(want)-1])
	}
	mustStatus(t, f.get("/conversations/deleted?order=sideways"), http.StatusBadRequest)
}

func decodeDeleted(t *testing.T, r response) []string {
	t.Helper()
	mustStatus(t, r, http.StatusOK)
	var body struct {
		Conversations []struct {
			ID string `json:"id"`
		} `json:"conversations"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range body.Conversations {
		ids = append(ids, c.ID)
	}
	return ids
}

// TestFaults_CancelledPostDuringLatencyFreesTheHandler checks that a client giving up on a POST while the latency
// fault holds it frees the handler: net/http only notices a client hanging up once the request body has been read,
// so a handler that sleeps before reading it would sleep on, and httptest.Server.Close would block behind it.
func TestFaults_CancelledPostDuringLatencyFreesTheHandler(t *testing.T) {
	t.Parallel()
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 7, Conversations: 20, Contacts: 10})
	h := NewHandler(ws, HandlerOptions{Faults: Faults{Latency: time.Hour}})
	srv := httptest.NewServer(h) // closed below, not in a cleanup: a stuck handler would hold Close for the hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/conversations/search",
		strings.NewReader(`{"query":{"field":"updated_at","operator":">","value":0}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.Token())
	req.Header.Set("Content-Type", "application/json")
	errc := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	testwait.For(t, "the search to reach the handler", 10*time.Second, func() bool { return h.Stats().Total == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled search against an hour of latency: %v", err)
	}
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("httptest.Server.Close still blocked 30 s after the client cancelled: the handler sleeps on")
	}
}

func TestFaults_ConnectionResetBeforeAnyResponse(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	search := func(c *http.Client) (*http.Response, error) {
		req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/conversations/search", strings.NewReader(`{"query":{"field":"updated_at","operator":">","value":0}}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+f.h.Token())
		req.Header.Set("Content-Type", "application/json")
		return c.Do(req)
	}
	f.h.ResetNext(1)
	resp, err := search(f.srv.Client())
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a reset connection answered %d", resp.StatusCode)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("want connection reset by peer, got %v", err)
	}
	resp, err = search(f.srv.Client())
	if err != nil {
		t.Fatalf("the request after a burst of one reset: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the request after the reset: status %d", resp.StatusCode)
	}

	// Go's transport retries a GET by itself when a kept-alive connection is reset before any response (the
	// request is idempotent and the server may have closed an idle connection): the client sees the answer, and
	// the fake sees two requests.
	mustStatus(t, f.get("/me"), http.StatusOK) // read whole, so its connection goes back to the pool
	f.h.ResetStats()
	f.h.ResetNext(1)
	mustStatus(t, f.get("/me"), http.StatusOK)
	if s := f.h.Stats(); s.Resets != 1 || s.Requests[RouteMe] != 2 {
		t.Errorf("a reset GET on a reused connection: stats %+v", s)
	}

	// On a fresh connection nothing is retried: ResetRate 1 resets every request, whatever its token.
	f.h.SetFaults(Faults{ResetRate: 1})
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/me", nil)
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("ResetRate 1 answered %d", resp.StatusCode)
	}
	if s := f.h.Stats(); s.Resets != 2 || s.Unauthorized != 0 {
		t.Errorf("stats %+v", s)
	}

	// Over TLS the TCP connection under it is reset; over HTTP/2 (no hijacking) the stream is.
	for _, h2 := range []bool{false, true} {
		srv := httptest.NewUnstartedServer(f.h)
		srv.EnableHTTP2 = h2
		srv.StartTLS()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/me", nil)
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
			t.Errorf("HTTP/2 %v: a reset request answered %d", h2, resp.StatusCode)
		} else if !h2 && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("TLS: want connection reset by peer, got %v", err)
		}
		srv.Close()
	}
}

func TestFaults_ProxyBadGatewayIsHTML(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	f.h.BadGatewayNext(1)
	r := f.get("/conversations")
	mustStatus(t, r, http.StatusBadGateway)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	if json.Valid(r.body) || !strings.Contains(string(r.body), "<title>502 Bad Gateway</title>") {
		t.Errorf("body %q", r.body)
	}
	// A proxy answered, not Intercom: no request id, no rate-limit headers, nothing counted against the budget.
	for _, k := range []string{"X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining"} {
		if v := r.header.Get(k); v != "" {
			t.Errorf("%s: %q on a proxy's 502", k, v)
		}
	}
	ok := f.get("/me")
	mustStatus(t, ok, http.StatusOK)
	if ok.header.Get("X-RateLimit-Remaining") != strconv.Itoa(DefaultRateLimit-1) {
		t.Errorf("the proxy's 502 counted against the rate limit: remaining %s", ok.header.Get("X-RateLimit-Remaining"))
	}

	// BadGatewayRate 1 answers every request so, before the token is looked at.
	f.h.SetFaults(Faults{BadGatewayRate: 1})
	mustStatus(t, f.do(http.MethodGet, "/me", "", "Authorization", "Bearer wrong"), http.StatusBadGateway)
	if s := f.h.Stats(); s.BadGateways != 2 || s.Unauthorized != 0 {
		t.Errorf("stats %+v", s)
	}
}
