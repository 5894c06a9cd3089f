package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// TestToken_NeverInLogsOrErrors drives the client through every failure path, including servers that echo the
// Authorization header back in their error bodies, and checks that the token appears in no log record and no error
// text, while the Debug log still has its one record per attempt.
func TestToken_NeverInLogsOrErrors(t *testing.T) {
	t.Parallel()
	echo := func(status int, contentType string, jsonBody bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("X-Request-Id", auth) // a misbehaving proxy
			w.Header().Set("Link", "</contacts/"+strings.TrimPrefix(auth, "Bearer ")+`>; rel="canonical"`)
			w.WriteHeader(status)
			if jsonBody {
				fmt.Fprintf(w, `{"type":"error.list","request_id":%q,"errors":[{"code":"unauthorized","message":"bad token %s","field":%q}]}`, auth, auth, auth)
				return
			}
			fmt.Fprintf(w, "request was: GET / Authorization: %s", auth)
		}
	}
	paths := []struct {
		name     string
		h        http.HandlerFunc
		attempts int // per call
	}{
		{"401 echoing the token in JSON", echo(http.StatusUnauthorized, "application/json", true), 1},
		{"410 echoing the token in Link", echo(http.StatusGone, "application/json", true), 1},
		{"400 echoing the token in text", echo(http.StatusBadRequest, "text/plain", false), 1},
		{"500 echoing the token, retried", echo(http.StatusInternalServerError, "text/plain", false), 2},
		{"429 echoing the token, retried", echo(http.StatusTooManyRequests, "application/json", true), 2},
		{"404", serveJSON(http.StatusNotFound, errorBody("not_found", "Resource Not Found")), 1},
		{"truncated body", truncate(meJSON), 2},
		{"connection reset", reset, 2},
		{"malformed 200", serveJSON(http.StatusOK, []byte("{")), 2},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			srv := newServer(t, p.h)
			c, _, logs := newClient(t, srv, func(o *intercom.Options) { o.Retry.MaxAttempts = 2 })
			ctx := context.Background()
			_, err1 := c.GetContact(ctx, "abc")
			_, err2 := c.SearchConversations(ctx, intercom.SearchRequest{Query: intercom.Where("id", intercom.OpEq, "1")})
			for _, err := range []error{err1, err2} {
				if err == nil {
					t.Fatal("the call succeeded; this path must fail")
				}
				var apiErr *intercom.APIError
				texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
				if errors.As(err, &apiErr) {
					texts = append(texts, fmt.Sprintf("%+v", *apiErr))
				}
				for _, s := range texts {
					if strings.Contains(s, testToken) {
						t.Errorf("token in error text: %s", s)
					}
				}
			}
			out := logs.String()
			if strings.Contains(out, testToken) {
				t.Errorf("token in logs:\n%s", out)
			}
			if n := strings.Count(out, `msg="intercom request"`); n != 2*p.attempts {
				t.Errorf("%d request log records, want %d (2 calls x %d attempts):\n%s", n, 2*p.attempts, p.attempts, out)
			}
		})
	}

	t.Run("connection refused", func(t *testing.T) {
		logs := &syncBuffer{}
		c, err := intercom.New(intercom.Options{
			Token: testToken, BaseURL: "http://127.0.0.1:1", Sleep: (&recordingSleeper{}).Sleep,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Retry:  intercom.RetryPolicy{MaxAttempts: 2},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Me(context.Background())
		if err == nil || strings.Contains(err.Error(), testToken) || strings.Contains(logs.String(), testToken) {
			t.Errorf("err = %v; logs:\n%s", err, logs)
		}
		if !strings.Contains(err.Error(), "gave up after 2 attempts") {
			t.Errorf("connection refused was not retried: %v", err)
		}
	})
}

// TestLog_DebugRecordPerAttempt checks the fields of the per-request record, and that nothing is logged above Debug.
func TestLog_DebugRecordPerAttempt(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusBadGateway, nil), serveJSON(http.StatusOK, meJSON)}}
	srv := newServer(t, seq)
	c, _, logs := newClient(t, srv, nil)
	// meJSON decodes as an empty list page (unknown fields are ignored); what matters here is the log.
	if _, err := c.ListConversations(context.Background(), intercom.ListOptions{PerPage: 5, StartingAfter: "cursor-secret-ish"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want 3 (attempt, retry, attempt):\n%s", len(lines), logs)
	}
	for _, want := range []string{"level=DEBUG", `msg="intercom request"`, "method=GET", "path=/conversations", "status=502", "attempt=1", "took_ms="} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("first record lacks %q: %s", want, lines[0])
		}
	}
	for _, want := range []string{`msg="intercom retry"`, "attempt=1", "wait_ms=375"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("retry record lacks %q: %s", want, lines[1])
		}
	}
	if !strings.Contains(lines[2], "status=200") || !strings.Contains(lines[2], "attempt=2") {
		t.Errorf("second attempt record: %s", lines[2])
	}
	if strings.Contains(logs.String(), "cursor-secret-ish") || strings.Contains(logs.String(), "per_page") {
		t.Errorf("the query string was logged:\n%s", logs)
	}

	// At Info the client is silent.
	quiet := &syncBuffer{}
	c2, _, _ := newClient(t, srv, func(o *intercom.Options) {
		o.Logger = slog.New(slog.NewTextHandler(quiet, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	if _, err := c2.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if quiet.String() != "" {
		t.Errorf("logged above Debug:\n%s", quiet)
	}
}
