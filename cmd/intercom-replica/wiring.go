package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/mcp/oauth"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
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
			Logger:               log,
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
		IncrementalSchedule: cfg.Sync.IncrementalSchedule,
		ReconcileSchedule:   cfg.Sync.ReconcileSchedule,
		Overlap:             cfg.Sync.Overlap,
		Concurrency:         cfg.Sync.Concurrency,
		PageSize:            cfg.Sync.PageSize,
		CompanySweep:        cfg.Sync.CompanySweep,
	}
}

// ownerSyncer is the syncer of the process that owns the replica, as its owner role exposes it: it runs the passes
// asked for by this process or by others over the socket (peer.SyncRunner), tells each caller how its pass
// advances, and reports its rate budget as it is now.
type ownerSyncer struct {
	*replsync.Syncer
	budget  *replsync.Budget
	reserve int
	since   time.Time
	events  *progressFanout
}

var _ peer.SyncRunner = (*ownerSyncer)(nil)

// startOwnerSyncer connects to the workspace's Intercom (with demo, the embedded fake, which it starts; else the
// configured API) and returns a syncer writing into r, with the function that releases the clients and stops the
// fake. progress, when set, hears about every pass, besides the callers of Sync.
func startOwnerSyncer(cfg *configs.Config, demo bool, r replsync.Sink, log *slog.Logger, reg prometheus.Registerer, progress func(replsync.ProgressEvent)) (*ownerSyncer, func(), error) {
	var (
		u       *upstream
		release func()
		err     error
	)
	if demo {
		u, release, err = demoUpstream(cfg, log)
	} else if u, err = newUpstream(cfg, cfg.Intercom.APIBaseURL(), cfg.Intercom.AccessToken.Reveal(), log); err == nil {
		release = u.close
	}
	if err != nil {
		return nil, nil, err
	}
	o := &ownerSyncer{budget: u.budget, reserve: cfg.Sync.RateReservePercent, since: time.Now(), events: &progressFanout{base: progress}}
	opts := syncerOptions(cfg, u, r, log, reg)
	opts.Progress = o.events.emit
	if o.Syncer, err = replsync.New(opts); err != nil {
		release()
		return nil, nil, err
	}
	return o, release, nil
}

// syncingRole is the owner role of a process that syncs (serve, sync): a syncer on the workspace's Intercom that
// runs the passes asked for, and get_* falling through to Intercom for stale records with the syncer's live
// client. Its Close releases the clients.
func syncingRole(cfg *configs.Config, demo bool, r *index.Replica, log *slog.Logger, reg prometheus.Registerer, metrics *mcp.Metrics, progress func(replsync.ProgressEvent)) (peer.OwnerRole, *ownerSyncer, error) {
	syncer, release, err := startOwnerSyncer(cfg, demo, r, log, reg, progress)
	if err != nil {
		return peer.OwnerRole{}, nil, err
	}
	return peer.OwnerRole{
		Fresh:  &mcp.Policy{Replica: r, MaxStaleness: staleness(cfg.Serve.MaxStaleness), Logger: log, Metrics: metrics, Live: syncer.LiveFetcher()},
		Sync:   syncer,
		Budget: syncer.Budget,
		Close:  []func(){release},
	}, syncer, nil
}

// Sync implements peer.SyncRunner: one pass of mode after the pass running, if any. progress hears about the
// passes that run meanwhile (a scheduled pass it waits for, then its own).
func (o *ownerSyncer) Sync(ctx context.Context, mode peer.SyncMode, progress func(peer.Progress)) (json.RawMessage, error) {
	m := replsync.ModeIncremental
	if mode == peer.SyncFull {
		m = replsync.ModeReconcile
	}
	if progress != nil {
		defer o.events.add(func(e replsync.ProgressEvent) { progress(toPeerProgress(e)) })()
	}
	reports, err := o.Syncer.Sync(ctx, m)
	if err != nil {
		err = briefSyncError(err) // a sync asking over the peer protocol gets the one line its own pass would print
	}
	raw, merr := json.Marshal(reports)
	if merr != nil {
		return nil, errors.Join(err, merr)
	}
	return raw, err
}

// Budget reports the rate budget as it is now, for peer.ServerOptions.Budget.
func (o *ownerSyncer) Budget() peer.Budget {
	st := o.budget.State()
	return peer.Budget{
		Limit: st.Limit, Remaining: max(0, st.Limit-st.Used), ResetAt: st.WindowEnd, WindowSeconds: st.Window.Seconds(),
		ReservePercent: o.reserve, SyncCap: st.SyncCap,
		Requests:    st.Stats.Granted[replsync.PrioritySync] + st.Stats.Granted[replsync.PriorityLive],
		RateLimited: st.Stats.Throttled, LiveDenied: st.Stats.Denied, Since: o.since,
	}
}

// progressFanout passes a syncer's progress to a fixed reporter and to the callers of the passes in flight.
type progressFanout struct {
	base func(replsync.ProgressEvent) // nil: none

	mu   sync.Mutex // held while calling: a caller removed hears nothing more
	next int
	subs map[int]func(replsync.ProgressEvent)
}

func (f *progressFanout) emit(e replsync.ProgressEvent) {
	if f.base != nil {
		f.base(e)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, fn := range f.subs {
		fn(e)
	}
}

// add makes fn hear every event until the function it returns is called.
func (f *progressFanout) add(fn func(replsync.ProgressEvent)) (remove func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[int]func(replsync.ProgressEvent){}
	}
	id := f.next
	f.next++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

func toPeerProgress(e replsync.ProgressEvent) peer.Progress {
	return peer.Progress{Pass: e.Pass, Kind: e.Kind, Done: e.Done, Total: e.Total, Finished: e.Finished}
}

func fromPeerProgress(p peer.Progress) replsync.ProgressEvent {
	return replsync.ProgressEvent{Pass: p.Pass, Kind: p.Kind, Done: p.Done, Total: p.Total, Finished: p.Finished}
}

// metaMap serves the metadata of an index.Status as a replsync.MetaReader, so the syncer's state can be read from
// a status that came over the owner's socket.
type metaMap map[string][]byte

func (m metaMap) Meta(key string) ([]byte, error) { return m[key], nil }

// syncStatusOf reads the syncer's state from a replica status.
func syncStatusOf(st index.Status) (replsync.Status, error) {
	return replsync.ReadStatus(metaMap(st.Meta))
}

// syncStateOf tells the MCP tools what the syncer recorded: the workspace, the last completed sync, the
// backfill's progress, and whether syncing currently fails. It is the tools' ToolOptions.SyncState: the syncer owns the metadata keys.
func syncStateOf(st index.Status) mcp.SyncState {
	s, err := syncStatusOf(st)
	if err != nil {
		return mcp.SyncState{}
	}
	out := mcp.SyncState{LastSyncAt: s.LastSyncAt(), Backfill: make(map[query.Kind]mcp.BackfillState, len(s.Kinds))}
	out.FailingSince, out.SyncError = s.Failing()
	if s.Workspace != nil {
		out.WorkspaceID, out.Timezone = s.Workspace.ID, s.Workspace.Timezone
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

// intercomMe asks Intercom's GET /me who an Intercom access token belongs to, for serve's opt-in acceptance of
// Intercom tokens and for sign-in with Intercom. The token is used for that one call and nothing else.
type intercomMe struct {
	baseURL, version string
	http             *http.Client
}

// me returns GET /me for token. A token Intercom refuses gives an error matching mcp.ErrTokenRejected.
func (v intercomMe) me(ctx context.Context, token string) (*intercom.Me, error) {
	c, err := intercom.New(intercom.Options{
		Token: intercom.Token(token), BaseURL: v.baseURL, Version: v.version, HTTPClient: v.http,
		Retry: intercom.RetryPolicy{MaxAttempts: 2, MaxRateLimitWait: time.Second},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: not a usable token", mcp.ErrTokenRejected)
	}
	me, err := c.Me(ctx)
	switch {
	case errors.Is(err, intercom.ErrUnauthorized), errors.Is(err, intercom.ErrForbidden):
		return nil, fmt.Errorf("%w: %w", mcp.ErrTokenRejected, err)
	case err != nil:
		return nil, err
	}
	return me, nil
}

// teammate returns the teammate and workspace of an Intercom token, for oauth.IntercomApp.Identify.
func (v intercomMe) teammate(ctx context.Context, token string) (oauth.Teammate, error) {
	me, err := v.me(ctx, token)
	if err != nil {
		return oauth.Teammate{}, err
	}
	return oauth.Teammate{ID: me.ID, Email: me.Email, Name: me.Name, EmailVerified: me.EmailVerified, Workspace: me.App.IDCode}, nil
}

// tokenVerifier tells which workspace an Intercom access token belongs to with GET /me, for serve's opt-in
// acceptance of Intercom tokens.
type tokenVerifier struct{ intercomMe }

var _ mcp.TokenVerifier = tokenVerifier{}

// TokenWorkspace implements mcp.TokenVerifier.
func (v tokenVerifier) TokenWorkspace(ctx context.Context, token string) (string, error) {
	me, err := v.me(ctx, token)
	if err != nil {
		return "", err
	}
	return me.App.IDCode, nil
}
