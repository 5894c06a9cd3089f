package intercom

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
)

// Region is an Intercom data-hosting region. A token only works against its own workspace's region.
type Region string

// The regions Intercom hosts workspaces in.
const (
	RegionUS Region = "us" // https://api.intercom.io (the default)
	RegionEU Region = "eu" // https://api.eu.intercom.io
	RegionAU Region = "au" // https://api.au.intercom.io
)

// BaseURL returns the API base URL of the region (case-insensitive; "" is [RegionUS]), or false for an unknown one.
func (r Region) BaseURL() (string, bool) {
	switch Region(strings.ToLower(string(r))) {
	case "", RegionUS:
		return "https://api.intercom.io", true
	case RegionEU:
		return "https://api.eu.intercom.io", true
	case RegionAU:
		return "https://api.au.intercom.io", true
	}
	return "", false
}

// DefaultVersion is the Intercom REST API version the client pins with the Intercom-Version header: the version whose
// OpenAPI description the models and the fake follow.
const DefaultVersion = "2.16"

// DefaultTimeout is the timeout of the *http.Client the client creates when [Options.HTTPClient] is nil. It bounds
// one attempt, response body included; a conversation with 500 parts is a few megabytes.
const DefaultTimeout = 60 * time.Second

// DefaultMaxResponseBytes bounds a response body when [Options.MaxResponseBytes] is zero.
const DefaultMaxResponseBytes = 64 << 20

// Token is an Intercom access token. It formats, logs and encodes as "[REDACTED]" (fmt's %v, %s, %q, %#v, slog,
// encoding/json), so printing an [Options] value or logging it cannot leak it; the client only ever puts it in the
// Authorization header.
type Token string

// String returns "[REDACTED]" unless the token is empty.
func (t Token) String() string {
	if t == "" {
		return ""
	}
	return "[REDACTED]"
}

// GoString returns a redacted Go literal, for %#v.
func (t Token) GoString() string { return fmt.Sprintf("intercom.Token(%q)", t.String()) }

// LogValue implements [slog.LogValuer]: the token logs as "[REDACTED]".
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// MarshalText implements [encoding.TextMarshaler], so that JSON and other text encodings write "[REDACTED]" too.
// Decoding is unaffected: a Token decodes from a plain string.
func (t Token) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Options configures a [Client]. Only Token is required; every other zero value means the documented default.
type Options struct {
	// Token is the workspace's access token, sent as "Authorization: Bearer <token>". Required.
	Token Token

	// Region selects the API host ("us", "eu" or "au"; "" means "us"). Ignored when BaseURL is set.
	Region Region

	// BaseURL overrides Region with an explicit base URL (the fake Intercom, a demo, an Intercom-compatible server),
	// for example "http://127.0.0.1:8089". It must be an absolute http or https URL; a path prefix is kept.
	BaseURL string

	// Version is sent as the Intercom-Version header. "" means DefaultVersion ("2.16").
	Version string

	// HTTPClient sends the requests. nil means a client of its own with DefaultTimeout and Go's default transport.
	// Go drops the Authorization header when a redirect leaves the host, so redirects cannot leak the token.
	HTTPClient *http.Client

	// Logger receives one Debug record per request attempt (method, path, status, duration, attempt), a Warn
	// record per retry (what failed, how long until the next attempt), and a Warn record when a 429's
	// X-RateLimit-Reset is further away than the wait is allowed to be; never bodies, headers or the token. nil
	// discards.
	Logger *slog.Logger

	// Pacer is consulted before every request attempt and told every response's rate-limit headers. nil means
	// NoPacer (no pacing).
	Pacer Pacer

	// Retry bounds retries and backoff; the zero value is the defaults of [RetryPolicy].
	Retry RetryPolicy

	// Timeouts bounds the phases of each attempt (connecting, waiting for the answer, reading it); the zero value
	// is the defaults of [Timeouts]. They apply whatever HTTPClient is.
	Timeouts Timeouts

	// UserAgent is sent as the User-Agent header. "" means "intercom-replica".
	UserAgent string

	// MaxResponseBytes bounds one response body; a larger one fails the call. 0 means DefaultMaxResponseBytes.
	MaxResponseBytes int64

	// Now returns the current time, to turn X-RateLimit-Reset into a wait. nil means time.Now. For tests.
	Now func() time.Time

	// Sleep waits between attempts: it must return nil after d, or ctx.Err() as soon as ctx is done. nil means a
	// timer. For tests, which record the waits instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error

	// Rand returns a uniformly distributed float in [0, 1) for backoff jitter. nil means math/rand/v2's Float64.
	// For tests. It is called from concurrent calls and must be safe for that.
	Rand func() float64
}

// Client is a client for Intercom's REST API, limited to what a read replica needs. It is safe for concurrent use;
// create one per token and reuse it.
//
// Every method takes a context first, stops promptly when it is cancelled (backoff and 429 waits included), and
// returns an error wrapping ctx.Err() then. Errors from Intercom are *[APIError]; see the package's sentinels.
type Client struct {
	base      string // no trailing slash
	token     string
	version   string
	userAgent string
	http      *http.Client
	log       *slog.Logger
	pacer     Pacer
	retry     RetryPolicy
	timeouts  Timeouts
	maxBody   int64
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error
	rand      func() float64

	stats    counters
	lastRate atomic.Pointer[RateLimit]
	retries  retryLog // collapses the warnings of concurrent calls failing the same way
}

// New returns a client for opts. It fails when the token is empty or contains characters a header cannot carry, the
// region is unknown, the base URL is not an absolute http(s) URL, or the retry policy or a timeout has a negative
// value.
func New(opts Options) (*Client, error) {
	if opts.Token == "" {
		return nil, errors.New("intercom: no access token")
	}
	if strings.ContainsFunc(string(opts.Token), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return nil, errors.New("intercom: access token contains whitespace or control characters")
	}
	base := opts.BaseURL
	if base == "" {
		var ok bool
		if base, ok = opts.Region.BaseURL(); !ok {
			return nil, fmt.Errorf("intercom: unknown region %q (want us, eu or au)", string(opts.Region))
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("intercom: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("intercom: base URL %q: want an absolute http(s) URL without query, fragment or credentials", u.Redacted())
	}
	retry, err := opts.Retry.withDefaults()
	if err != nil {
		return nil, err
	}
	timeouts, err := opts.Timeouts.withDefaults()
	if err != nil {
		return nil, err
	}
	if opts.MaxResponseBytes < 0 {
		return nil, fmt.Errorf("intercom: negative MaxResponseBytes %d", opts.MaxResponseBytes)
	}
	c := &Client{
		base:      strings.TrimSuffix(u.String(), "/"),
		token:     string(opts.Token),
		version:   cmp.Or(opts.Version, DefaultVersion),
		userAgent: cmp.Or(opts.UserAgent, "intercom-replica"),
		http:      opts.HTTPClient,
		log:       opts.Logger,
		pacer:     opts.Pacer,
		retry:     retry,
		timeouts:  timeouts,
		maxBody:   opts.MaxResponseBytes,
		now:       opts.Now,
		sleep:     opts.Sleep,
		rand:      opts.Rand,
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.pacer == nil {
		c.pacer = NoPacer{}
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	if c.rand == nil {
		c.rand = rand.Float64
	}
	return c, nil
}

// BaseURL returns the API base URL the client sends requests to, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// Version returns the Intercom-Version header value the client sends.
func (c *Client) Version() string { return c.version }

// Stats returns a snapshot of the client's counters since it was created.
func (c *Client) Stats() Stats { return c.stats.snapshot() }

// LastRateLimit returns the rate-limit headers of the most recent response that carried any, or the zero RateLimit
// when none has yet.
func (c *Client) LastRateLimit() RateLimit {
	if rl := c.lastRate.Load(); rl != nil {
		return *rl
	}
	return RateLimit{}
}
