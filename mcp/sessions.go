package mcp

import (
	"bytes"
	"container/list"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of the session bounds (HTTPOptions.SessionIdleTTL and MaxSessions).
//
// An idle Streamable HTTP session costs about 12 KB (mcp-go's session with its buffered channels: 20,000 initialize
// calls grew the server by 240 MB). Expiring one costs its client nothing (see sessionTable), so the TTL only bounds
// how long that memory is held for a client that never comes back; ten minutes outlasts an agent's pauses between
// calls. A thousand sessions, 12 MB at most, is far more than the few agents a replica serves at once (each holds
// one session), and still cycles in about a second under a client that initializes for every call at the load
// test's 1,100 calls a second, so memory stays flat whatever clients do.
const (
	DefaultSessionIdleTTL = 10 * time.Minute
	DefaultMaxSessions    = 1000
)

// sessionTable keeps the MCP sessions of the HTTP transport within bounds, and decides which requests name a
// session. mcp-go keeps the state of a Streamable HTTP session from its initialize until the client sends DELETE,
// which many clients never do, and that of a legacy SSE session for as long as its stream is open. The table ends
// Streamable HTTP sessions idle for longer than ttl, and keeps at most max sessions of both kinds: to admit one
// more, it ends the least recently active session that has no request in flight (or, when every one has, the least
// recently active of all). A session's event stream (GET /mcp) is a request in flight for as long as it is open, and
// a session has one at most: a new one ends the one before.
//
// Ending a Streamable HTTP session costs its client nothing: its id stays valid (sessionIDs tells the ids this
// server issued from any other), and a request naming it brings the session back, served as any other (none of the
// tools keeps per-session state), so the client goes on with its next call. Only the client's own DELETE ends a
// session for good: requests naming it then get 404, as do those naming an id this server did not issue (made up,
// or issued before a restart), which is what makes a client start a new session. Ending an SSE session closes its
// stream; an SSE session is not ended for idleness (its stream is open for as long as the client wants it), only to
// make room.
//
// A Streamable HTTP session is also bound to the principal whose initialize opened it (owners): a request of
// another principal naming it gets the 404 of a session that does not exist (the MCP specification's advice: bind
// session ids to the user).
//
// mcp-go's own WithSessionIdleTTL is not used: it bounds neither the number of sessions nor SSE sessions, and its
// clock cannot be set by a test.
type sessionTable struct {
	ttl time.Duration
	max int
	now func() time.Time
	log *slog.Logger
	ids sessionIDs
	// endStreamable frees what mcp-go holds for a Streamable HTTP session.
	endStreamable func(id string)

	mu       sync.Mutex
	byID     map[string]*list.Element // of *liveSession
	order    *list.List               // least recently active first
	lastWarn time.Time                // when the limit was last logged
	deleted  recent[struct{}]         // Streamable HTTP sessions their clients ended
	owners   recent[string]           // who opened each Streamable HTTP session (its principal)

	count *prometheus.GaugeVec   // live sessions by transport
	ended *prometheus.CounterVec // sessions ended by the table, by reason
}

// liveSession is one session the table holds.
type liveSession struct {
	id       string
	sse      bool
	active   time.Time    // the last request's start or end
	inFlight int          // requests being served, an open event stream of a Streamable HTTP session included
	stream   *eventStream // an SSE session's stream, or a Streamable HTTP session's open event stream (nil if none)
}

// eventStream is a stream the table can end.
type eventStream struct {
	cancel context.CancelFunc // ends it
	closed chan struct{}      // closed once its handler returned; nil for an SSE stream
}

// Why the table ended a session, the "reason" label of intercom_replica_mcp_sessions_ended_total.
const (
	endedIdle  = "idle"
	endedLimit = "limit"
)

func newSessionTable(ttl time.Duration, maxSessions int, now func() time.Time, log *slog.Logger, endStreamable func(string)) *sessionTable {
	t := &sessionTable{
		ttl: ttl, max: maxSessions, now: now, log: log, ids: newSessionIDs(), endStreamable: endStreamable,
		byID: make(map[string]*list.Element), order: list.New(), deleted: newRecent[struct{}](maxTombstones),
		owners: newRecent[string](maxOwners),
		count: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "intercom_replica_mcp_sessions",
			Help: "Live MCP sessions on the HTTP transport, by transport (streamable, sse).",
		}, []string{"transport"}),
		ended: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_mcp_sessions_ended_total",
			Help: "MCP sessions the server ended, by reason: idle (serve.session_idle_ttl) or limit (serve.max_sessions).",
		}, []string{"reason"}),
	}
	for _, sse := range []bool{false, true} { // every series from the start, at 0
		t.count.WithLabelValues(transportLabel(sse))
	}
	t.ended.WithLabelValues(endedIdle)
	t.ended.WithLabelValues(endedLimit)
	return t
}

// collectors are the table's metrics.
func (t *sessionTable) collectors() []prometheus.Collector {
	return []prometheus.Collector{t.count, t.ended}
}

// add admits a new session, ending others to stay within max, and expired ones on the way. cancel ends an SSE
// session's stream.
func (t *sessionTable) add(id string, sse bool, cancel context.CancelFunc) {
	t.mu.Lock()
	if _, ok := t.byID[id]; ok {
		t.mu.Unlock()
		return
	}
	var stream *eventStream
	if cancel != nil {
		stream = &eventStream{cancel: cancel}
	}
	victims := t.admitLocked(&liveSession{id: id, sse: sse, stream: stream})
	t.mu.Unlock()
	t.end(victims)
}

// admitLocked adds s, active now, and returns the sessions removed to make room for it, to be ended once the lock
// is released.
func (t *sessionTable) admitLocked(s *liveSession) []*liveSession {
	now := t.now()
	victims := t.expiredLocked(now)
	for t.order.Len() >= t.max {
		victims = append(victims, t.evictLocked(now))
	}
	s.active = now
	t.byID[s.id] = t.order.PushBack(s)
	t.count.WithLabelValues(transportLabel(s.sse)).Inc()
	return victims
}

// begin records the start of a request of session id; an unknown id (ended, or never held) is ignored.
func (t *sessionTable) begin(id string) { t.touch(id, 1) }

// done records the end of a request begun with begin or open.
func (t *sessionTable) done(id string) { t.touch(id, -1) }

func (t *sessionTable) touch(id string, delta int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.byID[id]; ok {
		t.activeLocked(e, delta)
	}
}

// activeLocked records a request's start (delta 1) or end (-1) in session e.
func (t *sessionTable) activeLocked(e *list.Element, delta int) {
	s := e.Value.(*liveSession)
	s.inFlight += delta
	s.active = t.now()
	t.order.MoveToBack(e)
}

// open records the start of a request of Streamable HTTP session id, as begin does, and reports whether id names a
// session: one the table holds, or one this server issued and the table ended for idleness or the limit, which it
// brings back. An id this server did not issue, or one whose client ended it with DELETE, names none.
func (t *sessionTable) open(id string) bool {
	t.mu.Lock()
	if e, ok := t.byID[id]; ok {
		sse := e.Value.(*liveSession).sse
		if !sse {
			t.activeLocked(e, 1)
		}
		t.mu.Unlock()
		return !sse
	}
	t.mu.Unlock()
	if !t.ids.issued(id) {
		return false
	}
	t.mu.Lock()
	if t.deleted.has(id) {
		t.mu.Unlock()
		return false
	}
	var victims []*liveSession
	if e, ok := t.byID[id]; ok { // brought back by a request running alongside
		t.activeLocked(e, 1)
	} else {
		victims = t.admitLocked(&liveSession{id: id, inFlight: 1})
	}
	t.mu.Unlock()
	t.end(victims)
	return true
}

// terminate ends Streamable HTTP session id for good, at its client's request (DELETE): requests naming it get 404
// from now on. It reports whether id named a session (see open); what mcp-go holds for it is the caller's to free.
func (t *sessionTable) terminate(id string) bool {
	issued := t.ids.issued(id)
	t.mu.Lock()
	e, live := t.byID[id]
	if live && e.Value.(*liveSession).sse || !live && !issued || t.deleted.has(id) {
		t.mu.Unlock()
		return false
	}
	t.deleted.add(id, struct{}{})
	var stream *eventStream
	if live {
		stream = e.Value.(*liveSession).stream
		t.removeLocked(e)
	}
	t.mu.Unlock()
	if stream != nil {
		stream.cancel()
	}
	return true
}

// attachStream makes stream the event stream of Streamable HTTP session id, which open admitted, and ends the one
// it had, waiting (while ctx lasts, and streamHandoverWait at most) for that one's handler to return so that the two
// do not share mcp-go's session. detach, called when stream's handler returns, forgets it.
func (t *sessionTable) attachStream(ctx context.Context, id string, stream *eventStream) (detach func()) {
	t.mu.Lock()
	e, ok := t.byID[id]
	if !ok { // ended since open admitted it
		t.mu.Unlock()
		stream.cancel()
		return func() { close(stream.closed) }
	}
	s := e.Value.(*liveSession)
	prev := s.stream
	s.stream = stream
	t.mu.Unlock()
	if prev != nil {
		prev.cancel()
		wait := time.NewTimer(streamHandoverWait)
		defer wait.Stop()
		select {
		case <-prev.closed:
		case <-ctx.Done():
		case <-wait.C: // its handler is stuck writing to a client that stopped reading: go on beside it
		}
	}
	return func() {
		t.mu.Lock()
		if e, ok := t.byID[id]; ok && e.Value.(*liveSession).stream == stream {
			e.Value.(*liveSession).stream = nil
		}
		t.mu.Unlock()
		close(stream.closed)
	}
}

// streamHandoverWait bounds how long a new event stream waits for the one it replaces to end (see attachStream).
const streamHandoverWait = 5 * time.Second

// forget drops a session that ended by itself (an SSE stream that closed).
func (t *sessionTable) forget(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.byID[id]; ok {
		t.removeLocked(e)
	}
}

// sweep ends the Streamable HTTP sessions idle for longer than the TTL.
func (t *sessionTable) sweep() {
	t.mu.Lock()
	victims := t.expiredLocked(t.now())
	t.mu.Unlock()
	t.end(victims)
}

// run sweeps expired sessions until ctx ends.
func (t *sessionTable) run(ctx context.Context) {
	tick := time.NewTicker(min(max(t.ttl/4, time.Second), time.Minute))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.sweep()
		}
	}
}

// expiredLocked removes the Streamable HTTP sessions idle since before now-ttl and returns them, to be ended once
// the lock is released.
func (t *sessionTable) expiredLocked(now time.Time) []*liveSession {
	var out []*liveSession
	for e := t.order.Front(); e != nil; {
		s := e.Value.(*liveSession)
		if now.Sub(s.active) < t.ttl {
			break // the rest were active later
		}
		next := e.Next()
		if !s.sse && s.inFlight == 0 {
			t.removeLocked(e)
			t.ended.WithLabelValues(endedIdle).Inc()
			out = append(out, s)
		}
		e = next
	}
	return out
}

// evictLocked removes the session to end to make room, the least recently active idle one or else the least
// recently active, and returns it.
func (t *sessionTable) evictLocked(now time.Time) *liveSession {
	victim := t.order.Front()
	for e := victim; e != nil; e = e.Next() {
		if e.Value.(*liveSession).inFlight == 0 {
			victim = e
			break
		}
	}
	s := victim.Value.(*liveSession)
	t.removeLocked(victim)
	t.ended.WithLabelValues(endedLimit).Inc()
	if now.Sub(t.lastWarn) >= time.Minute {
		t.lastWarn = now
		t.log.Warn("too many MCP sessions: ending the least recently active to admit a new one (logged once a minute; "+
			"intercom_replica_mcp_sessions_ended_total counts them)", "max_sessions", t.max, "transport", transportLabel(s.sse),
			"idle_for", now.Sub(s.active).Round(time.Second).String())
	}
	return s
}

func (t *sessionTable) removeLocked(e *list.Element) {
	s := t.order.Remove(e).(*liveSession)
	delete(t.byID, s.id)
	t.count.WithLabelValues(transportLabel(s.sse)).Dec()
}

// end frees what mcp-go holds for sessions the table removed, and ends their streams.
func (t *sessionTable) end(victims []*liveSession) {
	for _, s := range victims {
		if s.stream != nil {
			s.stream.cancel()
		}
		if !s.sse {
			t.endStreamable(s.id)
		}
	}
}

func transportLabel(sse bool) string {
	if sse {
		return "sse"
	}
	return "streamable"
}

// JSON-RPC error codes of the answers the Streamable HTTP transport gives a request it refuses, as the MCP
// TypeScript SDK (which most clients are built on) answers them.
const (
	codeTransportRefusal = -32000 // "Bad Request", "Method Not Allowed"
	codeSessionNotFound  = -32001
)

// streamable serves the sessions of the Streamable HTTP handler next (protocol versions before 2026-07-28, which
// has no sessions): a session begins when an initialize answer carries its id (mcp-go registers it then), every
// other request must name it in Mcp-Session-Id (400 without, 404 when it names no session: see open), GET opens
// its event stream, and DELETE ends it for good.
func (t *sessionTable) streamable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mcpgo.IsModernProtocol(r.Header.Get(mcpgo.HeaderProtocolVersion)) {
			next.ServeHTTP(w, r) // no sessions: mcp-go answers GET and DELETE with 405
			return
		}
		id := r.Header.Get(server.HeaderKeySessionID)
		if id != "" && !t.ownedBy(id, principalOf(r)) {
			// Another signed-in user's session: as if it did not exist (MCP: bind sessions to the user).
			writeSessionNotFound(w, nil)
			return
		}
		switch r.Method {
		case http.MethodPost:
			t.servePost(next, w, r, id)
		case http.MethodGet:
			t.serveStream(next, w, r, id)
		case http.MethodDelete:
			if id == "" {
				writeRPCError(w, http.StatusBadRequest, nil, codeTransportRefusal, "Bad Request: no "+server.HeaderKeySessionID+
					" header: DELETE "+PathMCP+" ends the session that header names (the id the answer to initialize carried)")
				return
			}
			if !t.terminate(id) {
				writeSessionNotFound(w, nil)
				return
			}
			next.ServeHTTP(w, r) // mcp-go frees the session
		}
	})
}

// servePost serves a POST naming session id ("" for none).
func (t *sessionTable) servePost(next http.Handler, w http.ResponseWriter, r *http.Request, id string) {
	if id != "" && t.open(id) {
		defer t.done(id)
	} else if refusePost(w, r, id) {
		return
	}
	next.ServeHTTP(w, r)
	// mcp-go sets the header on the answer to initialize only, and registers the session by the time it returns.
	if created := w.Header().Get(server.HeaderKeySessionID); created != "" && created != id {
		t.add(created, false, nil)
		t.bind(created, principalOf(r))
	}
}

// principalOf is who request r acts for, as a session remembers it: the method and id of its Principal ("" when
// the request carries none, which binds nothing).
func principalOf(r *http.Request) string {
	p, ok := PrincipalFrom(r.Context())
	if !ok {
		return ""
	}
	return p.Method + ":" + p.ID
}

// bind records that session id was opened by principal who.
func (t *sessionTable) bind(id, who string) {
	if who == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.owners.add(id, who)
}

// ownedBy reports whether a request of principal who may name session id: one opened by who, or one whose opener
// the table no longer remembers (see maxOwners).
func (t *sessionTable) ownedBy(id, who string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	owner, ok := t.owners.of(id)
	return !ok || owner == who
}

// maxOwners bounds the sessions whose opener the table remembers, about 150 bytes each: a session opened before the
// last maxOwners may be named by any signed-in principal again, as before sessions were bound.
const maxOwners = 16384

// recent maps session ids to a value, keeping the last n ids added: the sessions ended by DELETE (tombstones), and
// who opened each session (owners).
type recent[V any] struct {
	by   map[string]V
	ring []string // ids in the order added, from next on
	next int
}

func newRecent[V any](n int) recent[V] {
	return recent[V]{by: make(map[string]V), ring: make([]string, n)}
}

func (r *recent[V]) of(id string) (V, bool) {
	v, ok := r.by[id]
	return v, ok
}

func (r *recent[V]) has(id string) bool {
	_, ok := r.by[id]
	return ok
}

// add sets id's value; an id already held keeps its place in the ring.
func (r *recent[V]) add(id string, v V) {
	if _, ok := r.by[id]; ok {
		r.by[id] = v
		return
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.by, old)
	}
	r.ring[r.next] = id
	r.by[id] = v
	r.next = (r.next + 1) % len(r.ring)
}

// refusePost answers a POST that names no session (id is "" or not one, see sessionTable.open) and reports
// whether it did; it leaves to mcp-go initialize, a response, a message that is not JSON, and a request of protocol
// version 2026-07-28 that states it in its _meta only. Off the hot path: it decodes the body.
func refusePost(w http.ResponseWriter, r *http.Request, id string) bool {
	body, err := io.ReadAll(r.Body) // in memory already (limitBody)
	if err != nil {
		writeRPCError(w, http.StatusBadRequest, nil, mcpgo.PARSE_ERROR, "could not read the request body")
		return true
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var msg struct {
		Method string `json:"method"`
		Params struct {
			Meta *mcpgo.Meta `json:"_meta"`
		} `json:"params"`
	}
	switch {
	case json.Unmarshal(body, &msg) != nil, // mcp-go answers with a parse error
		msg.Method == string(mcpgo.MethodInitialize), // a new session (an old id sent along is ignored)
		msg.Method == "" && id == "",                 // a response: mcp-go refuses it unless it is an empty one
		mcpgo.IsModernProtocol(msg.Params.Meta.ProtocolVersion()):
		return false
	case id == "":
		writeRPCError(w, http.StatusBadRequest, requestID(body), codeTransportRefusal, "Bad Request: no "+server.HeaderKeySessionID+
			" header: every request but initialize names its session in that header, with the id the answer to initialize "+
			"carried; send initialize (without the header) first to start a session")
	default:
		writeSessionNotFound(w, requestID(body))
	}
	return true
}

// serveStream serves session id's event stream (GET): at most one per session (see attachStream), counted as a
// request in flight for as long as it is open.
func (t *sessionTable) serveStream(next http.Handler, w http.ResponseWriter, r *http.Request, id string) {
	if id == "" {
		writeRPCError(w, http.StatusBadRequest, nil, codeTransportRefusal, "Bad Request: no "+server.HeaderKeySessionID+
			" header: GET "+PathMCP+" opens the event stream of the session that header names; send initialize (POST "+
			PathMCP+") first to start a session, then GET with the id its answer carried")
		return
	}
	if !t.open(id) {
		writeSessionNotFound(w, nil)
		return
	}
	defer t.done(id)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stream := &eventStream{cancel: cancel, closed: make(chan struct{})}
	defer t.attachStream(ctx, id, stream)()
	next.ServeHTTP(w, r.WithContext(ctx))
}

// writeSessionNotFound answers a request naming no session (see sessionTable.open) with 404, which tells a client to
// start a new session.
func writeSessionNotFound(w http.ResponseWriter, id json.RawMessage) {
	writeRPCError(w, http.StatusNotFound, id, codeSessionNotFound, "Session not found: the "+server.HeaderKeySessionID+
		" header names no session of this server (ended by DELETE, started before the server restarted, or never "+
		"started); send initialize without that header to start a new session")
}

// sseStream tracks the session of a legacy SSE stream (GET /sse) for as long as it is open, and lets the table
// end it. mcp-go names the session with sseSessionID, inside next.
func (t *sessionTable) sseStream(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stream := &sseStream{cancel: cancel}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, sseStreamKey{}, stream)))
		if stream.id != "" {
			t.forget(stream.id)
		}
	})
}

// sseMessage marks an SSE session active while a message posted to it (POST /message?sessionId=...) is served.
func (t *sessionTable) sseMessage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.URL.Query().Get("sessionId"); id != "" {
			t.begin(id)
			defer t.done(id)
		}
		next.ServeHTTP(w, r)
	})
}

// sseSessionID names a new SSE session for mcp-go (server.WithSessionIDGenerator) and admits it to the table.
func (t *sessionTable) sseSessionID(ctx context.Context, _ *http.Request) (string, error) {
	id := rand.Text()
	if s, ok := ctx.Value(sseStreamKey{}).(*sseStream); ok {
		s.id = id
		t.add(id, true, s.cancel)
	}
	return id, nil
}

// sseStream is the SSE stream being opened, passed from sessionTable.sseStream to sseSessionID in the request's
// context.
type sseStream struct {
	id     string
	cancel context.CancelFunc
}

type sseStreamKey struct{}

// streamableIDs is the session id manager of mcp-go's Streamable HTTP handler: it issues the table's ids. The table
// has checked the id of every request before mcp-go sees it (sessionTable.streamable), and ends sessions itself.
type streamableIDs struct{ ids *sessionIDs }

// Generate issues the id of a new session.
func (m streamableIDs) Generate() string { return m.ids.issue() }

// Validate accepts every id: sessionTable.streamable refused the requests naming no session.
func (m streamableIDs) Validate(id string) (isTerminated bool, err error) {
	if id == "" {
		return false, errors.New("no session id")
	}
	return false, nil
}

// Terminate leaves the id valid: the table ends sessions for good (sessionTable.terminate).
func (m streamableIDs) Terminate(string) (isNotAllowed bool, err error) { return false, nil }

// sessionIDs issues the ids of Streamable HTTP sessions and recognises them without remembering them: an id is a
// random nonce followed by its HMAC under a key drawn when the server starts. A restart draws a new key, so the ids
// of an earlier run are not recognised.
type sessionIDs struct{ key [32]byte }

func newSessionIDs() sessionIDs {
	var k sessionIDs
	_, _ = rand.Read(k.key[:]) // never fails (crypto/rand)
	return k
}

// Lengths of an id's parts: rand.Text's 26 characters, and 15 bytes of HMAC-SHA256 in base 32 (24 characters).
const (
	idNonceLen = 26
	idMACLen   = 24
)

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// issue returns a new session id.
func (k *sessionIDs) issue() string {
	nonce := rand.Text()
	return nonce + k.mac(nonce)
}

// issued reports whether id is one issue returned.
func (k *sessionIDs) issued(id string) bool {
	if len(id) != idNonceLen+idMACLen {
		return false
	}
	return hmac.Equal([]byte(k.mac(id[:idNonceLen])), []byte(id[idNonceLen:]))
}

func (k *sessionIDs) mac(nonce string) string {
	h := hmac.New(sha256.New, k.key[:])
	h.Write([]byte(nonce))
	return idEncoding.EncodeToString(h.Sum(nil)[:15])
}

// maxTombstones bounds the ids of sessions ended by DELETE that the table remembers, about 100 bytes each: an id
// deleted before the last maxTombstones deletions is served again if its client comes back, as an ended session is.
const maxTombstones = 4096

// endStreamableSession frees what the Streamable HTTP handler h holds for session id the way a client's DELETE
// does: mcp-go offers no other way to drop a single session.
func endStreamableSession(h http.Handler, id string) {
	req, err := http.NewRequest(http.MethodDelete, PathMCP, http.NoBody)
	if err != nil {
		return // cannot happen: the method and path are constants
	}
	req.Header.Set(server.HeaderKeySessionID, id)
	h.ServeHTTP(&discardResponse{header: http.Header{}}, req)
}

// discardResponse is an http.ResponseWriter that keeps nothing.
type discardResponse struct{ header http.Header }

func (d *discardResponse) Header() http.Header         { return d.header }
func (d *discardResponse) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardResponse) WriteHeader(int)             {}
