package fakeintercom

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Route names, as Handler.Stats counts requests.
const (
	RouteMe                   = "GET /me"
	RouteListConversations    = "GET /conversations"
	RouteGetConversation      = "GET /conversations/{id}"
	RouteSearchConversations  = "POST /conversations/search"
	RouteDeletedConversations = "GET /conversations/deleted"
	RouteListContacts         = "GET /contacts"
	RouteGetContact           = "GET /contacts/{id}"
	RouteSearchContacts       = "POST /contacts/search"
	RouteOther                = "other" // any other method or path (answered 404 or 405)
)

// DefaultVersion is the API version a request without an Intercom-Version header gets (the "version set in the app
// package"). It is older than 2.16 on purpose: GET /conversations/deleted needs 2.16, so a client that forgets to pin
// the header fails against the fake as it would against a workspace on an older version.
const DefaultVersion = "2.11"

// HandlerOptions configures a Handler. The zero value is usable.
type HandlerOptions struct {
	// Token is the access token the fake accepts (Authorization: Bearer <token>); empty means a token derived from
	// the workspace (see Handler.Token).
	Token string
	// Faults are the initial fault knobs; change them while serving with Handler.SetFaults.
	Faults Faults
	// Now is the clock of the rate-limit windows; zero means time.Now. It is separate from the workspace clock
	// because clients wait on X-RateLimit-Reset in real time.
	Now func() time.Time
	// DefaultVersion is the version of requests without an Intercom-Version header; empty means DefaultVersion.
	DefaultVersion string
	// Logger receives one debug line per request (method, route, status); nil discards. Tokens are never logged.
	Logger *slog.Logger
}

// Handler serves a Workspace as Intercom's REST API 2.16 does, for the endpoints a read replica uses. It is safe
// for concurrent use; its knobs can be changed while it serves.
type Handler struct {
	ws             *Workspace
	now            func() time.Time
	version        string
	log            *slog.Logger
	mu             sync.Mutex
	token          string
	faults         Faults
	rnd            *rand.Rand
	failNext       int
	failStatus     int
	truncNext      int
	resetNext      int
	badGatewayNext int
	window         int64 // start of the current rate-limit window, Unix seconds
	used           int   // requests counted in the current window
	stats          Stats
	requestSeq     uint64
	oauth          oauthState // Intercom's OAuth side (oauth.go)
}

// Stats counts what a Handler has served since it was created or last reset.
type Stats struct {
	// Requests counts every request received, by route (RouteListConversations, ...), whatever its outcome.
	Requests map[string]int
	// Total is the sum of Requests.
	Total int
	// Unauthorized, RateLimited and ServerErrors count 401, 429 and injected 5xx answers; Truncated counts bodies
	// cut short.
	Unauthorized, RateLimited, ServerErrors, Truncated int
	// Resets counts connections reset before any response; BadGateways counts a proxy's HTML 502 answers.
	Resets, BadGateways int
}

// NewHandler returns a handler serving ws.
func NewHandler(ws *Workspace, opts HandlerOptions) *Handler {
	h := &Handler{
		ws:      ws,
		now:     opts.Now,
		version: opts.DefaultVersion,
		log:     opts.Logger,
		token:   opts.Token,
		faults:  opts.Faults,
		rnd:     ws.rng(streamFaults, 0),
		stats:   Stats{Requests: map[string]int{}},
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.version == "" {
		h.version = DefaultVersion
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.token == "" {
		h.token = base64.StdEncoding.EncodeToString([]byte("tok:" + ws.appID + ":fake-intercom:" + strconv.FormatUint(ws.seed, 10)))
	}
	return h
}

// Workspace returns the workspace the handler serves.
func (h *Handler) Workspace() *Workspace { return h.ws }

// Token returns the access token the handler currently accepts.
func (h *Handler) Token() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.token
}

// SetToken changes the accepted token; requests with any other token get 401 from then on (a revoked token).
func (h *Handler) SetToken(token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.token = token
}

// Stats returns a copy of the request counters.
func (h *Handler) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.stats
	s.Requests = make(map[string]int, len(h.stats.Requests))
	for k, v := range h.stats.Requests {
		s.Requests[k] = v
	}
	return s
}

// ResetStats zeroes the request counters (the rate-limit window is not reset).
func (h *Handler) ResetStats() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stats = Stats{Requests: map[string]int{}}
}

// reply is a response before faults apply.
type reply struct {
	status int
	body   []byte
	header http.Header
}

// ServeHTTP answers one API request: it counts it, reads the request body (at most 1 MiB; a larger one gets 413),
// applies latency (ending early if the client goes away) and the faults in front of the API (a connection reset, a
// proxy's HTML 502), checks the bearer token (401 without rate-limit headers), applies the rate limit (headers on
// every authenticated answer, 429 beyond the budget) and injected server errors, then serves the endpoint,
// truncating or slowing a successful body when the faults say so.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.serveOAuth(w, r) {
		return
	}
	route, serve := h.route(r)
	h.mu.Lock()
	h.stats.Requests[route]++
	h.stats.Total++
	h.requestSeq++
	requestID := uuidFrom(h.ws.seed^0xfeed, h.requestSeq)
	f := h.faults
	delay := f.Latency
	if f.Jitter > 0 {
		delay += time.Duration(h.rnd.Int64N(int64(f.Jitter) + 1))
	}
	h.mu.Unlock()

	// Read the (bounded) body before any wait: net/http watches for the client hanging up only once the body has
	// been read, so a wait in front of an unread body would outlast a cancelled request, and Server.Close with it.
	r, tooLarge, err := bufferBody(r)
	switch {
	case tooLarge:
		w.Header().Set("X-Request-Id", requestID)
		h.write(w, r, route, errorReply(http.StatusRequestEntityTooLarge, requestID, "request_too_large", "The request body is larger than "+strconv.Itoa(maxRequestBody)+" bytes"), false)
		return
	case err != nil:
		w.Header().Set("X-Request-Id", requestID)
		h.write(w, r, route, errorReply(http.StatusBadRequest, requestID, "bad_request", "could not read the request body"), false)
		return
	}
	if delay > 0 && !sleep(r.Context(), delay) {
		return
	}
	switch h.edgeFault(f) {
	case edgeReset:
		h.resetConnection(w, r, route)
		return
	case edgeBadGateway:
		h.writeBadGateway(w, r, route)
		return
	}
	w.Header().Set("X-Request-Id", requestID)
	if !h.authorized(r) {
		h.mu.Lock()
		h.stats.Unauthorized++
		h.mu.Unlock()
		h.write(w, r, route, errorReply(http.StatusUnauthorized, requestID, "unauthorized", "Access Token Invalid"), false)
		return
	}

	// Rate limit: honest headers on every authenticated answer, 429 once the window's budget is spent.
	h.mu.Lock()
	limit, windowLen := f.rateLimit(), f.rateWindow()
	limited := false
	if limit > 0 {
		now := h.now().Unix()
		start := now - now%windowLen
		if start != h.window {
			h.window, h.used = start, 0
		}
		h.used++
		remaining := limit - h.used
		if remaining < 0 {
			remaining, limited = 0, true
			h.stats.RateLimited++
		}
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(start+windowLen, 10))
	}
	fail := 0
	if !limited {
		switch {
		case h.failNext > 0:
			h.failNext--
			fail = h.failStatus
		case f.ErrorRate > 0 && h.rnd.Float64() < f.ErrorRate:
			fail = http.StatusInternalServerError
		}
		if fail != 0 {
			h.stats.ServerErrors++
		}
	}
	h.mu.Unlock()

	switch {
	case limited:
		h.write(w, r, route, errorReply(http.StatusTooManyRequests, requestID, "rate_limit_exceeded", "Exceeded rate limit of "+strconv.Itoa(limit)+" in "+strconv.FormatInt(windowLen, 10)+"_seconds"), false)
	case fail != 0:
		code, msg := "server_error", "Internal server error"
		if fail == http.StatusServiceUnavailable || fail == http.StatusBadGateway || fail == http.StatusGatewayTimeout {
			code, msg = "service_unavailable", "Service Unavailable"
		}
		h.write(w, r, route, errorReply(fail, requestID, code, msg), false)
	default:
		rep := serve(r, requestID)
		h.write(w, r, route, rep, true)
	}
}

func (h *Handler) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	h.mu.Lock()
	want := h.token
	h.mu.Unlock()
	if _, ok := h.oauthAdmin(tok); ok {
		return true
	}
	return subtle.ConstantTimeCompare([]byte(tok), []byte(want)) == 1
}

// apiVersion returns the request's Intercom-Version, or the app's default.
func (h *Handler) apiVersion(r *http.Request) string {
	if v := r.Header.Get("Intercom-Version"); v != "" {
		return v
	}
	return h.version
}

// versionAtLeast reports whether v is the given 2.x minor version or newer; "Preview" and "Unstable" are newest.
func versionAtLeast(v string, minor int) bool {
	if v == "Preview" || v == "Unstable" {
		return true
	}
	major, m, ok := strings.Cut(v, ".")
	if !ok {
		return false
	}
	maj, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil {
		return false
	}
	return maj > 2 || maj == 2 && mi >= minor
}

// route names the endpoint of a request and returns the function that answers it.
func (h *Handler) route(r *http.Request) (string, func(*http.Request, string) reply) {
	path := r.URL.Path
	get, post := r.Method == http.MethodGet, r.Method == http.MethodPost
	if route, serve := h.routeEntities(r); route != "" {
		return route, serve
	}
	if route, serve := h.routeTickets(r); route != "" {
		return route, serve
	}
	if get {
		if route, serve := h.routeHelpCenter(path); route != "" {
			return route, serve
		}
	}
	switch {
	case path == "/me" && get:
		return RouteMe, h.serveMe
	case path == "/conversations" && get:
		return RouteListConversations, h.serveListConversations
	case path == "/conversations/search" && post:
		return RouteSearchConversations, h.serveSearchConversations
	case path == "/conversations/deleted" && get:
		return RouteDeletedConversations, h.serveDeletedConversations
	case strings.HasPrefix(path, "/conversations/") && get && !strings.Contains(path[len("/conversations/"):], "/"):
		return RouteGetConversation, h.serveGetConversation
	case path == "/contacts" && get:
		return RouteListContacts, h.serveListContacts
	case path == "/contacts/search" && post:
		return RouteSearchContacts, h.serveSearchContacts
	case strings.HasPrefix(path, "/contacts/") && get && !strings.Contains(path[len("/contacts/"):], "/"):
		return RouteGetContact, h.serveGetContact
	}
	return RouteOther, func(r *http.Request, requestID string) reply {
		switch path {
		case "/me", "/conversations", "/conversations/search", "/conversations/deleted", "/contacts", "/contacts/search",
			"/admins", "/teams", "/tags", "/segments", "/companies", "/companies/scroll", "/articles", "/articles/search",
			"/help_center/collections", "/help_center/help_centers", "/ticket_types", "/tickets/search":
			return errorReply(http.StatusMethodNotAllowed, requestID, "unsupported", "The fake Intercom does not implement "+r.Method+" "+path)
		}
		return errorReply(http.StatusNotFound, requestID, "not_found", "Resource Not Found")
	}
}

// write sends a reply, applying the body faults (truncation, slow bodies) to successful answers.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, route string, rep reply, faultable bool) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	h.log.LogAttrs(r.Context(), slog.LevelDebug, "fake intercom request", slog.String("method", r.Method), slog.String("route", route), slog.Int("status", rep.status))

	truncate, slow := false, time.Duration(0)
	if faultable && rep.status == http.StatusOK {
		h.mu.Lock()
		switch {
		case h.truncNext > 0:
			h.truncNext--
			truncate = true
		case h.faults.TruncateRate > 0 && h.rnd.Float64() < h.faults.TruncateRate:
			truncate = true
		}
		if truncate {
			h.stats.Truncated++
		}
		slow = h.faults.SlowBody
		h.mu.Unlock()
	}
	w.WriteHeader(rep.status)
	body := rep.body
	if truncate {
		body = body[:len(body)/2]
	}
	if slow > 0 {
		const chunks = 10
		step := (len(body) + chunks - 1) / chunks
		for len(body) > 0 {
			n := min(step, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			body = body[n:]
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			if len(body) > 0 && !sleep(r.Context(), slow/chunks) {
				return
			}
		}
	} else if _, err := w.Write(body); err != nil {
		return
	}
	if truncate {
		// The declared Content-Length was not met: drop the connection so the client sees an unexpected EOF, as
		// when a proxy or the network cuts a response.
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
}

// sleep waits for d and reports true, or reports false as soon as ctx is done (the client went away).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// errorReply builds an error.list answer.
func errorReply(status int, requestID, code, msg string) reply {
	return reply{status: status, body: errorBody(requestID, code, msg)}
}

func errorBody(requestID, code, msg string) []byte {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "error.list")
	w.kstr("request_id", requestID)
	w.key("errors")
	w.openArray()
	w.openObject()
	w.kstr("code", code)
	w.kstr("message", msg)
	w.closeObject()
	w.closeArray()
	w.closeObject()
	return w.b
}

func ok(body []byte) reply { return reply{status: http.StatusOK, body: body} }

func (h *Handler) serveMe(r *http.Request, _ string) reply {
	return ok(h.ws.renderMeOf(nil, h.meAdmin(r)))
}

// maxRequestBody bounds the request bodies the fake reads (search bodies are small); a larger body gets 413.
const maxRequestBody = 1 << 20

// bufferBody reads r's body (at most maxRequestBody bytes) to its end and returns a shallow copy of r that reads the
// same bytes from memory, so the endpoints find the body they expect and net/http can notice the client hanging up
// while the fake waits. tooLarge reports a body over the bound, which is left unread.
func bufferBody(r *http.Request) (_ *http.Request, tooLarge bool, _ error) {
	if r.Body == nil || r.Body == http.NoBody {
		return r, false, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return r, false, err
	}
	if len(b) > maxRequestBody {
		return r, true, nil
	}
	cp := r.WithContext(r.Context())
	cp.Body = io.NopCloser(bytes.NewReader(b))
	return cp, false, nil
}

// readBody returns a request body that ServeHTTP has already buffered.
func readBody(r *http.Request) ([]byte, error) {
	return io.ReadAll(r.Body)
}
