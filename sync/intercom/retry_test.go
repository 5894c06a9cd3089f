package intercom_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// sequence answers the i-th request with steps[i] (the last step repeats) and counts requests.
type sequence struct {
	steps []http.HandlerFunc
	n     atomic.Int64
}

func (s *sequence) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	s.steps[min(i, len(s.steps)-1)](w, r)
}

func (s *sequence) count() int { return int(s.n.Load()) }

var meJSON = []byte(`{"type":"admin","id":"1","email":"a@example.com","app":{"type":"app","id_code":"abc123"}}`)

// truncate declares a long body, writes the start of it and drops the connection: the client sees an unexpected EOF.
func truncate(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}
}

// reset drops the connection with a TCP RST before answering.
func reset(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func TestRetry_ServerErrorThenSuccess(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{
		serveJSON(http.StatusServiceUnavailable, errorBody("service_unavailable", "try later")),
		serveJSON(http.StatusInternalServerError, []byte("oops")),
		serveJSON(http.StatusOK, meJSON),
	}}
	srv := newServer(t, seq)
	c, sleeper, _ := newClient(t, srv, nil)

	me, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.App.IDCode != "abc123" {
		t.Errorf("app = %+v", me.App)
	}
	// Rand is fixed at 0.5: the delay before retry n is 3/4 of min(500ms·2^(n-1), 30s).
	want := []time.Duration{375 * time.Millisecond, 750 * time.Millisecond}
	if got := sleeper.Waits(); !equalDurations(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	st := c.Stats()
	wantStats := intercom.Stats{Calls: 1, Requests: 3, Retries: 2, ServerErrors: 2, Backoff: 1125 * time.Millisecond,
		BytesReceived: st.BytesReceived}
	if st != wantStats {
		t.Errorf("Stats = %+v\nwant    %+v", st, wantStats)
	}
	if want := int64(len(errorBody("service_unavailable", "try later")) + len("oops") + len(meJSON)); st.BytesReceived != want {
		t.Errorf("BytesReceived = %d, want %d", st.BytesReceived, want)
	}
}

func TestRetry_GivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusBadGateway, errorBody("server_error", "bad gateway"))}}
	srv := newServer(t, seq)
	c, sleeper, _ := newClient(t, srv, func(o *intercom.Options) {
		o.Retry = intercom.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 3 * time.Second}
		o.Rand = func() float64 { return 0.999999 }
	})

	_, err := c.ListConversations(context.Background(), intercom.ListOptions{})
	var apiErr *intercom.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, intercom.ErrServerError) || apiErr.StatusCode != http.StatusBadGateway {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Errorf("error %q does not say how many attempts were made", err)
	}
	if seq.count() != 4 {
		t.Errorf("%d requests, want 4", seq.count())
	}
	// Delays double from BaseDelay and stop at MaxDelay; jitter keeps each in [d/2, d).
	waits := sleeper.Waits()
	caps := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	if len(waits) != len(caps) {
		t.Fatalf("waits = %v, want %d of them", waits, len(caps))
	}
	for i, w := range waits {
		if w < caps[i]/2 || w >= caps[i] {
			t.Errorf("wait %d = %v, want in [%v, %v)", i, w, caps[i]/2, caps[i])
		}
	}
	if st := c.Stats(); st.Failures != 1 || st.Retries != 3 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestRetry_NeverRetriesOther4xx(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 405, 408, 409, 410, 422} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			seq := &sequence{steps: []http.HandlerFunc{serveJSON(status, errorBody("x", "no")), serveJSON(http.StatusOK, meJSON)}}
			srv := newServer(t, seq)
			c, sleeper, _ := newClient(t, srv, nil)
			if _, err := c.Me(context.Background()); err == nil {
				t.Fatal("Me succeeded; want the 4xx")
			}
			if seq.count() != 1 || len(sleeper.Waits()) != 0 {
				t.Errorf("%d requests, %d waits; want 1 and 0", seq.count(), len(sleeper.Waits()))
			}
		})
	}
}

func TestRetry_RateLimitedWaitsForReset(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 400_000_000)
	rateLimited := func(reset string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Limit", "167")
			w.Header().Set("X-RateLimit-Remaining", "0")
			if reset != "" {
				w.Header().Set("X-RateLimit-Reset", reset)
			}
			serveJSON(http.StatusTooManyRequests, errorBody("rate_limit_exceeded", "Exceeded rate limit of 167 in 10_seconds"))(w, r)
		}
	}
	tests := []struct {
		name  string
		reset string
		want  time.Duration
	}{
		// Jitter: Rand 0.5 adds 125 ms to a wait for the reset.
		{name: "reset ahead", reset: "1700000007", want: 6600*time.Millisecond + 125*time.Millisecond},
		{name: "reset passed", reset: "1699999990", want: 125 * time.Millisecond},
		{name: "reset far ahead is capped", reset: "1700003600", want: 20 * time.Second},
		{name: "no reset header: backoff", reset: "", want: 375 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq := &sequence{steps: []http.HandlerFunc{rateLimited(tc.reset), serveJSON(http.StatusOK, meJSON)}}
			srv := newServer(t, seq)
			c, sleeper, _ := newClient(t, srv, func(o *intercom.Options) {
				o.Now = func() time.Time { return now }
				o.Retry.MaxRateLimitWait = 20 * time.Second
			})
			if _, err := c.Me(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := sleeper.Waits(); !equalDurations(got, []time.Duration{tc.want}) {
				t.Errorf("waits = %v, want [%v]", got, tc.want)
			}
			if st := c.Stats(); st.RateLimited != 1 || st.Requests != 2 || st.Failures != 0 {
				t.Errorf("Stats = %+v", st)
			}
		})
	}

	t.Run("still limited after every attempt", func(t *testing.T) {
		seq := &sequence{steps: []http.HandlerFunc{rateLimited("1700000010")}}
		srv := newServer(t, seq)
		c, _, _ := newClient(t, srv, func(o *intercom.Options) {
			o.Now = func() time.Time { return now }
			o.Retry.MaxAttempts = 3
		})
		_, err := c.Me(context.Background())
		var apiErr *intercom.APIError
		if !errors.Is(err, intercom.ErrRateLimited) || !errors.As(err, &apiErr) {
			t.Fatalf("err = %v", err)
		}
		if !apiErr.RateLimit.Reset.Equal(time.Unix(1700000010, 0)) || apiErr.RateLimit.Limit != 167 {
			t.Errorf("APIError.RateLimit = %+v", apiErr.RateLimit)
		}
		if seq.count() != 3 || c.Stats().RateLimited != 3 {
			t.Errorf("%d requests, %d 429s; want 3 and 3", seq.count(), c.Stats().RateLimited)
		}
	})
}

func TestRetry_TruncatedAndMalformedBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		first     http.HandlerFunc
		wantRetry bool
	}{
		{name: "connection dropped mid-body", first: truncate(meJSON), wantRetry: true},
		{name: "cut-off JSON", first: serveJSON(http.StatusOK, meJSON[:len(meJSON)-7]), wantRetry: true},
		{name: "HTML instead of JSON", first: serveJSON(http.StatusOK, []byte("<html>captive portal</html>")), wantRetry: true},
		{name: "empty body", first: serveJSON(http.StatusOK, nil), wantRetry: true},
		{name: "connection reset", first: reset, wantRetry: true},
		{name: "valid JSON of the wrong shape", first: serveJSON(http.StatusOK, []byte(`{"id":{"not":"an id"}}`)), wantRetry: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq := &sequence{steps: []http.HandlerFunc{tc.first, serveJSON(http.StatusOK, meJSON)}}
			srv := newServer(t, seq)
			c, _, _ := newClient(t, srv, nil)
			me, err := c.Me(context.Background())
			if !tc.wantRetry {
				if !errors.Is(err, intercom.ErrMalformedResponse) {
					t.Fatalf("err = %v, want ErrMalformedResponse", err)
				}
				if seq.count() != 1 {
					t.Errorf("%d requests, want 1 (no retry)", seq.count())
				}
				return
			}
			if err != nil {
				t.Fatalf("Me: %v", err)
			}
			if me.ID != "1" || seq.count() != 2 || c.Stats().Retries != 1 {
				t.Errorf("me %+v after %d requests, %d retries; want 2 requests, 1 retry", me, seq.count(), c.Stats().Retries)
			}
		})
	}

	t.Run("malformed every time", func(t *testing.T) {
		seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusOK, []byte(`{"type":"admin",`))}}
		srv := newServer(t, seq)
		c, _, _ := newClient(t, srv, func(o *intercom.Options) { o.Retry.MaxAttempts = 2 })
		_, err := c.Me(context.Background())
		if !errors.Is(err, intercom.ErrMalformedResponse) || seq.count() != 2 {
			t.Errorf("err = %v after %d requests; want ErrMalformedResponse after 2", err, seq.count())
		}
		var syntax *json.SyntaxError
		if !errors.As(err, &syntax) || strings.Count(err.Error(), "intercom:") != 1 || !strings.Contains(err.Error(), "GET /me: malformed response") {
			t.Errorf("err = %q: want one prefix, the request, and the JSON syntax error underneath", err)
		}
	})
}

func TestRetry_AttemptTimeout(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, // hangs until the client gives up
		serveJSON(http.StatusOK, meJSON),
	}}
	srv := newServer(t, seq)
	c, _, _ := newClient(t, srv, func(o *intercom.Options) {
		hc := *srv.Client()
		hc.Timeout = 100 * time.Millisecond
		o.HTTPClient = &hc
	})
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatalf("Me: %v", err)
	}
	if seq.count() != 2 {
		t.Errorf("%d requests, want 2", seq.count())
	}
}

func TestRetry_ResponseTooLarge(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusOK, meJSON)}}
	srv := newServer(t, seq)
	c, _, _ := newClient(t, srv, func(o *intercom.Options) { o.MaxResponseBytes = 10 })
	_, err := c.Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "exceeds 10 bytes") || seq.count() != 1 {
		t.Errorf("err = %v after %d requests", err, seq.count())
	}
}

// TestCancel_Prompt cancels a call while it waits (backoff, 429 reset, a slow response, the pacer) with the real
// sleep and a wait that would last an hour: the call must return context.Canceled promptly.
func TestCancel_Prompt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		step  func(started chan<- struct{}) http.HandlerFunc
		pacer bool
	}{
		{
			name: "during backoff after a 5xx",
			step: func(started chan<- struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					serveJSON(http.StatusInternalServerError, errorBody("server_error", "boom"))(w, r)
					started <- struct{}{}
				}
			},
		},
		{
			name: "during a 429 wait",
			step: func(started chan<- struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
					serveJSON(http.StatusTooManyRequests, errorBody("rate_limit_exceeded", "slow down"))(w, r)
					started <- struct{}{}
				}
			},
		},
		{
			name: "during a slow response",
			step: func(started chan<- struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					started <- struct{}{}
					<-r.Context().Done()
				}
			},
		},
		{
			name:  "in the pacer",
			pacer: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			started := make(chan struct{}, 1)
			var h http.Handler = http.NotFoundHandler()
			if tc.step != nil {
				h = tc.step(started)
			}
			srv := newServer(t, h)
			c, _, _ := newClient(t, srv, func(o *intercom.Options) {
				o.Sleep = nil // the real one
				o.Retry = intercom.RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour, MaxRateLimitWait: time.Hour}
				if tc.pacer {
					o.Pacer = blockingPacer{started}
				}
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := c.Me(ctx)
				done <- err
			}()
			<-started
			cancel()
			expectCanceled(t, done)
		})
	}
}

// blockingPacer never lets a request through; it says when it starts waiting.
type blockingPacer struct{ waiting chan<- struct{} }

func (p blockingPacer) Wait(ctx context.Context) error {
	p.waiting <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}
func (blockingPacer) Observe(intercom.RateLimit)   {}
func (blockingPacer) Throttled(intercom.RateLimit) {}
func (blockingPacer) Unanswered()                  {}

func TestCancel_BeforeTheCallSendsNothing(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusOK, meJSON)}}
	srv := newServer(t, seq)
	c, _, _ := newClient(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Me(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if seq.count() != 0 {
		t.Errorf("%d requests sent with a cancelled context", seq.count())
	}
}

func TestCancel_DeadlineDuringBackoff(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusServiceUnavailable, nil)}}
	srv := newServer(t, seq)
	c, _, _ := newClient(t, srv, func(o *intercom.Options) {
		o.Sleep = nil
		o.Retry.BaseDelay = time.Hour
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Me(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// barrierSleeper is a Sleep that returns once n calls are sleeping (every call of a round has failed and logged),
// or after a bound, so that a round of concurrent retries is complete before any of them goes on.
type barrierSleeper struct {
	n     int
	mu    gosync.Mutex
	count int
	ch    chan struct{}
}

func (b *barrierSleeper) Sleep(ctx context.Context, d time.Duration) error {
	b.mu.Lock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	ch := b.ch
	if b.count++; b.count == b.n {
		close(ch)
		b.ch, b.count = nil, 0
	}
	b.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(30 * time.Second):
		return errors.New("barrierSleeper: the round never filled")
	}
}

// TestRetry_ConcurrentSameFailuresLogOneWarningARound: 16 calls failing the same way at once (Intercom gone
// mid-backfill) log one retry warning a round, naming a request, and one line counting the others, instead of a
// warning per request; every call still returns its own error, attempts counted.
func TestRetry_ConcurrentSameFailuresLogOneWarningARound(t *testing.T) {
	t.Parallel()
	const calls = 16
	srv := newServer(t, http.HandlerFunc(reset))
	sleeper := &barrierSleeper{n: calls}
	c, _, logs := newClient(t, srv, func(o *intercom.Options) {
		o.Retry = intercom.RetryPolicy{MaxAttempts: 3}
		o.Sleep = sleeper.Sleep
	})
	errs := make(chan error, calls)
	for i := range calls {
		go func() {
			_, err := c.GetConversation(context.Background(), strconv.Itoa(1000+i))
			errs <- err
		}()
	}
	for range calls {
		if err := <-errs; !errors.Is(err, intercom.ErrUnreachable) || !strings.Contains(err.Error(), "gave up after 3 attempts") {
			t.Errorf("call error = %v, want unreachable after 3 attempts", err)
		}
	}
	text := logs.String()
	if n := strings.Count(text, `msg="intercom retry"`); n != 2 {
		t.Errorf("%d retry warnings for %d calls failing twice, want 2 (one a round):\n%s", n, calls, text)
	}
	for _, attempt := range []string{"attempt=1", "attempt=2"} {
		re := regexp.MustCompile(`level=WARN msg="intercom retry: more requests failed the same way" requests=15 ` + attempt + ` max_attempts=3 error="cannot reach ` + regexp.QuoteMeta(srv.URL) + `: connection reset"`)
		if !re.MatchString(text) {
			t.Errorf("no line counting the other 15 requests of %s (%s):\n%s", attempt, re, text)
		}
	}
}
