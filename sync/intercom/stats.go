package intercom

import (
	"sync/atomic"
	"time"
)

// Stats counts what a [Client] has done since it was created. Take a snapshot with [Client.Stats] before and after a
// unit of work (a sync pass) and subtract with [Stats.Sub] to see what that work cost.
type Stats struct {
	// Calls is the number of client method calls (Me, ListConversations, ...); each makes one or more requests.
	// Iterators count one call per page.
	Calls int64

	// Requests is the number of HTTP requests sent, retries included: what the rate limit is charged.
	Requests int64

	// Retries is the number of requests that repeated an earlier failed attempt of the same call.
	Retries int64

	// RateLimited is the number of 429 responses received.
	RateLimited int64

	// ServerErrors is the number of 5xx responses received.
	ServerErrors int64

	// Failures is the number of calls that returned an error (after any retries).
	Failures int64

	// BytesSent and BytesReceived count request and response body bytes (headers excluded).
	BytesSent     int64
	BytesReceived int64

	// Backoff is the total time calls spent waiting between attempts: exponential backoff after errors and waits for
	// X-RateLimit-Reset after 429s. Time spent in the [Pacer] is not included.
	Backoff time.Duration
}

// Sub returns the counts accumulated between an earlier snapshot and s.
func (s Stats) Sub(earlier Stats) Stats {
	return Stats{
		Calls:         s.Calls - earlier.Calls,
		Requests:      s.Requests - earlier.Requests,
		Retries:       s.Retries - earlier.Retries,
		RateLimited:   s.RateLimited - earlier.RateLimited,
		ServerErrors:  s.ServerErrors - earlier.ServerErrors,
		Failures:      s.Failures - earlier.Failures,
		BytesSent:     s.BytesSent - earlier.BytesSent,
		BytesReceived: s.BytesReceived - earlier.BytesReceived,
		Backoff:       s.Backoff - earlier.Backoff,
	}
}

// counters is the live, concurrency-safe form of Stats.
type counters struct {
	calls, requests, retries, rateLimited, serverErrors, failures atomic.Int64
	bytesSent, bytesReceived, backoff                             atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Calls:         c.calls.Load(),
		Requests:      c.requests.Load(),
		Retries:       c.retries.Load(),
		RateLimited:   c.rateLimited.Load(),
		ServerErrors:  c.serverErrors.Load(),
		Failures:      c.failures.Load(),
		BytesSent:     c.bytesSent.Load(),
		BytesReceived: c.bytesReceived.Load(),
		Backoff:       time.Duration(c.backoff.Load()),
	}
}
