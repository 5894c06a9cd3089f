package configs

import (
	"log/slog"
	"strings"
	"time"
)

// Config is the whole configuration of intercom-replica. The yaml tags are the keys of the config file; nested
// structs are its sections. What each key means for a user, its environment variable and its flag are in the
// settings table (settings.go), which also generates the example file and the README reference.
//
// A Config from [Load] has been validated, its secrets read from their files and its data directory resolved; treat
// it as read-only. [Default] is the starting point of every Load.
type Config struct {
	// DataDir is the directory holding the replica (replica.db, index/, the owner's socket). Load resolves an empty
	// value to [DefaultDataDir].
	DataDir string `yaml:"data_dir"`

	Intercom Intercom `yaml:"intercom"`
	Sync     Sync     `yaml:"sync"`
	Serve    Serve    `yaml:"serve"`
	Log      Log      `yaml:"log"`

	file     string            // the config file Load read, "" if none
	sources  map[string]string // dotted key → where its value came from ("env INTERCOM_REGION", "config.yaml:7", ...)
	warnings []string          // things worth telling the operator that are not errors
}

// Intercom configures the REST client.
type Intercom struct {
	// AccessToken authenticates every call to Intercom. Empty is valid until a command needs Intercom; such commands
	// call [Config.RequireIntercomToken].
	AccessToken Secret `yaml:"access_token"`
	// AccessTokenFile names a file whose one line is the access token; Load reads it into AccessToken.
	AccessTokenFile string `yaml:"access_token_file"`
	// Region is "us", "eu" or "au" and selects the API host unless BaseURL is set.
	Region string `yaml:"region"`
	// BaseURL overrides Region with an explicit API base URL (a fake, a proxy). Empty means "use Region".
	BaseURL string `yaml:"base_url"`
	// APIVersion is sent as the Intercom-Version header.
	APIVersion string `yaml:"api_version"`
	// RequestTimeout bounds one HTTP request, body included.
	RequestTimeout time.Duration `yaml:"request_timeout"`
}

// Sync configures the syncer.
type Sync struct {
	// Enabled says whether serve runs the background syncer.
	Enabled bool `yaml:"enabled"`
	// IncrementalSchedule and ReconcileSchedule are cron specs accepted by cron.ParseStandard (5 fields or a
	// descriptor such as "@every 1m"), the parser cron.New uses by default.
	IncrementalSchedule string `yaml:"incremental_schedule"`
	ReconcileSchedule   string `yaml:"reconcile_schedule"`
	// Overlap is subtracted from the watermark at the start of each incremental search.
	Overlap time.Duration `yaml:"overlap"`
	// Concurrency bounds the whole-conversation fetches in flight (1..64).
	Concurrency int `yaml:"concurrency"`
	// PageSize is the per_page of list and search calls (1..150).
	PageSize int `yaml:"page_size"`
	// RateReservePercent is the share of the rate limit the syncer leaves for live calls (0..99).
	RateReservePercent int `yaml:"rate_reserve_percent"`
	// MaxRequestsPerMinute caps the syncer's request rate; 0 means no cap beyond Intercom's headers.
	MaxRequestsPerMinute int `yaml:"max_requests_per_minute"`
	// CompanySweep is how often an incremental pass scrolls every company (Intercom cannot list companies by
	// updated_at; webhooks keep them current in between).
	CompanySweep time.Duration `yaml:"company_sweep"`

	Webhooks Webhooks `yaml:"webhooks"`
}

// Webhooks configures the optional webhook receiver.
type Webhooks struct {
	// Enabled says whether serve accepts notifications at Path on serve.listen.
	Enabled bool `yaml:"enabled"`
	// Path is the URL path notifications are posted to.
	Path string `yaml:"path"`
	// ClientSecret is the HMAC-SHA1 key of X-Hub-Signature; required when Enabled.
	ClientSecret Secret `yaml:"client_secret"`
	// ClientSecretFile names a file whose one line is the client secret; Load reads it into ClientSecret.
	ClientSecretFile string `yaml:"client_secret_file"`
	// MaxBodyBytes is the largest notification body accepted.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
}

// Serve configures the MCP server.
type Serve struct {
	// Transport is "stdio" or "http".
	Transport string `yaml:"transport"`
	// Listen is the host:port of the HTTP listener (the http transport and webhooks).
	Listen string `yaml:"listen"`
	// Tokens are the local bearer tokens accepted on HTTP.
	Tokens []Secret `yaml:"tokens"`
	// TokensFile names a file with one token per line; Load reads it into Tokens.
	TokensFile string `yaml:"tokens_file"`
	// AcceptIntercomTokens also accepts an Intercom access token of the replicated workspace as a bearer token.
	AcceptIntercomTokens bool `yaml:"accept_intercom_tokens"`
	// IntercomTokenCacheTTL bounds how long a verified Intercom token is trusted without asking GET /me again.
	IntercomTokenCacheTTL time.Duration `yaml:"intercom_token_cache_ttl"`
	// PublicURL is the URL clients reach the HTTP listener at (scheme://host[:port]); empty means the listen address.
	PublicURL string `yaml:"public_url"`
	// OAuth configures sign-in with Intercom (the server as an OAuth 2.1 authorization server).
	OAuth OAuth `yaml:"oauth"`
	// AllowedOrigins lists the browser origins allowed on HTTP; Load lower-cases them and drops a trailing slash.
	AllowedOrigins []string `yaml:"allowed_origins"`
	// MaxBodyBytes is the largest HTTP request body accepted.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// SessionIdleTTL is how long an MCP session over Streamable HTTP may stay idle before the server ends it.
	SessionIdleTTL time.Duration `yaml:"session_idle_ttl"`
	// MaxSessions bounds the live MCP sessions on HTTP (Streamable HTTP and SSE together).
	MaxSessions int `yaml:"max_sessions"`
	// NoAuth serves HTTP without authentication; Validate refuses it on a non-loopback Listen.
	NoAuth bool `yaml:"no_auth"`
	// MaxStaleness is how old a replica copy may be for get_* to answer from it.
	MaxStaleness time.Duration `yaml:"max_staleness"`
	// MaxParts is the default number of conversation parts per result.
	MaxParts int `yaml:"max_parts"`
}

// OAuth configures sign-in with Intercom: the HTTP server issues its own tokens to the teammates Intercom signs
// in through the operator's Intercom app.
type OAuth struct {
	// Enabled turns OAuth on (HTTP only).
	Enabled bool `yaml:"enabled"`
	// ClientID and ClientSecret are the Intercom app's (Developer Hub: your app, Basic information).
	ClientID     string `yaml:"client_id"`
	ClientSecret Secret `yaml:"client_secret"`
	// ClientSecretFile names a file whose one line is the client secret; Load reads it into ClientSecret.
	ClientSecretFile string `yaml:"client_secret_file"`
	// AuthorizeURL is Intercom's authorize page; empty means the region's (see AuthorizeURLOf).
	AuthorizeURL string `yaml:"authorize_url"`
	// AllowedEmails and AllowedDomains restrict who may sign in; empty admits every teammate of the workspace.
	AllowedEmails  []string `yaml:"allowed_emails"`
	AllowedDomains []string `yaml:"allowed_domains"`
	// AccessTokenTTL and RefreshTokenTTL are the lifetimes of the tokens the server issues.
	AccessTokenTTL  time.Duration `yaml:"access_token_ttl"`
	RefreshTokenTTL time.Duration `yaml:"refresh_token_ttl"`
}

// RegionAppURL returns the app host of an Intercom data-hosting region, where its OAuth authorize page lives.
func RegionAppURL(region string) (string, bool) {
	switch region {
	case "us":
		return "https://app.intercom.com", true
	case "eu":
		return "https://app.eu.intercom.com", true
	case "au":
		return "https://app.au.intercom.com", true
	}
	return "", false
}

// OAuthAuthorizeURL returns Intercom's OAuth authorize page: serve.oauth.authorize_url when set; else, with
// intercom.base_url set (the fake Intercom serves both sides), <base_url>/oauth; else the region's app host + /oauth.
func (c *Config) OAuthAuthorizeURL() string {
	if u := c.Serve.OAuth.AuthorizeURL; u != "" {
		return u
	}
	if c.Intercom.BaseURL != "" {
		return strings.TrimRight(c.Intercom.BaseURL, "/") + "/oauth"
	}
	u, _ := RegionAppURL(c.Intercom.Region)
	return u + "/oauth"
}

// OAuthTokenURL returns Intercom's OAuth token endpoint: the API base URL + /auth/eagle/token.
func (c *Config) OAuthTokenURL() string { return c.Intercom.APIBaseURL() + "/auth/eagle/token" }

// Log configures the operator log (always stderr).
type Log struct {
	// Level is "debug", "info", "warn" or "error".
	Level string `yaml:"level"`
	// Format is "text" or "json".
	Format string `yaml:"format"`
}

// Default returns the built-in configuration: every key at its default. DataDir is empty, meaning "the platform's
// user data directory", which Load resolves; no token is set.
func Default() Config {
	return Config{
		Intercom: Intercom{
			Region:         "us",
			APIVersion:     "2.16",
			RequestTimeout: 30 * time.Second,
		},
		Sync: Sync{
			Enabled:              true,
			IncrementalSchedule:  "@every 1m",
			ReconcileSchedule:    "@daily",
			Overlap:              5 * time.Minute,
			Concurrency:          32,
			PageSize:             150,
			RateReservePercent:   20,
			MaxRequestsPerMinute: 0,
			CompanySweep:         time.Hour,
			Webhooks: Webhooks{
				Enabled:      false,
				Path:         "/webhooks/intercom",
				MaxBodyBytes: 1 << 20,
			},
		},
		Serve: Serve{
			Transport:             "stdio",
			Listen:                "127.0.0.1:8080",
			Tokens:                []Secret{},
			IntercomTokenCacheTTL: 5 * time.Minute,
			OAuth: OAuth{
				AllowedEmails:   []string{},
				AllowedDomains:  []string{},
				AccessTokenTTL:  time.Hour,
				RefreshTokenTTL: 30 * 24 * time.Hour,
			},
			AllowedOrigins: []string{},
			MaxBodyBytes:   1 << 20,
			SessionIdleTTL: 10 * time.Minute,
			MaxSessions:    1000,
			MaxStaleness:   5 * time.Minute,
			MaxParts:       50,
		},
		Log: Log{Level: "info", Format: "text"},
	}
}

// RegionBaseURL returns the API base URL of an Intercom data-hosting region ("us", "eu", "au"; Intercom's OpenAPI
// `servers`), and false for any other region.
func RegionBaseURL(region string) (string, bool) {
	switch region {
	case "us":
		return "https://api.intercom.io", true
	case "eu":
		return "https://api.eu.intercom.io", true
	case "au":
		return "https://api.au.intercom.io", true
	}
	return "", false
}

// APIBaseURL returns the base URL requests go to: BaseURL without a trailing slash when set, otherwise the host of
// Region. It returns "" for an unknown region (which Validate rejects).
func (c Intercom) APIBaseURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	u, _ := RegionBaseURL(c.Region)
	return u
}

// SlogLevel returns Level as a slog.Level; an unknown level (which Validate rejects) is Info.
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// File returns the path of the config file Load read, or "" if it read none.
func (c *Config) File() string { return c.file }

// Source says where the value of a dotted key came from: "default", "env INTERCOM_REGION", "flag --listen",
// "/path/config.yaml:7", or "file /path/token" for a secret read from a file.
func (c *Config) Source(key string) string {
	if s, ok := c.sources[key]; ok {
		return s
	}
	return "default"
}

// Warnings returns what Load noticed that is not an error (a token file other users can read, ...), for the
// caller to log.
func (c *Config) Warnings() []string { return append([]string(nil), c.warnings...) }
