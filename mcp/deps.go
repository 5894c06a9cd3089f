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
