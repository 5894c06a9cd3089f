package index

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// Errors callers branch on.
var (
	// ErrNotFound is returned by Get when the replica holds no record of that kind and id (a deleted record is
	// found: it comes back with Deleted set).
	ErrNotFound = errors.New("not found")
	// ErrLocked is returned by Open when another process has the data directory open. The error's text names the
	// holder's pid where the platform allows ("in use by pid 123").
	ErrLocked = errors.New("replica locked by another process")
	// ErrInvalidRecord is returned by Apply when a record cannot be stored (no id, unknown kind, raw JSON that is
	// not an object or whose id disagrees with the record's). Nothing of the batch is written.
	ErrInvalidRecord = errors.New("invalid record")
	// ErrInvalidCursor is returned by Search when Query.StartingAfter is not a cursor this replica issued, or was
	// issued for a different query.
	ErrInvalidCursor = errors.New("invalid cursor")
	// ErrClosed is returned by every method of a Replica after Close.
	ErrClosed = errors.New("replica closed")
)

// Record is one Intercom object as the replica stores it: the JSON exactly as Intercom returned it, in an envelope
// saying what it is, how recent it is and when we copied it.
type Record struct {
	Kind query.Kind
	ID   string
	// UpdatedAt is Intercom's updated_at (Unix seconds). A write whose UpdatedAt is older than the stored record's
	// is skipped, so a slow, stale response can never overwrite a newer one. Zero means "take it from Raw".
	UpdatedAt int64
	// SyncedAt is when the replica copied the record from Intercom (zero: the time of Apply).
	SyncedAt time.Time
	// Deleted marks a tombstone: the record no longer exists in Intercom. It stays in the store (Get returns it,
	// with the last Raw seen when the tombstone carries none) and leaves search. A tombstone with UpdatedAt zero
	// applies whatever the stored record's updated_at; one with a non-zero UpdatedAt obeys the staleness rule. A
	// tombstone for an id the store does not hold writes nothing.
	Deleted bool
	// Raw is the record's JSON exactly as Intercom sent it. Required unless Deleted.
	Raw json.RawMessage
}

// Batch is a set of writes applied atomically: every record and every meta entry in one transaction, so a sync
// checkpoint stored in Meta is durable exactly when the records it covers are.
type Batch struct {
	Records []Record
	// Meta sets replica metadata (sync watermarks, backfill cursors, last results, workspace identity). A nil
	// value deletes the key. Read it back with Replica.Meta; Status lists it.
	Meta map[string][]byte
}

// ApplyResult reports what Apply did.
type ApplyResult struct {
	Seq     uint64 // the store sequence of this batch (unchanged from the previous batch when nothing was written)
	Written int    // records stored (new or newer versions, tombstones included; not tombstones of ids never held)
	Deleted int    // of Written, tombstones
	Stale   int    // records skipped because the store already held a newer version
}

// CursorError is a starting_after this replica cannot continue from; Msg says why and what to pass instead. It
// matches ErrInvalidCursor.
type CursorError struct{ Msg string }

func (e *CursorError) Error() string { return e.Msg }

// Is reports whether target is ErrInvalidCursor.
func (e *CursorError) Is(target error) bool { return target == ErrInvalidCursor }
