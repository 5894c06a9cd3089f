package configs

// Flag names a subcommand can pass to [RegisterFlags]. Secrets have no flag of their own (a command line is visible
// to every user of the machine in ps); their *_file keys do.
const (
	FlagConfig          = "config"            // the config file; not a key
	FlagDataDir         = "data-dir"          // data_dir
	FlagAccessTokenFile = "access-token-file" // intercom.access_token_file
	FlagRegion          = "region"            // intercom.region
	FlagBaseURL         = "base-url"          // intercom.base_url
	FlagTransport       = "transport"         // serve.transport
	FlagListen          = "listen"            // serve.listen
	FlagTokensFile      = "tokens-file"       // serve.tokens_file
	FlagNoAuth          = "no-auth"           // serve.no_auth
	FlagLogLevel        = "log-level"         // log.level
	FlagLogFormat       = "log-format"        // log.format
)

// EnvConfig names the environment variable holding the config file's path (when --config is not given).
const EnvConfig = "INTERCOM_REPLICA_CONFIG"

// ReplicaFlags returns the flags of every subcommand that opens the replica: where the config and the data are, and
// how to log.
func ReplicaFlags() []string {
	return []string{FlagConfig, FlagDataDir, FlagLogLevel, FlagLogFormat}
}

// IntercomFlags returns the flags of every subcommand that calls Intercom (sync, serve).
func IntercomFlags() []string {
	return []string{FlagRegion, FlagBaseURL, FlagAccessTokenFile}
}

// ServeFlags returns the flags only serve has.
func ServeFlags() []string {
	return []string{FlagTransport, FlagListen, FlagTokensFile, FlagNoAuth}
}

// setting documents one key of the config file for users: its meaning, and the environment variable and flag that
// also set it. It is the single source of the example file, the README reference, the environment layer, the flags
// and their help.
type setting struct {
	key         string // dotted YAML path, e.g. "serve.listen"
	section     bool   // a mapping of further keys rather than a value
	env         string // environment variable that sets it, "" if none
	flag        string // flag that sets it, "" if none
	usage       string // the flag's one-line help; a `word` in backquotes names its argument
	doc         string // what it means, for the example file and the README
	defaultText string // how to describe the default when its literal value would not say it ("" = the value)
	path        bool   // a filesystem path: a leading ~ is expanded, and in a config file it is relative to the file
	fileOf      string // for a *_file key: the secret key that the file's content fills
}

// settings lists every key of Config, sections included, in the order of the struct (a test checks both ways).
func settings() []setting {
	return []setting{
		{
			key: "data_dir", env: "INTERCOM_REPLICA_DATA_DIR", flag: FlagDataDir, path: true,
			usage: "`directory` holding the replica",
			doc: "Directory holding the replica: replica.db (bbolt), index/ (bleve) and the socket through which " +
				"other processes reach the one that owns them. Empty means the platform's user data directory: " +
				"$XDG_DATA_HOME/intercom-replica or ~/.local/share/intercom-replica on Linux, " +
				"~/Library/Application Support/intercom-replica on macOS, %LocalAppData%\\intercom-replica on Windows.",
			defaultText: "the platform's user data directory",
		},

		{
			key: "intercom", section: true,
			doc: "How to reach Intercom's REST API. Only sync and serve call Intercom; search, get, status, export " +
				"and reindex read the local replica and need no token.",
		},
		{
			key: "intercom.access_token", env: "INTERCOM_ACCESS_TOKEN",
			doc: "Intercom access token (Developer Hub: your app, Authentication). Prefer the environment variable " +
				"or access_token_file to writing it here. It is never logged or printed.",
		},
		{
			key: "intercom.access_token_file", env: "INTERCOM_ACCESS_TOKEN_FILE", flag: FlagAccessTokenFile,
			path: true, fileOf: "intercom.access_token",
			usage: "read the Intercom access token from `file`",
			doc: "File holding the access token on one line (mode 0600). An alternative to access_token: " +
				"whichever is set by the later layer wins.",
		},
		{
			key: "intercom.region", env: "INTERCOM_REGION", flag: FlagRegion,
			usage: "Intercom data-hosting `region`: us, eu or au",
			doc: "The workspace's data-hosting region: us (api.intercom.io), eu (api.eu.intercom.io) or au " +
				"(api.au.intercom.io). A token only works in its own region.",
		},
		{
			key: "intercom.base_url", env: "INTERCOM_BASE_URL", flag: FlagBaseURL,
			usage: "Intercom API base `URL`, overriding the region",
			doc: "API base URL, overriding region: the URL printed by intercom-replica fake-intercom, or a proxy. " +
				"Empty means the region's host.",
		},
		{
			key: "intercom.api_version",
			doc: "Intercom-Version header sent with every request. The replica is built and tested against 2.16.",
		},
		{
			key: "intercom.request_timeout",
			doc: "Time limit for one HTTP request to Intercom, reading the body included.",
		},

		{
			key: "sync", section: true,
			doc: "The syncer that keeps the replica current: serve runs it in the background on the schedules " +
				"below; intercom-replica sync runs one pass.",
		},
		{
			key: "sync.enabled",
			doc: "Whether serve runs the background syncer. false serves the replica as it is (offline use); " +
				"intercom-replica sync still works.",
		},
		{
			key: "sync.incremental_schedule",
			doc: "When serve runs an incremental pass (what changed since the last one): a cron spec of 5 fields " +
				"(minute hour day-of-month month day-of-week) or a descriptor such as @every 1m, @hourly, @daily, " +
				"optionally prefixed by CRON_TZ=Area/City, at least 10s apart (a pass that finds nothing still costs " +
				"14 requests and a few seconds; webhooks bring changes sooner). A pass never overlaps the previous one.",
		},
		{
			key: "sync.reconcile_schedule",
			doc: "When serve runs a reconcile pass, a sweep of every id that finds the deletions and merges an " +
				"incremental pass cannot see. Same syntax as incremental_schedule, at least 1h apart: a reconcile " +
				"pass walks every record, and the incremental ticks that come while it runs are skipped.",
		},
		{
			key: "sync.overlap",
			doc: "How far before the last watermark each incremental search starts, so that updates near the " +
				"boundary (clock skew, Intercom's indexing delay) are not missed. Records are deduplicated by id and " +
				"updated_at, so a larger overlap costs a few calls, never duplicates.",
		},
		{
			key: "sync.concurrency",
			doc: "How many whole conversations (every part) are fetched at once, from 1 to 64. At Intercom's " +
				"typical latency, 32 lets a backfill use the whole sync budget (the live reserve stays free); lower " +
				"it to leave headroom for other apps sharing the workspace's limit.",
		},
		{
			key: "sync.page_size",
			doc: "Records per page when listing and searching Intercom, from 1 to 150 (Intercom's maximum).",
		},
		{
			key: "sync.rate_reserve_percent",
			doc: "Share of Intercom's rate limit, in percent from 0 to 99, that the syncer leaves unused so that " +
				"live get_conversation and get_contact calls still have room.",
		},
		{
			key: "sync.max_requests_per_minute",
			doc: "Ceiling on the syncer's requests per minute, for workspaces that share their limit with other " +
				"apps (Intercom allows 10,000 a minute per app and 25,000 per workspace). 0 means no ceiling but " +
				"Intercom's X-RateLimit headers.",
		},
		{
			key: "sync.company_sweep",
			doc: "How often an incremental pass walks every company (GET /companies/scroll) to find what changed " +
				"and what was deleted: Intercom cannot list companies by updated_at, so between sweeps only the " +
				"company webhooks keep them current.",
		},

		{
			key: "sync.webhooks", section: true,
			doc: "Optional Intercom webhooks, so that changes land within seconds instead of at the next " +
				"incremental pass. serve receives them on its HTTP listener (serve.listen), even with the stdio " +
				"transport. Intercom posts only to HTTPS URLs: put a reverse proxy or a tunnel in front.",
		},
		{
			key: "sync.webhooks.enabled",
			doc: "Whether serve accepts webhook notifications.",
		},
		{
			key: "sync.webhooks.path",
			doc: "URL path notifications are posted to; register https://<your host><path> in Intercom's " +
				"Developer Hub.",
		},
		{
			key: "sync.webhooks.client_secret", env: "INTERCOM_CLIENT_SECRET",
			doc: "The app's client secret (Developer Hub: your app, Basic information). Every notification's " +
				"X-Hub-Signature must match it; unsigned and mis-signed ones are rejected. serve requires it when " +
				"webhooks are enabled; the commands that only read the replica do not.",
		},
		{
			key: "sync.webhooks.client_secret_file", env: "INTERCOM_CLIENT_SECRET_FILE",
			path: true, fileOf: "sync.webhooks.client_secret",
			doc: "File holding the client secret on one line (mode 0600), an alternative to client_secret.",
		},
		{
			key: "sync.webhooks.max_body_bytes",
			doc: "Largest notification body accepted, in bytes; larger ones are rejected unread.",
		},

		{
			key: "serve", section: true,
			doc: "The MCP server, intercom-replica serve.",
		},
		{
			key: "serve.transport", env: "INTERCOM_REPLICA_TRANSPORT", flag: FlagTransport,
			usage: "MCP `transport`: stdio or http",
			doc: "stdio (the MCP client starts intercom-replica serve and talks over stdin and stdout) or http " +
				"(Streamable HTTP at /mcp, legacy SSE at /sse, and /healthz, /readyz, /metrics, on listen).",
		},
		{
			key: "serve.listen", env: "INTERCOM_REPLICA_LISTEN", flag: FlagListen,
			usage: "`host:port` of the HTTP listener",
			doc: "host:port of the HTTP listener (the http transport and webhooks). Loopback by default; any " +
				"other address exposes the replica to the network, so keep authentication on.",
		},
		{
			key: "serve.tokens", env: "INTERCOM_REPLICA_TOKENS",
			doc: "Local bearer tokens accepted on HTTP (Authorization: Bearer <token>), compared in constant " +
				"time. In the environment, comma-separated. At least 16 characters each: openssl rand -hex 32 " +
				"makes a good one.",
		},
		{
			key: "serve.tokens_file", env: "INTERCOM_REPLICA_TOKENS_FILE", flag: FlagTokensFile,
			path: true, fileOf: "serve.tokens",
			usage: "read local bearer tokens from `file`, one per line",
			doc: "File with one local bearer token per line (blank lines and # comments are ignored; mode 0600), " +
				"an alternative to tokens.",
		},
		{
			key: "serve.accept_intercom_tokens",
			doc: "Also accept as a bearer token an Intercom access token that GET /me proves belongs to the " +
				"replicated workspace, as set-ups written for Intercom's hosted MCP server send. Off by default: " +
				"the MCP authorization spec forbids accepting tokens issued for another audience.",
		},
		{
			key: "serve.intercom_token_cache_ttl",
			doc: "How long a verified Intercom token is trusted before GET /me is asked again, at most 1h. A " +
				"revoked token keeps working for up to this long.",
		},
		{
			key: "serve.public_url", env: "INTERCOM_REPLICA_PUBLIC_URL",
			doc: "The URL clients reach the HTTP listener at, scheme://host[:port] without a path: behind a " +
				"TLS-terminating proxy, the proxy's https URL (https://replica.example.com). It is OAuth's issuer " +
				"and the base of its redirect URL, and the Host and Origin checks accept its host. Empty means " +
				"http://<listen>, which only serves OAuth on a loopback address. Plain http is refused on any other host.",
		},
		{
			key: "serve.oauth", section: true,
			doc: "Sign-in with Intercom (HTTP only): the server becomes an OAuth 2.1 authorization server, so MCP " +
				"clients that only speak OAuth (mcp-remote without a header, remote connectors) connect after the " +
				"person signs in with Intercom. Needs an Intercom app with OAuth on whose redirect URL is " +
				"<public_url>/oauth/intercom/callback (Intercom requires https). Local tokens keep working beside it.",
		},
		{
			key: "serve.oauth.enabled",
			doc: "Whether the HTTP server offers sign-in with Intercom.",
		},
		{
			key: "serve.oauth.client_id", env: "INTERCOM_OAUTH_CLIENT_ID",
			doc: "The Intercom app's client id (Developer Hub: your app, Basic information). Required when enabled.",
		},
		{
			key: "serve.oauth.client_secret", env: "INTERCOM_OAUTH_CLIENT_SECRET",
			doc: "The Intercom app's client secret. Required when enabled. It is never logged or printed.",
		},
		{
			key: "serve.oauth.client_secret_file", env: "INTERCOM_OAUTH_CLIENT_SECRET_FILE",
			path: true, fileOf: "serve.oauth.client_secret",
			doc: "File holding the client secret on one line (mode 0600), an alternative to client_secret.",
		},
		{
			key: "serve.oauth.authorize_url",
			doc: "Intercom's OAuth authorize page. Empty means the region's (https://app.intercom.com/oauth, " +
				"app.eu.intercom.com or app.au.intercom.com), or <intercom.base_url>/oauth when base_url is set.",
		},
		{
			key: "serve.oauth.allowed_emails",
			doc: "If set (or allowed_domains is), only teammates with one of these email addresses, verified by " +
				"Intercom, may sign in. Every teammate of the replicated workspace may otherwise.",
		},
		{
			key: "serve.oauth.allowed_domains",
			doc: "If set (or allowed_emails is), only teammates whose verified email is in one of these domains " +
				"(example.com) may sign in.",
		},
		{
			key: "serve.oauth.access_token_ttl",
			doc: "Lifetime of the access tokens the server issues, from 1m to 24h; clients refresh them.",
		},
		{
			key: "serve.oauth.refresh_token_ttl",
			doc: "Lifetime of a refresh token, from 1h to 8760h (a year); each refresh issues a new one.",
		},
		{
			key: "serve.allowed_origins",
			doc: "Browser origins (scheme://host[:port]) allowed to call the HTTP endpoints, besides the pages " +
				"of this machine (localhost, 127.0.0.1 or [::1], any port) when listen is a loopback address. A " +
				"request with any other Origin header gets 403, on every path, which keeps hostile web pages out; " +
				"requests without an Origin (MCP clients, curl) are unaffected.",
		},
		{
			key: "serve.max_body_bytes",
			doc: "Largest HTTP request body accepted, in bytes; larger ones get 413.",
		},
		{
			key: "serve.session_idle_ttl",
			doc: "How long an MCP session over Streamable HTTP may stay idle before the server ends it and frees " +
				"its memory (about 10 KB), from 1s to 24h. Its client does not notice: its next request is served " +
				"all the same. Legacy SSE sessions last as long as their stream.",
		},
		{
			key: "serve.max_sessions",
			doc: "Most MCP sessions alive at once on HTTP, Streamable HTTP and SSE together, from 1 to 1000000; to " +
				"admit another, the server ends the least recently active idle one (an SSE session's stream is " +
				"closed). The default holds about 10 MB, far more sessions than a replica's few agents open.",
		},
		{
			key: "serve.no_auth", flag: FlagNoAuth,
			usage: "serve HTTP without authentication (loopback addresses only)",
			doc: "Serve HTTP without any authentication, for local experiments. Refused unless listen is a " +
				"loopback address.",
		},
		{
			key: "serve.max_staleness",
			doc: "How old the replica's copy may be for get_conversation and get_contact to answer from it; an " +
				"older one is refreshed by one live call, or returned marked stale if that fails. 0 always asks " +
				"Intercom.",
		},
		{
			key: "serve.max_parts",
			doc: "Conversation parts returned per call by fetch and get_conversation unless the call asks " +
				"otherwise, from 1 to 500; longer conversations are paged, with a note of what was left out.",
		},

		{
			key: "log", section: true,
			doc: "The operator log. It goes to stderr, never stdout (stdout carries the protocol in stdio mode).",
		},
		{
			key: "log.level", env: "INTERCOM_REPLICA_LOG_LEVEL", flag: FlagLogLevel,
			usage: "log `level`: debug, info, warn or error",
			doc:   "debug, info, warn or error.",
		},
		{
			key: "log.format", env: "INTERCOM_REPLICA_LOG_FORMAT", flag: FlagLogFormat,
			usage: "log `format`: text or json",
			doc:   "text (key=value pairs) or json (one object per line).",
		},
	}
}

// settingsByKey indexes settings() by key.
func settingsByKey() map[string]setting {
	m := make(map[string]setting)
	for _, s := range settings() {
		m[s.key] = s
	}
	return m
}
