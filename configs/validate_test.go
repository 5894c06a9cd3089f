package configs

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // "" means valid
	}{
		{name: "defaults", change: func(c *Config) {}},
		{
			name:   "unknown region",
			change: func(c *Config) { c.Intercom.Region = "uk" },
			want:   `intercom.region: unknown region "uk" (want us, eu or au)`,
		},
		{name: "eu", change: func(c *Config) { c.Intercom.Region = "eu" }},
		{
			name:   "base URL without a scheme",
			change: func(c *Config) { c.Intercom.BaseURL = "api.intercom.io" },
			want:   `intercom.base_url: not an http(s) URL: "api.intercom.io" (want e.g. https://api.intercom.io or http://127.0.0.1:8081)`,
		},
		{
			name:   "base URL with credentials, not repeated",
			change: func(c *Config) { c.Intercom.BaseURL = "https://user:" + accessToken + "@api.intercom.io" },
			want:   `intercom.base_url: must not contain credentials (user:password@); use intercom.access_token`,
		},
		{
			name:   "base URL with a query",
			change: func(c *Config) { c.Intercom.BaseURL = "https://api.intercom.io/?x=1" },
			want:   `intercom.base_url: must not have a query or a fragment: "https://api.intercom.io/?x=1"`,
		},
		{name: "a fake's base URL", change: func(c *Config) { c.Intercom.BaseURL = "http://127.0.0.1:8081/" }},
		{
			name:   "api version",
			change: func(c *Config) { c.Intercom.APIVersion = "v2" },
			want:   `intercom.api_version: not an Intercom API version: "v2" (want e.g. 2.16)`,
		},
		{name: "Preview api version", change: func(c *Config) { c.Intercom.APIVersion = "Preview" }},
		{
			name:   "request timeout",
			change: func(c *Config) { c.Intercom.RequestTimeout = 0 },
			want:   `intercom.request_timeout: must be positive, got 0s`,
		},
		{
			name:   "placeholder token",
			change: func(c *Config) { c.Intercom.AccessToken = NewSecret(Redacted) },
			want:   `intercom.access_token: is the placeholder REDACTED copied from a printed configuration, not a secret`,
		},
		{
			name:   "malformed cron spec",
			change: func(c *Config) { c.Sync.IncrementalSchedule = "every 1m" },
			want: `sync.incremental_schedule: not a cron spec: expected exactly 5 fields, found 2: [every 1m] (want 5 ` +
				`fields, minute hour day-of-month month day-of-week, or a descriptor such as @every 1m or @daily)`,
		},
		{
			name:   "a bare interval is the descriptor it is short for",
			change: func(c *Config) { c.Sync.IncrementalSchedule = "5m" },
			want: `sync.incremental_schedule: "5m" is an interval, not a schedule: write "@every 5m" (an interval of ` +
				`at least 10s, a pass costs at least 14 requests and a few seconds; webhooks bring changes sooner)`,
		},
		{
			name:   "a bare zero interval names the floor",
			change: func(c *Config) { c.Sync.IncrementalSchedule = "0s" },
			want: `sync.incremental_schedule: "0s" is an interval, not a schedule: write "@every 10s" (an interval of at least 10s, ` +
				`a pass costs at least 14 requests and a few seconds; webhooks bring changes sooner)`,
		},
		{
			name:   "a bare negative interval names the floor",
			change: func(c *Config) { c.Sync.ReconcileSchedule = "-1m" },
			want: `sync.reconcile_schedule: "-1m" is an interval, not a schedule: write "@every 1h" (an interval of at least 1h, ` +
				`a reconcile pass walks every record, and incremental ticks are skipped while it runs)`,
		},
		{
			name:   "six-field cron spec (seconds are not enabled)",
			change: func(c *Config) { c.Sync.ReconcileSchedule = "0 0 3 * * *" },
			want: `sync.reconcile_schedule: not a cron spec: expected exactly 5 fields, found 6: [0 0 3 * * *] (want 5 ` +
				`fields, minute hour day-of-month month day-of-week, or a descriptor such as @every 1m or @daily)`,
		},
		{
			name:   "bad descriptor",
			change: func(c *Config) { c.Sync.ReconcileSchedule = "@nightly" },
			want: `sync.reconcile_schedule: not a cron spec: unrecognized descriptor: @nightly (want 5 fields, minute ` +
				`hour day-of-month month day-of-week, or a descriptor such as @every 1m or @daily)`,
		},
		{name: "cron with a time zone", change: func(c *Config) { c.Sync.ReconcileSchedule = "CRON_TZ=Europe/Dublin 30 3 * * *" }},
		{name: "every 30s", change: func(c *Config) { c.Sync.IncrementalSchedule = "@every 30s" }},
		{name: "every 10s, the shortest incremental interval", change: func(c *Config) { c.Sync.IncrementalSchedule = "@every 10s" }},
		{name: "every minute by cron", change: func(c *Config) { c.Sync.IncrementalSchedule = "* * * * *" }},
		{
			// cron.Every rounds a negative, zero or sub-second interval up to one second: serve then ran a pass a second.
			name:   "negative interval",
			change: func(c *Config) { c.Sync.IncrementalSchedule = "@every -1m" },
			want: `sync.incremental_schedule: "@every -1m" repeats every -1m: want a positive interval of at least 10s ` +
				`(a pass costs at least 14 requests and a few seconds; webhooks bring changes sooner)`,
		},
		{
			name:   "zero interval",
			change: func(c *Config) { c.Sync.IncrementalSchedule = "@every 0s" },
			want: `sync.incremental_schedule: "@every 0s" repeats every 0s: want a positive interval of at least 10s ` +
				`(a pass costs at least 14 requests and a few seconds; webhooks bring changes sooner)`,
		},
		{
			name:   "a millisecond",
			change: func(c *Config) { c.Sync.IncrementalSchedule = "@every 1ms" },
			want: `sync.incremental_schedule: "@every 1ms" repeats every 1ms: want a positive interval of at least 10s ` +
				`(a pass costs at least 14 requests and a few seconds; webhooks bring changes sooner)`,
		},
		{
			name:   "a few seconds, with a time zone",
			change: func(c *Config) { c.Sync.IncrementalSchedule = "CRON_TZ=Europe/Dublin @every 9s" },
			want: `sync.incremental_schedule: "CRON_TZ=Europe/Dublin @every 9s" repeats every 9s: want a positive ` +
				`interval of at least 10s (a pass costs at least 14 requests and a few seconds; webhooks bring changes sooner)`,
		},
		{name: "hourly reconcile", change: func(c *Config) { c.Sync.ReconcileSchedule = "@hourly" }},
		{name: "reconcile twice a day", change: func(c *Config) { c.Sync.ReconcileSchedule = "0 3,15 * * *" }},
		{
			name:   "reconcile every minute",
			change: func(c *Config) { c.Sync.ReconcileSchedule = "@every 1m" },
			want: `sync.reconcile_schedule: "@every 1m" repeats every 1m: want a positive interval of at least 1h ` +
				`(a reconcile pass walks every record, and incremental ticks are skipped while it runs)`,
		},
		{
			name:   "reconcile every five minutes by cron",
			change: func(c *Config) { c.Sync.ReconcileSchedule = "*/5 * * * *" },
			want: `sync.reconcile_schedule: "*/5 * * * *" fires as often as every 5m: want at least 1h between ` +
				`passes (a reconcile pass walks every record, and incremental ticks are skipped while it runs)`,
		},
		{
			name:   "a schedule that never fires",
			change: func(c *Config) { c.Sync.ReconcileSchedule = "0 3 30 2 *" },
			want:   `sync.reconcile_schedule: "0 3 30 2 *" never fires: no date matches it`,
		},
		{name: "hourly reconcile by cron", change: func(c *Config) { c.Sync.ReconcileSchedule = "CRON_TZ=Europe/Dublin 0 * * * *" }},
		{
			name:   "reconcile twice in an hour, once a day",
			change: func(c *Config) { c.Sync.ReconcileSchedule = "0,40 3 * * 1" },
			want: `sync.reconcile_schedule: "0,40 3 * * 1" fires as often as every 40m: want at least 1h between ` +
				`passes (a reconcile pass walks every record, and incremental ticks are skipped while it runs)`,
		},
		{
			name:   "no company sweep",
			change: func(c *Config) { c.Sync.CompanySweep = 0 },
			want:   `sync.company_sweep: must be positive, got 0s`,
		},
		{
			name:   "negative overlap",
			change: func(c *Config) { c.Sync.Overlap = -time.Minute },
			want:   `sync.overlap: must not be negative, got -1m`,
		},
		{
			name:   "concurrency",
			change: func(c *Config) { c.Sync.Concurrency = 0 },
			want:   `sync.concurrency: must be from 1 to 64, got 0`,
		},
		{
			name:   "page size",
			change: func(c *Config) { c.Sync.PageSize = 151 },
			want:   `sync.page_size: must be from 1 to 150 (Intercom's maximum is 150), got 151`,
		},
		{
			name:   "reserve out of range",
			change: func(c *Config) { c.Sync.RateReservePercent = 100 },
			want:   `sync.rate_reserve_percent: must be from 0 to 99 (percent of the rate limit), got 100`,
		},
		{name: "no reserve", change: func(c *Config) { c.Sync.RateReservePercent = 0 }},
		{
			name:   "negative ceiling",
			change: func(c *Config) { c.Sync.MaxRequestsPerMinute = -1 },
			want:   `sync.max_requests_per_minute: must not be negative (0 means no ceiling), got -1`,
		},
		// Only serve needs the secret (RequireWebhookSecret): the commands that read the replica do not.
		{name: "webhooks without a secret", change: func(c *Config) { c.Sync.Webhooks.Enabled = true }},
		{
			name: "webhooks with a secret",
			change: func(c *Config) {
				c.Sync.Webhooks.Enabled = true
				c.Sync.Webhooks.ClientSecret = NewSecret(clientSecret)
			},
		},
		{
			name:   "webhook path not a path",
			change: func(c *Config) { c.Sync.Webhooks.Path = "webhooks" },
			want:   `sync.webhooks.path: not a URL path: "webhooks" (want e.g. /webhooks/intercom)`,
		},
		{
			name:   "webhook path taken",
			change: func(c *Config) { c.Sync.Webhooks.Path = "/mcp/hooks" },
			want:   `sync.webhooks.path: "/mcp/hooks" is taken by the MCP server's own endpoints; use e.g. /webhooks/intercom`,
		},
		{
			name:   "webhook body limit",
			change: func(c *Config) { c.Sync.Webhooks.MaxBodyBytes = 0 },
			want:   `sync.webhooks.max_body_bytes: must be a positive number of bytes, got 0`,
		},
		{
			name:   "transport",
			change: func(c *Config) { c.Serve.Transport = "sse" },
			want:   `serve.transport: unknown transport "sse" (want stdio or http)`,
		},
		{
			name:   "listen address malformed",
			change: func(c *Config) { c.Serve.Listen = "127.0.0.1" },
			want:   `serve.listen: not a host:port address: "127.0.0.1" (want e.g. 127.0.0.1:8080)`,
		},
		{
			name:   "listen port out of range",
			change: func(c *Config) { c.Serve.Listen = "127.0.0.1:80800" },
			want:   `serve.listen: port "80800" is not a number from 0 to 65535`,
		},
		{
			name:   "listen port by name",
			change: func(c *Config) { c.Serve.Listen = "localhost:http" },
			want:   `serve.listen: port "http" is not a number from 0 to 65535`,
		},
		{name: "IPv6 loopback", change: func(c *Config) { c.Serve.Listen = "[::1]:8080"; c.Serve.NoAuth = true }},
		{name: "localhost without auth", change: func(c *Config) { c.Serve.Listen = "localhost:0"; c.Serve.NoAuth = true }},
		{
			name:   "no auth on every interface",
			change: func(c *Config) { c.Serve.Listen = ":8080"; c.Serve.NoAuth = true },
			want: `serve.no_auth: refused on ":8080", which is not a loopback address: anyone who can reach it could ` +
				`read the replica; listen on 127.0.0.1 or configure serve.tokens`,
		},
		{
			name:   "no auth on a LAN address",
			change: func(c *Config) { c.Serve.Listen = "192.168.1.5:8080"; c.Serve.NoAuth = true },
			want: `serve.no_auth: refused on "192.168.1.5:8080", which is not a loopback address: anyone who can ` +
				`reach it could read the replica; listen on 127.0.0.1 or configure serve.tokens`,
		},
		{name: "a LAN address with auth", change: func(c *Config) { c.Serve.Listen = "0.0.0.0:8080" }},
		{
			name:   "tokens: a comma",
			change: func(c *Config) { c.Serve.Tokens = []Secret{NewSecret("abcdefghijklmnop,q")} },
			want:   `serve.tokens: token 1 contains a space or a comma`,
		},
		{
			name:   "tokens: the placeholder",
			change: func(c *Config) { c.Serve.Tokens = []Secret{NewSecret(localToken1), NewSecret(Redacted)} },
			want:   `serve.tokens: token 2 is the placeholder REDACTED copied from a printed configuration, not a token`,
		},
		{
			name:   "token cache TTL unbounded",
			change: func(c *Config) { c.Serve.IntercomTokenCacheTTL = 2 * time.Hour },
			want:   `serve.intercom_token_cache_ttl: must be positive and at most 1h, got 2h`,
		},
		{
			name:   "origin wildcard",
			change: func(c *Config) { c.Serve.AllowedOrigins = []string{"http://localhost:6274", "*"} },
			want:   `serve.allowed_origins: origin 2 is "*", which would let any web page call the server; list the origins instead`,
		},
		{
			name:   "origin with a path",
			change: func(c *Config) { c.Serve.AllowedOrigins = []string{"https://example.com/app"} },
			want:   `serve.allowed_origins: origin 1 is not an origin: "https://example.com/app" (want scheme://host[:port], e.g. http://localhost:6274)`,
		},
		{
			name:   "body limit",
			change: func(c *Config) { c.Serve.MaxBodyBytes = -1 },
			want:   `serve.max_body_bytes: must be a positive number of bytes, got -1`,
		},
		{
			name:   "session TTL zero",
			change: func(c *Config) { c.Serve.SessionIdleTTL = 0 },
			want:   `serve.session_idle_ttl: must be from 1s to 24h, got 0s`,
		},
		{
			name:   "session TTL of days",
			change: func(c *Config) { c.Serve.SessionIdleTTL = 48 * time.Hour },
			want:   `serve.session_idle_ttl: must be from 1s to 24h, got 48h`,
		},
		{
			name:   "no sessions",
			change: func(c *Config) { c.Serve.MaxSessions = 0 },
			want:   `serve.max_sessions: must be from 1 to 1000000, got 0`,
		},
		{
			name:   "negative staleness",
			change: func(c *Config) { c.Serve.MaxStaleness = -time.Second },
			want:   `serve.max_staleness: must not be negative (0 always asks Intercom), got -1s`,
		},
		{name: "zero staleness", change: func(c *Config) { c.Serve.MaxStaleness = 0 }},
		{
			name:   "max parts",
			change: func(c *Config) { c.Serve.MaxParts = 501 },
			want:   `serve.max_parts: must be from 1 to 500, got 501`,
		},
		{name: "public URL behind a proxy", change: func(c *Config) { c.Serve.PublicURL = "https://replica.example.com" }},
		{name: "loopback public URL", change: func(c *Config) { c.Serve.PublicURL = "http://127.0.0.1:8080/" }},
		{
			name:   "public URL in plain http elsewhere",
			change: func(c *Config) { c.Serve.PublicURL = "http://replica.example.com" },
			want: `serve.public_url: "http://replica.example.com" is plain http on a host that is not loopback: tokens ` +
				`would cross the network in clear (and Intercom only redirects to https): put a TLS-terminating proxy in front and give its https:// URL`,
		},
		{
			name:   "public URL with a path",
			change: func(c *Config) { c.Serve.PublicURL = "https://example.com/replica" },
			want: `serve.public_url: "https://example.com/replica" must be scheme://host[:port] alone, without a path, ` +
				`query or credentials: the server's endpoints (/mcp, /authorize, ...) are at its root; a proxy must forward the whole host`,
		},
		{
			name:   "public URL not a URL",
			change: func(c *Config) { c.Serve.PublicURL = "replica.example.com" },
			want:   `serve.public_url: not an http(s) URL: "replica.example.com" (want e.g. https://replica.example.com)`,
		},
		{
			name:   "OAuth without the app",
			change: func(c *Config) { c.Serve.OAuth.Enabled = true },
			want: `serve.oauth.client_id: sign-in with Intercom is enabled but no client id is set: set INTERCOM_OAUTH_CLIENT_ID ` +
				`or serve.oauth.client_id to your Intercom app's (Developer Hub: your app, Basic information)` + "\n" +
				`serve.oauth.client_secret: sign-in with Intercom is enabled but no client secret is set: set ` +
				`INTERCOM_OAUTH_CLIENT_SECRET, INTERCOM_OAUTH_CLIENT_SECRET_FILE or serve.oauth.client_secret_file (Developer Hub: your app, Basic information)`,
		},
		{
			name: "OAuth with the app",
			change: func(c *Config) {
				c.Serve.OAuth = OAuth{Enabled: true, ClientID: "abc", ClientSecret: NewSecret("s3cret"), AllowedDomains: []string{"example.com"},
					AllowedEmails: []string{"ann@example.com"}, AccessTokenTTL: time.Hour, RefreshTokenTTL: time.Hour}
			},
		},
		{
			name: "OAuth on the network without a public URL",
			change: func(c *Config) {
				c.Serve.Listen = "0.0.0.0:8080"
				c.Serve.OAuth.Enabled, c.Serve.OAuth.ClientID, c.Serve.OAuth.ClientSecret = true, "abc", NewSecret("s3cret")
			},
			want: `serve.public_url: sign-in with Intercom on 0.0.0.0:8080, which is not a loopback address, needs the URL ` +
				`clients reach the server at: set serve.public_url to the https URL of the TLS-terminating proxy in front ` +
				`(e.g. https://replica.example.com); Intercom only redirects to https URLs`,
		},
		{
			name: "OAuth allow-lists and lifetimes",
			change: func(c *Config) {
				c.Serve.OAuth.AllowedEmails = []string{"ann"}
				c.Serve.OAuth.AllowedDomains = []string{"@example.com"}
				c.Serve.OAuth.AccessTokenTTL = 48 * time.Hour
				c.Serve.OAuth.RefreshTokenTTL = time.Minute
			},
			want: `serve.oauth.allowed_emails: entry 1 "ann" is not an email address (want e.g. ann@example.com)` + "\n" +
				`serve.oauth.allowed_domains: entry 1 "@example.com" is not an email domain (want e.g. example.com)` + "\n" +
				`serve.oauth.access_token_ttl: must be from 1m to 24h, got 48h` + "\n" +
				`serve.oauth.refresh_token_ttl: must be from 1h to 8760h, got 1m`,
		},
		{
			name:   "log level",
			change: func(c *Config) { c.Log.Level = "trace" },
			want:   `log.level: unknown level "trace" (want debug, info, warn or error)`,
		},
		{
			name:   "log format",
			change: func(c *Config) { c.Log.Format = "logfmt" },
			want:   `log.format: unknown format "logfmt" (want text or json)`,
		},
		{
			name: "several problems, in key order",
			change: func(c *Config) {
				c.Log.Format = "xml"
				c.Intercom.Region = "mars"
				c.Serve.MaxParts = 0
			},
			want: "intercom.region: unknown region \"mars\" (want us, eu or au)\n" +
				"serve.max_parts: must be from 1 to 500, got 0\n" +
				"log.format: unknown format \"xml\" (want text or json)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.change(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tc.want)
			}
			assertNoSecret(t, "the error", err.Error())
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var fe *FieldError
				if !errors.As(e, &fe) || !strings.HasPrefix(tc.want, fe.Key) && !strings.Contains(tc.want, "\n"+fe.Key) {
					t.Errorf("%v is not a *FieldError naming its key", e)
				}
			}
		})
	}
}

func TestRequireIntercomToken(t *testing.T) {
	c := Default()
	err := c.RequireIntercomToken()
	want := `intercom.access_token: no Intercom access token: set INTERCOM_ACCESS_TOKEN, or put the token alone in a ` +
		`file (chmod 600) and pass --access-token-file FILE, set INTERCOM_ACCESS_TOKEN_FILE, or set ` +
		`intercom.access_token_file in the config file. Create a token in Intercom's Developer Hub (your app, ` +
		`Authentication). To try intercom-replica without an Intercom account, add --demo`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
	if !errors.Is(err, ErrNoIntercomToken) {
		t.Error("not ErrNoIntercomToken")
	}
	if err := c.Validate(); err != nil {
		t.Errorf("a missing token is not a validation error (most commands need none): %v", err)
	}
	c.Intercom.AccessToken = NewSecret(accessToken)
	if err := c.RequireIntercomToken(); err != nil {
		t.Errorf("with a token: %v", err)
	}
}

func TestRequireWebhookSecret(t *testing.T) {
	want := `sync.webhooks.client_secret: webhooks are enabled but no client secret is set: set ` +
		`INTERCOM_CLIENT_SECRET, INTERCOM_CLIENT_SECRET_FILE or sync.webhooks.client_secret_file (Developer Hub: ` +
		`your app, Basic information)`
	for _, tc := range []struct {
		name    string
		enabled bool
		secret  string
		want    string
	}{
		{name: "webhooks off", enabled: false},
		{name: "webhooks off, a secret anyway", enabled: false, secret: clientSecret},
		{name: "webhooks on with a secret", enabled: true, secret: clientSecret},
		{name: "webhooks on without a secret", enabled: true, want: want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.Sync.Webhooks.Enabled, c.Sync.Webhooks.ClientSecret = tc.enabled, NewSecret(tc.secret)
			err := c.RequireWebhookSecret()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want nil, got %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want || !errors.Is(err, ErrNoWebhookSecret) {
				t.Fatalf("error:\n%v\nwant:\n%s (matching ErrNoWebhookSecret)", err, tc.want)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("a missing webhook secret is not a validation error (the commands reading the replica need none): %v", err)
			}
		})
	}
}

func TestRequireHTTPAuth(t *testing.T) {
	want := `serve.tokens: no way to authenticate HTTP clients: set INTERCOM_REPLICA_TOKENS (comma-separated), pass ` +
		`--tokens-file FILE or set serve.tokens_file (one token per line), turn on sign-in with Intercom ` +
		`(serve.oauth.enabled), or enable serve.accept_intercom_tokens; ` +
		`openssl rand -hex 32 makes a good token. On a loopback address, --no-auth serves without authentication`
	tests := []struct {
		name   string
		change func(s *Serve)
		fails  bool
	}{
		{name: "stdio needs none", change: func(s *Serve) {}},
		{name: "http with nothing", change: func(s *Serve) { s.Transport = "http" }, fails: true},
		{name: "http with a token", change: func(s *Serve) { s.Transport = "http"; s.Tokens = []Secret{NewSecret(localToken1)} }},
		{name: "http with Intercom tokens", change: func(s *Serve) { s.Transport = "http"; s.AcceptIntercomTokens = true }},
		{name: "http without auth", change: func(s *Serve) { s.Transport = "http"; s.NoAuth = true }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.change(&c.Serve)
			err := c.RequireHTTPAuth()
			if !tc.fails {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != want || !errors.Is(err, ErrNoHTTPAuth) {
				t.Fatalf("error:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}

func TestIntercom_APIBaseURL(t *testing.T) {
	for _, tc := range []struct{ region, base, want string }{
		{"us", "", "https://api.intercom.io"},
		{"eu", "", "https://api.eu.intercom.io"},
		{"au", "", "https://api.au.intercom.io"},
		{"eu", "http://127.0.0.1:8081/", "http://127.0.0.1:8081"},
		{"mars", "", ""},
	} {
		if got := (Intercom{Region: tc.region, BaseURL: tc.base}).APIBaseURL(); got != tc.want {
			t.Errorf("APIBaseURL(%q, %q) = %q, want %q", tc.region, tc.base, got, tc.want)
		}
	}
}
