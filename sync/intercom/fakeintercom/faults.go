package fakeintercom

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
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
	// ResetRate is the probability (0..1) that a request's connection is reset (TCP RST, or a stream reset over
	// HTTP/2) after its body is read and the latency has passed, before any response: the network failing under
	// the client. It happens in front of the API, so it applies whatever the token and counts against no rate limit.
	// Go's http.Transport itself retries an idempotent request (GET) when a kept-alive connection is reset
	// before any response, so a client sees the error only on a fresh connection or for a POST.
	ResetRate float64
	// BadGatewayRate is the probability (0..1) that a request is answered by a proxy in front of Intercom instead:
	// 502 with an HTML page (Content-Type text/html), no X-Request-Id and no rate-limit headers, whatever the token,
	// counting against no rate limit. A client must not expect every error body to be an error.list.
	BadGatewayRate float64
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
		return fmt.Errorf("fakeintercom: FailNext wants a 5xx status, got %d", status)
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

// ResetNext resets the connections of the next n requests before any response (see Faults.ResetRate); it replaces
// any burst still pending.
func (h *Handler) ResetNext(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.resetNext = n
}

// BadGatewayNext answers the next n requests with a proxy's HTML 502 (see Faults.BadGatewayRate); it replaces any
// burst still pending. Pending resets (ResetNext) come first.
func (h *Handler) BadGatewayNext(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.badGatewayNext = n
}

// edgeFault is a failure in front of the API: the network or a proxy, before Intercom sees the request.
type edgeFault int

const (
	edgeNone edgeFault = iota
	edgeReset
	edgeBadGateway
)

// edgeFault decides whether the network or a proxy fails this request, counting it if so.
func (h *Handler) edgeFault(f Faults) edgeFault {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.resetNext > 0:
		h.resetNext--
	case h.badGatewayNext > 0:
		h.badGatewayNext--
		h.stats.BadGateways++
		return edgeBadGateway
	case f.ResetRate > 0 && h.rnd.Float64() < f.ResetRate:
	case f.BadGatewayRate > 0 && h.rnd.Float64() < f.BadGatewayRate:
		h.stats.BadGateways++
		return edgeBadGateway
	default:
		return edgeNone
	}
	h.stats.Resets++
	return edgeReset
}

// badGatewayPage is the page a proxy (here nginx) answers when the upstream fails.
const badGatewayPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// writeBadGateway answers as a proxy in front of Intercom does when its upstream fails.
func (h *Handler) writeBadGateway(w http.ResponseWriter, r *http.Request, route string) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", strconv.Itoa(len(badGatewayPage)))
	h.log.LogAttrs(r.Context(), slog.LevelDebug, "fake intercom request", slog.String("method", r.Method), slog.String("route", route), slog.Int("status", http.StatusBadGateway), slog.String("fault", "proxy 502"))
	w.WriteHeader(http.StatusBadGateway)
	_, _ = io.WriteString(w, badGatewayPage)
}

// resetConnection drops the request's connection without a response: over HTTP/1 it hijacks the connection and
// closes it with SO_LINGER 0, so the client reads a TCP RST (connection reset by peer); where the connection cannot
// be hijacked (HTTP/2) it aborts the handler, which resets the stream.
func (h *Handler) resetConnection(w http.ResponseWriter, r *http.Request, route string) {
	h.log.LogAttrs(r.Context(), slog.LevelDebug, "fake intercom request", slog.String("method", r.Method), slog.String("route", route), slog.String("fault", "connection reset"))
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok { // TLS: reset the TCP connection under it
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
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
