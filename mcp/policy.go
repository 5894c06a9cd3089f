package mcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// DefaultMaxStaleness is how old a replica copy may be for get_conversation and get_contact to answer from it
// without asking Intercom.
const DefaultMaxStaleness = 5 * time.Minute

// ErrNotFound is matched by the error a FreshGetter returns for a record that exists neither in the replica nor
// in Intercom, or that Intercom deleted. It is index.ErrNotFound, so either name matches.
var ErrNotFound = index.ErrNotFound

// notFound returns an error matching ErrNotFound whose message, written for the model, says what was not found.
func notFound(format string, args ...any) error {
	return &PublicError{Msg: fmt.Sprintf(format, args...), Err: ErrNotFound}
}

// Fresh is a record read under the freshness policy, with where it came from.
type Fresh struct {
	Record index.Record
	// Source is SourceReplica or SourceLive.
	Source string
	// Stale is set when the replica's copy is older than the bound but Intercom could not be asked (the live
	// call failed or the rate budget had no room); Reason says why, in words for the model.
	Stale  bool
	Reason string
}

// FreshGetter reads one record under the freshness policy of get_conversation, get_contact and get_company. *Policy is the
// local implementation; a front end forwarding to the process that owns the replica uses the peer client.
type FreshGetter interface {
	// GetFresh returns the record of kind and id. It returns an error matching ErrNotFound when the record does
	// not exist (or was deleted), and another error only when no copy can be served at all.
	GetFresh(ctx context.Context, kind query.Kind, id string) (Fresh, error)
}

// LiveFetcher fetches one record from Intercom and writes it to the replica. The implementation lives in package
// sync, which owns the Intercom client and the rate budget; cmd wires it.
type LiveFetcher interface {
	// FetchLive makes one GET to Intercom for the record, applies the result to the replica, and returns the
	// record as stored. When Intercom answers 404 it removes the record from the replica (a tombstone, when the
	// replica held it) and returns an error matching index.ErrNotFound. Any other error means no fresh copy could be had (Intercom
	// unreachable, a 5xx, no room in the rate budget): its text is shown to the model as the reason a cached
	// copy is stale, so it must be short and must not contain secrets.
	FetchLive(ctx context.Context, kind query.Kind, id string) (index.Record, error)
}

// Getter reads a record from the replica. *index.Replica implements it.
type Getter interface {
	// Get returns the stored record, tombstones included (Deleted set), or an error matching index.ErrNotFound.
	Get(ctx context.Context, kind query.Kind, id string) (index.Record, error)
}

// Policy is the freshness policy of get_conversation, get_contact and get_company, over the local replica:
//
//   - a copy synced no longer than MaxStaleness ago is served as is;
//   - an older copy, or a record the replica does not hold, is fetched live once (which refreshes the replica);
//   - when that fails, the older copy is served marked stale with the reason; a record known nowhere is an error;
//   - Intercom's 404, or a tombstone in the replica, is ErrNotFound.
type Policy struct {
	Replica Getter
	// Live fetches from Intercom; nil means never (offline): the replica's copy is served, stale when old.
	Live LiveFetcher
	// MaxStaleness is the age bound; zero means DefaultMaxStaleness.
	MaxStaleness time.Duration
	// LiveTimeout bounds one live call; zero means 10 seconds.
	LiveTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the detail of live failures; nil discards it.
	Logger *slog.Logger
	// Metrics counts the outcomes; nil counts nothing.
	Metrics *Metrics
}

// GetFresh implements FreshGetter.
func (p *Policy) GetFresh(ctx context.Context, kind query.Kind, id string) (Fresh, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	maxAge := p.MaxStaleness
	if maxAge <= 0 {
		maxAge = DefaultMaxStaleness
	}
	rec, err := p.Replica.Get(ctx, kind, id)
	known := err == nil
	switch {
	case errors.Is(err, index.ErrNotFound):
	case err != nil:
		return Fresh{}, fmt.Errorf("read %s %s from the replica: %w", kind, id, err)
	case rec.Deleted:
		p.Metrics.liveLookup(string(kind), "not_found")
		return Fresh{}, notFound("%s %s was deleted in Intercom.", kind, id)
	case now().Sub(rec.SyncedAt) <= maxAge:
		p.Metrics.liveLookup(string(kind), "replica")
		return Fresh{Record: rec, Source: SourceReplica}, nil
	}

	if p.Live == nil {
		if !known {
			p.Metrics.liveLookup(string(kind), "not_found")
			return Fresh{}, notFound("%s %s is not in the replica, and live lookups from Intercom are turned off.", kind, id)
		}
		p.Metrics.liveLookup(string(kind), "stale")
		return Fresh{Record: rec, Source: SourceReplica, Stale: true, Reason: "live lookups from Intercom are turned off"}, nil
	}
	timeout := p.LiveTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	live, lerr := p.Live.FetchLive(lctx, kind, id)
	cancel()
	switch {
	case lerr == nil:
		p.Metrics.liveLookup(string(kind), "live")
		if live.SyncedAt.IsZero() {
			live.SyncedAt = now()
		}
		return Fresh{Record: live, Source: SourceLive}, nil
	case errors.Is(lerr, index.ErrNotFound):
		p.Metrics.liveLookup(string(kind), "not_found")
		return Fresh{}, notFound("%s %s does not exist in Intercom (it may have been deleted).", kind, id)
	case ctx.Err() != nil:
		return Fresh{}, ctx.Err() // the caller gave up; nothing to serve
	}
	reason := "the live refresh from Intercom failed: " + truncateRunes(sanitizeLine(lerr.Error()), 200)
	if errors.Is(lerr, context.DeadlineExceeded) {
		reason = fmt.Sprintf("Intercom did not answer within %s", timeout)
	}
	p.logger().Warn("live lookup failed", "kind", kind, "id", id, "err", lerr)
	if !known {
		return Fresh{}, &PublicError{Msg: fmt.Sprintf("%s %s is not in the replica and %s", kind, id, reason), Err: lerr}
	}
	p.Metrics.liveLookup(string(kind), "stale")
	return Fresh{Record: rec, Source: SourceReplica, Stale: true, Reason: reason}, nil
}

func (p *Policy) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}
