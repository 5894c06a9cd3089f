package peer

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

// A data directory has one owner: the process that opened the replica (bbolt and bleve lock their files). The
// owner serves the replica to every other process on a unix socket in the directory (Server, Client). Any other
// process, a second `serve` started by another MCP client window or a `search` run beside it, forwards to the
// owner; when the owner exits, one of them opens the replica and becomes the next owner, and the rest forward to
// it. Access is that arrangement, seen from one process.

// backend is what a process reaches the replica through: the replica it opened, or the client of the owner.
type backend interface {
	Backend // Search, Get, Status, Scan
	mcp.FreshGetter
	Reindexer
	// ScanQuery calls fn with every live record matching q, in q's order.
	ScanQuery(ctx context.Context, q query.Query, fn func(index.Record) error) error
	// Sync runs one pass on the owner's syncer (SyncRunner); ErrUnavailable when the owner does not sync.
	Sync(ctx context.Context, mode SyncMode, progress func(Progress)) (json.RawMessage, error)
	// Budget is the owner's rate budget now; ErrUnavailable when the owner does not sync.
	Budget(ctx context.Context) (Budget, error)
}

// ownedReplica is the backend of the owner: its replica, its freshness policy for get_*, and its syncer when it
// has one. The owner's socket serves it too, so a call from another process and one from this process take the
// same path.
type ownedReplica struct {
	*index.Replica
	mcp.FreshGetter
	syncer  SyncRunner    // nil: this process does not sync
	budget  func() Budget // nil with syncer
	rebuild *sync.Mutex   // one index rebuild at a time (two would build into the same directory)
}

var (
	_ backend   = (*ownedReplica)(nil)
	_ Reindexer = (*ownedReplica)(nil)
)

// errNoSyncer answers what only a syncing owner can do.
var errNoSyncer = fmt.Errorf("this process does not sync: %w", ErrUnavailable)

// ScanQuery implements backend with the replica's own search.
func (o *ownedReplica) ScanQuery(ctx context.Context, q query.Query, fn func(index.Record) error) error {
	return EachMatch(ctx, o.Replica, q, fn)
}

// Sync implements backend.
func (o *ownedReplica) Sync(ctx context.Context, mode SyncMode, progress func(Progress)) (json.RawMessage, error) {
	if o.syncer == nil {
		return nil, errNoSyncer
	}
	return o.syncer.Sync(ctx, mode, progress)
}

// Budget implements backend.
func (o *ownedReplica) Budget(context.Context) (Budget, error) {
	if o.budget == nil {
		return Budget{}, errNoSyncer
	}
	return o.budget(), nil
}

// Reindex implements Reindexer: the replica's rebuild, one at a time.
func (o *ownedReplica) Reindex(ctx context.Context, progress func(done, total int)) error {
	o.rebuild.Lock()
	defer o.rebuild.Unlock()
	return o.Replica.Reindex(ctx, progress)
}

// OwnerRole is what a process runs while it owns the data directory, besides the replica and the socket.
type OwnerRole struct {
	// Fresh answers get_conversation and get_contact, locally and for the other processes; nil means the
	// replica's copy, never a live lookup.
	Fresh mcp.FreshGetter
	// Run are services that run until their context ends (the syncer).
	Run []func(ctx context.Context) error
	// Sync runs the sync passes asked for, by this process or by others over the socket; nil when the owner does
	// not sync.
	Sync SyncRunner
	// Budget reports the syncer's rate budget now; set with Sync.
	Budget func() Budget
	// Close runs, in order, after the services have stopped and before the replica closes (the demo's fake
	// Intercom).
	Close []func()
}

// AccessOptions configure an Access.
type AccessOptions struct {
	// Logger receives the log; nil discards it.
	Logger *slog.Logger
	// Version is what the owner's socket reports to other processes.
	Version string
	// Own is called when this process becomes the owner, with the replica it opened, and says what the owner
	// runs. nil means the replica and the socket only. An error gives the replica up.
	Own func(ctx context.Context, r *index.Replica) (OwnerRole, error)
	// Patience bounds how long to wait for a process that holds the data directory but does not answer on the
	// socket (it is opening the replica, rebuilding its index, or stopping). Zero waits as long as the context
	// allows.
	Patience time.Duration
	// SyncPatience bounds how long Sync waits for an owner that does not sync to exit; zero means 10 seconds.
	SyncPatience time.Duration
	// IndexProgress, if set, reports a rebuild of a full-text index while the replica opens.
	IndexProgress func(kind query.Kind, done, total int)
	// OpenWait bounds how long a call waits for a replica that StartAccess is still acquiring before it
	// fails with an error saying so; zero means 15 seconds.
	OpenWait time.Duration

	// Open opens the replica; nil means index.Open (tests hold it to keep the replica opening).
	Open func(ctx context.Context, dir string, opts index.Options) (*index.Replica, error)
}

// defaultOpenWait is how long a call waits for the replica to open by default: well within the time MCP clients
// give a tool call, and long enough for a replica that opens in seconds to answer the calls made meanwhile.
const defaultOpenWait = 15 * time.Second

// holding is how this process reaches the replica at one point in time.
type holding struct {
	b      backend
	owner  bool    // this process opened the replica
	pid    int     // the owner's process id
	client *Client // the owner's client, when forwarding

	// opening, when set, makes this holding the placeholder of a replica that StartAccess is still
	// acquiring; b is nil.
	opening *opening
}

// opening is an acquisition running in the background (StartAccess), as the calls waiting for it see it.
type opening struct {
	since   time.Time
	done    chan struct{}          // closed when the acquisition has ended: cur holds its result, or err says why not
	err     error                  // set before done closes
	phase   atomic.Pointer[string] // what the acquisition is doing now
	waiting atomic.Int64           // calls waiting for it
}

// set records what the acquisition is doing now. A nil opening (a synchronous acquisition) records nothing.
func (op *opening) set(phase string) {
	if op != nil {
		op.phase.Store(&phase)
	}
}

// state says what the acquisition is doing, for a log line or a message.
func (op *opening) state() string {
	if p := op.phase.Load(); p != nil {
		return *p
	}
	return "opening the replica"
}

// ErrStillOpening marks a call that gave up waiting for the replica to open.
var ErrStillOpening = errors.New("the replica is still opening")

// stillOpening is the error of a call that waited for the replica as long as it may: a message the model (or a
// person) can act on.
func (op *opening) stillOpening() error {
	return &mcp.PublicError{
		Msg: fmt.Sprintf("The replica is still opening (%s; %s so far). Large replicas take a minute or more to open, "+
			"and several minutes when the full-text index must be rebuilt; try again shortly.",
			op.state(), time.Since(op.since).Round(time.Second)),
		Err: ErrStillOpening,
	}
}

// Access gives a process the replica in a data directory whoever holds it. It implements mcp.Replica,
// mcp.FreshGetter and Backend by calling the current backend: the replica when this process owns the
// directory, the owner over the socket otherwise. A call the owner could not answer because it went away is
// retried after taking the directory over (or reaching its next owner). Run, for long-lived processes, takes
// over as soon as the owner exits, so the syncer carries on even when no call comes.
//
// Once this process owns the directory it keeps it until Close: it serves the replica on the socket and runs
// what AccessOptions.Own returned, on goroutines that Close stops and waits for.
type Access struct {
	dir    string
	socket string
	opts   AccessOptions
	log    *slog.Logger

	cur atomic.Pointer[holding]

	// turn lets one goroutine at a time change the holding (take over, or reach a new owner).
	turn chan struct{}

	life    context.Context // the owner's services run until Close cancels it
	stop    context.CancelFunc
	running sync.WaitGroup
	failed  chan error // the first service that failed

	// Set when this process becomes the owner, under turn.
	replica *index.Replica
	closers []func()
}

var (
	_ mcp.Replica     = (*Access)(nil)
	_ mcp.FreshGetter = (*Access)(nil)
	_ Backend         = (*Access)(nil)
)

// ErrAccessClosed is returned by a takeover attempted after Close.
var ErrAccessClosed = errors.New("the process is shutting down")

// OpenAccess reaches the replica in dir: it opens it when no other process has it (and then serves it on
// the socket), or connects to the process that has it. While the holder does not answer on the socket yet, it
// waits, up to opts.Patience.
func OpenAccess(ctx context.Context, dir string, opts AccessOptions) (*Access, error) {
	a := newAccess(dir, opts)
	h, err := a.acquire(ctx, nil)
	if err != nil {
		a.stop()
		return nil, err
	}
	a.cur.Store(h)
	return a, nil
}

func newAccess(dir string, opts AccessOptions) *Access {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Open == nil {
		opts.Open = index.Open
	}
	a := &Access{
		dir:    dir,
		socket: SocketPath(dir),
		opts:   opts,
		log:    opts.Logger,
		turn:   make(chan struct{}, 1),
		failed: make(chan error, 1),
	}
	a.life, a.stop = context.WithCancel(context.Background())
	return a
}

// StartAccess is OpenAccess for a server, which must answer its clients at once: it returns
// straight away and acquires the replica in the background, until ctx ends or Close. Calls made meanwhile wait for
// it, up to opts.OpenWait, and then fail with an error saying the replica is still opening and what it is doing.
// Run waits for the acquisition and returns its error if it fails.
func StartAccess(ctx context.Context, dir string, opts AccessOptions) *Access {
	a := newAccess(dir, opts)
	op := &opening{since: time.Now(), done: make(chan struct{})}
	a.cur.Store(&holding{opening: op})
	a.turn <- struct{}{} // the acquisition has the turn: a takeover or Close waits for it to end
	go func() {
		defer func() { <-a.turn }()
		slow := time.AfterFunc(5*time.Second, func() {
			a.log.Info("still opening the replica: tool calls wait for it, then say it is still opening",
				"dir", a.dir, "state", op.state(), "calls_waiting", op.waiting.Load(), "max_wait", a.openWait())
		})
		h, err := a.acquire(ctx, op)
		slow.Stop()
		took := time.Since(op.since).Round(time.Millisecond)
		switch {
		case err != nil:
			op.err = err
		case h.owner:
			a.cur.Store(h)
			a.log.Info("opened the replica", "dir", a.dir, "took", took)
		default:
			a.cur.Store(h)
			a.log.Info("the data directory is owned by another process: forwarding to it", "dir", a.dir, "pid", h.pid, "took", took)
		}
		close(op.done)
	}()
	return a
}

func (a *Access) openWait() time.Duration { return cmp.Or(a.opts.OpenWait, defaultOpenWait) }

// Owner reports whether this process owns the data directory, and the owner's process id: (false, 0) while the
// replica is still being acquired, or could not be.
func (a *Access) Owner() (self bool, pid int) {
	h := a.cur.Load()
	return h.owner, h.pid
}

// Opened returns nil once the replica is reachable, an error saying what the acquisition is doing while it runs
// (matching ErrStillOpening), or the error it failed with. It never waits, so a readiness check or a metrics
// scrape can ask it first.
func (a *Access) Opened() error {
	op := a.cur.Load().opening
	if op == nil {
		return nil
	}
	select {
	case <-op.done:
		return a.openFailed(op)
	default:
		return fmt.Errorf("%w: %s", ErrStillOpening, op.state())
	}
}

// openFailed is the error of a call made after the acquisition op ended; nil when it succeeded.
func (a *Access) openFailed(op *opening) error {
	if op.err == nil {
		return nil
	}
	if a.life.Err() != nil {
		return ErrAccessClosed
	}
	return fmt.Errorf("the replica could not be opened: %w", op.err)
}

// ready returns the holding to call, waiting for an acquisition in the background to end, up to OpenWait.
func (a *Access) ready(ctx context.Context) (*holding, error) {
	h := a.cur.Load()
	op := h.opening
	if op == nil {
		return h, nil
	}
	op.waiting.Add(1)
	defer op.waiting.Add(-1)
	t := time.NewTimer(a.openWait())
	defer t.Stop()
	select {
	case <-op.done:
	case <-t.C:
		return nil, op.stillOpening()
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the replica to open: %w", ctx.Err())
	}
	if err := a.openFailed(op); err != nil {
		return nil, err
	}
	return a.cur.Load(), nil
}

// acquire opens the replica, or connects to its owner, retrying while the directory is held by a process that
// does not serve the socket. It records what it is doing in op, when set.
func (a *Access) acquire(ctx context.Context, op *opening) (*holding, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(a.life, cancel)()

	progress := a.opts.IndexProgress
	if op != nil {
		progress = func(kind query.Kind, done, total int) {
			if total > 0 && done < total {
				op.set(fmt.Sprintf("rebuilding the full-text index of %s: %d%%, %d of %d records", kind.Plural(), done*100/total, done, total))
			} else {
				op.set("opening the replica")
			}
			if a.opts.IndexProgress != nil {
				a.opts.IndexProgress(kind, done, total)
			}
		}
	}
	const firstDelay, maxDelay = 20 * time.Millisecond, 500 * time.Millisecond
	delay := firstDelay
	var waitingSince time.Time
	logged := false
	for {
		op.set("opening the replica")
		r, err := a.opts.Open(ctx, a.dir, index.Options{Logger: a.log, Progress: progress})
		if err == nil && ctx.Err() != nil {
			// Opened just as it was cancelled: the process is on its way out, so it does not become the owner.
			r.Close()
			err = ctx.Err()
		}
		if err == nil {
			return a.own(ctx, r)
		}
		if !errors.Is(err, index.ErrLocked) {
			if a.life.Err() != nil {
				return nil, ErrAccessClosed
			}
			return nil, fmt.Errorf("open the replica: %w", err)
		}
		c, derr := Dial(ctx, a.socket)
		if derr == nil {
			hello, herr := c.Hello(ctx)
			if herr == nil {
				a.log.Debug("forwarding to the process that owns the data directory", "pid", hello.PID, "dir", a.dir)
				return &holding{b: c, pid: hello.PID, client: c}, nil
			}
			c.Close()
			derr = herr
		}
		if !errors.Is(derr, ErrOwnerGone) {
			return nil, fmt.Errorf("%w; reaching it on its socket: %w", err, derr)
		}

		// The holder does not answer on the socket: it is opening the replica (an index rebuild takes a while),
		// or closing it (or it is an older version's sync, which served no one). Wait for one or the other.
		op.set(fmt.Sprintf("another process holds the data directory and is still opening or closing the replica: %v", err))
		now := time.Now()
		if waitingSince.IsZero() {
			waitingSince = now
		}
		waited := now.Sub(waitingSince)
		if a.opts.Patience > 0 && waited >= a.opts.Patience {
			return nil, fmt.Errorf("%w, which does not answer on %s (still opening the replica, or closing it?); try again when it has finished", err, a.socket)
		}
		if !logged && waited >= 2*time.Second {
			a.log.Info("waiting for the process holding the data directory", "reason", err.Error())
			logged = true
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			if a.life.Err() != nil {
				return nil, ErrAccessClosed
			}
			return nil, ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, maxDelay)
	}
}

// own makes this process the owner of the replica r it opened: it starts what the owner runs and serves r on the
// socket.
func (a *Access) own(ctx context.Context, r *index.Replica) (*holding, error) {
	var role OwnerRole
	if a.opts.Own != nil {
		var err error
		if role, err = a.opts.Own(ctx, r); err != nil {
			r.Close()
			return nil, err
		}
	}
	if role.Fresh == nil {
		role.Fresh = &mcp.Policy{Replica: r, Logger: a.log}
	}
	owned := &ownedReplica{Replica: r, FreshGetter: role.Fresh, syncer: role.Sync, budget: role.Budget, rebuild: new(sync.Mutex)}
	srv := NewServer(a.socket, owned, ServerOptions{
		Fresh: role.Fresh, Sync: role.Sync, Budget: role.Budget, Version: a.opts.Version, Logger: a.log,
	})
	if err := srv.Listen(); err != nil {
		if !errors.Is(err, ErrSocketPathTooLong) {
			for _, c := range role.Close {
				c()
			}
			r.Close()
			return nil, fmt.Errorf("serve the replica to other processes: %w", err)
		}
		// The replica still works for this process; others will find it locked.
		a.log.Warn("other processes cannot share this replica", "reason", err.Error())
		srv = nil
	}
	a.replica, a.closers = r, role.Close
	if srv != nil {
		a.start(srv.Run)
	}
	for _, run := range role.Run {
		a.start(run)
	}
	return &holding{b: owned, owner: true, pid: os.Getpid()}, nil
}

// start runs a service of the owner until Close.
func (a *Access) start(run func(context.Context) error) {
	a.running.Add(1)
	go func() {
		defer a.running.Done()
		if err := run(a.life); err != nil {
			select {
			case a.failed <- err:
			default:
			}
		}
	}()
}

// reacquire replaces the holding seen, whose owner went away: by becoming the owner, or by reaching the process
// that became it. When another goroutine has already replaced seen, it returns at once.
func (a *Access) reacquire(ctx context.Context, seen *holding) error {
	select {
	case a.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-a.turn }()
	if a.cur.Load() != seen {
		return nil
	}
	if a.life.Err() != nil {
		return ErrAccessClosed
	}
	h, err := a.acquire(ctx, nil)
	if err != nil {
		return err
	}
	a.cur.Store(h)
	if seen.client != nil {
		seen.client.Close()
	}
	if h.owner {
		a.log.Info("took over the data directory from the process that owned it", "dir", a.dir, "previous_pid", seen.pid)
	} else {
		a.log.Info("forwarding to the new owner of the data directory", "dir", a.dir, "pid", h.pid)
	}
	return nil
}

// Run keeps this process's access to the replica until ctx ends. A process forwarding to the owner takes the data
// directory over as soon as the owner exits (and then forwards to whoever became the owner, if not itself); the
// owner runs its services. While StartAccess is still acquiring the replica, Run waits for it first. Run
// returns nil when ctx ends, or the error that should end the process: the acquisition's, when it failed (another
// process's replica that will not open, a damaged store), or that of a service that failed (the syncer finding
// another workspace's records, say).
func (a *Access) Run(ctx context.Context) error {
	for {
		h := a.cur.Load()
		if op := h.opening; op != nil {
			select {
			case <-ctx.Done():
				return nil
			case <-op.done:
			}
			if ctx.Err() != nil || a.life.Err() != nil {
				return nil
			}
			if op.err != nil {
				return op.err
			}
			continue
		}
		if h.owner {
			select {
			case <-ctx.Done():
				return nil
			case <-a.life.Done():
				return nil // closed
			case err := <-a.failed:
				return err
			}
		}
		if err := waitOwnerGone(ctx, a.socket); err != nil {
			return nil // ctx ended
		}
		if err := a.reacquire(ctx, h); err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrAccessClosed) {
				return nil
			}
			return fmt.Errorf("take over the replica: %w", err)
		}
	}
}

// Close gives the replica up: it stops the owner's services (the socket first, so no process is left forwarding
// to a replica about to close), then closes the replica, whose lock the next owner then takes. An acquisition
// still running in the background is cancelled and waited for. Later calls do nothing.
func (a *Access) Close() error {
	a.stop()
	a.turn <- struct{}{} // wait for an acquisition or a takeover in flight to finish (or give up, as life has ended)
	defer func() { <-a.turn }()
	a.running.Wait()
	for _, c := range a.closers {
		c()
	}
	a.closers = nil
	if h := a.cur.Load(); h != nil && h.client != nil {
		h.client.Close()
	}
	if r := a.replica; r != nil {
		a.replica = nil
		return r.Close()
	}
	return nil
}

// do calls the current backend (once the replica is open, when it is still opening), and when the owner it
// forwarded to went away, takes over (or reaches the next owner) and calls again.
func (a *Access) do(ctx context.Context, call func(b backend) error) error {
	for attempt := 1; ; attempt++ {
		h, err := a.ready(ctx)
		if err != nil {
			return err
		}
		err = call(h.b)
		if err == nil || h.owner || !errors.Is(err, ErrOwnerGone) || attempt == 3 {
			return err
		}
		if rerr := a.reacquire(ctx, h); rerr != nil {
			return fmt.Errorf("%w; taking over: %w", err, rerr)
		}
	}
}

// ask is do for a call that answers a value.
func ask[T any](ctx context.Context, a *Access, call func(b backend) (T, error)) (T, error) {
	var v T
	err := a.do(ctx, func(b backend) (err error) {
		v, err = call(b)
		return err
	})
	return v, err
}

// Search implements mcp.Searcher.
func (a *Access) Search(ctx context.Context, q query.Query) (index.Result, error) {
	return ask(ctx, a, func(b backend) (index.Result, error) { return b.Search(ctx, q) })
}

// Aggregate implements mcp.Aggregator.
func (a *Access) Aggregate(ctx context.Context, ag query.Aggregate) (index.AggregateResult, error) {
	return ask(ctx, a, func(b backend) (index.AggregateResult, error) { return b.Aggregate(ctx, ag) })
}

// Get implements mcp.Getter.
func (a *Access) Get(ctx context.Context, kind query.Kind, id string) (index.Record, error) {
	return ask(ctx, a, func(b backend) (index.Record, error) { return b.Get(ctx, kind, id) })
}

// NameLookup implements mcp.Namer: the replica's names when this process owns it, the owner's (asked as needed)
// when it forwards; nil when neither can be reached now (ids are then shown without names).
func (a *Access) NameLookup(ctx context.Context) mcp.NameLookup {
	h, err := a.ready(ctx)
	if err != nil {
		return nil
	}
	switch b := h.b.(type) {
	case replicaNames:
		return b.Names()
	case mcp.Namer:
		return b.NameLookup(ctx)
	}
	return nil
}

// Status implements mcp.StatusSource.
func (a *Access) Status(ctx context.Context) (index.Status, error) {
	return ask(ctx, a, func(b backend) (index.Status, error) { return b.Status(ctx) })
}

// GetFresh implements mcp.FreshGetter.
func (a *Access) GetFresh(ctx context.Context, kind query.Kind, id string) (mcp.Fresh, error) {
	return ask(ctx, a, func(b backend) (mcp.Fresh, error) { return b.GetFresh(ctx, kind, id) })
}

// Scan implements Backend. A scan cut off by the owner's exit is started again after the takeover only if it
// had not delivered a record yet: fn never sees a record twice.
func (a *Access) Scan(ctx context.Context, kind query.Kind, fn func(index.Record) error) error {
	return a.scanOnce(ctx, fn, func(b backend, fn func(index.Record) error) error { return b.Scan(ctx, kind, fn) })
}

// ScanQuery calls fn with every live record matching q, in q's order: through the replica's search in the
// owner, in one streamed call from any other process. Like Scan, it never delivers a record twice.
func (a *Access) ScanQuery(ctx context.Context, q query.Query, fn func(index.Record) error) error {
	return a.scanOnce(ctx, fn, func(b backend, fn func(index.Record) error) error { return b.ScanQuery(ctx, q, fn) })
}

// scanOnce runs scan on the current backend, starting it again after a takeover only while it has delivered
// nothing to fn.
func (a *Access) scanOnce(ctx context.Context, fn func(index.Record) error, scan func(backend, func(index.Record) error) error) error {
	delivered := false
	return a.do(ctx, func(b backend) error {
		err := scan(b, func(r index.Record) error {
			delivered = true
			return fn(r)
		})
		if err != nil && delivered && errors.Is(err, ErrOwnerGone) {
			return fmt.Errorf("the process serving the replica exited during the scan; run it again: %w", errScanCut)
		}
		return err
	})
}

// Reindex rebuilds the full-text index where the replica is open: here, or in the owner (searches go on
// meanwhile), with its progress streamed back. A rebuild cut off by the owner's exit starts again after the
// takeover.
func (a *Access) Reindex(ctx context.Context, progress func(done, total int)) error {
	return a.do(ctx, func(b backend) error { return b.Reindex(ctx, progress) })
}

// Budget returns the rate budget of the owner's syncer as it is now; an error matching ErrUnavailable when
// the owner does not sync (this process, when it opened the replica itself to read it).
func (a *Access) Budget(ctx context.Context) (Budget, error) {
	return ask(ctx, a, func(b backend) (Budget, error) { return b.Budget(ctx) })
}

// Sync runs one sync pass on the owner's syncer, this process's or the owner's over the socket, so that a pass
// never has to wait for the replica to be free; the owner reports the pass's progress to progress as it goes, and
// the pass reports come back as the syncer writes them. An owner that does not sync (a read command, which exits
// soon, or a serve with sync disabled) is waited for, up to AccessOptions.SyncPatience; once it has gone, this
// process takes over or forwards to whoever did.
func (a *Access) Sync(ctx context.Context, mode SyncMode, progress func(Progress)) (json.RawMessage, error) {
	for {
		reports, err := ask(ctx, a, func(b backend) (json.RawMessage, error) { return b.Sync(ctx, mode, progress) })
		h := a.cur.Load()
		if !errors.Is(err, ErrUnavailable) || h.owner {
			return reports, err
		}
		a.log.Info("the process owning the data directory does not sync: waiting for it to exit", "pid", h.pid, "reason", err.Error())
		patience := cmp.Or(a.opts.SyncPatience, 10*time.Second)
		wctx, cancel := context.WithTimeout(ctx, patience)
		werr := waitOwnerGone(wctx, a.socket)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case werr != nil:
			return nil, fmt.Errorf("pid %d owns the replica in %s but does not sync (a read command, or a serve with sync.enabled false), and is still running after %v: let it finish, or stop it, then sync again: %w",
				h.pid, a.dir, patience, ErrUnavailable)
		}
		if err := a.reacquire(ctx, h); err != nil {
			return nil, fmt.Errorf("take over the replica: %w", err)
		}
	}
}

// errScanCut marks a scan that cannot be resumed.
var errScanCut = errors.New("scan cut off")

// waitOwnerGone returns nil once the owner serving the socket at path has gone, or ctx's error when ctx ends first.
//
// It keeps a connection to the owner: the kernel closes it the moment the owner exits, however it exits (kill -9
// included), and the owner closes it when it shuts down or after its idle timeout, after which it is asked again.
// The connection first makes one request (GET /v1/hello, protocol version 1), so that the owner counts it as idle:
// a graceful shutdown closes idle connections at once instead of waiting for them.
func waitOwnerGone(ctx context.Context, path string) error {
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "unix", path)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return nil // nothing listens any more
		}
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		since := time.Now()
		alive := helloThenIdle(conn)
		stop()
		conn.Close()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !alive {
			return nil
		}
		if time.Since(since) < 100*time.Millisecond {
			// Closed right after answering: the owner is on its way out. Don't spin while it goes.
			t := time.NewTimer(100 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
}

// helloThenIdle asks the owner on conn who it is, then blocks until the connection closes. It reports whether the
// owner answered.
func helloThenIdle(conn net.Conn) bool {
	if _, err := io.WriteString(conn, "GET "+pathHello+" HTTP/1.1\r\nHost: owner\r\n\r\n"); err != nil {
		return false
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false // it is shutting down
	}
	_, _ = io.Copy(io.Discard, br)
	return true
}
