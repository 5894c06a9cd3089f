package intercom

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptrace"
	"net/url"
	gosync "sync"
	"syscall"
	"time"
)

// Defaults of [Timeouts].
const (
	DefaultConnectTimeout  = 10 * time.Second
	DefaultResponseTimeout = 30 * time.Second
	DefaultIdleTimeout     = 30 * time.Second
)

// Timeouts bounds the phases of one request attempt, whatever the [http.Client] (its own Timeout, when set, still
// bounds the whole attempt). A phase that runs out ends the attempt with a *[TimeoutError] saying which phase and
// after how long, which is retried like any other transport error. The zero value is the defaults.
type Timeouts struct {
	// Connect bounds getting a connection: resolving the host, connecting and the TLS handshake. Zero means
	// DefaultConnectTimeout (10 s).
	Connect time.Duration
	// Response bounds the wait for the response's headers once connected. Zero means DefaultResponseTimeout (30 s).
	Response time.Duration
	// Idle bounds the wait for the next bytes of a response body: a body that keeps coming may take longer in
	// all. Zero means DefaultIdleTimeout (30 s).
	Idle time.Duration
}

func (t Timeouts) withDefaults() (Timeouts, error) {
	if t.Connect < 0 || t.Response < 0 || t.Idle < 0 {
		return t, fmt.Errorf("intercom: timeouts: negative value in %+v", t)
	}
	if t.Connect == 0 {
		t.Connect = DefaultConnectTimeout
	}
	if t.Response == 0 {
		t.Response = DefaultResponseTimeout
	}
	if t.Idle == 0 {
		t.Idle = DefaultIdleTimeout
	}
	return t, nil
}

// Phases of a request attempt, as [TimeoutError.Phase] names them.
const (
	PhaseConnect  = "connect"  // resolving, connecting, TLS handshake
	PhaseResponse = "response" // waiting for the response headers
	PhaseBody     = "body"     // reading the response body
)

// TimeoutError is a request attempt that ran out of time in one phase: one of the client's [Timeouts], or the
// call's context deadline (then the error matches [context.DeadlineExceeded] too). It reports Timeout() true.
type TimeoutError struct {
	Phase string        // PhaseConnect, PhaseResponse or PhaseBody
	After time.Duration // how long the phase lasted
	ctx   error         // the context's error when the call's deadline ended the phase
}

// Error says what timed out, e.g. "timed out after 10s connecting".
func (e *TimeoutError) Error() string {
	after := e.After.Round(100 * time.Millisecond)
	if e.After < time.Second {
		after = e.After.Round(time.Millisecond)
	}
	var s string
	switch e.Phase {
	case PhaseConnect:
		s = fmt.Sprintf("timed out after %s connecting", after)
	case PhaseResponse:
		s = fmt.Sprintf("timed out after %s waiting for an answer (connected, no response)", after)
	default:
		s = fmt.Sprintf("timed out after %s: the response stalled (no data)", after)
	}
	if e.ctx != nil {
		s += " at the call's deadline"
	}
	return s
}

// Timeout reports true: a TimeoutError is a timeout (net.Error).
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports true: another attempt may succeed (net.Error).
func (e *TimeoutError) Temporary() bool { return true }

// Unwrap returns the context's error when the call's deadline ended the attempt.
func (e *TimeoutError) Unwrap() error { return e.ctx }

// ErrUnreachable matches (errors.Is) the error of a call whose last attempt got no answer from Intercom at all: the
// host does not resolve, nothing accepts the connection, or nothing answers on it in time. The error is an
// *[UnreachableError].
var ErrUnreachable = errors.New("intercom: API unreachable")

// UnreachableError is a call that got no answer from the API: it names the base URL and why, for example
// "cannot reach http://127.0.0.1:1: connection refused (gave up after 5 attempts in 7.1s)".
type UnreachableError struct {
	BaseURL  string
	Err      error         // the last attempt's error: a *net.OpError, a *net.DNSError, a *TimeoutError, ...
	Attempts int           // attempts made; 0 or 1 for one
	Elapsed  time.Duration // from the first attempt to giving up
}

// Error returns "cannot reach <base URL>: <reason>", with the attempts made when there were several.
func (e *UnreachableError) Error() string {
	s := "cannot reach " + e.BaseURL + ": " + Reason(e.Err)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (gave up after %d attempts in %s)", e.Attempts, e.Elapsed.Round(100*time.Millisecond))
	}
	return s
}

// Unwrap returns ErrUnreachable and the last attempt's error.
func (e *UnreachableError) Unwrap() []error { return []error{ErrUnreachable, e.Err} }

// Reason says in a few words why a request got no answer: "connection refused", "no such host", "timed out after
// 10s connecting", ... It falls back to the innermost error's text.
func Reason(err error) string {
	var te *TimeoutError
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var tlsRecord tls.RecordHeaderError
	switch {
	case errors.As(err, &te):
		return te.Error()
	case errors.As(err, &dns):
		switch {
		case dns.IsNotFound:
			return "no such host"
		case dns.IsTimeout:
			return "timed out resolving the host name"
		}
		return "resolving the host name: " + dns.Err
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network is unreachable"
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &certInvalid):
		return "TLS certificate not accepted: " + innermost(err).Error()
	case errors.As(err, &tlsRecord):
		return "TLS handshake failed (is the base URL's scheme right? this looks like plain HTTP)"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection without answering"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out: " + innermost(err).Error()
	}
	return innermost(err).Error()
}

// innermost strips the *url.Error and *net.OpError layers, whose text repeats the method, URL and address.
func innermost(err error) error {
	for {
		var ue *url.Error
		var oe *net.OpError
		switch {
		case errors.As(err, &ue) && ue.Err != nil:
			err = ue.Err
		case errors.As(err, &oe) && oe.Err != nil:
			err = oe.Err
		default:
			return err
		}
	}
}

// watchdog ends a request attempt whose current phase runs out of time: it cancels the attempt's context with a
// *TimeoutError as the cause. Progress in the body (touch) restarts the idle clock.
type watchdog struct {
	cancel context.CancelCauseFunc

	mu      gosync.Mutex
	timer   *time.Timer
	phase   string
	limit   time.Duration
	since   time.Time // when the phase began or last made progress
	stopped bool
}

// watch starts the watchdog of one attempt, and returns the attempt's context, which tells the watchdog when a
// connection is being sought (the connect phase) and when one is found (the response phase). A transport that
// reports neither (not an *http.Transport) leaves the attempt in the response phase from the start, with the
// connect and response timeouts together as its limit.
func watch(ctx context.Context, t Timeouts) (context.Context, *watchdog) {
	actx, cancel := context.WithCancelCause(ctx)
	w := &watchdog{cancel: cancel, phase: PhaseResponse, limit: t.Connect + t.Response, since: time.Now()}
	w.timer = time.AfterFunc(w.limit, w.fire)
	trace := &httptrace.ClientTrace{
		GetConn: func(string) { w.enter(PhaseConnect, t.Connect) },
		GotConn: func(httptrace.GotConnInfo) { w.enter(PhaseResponse, t.Response) },
	}
	return httptrace.WithClientTrace(actx, trace), w
}

// enter moves to phase, with limit counted from now. Entering the phase it is in already does nothing.
func (w *watchdog) enter(phase string, limit time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || w.phase == phase {
		return
	}
	w.phase, w.limit, w.since = phase, limit, time.Now()
	w.timer.Reset(limit)
}

// touch records progress: the idle clock starts again.
func (w *watchdog) touch() {
	w.mu.Lock()
	w.since = time.Now()
	w.mu.Unlock()
}

// current returns the phase and how long it has lasted.
func (w *watchdog) current() (string, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.phase, time.Since(w.since)
}

func (w *watchdog) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	if left := w.limit - time.Since(w.since); left > 0 {
		w.timer.Reset(left) // progress since the timer was set
		return
	}
	w.stopped = true
	w.cancel(&TimeoutError{Phase: w.phase, After: w.limit})
}

// stop ends the watchdog and releases the attempt's context.
func (w *watchdog) stop() {
	w.mu.Lock()
	w.stopped = true
	w.timer.Stop()
	w.mu.Unlock()
	w.cancel(nil)
}

// timedOut returns the *TimeoutError that ended the attempt whose context is actx, if one did.
func timedOut(actx context.Context) *TimeoutError {
	var te *TimeoutError
	if errors.As(context.Cause(actx), &te) {
		return te
	}
	return nil
}

// progressReader tells the watchdog about every read that returns data.
type progressReader struct {
	r io.Reader
	w *watchdog
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.w.touch()
	}
	return n, err
}
