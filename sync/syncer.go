package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// Defaults of [Options], the same as configs' defaults.
const (
	DefaultIncrementalSchedule = "@every 1m"
	DefaultReconcileSchedule   = "@daily"
	DefaultOverlap             = 5 * time.Minute
	DefaultConcurrency         = 8
	DefaultPageSize            = 150
	DefaultSettle              = 5 * time.Second
	DefaultLiveTimeout         = 10 * time.Second
	DefaultWebhookQueue        = 10000
	DefaultFirstContact        = 20 * time.Second
	DefaultCompanySweep        = time.Hour
	DefaultScrollWait          = 10 * time.Second
	DefaultScrollWaitMax       = 2 * time.Minute
)

// ErrWorkspaceMismatch is returned by a pass when the access token belongs to a different Intercom workspace than
// the one the replica holds: the syncer never mixes two workspaces in one data directory.
var ErrWorkspaceMismatch = errors.New("the replica holds another Intercom workspace")

// Options configures a [Syncer]. Source and Sink are required; every other zero value means the default.
type Options struct {
	// Source is the Intercom client passes and webhook refetches use; give it a [PrioritySync] handle of the
	// budget as its Pacer.
	Source Source
	// Live is the client live lookups ([LiveFetcher]) use, paced by a [PriorityLive] handle of the same budget,
	// with few retries and short rate-limit waits. nil means Source.
	Live Source
	// Sink is the replica.
	Sink Sink

	// Logger receives one Info line per pass and per backfill page, and warnings; nil discards.
	Logger *slog.Logger
	// Registry, when set, gets the syncer's Prometheus metrics (intercom_replica_sync_*). The MCP server serves
	// /metrics from the same registry.
	Registry prometheus.Registerer
	// Budget, when set, has its window state exported as metrics too.
	Budget *Budget
	// Progress, when set, is told how each backfill advances (for progress bars).
	Progress func(ProgressEvent)
	// Now is the clock stamping watermarks and SyncedAt; nil means time.Now. Tests share it with the fake.
	Now func() time.Time

	// IncrementalSchedule and ReconcileSchedule are cron specs (cron.ParseStandard: 5 fields or a descriptor
	// such as "@every 1m"); "" means DefaultIncrementalSchedule ("@every 1m") and DefaultReconcileSchedule
	// ("@daily"). Only Run uses them.
	IncrementalSchedule, ReconcileSchedule string
	// Overlap is how far before the watermark an incremental search starts; 0 means DefaultOverlap (5m).
	Overlap time.Duration
	// Concurrency bounds whole-conversation fetches in flight; 0 means DefaultConcurrency (8).
	Concurrency int
	// PageSize is per_page of list and search calls (1..150); 0 means DefaultPageSize (150).
	PageSize int
	// Settle is how long after a record's updated_at a copy must have been taken to count as final: a copy taken
	// sooner is fetched again when it is next listed, in case a second change followed within the same second
	// (which keeps updated_at). It also absorbs clock skew. 0 means DefaultSettle (5s).
	Settle time.Duration
	// LiveTimeout bounds one live lookup; 0 means DefaultLiveTimeout (10s).
	LiveTimeout time.Duration
	// FirstContact bounds a Syncer's first request (which asks Intercom whose workspace the token opens), retries
	// included, so that a wrong base URL or a network that does not reach Intercom fails the first pass quickly;
	// later requests retry for longer. 0 means DefaultFirstContact (20s).
	FirstContact time.Duration
	// CompanySweep is how often an incremental pass scrolls every company (Intercom cannot list companies by
	// updated_at: between sweeps, company webhooks keep them current); 0 means DefaultCompanySweep (1h).
	CompanySweep time.Duration
	// ScrollWait is how long a company scroll waits before trying again when another scroll holds the app's only
	// one, and ScrollWaitMax how long it keeps trying (Intercom expires a scroll unused for a minute, so one left
	// open by a stopped run is gone by then); 0 means DefaultScrollWait (10s) and DefaultScrollWaitMax (2m).
	ScrollWait, ScrollWaitMax time.Duration
	// WebhookQueue bounds the refetches webhooks may queue; beyond it notifications are dropped (the next
	// incremental pass picks the changes up). 0 means DefaultWebhookQueue.
	WebhookQueue int
}

// ProgressEvent reports how far a pass over one kind has got.
type ProgressEvent struct {
	Pass     string     // PassBackfill, PassIncremental or PassReconcile
	Kind     query.Kind // any of query.AllKinds (the directory's kinds complete in one step)
	Done     int        // records handled so far (for a backfill, across restarts)
	Total    int        // Intercom's total_count, 0 when unknown
	Finished bool       // the pass over this kind is over (completed or stopped)
}

// Syncer keeps a replica in step with an Intercom workspace: it backfills, runs incremental and reconcile passes
// (one at a time; [Syncer.Sync] runs one, [Syncer.Run] runs them on their schedules), applies webhook notifications
// ([Syncer.Webhooks]) and answers live lookups ([Syncer.LiveFetcher]). Every write goes through one path that
// orders concurrent evidence about a record (see supersedes), so passes, webhooks and live lookups may run at once.
//
// A Syncer is safe for concurrent use. It starts no goroutine until Run, which owns them all and waits for them.
type Syncer struct {
	src, live   Source
	sink        Sink
	log         *slog.Logger
	now         func() time.Time
	progress    func(ProgressEvent)
	incSpec     string
	recSpec     string
	incSched    cron.Schedule
	recSched    cron.Schedule
	overlap     time.Duration
	concurrency int
	pageSize    int
	settle      time.Duration
	liveTimeout time.Duration
	firstLimit  time.Duration
	sweepEvery  time.Duration
	scrollWait  time.Duration
	scrollMax   time.Duration
	metrics     *metrics
	queue       *refetchQueue

	pass    chan struct{} // a one-slot semaphore: one pass at a time
	running atomic.Bool   // Run is running

	writeMu   gosync.Mutex
	states    map[query.Kind]*KindState // loaded lazily from the replica, under writeMu
	workspace *Workspace                // checked once per Syncer, under pass
}

// New returns a Syncer for opts. It fails when Source or Sink is missing, a schedule does not parse, or a number is
// out of range.
func New(opts Options) (*Syncer, error) {
	if opts.Source == nil || opts.Sink == nil {
		return nil, errors.New("sync: Source and Sink are required")
	}
	s := &Syncer{
		src:         opts.Source,
		live:        opts.Live,
		sink:        opts.Sink,
		log:         opts.Logger,
		now:         opts.Now,
		progress:    opts.Progress,
		incSpec:     orDefault(opts.IncrementalSchedule, DefaultIncrementalSchedule),
		recSpec:     orDefault(opts.ReconcileSchedule, DefaultReconcileSchedule),
		overlap:     orDefault(opts.Overlap, DefaultOverlap),
		concurrency: orDefault(opts.Concurrency, DefaultConcurrency),
		pageSize:    orDefault(opts.PageSize, DefaultPageSize),
		settle:      orDefault(opts.Settle, DefaultSettle),
		liveTimeout: orDefault(opts.LiveTimeout, DefaultLiveTimeout),
		firstLimit:  orDefault(opts.FirstContact, DefaultFirstContact),
		sweepEvery:  orDefault(opts.CompanySweep, DefaultCompanySweep),
		scrollWait:  orDefault(opts.ScrollWait, DefaultScrollWait),
		scrollMax:   orDefault(opts.ScrollWaitMax, DefaultScrollWaitMax),
		pass:        make(chan struct{}, 1),
		states:      map[query.Kind]*KindState{},
	}
	if s.live == nil {
		s.live = s.src
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.incSched, err = cron.ParseStandard(s.incSpec); err != nil {
		return nil, fmt.Errorf("sync: incremental schedule %q: %w", s.incSpec, err)
	}
	if s.recSched, err = cron.ParseStandard(s.recSpec); err != nil {
		return nil, fmt.Errorf("sync: reconcile schedule %q: %w", s.recSpec, err)
	}
	switch {
	case s.overlap < 0 || s.settle < 0 || s.liveTimeout < 0 || s.firstLimit < 0 || s.sweepEvery < 0 || s.scrollWait < 0 || s.scrollMax < 0:
		return nil, errors.New("sync: negative duration in options")
	case s.concurrency < 1 || s.concurrency > 256:
		return nil, fmt.Errorf("sync: concurrency %d outside 1..256", s.concurrency)
	case s.pageSize < 1 || s.pageSize > 150:
		return nil, fmt.Errorf("sync: page size %d outside 1..150", s.pageSize)
	}
	s.queue = newRefetchQueue(orDefault(opts.WebhookQueue, DefaultWebhookQueue))
	if opts.Registry != nil {
		if s.metrics, err = newMetrics(opts.Registry, s, opts.Budget); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Status reads the syncer's state from the replica (see [ReadStatus]).
func (s *Syncer) Status() (Status, error) { return ReadStatus(s.sink) }

// --- the write path ---------------------------------------------------------------------------------------------

// commitResult is what one commit wrote.
type commitResult struct {
	written, deleted int
}

// commit writes the candidates that supersede what the replica holds (see supersedes), together with kind's state
// as update leaves it (update may be nil), in one batch. It keeps the state's record counts exact. The write is not
// cancelled with ctx: a page fetched before a shutdown is worth keeping, and a batch is quick.
func (s *Syncer) commit(ctx context.Context, kind query.Kind, cands []candidate, update func(*KindState)) (commitResult, error) {
	for _, c := range cands {
		if c.rec.Kind != kind {
			return commitResult{}, fmt.Errorf("sync: commit %s: a %s record in the batch", kind, c.rec.Kind)
		}
	}
	res, err := s.commitKinds(ctx, cands, map[query.Kind]func(*KindState){kind: update})
	return res[kind], err
}

// commitKinds is commit for candidates of several kinds: it writes them, and the state of every kind that has
// candidates or an entry in updates (a nil function only keeps the counts), in one batch.
func (s *Syncer) commitKinds(ctx context.Context, cands []candidate, updates map[query.Kind]func(*KindState)) (map[query.Kind]commitResult, error) {
	ctx = context.WithoutCancel(ctx)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res := map[query.Kind]commitResult{}
	next := map[query.Kind]*KindState{}
	changed := map[query.Kind]bool{}
	stateOf := func(kind query.Kind) (*KindState, error) {
		if st := next[kind]; st != nil {
			return st, nil
		}
		st, err := s.stateLocked(kind)
		if err != nil {
			return nil, err
		}
		cp := *st
		next[kind] = &cp
		return &cp, nil
	}
	var recs []index.Record
	type key struct {
		kind query.Kind
		id   string
	}
	pos := map[key]int{} // position in recs, when a batch holds a record twice
	for _, c := range cands {
		kind := c.rec.Kind
		st, err := stateOf(kind)
		if err != nil {
			return res, err
		}
		var cur index.Record
		found := false
		k := key{kind, c.rec.ID}
		if i, ok := pos[k]; ok {
			cur, found = recs[i], true
		} else {
			cur, err = s.sink.Get(ctx, kind, c.rec.ID)
			switch {
			case err == nil:
				found = true
			case !errors.Is(err, index.ErrNotFound):
				return res, fmt.Errorf("sync: commit %s %s: %w", kind, c.rec.ID, err)
			}
		}
		rec, ok := supersedes(c, cur, found)
		if !ok {
			continue
		}
		switch {
		case !found && rec.Deleted:
			st.Deleted++
		case !found:
			st.Live++
		case !cur.Deleted && rec.Deleted:
			st.Live, st.Deleted = st.Live-1, st.Deleted+1
		case cur.Deleted && !rec.Deleted:
			st.Live, st.Deleted = st.Live+1, st.Deleted-1
		}
		r := res[kind]
		if rec.Deleted {
			r.deleted++
		}
		changed[kind] = true
		if i, ok := pos[k]; ok {
			recs[i] = rec
			res[kind] = r
			continue
		}
		r.written++
		res[kind] = r
		pos[k] = len(recs)
		recs = append(recs, rec)
	}
	meta := map[string][]byte{}
	for kind, update := range updates {
		st, err := stateOf(kind)
		if err != nil {
			return res, err
		}
		if update != nil {
			update(st)
			changed[kind] = true
		}
	}
	for kind := range changed {
		b, err := json.Marshal(next[kind])
		if err != nil {
			return res, fmt.Errorf("sync: encode %s state: %w", kind, err)
		}
		meta[stateKey(kind)] = b
	}
	if len(meta) == 0 {
		return res, nil
	}
	if _, err := s.sink.Apply(ctx, index.Batch{Records: recs, Meta: meta}); err != nil {
		for kind := range changed {
			delete(s.states, kind) // the batch may or may not be stored: read the state back next time
		}
		return res, fmt.Errorf("sync: write %s: %w", Count(int64(len(recs)), "record"), err)
	}
	for kind := range changed {
		*s.states[kind] = *next[kind]
		if s.metrics != nil {
			s.metrics.written(kind, res[kind].written, res[kind].deleted)
		}
	}
	return res, nil
}

// stateLocked returns kind's state, loading it from the replica the first time. The caller holds writeMu.
func (s *Syncer) stateLocked(kind query.Kind) (*KindState, error) {
	if st := s.states[kind]; st != nil {
		return st, nil
	}
	st := &KindState{}
	if _, err := readMeta(s.sink, stateKey(kind), st); err != nil {
		return nil, err
	}
	s.states[kind] = st
	return st, nil
}

// state returns a copy of kind's state.
func (s *Syncer) state(kind query.Kind) (KindState, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	st, err := s.stateLocked(kind)
	if err != nil {
		return KindState{}, err
	}
	return *st, nil
}

// writeMeta stores one meta document on its own.
func (s *Syncer) writeMeta(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sync: encode %s: %w", key, err)
	}
	return s.applyMeta(ctx, key, b, "write")
}

// deleteMeta removes one meta document on its own.
func (s *Syncer) deleteMeta(ctx context.Context, key string) error {
	return s.applyMeta(ctx, key, nil, "remove")
}

// applyMeta stores b under meta key (nil removes it) in a batch of its own; verb names the change in its error.
func (s *Syncer) applyMeta(ctx context.Context, key string, b []byte, verb string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := s.sink.Apply(context.WithoutCancel(ctx), index.Batch{Meta: map[string][]byte{key: b}}); err != nil {
		return fmt.Errorf("sync: %s %s: %w", verb, key, err)
	}
	return nil
}

func (s *Syncer) report(ev ProgressEvent) {
	if s.progress != nil {
		s.progress(ev)
	}
}
