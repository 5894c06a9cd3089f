package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/mcp/oauth"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
	"github.com/intercom-replica/intercom-replica/sync/progress"
)

const serveExamples = `  intercom-replica serve --demo      # the demo workspace; on a terminal over HTTP, printing the URL and a token
  intercom-replica serve             # stdio: how an MCP client starts it (configs/clients/ has each client's entry)
  intercom-replica serve --transport http --tokens-file ~/.config/intercom-replica/local_tokens
  intercom-replica serve --demo --transport http --listen 127.0.0.1:0   # any free port

Several serve processes may share one data directory (one per MCP client window): the first owns the replica and
runs the syncer, the others forward to it over a socket in the directory, and one takes over when it exits.
`

// servePlan is what one run of serve does, decided before anything starts (planServe); runServe carries it out.
type servePlan struct {
	// transport is "stdio" or "http".
	transport string
	// demo serves the demo workspace. Its replica is opened before serving, since what serve prints about it needs
	// it; any other replica opens in the background while the transport answers.
	demo bool
	// tokens are the bearer tokens HTTP accepts, from the configuration.
	tokens []string
	// demoToken makes the demo's own token (demoToken, kept in its data directory) the one token HTTP accepts,
	// and the server's answers to a request without it say where it comes from.
	demoToken bool
	// verifyIntercomTokens accepts the workspace's Intercom access tokens on HTTP too, checked with GET /me: on
	// the configured API, or for the demo on a fake Intercom of its own, whose token the banner shows.
	verifyIntercomTokens bool
	// oauth serves sign-in with Intercom on HTTP (serve.oauth.enabled, or the demo's own).
	oauth bool
	// demoOAuth signs people in with the demo's fake Intercom, which approves at once as the demo workspace's
	// first teammate, and skips the consent page: a script walks the flow by following redirects.
	demoOAuth bool
	// webhooks serves the syncer's webhook receiver on the HTTP listener.
	webhooks bool
	// announce is what serve tells the person who started it once it serves.
	announce serveAnnouncement
	// stdioWhy says why the demo serves stdio, for announceDemoStdio.
	stdioWhy string
}

// serveAnnouncement is what serve tells the person who started it.
type serveAnnouncement int

const (
	announceNothing         serveAnnouncement = iota
	announceDemoHTTP                          // on stdout: the demo's URL, its token, how to connect a client
	announceDemoStdio                         // on stderr: the demo serves stdio, why, and how to add it to a client
	announceStdioOnTerminal                   // a log line: an MCP client normally starts this command itself
)

// demoTokenHint is where the demo's token comes from, for the server's answers to a request without it.
const demoTokenHint = "the one serve --demo printed when it started, kept in the file " + demoTokenFile + " of the demo data directory"

// planServe decides what serve does from its configuration, --demo, and whether a person types at stdin. Its
// errors are the configurations serve refuses: sync without an Intercom token, webhooks without their client
// secret, HTTP without a way to authenticate a client.
func planServe(cfg *configs.Config, demo, stdinTerminal bool) (servePlan, error) {
	p := servePlan{transport: cfg.Serve.Transport, demo: demo}
	// A person at a terminal has no MCP client attached to stdin: the demo then serves HTTP, so that it can be
	// connected to at once, unless a transport was chosen.
	if demo && cfg.Source("serve.transport") == "default" && stdinTerminal {
		p.transport = "http"
	}
	if !demo && cfg.Sync.Enabled {
		if err := cfg.RequireIntercomToken(); err != nil {
			return servePlan{}, usageError{err}
		}
	}
	if cfg.Sync.Enabled {
		if err := cfg.RequireWebhookSecret(); err != nil {
			return servePlan{}, usageError{err}
		}
	}
	for _, t := range cfg.Serve.Tokens {
		p.tokens = append(p.tokens, t.Reveal())
	}
	switch {
	case p.transport == "http":
		if demo && len(p.tokens) == 0 && !cfg.Serve.NoAuth {
			p.demoToken = true
		} else if err := cfg.RequireHTTPAuth(); err != nil {
			return servePlan{}, usageError{err}
		}
		p.verifyIntercomTokens = cfg.Serve.AcceptIntercomTokens && !cfg.Serve.NoAuth // without auth, every request is served anyway
		p.oauth = cfg.Serve.OAuth.Enabled && !cfg.Serve.NoAuth
		if demo && !cfg.Serve.NoAuth && (cfg.Serve.PublicURL != "" || loopbackListen(cfg.Serve.Listen)) {
			// The demo signs in with its own fake Intercom, whatever the configuration says; on the network, only
			// with the public URL that OAuth needs there.
			p.oauth, p.demoOAuth = true, true
		}
		p.webhooks = cfg.Sync.Webhooks.Enabled
		if demo {
			p.announce = announceDemoHTTP
		}
	case demo:
		p.announce, p.stdioWhy = announceDemoStdio, "stdin is not a terminal, as when an MCP client starts it"
		if src := cfg.Source("serve.transport"); src != "default" {
			p.stdioWhy = "serve.transport is stdio, from " + src
		}
	case stdinTerminal:
		p.announce = announceStdioOnTerminal
	}
	return p, nil
}

// loopbackListen reports whether a listen address (host:port) is on a loopback address or localhost.
func loopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return host == "localhost" || err == nil && ip.IsLoopback()
}

// serve is one run of `intercom-replica serve`: what it was configured with, and what it shares between the
// MCP server it runs and the owner role it takes on.
type serve struct {
	cfg      *configs.Config
	dir      string
	demo     bool
	log      *slog.Logger
	registry *prometheus.Registry
	metrics  *mcp.Metrics
	webhooks webhookRoute
}

// newServeFlags returns serve's flag set on m, with its replica flags.
func newServeFlags(m *Main) (*flag.FlagSet, *replicaFlags) {
	fs := m.newFlagSet("serve", "serve [--transport stdio|http] [--listen ADDR] [--demo] [flags]", serveExamples)
	return fs, addReplicaFlags(fs, append(configs.IntercomFlags(), configs.ServeFlags()...)...)
}

func runServe(ctx context.Context, m *Main, args []string) error {
	fs, rf := newServeFlags(m)
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	cfg, dir, log, err := rf.load(m)
	if err != nil {
		return err
	}
	p, err := planServe(cfg, *rf.demo, m.stdinIsTerminal())
	if err != nil {
		return err
	}
	tokens, tokenHint := p.tokens, "" // tokenHint: "" is the server's default advice
	if p.demoToken {
		t, err := demoToken(dir)
		if err != nil {
			return err
		}
		tokens, tokenHint = []string{t}, demoTokenHint
	}

	s := &serve{cfg: cfg, dir: dir, demo: p.demo, log: log, registry: prometheus.NewRegistry()}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var acc *peer.Access // set below; the metrics read the replica's status only when scraped
	toolOpts := mcp.ToolOptions{Logger: log, MaxParts: cfg.Serve.MaxParts, SyncState: syncStateOf}
	// A scrape while the replica opens must not wait for it.
	if s.metrics, err = mcp.NewMetrics(s.registry, statusFunc(func(ctx context.Context) (index.Status, error) {
		if err := acc.Opened(); err != nil {
			return index.Status{}, err
		}
		return acc.Status(ctx)
	}), toolOpts); err != nil {
		return err
	}
	toolOpts.Metrics = s.metrics

	if acc, err = s.reachReplica(ctx, m); acc == nil {
		return err
	}
	srv := mcp.NewServer(mcp.Deps{Replica: acc, Fresh: acc}, mcp.Options{Version: moduleVersion(), Tools: toolOpts})

	serveTransport := s.stdioTransport(m, srv)
	if p.transport == "http" {
		var stop func()
		if serveTransport, stop, err = s.listenHTTP(ctx, m, p, srv, acc, tokens, tokenHint); err != nil {
			acc.Close()
			return err
		}
		defer stop()
	}
	switch p.announce {
	case announceDemoStdio:
		var args []string // what the client's command needs to reach this same replica
		if dataDirFromFlag(s.cfg) {
			abs, err := filepath.Abs(dir)
			if err != nil {
				abs = dir
			}
			args = []string{"--data-dir", abs}
		}
		printDemoStdio(m.Stderr, demoSummary(ctx, acc, dir), p.stdioWhy, selfCommand(), args)
	case announceStdioOnTerminal:
		log.Info("serving MCP over stdio: an MCP client normally starts this command itself (see configs/clients/); " +
			"--transport http serves it over HTTP")
	}

	// One group for the whole process: the transport, and the replica's owner role (or the watch for the owner's
	// exit). Any failure, the end of stdin, or a signal stops everything.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return acc.Run(gctx) })
	g.Go(func() error {
		defer cancel()
		return serveTransport(gctx)
	})
	err = g.Wait()
	if cerr := acc.Close(); err == nil {
		err = cerr
	}
	return err
}

// reachReplica reaches the replica, whoever holds it, with serve's owner role. The demo's replica is small, and
// what serve prints about it needs it: it is opened before anything is served. A large replica takes a minute to
// open, and minutes when its index must be rebuilt (or the process that holds it is doing so), but an MCP client
// gives up on a server that does not answer within a minute or less: any other replica opens in the background,
// the transport starts at once, and tool calls wait for the replica, for a while. It returns nil and the error
// that ends serve when the demo's replica cannot be reached, nil and nil when interrupted while waiting for it.
func (s *serve) reachReplica(ctx context.Context, m *Main) (*peer.Access, error) {
	opts := peer.AccessOptions{Logger: s.log, Version: versionString(), Own: s.own, IndexProgress: indexProgressLog(s.log), OpenWait: m.openWait, Open: m.openReplica}
	if !s.demo {
		return peer.StartAccess(ctx, s.dir, opts), nil
	}
	acc, err := peer.OpenAccess(ctx, s.dir, opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil // interrupted while waiting for the replica
		}
		return nil, err
	}
	if self, pid := acc.Owner(); !self {
		s.log.Info("the data directory is owned by another process: forwarding to it", "dir", s.dir, "pid", pid)
	}
	return acc, nil
}

// listenHTTP listens for MCP over HTTP as p says, and returns the function that serves until its context ends,
// with the function that stops what it started besides (the demo's Intercom that checks Intercom tokens). For
// announceDemoHTTP, it prints how to connect a client once it listens.
func (s *serve) listenHTTP(ctx context.Context, m *Main, p servePlan, srv *server.MCPServer, acc *peer.Access, tokens []string, tokenHint string) (func(context.Context) error, func(), error) {
	cfg := s.cfg
	stop := func() {}
	baseURL := cfg.Intercom.APIBaseURL()
	var demo *demoIntercom
	if p.demo && (p.verifyIntercomTokens || p.oauth) {
		// The demo's Intercom is the fake: it proves its own tokens with GET /me, and plays Intercom's sign-in.
		d, err := startDemoIntercom(s.log.With("for", "checking Intercom tokens and signing in"))
		if err != nil {
			return nil, nil, err
		}
		stop, demo, baseURL = d.close, d, d.baseURL
	}
	me := intercomMe{baseURL: baseURL, version: cfg.Intercom.APIVersion, http: &http.Client{Timeout: cfg.Intercom.RequestTimeout}}
	var (
		verifier      mcp.TokenVerifier
		intercomToken string // the demo Intercom's, when its tokens are accepted
		oauthOpts     *oauth.Options
	)
	if p.verifyIntercomTokens {
		verifier = tokenVerifier{me}
		if demo != nil {
			intercomToken = demo.token
		}
	}
	if p.oauth {
		var err error
		if oauthOpts, err = s.oauthOptions(p, acc, me, demo); err != nil {
			stop()
			return nil, nil, err
		}
	}
	routes := map[string]http.Handler{}
	if p.webhooks {
		routes[cfg.Sync.Webhooks.Path] = &s.webhooks
	}
	hs, err := mcp.NewHTTPServer(srv, mcp.HTTPOptions{
		Addr: cfg.Serve.Listen,
		Auth: mcp.AuthOptions{
			Tokens:    tokens,
			NoAuth:    cfg.Serve.NoAuth,
			Intercom:  verifier,
			Workspace: mcp.WorkspaceOf(acc, syncStateOf),
			CacheTTL:  cfg.Serve.IntercomTokenCacheTTL,
			TokenHint: tokenHint,
		},
		OAuth:          oauthOpts,
		PublicURL:      cfg.Serve.PublicURL,
		AllowedOrigins: cfg.Serve.AllowedOrigins,
		MaxBodyBytes:   cfg.Serve.MaxBodyBytes,
		SessionIdleTTL: cfg.Serve.SessionIdleTTL,
		MaxSessions:    cfg.Serve.MaxSessions,
		Registry:       s.registry,
		Metrics:        s.metrics,
		Ready:          replicaReady(acc),
		SyncFailure:    mcp.ReplicaSyncFailure(acc, syncStateOf),
		Logger:         s.log,
		Routes:         routes,
	})
	if err != nil {
		stop()
		return nil, nil, usageError{err}
	}
	addr, err := hs.Listen()
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("%w (another program uses it? choose another address with --listen 127.0.0.1:PORT)", err)
	}
	if p.oauth && !p.demoOAuth {
		s.log.Info("sign-in with Intercom is on: register this redirect URL in your Intercom app (Developer Hub: your app, Authentication)",
			"redirect_url", hs.PublicURL()+oauth.PathIntercomCallback)
	}
	var signInAs string
	if p.demoOAuth {
		demo.h.SetOAuthApp(&fakeintercom.OAuthApp{ClientID: oauthOpts.Intercom.ClientID, ClientSecret: oauthOpts.Intercom.ClientSecret,
			RedirectURLs: []string{hs.PublicURL() + oauth.PathIntercomCallback}, AutoApprove: true})
		if tm, err := me.teammate(ctx, demo.token); err == nil {
			signInAs = tm.Name + " <" + tm.Email + ">"
		}
	}
	if p.announce == announceDemoHTTP {
		banner := demoHTTPBanner{summary: demoSummary(ctx, acc, s.dir), baseURL: "http://" + addr.String(), intercomToken: intercomToken, signInAs: signInAs}
		switch {
		case p.demoToken:
			banner.token = tokens[0] // the demo's own, made for this data directory
		case len(tokens) > 0:
			banner.ownTokens = true // the operator's: never printed
		}
		banner.print(m.Stdout)
	}
	return hs.Run, stop, nil
}

// oauthOptions configures sign-in with Intercom: the configured Intercom app, or for the demo the demo Intercom's,
// with the grants kept in the data directory's oauth.db.
func (s *serve) oauthOptions(p servePlan, acc *peer.Access, me intercomMe, demo *demoIntercom) (*oauth.Options, error) {
	cfg := s.cfg
	store, err := oauth.OpenStore(filepath.Join(s.dir, oauth.StoreFile))
	if err != nil {
		return nil, err
	}
	app := oauth.IntercomApp{
		ClientID: cfg.Serve.OAuth.ClientID, ClientSecret: cfg.Serve.OAuth.ClientSecret.Reveal(),
		AuthorizeURL: cfg.OAuthAuthorizeURL(), TokenURL: cfg.OAuthTokenURL(), Identify: me.teammate, HTTPClient: me.http,
	}
	if p.demoOAuth {
		app.ClientID, app.ClientSecret = "intercom-replica-demo", rand.Text()
		app.AuthorizeURL, app.TokenURL = demo.baseURL+fakeintercom.PathOAuthAuthorize, demo.baseURL+fakeintercom.PathOAuthToken
	}
	return &oauth.Options{
		Store: store, Intercom: app, Workspace: mcp.WorkspaceOf(acc, syncStateOf),
		AllowedEmails: cfg.Serve.OAuth.AllowedEmails, AllowedDomains: cfg.Serve.OAuth.AllowedDomains,
		AccessTTL: cfg.Serve.OAuth.AccessTokenTTL, RefreshTTL: cfg.Serve.OAuth.RefreshTokenTTL,
		SkipConsent: p.demoOAuth, Logger: s.log,
	}, nil
}

// stdioTransport returns the function that serves MCP over m's stdin and stdout until its context ends or stdin
// does.
func (s *serve) stdioTransport(m *Main, srv *server.MCPServer) func(context.Context) error {
	return func(ctx context.Context) error {
		err := mcp.ServeStdio(ctx, srv, m.Stdin, m.Stdout, s.log)
		if err == nil && ctx.Err() == nil {
			s.log.Info("stdin reached its end: the MCP client has gone, so serve stops (--transport http serves HTTP instead)")
		}
		return err
	}
}

// own is serve's owner role: the scheduled syncer (for the demo, on the embedded fake Intercom, after a first
// sync), which also runs the passes `sync` asks for, live lookups for get_*, and the webhook receiver.
func (s *serve) own(ctx context.Context, r *index.Replica) (peer.OwnerRole, error) {
	if !s.cfg.Sync.Enabled {
		s.log.Info("sync.enabled is false: serving the replica as it is, without live lookups")
		role := peer.OwnerRole{Fresh: &mcp.Policy{Replica: r, MaxStaleness: staleness(s.cfg.Serve.MaxStaleness), Logger: s.log, Metrics: s.metrics}}
		if s.demo {
			return role, syncDemo(ctx, s.cfg, r, s.log) // but the demo workspace is there to be served
		}
		return role, nil
	}
	role, syncer, err := syncingRole(s.cfg, s.demo, r, s.log, s.registry, s.metrics, progress.NewLog(s.log, 10*time.Second).Event)
	if err != nil {
		return role, err
	}
	fail := func(err error) (peer.OwnerRole, error) {
		for _, c := range role.Close {
			c()
		}
		return peer.OwnerRole{}, err
	}
	if s.demo && !replicaComplete(r) {
		if err := firstDemoSync(ctx, syncer.Syncer); err != nil {
			return fail(err)
		}
	}
	role.Run = append(role.Run, syncer.Run)
	if s.cfg.Sync.Webhooks.Enabled {
		hooks, err := syncer.Webhooks(replsync.WebhookOptions{
			ClientSecret: s.cfg.Sync.Webhooks.ClientSecret.Reveal(),
			MaxBodyBytes: s.cfg.Sync.Webhooks.MaxBodyBytes,
		})
		if err != nil {
			return fail(err)
		}
		s.webhooks.h.Store(hooks)
	}
	return role, nil
}

// webhookRoute is the webhook path of serve's HTTP listener: the syncer's receiver once this process owns the
// replica, and 503 before (Intercom delivers the notification again later).
type webhookRoute struct {
	h atomic.Pointer[replsync.Webhooks]
}

func (w *webhookRoute) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if h := w.h.Load(); h != nil {
		h.ServeHTTP(rw, r)
		return
	}
	http.Error(rw, "this process forwards to the process that owns the replica; it does not sync", http.StatusServiceUnavailable)
}

// replicaReady is the readiness check of serve's /readyz: not ready while the replica opens (saying what it is
// doing), then mcp.ReplicaReady.
func replicaReady(acc *peer.Access) func(context.Context) error {
	ready := mcp.ReplicaReady(acc)
	return func(ctx context.Context) error {
		if err := acc.Opened(); err != nil {
			return err
		}
		return ready(ctx)
	}
}

// statusFunc adapts a function to mcp.StatusSource.
type statusFunc func(ctx context.Context) (index.Status, error)

func (f statusFunc) Status(ctx context.Context) (index.Status, error) { return f(ctx) }

// indexProgressLog logs the progress of a full-text index rebuild while the replica opens.
func indexProgressLog(log *slog.Logger) func(kind query.Kind, done, total int) {
	return func(kind query.Kind, done, total int) {
		if total > 0 && (done == total || done%10000 == 0) {
			log.Info("rebuilding the full-text index", "kind", string(kind), "done", done, "total", total)
		}
	}
}

// moduleVersion is the module version the binary was built from, "(devel)" for a build in the source tree.
func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
