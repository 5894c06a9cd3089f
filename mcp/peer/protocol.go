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
	pathGet      = "/v1/get"
	pathGetFresh = "/v1/get-fresh"
	pathStatus   = "/v1/status"
	pathScan     = "/v1/scan"
)

type searchRequest struct {
	DSL string    `json:"dsl"`
	Now time.Time `json:"now"`
}

type recordRequest struct {
	Kind query.Kind `json:"kind"`
	ID   string     `json:"id"`
}

type scanRequest struct {
	Kind query.Kind `json:"kind"`
}

// wireRecord is index.Record on the wire; Raw is left out (not "null") for a tombstone without one.
type wireRecord struct {
	Kind      query.Kind      `json:"kind"`
	ID        string          `json:"id"`
	UpdatedAt int64           `json:"updated_at"`
	SyncedAt  time.Time       `json:"synced_at"`
	Deleted   bool            `json:"deleted,omitempty"`
	Raw       json.RawMessage `json:"raw,omitempty"`
}

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

// scanLine is one line of a scan stream: a record, the end marker, or an error that ended the scan.
type scanLine struct {
	Record *wireRecord `json:"record,omitempty"`
	End    bool        `json:"end,omitempty"`
	Error  *wireError  `json:"error,omitempty"`
}

// Error codes on the wire.
const (
	codeNotFound      = "not_found"
	codeInvalidCursor = "invalid_cursor"
	codeQuery         = "query"
	codePublic        = "public"
	codeClosing       = "closing"
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
