package intercom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// Defaults of [RetryPolicy].
const (
	DefaultMaxAttempts      = 5
	DefaultBaseDelay        = 500 * time.Millisecond
	DefaultMaxDelay         = 30 * time.Second
	DefaultMaxRateLimitWait = 60 * time.Second
)

// rateLimitJitter bounds the random delay added to a wait for X-RateLimit-Reset, so that clients sharing a workspace
// don't all retry at the same instant the window reopens.
const rateLimitJitter = 250 * time.Millisecond

// RetryPolicy bounds how a [Client] retries. Every call the client makes is an idempotent read (the search POSTs
// included), so it retries on 5xx answers, timeouts, connection errors (resets, refusals, unexpected EOF), and
// 2xx answers whose body is truncated or not JSON. It never retries any other 4xx. A 429 waits until
// X-RateLimit-Reset, capped by MaxRateLimitWait, and then retries.
//
// The delay before retry n (n = 1 for the second attempt) is drawn uniformly from [d/2, d) where
// d = min(BaseDelay·2^(n-1), MaxDelay) ("equal jitter"). The zero value is the defaults below.
type RetryPolicy struct {
	// MaxAttempts is the most requests one call makes, the first included; 429s count too. Zero means
	// DefaultMaxAttempts (5); 1 disables retries.
	MaxAttempts int

	// BaseDelay is the backoff before the first retry, before jitter. Zero means DefaultBaseDelay (500 ms).
	BaseDelay time.Duration

	// MaxDelay caps the backoff between two attempts. Zero means DefaultMaxDelay (30 s).
	MaxDelay time.Duration

	// MaxRateLimitWait caps the wait after a 429 (until X-RateLimit-Reset, or the backoff delay when the header is
	// missing). Zero means DefaultMaxRateLimitWait (60 s); Intercom's windows are 10 s long.
	MaxRateLimitWait time.Duration
}

// withDefaults fills zero fields and rejects negative ones.
func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRateLimitWait < 0 {
		return p, fmt.Errorf("intercom: retry policy: negative value in %+v", p)
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxRateLimitWait == 0 {
		p.MaxRateLimitWait = DefaultMaxRateLimitWait
	}
	return p, nil
}

// backoff returns the jittered delay before retry n (n >= 1). rnd returns a float in [0, 1).
func (p RetryPolicy) backoff(n int, rnd func() float64) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	return half + time.Duration(rnd()*float64(d-half))
}

// rateLimitWait returns how long to wait after a 429 before retry n: until rl.Reset (plus a little jitter) when the
// header was sent, else the ordinary backoff; either way at most MaxRateLimitWait.
func (p RetryPolicy) rateLimitWait(n int, rl RateLimit, now time.Time, rnd func() float64) time.Duration {
	var d time.Duration
	if rl.Reset.IsZero() {
		d = p.backoff(n, rnd)
	} else {
		d = max(rl.Reset.Sub(now), 0) + time.Duration(rnd()*float64(rateLimitJitter))
	}
	return min(d, p.MaxRateLimitWait)
}

// retryableTransportError reports whether an error from sending a request or reading its response is worth another
// attempt: timeouts, connection resets and refusals, and connections that ended early. Errors that will not change
// on retry (bad URL, TLS verification) are not.
func retryableTransportError(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false // the name does not exist: asking again will not make it
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		return true
	}
	if errors.Is(err, context.Canceled) {
		// The caller's own cancellation is handled before this is asked; a Canceled from elsewhere (a transport
		// shutting down) is not transient either.
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), // http.Client.Timeout
		errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) // other socket-level failures (DNS hiccups, unreachable) are usually transient
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
