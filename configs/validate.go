package configs

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Sentinel errors wrapped by the [*FieldError]s that callers may want to branch on.
var (
	// ErrUnknownKey is wrapped by the error for a config file key that Config doesn't have.
	ErrUnknownKey = errors.New("unknown key")
	// ErrNoIntercomToken is returned by RequireIntercomToken when no access token is configured.
	ErrNoIntercomToken = errors.New("no Intercom access token")
	// ErrNoWebhookSecret is returned by RequireWebhookSecret when webhooks are enabled without a client secret.
	ErrNoWebhookSecret = errors.New("webhooks are enabled but no client secret is set")
	// ErrNoHTTPAuth is returned by RequireHTTPAuth when the HTTP transport could authenticate nobody.
	ErrNoHTTPAuth = errors.New("no way to authenticate HTTP clients")
)

// FieldError is one problem with one configuration key.
type FieldError struct {
	// Key is the dotted YAML path of the setting, e.g. "serve.listen".
	Key string
	// Source says where the bad value came from: "/path/config.yaml:7", "env INTERCOM_REGION", "flag --listen",
	// "file /path/token"; "" or "default" when it is not known or the value is the default.
	Source string
	// Err says what is wrong. It never contains a secret.
	Err error
}

// Error returns "key (source): problem", or "key: problem" when the source is unknown.
func (e *FieldError) Error() string {
	if e.Source != "" && e.Source != "default" {
		return fmt.Sprintf("%s (%s): %v", e.Key, e.Source, e.Err)
	}
	return e.Key + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// Validate checks every value and returns nil, or errors.Join of one [*FieldError] per problem, in key order. It
// does no I/O and does not require an Intercom token (see [Config.RequireIntercomToken]), the webhook client secret
// (see [Config.RequireWebhookSecret]) nor HTTP credentials (see [Config.RequireHTTPAuth]), which only some
// commands need. An empty DataDir is valid: Load resolves it.
func (c *Config) Validate() error { return errors.Join(c.problems()...) }

// problems returns one *FieldError per invalid value, in key order.
func (c *Config) problems() []error {
	var errs []error
	check := func(key string, err error) {
		if err != nil {
			errs = append(errs, &FieldError{Key: key, Source: c.Source(key), Err: err})
		}
	}

	check("intercom.access_token", notPlaceholder(c.Intercom.AccessToken))
	if _, ok := RegionBaseURL(c.Intercom.Region); !ok {
		check("intercom.region", fmt.Errorf("unknown region %q (want us, eu or au)", c.Intercom.Region))
	}
	check("intercom.base_url", checkBaseURL(c.Intercom.BaseURL))
	if !apiVersionPattern().MatchString(c.Intercom.APIVersion) {
		check("intercom.api_version", fmt.Errorf("not an Intercom API version: %q (want e.g. 2.16)", c.Intercom.APIVersion))
	}
	check("intercom.request_timeout", positiveDuration(c.Intercom.RequestTimeout))

	check("sync.incremental_schedule", checkSchedule(c.Sync.IncrementalSchedule, minIncrementalInterval,
		"a pass costs at least 14 requests and a few seconds; webhooks bring changes sooner"))
	check("sync.reconcile_schedule", checkSchedule(c.Sync.ReconcileSchedule, minReconcileInterval,
		"a reconcile pass walks every record, and incremental ticks are skipped while it runs"))
	if c.Sync.CompanySweep <= 0 {
		check("sync.company_sweep", fmt.Errorf("must be positive, got %s", formatDuration(c.Sync.CompanySweep)))
	}
	if c.Sync.Overlap < 0 {
		check("sync.overlap", fmt.Errorf("must not be negative, got %s", formatDuration(c.Sync.Overlap)))
	}
	check("sync.concurrency", inRange(c.Sync.Concurrency, 1, 64, ""))
	check("sync.page_size", inRange(c.Sync.PageSize, 1, 150, " (Intercom's maximum is 150)"))
	check("sync.rate_reserve_percent", inRange(c.Sync.RateReservePercent, 0, 99, " (percent of the rate limit)"))
	if c.Sync.MaxRequestsPerMinute < 0 {
		check("sync.max_requests_per_minute", fmt.Errorf("must not be negative (0 means no ceiling), got %d", c.Sync.MaxRequestsPerMinute))
	}
	check("sync.webhooks.path", checkWebhookPath(c.Sync.Webhooks.Path))
	check("sync.webhooks.client_secret", notPlaceholder(c.Sync.Webhooks.ClientSecret))
	check("sync.webhooks.max_body_bytes", positiveSize(c.Sync.Webhooks.MaxBodyBytes))

	if c.Serve.Transport != "stdio" && c.Serve.Transport != "http" {
		check("serve.transport", fmt.Errorf("unknown transport %q (want stdio or http)", c.Serve.Transport))
	}
	host, err := checkListen(c.Serve.Listen)
	check("serve.listen", err)
	if c.Serve.NoAuth && err == nil && !isLoopback(host) {
		check("serve.no_auth", fmt.Errorf("refused on %q, which is not a loopback address: anyone who can reach it "+
			"could read the replica; listen on 127.0.0.1 or configure serve.tokens", c.Serve.Listen))
	}
	for i, t := range c.Serve.Tokens {
		check("serve.tokens", checkLocalToken(i+1, t.Reveal()))
	}
	if ttl := c.Serve.IntercomTokenCacheTTL; ttl <= 0 || ttl > time.Hour {
		check("serve.intercom_token_cache_ttl", fmt.Errorf("must be positive and at most 1h, got %s", formatDuration(ttl)))
	}
	check("serve.public_url", checkPublicURL(c.Serve.PublicURL))
	c.checkOAuth(check)
	for i, o := range c.Serve.AllowedOrigins {
		check("serve.allowed_origins", checkOrigin(i+1, o))
	}
	check("serve.max_body_bytes", positiveSize(c.Serve.MaxBodyBytes))
	if ttl := c.Serve.SessionIdleTTL; ttl < time.Second || ttl > 24*time.Hour {
		check("serve.session_idle_ttl", fmt.Errorf("must be from 1s to 24h, got %s", formatDuration(ttl)))
	}
	check("serve.max_sessions", inRange(c.Serve.MaxSessions, 1, 1_000_000, ""))
	if c.Serve.MaxStaleness < 0 {
		check("serve.max_staleness", fmt.Errorf("must not be negative (0 always asks Intercom), got %s", formatDuration(c.Serve.MaxStaleness)))
	}
	check("serve.max_parts", inRange(c.Serve.MaxParts, 1, 500, ""))

	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		check("log.level", fmt.Errorf("unknown level %q (want debug, info, warn or error)", c.Log.Level))
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		check("log.format", fmt.Errorf("unknown format %q (want text or json)", c.Log.Format))
	}
	return errs
}

// RequireIntercomToken returns nil when an Intercom access token is configured, and otherwise a [*FieldError] for
// intercom.access_token, wrapping [ErrNoIntercomToken], that says every way to provide one. Commands that call
// Intercom (sync, serve) call it after Load, unless they run on the demo workspace.
func (c *Config) RequireIntercomToken() error {
	if !c.Intercom.AccessToken.IsZero() {
		return nil
	}
	return &FieldError{Key: "intercom.access_token", Err: fmt.Errorf("%w: set INTERCOM_ACCESS_TOKEN, or put the "+
		"token alone in a file (chmod 600) and pass --access-token-file FILE, set INTERCOM_ACCESS_TOKEN_FILE, or "+
		"set intercom.access_token_file in the config file. Create a token in Intercom's Developer Hub (your app, "+
		"Authentication). To try intercom-replica without an Intercom account, add --demo", ErrNoIntercomToken)}
}

// RequireWebhookSecret returns nil unless sync.webhooks.enabled is set without the app's client secret, which every
// notification's signature is checked against: it then returns a [*FieldError] for sync.webhooks.client_secret,
// wrapping [ErrNoWebhookSecret], that says how to set one. serve, which receives the notifications, calls it after
// Load when it syncs; the commands that only read the replica need no secret.
func (c *Config) RequireWebhookSecret() error {
	if !c.Sync.Webhooks.Enabled || !c.Sync.Webhooks.ClientSecret.IsZero() {
		return nil
	}
	return &FieldError{Key: "sync.webhooks.client_secret", Err: fmt.Errorf("%w: set INTERCOM_CLIENT_SECRET, "+
		"INTERCOM_CLIENT_SECRET_FILE or sync.webhooks.client_secret_file (Developer Hub: your app, Basic information)",
		ErrNoWebhookSecret)}
}

// RequireHTTPAuth returns nil unless serve.transport is http with no way to authenticate a client (no local token,
// Intercom tokens not accepted, auth not explicitly off), in which case every request would get 401: it returns a
// [*FieldError] for serve.tokens, wrapping [ErrNoHTTPAuth], that says how to configure one. serve calls it after
// Load (and after adding a generated token, for --demo).
func (c *Config) RequireHTTPAuth() error {
	s := c.Serve
	if s.Transport != "http" || s.NoAuth || len(s.Tokens) > 0 || s.AcceptIntercomTokens || s.OAuth.Enabled {
		return nil
	}
	return &FieldError{Key: "serve.tokens", Err: fmt.Errorf("%w: set INTERCOM_REPLICA_TOKENS (comma-separated), "+
		"pass --tokens-file FILE or set serve.tokens_file (one token per line), turn on sign-in with Intercom "+
		"(serve.oauth.enabled), or enable serve.accept_intercom_tokens; openssl rand -hex 32 makes a good token. On a loopback address, --no-auth "+
		"serves without authentication", ErrNoHTTPAuth)}
}

// checkOAuth checks serve.oauth and what it needs.
func (c *Config) checkOAuth(check func(key string, err error)) {
	o := c.Serve.OAuth
	check("serve.oauth.client_secret", notPlaceholder(o.ClientSecret))
	check("serve.oauth.authorize_url", checkBaseURL(o.AuthorizeURL))
	for i, e := range o.AllowedEmails {
		if !strings.Contains(e, "@") || strings.ContainsAny(e, " ,") {
			check("serve.oauth.allowed_emails", fmt.Errorf("entry %d %q is not an email address (want e.g. ann@example.com)", i+1, e))
		}
	}
	for i, d := range o.AllowedDomains {
		if d == "" || strings.ContainsAny(d, "@/ ,") || !strings.Contains(d, ".") {
			check("serve.oauth.allowed_domains", fmt.Errorf("entry %d %q is not an email domain (want e.g. example.com)", i+1, d))
		}
	}
	if o.AccessTokenTTL < time.Minute || o.AccessTokenTTL > 24*time.Hour {
		check("serve.oauth.access_token_ttl", fmt.Errorf("must be from 1m to 24h, got %s", formatDuration(o.AccessTokenTTL)))
	}
	if o.RefreshTokenTTL < time.Hour || o.RefreshTokenTTL > 8760*time.Hour {
		check("serve.oauth.refresh_token_ttl", fmt.Errorf("must be from 1h to 8760h, got %s", formatDuration(o.RefreshTokenTTL)))
	}
	if !o.Enabled {
		return
	}
	if o.ClientID == "" {
		check("serve.oauth.client_id", errors.New("sign-in with Intercom is enabled but no client id is set: set "+
			"INTERCOM_OAUTH_CLIENT_ID or serve.oauth.client_id to your Intercom app's (Developer Hub: your app, Basic information)"))
	}
	if o.ClientSecret.IsZero() {
		check("serve.oauth.client_secret", errors.New("sign-in with Intercom is enabled but no client secret is set: set "+
			"INTERCOM_OAUTH_CLIENT_SECRET, INTERCOM_OAUTH_CLIENT_SECRET_FILE or serve.oauth.client_secret_file (Developer Hub: "+
			"your app, Basic information)"))
	}
	if host, err := checkListen(c.Serve.Listen); err == nil && !isLoopback(host) && c.Serve.PublicURL == "" {
		check("serve.public_url", fmt.Errorf("sign-in with Intercom on %s, which is not a loopback address, needs the URL "+
			"clients reach the server at: set serve.public_url to the https URL of the TLS-terminating proxy in front "+
			"(e.g. https://replica.example.com); Intercom only redirects to https URLs", c.Serve.Listen))
	}
}

// checkPublicURL checks serve.public_url: scheme://host[:port] alone, https unless the host is loopback.
func checkPublicURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("not an http(s) URL: %q (want e.g. https://replica.example.com)", raw)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "":
		return fmt.Errorf("%q must be scheme://host[:port] alone, without a path, query or credentials: the "+
			"server's endpoints (/mcp, /authorize, ...) are at its root; a proxy must forward the whole host", raw)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Errorf("%q is plain http on a host that is not loopback: tokens would cross the network in clear "+
			"(and Intercom only redirects to https): put a TLS-terminating proxy in front and give its https:// URL", raw)
	}
	return nil
}

// apiVersionPattern matches the values of Intercom's Intercom-Version header: "2.16", and "Preview".
func apiVersionPattern() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+\.[0-9]+|Preview)$`) }

// The shortest intervals between two passes the schedules may ask for. An incremental pass that finds nothing
// still costs 14 requests and a few seconds; a reconcile pass walks every record, and the incremental ticks that
// come while it runs are skipped.
const (
	minIncrementalInterval = 10 * time.Second
	minReconcileInterval   = time.Hour
)

// checkSchedule parses spec exactly as the scheduler will (cron.New's default parser, cron.ParseStandard), and
// refuses a schedule that would fire more often than every least (why says what that would cost) or never.
func checkSchedule(spec string, least time.Duration, why string) error {
	sched, err := cron.ParseStandard(spec)
	if d, derr := time.ParseDuration(strings.TrimSpace(spec)); err != nil && derr == nil {
		// A bare interval ("5m", "0s"): the descriptor it is short for, with the floor when it is below it.
		example := "@every " + formatDuration(max(d, least))
		return fmt.Errorf("%q is an interval, not a schedule: write %q (an interval of at least %s, %s)", spec,
			example, formatDuration(least), why)
	}
	if err != nil {
		return fmt.Errorf("not a cron spec: %v (want 5 fields, minute hour day-of-month month day-of-week, or a "+
			"descriptor such as @every 1m or @daily)", err)
	}
	if every, ok := everyInterval(spec); ok {
		if every < least {
			return fmt.Errorf("%q repeats every %s: want a positive interval of at least %s (%s)", spec,
				formatDuration(every), formatDuration(least), why)
		}
		return nil
	}
	switch gap, fires := shortestGap(sched); {
	case !fires:
		return fmt.Errorf("%q never fires: no date matches it", spec)
	case gap < least:
		return fmt.Errorf("%q fires as often as every %s: want at least %s between passes (%s)", spec,
			formatDuration(gap), formatDuration(least), why)
	}
	return nil
}

// everyInterval returns the interval of an "@every <duration>" spec (after an optional CRON_TZ= or TZ= prefix) as
// written: cron.Every rounds anything under a second, a negative or zero interval included, up to one second.
func everyInterval(spec string) (time.Duration, bool) {
	s := strings.TrimSpace(spec)
	if strings.HasPrefix(s, "CRON_TZ=") || strings.HasPrefix(s, "TZ=") {
		_, s, _ = strings.Cut(s, " ")
		s = strings.TrimSpace(s)
	}
	rest, ok := strings.CutPrefix(s, "@every ")
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(rest)
	return d, err == nil
}

// shortestGap returns the shortest time between two consecutive firings of sched in its first two days of
// firings from a fixed instant, and false when it never fires. A cron spec's minutes and hours are the same on
// every day it fires, so any shorter gap would show among them.
func shortestGap(sched cron.Schedule) (time.Duration, bool) {
	t := sched.Next(time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC))
	if t.IsZero() {
		return 0, false
	}
	end := t.Add(49 * time.Hour)
	gap := time.Duration(math.MaxInt64)
	for range 3 * 24 * 60 { // a spec fires at most once a minute
		next := sched.Next(t)
		if next.IsZero() {
			break
		}
		gap = min(gap, next.Sub(t))
		if next.After(end) {
			break
		}
		t = next
	}
	return gap, true
}

func checkBaseURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err == nil && u.User != nil {
		return errors.New("must not contain credentials (user:password@); use intercom.access_token")
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("not an http(s) URL: %q (want e.g. https://api.intercom.io or http://127.0.0.1:8081)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must not have a query or a fragment: %q", raw)
	}
	return nil
}

// checkListen checks a host:port and returns the host.
func checkListen(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("not a host:port address: %q (want e.g. 127.0.0.1:8080)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return host, nil
}

// isLoopback reports whether a listen host only accepts connections from this machine. An empty host listens on
// every interface; a name other than localhost could resolve anywhere.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkWebhookPath(p string) error {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?# \t") {
		return fmt.Errorf("not a URL path: %q (want e.g. /webhooks/intercom)", p)
	}
	for _, reserved := range []string{"/mcp", "/sse", "/message", "/healthz", "/readyz", "/metrics"} {
		if p == "/" || p == reserved || strings.HasPrefix(p, reserved+"/") {
			return fmt.Errorf("%q is taken by the MCP server's own endpoints; use e.g. /webhooks/intercom", p)
		}
	}
	return nil
}

// checkLocalToken checks the n-th local bearer token without ever repeating it.
func checkLocalToken(n int, t string) error {
	switch {
	case t == Redacted:
		return fmt.Errorf("token %d is the placeholder %s copied from a printed configuration, not a token", n, Redacted)
	case len(t) < 16:
		return fmt.Errorf("token %d is too short (%d characters; want at least 16, e.g. from openssl rand -hex 32)", n, len(t))
	case strings.ContainsAny(t, ", \t\r\n"):
		return fmt.Errorf("token %d contains a space or a comma", n)
	}
	return nil
}

// notPlaceholder refuses the word a printed configuration shows in place of a secret.
func notPlaceholder(s Secret) error {
	if s.Reveal() == Redacted {
		return fmt.Errorf("is the placeholder %s copied from a printed configuration, not a secret", Redacted)
	}
	return nil
}

func checkOrigin(n int, o string) error {
	if o == "*" {
		return fmt.Errorf(`origin %d is "*", which would let any web page call the server; list the origins instead`, n)
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("origin %d is not an origin: %q (want scheme://host[:port], e.g. http://localhost:6274)", n, o)
	}
	return nil
}

func inRange(v, lo, hi int, note string) error {
	if v < lo || v > hi {
		return fmt.Errorf("must be from %d to %d%s, got %d", lo, hi, note, v)
	}
	return nil
}

func positiveDuration(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("must be positive, got %s", formatDuration(d))
	}
	return nil
}

func positiveSize(n int64) error {
	if n <= 0 {
		return fmt.Errorf("must be a positive number of bytes, got %d", n)
	}
	return nil
}
