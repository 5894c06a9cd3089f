package mcp

import (
	"context"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// The interfaces below are what the tools read. The local implementation of all of them is *index.Replica (with
// *Policy for FreshGetter); a front end that forwards to the process owning the replica uses the peer client,
// which implements the same interfaces over the local socket.

// Searcher runs a query against the replica.
type Searcher interface {
	// Search returns one page of results. It returns an error matching index.ErrInvalidCursor for a cursor that
	// does not belong to the query.
	Search(ctx context.Context, q query.Query) (index.Result, error)
}

// Aggregator counts and measures the records a query matches, grouped.
type Aggregator interface {
	// Aggregate answers a validated aggregate. It returns an error matching index.ErrInvalidCursor for a cursor
	// that does not belong to the aggregate.
	Aggregate(ctx context.Context, a query.Aggregate) (index.AggregateResult, error)
}

// StatusSource reports the replica's state: counts, last sync, backfill progress, workspace identity.
type StatusSource interface {
	Status(ctx context.Context) (index.Status, error)
}

// Replica is everything the tools read from the replica.
type Replica interface {
	Searcher
	Aggregator
	Getter
	StatusSource
}

// NameLookup names the ids records hold (a teammate, team, tag, segment or company id), for showing them with
// their names. index.Names implements it. Name returns false for an id it cannot name; the id is then shown as it
// is.
type NameLookup interface {
	Name(kind query.Kind, id string) (string, bool)
}

// Namer is implemented by a data source that can name ids on behalf of the tools (a front end forwarding to the
// process owning the replica). *index.Replica needs no Namer: the tools use its Names. A source that is neither
// shows ids without names.
type Namer interface {
	// NameLookup returns the names the replica knows now, or nil when it cannot tell.
	NameLookup(ctx context.Context) NameLookup
}

// replicaNames is implemented by *index.Replica.
type replicaNames interface {
	Names() index.Names
}

// namesOf returns the names src knows (src is a Replica, Searcher, Aggregator or Getter), or nil.
func namesOf(ctx context.Context, src any) NameLookup {
	if s, ok := src.(*statusOverride); ok {
		src = s.Replica
	}
	switch n := src.(type) {
	case Namer:
		return n.NameLookup(ctx)
	case replicaNames:
		return n.Names()
	}
	return nil
}

// nameOf returns the name of the record of kind with id, sanitized for one line, or "" when names is nil or does
// not know it.
func nameOf(names NameLookup, kind query.Kind, id string) string {
	if names == nil || id == "" || id == "0" {
		return ""
	}
	n, ok := names.Name(kind, id)
	if !ok {
		return ""
	}
	return sanitizeLine(n)
}

// namedID shows an id with its name for a line of text, the name marked as data: "\"Alex Rivera\" (7001)"; the id
// alone when the name is unknown.
func namedID(name, id string) string {
	if name == "" {
		return id
	}
	if id == "" {
		return quotedLine(name)
	}
	return quotedLine(name) + " (" + id + ")"
}
