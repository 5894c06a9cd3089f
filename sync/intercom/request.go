package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// request describes one API call: what to send, whatever the attempt.
type request struct {
	method string
	path   string // escaped, starting with "/", e.g. "/conversations/123"
	query  url.Values
	body   []byte // JSON; nil for GET
}

// do runs one API call with retries and decodes a 2xx body into out.
func (c *Client) do(ctx context.Context, rq request, out any) error {
	c.stats.calls.Add(1)
	err := c.attempts(ctx, rq, out)
	if err != nil {
		c.stats.failures.Add(1)
	}
	return err
}

// call runs one API call with retries and returns its 2xx body decoded into a new T.
func call[T any](ctx context.Context, c *Client, rq request) (*T, error) {
	var v T
	if err := c.do(ctx, rq, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func (c *Client) attempts(ctx context.Context, rq request, out any) error {
	start := time.Now()
	for n := 1; ; n++ {
		if n > 1 {
			c.stats.retries.Add(1)
		}
		if err := c.pacer.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return c.canceled(ctx, rq)
			}
			return fmt.Errorf("intercom: %s %s: pacer: %w", rq.method, rq.path, err)
		}
		retry, wait, err := c.attempt(ctx, rq, n, out)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			var te *TimeoutError
			if errors.As(err, &te) && te.ctx != nil {
				return giveUp(rq, err, n, start) // the call's deadline cut the attempt short: say where
			}
			return c.canceled(ctx, rq)
		}
		if !retry || n >= c.retry.MaxAttempts {
			return giveUp(rq, err, n, start)
		}
		round := retryRound{attempt: n, cause: failureCause(rq, err)}
		lead := c.retries.join(round)
		if lead {
			c.log.WarnContext(ctx, "intercom retry", "method", rq.method, "path", rq.path, "attempt", n,
				"max_attempts", c.retry.MaxAttempts, "wait_ms", wait.Milliseconds(), "error", err.Error())
		}
		c.stats.backoff.Add(int64(wait))
		err2 := c.sleep(ctx, wait)
		if lead {
			if others := c.retries.close(round); others > 0 {
				c.log.WarnContext(ctx, "intercom retry: more requests failed the same way", "requests", others,
					"attempt", n, "max_attempts", c.retry.MaxAttempts, "error", round.cause)
			}
		}
		if err2 != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("%w, then the call's deadline passed: %w", giveUp(rq, err, n, start), ctx.Err())
			}
			return c.canceled(ctx, rq)
		}
	}
}

// giveUp is the error of a call that made n attempts since start and ends on err: it says how many.
func giveUp(rq request, err error, n int, start time.Time) error {
	var ue *UnreachableError
	switch {
	case errors.As(err, &ue):
		ue.Attempts, ue.Elapsed = n, time.Since(start)
		return fmt.Errorf("intercom: %s %s: %w", rq.method, rq.path, ue) // err's text was made before
	case n > 1:
		return fmt.Errorf("%w (gave up after %d attempts)", err, n)
	}
	return err
}

// canceled is the error a call returns when its context ends: it wraps ctx.Err(), so errors.Is(err,
// context.Canceled) and errors.Is(err, context.DeadlineExceeded) work.
func (c *Client) canceled(ctx context.Context, rq request) error {
	return fmt.Errorf("intercom: %s %s: %w", rq.method, rq.path, ctx.Err())
}

// attempt sends the request once. It returns nil after decoding a 2xx body into out; otherwise the error, whether
// another attempt may succeed, and how long to wait before it.
func (c *Client) attempt(ctx context.Context, rq request, n int, out any) (retry bool, wait time.Duration, err error) {
	target := c.base + rq.path
	if len(rq.query) > 0 {
		target += "?" + rq.query.Encode()
	}
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	actx, wd := watch(ctx, c.timeouts)
	defer wd.stop()
	req, err := http.NewRequestWithContext(actx, rq.method, target, body)
	if err != nil {
		c.pacer.Unanswered()
		return false, 0, fmt.Errorf("intercom: %s %s: %w", rq.method, rq.path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Intercom-Version", c.version)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if rq.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	c.stats.requests.Add(1)
	c.stats.bytesSent.Add(int64(len(rq.body)))
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.pacer.Unanswered()
		err = c.attemptError(ctx, actx, wd, err)
		c.logAttempt(ctx, rq, n, 0, start, 0, err)
		err = fmt.Errorf("intercom: %s %s: %w", rq.method, rq.path, &UnreachableError{BaseURL: c.base, Err: err})
		return retryableTransportError(err), c.retry.backoff(n, c.rand), err
	}
	wd.enter(PhaseBody, c.timeouts.Idle)
	data, readErr := io.ReadAll(io.LimitReader(progressReader{resp.Body, wd}, c.maxBody+1))
	resp.Body.Close()
	if readErr != nil {
		readErr = c.attemptError(ctx, actx, wd, readErr)
	}
	c.stats.bytesReceived.Add(int64(len(data)))

	rl := parseRateLimit(resp.Header)
	if rl.Known() {
		c.lastRate.Store(&rl)
	}
	c.pacer.Observe(rl)
	c.logAttempt(ctx, rq, n, resp.StatusCode, start, len(data), readErr)

	if readErr != nil {
		err := fmt.Errorf("intercom: %s %s: read the response from %s: %w", rq.method, rq.path, c.base, readErr)
		return retryableTransportError(readErr), c.retry.backoff(n, c.rand), err
	}
	if int64(len(data)) > c.maxBody {
		return false, 0, fmt.Errorf("intercom: %s %s: response body exceeds %d bytes", rq.method, rq.path, c.maxBody)
	}

	switch status := resp.StatusCode; {
	case status >= 200 && status <= 299:
		if err := decode(data, out); err != nil {
			// A syntax error means the body was cut off or is not JSON (a proxy page, a dropped connection behind a
			// terminating proxy): worth another attempt. A body that is valid JSON of the wrong shape will be the same
			// next time.
			var syntax *json.SyntaxError
			return errors.As(err, &syntax), c.retry.backoff(n, c.rand),
				fmt.Errorf("intercom: %s %s: %w", rq.method, rq.path, &malformedError{err})
		}
		return false, 0, nil
	case status == http.StatusTooManyRequests:
		c.stats.rateLimited.Add(1)
		c.pacer.Throttled(rl)
		now := c.now()
		if resetIn := rl.Reset.Sub(now); !rl.Reset.IsZero() && resetIn > c.retry.MaxRateLimitWait {
			c.log.WarnContext(ctx, "Intercom's X-RateLimit-Reset is further away than the longest rate-limit wait; waiting only that long",
				"method", rq.method, "path", rq.path, "reset_in", resetIn.Round(time.Second).String(), "wait", c.retry.MaxRateLimitWait.String())
		}
		return true, c.retry.rateLimitWait(n, rl, now, c.rand), newAPIError(rq.method, rq.path, resp, data, rl, c.token)
	case status >= 500:
		c.stats.serverErrors.Add(1)
		return true, c.retry.backoff(n, c.rand), newAPIError(rq.method, rq.path, resp, data, rl, c.token)
	default:
		return false, 0, newAPIError(rq.method, rq.path, resp, data, rl, c.token)
	}
}

// logAttempt writes the one Debug record of a request attempt. It never logs bodies, headers or the query string.
func (c *Client) logAttempt(ctx context.Context, rq request, n, status int, start time.Time, size int, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", rq.method),
		slog.String("path", rq.path),
		slog.Int("status", status),
		slog.Int64("took_ms", time.Since(start).Milliseconds()),
		slog.Int("attempt", n),
		slog.Int("bytes", size),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", scrub(err.Error(), c.token)))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "intercom request", attrs...)
}

// attemptError is the error of an attempt that failed sending or reading with err: the *TimeoutError when a phase of
// the attempt (whose context is actx) ran out, or when the call's deadline ended it; else err itself, scrubbed.
func (c *Client) attemptError(ctx, actx context.Context, wd *watchdog, err error) error {
	if te := timedOut(actx); te != nil {
		return te
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		phase, lasted := wd.current()
		return &TimeoutError{Phase: phase, After: lasted, ctx: ctx.Err()}
	}
	return scrubError(err, c.token)
}

// scrubError keeps err (for errors.Is/As) unless its text contains the token, which no error from net/http should;
// then it replaces it with a redacted copy that keeps only the text. Defence in depth, since error strings end up in
// logs and tool results.
func scrubError(err error, token string) error {
	if len(token) < minRedactLen || !bytes.Contains([]byte(err.Error()), []byte(token)) {
		return err
	}
	return errors.New(scrub(err.Error(), token))
}

// decode unmarshals a response body into out. Every model of this package implements json.Unmarshaler and starts
// with a full json.Unmarshal of its own, which validates the input; calling it directly rather than through
// json.Unmarshal saves two passes over the body (json.Unmarshal's validation and its skip over the value).
func decode(data []byte, out any) error {
	if u, ok := out.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(bytes.Trim(data, " \t\r\n"))
	}
	return json.Unmarshal(data, out)
}

// malformedError is a 2xx body that did not decode; it matches ErrMalformedResponse and wraps the decoding error.
type malformedError struct{ err error }

func (e *malformedError) Error() string   { return "malformed response: " + e.err.Error() }
func (e *malformedError) Unwrap() []error { return []error{ErrMalformedResponse, e.err} }
