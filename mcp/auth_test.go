package mcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// fakeVerifier is a hand-written TokenVerifier: the real one calls Intercom's GET /me.
type fakeVerifier struct {
	mu         sync.Mutex
	workspaces map[string]string // token → workspace
	down       bool              // Intercom unreachable
	calls      atomic.Int32
	gate       chan struct{} // when set, calls wait on it
}

func (f *fakeVerifier) TokenWorkspace(ctx context.Context, token string) (string, error) {
	f.calls.Add(1)
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return "", errors.New("dial tcp: connection refused")
	}
	ws, ok := f.workspaces[token]
	if !ok {
		return "", fmt.Errorf("GET /me: %w", ErrTokenRejected)
	}
	return ws, nil
}

func newTestAuth(t *testing.T, opts AuthOptions) (http.Handler, *atomic.Int32) {
	t.Helper()
	a, err := newAuthenticator(opts, slog.New(slog.DiscardHandler), func(string) {})
	if err != nil {
		t.Fatalf("newAuthenticator: %v", err)
	}
	var served atomic.Int32
	return a.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := PrincipalFrom(r.Context())
		served.Add(1)
		fmt.Fprint(w, p.Method)
	})), &served
}

func doAuth(h http.Handler, header string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAuth_LocalTokens(t *testing.T) {
	h, _ := newTestAuth(t, AuthOptions{Tokens: []string{"alpha-token", "beta-token"}})
	tests := []struct {
		name      string
		header    string
		status    int
		challenge string
	}{
		{"no header", "", http.StatusUnauthorized, `Bearer realm="intercom-replica"`},
		{"not bearer", "Basic YWxwaGE6", http.StatusUnauthorized, `Bearer realm="intercom-replica"`},
		{"empty bearer", "Bearer ", http.StatusUnauthorized, `Bearer realm="intercom-replica"`},
		{"wrong token", "Bearer gamma-token", http.StatusUnauthorized, `Bearer realm="intercom-replica", error="invalid_token"`},
		{"prefix of a token", "Bearer alpha", http.StatusUnauthorized, `Bearer realm="intercom-replica", error="invalid_token"`},
		{"first token", "Bearer alpha-token", http.StatusOK, ""},
		{"second token, scheme in any case", "bearer beta-token", http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := doAuth(h, tc.header)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tc.status, rec.Body)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", got, tc.challenge)
			}
			if tc.status == http.StatusOK && rec.Body.String() != "local" {
				t.Errorf("principal %q, want local", rec.Body)
			}
		})
	}
}

func TestAuth_IntercomTokens(t *testing.T) {
	clock := fakeintercom.NewClock(time.Unix(1_750_000_000, 0))
	v := &fakeVerifier{workspaces: map[string]string{"ic-ours": "abc123", "ic-theirs": "zzz999"}}
	h, served := newTestAuth(t, AuthOptions{
		Tokens:    []string{"local-token"},
		Intercom:  v,
		Workspace: func(context.Context) string { return "abc123" },
		CacheTTL:  5 * time.Minute,
		Now:       clock.Now,
	})

	if rec := doAuth(h, "Bearer ic-ours"); rec.Code != http.StatusOK || rec.Body.String() != "intercom" {
		t.Fatalf("token of the replicated workspace: %d %s", rec.Code, rec.Body)
	}
	if rec := doAuth(h, "Bearer ic-theirs"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("token of another workspace: %d, want 401", rec.Code)
	}
	if rec := doAuth(h, "Bearer ic-unknown"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("token Intercom rejects: %d, want 401", rec.Code)
	}
	if rec := doAuth(h, "Bearer local-token"); rec.Code != http.StatusOK || rec.Body.String() != "local" {
		t.Fatalf("local token with Intercom tokens on: %d %s", rec.Code, rec.Body)
	}
	calls := v.calls.Load()
	if calls != 3 {
		t.Fatalf("verifier calls %d, want 3 (local tokens never reach Intercom)", calls)
	}

	// Verdicts are cached: no more calls within the TTL, for acceptance and refusal alike.
	for i := 0; i < 5; i++ {
		doAuth(h, "Bearer ic-ours")
		doAuth(h, "Bearer ic-theirs")
	}
	if got := v.calls.Load(); got != calls {
		t.Fatalf("verifier called %d more times within the TTL", got-calls)
	}
	// Refusals expire after at most a minute, acceptances after the TTL.
	clock.Advance(2 * time.Minute)
	doAuth(h, "Bearer ic-ours")
	doAuth(h, "Bearer ic-theirs")
	if got := v.calls.Load(); got != calls+1 {
		t.Fatalf("after 2m: %d new calls, want 1 (only the refusal expired)", got-calls)
	}
	clock.Advance(4 * time.Minute)
	if rec := doAuth(h, "Bearer ic-ours"); rec.Code != http.StatusOK {
		t.Fatalf("after the TTL: %d", rec.Code)
	}
	if got := v.calls.Load(); got != calls+2 {
		t.Fatalf("after the TTL: %d new calls, want 2", got-calls)
	}

	// Intercom down: the token cannot be checked, which is not the same as refused.
	v.mu.Lock()
	v.down = true
	v.mu.Unlock()
	rec := doAuth(h, "Bearer ic-new")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("Intercom down: %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := doAuth(h, "Bearer ic-ours"); rec.Code != http.StatusOK {
		t.Fatalf("a cached acceptance survives Intercom being down: %d", rec.Code)
	}
	if n := served.Load(); n == 0 {
		t.Fatal("nothing served")
	}
}

func TestAuth_IntercomTokensOffByDefault(t *testing.T) {
	h, _ := newTestAuth(t, AuthOptions{Tokens: []string{"local-token"}})
	if rec := doAuth(h, "Bearer ic-ours"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("Intercom token without the opt-in: %d, want 401", rec.Code)
	}
}

func TestAuth_WorkspaceUnknownRefusesIntercomTokens(t *testing.T) {
	v := &fakeVerifier{workspaces: map[string]string{"ic-ours": "abc123"}}
	h, _ := newTestAuth(t, AuthOptions{Intercom: v, Workspace: func(context.Context) string { return "" }})
	if rec := doAuth(h, "Bearer ic-ours"); rec.Code == http.StatusOK {
		t.Fatalf("accepted an Intercom token before the replicated workspace is known")
	}
	if v.calls.Load() != 0 {
		t.Errorf("asked Intercom although nothing could be compared")
	}
}

func TestAuth_ConcurrentVerificationsShareOneCall(t *testing.T) {
	v := &fakeVerifier{workspaces: map[string]string{"ic-ours": "abc123"}, gate: make(chan struct{})}
	h, _ := newTestAuth(t, AuthOptions{Intercom: v, Workspace: func(context.Context) string { return "abc123" }})
	const n = 8
	codes := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() { codes <- doAuth(h, "Bearer ic-ours").Code }()
	}
	// Release the verifier once the first call is in; the others are waiting on the same flight or the cache.
	deadline := time.Now().Add(5 * time.Second)
	for v.calls.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("verifier never called")
		}
		time.Sleep(time.Millisecond)
	}
	close(v.gate)
	for i := 0; i < n; i++ {
		if c := <-codes; c != http.StatusOK {
			t.Errorf("status %d", c)
		}
	}
	if got := v.calls.Load(); got != 1 {
		t.Errorf("%d verifier calls for one token, want the concurrent requests to share one", got)
	}
}

func TestAuth_CacheIsBounded(t *testing.T) {
	clock := fakeintercom.NewClock(time.Unix(1_750_000_000, 0))
	ws := map[string]string{}
	for i := 0; i < 50; i++ {
		ws[fmt.Sprintf("tok-%d", i)] = "abc123"
	}
	v := &fakeVerifier{workspaces: ws}
	a, err := newAuthenticator(AuthOptions{Intercom: v, Workspace: func(context.Context) string { return "abc123" }, CacheSize: 10, Now: clock.Now},
		slog.New(slog.DiscardHandler), func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		clock.Advance(time.Second)
		if _, status, _ := a.check(context.Background(), fmt.Sprintf("tok-%d", i)); status != http.StatusOK {
			t.Fatalf("tok-%d: %d", i, status)
		}
	}
	a.mu.Lock()
	n := len(a.cache)
	a.mu.Unlock()
	if n > 10 {
		t.Fatalf("cache holds %d verdicts, bound is 10", n)
	}
}

func TestAuth_Configuration(t *testing.T) {
	if _, err := newAuthenticator(AuthOptions{}, slog.New(slog.DiscardHandler), nil); err == nil || !strings.Contains(err.Error(), "no bearer token") {
		t.Errorf("no tokens and no auth: %v", err)
	}
	if _, err := newAuthenticator(AuthOptions{Intercom: &fakeVerifier{}}, slog.New(slog.DiscardHandler), nil); err == nil {
		t.Error("Intercom tokens without a workspace accepted")
	}
	if _, err := newAuthenticator(AuthOptions{Tokens: []string{""}}, slog.New(slog.DiscardHandler), nil); err == nil {
		t.Error("empty local token accepted")
	}
}
