package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/progress"
)

// upstream is one Intercom API as the syncer and live lookups reach it: two clients sharing one rate budget, the
// syncer's paced to leave the reserve free, the live one allowed the reserve but never kept waiting.
type upstream struct {
	budget *replsync.Budget
	sync   *intercom.Client
	live   *intercom.Client
	http   *http.Client
}

// newUpstream returns the clients for the API at baseURL with token, configured by cfg.
func newUpstream(cfg *configs.Config, baseURL, token string, log *slog.Logger) (*upstream, error) {
	u := &upstream{
		budget: replsync.NewBudget(replsync.BudgetOptions{
			ReservePercent:       cfg.Sync.RateReservePercent,
			MaxRequestsPerMinute: cfg.Sync.MaxRequestsPerMinute,
		}),
		http: &http.Client{Timeout: cfg.Intercom.RequestTimeout},
	}
	opts := intercom.Options{
		Token:      intercom.Token(token),
		BaseURL:    baseURL,
		Version:    cfg.Intercom.APIVersion,
		HTTPClient: u.http,
		Logger:     log,
		Pacer:      u.budget.Pacer(replsync.PrioritySync),
	}
	var err error
	if u.sync, err = intercom.New(opts); err != nil {
		return nil, err
	}
	// A live lookup answers a person or a model waiting for it: a few quick tries, then the cached copy.
	opts.Pacer = u.budget.Pacer(replsync.PriorityLive)
	opts.Retry = intercom.RetryPolicy{MaxAttempts: 2, MaxRateLimitWait: time.Second}
	if u.live, err = intercom.New(opts); err != nil {
		return nil, err
	}
	return u, nil
}

// close releases the clients' idle connections. An in-process server (the demo's fake Intercom) shuts down at
// once only when no client keeps a connection open to it.
func (u *upstream) close() { u.http.CloseIdleConnections() }

// syncerOptions are the syncer's options from the configuration, for the replica r and the clients of u.
func syncerOptions(cfg *configs.Config, u *upstream, r replsync.Sink, log *slog.Logger, reg prometheus.Registerer) replsync.Options {
	return replsync.Options{
		Source:              u.sync,
		Live:                u.live,
		Sink:                r,
		Logger:              log,
		Registry:            reg,
		Budget:              u.budget,
		Progress:            progress.NewLog(log, 10*time.Second).Event,
		IncrementalSchedule: cfg.Sync.IncrementalSchedule,
		ReconcileSchedule:   cfg.Sync.ReconcileSchedule,
		Overlap:             cfg.Sync.Overlap,
		Concurrency:         cfg.Sync.Concurrency,
		PageSize:            cfg.Sync.PageSize,
	}
}

// metaMap serves the metadata of an index.Status as a replsync.MetaReader, so the syncer's state can be read from
// a status that came over the owner's socket.
type metaMap map[string][]byte

func (m metaMap) Meta(key string) ([]byte, error) { return m[key], nil }

// syncStatusOf reads the syncer's state from a replica status.
func syncStatusOf(st index.Status) (replsync.Status, error) {
	return replsync.ReadStatus(metaMap(st.Meta))
}

// syncStateOf tells the MCP tools what the syncer recorded: the workspace, the last completed sync and the
// backfill's progress. It is the tools' ToolOptions.SyncState: the syncer owns the metadata keys.
func syncStateOf(st index.Status) mcp.SyncState {
	s, err := syncStatusOf(st)
	if err != nil {
		return mcp.SyncState{}
	}
	out := mcp.SyncState{LastSyncAt: s.LastSyncAt(), Backfill: make(map[query.Kind]mcp.BackfillState, len(s.Kinds))}
	if s.Workspace != nil {
		out.WorkspaceID = s.Workspace.ID
	}
	for kind, ks := range s.Kinds {
		out.Backfill[kind] = mcp.BackfillState{Complete: ks.Backfill.Complete, Done: ks.Backfill.Done, Total: ks.Backfill.Total}
	}
	return out
}

// staleness turns serve.max_staleness into the policy's bound: the configuration's 0 means "always ask
// Intercom", the policy's zero means its default.
func staleness(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Nanosecond
	}
	return d
}

// tokenVerifier tells which workspace an Intercom access token belongs to with GET /me, for serve's opt-in
// acceptance of Intercom tokens. The token is used for that one call and nothing else.
type tokenVerifier struct {
	baseURL, version string
	http             *http.Client
}

var _ mcp.TokenVerifier = tokenVerifier{}

// TokenWorkspace implements mcp.TokenVerifier.
func (v tokenVerifier) TokenWorkspace(ctx context.Context, token string) (string, error) {
	c, err := intercom.New(intercom.Options{
		Token: intercom.Token(token), BaseURL: v.baseURL, Version: v.version, HTTPClient: v.http,
		Retry: intercom.RetryPolicy{MaxAttempts: 2, MaxRateLimitWait: time.Second},
	})
	if err != nil {
		return "", fmt.Errorf("%w: not a usable token", mcp.ErrTokenRejected)
	}
	me, err := c.Me(ctx)
	switch {
	case errors.Is(err, intercom.ErrUnauthorized), errors.Is(err, intercom.ErrForbidden):
		return "", fmt.Errorf("%w: %w", mcp.ErrTokenRejected, err)
	case err != nil:
		return "", err
	}
	return me.App.IDCode, nil
}
