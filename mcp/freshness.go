package mcp

import (
	"fmt"
	"strings"
	"time"
)

// Sources of a result.
const (
	SourceReplica = "replica" // read from the local replica
	SourceLive    = "live"    // fetched from Intercom for this call (the replica was refreshed with it)
)

// Freshness says how current a result is. Every tool result carries one.
type Freshness struct {
	// Source is SourceReplica or SourceLive.
	Source string `json:"source"`
	// SyncedAt is when the record was last copied from Intercom (get/fetch), or when the replica last completed
	// a sync (search), in RFC 3339; empty when never.
	SyncedAt string `json:"synced_at,omitempty"`
	// AgeSeconds is how long ago SyncedAt was, when it is set.
	AgeSeconds *int64 `json:"age_seconds,omitempty"`
	// Stale is set when get_* served a copy older than the staleness bound because Intercom could not be asked;
	// StaleReason says why.
	Stale       bool   `json:"stale"`
	StaleReason string `json:"stale_reason,omitempty"`
	// Replica describes the whole replica: its last sync and, while the first full copy (backfill) is still
	// running, how far it has got; results may then be incomplete.
	Replica ReplicaState `json:"replica"`
}

// ReplicaState is how complete and current the replica is.
type ReplicaState struct {
	LastSyncAt    string `json:"last_sync_at,omitempty"` // RFC 3339; empty before the first completed sync
	Complete      bool   `json:"complete"`               // the backfill of every object type has finished
	Progress      string `json:"progress,omitempty"`     // while a backfill runs: "conversations 12,000 of 48,000 (25%); contacts complete"
	Conversations int    `json:"conversations"`          // records held
	Contacts      int    `json:"contacts"`
	// SyncFailingSince (RFC 3339) is set while the replica cannot sync: since the first failed pass of the
	// current streak. SyncError says why the last pass failed. What changed in Intercom since then is missing.
	SyncFailingSince string `json:"sync_failing_since,omitempty"`
	SyncError        string `json:"sync_error,omitempty"`
}

// newFreshness builds the freshness of a result from source, a sync time and the replica state.
func newFreshness(source string, syncedAt time.Time, now time.Time, replica ReplicaState) Freshness {
	f := Freshness{Source: source, Replica: replica}
	if !syncedAt.IsZero() {
		f.SyncedAt = syncedAt.UTC().Format(time.RFC3339)
		age := int64(now.Sub(syncedAt) / time.Second)
		if age < 0 {
			age = 0
		}
		f.AgeSeconds = &age
	}
	return f
}

// line renders the freshness on one line for the text of a result.
func (f Freshness) line() string {
	var b strings.Builder
	switch {
	case f.Source == SourceLive:
		b.WriteString("fetched live from Intercom just now (the replica was refreshed)")
	case f.SyncedAt == "":
		b.WriteString("from the replica, never synced")
	default:
		fmt.Fprintf(&b, "from the replica, synced %s ago (%s)", humanDuration(*f.AgeSeconds), f.SyncedAt)
	}
	if f.Stale {
		b.WriteString("; STALE: older than the freshness bound")
		if f.StaleReason != "" {
			b.WriteString(" because " + f.StaleReason)
		}
	}
	if f.Replica.SyncFailingSince != "" {
		since := f.Replica.SyncFailingSince
		if t, err := time.Parse(time.RFC3339, since); err == nil {
			since = t.UTC().Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(&b, "; the replica could not sync since %s", since)
		if f.Replica.SyncError != "" {
			b.WriteString(" (" + f.Replica.SyncError + ")")
		}
		b.WriteString(", so changes made in Intercom since its last sync are missing")
	}
	if !f.Replica.Complete {
		b.WriteString("; " + IncompleteNote(f.Replica.Progress))
	}
	return b.String()
}

// freshnessOf is the freshness of a record read under the policy.
func freshnessOf(f Fresh, now time.Time, replica ReplicaState) Freshness {
	out := newFreshness(f.Source, f.Record.SyncedAt, now, replica)
	out.Stale, out.StaleReason = f.Stale, f.Reason
	return out
}
