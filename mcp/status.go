package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"golang.org/x/sync/singleflight"
)

// SyncState is what the syncer has recorded in the replica's metadata, as the tools report it: the workspace the
// replica copies, when it last completed a sync, and how far the first full copy (backfill) of each kind got.
type SyncState struct {
	WorkspaceID string    // Intercom's app id_code; "" while unknown
	Timezone    string    // the workspace's time zone (IANA name); "" while unknown
	LastSyncAt  time.Time // the last sync that completed; zero when none has
	Backfill    map[query.Kind]BackfillState
	// FailingSince is when the current streak of failed sync passes began (zero while syncing works), and
	// SyncError why the last of them failed ("cannot reach https://api.intercom.io: connection refused").
	FailingSince time.Time
	SyncError    string
}

// BackfillState is the progress of the first full copy of one kind.
type BackfillState struct {
	Complete bool
	Done     int // records copied so far
	Total    int // records Intercom reported, 0 when unknown
}

// The metadata DefaultSyncState reads: the JSON documents package sync keeps in the replica (sync/state.go there).
// mcp does not import sync; TestDefaultSyncState_ReadsWhatSyncWrites keeps the two in step.
const (
	MetaWorkspace   = "sync/workspace" // {"id": app id_code, ...}
	MetaStatePrefix = "sync/state/"    // + kind: {"backfill": {"done", "total", "complete"}, "last_pass_at", ...}
	MetaPassPrefix  = "sync/pass/"     // + backfill, incremental, reconcile: {"finished_at", "failing_since", "failure", ...}
)

// passTypes are the suffixes of MetaPassPrefix: the syncer's pass types.
var passTypes = []string{"backfill", "incremental", "reconcile"}

// DefaultSyncState reads a SyncState from the syncer's metadata (MetaWorkspace, MetaStatePrefix+kind,
// MetaPassPrefix+pass). LastSyncAt is the earliest of the kinds' last completed passes, zero while some kind has
// none; FailingSince and SyncError come from the pass that finished last. Missing or unreadable documents leave
// their fields zero.
func DefaultSyncState(st index.Status) SyncState {
	s := SyncState{Backfill: map[query.Kind]BackfillState{}}
	var ws struct {
		ID       string `json:"id"`
		Timezone string `json:"timezone"`
	}
	if json.Unmarshal(st.Meta[MetaWorkspace], &ws) == nil {
		s.WorkspaceID, s.Timezone = ws.ID, ws.Timezone
	}
	var last time.Time
	lastKnown := true
	for i, k := range query.Kinds() {
		raw, ok := st.Meta[MetaStatePrefix+string(k)]
		var ks struct {
			Backfill struct {
				Done     int  `json:"done"`
				Total    int  `json:"total"`
				Complete bool `json:"complete"`
			} `json:"backfill"`
			LastPassAt time.Time `json:"last_pass_at"`
		}
		if !ok || json.Unmarshal(raw, &ks) != nil {
			lastKnown = false
			continue
		}
		s.Backfill[k] = BackfillState{Complete: ks.Backfill.Complete, Done: ks.Backfill.Done, Total: ks.Backfill.Total}
		switch {
		case ks.LastPassAt.IsZero():
			lastKnown = false
		case i == 0 || last.IsZero() || ks.LastPassAt.Before(last):
			last = ks.LastPassAt
		}
	}
	if lastKnown {
		s.LastSyncAt = last
	}
	var latest time.Time
	for _, p := range passTypes {
		var rep struct {
			FinishedAt   time.Time `json:"finished_at"`
			FailingSince time.Time `json:"failing_since"`
			Failure      string    `json:"failure"`
		}
		if raw, ok := st.Meta[MetaPassPrefix+p]; !ok || json.Unmarshal(raw, &rep) != nil || !rep.FinishedAt.After(latest) {
			continue
		}
		latest, s.FailingSince, s.SyncError = rep.FinishedAt, rep.FailingSince, rep.Failure
	}
	return s
}

// SyncFailure is why the replica could not sync, and since when, as /readyz reports it.
type SyncFailure struct {
	Since time.Time `json:"since"` // the first failed pass of the current streak
	Error string    `json:"error"` // why the last pass failed
}

// ReplicaSyncFailure returns a function reading from status whether syncing fails, for HTTPOptions.SyncFailure: nil
// while it works (or the status cannot be read). decode nil means DefaultSyncState.
func ReplicaSyncFailure(status StatusSource, decode func(index.Status) SyncState) func(context.Context) *SyncFailure {
	if decode == nil {
		decode = DefaultSyncState
	}
	return func(ctx context.Context) *SyncFailure {
		st, err := status.Status(ctx)
		if err != nil {
			return nil
		}
		if ss := decode(st); !ss.FailingSince.IsZero() {
			return &SyncFailure{Since: ss.FailingSince, Error: ss.SyncError}
		}
		return nil
	}
}

// replicaSnapshot is the replica's state as one tool call reports it.
type replicaSnapshot struct {
	appID    string
	timezone string // the workspace's, "" while unknown
	lastSync time.Time
	now      time.Time
	state    ReplicaState
}

// freshness is the freshness of a search result: the replica's last sync.
func (s replicaSnapshot) freshness() Freshness {
	return newFreshness(SourceReplica, s.lastSync, s.now, s.state)
}

// replicaInfo reads the replica's status for a result. A failure to read it does not fail the call: the result
// then says the state is unknown.
func replicaInfo(ctx context.Context, status StatusSource, o ToolOptions) replicaSnapshot {
	snap := replicaSnapshot{now: o.Now()}
	st, err := status.Status(ctx)
	if err != nil {
		o.Logger.Warn("replica status unavailable", "err", err)
		snap.state.Progress = "replica status unavailable"
		return snap
	}
	decode := o.SyncState
	if decode == nil {
		decode = DefaultSyncState
	}
	ss := decode(st)
	snap.appID, snap.lastSync, snap.timezone = ss.WorkspaceID, ss.LastSyncAt, ss.Timezone
	snap.state = replicaStateOf(st, ss)
	return snap
}

// BackfillProgress says how far the first full copy of kind has got, "" once it is complete: "conversations 900
// of 1,960 (45%)", "conversations 900 so far" (Intercom's total not known yet) or "conversations not started".
func (s SyncState) BackfillProgress(k query.Kind) string {
	b, ok := s.Backfill[k]
	switch {
	case ok && b.Complete:
		return ""
	case !ok:
		return k.Plural() + " not started"
	case b.Total > 0:
		return fmt.Sprintf("%s %s of %s (%d%%)", k.Plural(), formatCount(b.Done), formatCount(b.Total), min(100, b.Done*100/b.Total))
	}
	return fmt.Sprintf("%s %s so far", k.Plural(), formatCount(b.Done))
}

// IncompleteNote says that results may be incomplete because the replica is still being filled, followed by
// progress (BackfillProgress, ReplicaState.Progress) in parentheses when it is not "".
func IncompleteNote(progress string) string {
	const note = "the replica is still being filled, so results may be incomplete"
	if progress == "" {
		return note
	}
	return note + " (" + progress + ")"
}

// replicaStateOf summarizes the replica for results. The replica is complete when every kind's backfill is. The
// progress names each kind in copy, then the kinds not started together: "conversations 12,000 of 48,000 (25%);
// contacts and companies not started".
func replicaStateOf(st index.Status, ss SyncState) ReplicaState {
	rs := ReplicaState{
		Conversations: st.Kinds[query.KindConversation].Records,
		Contacts:      st.Kinds[query.KindContact].Records,
		Complete:      true,
	}
	if !ss.LastSyncAt.IsZero() {
		rs.LastSyncAt = ss.LastSyncAt.UTC().Format(time.RFC3339)
	}
	if !ss.FailingSince.IsZero() {
		rs.SyncFailingSince, rs.SyncError = ss.FailingSince.UTC().Format(time.RFC3339), ss.SyncError
	}
	var progress, notStarted []string
	for _, k := range query.Kinds() {
		b, ok := ss.Backfill[k]
		if ok && b.Complete {
			continue
		}
		rs.Complete = false
		if !ok {
			notStarted = append(notStarted, k.Plural())
			continue
		}
		progress = append(progress, ss.BackfillProgress(k))
	}
	if n := len(notStarted); n > 0 {
		list := notStarted[0]
		if n > 1 {
			list = strings.Join(notStarted[:n-1], ", ") + " and " + notStarted[n-1]
		}
		progress = append(progress, list+" not started")
	}
	rs.Progress = strings.Join(progress, "; ")
	return rs
}

// cachedStatus shares one Status call among the tool calls of a short interval: Status walks the store's
// metadata and the index directories, which is cheap once but not once per call under load.
type cachedStatus struct {
	src StatusSource
	ttl time.Duration
	now func() time.Time

	group singleflight.Group
	mu    sync.Mutex
	st    index.Status
	at    time.Time
	ok    bool
}

func newCachedStatus(src StatusSource, ttl time.Duration, now func() time.Time) StatusSource {
	if ttl <= 0 {
		return src
	}
	return &cachedStatus{src: src, ttl: ttl, now: now}
}

// Status implements StatusSource.
func (c *cachedStatus) Status(ctx context.Context) (index.Status, error) {
	c.mu.Lock()
	if c.ok && c.now().Sub(c.at) < c.ttl {
		st := c.st
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	v, err, _ := c.group.Do("status", func() (any, error) {
		// Shared by every caller waiting: one caller going away must not fail the others.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		st, err := c.src.Status(sctx)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.st, c.at, c.ok = st, c.now(), true
		c.mu.Unlock()
		return st, nil
	})
	if err != nil {
		return index.Status{}, err
	}
	return v.(index.Status), nil
}

// replicaSyncedAt returns the last completed sync recorded in st.
func replicaSyncedAt(st index.Status, decode func(index.Status) SyncState) time.Time {
	if decode == nil {
		decode = DefaultSyncState
	}
	return decode(st).LastSyncAt
}

// ReplicaReady returns a readiness check for /readyz: the replica's status can be read (the store is open) and
// every kind's full-text index holds every change in the store and is not being rebuilt.
func ReplicaReady(status StatusSource) func(context.Context) error {
	return func(ctx context.Context) error {
		st, err := status.Status(ctx)
		if err != nil {
			return fmt.Errorf("replica status: %w", err)
		}
		for _, k := range query.Kinds() {
			ks, ok := st.Kinds[k]
			switch {
			case !ok:
				return fmt.Errorf("no %s index", k)
			case ks.Rebuilding:
				return fmt.Errorf("the %s index is being rebuilt", k)
			case ks.IndexSeq < st.StoreSeq:
				return fmt.Errorf("the %s index is catching up (at %d of %d)", k, ks.IndexSeq, st.StoreSeq)
			}
		}
		return nil
	}
}

// WorkspaceOf returns a function reading the replicated workspace's id from status, for AuthOptions.Workspace:
// "" while the replica does not know it (or its status cannot be read). decode nil means DefaultSyncState.
func WorkspaceOf(status StatusSource, decode func(index.Status) SyncState) func(context.Context) string {
	if decode == nil {
		decode = DefaultSyncState
	}
	return func(ctx context.Context) string {
		st, err := status.Status(ctx)
		if err != nil {
			return ""
		}
		return decode(st).WorkspaceID
	}
}
