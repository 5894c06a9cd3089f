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

// ServerOptions configure a Server.
type ServerOptions struct {
	// Fresh answers get-fresh; nil means an mcp.Policy over the backend without live lookups.
	Fresh mcp.FreshGetter
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
	mux.HandleFunc("POST "+pathGet, s.get)
	mux.HandleFunc("POST "+pathGetFresh, s.getFresh)
	mux.HandleFunc("GET "+pathStatus, s.status)
	mux.HandleFunc("POST "+pathScan, s.scan)
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

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	var req recordRequest
	if !readJSON(w, r, &req) || !validRecordRequest(w, req) {
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
	if !readJSON(w, r, &req) || !validRecordRequest(w, req) {
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

// scan streams records as they are read; a failure after the first line is reported in the stream, and the end
// line is written only when the scan completed.
func (s *Server) scan(w http.ResponseWriter, r *http.Request) {
	var req scanRequest
	if !readJSON(w, r, &req) {
		return
	}
	if !req.Kind.Valid() {
		writeError(w, http.StatusBadRequest, wireError{Code: codeBadRequest, Message: fmt.Sprintf("unknown kind %q", req.Kind)})
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	err := s.b.Scan(r.Context(), req.Kind, func(rec index.Record) error {
		wr := toWire(rec)
		return enc.Encode(scanLine{Record: &wr})
	})
	if err != nil {
		we, _ := s.wireErrorOf("scan", err)
		_ = enc.Encode(scanLine{Error: &we})
	} else {
		_ = enc.Encode(scanLine{End: true})
	}
	_ = bw.Flush()
}

// fail answers with the wire form of err.
func (s *Server) fail(w http.ResponseWriter, op string, err error) {
	we, status := s.wireErrorOf(op, err)
	writeError(w, status, we)
}

// wireErrorOf maps err to its wire code, logging internal errors with a reference.
func (s *Server) wireErrorOf(op string, err error) (wireError, int) {
	var (
		qerr *query.Error
		pub  *mcp.PublicError
	)
	switch {
	case errors.As(err, &qerr):
		return wireError{Code: codeQuery, Message: qerr.Msg, Pos: qerr.Pos, Token: qerr.Token, Suggestions: qerr.Suggestions}, http.StatusBadRequest
	case errors.Is(err, index.ErrNotFound):
		msg := err.Error()
		if errors.As(err, &pub) {
			msg = pub.Msg
		}
		return wireError{Code: codeNotFound, Message: msg}, http.StatusNotFound
	case errors.As(err, &pub):
		return wireError{Code: codePublic, Message: pub.Msg}, http.StatusUnprocessableEntity
	case errors.Is(err, index.ErrInvalidCursor):
		return wireError{Code: codeInvalidCursor, Message: err.Error()}, http.StatusBadRequest
	case errors.Is(err, index.ErrClosed):
		return wireError{Code: codeClosing, Message: "the owner is shutting down"}, http.StatusServiceUnavailable
	}
	ref := newRef()
	s.log.Error("peer call failed", "op", op, "ref", ref, "err", err)
	return wireError{Code: codeInternal, Message: "internal error in the owning process", Ref: ref}, http.StatusInternalServerError
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

func validRecordRequest(w http.ResponseWriter, req recordRequest) bool {
	if !req.Kind.Valid() || req.ID == "" {
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
