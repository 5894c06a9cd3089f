package peer

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

// Backend is what the owner serves: the replica it has open. *index.Replica implements it.
type Backend interface {
	mcp.Replica
	// Scan calls fn with every stored record of kind, tombstones included, until fn returns an error.
	Scan(ctx context.Context, kind query.Kind, fn func(index.Record) error) error
}

// Reindexer is a backend that can rebuild its full-text index while it serves searches (*index.Replica is one,
// and so is Client, which asks its owner). A Server whose backend is a Reindexer answers POST /v1/reindex.
type Reindexer interface {
	// Reindex rebuilds the index from the stored records, calling progress with the records done and the total.
	Reindex(ctx context.Context, progress func(done, total int)) error
}

// SyncRunner runs sync passes on the owner's syncer for front ends (POST /v1/sync).
type SyncRunner interface {
	// Sync runs one pass of mode, after any pass already running, calling progress as it goes. It returns the
	// pass reports as JSON (the syncer's own format, which this package carries without reading), even when the
	// pass failed.
	Sync(ctx context.Context, mode SyncMode, progress func(Progress)) (json.RawMessage, error)
}

// ServerOptions configure a Server.
type ServerOptions struct {
	// Fresh answers get-fresh; nil means an mcp.Policy over the backend without live lookups.
	Fresh mcp.FreshGetter
	// Sync runs the sync passes front ends ask for; nil answers them ErrUnavailable (this owner does not sync).
	Sync SyncRunner
	// Budget reports the rate budget as it is now; nil answers ErrUnavailable.
	Budget func() Budget
	// Version is reported by hello.
	Version string
	// Logger receives the detail of internal errors; nil discards it.
	Logger *slog.Logger
	// ShutdownTimeout bounds how long Run waits for calls in flight when its context ends; zero means 5 seconds.
	ShutdownTimeout time.Duration
}

// Server serves the owner's replica on the socket. Create it with NewServer, then Run it.
type Server struct {
	path string
	b    Backend
	opts ServerOptions
	log  *slog.Logger
	srv  *http.Server
	mu   sync.Mutex
	ln   net.Listener
}

// NewServer returns a server for b on the socket at path (SocketPath of the data directory). Only the process
// holding the replica's lock may run one: Listen replaces whatever socket file is at path.
func NewServer(path string, b Backend, opts ServerOptions) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Fresh == nil {
		opts.Fresh = &mcp.Policy{Replica: b, Logger: opts.Logger}
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 5 * time.Second
	}
	s := &Server{path: path, b: b, opts: opts, log: opts.Logger}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathHello, s.hello)
	mux.HandleFunc("POST "+pathSearch, s.search)
	mux.HandleFunc("POST "+pathAggr, s.aggregate)
	mux.HandleFunc("POST "+pathGet, s.get)
	mux.HandleFunc("POST "+pathGetFresh, s.getFresh)
	mux.HandleFunc("GET "+pathStatus, s.status)
	mux.HandleFunc("POST "+pathScan, func(w http.ResponseWriter, r *http.Request) { s.scan(w, r, false) })
	mux.HandleFunc("POST "+pathRecords, func(w http.ResponseWriter, r *http.Request) { s.scan(w, r, true) })
	mux.HandleFunc("POST "+pathSync, s.sync)
	mux.HandleFunc("POST "+pathReindex, s.reindex)
	mux.HandleFunc("GET "+pathBudget, s.budget)
	mux.HandleFunc("POST "+pathNames, s.names)
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnContext:       peerCheck(s.log),
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s
}

// Listen creates the socket, replacing a stale one a crashed owner left behind, with permissions 0600.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	if err := checkSocketPath(s.path); err != nil {
		return err
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	ln, err := net.Listen("unix", s.path)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.path, err)
	}
	// The socket file is created with the umask's permissions; tighten them before anyone can be served (the
	// listener accepts nothing until Serve). The data directory being private is the first line of defence.
	if err := os.Chmod(s.path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("restrict socket permissions: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	s.ln = ln
	return nil
}

// Run serves until ctx ends, then stops accepting calls, waits up to ShutdownTimeout for calls in flight and
// removes the socket. It returns nil after a shutdown caused by ctx. Stop the server before closing the replica:
// a successor can take the lock only then, and its socket must not be removed by its predecessor.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", s.path, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	<-errc
	if err != nil {
		s.srv.Close()
		return fmt.Errorf("shut down %s: %w", s.path, err)
	}
	return nil
}

// replicaNames is a backend that names ids: *index.Replica, and the owner's backend built on it.
type replicaNames interface {
	Names() index.Names
}

// names answers the names of ids for a client's renderers: what index.Names knows, nothing for the rest.
func (s *Server) names(w http.ResponseWriter, r *http.Request) {
	var req namesRequest
	if !readJSON(w, r, &req) {
		return
	}
	if len(req.IDs) > maxNamesPerRequest {
		s.fail(w, "names", fmt.Errorf("%d ids in one names request; at most %d", len(req.IDs), maxNamesPerRequest))
		return
	}
	out := namesResponse{Names: map[string]string{}}
	if rn, ok := s.b.(replicaNames); ok {
		names := rn.Names()
		for _, id := range req.IDs {
			if n, ok := names.Name(req.Kind, id); ok {
				out.Names[id] = n
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// maxNamesPerRequest bounds a names request (a transcript names a few dozen ids at most).
const maxNamesPerRequest = 1000

func (s *Server) hello(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Hello{Protocol: ProtocolVersion, PID: os.Getpid(), Version: s.opts.Version})
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var req searchRequest
	if !readJSON(w, r, &req) {
		return
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	q, err := query.Parse(req.DSL, query.Options{Now: func() time.Time { return now }})
	if err != nil {
		s.fail(w, "search", err)
		return
	}
	res, err := s.b.Search(r.Context(), q)
	if err != nil {
		s.fail(w, "search", err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) aggregate(w http.ResponseWriter, r *http.Request) {
	var req aggregateRequest
	if !readJSON(w, r, &req) {
		return
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	a, err := query.ParseAggregate(req.Spec, query.Options{Now: func() time.Time { return now }})
	if err != nil {
		s.fail(w, "aggregate", err)
		return
	}
	res, err := s.b.Aggregate(r.Context(), a)
	if err != nil {
		s.fail(w, "aggregate", err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	var req recordRequest
	if !readJSON(w, r, &req) || !validRecordRequest(w, req, true) {
		return
	}
	rec, err := s.b.Get(r.Context(), req.Kind, req.ID)
	if err != nil {
		s.fail(w, "get", err)
		return
	}
	writeJSON(w, http.StatusOK, toWire(rec))
}

func (s *Server) getFresh(w http.ResponseWriter, r *http.Request) {
	var req recordRequest
	if !readJSON(w, r, &req) || !validRecordRequest(w, req, false) {
		return
	}
	f, err := s.opts.Fresh.GetFresh(r.Context(), req.Kind, req.ID)
	if err != nil {
		s.fail(w, "get-fresh", err)
		return
	}
	writeJSON(w, http.StatusOK, freshResponse{Record: toWire(f.Record), Source: f.Source, Stale: f.Stale, Reason: f.Reason})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	st, err := s.b.Status(r.Context())
	if err != nil {
		s.fail(w, "status", err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// scan streams every stored record of a kind, or every live record matching a query in its order, as it is read;
// a failure after the first line is reported in the stream, and the end line is written only when the scan
// completed. Framed, each record's raw JSON follows its line as stored: neither side encodes or parses it again,
// which is most of the cost of a JSON line (records are kilobytes).
func (s *Server) scan(w http.ResponseWriter, r *http.Request, framed bool) {
	var req scanRequest
	if !readJSON(w, r, &req) {
		return
	}
	if !req.Kind.Valid() && !(req.Kind.Directory() && req.DSL == "") { // the directory is exported whole, never queried
		writeError(w, http.StatusBadRequest, wireError{Code: codeBadRequest, Message: fmt.Sprintf("unknown kind %q", req.Kind)})
		return
	}
	var q *query.Query
	if req.DSL != "" {
		parsed, err := query.Parse(req.DSL, query.Options{Now: func() time.Time { return req.Now }})
		if err != nil {
			s.fail(w, "scan", err)
			return
		}
		if parsed.Kind != req.Kind {
			writeError(w, http.StatusBadRequest, wireError{Code: codeBadRequest, Message: fmt.Sprintf("a scan of %ss with a query about %ss", req.Kind, parsed.Kind)})
			return
		}
		q = &parsed
	}
	st := startStream(w)
	send := func(rec index.Record) error { return st.sendRecord(rec, framed) }
	var err error
	if q != nil {
		err = EachMatch(r.Context(), s.b, *q, send)
	} else {
		err = s.b.Scan(r.Context(), req.Kind, send)
	}
	st.finish(nil, s.streamError("scan", err))
}

// EachMatch calls fn with every live record matching q, in q's order, until fn returns an error (which it
// returns): it pages through r's search, q.Limit records a page, and reads each hit. A record deleted since its
// page was read is skipped. It is what a query scan runs on the owner, and what the owner itself exports with.
func EachMatch(ctx context.Context, r mcp.Replica, q query.Query, fn func(index.Record) error) error {
	for {
		res, err := r.Search(ctx, q)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		for _, h := range res.Hits {
			rec, err := r.Get(ctx, h.Kind, h.ID)
			if errors.Is(err, index.ErrNotFound) || err == nil && rec.Deleted {
				continue // deleted since the page was read
			}
			if err != nil {
				return err
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		if res.Next == "" {
			return nil
		}
		q.StartingAfter = res.Next
	}
}

// sync runs a pass on the owner's syncer, streaming its progress, and ends with the pass reports.
func (s *Server) sync(w http.ResponseWriter, r *http.Request) {
	var req syncRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.Mode != SyncIncremental && req.Mode != SyncFull {
		writeError(w, http.StatusBadRequest, wireError{Code: codeBadRequest, Message: fmt.Sprintf("unknown sync mode %q", req.Mode)})
		return
	}
	if s.opts.Sync == nil {
		writeError(w, http.StatusConflict, wireError{Code: codeUnavailable, Message: "the process owning the replica does not sync (a read command, or sync.enabled is false)"})
		return
	}
	st := startStream(w)
	reports, err := s.opts.Sync.Sync(r.Context(), req.Mode, func(p Progress) { _ = st.send(streamLine{Progress: &p}, true) })
	st.finish(reports, s.streamError("sync", err))
}

// reindex rebuilds the backend's full-text index while it goes on serving, streaming the progress: at most ten
// lines a second, and always the last (done equal to total).
func (s *Server) reindex(w http.ResponseWriter, r *http.Request) {
	ri, ok := s.b.(Reindexer)
	if !ok {
		writeError(w, http.StatusConflict, wireError{Code: codeUnavailable, Message: "the replica of the owning process cannot rebuild its index"})
		return
	}
	st := startStream(w)
	var last time.Time
	err := ri.Reindex(r.Context(), func(done, total int) {
		if now := time.Now(); done == total || now.Sub(last) >= 100*time.Millisecond {
			last = now
			_ = st.send(streamLine{Progress: &Progress{Done: done, Total: total}}, true)
		}
	})
	st.finish(nil, s.streamError("reindex", err))
}

func (s *Server) budget(w http.ResponseWriter, r *http.Request) {
	if s.opts.Budget == nil {
		writeError(w, http.StatusConflict, wireError{Code: codeUnavailable, Message: "the process owning the replica makes no requests to Intercom"})
		return
	}
	writeJSON(w, http.StatusOK, s.opts.Budget())
}

// stream writes a streamed answer as JSON lines. It is safe for concurrent use: progress comes from the
// goroutines of the operation.
type stream struct {
	mu  sync.Mutex
	w   http.ResponseWriter
	bw  *bufio.Writer
	enc *json.Encoder
	err error // the first failed write: the caller went away
}

func startStream(w http.ResponseWriter) *stream {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &stream{w: w, bw: bw, enc: enc}
}

// send writes one line; flush sends it to the caller at once (progress) rather than when the buffer fills
// (records). It returns the error of a write that failed, now or before.
func (st *stream) send(l streamLine, flush bool) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.err != nil {
		return st.err
	}
	if st.err = st.enc.Encode(l); st.err == nil && flush {
		if st.err = st.bw.Flush(); st.err == nil {
			http.NewResponseController(st.w).Flush()
		}
	}
	return st.err
}

// sendRecord writes one record: as a JSON line, or framed (a line, then the raw JSON and a newline).
func (st *stream) sendRecord(rec index.Record, framed bool) error {
	wr := toWire(rec)
	if !framed {
		return st.send(streamLine{Record: &wr}, false)
	}
	wr.Raw, wr.RawBytes = nil, len(rec.Raw)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.err != nil {
		return st.err
	}
	if st.err = st.enc.Encode(streamLine{Record: &wr}); st.err == nil && len(rec.Raw) > 0 {
		if _, st.err = st.bw.Write(rec.Raw); st.err == nil {
			st.err = st.bw.WriteByte('\n')
		}
	}
	return st.err
}

// finish writes the last line: the error that ended the operation, or the end marker, with its result. Nothing
// is written after it.
func (st *stream) finish(result json.RawMessage, we *wireError) {
	_ = st.send(streamLine{End: we == nil, Error: we, Result: result}, true)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.err == nil {
		st.err = errStreamEnded
	}
}

// errStreamEnded refuses a line after the last.
var errStreamEnded = errors.New("the stream has ended")

// streamError is the wire form of the error that ended a streamed operation, nil for none. An operation's own
// failure (a sync pass Intercom refused) reaches the caller with its message: it asked for the operation and
// must know why it failed.
func (s *Server) streamError(op string, err error) *wireError {
	if err == nil {
		return nil
	}
	if we, _, known := classify(err); known {
		return &we
	}
	s.log.Warn("peer operation failed", "op", op, "err", err)
	return &wireError{Code: codeFailed, Message: err.Error()}
}

// fail answers with the wire form of err.
func (s *Server) fail(w http.ResponseWriter, op string, err error) {
	we, status := s.wireErrorOf(op, err)
	writeError(w, status, we)
}

// wireErrorOf maps err to its wire code, logging internal errors with a reference.
func (s *Server) wireErrorOf(op string, err error) (wireError, int) {
	if we, status, known := classify(err); known {
		return we, status
	}
	ref := newRef()
	s.log.Error("peer call failed", "op", op, "ref", ref, "err", err)
	return wireError{Code: codeInternal, Message: "internal error in the owning process", Ref: ref}, http.StatusInternalServerError
}

// classify maps the errors callers branch on to their wire code and HTTP status.
func classify(err error) (we wireError, status int, known bool) {
	var (
		qerr *query.Error
		pub  *mcp.PublicError
	)
	switch {
	case errors.As(err, &qerr):
		return wireError{Code: codeQuery, Message: qerr.Msg, Pos: qerr.Pos, Token: qerr.Token, Suggestions: qerr.Suggestions}, http.StatusBadRequest, true
	case errors.Is(err, index.ErrNotFound):
		msg := err.Error()
		if errors.As(err, &pub) {
			msg = pub.Msg
		}
		return wireError{Code: codeNotFound, Message: msg}, http.StatusNotFound, true
	case errors.As(err, &pub):
		return wireError{Code: codePublic, Message: pub.Msg}, http.StatusUnprocessableEntity, true
	case errors.Is(err, index.ErrInvalidCursor):
		msg := err.Error()
		if ce := (*index.CursorError)(nil); errors.As(err, &ce) {
			msg = ce.Msg // what the caller can act on, without the layers above it
		}
		return wireError{Code: codeInvalidCursor, Message: msg}, http.StatusBadRequest, true
	case errors.Is(err, index.ErrClosed):
		return wireError{Code: codeClosing, Message: "the owner is shutting down"}, http.StatusServiceUnavailable, true
	}
	return wireError{}, 0, false
}

// maxRequestBytes bounds a request body: requests carry a query or an id.
const maxRequestBytes = 1 << 20

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxRequestBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, wireError{Code: codeBadRequest, Message: "malformed request: " + err.Error()})
		return false
	}
	return true
}

// validRecordRequest checks a request for one record: of a searchable kind, or with directory true of a directory
// kind too (a collection's parents, read to show an article's place).
func validRecordRequest(w http.ResponseWriter, req recordRequest, directory bool) bool {
	if !(req.Kind.Valid() || directory && req.Kind.Directory()) || req.ID == "" {
		writeError(w, http.StatusBadRequest, wireError{Code: codeBadRequest, Message: fmt.Sprintf("bad record request: kind %q, id %q", req.Kind, req.ID)})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, we wireError) {
	writeJSON(w, status, errorBody{Error: we})
}

func newRef() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
