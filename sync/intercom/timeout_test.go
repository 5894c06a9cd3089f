package intercom_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// blackHole accepts connections and never answers on them; it counts what it accepted.
func blackHole(t *testing.T) (url string, accepted *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = &atomic.Int64{}
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
			close(done)
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return "http://" + ln.Addr().String(), accepted
}

// dialer is an HTTP client whose every connection attempt is dial(ctx).
func dialer(dial func(ctx context.Context) (net.Conn, error)) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return dial(ctx) },
	}}
}

// Every way of getting no answer ends the call with an error that names the API's URL and says why, after the
// retries, each attempt bounded by its phase's timeout.
func TestTimeouts_NoAnswerIsUnreachable(t *testing.T) {
	t.Parallel()
	closed := newServer(t, serveJSON(http.StatusOK, meJSON))
	closed.Close()
	hole, accepted := blackHole(t)
	var dials atomic.Int64
	for _, tc := range []struct {
		name     string
		base     string
		http     *http.Client
		want     string // the error's text from "cannot reach" on
		attempts int
		is       error
	}{
		{"closed port", closed.URL, nil, "cannot reach " + closed.URL + ": connection refused (gave up after 3 attempts in", 3, syscall.ECONNREFUSED},
		{"no such host", "http://api.nowhere.invalid", dialer(func(context.Context) (net.Conn, error) {
			dials.Add(1)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.nowhere.invalid", IsNotFound: true}}
		}), "cannot reach http://api.nowhere.invalid: no such host", 1, nil},
		{"connecting never ends", "http://10.1.2.3", dialer(func(ctx context.Context) (net.Conn, error) {
			dials.Add(1)
			<-ctx.Done()
			return nil, ctx.Err()
		}), "cannot reach http://10.1.2.3: timed out after 150ms connecting (gave up after 3 attempts in", 3, nil},
		{"accepted, never answered", hole, nil, "cannot reach " + hole + ": timed out after 150ms waiting for an answer (connected, no response) (gave up after 3 attempts in", 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dials.Store(0)
			accepted.Store(0)
			logs := &syncBuffer{}
			c, err := intercom.New(intercom.Options{
				Token: testToken, BaseURL: tc.base, HTTPClient: tc.http,
				Timeouts: intercom.Timeouts{Connect: 150 * time.Millisecond, Response: 150 * time.Millisecond},
				Retry:    intercom.RetryPolicy{MaxAttempts: 3},
				Sleep:    (&recordingSleeper{}).Sleep,
				Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a backstop, far beyond the test's need
			defer cancel()
			_, err = c.Me(ctx)
			var ue *intercom.UnreachableError
			if !errors.Is(err, intercom.ErrUnreachable) || !errors.As(err, &ue) {
				t.Fatalf("err = %v, want an UnreachableError", err)
			}
			if !strings.HasPrefix(ue.Error(), tc.want) || !strings.HasPrefix(err.Error(), "intercom: GET /me: "+tc.want) {
				t.Errorf("error:\n  %s\nwant it to start with\n  intercom: GET /me: %s", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v does not match %v", err, tc.is)
			}
			if ue.Attempts != tc.attempts {
				t.Errorf("%d attempts, want %d", ue.Attempts, tc.attempts)
			}
			if n := dials.Load() + accepted.Load(); tc.base != closed.URL && n != int64(tc.attempts) {
				t.Errorf("%d connections tried, want %d", n, tc.attempts)
			}
			// Each retry is a warning, saying what failed.
			if n := strings.Count(logs.String(), `msg="intercom retry"`); n != tc.attempts-1 || (n > 0 && !strings.Contains(logs.String(), "cannot reach")) {
				t.Errorf("%d retry warnings, want %d:\n%s", n, tc.attempts-1, logs)
			}
		})
	}
}

// A body that stops coming fails the attempt after the idle timeout (and is retried); one that keeps coming, slowly,
// is read to the end however long it takes in all.
func TestTimeouts_StalledBodyFailsSlowBodyDoesNot(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	stalls := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(meJSON)))
		w.WriteHeader(http.StatusOK)
		w.Write(meJSON[:10])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}
	trickles := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(meJSON)))
		w.WriteHeader(http.StatusOK)
		// Eight pieces 50 ms apart: 400 ms in all, more than the idle timeout, never idle that long.
		for i := range 8 {
			from, to := i*len(meJSON)/8, (i+1)*len(meJSON)/8
			w.Write(meJSON[from:to])
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	}
	seq := &sequence{steps: []http.HandlerFunc{stalls, trickles}}
	srv := newServer(t, seq)
	c, sleeper, logs := newClient(t, srv, func(o *intercom.Options) {
		o.Timeouts = intercom.Timeouts{Idle: 200 * time.Millisecond}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	me, err := c.Me(ctx)
	if err != nil || me.App.IDCode != "abc123" {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	if seq.count() != 2 || len(sleeper.Waits()) != 1 {
		t.Errorf("%d requests, %d waits; want the stalled one retried once", seq.count(), len(sleeper.Waits()))
	}
	if want := "read the response from " + srv.URL + ": timed out after 200ms: the response stalled (no data)"; !strings.Contains(logs.String(), want) {
		t.Errorf("the log does not say %q:\n%s", want, logs)
	}
}

// The call's own deadline ends an attempt the way a phase's timeout does, and the error says what the attempt was
// waiting for, besides matching context.DeadlineExceeded.
func TestTimeouts_CallDeadlineSaysWhatItCutShort(t *testing.T) {
	t.Parallel()
	hole, _ := blackHole(t)
	c, err := intercom.New(intercom.Options{Token: testToken, BaseURL: hole, Sleep: (&recordingSleeper{}).Sleep})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.Me(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, intercom.ErrUnreachable) {
		t.Fatalf("err = %v, want DeadlineExceeded and ErrUnreachable", err)
	}
	if want := "waiting for an answer (connected, no response) at the call's deadline"; !strings.Contains(err.Error(), "cannot reach "+hole+": timed out after ") || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to say %q", err, want)
	}
}

// A 429 whose X-RateLimit-Reset is hours away waits MaxRateLimitWait, and says so.
func TestRetry_FarRateLimitResetIsCappedAndLogged(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	seq := &sequence{steps: []http.HandlerFunc{
		withRateLimit(100, 0, now.Add(5*time.Hour).Unix(), serveJSON(http.StatusTooManyRequests, errorBody("rate_limit_exceeded", "slow down"))),
		serveJSON(http.StatusOK, meJSON),
	}}
	srv := newServer(t, seq)
	c, sleeper, logs := newClient(t, srv, func(o *intercom.Options) {
		o.Now = func() time.Time { return now }
		o.Retry.MaxRateLimitWait = 40 * time.Second
	})
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := sleeper.Waits(); len(w) != 1 || w[0] != 40*time.Second {
		t.Errorf("waits = %v, want [40s]", w)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "reset_in=5h0m0s") {
		t.Errorf("no warning about the far reset:\n%s", logs)
	}
}
