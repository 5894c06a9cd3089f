package sync

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// simServer is Intercom's rate limiter as a budget sees it: fixed windows on the server's clock (the bubble's
// clock plus offset), a limit per window shared with other apps, and honest headers on every answer.
type simServer struct {
	limit   int
	window  time.Duration
	offset  time.Duration // the server's clock runs this far ahead of ours
	others  int           // requests other apps make at the start of each window
	noHdrs  bool          // answers carry no rate-limit headers
	noReset bool          // answers carry X-RateLimit-Limit and -Remaining but no -Reset
	lie     time.Duration // X-RateLimit-Reset is this much later than the window's end

	mu        gosync.Mutex
	cur       time.Time // start of the current window (server clock)
	used      int
	served    map[time.Time]int // our requests served, by window start
	throttled int
	firstHalf map[time.Time]int // our requests served in the first half of their window
}

func newSimServer(limit int, window time.Duration) *simServer {
	return &simServer{limit: limit, window: window, served: map[time.Time]int{}, firstHalf: map[time.Time]int{}}
}

// serve counts one request and returns the headers of its answer and whether it was a 429.
func (s *simServer) serve() (intercom.RateLimit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().Add(s.offset)
	start := now.Truncate(s.window)
	if !start.Equal(s.cur) {
		s.cur, s.used = start, s.others
	}
	if s.noHdrs {
		s.served[start]++
		return intercom.RateLimit{}, false
	}
	s.used++
	rl := intercom.RateLimit{Limit: s.limit, Remaining: max(s.limit-s.used, 0), HasRemaining: true, Reset: start.Add(s.window + s.lie)}
	if s.noReset {
		rl.Reset = time.Time{}
	}
	if s.used > s.limit {
		s.throttled++
		return rl, true
	}
	s.served[start]++
	if now.Sub(start) < s.window/2 {
		s.firstHalf[start]++
	}
	return rl, false
}

// client runs requests through h like intercom.Client does, until ctx is done: Wait, send, Observe, and on a 429
// Throttled and a wait until the reset.
func (s *simServer) client(ctx context.Context, h *BudgetHandle, latency time.Duration) {
	for ctx.Err() == nil {
		if err := h.Wait(ctx); err != nil {
			return
		}
		time.Sleep(latency / 2)
		rl, limited := s.serve()
		time.Sleep(latency / 2)
		h.Observe(rl)
		if limited {
			h.Throttled(rl)
			time.Sleep(max(time.Until(rl.Reset.Add(-s.offset)), 0))
		}
	}
}

// fullWindows returns our served counts of the windows wholly inside (from, to), skipping the first skip of them.
func (s *simServer) fullWindows(from, to time.Time, skip int) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for w := from.Add(s.offset).Truncate(s.window).Add(s.window); !w.Add(s.window).After(to.Add(s.offset)); w = w.Add(s.window) {
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, s.served[w])
	}
	return out
}

func runClients(t *testing.T, s *simServer, b *Budget, workers int, latency, d time.Duration) (from, to time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	from = time.Now()
	var wg gosync.WaitGroup
	for range workers {
		wg.Go(func() { s.client(ctx, b.Pacer(PrioritySync), latency) })
	}
	wg.Wait()
	return from, time.Now()
}

func TestBudget_SyncUsesWindowMinusReserveWithout429(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		offset  time.Duration
		skip    int // windows to learn in
		workers int
		latency time.Duration
	}{
		{"synchronised clocks", 0, 1, 8, 100 * time.Millisecond},
		{"server clock ahead", 1500 * time.Millisecond, 2, 8, 100 * time.Millisecond},
		{"server clock behind", -1500 * time.Millisecond, 5, 8, 100 * time.Millisecond},
		{"slow answers", 0, 1, 32, 900 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newSimServer(100, 10*time.Second)
				s.offset = tc.offset
				b := NewBudget(BudgetOptions{ReservePercent: 20})
				from, to := runClients(t, s, b, tc.workers, tc.latency, 2*time.Minute)
				if s.throttled != 0 {
					t.Errorf("%d requests got 429", s.throttled)
				}
				windows := s.fullWindows(from, to, tc.skip)
				if len(windows) < 6 {
					t.Fatalf("only %d full windows", len(windows))
				}
				for i, n := range windows {
					// 80 = 100 minus the 20% reserve; at least 90% of it, and never into the reserve.
					if n < 72 || n > 80 {
						t.Errorf("window %d: %d requests, want 72..80 (all windows: %v)", i, n, windows)
						break
					}
				}
				if st := b.State(); st.SyncCap != 80 || st.Limit != 100 || st.Window != 10*time.Second {
					t.Errorf("state = %+v, want limit 100, sync cap 80, window 10s", st)
				}
			})
		})
	}
}

func TestBudget_SpreadsRequestsOverTheWindow(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := newSimServer(100, 10*time.Second)
		b := NewBudget(BudgetOptions{ReservePercent: 20})
		from, to := runClients(t, s, b, 16, 50*time.Millisecond, time.Minute)
		s.mu.Lock()
		defer s.mu.Unlock()
		checked := 0
		for w := from.Truncate(s.window).Add(s.window); !w.Add(s.window).After(to); w = w.Add(s.window) {
			// A burst of 8, then 72 over ten seconds: about 44 in the first half.
			if first := s.firstHalf[w]; first > 50 {
				t.Errorf("window %v: %d of %d requests in its first half", w, first, s.served[w])
			}
			checked++
		}
		if checked < 4 {
			t.Fatalf("only %d windows checked", checked)
		}
	})
}

func TestBudget_OtherAppsShareTheWindow(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := newSimServer(100, 10*time.Second)
		s.others = 30 // spent at each window's start, before we send anything
		b := NewBudget(BudgetOptions{ReservePercent: 20})
		from, to := runClients(t, s, b, 8, 100*time.Millisecond, time.Minute)
		if s.throttled != 0 {
			t.Errorf("%d requests got 429", s.throttled)
		}
		for i, n := range s.fullWindows(from, to, 1) {
			// The whole window stays under 80: other apps' 30 plus at most 50 of ours.
			if n > 50 || n < 45 {
				t.Errorf("window %d: %d of our requests, want 45..50", i, n)
			}
		}
	})
}

func TestBudget_LiveUsesTheReserveAndNeverWaits(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := newSimServer(100, 10*time.Second)
		b := NewBudget(BudgetOptions{ReservePercent: 20})
		live := b.Pacer(PriorityLive)
		ctx, cancel := context.WithTimeout(t.Context(), 25*time.Second)
		defer cancel()
		var wg gosync.WaitGroup
		defer wg.Wait()
		for range 8 {
			wg.Go(func() { s.client(ctx, b.Pacer(PrioritySync), 100*time.Millisecond) })
		}
		// Late in the second window the sync handle has used its 80; live requests get the other 20.
		time.Sleep(19 * time.Second)
		synctest.Wait()
		got, denied := 0, 0
		for range 40 {
			if err := live.Wait(ctx); err != nil {
				if !errors.Is(err, ErrNoBudget) {
					t.Fatalf("live Wait: %v", err)
				}
				denied++
				continue
			}
			got++
			rl, limited := s.serve()
			live.Observe(rl)
			if limited {
				t.Fatalf("a live request got 429")
			}
		}
		if got < 15 || got > 20 || denied != 40-got {
			t.Errorf("live requests let through = %d, denied = %d; want 15..20 and the rest denied", got, denied)
		}
	})
}

func TestBudget_ThrottledHoldsEveryHandleUntilTheReset(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := NewBudget(BudgetOptions{ReservePercent: 20})
		h := b.Pacer(PrioritySync)
		if err := h.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		reset := time.Now().Add(7 * time.Second).Truncate(time.Second)
		rl := intercom.RateLimit{Limit: 100, Remaining: 0, HasRemaining: true, Reset: reset}
		h.Observe(rl)
		h.Throttled(rl)
		if err := b.Pacer(PriorityLive).Wait(t.Context()); !errors.Is(err, ErrNoBudget) {
			t.Errorf("live Wait after a 429 = %v, want ErrNoBudget", err)
		}
		if err := h.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if now := time.Now(); now.Before(reset) {
			t.Errorf("sync Wait returned at %v, before the reset at %v", now, reset)
		}
		if st := b.State(); st.Stats.Throttled != 1 || st.Stats.Waits != 1 {
			t.Errorf("stats = %+v, want 1 throttle and 1 wait", st.Stats)
		}
	})
}

func TestBudget_CeilingCapsRequestsPerMinute(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := newSimServer(1000, 10*time.Second)
		b := NewBudget(BudgetOptions{ReservePercent: 20, MaxRequestsPerMinute: 120})
		from, to := runClients(t, s, b, 8, 50*time.Millisecond, 3*time.Minute)
		total := 0
		for _, n := range s.served {
			total += n
		}
		// 120 a minute for three minutes, plus the bucket's initial 20 (ten seconds' worth).
		if want := int(to.Sub(from).Minutes()*120) + 20; total > want || total < want-10 {
			t.Errorf("%d requests in %v, want about %d", total, to.Sub(from), want)
		}
		if s.throttled != 0 {
			t.Errorf("%d requests got 429", s.throttled)
		}
	})
}

func TestBudget_NoHeadersMeansOnlyTheCeiling(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := newSimServer(0, 10*time.Second)
		s.noHdrs = true
		b := NewBudget(BudgetOptions{ReservePercent: 20})
		runClients(t, s, b, 4, 100*time.Millisecond, 10*time.Second)
		total := 0
		for _, n := range s.served {
			total += n
		}
		// Four workers, 100 ms per request, nothing holding them back: about 400 (the first waits for an answer).
		if total < 390 {
			t.Errorf("%d requests in 10s without headers, want about 400", total)
		}
	})
}

func TestBudget_WaitReturnsWhenContextEnds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := NewBudget(BudgetOptions{})
		h := b.Pacer(PrioritySync)
		if err := h.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		// The first request is unanswered, so the next waits (the budget learns the limit first).
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := h.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait = %v, want DeadlineExceeded", err)
		}
	})
}

// refusingTransport fails every request the way a closed port does, without a network.
type refusingTransport struct{ sent *int }

func (t refusingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*t.sent++
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

// The first request through a fresh budget is the only one until an answer arrives. When it gets none (a
// connection refused), the retry must still go out: the failed request is no longer in flight.
func TestBudget_RequestWithoutAnAnswerIsNoLongerInFlight(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := NewBudget(BudgetOptions{ReservePercent: 20})
		sent := 0
		c, err := intercom.New(intercom.Options{
			Token: "budget-test-token", BaseURL: "http://127.0.0.1:1", Pacer: b.Pacer(PrioritySync),
			HTTPClient: &http.Client{Transport: refusingTransport{&sent}},
			Retry:      intercom.RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond},
		})
		if err != nil {
			t.Fatal(err)
		}
		// A minute of the bubble's clock: the retries need well under a second.
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		_, err = c.Me(ctx)
		if !errors.Is(err, syscall.ECONNREFUSED) || sent != 3 {
			t.Fatalf("Me = %v after %d attempts; want connection refused after 3", err, sent)
		}
		if st := b.State(); st.Used != 3 || st.Stats.Granted[PrioritySync] != 3 {
			t.Errorf("state = %+v, want 3 granted", st)
		}
		// Nothing is in flight any more: the next call's first attempt goes at once.
		start := time.Now()
		if _, err := c.Me(ctx); !errors.Is(err, syscall.ECONNREFUSED) || sent != 6 {
			t.Fatalf("second Me = %v after %d attempts", err, sent)
		}
		if waited := b.State().Stats.Waited; waited != 0 || time.Since(start) > time.Second {
			t.Errorf("the budget held requests back for %v", waited)
		}
	})
}

// served returns how many of our requests the server has served in all.
func (s *simServer) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.served {
		n += c
	}
	return n
}

// Headers the budget cannot go by (a reset hours away, or none at all) must not stop the syncer: it keeps going,
// window by window of its own, and says what it ignores.
func TestBudget_ImplausibleOrMissingResetDoesNotStall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		lie     time.Duration
		noReset bool
		warns   bool
	}{
		{"reset five hours away", 5 * time.Hour, false, true},
		{"no reset header", 0, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newSimServer(100, 10*time.Second)
				s.lie, s.noReset = tc.lie, tc.noReset
				var logs syncBuffer
				b := NewBudget(BudgetOptions{ReservePercent: 20, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
				runClients(t, s, b, 8, 100*time.Millisecond, 2*time.Minute)
				// Twelve windows: at most 80 a window, and at least half of that on average, whatever 429s the
				// misaligned windows cost.
				if n := s.total(); n < 12*40 || n > 13*80 {
					t.Errorf("%d requests served in two minutes, want 480..1040", n)
				}
				if got := strings.Contains(logs.String(), "X-RateLimit-Reset"); got != tc.warns {
					t.Errorf("warned about the reset header: %v, want %v; log:\n%s", got, tc.warns, logs.String())
				}
			})
		})
	}
}

// A 429 whose X-RateLimit-Reset is hours away holds requests back for a minute at most, and says so.
func TestBudget_ThrottleWithAFarResetIsCapped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var logs syncBuffer
		b := NewBudget(BudgetOptions{ReservePercent: 20, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		h := b.Pacer(PrioritySync)
		if err := h.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rl := intercom.RateLimit{Limit: 100, Remaining: 0, HasRemaining: true, Reset: start.Add(5 * time.Hour)}
		h.Observe(rl)
		h.Throttled(rl)
		if err := h.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited > time.Minute {
			t.Errorf("the sync handle waited %v after a 429 with a reset 5h away, want at most a minute", waited)
		}
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "X-RateLimit-Reset") {
			t.Errorf("no warning about the reset:\n%s", logs.String())
		}
	})
}
