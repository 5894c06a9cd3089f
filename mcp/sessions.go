package mcp

import (
	"container/list"
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"sync"
	"time"

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

// sessionTable keeps the MCP sessions of the HTTP transport within bounds. mcp-go keeps the state of a Streamable
// HTTP session from its initialize until the client sends DELETE, which many clients never do, and that of a
// legacy SSE session for as long as its stream is open. The table ends Streamable HTTP sessions idle for longer
// than ttl, and keeps at most max sessions of both kinds: to admit one more, it ends the least recently active
// session that has no request in flight (or, when every one has, the least recently active of all).
//
// Ending a Streamable HTTP session costs its client nothing: mcp-go checks a session id by its form only, and
// serves a request whose session it no longer holds as it serves any other (none of the tools keeps per-session
// state), so the client goes on with its next call. Ending an SSE session closes its stream; an SSE session is not
// ended for idleness (its stream is open for as long as the client wants it), only to make room.
//
// mcp-go's own WithSessionIdleTTL is not used: it bounds neither the number of sessions nor SSE sessions, and its
// clock cannot be set by a test.
type sessionTable struct {
	ttl time.Duration
	max int
	now func() time.Time
	log *slog.Logger
	// endStreamable frees what mcp-go holds for a Streamable HTTP session.
	endStreamable func(id string)

	mu       sync.Mutex
	byID     map[string]*list.Element // of *liveSession
	order    *list.List               // least recently active first
	lastWarn time.Time                // when the limit was last logged

	count *prometheus.GaugeVec   // live sessions by transport
	ended *prometheus.CounterVec // sessions ended by the table, by reason
}

// liveSession is one session the table holds.
type liveSession struct {
	id       string
	sse      bool
	active   time.Time          // the last request's start or end
	inFlight int                // requests being served (an SSE session's stream excepted)
	cancel   context.CancelFunc // ends an SSE session's stream
}

// Why the table ended a session, the "reason" label of intercom_replica_mcp_sessions_ended_total.
const (
	endedIdle  = "idle"
	endedLimit = "limit"
)

func newSessionTable(ttl time.Duration, maxSessions int, now func() time.Time, log *slog.Logger, endStreamable func(string)) *sessionTable {
	t := &sessionTable{
		ttl: ttl, max: maxSessions, now: now, log: log, endStreamable: endStreamable,
		byID: make(map[string]*list.Element), order: list.New(),
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

// add admits a new session, ending others to stay within max, and expired ones on the way.
func (t *sessionTable) add(id string, sse bool, cancel context.CancelFunc) {
	t.mu.Lock()
	if _, ok := t.byID[id]; ok {
		t.mu.Unlock()
		return
	}
	now := t.now()
	victims := t.expiredLocked(now)
	for t.order.Len() >= t.max {
		victims = append(victims, t.evictLocked(now))
	}
	t.byID[id] = t.order.PushBack(&liveSession{id: id, sse: sse, active: now, cancel: cancel})
	t.count.WithLabelValues(transportLabel(sse)).Inc()
	t.mu.Unlock()
	t.end(victims)
}

// begin records the start of a request of session id; an unknown id (ended, or never held) is ignored.
func (t *sessionTable) begin(id string) { t.touch(id, 1) }

// done records the end of a request begun with begin.
func (t *sessionTable) done(id string) { t.touch(id, -1) }

func (t *sessionTable) touch(id string, delta int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.byID[id]
	if !ok {
		return
	}
	s := e.Value.(*liveSession)
	s.inFlight += delta
	s.active = t.now()
	t.order.MoveToBack(e)
}

// forget drops a session that ended by itself (a client's DELETE, an SSE stream that closed).
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

// end frees what mcp-go holds for sessions the table removed.
func (t *sessionTable) end(victims []*liveSession) {
	for _, s := range victims {
		if s.sse {
			s.cancel()
			continue
		}
		t.endStreamable(s.id)
	}
}

func transportLabel(sse bool) string {
	if sse {
		return "sse"
	}
	return "streamable"
}

// streamable tracks the sessions of the Streamable HTTP handler next: a session begins when an initialize answer
// carries its id (mcp-go registers it then), is active while a request names it, and ends with the client's DELETE.
func (t *sessionTable) streamable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(server.HeaderKeySessionID)
		if id != "" {
			t.begin(id)
			defer t.done(id)
		}
		next.ServeHTTP(w, r)
		if r.Method == http.MethodDelete {
			t.forget(id)
			return
		}
		// mcp-go sets the header on the answer to initialize only, and registers the session by the time it returns.
		if created := w.Header().Get(server.HeaderKeySessionID); created != "" && created != id {
			t.add(created, false, nil)
		}
	})
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
