package intercom

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit is what one response said about Intercom's rate limit, from its X-RateLimit-Limit, X-RateLimit-Remaining
// and X-RateLimit-Reset headers. Intercom enforces its per-minute limits in 10-second windows: Limit is the number of
// requests allowed in the current window, Remaining how many are left, and Reset when the window reopens.
//
// Intercom does not send the headers on answers to requests without valid credentials; a header that is absent or
// unparseable leaves its field at the zero value, and Known reports whether any of them was present.
type RateLimit struct {
	Limit     int       // X-RateLimit-Limit: requests allowed in the current window; 0 when absent
	Remaining int       // X-RateLimit-Remaining: requests left in the current window; 0 when absent
	Reset     time.Time // X-RateLimit-Reset (Unix seconds): when the window reopens; zero when absent

	// HasRemaining distinguishes "Remaining: 0" (the budget is spent) from an absent header.
	HasRemaining bool
}

// Known reports whether the response carried any rate-limit header.
func (r RateLimit) Known() bool { return r.Limit > 0 || r.HasRemaining || !r.Reset.IsZero() }

// parseRateLimit reads the X-RateLimit-* headers of a response.
func parseRateLimit(h http.Header) RateLimit {
	var rl RateLimit
	if n, ok := headerInt(h, "X-RateLimit-Limit"); ok && n > 0 {
		rl.Limit = int(n)
	}
	if n, ok := headerInt(h, "X-RateLimit-Remaining"); ok && n >= 0 {
		rl.Remaining = int(n)
		rl.HasRemaining = true
	}
	if n, ok := headerInt(h, "X-RateLimit-Reset"); ok && n > 0 {
		rl.Reset = time.Unix(n, 0)
	}
	return rl
}

func headerInt(h http.Header, name string) (int64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// Pacer spreads a client's requests over Intercom's rate-limit windows. The client calls Wait before every request
// attempt (retries included), then exactly one of Observe, with the rate-limit headers of the response (errors
// included), or Unanswered, when the attempt got no response at all (a refused connection, a timeout, a
// cancellation); and Throttled, after Observe, when a response is a 429. The client itself still waits for X-RateLimit-Reset after
// a 429 before retrying (calling Wait again first), so a Pacer need not handle 429s to be correct; it can use
// Throttled to slow every other request sharing its budget.
//
// A Pacer must be safe for concurrent use: one client runs concurrent calls through it. To share one budget between
// several clients (for example a bulk sync client and a live-lookup client that must keep a reserve), give each client
// its own Pacer that is a handle onto the shared budget and carries that client's priority; the handles see every
// response of their own client, and the budget sees them all.
//
// Wait must return promptly with ctx.Err() (or an error wrapping it) when ctx is done; any error from Wait ends the
// call and is returned to the caller wrapped.
type Pacer interface {
	// Wait blocks until the client may send its next request, or until ctx is done.
	Wait(ctx context.Context) error

	// Observe reports the rate-limit headers of a response the client just received. rl.Known() is false when the
	// response had none (for example a 401).
	Observe(rl RateLimit)

	// Throttled reports that a response was a 429 (rate limit exceeded), with that response's headers.
	Throttled(rl RateLimit)

	// Unanswered reports that a request Wait let through got no response: it failed before any (a connection
	// refused or reset, a DNS failure, a timeout) or was never sent. It is no longer in flight.
	Unanswered()
}

// NoPacer is the default [Pacer]: it never waits and ignores what it observes, so the client sends requests as fast as
// its callers make them and relies on its 429 handling alone.
type NoPacer struct{}

// Wait returns at once, or ctx.Err() if ctx is already done.
func (NoPacer) Wait(ctx context.Context) error { return ctx.Err() }

// Observe does nothing.
func (NoPacer) Observe(RateLimit) {}

// Throttled does nothing.
func (NoPacer) Throttled(RateLimit) {}

// Unanswered does nothing.
func (NoPacer) Unanswered() {}
