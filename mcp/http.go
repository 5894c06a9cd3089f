package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/intercom-replica/intercom-replica/mcp/oauth"
)

// The paths of the HTTP transport.
const (
	PathMCP     = "/mcp"     // Streamable HTTP
	PathSSE     = "/sse"     // legacy SSE stream (GET)
	PathMessage = "/message" // legacy SSE message endpoint (POST ?sessionId=...)
	PathHealth  = "/healthz" // liveness: the process serves HTTP
	PathReady   = "/readyz"  // readiness: the store is open and the index caught up
	PathMetrics = "/metrics" // Prometheus text format
)

// DefaultListen is the address the HTTP transport listens on when none is given: loopback only.
const DefaultListen = "127.0.0.1:8080"

// HTTPOptions configures the HTTP transport.
type HTTPOptions struct {
	// Addr is the host:port to listen on; empty means DefaultListen. Port 0 picks a free port (see Addr).
	Addr string
	// Auth configures bearer authentication (see AuthOptions). Running without it needs Auth.NoAuth and a
	// loopback Addr.
	Auth AuthOptions
	// AllowedOrigins lists the browser origins ("https://app.example.com") whose requests are served, besides the
	// pages of this machine when the server is reached on a loopback address. A request with any other Origin
	// header gets 403, which defeats DNS rebinding and cross-site requests; requests without an Origin (every
	// non-browser client) are unaffected. See originPolicy for the whole rule, Host included.
	AllowedOrigins []string
	// MaxBodyBytes bounds a request body; larger requests get 413. Zero means 1 MiB.
	MaxBodyBytes int64
	// Registry is served at /metrics; nil serves an empty registry.
	Registry *prometheus.Registry
	// Metrics records authentication failures; nil records nothing.
	Metrics *Metrics
	// Ready reports whether the server can answer from the replica (store open, index caught up); nil means
	// always ready. Its error text is shown at /readyz.
	Ready func(ctx context.Context) error
	// SyncFailure, when set, reports whether the replica currently fails to sync (nil when it syncs); /readyz
	// then adds it as "sync_failing" ({"since", "error"}) and stays ready, since the replica still serves.
	SyncFailure func(ctx context.Context) *SyncFailure
	// ShutdownTimeout bounds the graceful shutdown when Run's context ends; zero means 10 seconds. Requests still
	// running then are cut off.
	ShutdownTimeout time.Duration
	// Logger receives the transport's log; nil discards it.
	Logger *slog.Logger
	// Routes are more handlers served on the same listener, by path (http.ServeMux patterns), behind the Origin
	// check but not bearer authentication, the body limit or the Host check: each authenticates every request
	// itself, by a proof a web page cannot make (the webhook receiver checks Intercom's signature), and bounds it.
	// A path the server serves itself panics, as ServeMux does.
	Routes map[string]http.Handler
	// SessionIdleTTL is how long a Streamable HTTP session may stay idle before the server ends it; zero means
	// DefaultSessionIdleTTL. Its client does not notice (see sessionTable).
	SessionIdleTTL time.Duration
	// MaxSessions bounds the live MCP sessions, Streamable HTTP and SSE together; the least recently active idle
	// one is ended to admit another. Zero means DefaultMaxSessions.
	MaxSessions int
	// Now is the clock of session expiry; nil means time.Now.
	Now func() time.Time
	// OAuth, when not nil, makes the server an OAuth 2.1 authorization server that signs people in with
	// Intercom (package mcp/oauth): /mcp, /sse and /message then also accept the access tokens it issues, and
	// their 401 names its metadata. Its PublicURL is replaced by the one below.
	OAuth *oauth.Options
	// PublicURL is the URL clients reach the server at (scheme://host[:port]): behind a TLS-terminating proxy, the
	// proxy's https URL. Empty means http://<the address the server listens on>, which NewHTTPServer then binds at
	// once; OAuth on a non-loopback address needs it set. Its host and origin are accepted by the Host and
	// Origin checks.
	PublicURL string
}

// HTTPServer serves one MCP server over HTTP: Streamable HTTP at /mcp, the legacy SSE transport at /sse and
// /message, and /healthz, /readyz and /metrics, behind Origin validation, body limits and bearer authentication.
type HTTPServer struct {
	opts       HTTPOptions
	log        *slog.Logger
	handler    http.Handler
	streamable *server.StreamableHTTPServer
	sse        *server.SSEServer
	sessions   *sessionTable
	srv        *http.Server

	mu sync.Mutex
	ln net.Listener
}

// NewHTTPServer builds the HTTP transport for s. It refuses a configuration that would serve without
// authentication on a non-loopback address, or that has no way to authenticate at all.
func NewHTTPServer(s *server.MCPServer, opts HTTPOptions) (*HTTPServer, error) {
	if opts.Addr == "" {
		opts.Addr = DefaultListen
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if opts.SessionIdleTTL <= 0 {
		opts.SessionIdleTTL = DefaultSessionIdleTTL
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Auth.NoAuth {
		loopback, err := isLoopbackAddr(opts.Addr)
		if err != nil {
			return nil, err
		}
		if !loopback {
			return nil, fmt.Errorf("refusing to serve without authentication on %s: no auth is only allowed on a loopback address such as 127.0.0.1", opts.Addr)
		}
	}
	h := &HTTPServer{opts: opts, log: log}
	var oa *oauth.Server
	if opts.OAuth != nil {
		var err error
		if oa, err = h.newOAuth(); err != nil {
			return nil, err
		}
		opts.Auth.oauth = oa
	}
	auth, err := newAuthenticator(opts.Auth, log, opts.Metrics.authFailure)
	if err != nil {
		return nil, err
	}
	// Sessions are bounded by h.sessions (sessions.go), not mcp-go's WithSessionIdleTTL, and their ids are its own.
	h.sessions = newSessionTable(opts.SessionIdleTTL, opts.MaxSessions, opts.Now, log,
		func(id string) { endStreamableSession(h.streamable, id) })
	h.streamable = server.NewStreamableHTTPServer(s, server.WithStreamableHTTPLogger(log),
		server.WithSessionIdManager(streamableIDs{&h.sessions.ids}))
	for _, c := range h.sessions.collectors() {
		if err := opts.Registry.Register(c); err != nil {
			return nil, fmt.Errorf("register session metrics: %w", err)
		}
	}
	// The SSE server builds the message endpoint URL it announces from these paths; they must match where the
	// handler is mounted below (mcp-go cannot know).
	h.sse = server.NewSSEServer(s,
		server.WithSSEEndpoint(PathSSE),
		server.WithMessageEndpoint(PathMessage),
		server.WithKeepAliveInterval(25*time.Second),
		server.WithSessionIDGenerator(h.sessions.sseSessionID),
	)

	mux := http.NewServeMux()
	mux.Handle(PathMCP, auth.middleware(mcpMethods(limitBody(opts.MaxBodyBytes, h.sessions.streamable(h.streamable)))))
	mux.Handle(PathSSE, auth.middleware(h.sessions.sseStream(h.sse)))
	mux.Handle(PathMessage, auth.middleware(limitBody(opts.MaxBodyBytes, h.sessions.sseMessage(h.sse))))
	if oa != nil {
		for path, handler := range oa.Routes() {
			mux.Handle(path, handler)
		}
	} else {
		noOAuth := noOAuth{hint: auth.opts.TokenHint}
		for _, path := range append(oauthMetadataPaths(), oauthEndpointPaths()...) {
			mux.Handle(path, noOAuth)
		}
	}
	mux.HandleFunc(PathHealth, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc(PathReady, h.serveReady)
	mux.Handle(PathMetrics, promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}))
	for path, handler := range opts.Routes {
		mux.Handle(path, handler)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeHTTPError(w, http.StatusNotFound, "not found; the MCP endpoint is "+PathMCP+" (Streamable HTTP) or "+PathSSE+" (legacy SSE)")
	})
	allowed := opts.AllowedOrigins
	if h.opts.PublicURL != "" {
		allowed = append(slices.Clone(allowed), h.opts.PublicURL) // the consent page's form posts from it
	}
	policy := newOriginPolicy(allowed, opts.Addr, slices.Collect(maps.Keys(opts.Routes)))
	if u, err := url.Parse(h.opts.PublicURL); err == nil && u.Host != "" {
		policy.publicHost = strings.ToLower(u.Host)
	}
	h.handler = policy.middleware(mux)
	h.srv = &http.Server{
		Handler:           h.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute, // whole request, body included; bodies are small
		// No WriteTimeout: SSE streams and streamed responses stay open for as long as the session lives.
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return h, nil
}

// newOAuth builds the authorization server of h.opts.OAuth at the public URL: HTTPOptions.PublicURL, or the
// address the server listens on, which it binds now to learn it (port 0 picks one).
func (h *HTTPServer) newOAuth() (*oauth.Server, error) {
	if h.opts.PublicURL == "" {
		loopback, err := isLoopbackAddr(h.opts.Addr)
		if err != nil {
			return nil, err
		}
		if !loopback {
			return nil, fmt.Errorf("OAuth on %s, which is not a loopback address, needs the public URL clients reach "+
				"the server at (serve.public_url, e.g. https://replica.example.com behind a TLS-terminating proxy)", h.opts.Addr)
		}
		addr, err := h.Listen()
		if err != nil {
			return nil, err
		}
		h.opts.PublicURL = "http://" + addr.String()
	}
	o := *h.opts.OAuth
	o.PublicURL = h.opts.PublicURL
	if o.Logger == nil {
		o.Logger = h.log
	}
	oa, err := oauth.NewServer(o)
	if err != nil {
		return nil, err
	}
	h.opts.PublicURL = oa.Issuer()
	h.log.Info("OAuth sign-in with Intercom is on", "issuer", oa.Issuer(), "intercom_redirect_url", oa.Issuer()+oauth.PathIntercomCallback)
	return oa, nil
}

// PublicURL returns the URL clients reach the server at: HTTPOptions.PublicURL, or with OAuth on and none given,
// http://<the address it listens on>; "" when neither is known.
func (h *HTTPServer) PublicURL() string { return h.opts.PublicURL }

// Handler returns the whole HTTP handler (all paths, with Origin checks, limits and authentication), for tests
// and for callers that run their own http.Server.
func (h *HTTPServer) Handler() http.Handler { return h.handler }

// Listen binds the listening socket, if Run has not already, and returns its address (useful with port 0).
func (h *HTTPServer) Listen() (net.Addr, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ln == nil {
		ln, err := net.Listen("tcp", h.opts.Addr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", h.opts.Addr, err)
		}
		h.ln = ln
	}
	return h.ln.Addr(), nil
}

// Run serves until ctx ends, then shuts down gracefully: it stops accepting connections, ends the SSE and
// Streamable HTTP sessions, and waits up to ShutdownTimeout for requests in flight. It returns nil after a
// shutdown caused by ctx, and the error otherwise. Run may be called once.
func (h *HTTPServer) Run(ctx context.Context) error {
	if _, err := h.Listen(); err != nil {
		return err
	}
	h.log.Info("serving MCP over HTTP", "addr", h.ln.Addr().String(), "streamable", PathMCP, "sse", PathSSE)
	errc := make(chan error, 1)
	go func() { errc <- h.srv.Serve(h.ln) }()
	sweepCtx, stopSweep := context.WithCancel(ctx)
	defer stopSweep()
	go h.sessions.run(sweepCtx)
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.opts.ShutdownTimeout)
	defer cancel()
	// Long-lived streams never finish by themselves: end the sessions first so Shutdown can drain.
	h.sse.CloseSessions()
	h.streamable.CloseSessions(sctx)
	err := h.srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		h.srv.Close()
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

func (h *HTTPServer) serveReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	answer := map[string]any{"status": "ready"}
	if h.opts.SyncFailure != nil {
		if f := h.opts.SyncFailure(ctx); f != nil {
			answer["sync_failing"] = f // still ready: the replica serves what it holds
		}
	}
	if h.opts.Ready != nil {
		if err := h.opts.Ready(ctx); err != nil {
			answer["status"], answer["reason"] = "not ready", err.Error()
			writeJSON(w, http.StatusServiceUnavailable, answer)
			return
		}
	}
	writeJSON(w, http.StatusOK, answer)
}

// mcpMethods answers 405 to a request to the Streamable HTTP endpoint with a method it does not serve (mcp-go
// answers "404 page not found").
func mcpMethods(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodDelete:
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Allow", "GET, POST, DELETE")
			writeRPCError(w, http.StatusMethodNotAllowed, nil, codeTransportRefusal, "Method Not Allowed: "+r.Method+" "+PathMCP+
				": the MCP endpoint accepts GET, POST and DELETE (POST sends a JSON-RPC message, GET opens a session's "+
				"event stream, DELETE ends a session)")
		}
	})
}

// limitBody answers 413 to a request whose body is larger than max, and otherwise hands next the body read into
// memory (mcp-go reads it whole anyway, and would otherwise turn a too-large body into a JSON-RPC parse error). A
// JSON-RPC batch gets its own answer (see batchRefusal), which mcp-go would call invalid JSON, and so does a request
// whose id is neither a string nor an integer (see badRequestID), which mcp-go would serve, or take for a
// notification when the id is null.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			writeHTTPError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", max))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeHTTPError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", max))
				return
			}
			writeHTTPError(w, http.StatusBadRequest, "could not read the request body")
			return
		}
		if isBatch(body) {
			writeJSON(w, http.StatusBadRequest, batchRefusal())
			return
		}
		if why := badRequestID(body); why != "" {
			writeJSON(w, http.StatusBadRequest, badIDRefusal(why))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// writeRPCError answers a JSON-RPC error with the given HTTP status; a nil id is written null (the request's id
// is unknown, or is what is wrong with it).
func writeRPCError(w http.ResponseWriter, status int, id json.RawMessage, code int, msg string) {
	writeJSON(w, status, mcpgo.NewJSONRPCError(mcpgo.NewRequestId(id), code, msg, nil)) // a nil RawMessage is null
}

func writeHTTPError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON answers v as JSON. Messages are written as they read ("<token>", not "\u003ctoken\u003e"): clients
// print the raw body, and nosniff keeps a browser from taking it for HTML.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// isLoopbackAddr reports whether the host of addr (host:port) is a loopback address or "localhost". An empty
// host (":8080") listens on every interface and is not loopback.
func isLoopbackAddr(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false, nil // a host name: it may resolve to anything
	}
	return ip.IsLoopback(), nil
}
