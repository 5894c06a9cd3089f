// Package peertest helps test processes that share a replica (package peer) and the commands built on them: it
// holds a replica's open, as a large replica's open or a rebuild of its full-text index holds it, for as long as
// a test needs to look at what happens meanwhile.
package peertest

import (
	"context"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// HeldOpen keeps a replica opening until released. Its Open replaces index.Open (peer.AccessOptions.Open): it
// reports a rebuild of the conversations' full-text index at 42% (42 of 100 records), says it was entered on
// Entered, and opens the replica once Release is closed; cancelled first, it gives up as index.Open does.
type HeldOpen struct {
	// Entered receives a value each time Open is entered (buffered: up to 8 opens are not waited for).
	Entered chan struct{}
	// Release, closed, lets every Open waiting and to come open the replica.
	Release chan struct{}
}

// NewHeldOpen returns a HeldOpen that holds every open until its Release is closed.
func NewHeldOpen() *HeldOpen {
	return &HeldOpen{Entered: make(chan struct{}, 8), Release: make(chan struct{})}
}

// Open has index.Open's signature; see HeldOpen.
func (h *HeldOpen) Open(ctx context.Context, dir string, opts index.Options) (*index.Replica, error) {
	if opts.Progress != nil {
		opts.Progress(query.KindConversation, 42, 100)
	}
	h.Entered <- struct{}{}
	select {
	case <-h.Release:
		return index.Open(ctx, dir, opts)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
