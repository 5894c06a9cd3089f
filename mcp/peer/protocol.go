package peer

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// ProtocolVersion is the version of the socket protocol; a client refuses an owner speaking another.
const ProtocolVersion = 1

// SocketName is the name of the owner's socket in the data directory.
const SocketName = "owner.sock"

// maxSocketPath is the longest unix socket path the platforms we run on accept (sun_path is 108 bytes on Linux
// and 104 on the BSDs and macOS, both including the terminating NUL).
const maxSocketPath = 103

// SocketPath returns the path of the owner's socket for the data directory dir.
func SocketPath(dir string) string { return filepath.Join(dir, SocketName) }

// ErrOwnerGone is matched by a client's errors when no process serves the socket, or the owner is shutting down
// or went away during a call.
var ErrOwnerGone = errors.New("the process owning the replica is not serving")

// ErrUnavailable is matched by a client's errors when the owner does not do what was asked: it does not sync (a
// read command owns the replica, or sync is disabled), or its replica cannot rebuild its index.
var ErrUnavailable = errors.New("the process owning the replica does not do this")

// ErrSocketPathTooLong is returned by Server.Listen and Dial for a socket path longer than unix sockets allow.
var ErrSocketPathTooLong = errors.New("socket path too long")

func checkSocketPath(path string) error {
	if len(path) > maxSocketPath {
		return fmt.Errorf("%s is %d bytes, more than the %d a unix socket path may have; use a shorter data directory: %w",
			path, len(path), maxSocketPath, ErrSocketPathTooLong)
	}
	return nil
}

// Hello is the owner's answer to /v1/hello.
type Hello struct {
	Protocol int    `json:"protocol"`
	PID      int    `json:"pid"`
	Version  string `json:"version"`
}

const (
	pathHello    = "/v1/hello"
	pathSearch   = "/v1/search"
	pathAggr     = "/v1/aggregate"
	pathGet      = "/v1/get"
	pathGetFresh = "/v1/get-fresh"
	pathStatus   = "/v1/status"
	pathScan     = "/v1/scan"    // records as JSON lines, as the first release streamed them
	pathRecords  = "/v1/records" // records framed: a header line, then the raw JSON as stored
	pathSync     = "/v1/sync"
	pathReindex  = "/v1/reindex"
	pathBudget   = "/v1/budget"
	pathNames    = "/v1/names"
)

// namesRequest asks the owner for the names of ids of one kind (POST /v1/names); namesResponse maps each id it
// can name to its name.
type namesRequest struct {
	Kind query.Kind `json:"kind"`
	IDs  []string   `json:"ids"`
}

type namesResponse struct {
	Names map[string]string `json:"names"`
}

// SyncMode is the pass a front end asks the owner's syncer to run.
type SyncMode string

// The sync modes.
const (
	// SyncIncremental finishes (or resumes) the backfill, then fetches what changed since the last pass.
	SyncIncremental SyncMode = "incremental"
	// SyncFull also re-walks every list from the start, finding deletions and merges at once.
	SyncFull SyncMode = "full"
)

// Progress is how far a long operation on the owner has got: a sync pass over one kind, or an index rebuild
// (Pass and Kind empty, Done and Total across kinds).
type Progress struct {
	Pass     string     `json:"pass,omitempty"`
	Kind     query.Kind `json:"kind,omitempty"`
	Done     int        `json:"done"`
	Total    int        `json:"total"` // 0 when unknown
	Finished bool       `json:"finished,omitempty"`
}

// Budget is the live state of the owner's share of Intercom's rate limit, which only the process making the
// requests knows (the stored pass reports count only what passes did).
type Budget struct {
	Limit          int       `json:"limit"`           // X-RateLimit-Limit of the current window; 0 until Intercom has answered
	Remaining      int       `json:"remaining"`       // what is left of the current window, others' requests included
	ResetAt        time.Time `json:"reset_at"`        // when the current window ends; zero when unknown
	WindowSeconds  float64   `json:"window_seconds"`  // the window's length
	ReservePercent int       `json:"reserve_percent"` // the share of every window the syncer leaves to live lookups
	SyncCap        int       `json:"sync_cap"`        // what the syncer may use of the current window
	Requests       int64     `json:"requests"`        // requests let through since Since, syncer and live lookups
	RateLimited    int64     `json:"rate_limited"`    // 429 answers since Since
	LiveDenied     int64     `json:"live_denied"`     // live lookups refused since Since for lack of room
	Since          time.Time `json:"since"`           // when the owner started counting
}

type syncRequest struct {
	Mode SyncMode `json:"mode"`
}

type searchRequest struct {
	DSL string    `json:"dsl"`
	Now time.Time `json:"now"`
}

// aggregateRequest carries an aggregate in canonical form, parsed by the owner with the caller's clock.
type aggregateRequest struct {
	Spec query.AggregateSpec `json:"spec"`
	Now  time.Time           `json:"now"`
}

type recordRequest struct {
	Kind query.Kind `json:"kind"`
	ID   string     `json:"id"`
}

// scanRequest asks for every stored record of Kind or, with DSL, every live record matching that query in its
// order (parsed by the owner with the caller's clock, Now).
type scanRequest struct {
	Kind query.Kind `json:"kind"`
	DSL  string     `json:"dsl,omitempty"`
	Now  time.Time  `json:"now,omitzero"`
}

// wireRecord is index.Record on the wire; Raw is left out (not "null") for a tombstone without one. In a framed
// stream Raw is left out too and RawBytes says how many bytes of it follow the line (then a newline).
type wireRecord struct {
	Kind      query.Kind      `json:"kind"`
	ID        string          `json:"id"`
	UpdatedAt int64           `json:"updated_at"`
	SyncedAt  time.Time       `json:"synced_at"`
	Deleted   bool            `json:"deleted,omitempty"`
	Raw       json.RawMessage `json:"raw,omitempty"`
	RawBytes  int             `json:"raw_bytes,omitempty"`
}

// maxFrame bounds one record's raw JSON in a framed stream, and one line of a stream: conversations reach
// megabytes, never this.
const maxFrame = 64 << 20

func toWire(r index.Record) wireRecord {
	return wireRecord{Kind: r.Kind, ID: r.ID, UpdatedAt: r.UpdatedAt, SyncedAt: r.SyncedAt, Deleted: r.Deleted, Raw: r.Raw}
}

func (w wireRecord) record() index.Record {
	return index.Record{Kind: w.Kind, ID: w.ID, UpdatedAt: w.UpdatedAt, SyncedAt: w.SyncedAt, Deleted: w.Deleted, Raw: w.Raw}
}

type freshResponse struct {
	Record wireRecord `json:"record"`
	Source string     `json:"source"`
	Stale  bool       `json:"stale,omitempty"`
	Reason string     `json:"reason,omitempty"`
}

// streamLine is one line of a streamed answer (scan, sync, reindex): a record or progress, then exactly one of
// the end marker or an error that ended the operation, either with the operation's result. A stream without
// either was cut off: the owner went away.
type streamLine struct {
	Record   *wireRecord     `json:"record,omitempty"`
	Progress *Progress       `json:"progress,omitempty"`
	End      bool            `json:"end,omitempty"`
	Error    *wireError      `json:"error,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
}

// Error codes on the wire.
const (
	codeNotFound      = "not_found"
	codeInvalidCursor = "invalid_cursor"
	codeQuery         = "query"
	codePublic        = "public"
	codeClosing       = "closing"
	codeUnavailable   = "unavailable"
	codeFailed        = "failed" // an operation the caller asked for failed; the message says why
	codeBadRequest    = "bad_request"
	codeInternal      = "internal"
)

type wireError struct {
	Code        string   `json:"code"`
	Message     string   `json:"message"`
	Pos         int      `json:"pos,omitempty"` // query errors
	Token       string   `json:"token,omitempty"`
	Suggestions []string `json:"suggestions,omitempty"`
	Ref         string   `json:"ref,omitempty"` // internal errors: the reference in the owner's log
}

type errorBody struct {
	Error wireError `json:"error"`
}
