package intercom_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// testToken is the token every ad-hoc test server expects. It is long and distinctive so that a leak into a log line
// or error string cannot go unnoticed.
const testToken = "tok_SECRET_7f3a9c2e1b5d4f60a8e2c1d3b5f7a9c0"

// recordingSleeper replaces the client's sleep: it records each wait and returns at once (or with ctx.Err() when the
// context is already done), so retry tests never sleep for real.
type recordingSleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *recordingSleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *recordingSleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// syncBuffer is testwait.Buffer: output written concurrently and read by the test.
type syncBuffer = testwait.Buffer

// newServer starts an httptest server for h and closes it when the test ends.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newClient returns a client for srv with the test token, a recording sleeper, no jitter (Rand returns 0.5), and a
// Debug logger writing into the returned buffer. edit may change the options first.
func newClient(t *testing.T, srv *httptest.Server, edit func(*intercom.Options)) (*intercom.Client, *recordingSleeper, *syncBuffer) {
	t.Helper()
	sleeper := &recordingSleeper{}
	logs := &syncBuffer{}
	opts := intercom.Options{
		Token:      testToken,
		BaseURL:    srv.URL,
		HTTPClient: srv.Client(),
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Sleep:      sleeper.Sleep,
		Rand:       func() float64 { return 0.5 },
	}
	if edit != nil {
		edit(&opts)
	}
	c, err := intercom.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, sleeper, logs
}

// mustReadFile reads a file under testdata.
func mustReadFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveJSON answers every request with status and body as application/json.
func serveJSON(status int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}
}

// errorBody is an Intercom error.list body.
func errorBody(code, message string) []byte {
	return []byte(`{"type":"error.list","request_id":"req-` + code + `","errors":[{"code":"` + code + `","message":"` + message + `"}]}`)
}

// expectCanceled waits for the error of a call whose context was just cancelled: it must come back promptly, as
// context.Canceled.
func expectCanceled(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return after its context was cancelled")
	}
}
