package intercom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

func TestNew_RegionSelectsBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    intercom.Options
		want    string
		wantErr string
	}{
		{name: "default is us", opts: intercom.Options{Token: "t"}, want: "https://api.intercom.io"},
		{name: "us", opts: intercom.Options{Token: "t", Region: intercom.RegionUS}, want: "https://api.intercom.io"},
		{name: "eu", opts: intercom.Options{Token: "t", Region: intercom.RegionEU}, want: "https://api.eu.intercom.io"},
		{name: "au", opts: intercom.Options{Token: "t", Region: intercom.RegionAU}, want: "https://api.au.intercom.io"},
		{name: "region is case-insensitive", opts: intercom.Options{Token: "t", Region: "EU"}, want: "https://api.eu.intercom.io"},
		{name: "base URL wins over region", opts: intercom.Options{Token: "t", Region: "eu", BaseURL: "http://127.0.0.1:8089"}, want: "http://127.0.0.1:8089"},
		{name: "base URL trailing slash trimmed", opts: intercom.Options{Token: "t", BaseURL: "http://localhost:1/"}, want: "http://localhost:1"},
		{name: "base URL path prefix kept", opts: intercom.Options{Token: "t", BaseURL: "https://proxy.example/intercom/"}, want: "https://proxy.example/intercom"},
		{name: "unknown region", opts: intercom.Options{Token: "t", Region: "ap"}, wantErr: `unknown region "ap"`},
		{name: "no token", opts: intercom.Options{}, wantErr: "no access token"},
		{name: "token with newline", opts: intercom.Options{Token: "abc\r\nX-Evil: 1"}, wantErr: "whitespace or control"},
		{name: "relative base URL", opts: intercom.Options{Token: "t", BaseURL: "/v2"}, wantErr: "absolute http(s) URL"},
		{name: "ftp base URL", opts: intercom.Options{Token: "t", BaseURL: "ftp://x"}, wantErr: "absolute http(s) URL"},
		{name: "base URL with query", opts: intercom.Options{Token: "t", BaseURL: "http://x/?a=1"}, wantErr: "without query"},
		{name: "negative attempts", opts: intercom.Options{Token: "t", Retry: intercom.RetryPolicy{MaxAttempts: -1}}, wantErr: "negative"},
		{name: "negative body cap", opts: intercom.Options{Token: "t", MaxResponseBytes: -1}, wantErr: "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := intercom.New(tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("New: err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.BaseURL(); got != tc.want {
				t.Errorf("BaseURL() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNew_BaseURLCredentialsNotEchoed(t *testing.T) {
	t.Parallel()
	_, err := intercom.New(intercom.Options{Token: "t", BaseURL: "https://user:hunter2@example.com"})
	if err == nil {
		t.Fatal("New accepted a base URL with credentials")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error echoes the URL's password: %v", err)
	}
}

func TestClient_SendsHeaders(t *testing.T) {
	t.Parallel()
	type seen struct{ method, path, auth, version, accept, contentType, userAgent string }
	var (
		mu  sync.Mutex
		got []seen
	)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Intercom-Version"),
			r.Header.Get("Accept"), r.Header.Get("Content-Type"), r.Header.Get("User-Agent")})
		mu.Unlock()
		switch r.URL.Path {
		case "/me":
			w.Write(mustReadFile(t, "spec/me.json"))
		default:
			w.Write([]byte(`{"type":"conversation.list","conversations":[],"total_count":0,"pages":{"type":"pages","page":1,"per_page":20,"total_pages":0}}`))
		}
	}))

	tests := []struct {
		name        string
		version     string
		wantVersion string
	}{
		{name: "pinned default", version: "", wantVersion: "2.16"},
		{name: "overridden", version: "2.15", wantVersion: "2.15"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			c, _, _ := newClient(t, srv, func(o *intercom.Options) { o.Version = tc.version })
			ctx := context.Background()
			if _, err := c.Me(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := c.SearchConversations(ctx, intercom.SearchRequest{Query: intercom.Where("state", intercom.OpEq, "open")}); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 2 {
				t.Fatalf("server saw %d requests, want 2", len(got))
			}
			for _, s := range got {
				if s.auth != "Bearer "+testToken {
					t.Errorf("%s %s: Authorization = %q", s.method, s.path, s.auth)
				}
				if s.version != tc.wantVersion {
					t.Errorf("%s %s: Intercom-Version = %q, want %q", s.method, s.path, s.version, tc.wantVersion)
				}
				if s.accept != "application/json" {
					t.Errorf("%s %s: Accept = %q", s.method, s.path, s.accept)
				}
				if s.userAgent != "intercom-replica" {
					t.Errorf("%s %s: User-Agent = %q", s.method, s.path, s.userAgent)
				}
			}
			if got[0].contentType != "" {
				t.Errorf("GET sent Content-Type %q", got[0].contentType)
			}
			if got[1].method != http.MethodPost || got[1].contentType != "application/json" {
				t.Errorf("search: %s with Content-Type %q, want POST application/json", got[1].method, got[1].contentType)
			}
			if c.Version() != tc.wantVersion {
				t.Errorf("Version() = %q", c.Version())
			}
		})
	}
}

func TestToken_NeverFormatsInClear(t *testing.T) {
	t.Parallel()
	opts := intercom.Options{Token: testToken, BaseURL: "http://x"}
	var logs syncBuffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("options", "token", opts.Token, "opts", opts)
	texts := []string{
		fmt.Sprintf("%v", opts), fmt.Sprintf("%+v", opts), fmt.Sprintf("%#v", opts),
		//lint:ignore S1025 the point is what fmt's %s verb prints, whatever String() does
		fmt.Sprintf("%s", opts.Token),
		fmt.Sprintf("%q", opts.Token), fmt.Sprint(opts.Token), logs.String(),
	}
	for _, s := range texts {
		if strings.Contains(s, testToken) {
			t.Errorf("token leaked into %q", s)
		}
	}
	b, err := json.Marshal(struct{ Token intercom.Token }{opts.Token})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), testToken) || !strings.Contains(string(b), "[REDACTED]") {
		t.Errorf("json.Marshal = %s, want the token redacted", b)
	}
}
