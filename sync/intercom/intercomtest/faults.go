package intercomtest

import (
	"fmt"
	"net/http"
	"time"
)

// DefaultRateLimit is the requests per window a Handler allows when Faults.RateLimit is zero: a private app's
// 10,000 calls per minute, which Intercom enforces as about 1,666 per 10-second window.
const DefaultRateLimit = 1666

// DefaultRateWindow is the rate-limit window when Faults.RateWindow is zero.
const DefaultRateWindow = 10 * time.Second

// Faults are the knobs that make the fake misbehave the ways the real API does. The zero value is a healthy API
// with Intercom's default rate limit. Randomised faults draw from a generator seeded by the workspace seed, so a
// test run is repeatable for a given order of requests.
type Faults struct {
	// Latency delays every answer; Jitter adds a random extra delay up to its value. The delay starts once the
	// request body has been read, and ends early when the client cancels the request.
	Latency, Jitter time.Duration
	// RateLimit is the number of requests allowed per window (zero means DefaultRateLimit; negative disables rate
	// limiting and its headers). Authenticated answers carry X-RateLimit-Limit, X-RateLimit-Remaining and
	// X-RateLimit-Reset (the Unix second the window ends); the request that exceeds the budget gets 429
	// rate_limit_exceeded. Unauthenticated requests neither count nor get the headers, as documented.
	RateLimit int
	// RateWindow is the window length, in whole seconds (zero means DefaultRateWindow). Windows are aligned to
	// multiples of their length since the Unix epoch, so X-RateLimit-Reset moves in steps of the window.
	RateWindow time.Duration
	// ErrorRate is the probability (0..1) that an authenticated request is answered 500 server_error.
	ErrorRate float64
	// TruncateRate is the probability (0..1) that a 200 answer's body is cut in half and the connection dropped.
	TruncateRate float64
	// SlowBody makes 200 answers trickle out in ten chunks spread over this duration (stopping when the client
	// cancels the request).
	SlowBody time.Duration
}

func (f Faults) rateLimit() int {
	switch {
	case f.RateLimit < 0:
		return 0
	case f.RateLimit == 0:
		return DefaultRateLimit
	}
	return f.RateLimit
}

func (f Faults) rateWindow() int64 {
	if f.RateWindow <= 0 {
		return int64(DefaultRateWindow / time.Second)
	}
	return max(1, int64(f.RateWindow/time.Second))
}

// Faults returns the current fault knobs.
func (h *Handler) Faults() Faults {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.faults
}

// SetFaults replaces the fault knobs; requests already being served keep the knobs they started with.
func (h *Handler) SetFaults(f Faults) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = f
}

// FailNext makes the next n authenticated requests that are within the rate limit fail with status, which must be
// a 5xx code (a burst of server errors); it replaces any burst still pending.
func (h *Handler) FailNext(n, status int) error {
	if status < 500 || status > 599 {
		return fmt.Errorf("intercomtest: FailNext wants a 5xx status, got %d", status)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failNext, h.failStatus = n, status
	return nil
}

// TruncateNext cuts short the bodies of the next n successful answers (the connection drops after half the body).
func (h *Handler) TruncateNext(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.truncNext = n
}

// ExhaustRateLimit spends the rest of the current window's budget, so the next request is answered 429.
func (h *Handler) ExhaustRateLimit() {
	h.mu.Lock()
	defer h.mu.Unlock()
	limit, windowLen := h.faults.rateLimit(), h.faults.rateWindow()
	if limit == 0 {
		return
	}
	now := h.now().Unix()
	h.window = now - now%windowLen
	h.used = limit
}

var _ http.Handler = (*Handler)(nil)
