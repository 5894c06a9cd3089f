package intercom_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

var sentinels = []error{
	intercom.ErrNotFound, intercom.ErrUnauthorized, intercom.ErrForbidden, intercom.ErrRateLimited,
	intercom.ErrInvalidParameter, intercom.ErrServerError, intercom.ErrMerged,
}

func TestAPIError_MatchesSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		code   string
		want   error // nil: matches none
	}{
		{http.StatusNotFound, "not_found", intercom.ErrNotFound},
		{http.StatusUnauthorized, "unauthorized", intercom.ErrUnauthorized},
		{http.StatusForbidden, "api_plan_restricted", intercom.ErrForbidden},
		{http.StatusTooManyRequests, "rate_limit_exceeded", intercom.ErrRateLimited},
		{http.StatusBadRequest, "parameter_invalid", intercom.ErrInvalidParameter},
		{http.StatusBadRequest, "invalid_sort_order", intercom.ErrInvalidParameter},
		{http.StatusUnprocessableEntity, "data_invalid", intercom.ErrInvalidParameter},
		{http.StatusInternalServerError, "server_error", intercom.ErrServerError},
		{http.StatusServiceUnavailable, "service_unavailable", intercom.ErrServerError},
		{http.StatusGone, "contact_merged", intercom.ErrMerged},
		{http.StatusConflict, "conflict", nil},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			srv := newServer(t, serveJSON(tc.status, errorBody(tc.code, "something about "+tc.code)))
			c, _, _ := newClient(t, srv, func(o *intercom.Options) { o.Retry.MaxAttempts = 1 })
			_, err := c.ListContacts(context.Background(), intercom.ListOptions{})
			var apiErr *intercom.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want an *APIError", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Code != tc.code || apiErr.Message != "something about "+tc.code ||
				apiErr.RequestID != "req-"+tc.code || apiErr.Method != "GET" || apiErr.Path != "/contacts" {
				t.Errorf("APIError = %+v", apiErr)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tc.want) {
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
			for _, part := range []string{"GET /contacts", tc.code, "something about", "req-" + tc.code} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q lacks %q", err, part)
				}
			}
		})
	}
}

func TestAPIError_SpecExamples(t *testing.T) {
	t.Parallel()
	t.Run("404", func(t *testing.T) {
		srv := newServer(t, serveJSON(http.StatusNotFound, mustReadFile(t, "spec/error_not_found.json")))
		c, _, _ := newClient(t, srv, nil)
		_, err := c.GetConversation(context.Background(), "999")
		var apiErr *intercom.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, intercom.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
		if apiErr.Code != "not_found" || apiErr.Message != "Resource Not Found" || apiErr.RequestID != "8c288c4f-b699-4209-9de4-064398f02785" {
			t.Errorf("APIError = %+v", apiErr)
		}
	})
	t.Run("410 merged with canonical link", func(t *testing.T) {
		body := mustReadFile(t, "spec/error_contact_merged.json")
		srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `</contacts/6762f0d01bb69f9f2193bb7d>; rel="canonical"`)
			serveJSON(http.StatusGone, body)(w, r)
		}))
		c, _, _ := newClient(t, srv, nil)
		_, err := c.GetContact(context.Background(), "5ba682d23d7cf92bef87bfd4")
		var apiErr *intercom.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, intercom.ErrMerged) {
			t.Fatalf("err = %v", err)
		}
		if apiErr.Code != "contact_merged" || apiErr.CanonicalID != "6762f0d01bb69f9f2193bb7d" {
			t.Errorf("APIError = %+v", apiErr)
		}
		if !strings.Contains(err.Error(), "canonical contact 6762f0d01bb69f9f2193bb7d") {
			t.Errorf("error text %q does not name the canonical contact", err)
		}
	})
}

func TestAPIError_CanonicalLinkForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		links []string
		want  string
	}{
		{"relative", []string{`</contacts/abc>; rel="canonical"`}, "abc"},
		{"absolute", []string{`<https://api.intercom.io/contacts/abc/>; rel=canonical`}, "abc"},
		{"among others", []string{`</contacts/x>; rel="prev", </contacts/abc>; rel="alternate canonical"`}, "abc"},
		{"second header", []string{`</x>; rel="next"`, `</contacts/abc>; REL="Canonical"`}, "abc"},
		{"none canonical", []string{`</contacts/abc>; rel="next"`}, ""},
		{"garbage", []string{`contacts/abc; rel=canonical`, `<>; rel=canonical`}, ""},
		{"absent", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for _, l := range tc.links {
					w.Header().Add("Link", l)
				}
				serveJSON(http.StatusGone, errorBody("contact_merged", "merged"))(w, r)
			}))
			c, _, _ := newClient(t, srv, nil)
			_, err := c.GetContact(context.Background(), "old")
			var apiErr *intercom.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v", err)
			}
			if apiErr.CanonicalID != tc.want {
				t.Errorf("CanonicalID = %q, want %q", apiErr.CanonicalID, tc.want)
			}
		})
	}
}

func TestAPIError_NonJSONBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body string
		status                  int
		wantMessage             string
		wantIn                  []string
	}{
		{
			name: "plain text", status: http.StatusBadGateway, contentType: "text/plain", body: "upstream connect error\nor disconnect\x00",
			wantMessage: "upstream connect error or disconnect", wantIn: []string{"502 Bad Gateway", "upstream connect error"},
		},
		{
			name: "html page", status: http.StatusForbidden, contentType: "text/html; charset=utf-8", body: "<html><body><h1>403 Forbidden</h1>" + strings.Repeat("x", 500),
			wantMessage: "", wantIn: []string{"403 Forbidden"},
		},
		{
			name: "empty", status: http.StatusNotFound, contentType: "", body: "",
			wantMessage: "", wantIn: []string{"404 Not Found"},
		},
		{
			name: "long text is cut", status: http.StatusBadRequest, contentType: "text/plain", body: strings.Repeat("é", 300),
			wantMessage: strings.Repeat("é", 100), wantIn: []string{"400 Bad Request"},
		},
		{
			name: "json that is not an error list", status: http.StatusNotFound, contentType: "application/json", body: `{"message":"nope"}`,
			wantMessage: `{"message":"nope"}`, wantIn: []string{"404 Not Found"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.Header().Set("X-Request-Id", "hdr-req-1")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			c, _, _ := newClient(t, srv, func(o *intercom.Options) { o.Retry.MaxAttempts = 1 })
			_, err := c.Me(context.Background())
			var apiErr *intercom.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Code != "" || apiErr.Message != tc.wantMessage || apiErr.RequestID != "hdr-req-1" {
				t.Errorf("APIError = %+v, want message %q", apiErr, tc.wantMessage)
			}
			for _, s := range tc.wantIn {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}
