package sync

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/robfig/cron/v3"
	"golang.org/x/sync/errgroup"
)

// refetchWorkers is how many webhook refetches run at once.
const refetchWorkers = 4

// Run keeps the replica in sync until ctx is done: a pass at once (the backfill, resumed, if it is not complete,
// then an incremental pass), then an incremental pass on IncrementalSchedule and a reconcile pass on
// ReconcileSchedule (robfig/cron specs), and the refetches webhooks queue. Passes never overlap: an incremental
// tick that comes while a pass runs is skipped (logged and counted), a reconcile tick waits for the running pass.
// A failed pass is logged and retried at the next tick. While it runs, the replica records which process runs the
// schedules (see [Runner]).
//
// Run owns every goroutine it starts and returns once they have all stopped: nil after ctx is cancelled (the
// running pass writes what it fetched and checkpoints; see [Syncer.Sync]), or an error that makes syncing pointless,
// such as [ErrWorkspaceMismatch]. A Syncer runs at most once at a time.
func (s *Syncer) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("sync: Run is already running")
	}
	defer s.running.Store(false)
	// Who runs the schedules, for the other processes' status; removed once every goroutine has stopped.
	if err := s.writeMeta(ctx, metaRun, Runner{PID: os.Getpid(), IncrementalSchedule: s.incSpec, ReconcileSchedule: s.recSpec, Since: s.now()}); err != nil {
		s.log.WarnContext(ctx, "could not record the schedule this process runs", "error", err.Error())
	}
	defer func() {
		if err := s.deleteMeta(ctx, metaRun); err != nil {
			s.log.WarnContext(ctx, "could not remove the record of the schedule this process ran", "error", err.Error())
		}
	}()

	incTick := make(chan struct{})    // unbuffered: a tick while a pass runs is skipped
	recTick := make(chan struct{}, 1) // one pending reconcile
	c := cron.New(cron.WithLogger(cronLogger{s.log}), cron.WithChain())
	c.Schedule(s.incSched, cron.FuncJob(func() {
		select {
		case incTick <- struct{}{}:
		default:
			s.log.Info("incremental tick skipped: a pass is still running")
			if s.metrics != nil {
				s.metrics.skippedTicks.WithLabelValues(PassIncremental).Inc()
			}
		}
	}))
	c.Schedule(s.recSched, cron.FuncJob(func() {
		select {
		case recTick <- struct{}{}:
		default: // one is pending already
		}
	}))
	c.Start()
	defer func() { <-c.Stop().Done() }()

	g, ctx := errgroup.WithContext(ctx)
	for range refetchWorkers {
		g.Go(func() error { return s.runRefetches(ctx) })
	}
	g.Go(func() error {
		mode := ModeIncremental
		for {
			reports, err := s.Sync(ctx, mode)
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, ErrWorkspaceMismatch):
				return err
			case err != nil && len(reports) == 0: // a failed pass has logged its error already
				s.log.WarnContext(ctx, "sync could not start; retrying at the next tick", "error", err.Error())
			}
			select {
			case <-recTick: // a reconcile that came during the pass goes first
				mode = ModeReconcile
				continue
			default:
			}
			select {
			case <-ctx.Done():
				return nil
			case <-recTick:
				mode = ModeReconcile
			case <-incTick:
				mode = ModeIncremental
			}
		}
	})
	return g.Wait()
}

// cronLogger sends cron's messages to the operator log.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Warn("cron: "+msg, append(kv, "error", err.Error())...)
}

var _ cron.Logger = cronLogger{}
