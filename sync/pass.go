package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// Mode selects what [Syncer.Sync] does.
type Mode int

const (
	// ModeIncremental finishes (or starts, or resumes) the backfill of every kind, then runs an incremental pass:
	// what changed since the watermark, and deletions.
	ModeIncremental Mode = iota
	// ModeReconcile finishes the backfill, re-walks every list from the start (refetching whatever is not
	// current, and marking deleted what Intercom no longer lists and answers 404 or 410 for), then runs an
	// incremental pass. `intercom-replica sync --full` and the daily schedule use it.
	ModeReconcile
)

// kindOrder is the order passes visit kinds: the directory first (one request a list, and every other kind's ids
// take their names from it), then contacts and articles, which are cheap (whole records in lists), so the replica
// can answer their questions early in a long backfill, then conversations and tickets (each fetched whole), and
// companies.
var kindOrder = append(query.DirectoryKinds(), query.KindContact, query.KindArticle, query.KindConversation, query.KindTicket, query.KindCompany)

// reconcileOrder is kindOrder without the directory, which the incremental pass after a reconcile lists anyway
// (every pass reads the directory's complete lists, so there is nothing more a reconcile could find).
var reconcileOrder = []query.Kind{query.KindContact, query.KindArticle, query.KindConversation, query.KindTicket, query.KindCompany}

// Sync runs one pass of the given mode and returns a report of each pass type it ran (a backfill, then the
// incremental or reconcile pass). It waits for a pass already running (Run's, or another Sync's) to finish first:
// passes never overlap.
//
// When ctx is cancelled, Sync stops promptly: what was fetched is written (a backfill page is checkpointed
// together with its records, so a restart resumes after the last whole page), and it returns an error wrapping
// ctx.Err(). Any other error stops the pass at that point with nothing lost; the next pass starts from the last
// checkpoint. The reports are stored in the replica (see [ReadStatus]) even when the pass fails.
func (s *Syncer) Sync(ctx context.Context, mode Mode) ([]PassReport, error) {
	select {
	case s.pass <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("sync: waiting for the running pass: %w", ctx.Err())
	}
	defer func() { <-s.pass }()
	return s.syncLocked(ctx, mode)
}

func (s *Syncer) syncLocked(ctx context.Context, mode Mode) ([]PassReport, error) {
	started, began := s.now(), time.Now()
	if err := s.checkWorkspace(ctx); err != nil {
		// No pass ran, but the replica's readers must learn that syncing fails: the failure is recorded as the
		// pass that would have run first (not returned: it did nothing).
		s.recordUnstarted(ctx, PassReport{Pass: s.firstPass(mode), StartedAt: started, FinishedAt: s.now(), Seconds: time.Since(began).Seconds()}, err)
		return nil, err
	}
	var reports []PassReport
	run := func(pass string, fn func(ctx context.Context, kind query.Kind, kr *kindRun) error, kinds ...query.Kind) error {
		rep, err := s.runPass(ctx, pass, kinds, fn)
		reports = append(reports, rep)
		return err
	}
	var pending []query.Kind
	for _, k := range kindOrder {
		st, err := s.state(k)
		if err != nil {
			return reports, err
		}
		if !st.Backfill.Complete {
			pending = append(pending, k)
		}
	}
	if len(pending) > 0 {
		if err := run(PassBackfill, s.backfill, pending...); err != nil {
			return reports, err
		}
	}
	if mode == ModeReconcile {
		if err := run(PassReconcile, s.reconcile, reconcileOrder...); err != nil {
			return reports, err
		}
	}
	if err := run(PassIncremental, s.incremental, kindOrder...); err != nil {
		return reports, err
	}
	return reports, nil
}

// kindRun accumulates one kind's share of a pass.
type kindRun struct {
	pass   string // PassBackfill, PassIncremental or PassReconcile
	rep    KindReport
	start  time.Time
	stats0 intercom.Stats
}

func (kr *kindRun) add(res commitResult) {
	kr.rep.Written += res.written
	kr.rep.Deleted += res.deleted
}

// addPage counts a listed page of a walk: done, or kept when the walk stopped.
func (kr *kindRun) addPage(p *wholePage) {
	kr.rep.Pages++
	kr.rep.Listed += len(p.items)
	kr.rep.Fetched += p.fetched
	kr.rep.Parts += p.parts
}

// runPass runs fn over kinds in order, stopping at the first error, and records the pass's report and metrics.
// Directory kinds next to each other in kinds are one step, whatever the pass: the directory (see directory).
func (s *Syncer) runPass(ctx context.Context, pass string, kinds []query.Kind, fn func(context.Context, query.Kind, *kindRun) error) (PassReport, error) {
	rep := PassReport{Pass: pass, StartedAt: s.now()}
	began := time.Now() // durations by the monotonic clock, timestamps by the syncer's
	s.log.InfoContext(ctx, "sync pass started", "pass", pass)
	var err error
	for i := 0; i < len(kinds) && err == nil; {
		group := kinds[i : i+1]
		for j := i + 1; kinds[i].Directory() && j < len(kinds) && kinds[j].Directory(); j++ {
			group = kinds[i : j+1]
		}
		i += len(group)
		krs := make([]*kindRun, len(group))
		for g, kind := range group {
			krs[g] = &kindRun{pass: pass, rep: KindReport{Kind: kind}, start: time.Now(), stats0: s.src.Stats()}
		}
		if group[0].Directory() {
			// directory counts each list's requests and time itself.
			if err = s.directory(ctx, group, krs); err != nil {
				err = fmt.Errorf("%s directory: %w", pass, err)
			}
		} else {
			kr := krs[0]
			if err = fn(ctx, group[0], kr); err != nil {
				err = fmt.Errorf("%s %s: %w", pass, group[0], err)
			}
			st := s.src.Stats().Sub(kr.stats0)
			kr.rep.Requests, kr.rep.RateLimited, kr.rep.Retries = st.Requests, st.RateLimited, st.Retries
			kr.rep.Seconds = time.Since(kr.start).Seconds()
		}
		for g, kind := range group {
			kr := krs[g]
			if ks, serr := s.state(kind); serr == nil && ks.Watermark > 0 {
				kr.rep.LagSeconds = max(0, s.now().Sub(time.Unix(ks.Watermark, 0)).Seconds())
			}
			rep.Kinds = append(rep.Kinds, kr.rep)
			if s.metrics != nil {
				s.metrics.kindDone(pass, kr.rep)
			}
		}
	}
	rep.FinishedAt = s.now()
	rep.Seconds = time.Since(began).Seconds()
	result := s.streak(ctx, &rep, err)
	if s.metrics != nil {
		s.metrics.passDone(pass, result, rep.Seconds)
	}
	attrs := []any{"pass", pass, "result", result, "seconds", round(rep.Seconds)}
	for _, k := range rep.Kinds {
		attrs = append(attrs, strings.ReplaceAll(k.Kind.Nouns(), " ", "_"), fmt.Sprintf("listed=%d fetched=%d checked=%d written=%d deleted=%d requests=%d", k.Listed, k.Fetched, k.Checked, k.Written, k.Deleted, k.Requests))
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	level := slog.LevelInfo
	if result == "error" {
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "sync pass finished", attrs...)
	if werr := s.writeMeta(ctx, passKey(pass), rep); werr != nil && err == nil {
		err = werr
	}
	return rep, err
}

func round(f float64) float64 { return float64(int64(f*1000)) / 1000 }

// streak fills in how a pass that ended with err (nil: completed) leaves the streak of failed passes, and returns
// its result for the metrics and the log: "ok", "error" or "canceled". A canceled pass (a shutdown) neither starts
// nor ends a streak.
func (s *Syncer) streak(ctx context.Context, rep *PassReport, err error) string {
	if err == nil {
		return "ok"
	}
	rep.Error = err.Error()
	var prev PassReport
	if st, serr := ReadStatus(s.sink); serr == nil {
		prev, _ = st.Latest()
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		rep.FailingSince, rep.Failure = prev.FailingSince, prev.Failure
		return "canceled"
	}
	rep.FailingSince, rep.Failure = prev.FailingSince, failure(err)
	if rep.FailingSince.IsZero() {
		rep.FailingSince = rep.StartedAt
	}
	return "error"
}

// failure says in a line why a pass failed, for the status and the tools' freshness: a request that got no answer
// is the URL and the reason ("cannot reach https://api.intercom.io: connection refused"), anything else the error.
func failure(err error) string {
	var ue *intercom.UnreachableError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	return err.Error()
}

// firstPass is the pass a Sync of mode runs first: the backfill while a kind has not completed one.
func (s *Syncer) firstPass(mode Mode) string {
	for _, k := range kindOrder {
		if st, err := s.state(k); err != nil || !st.Backfill.Complete {
			return PassBackfill
		}
	}
	if mode == ModeReconcile {
		return PassReconcile
	}
	return PassIncremental
}

// recordUnstarted records rep, a pass that failed before it began (err: why), so that the replica's status says
// that syncing fails. (Run logs it.)
func (s *Syncer) recordUnstarted(ctx context.Context, rep PassReport, err error) {
	if result := s.streak(ctx, &rep, err); result == "canceled" {
		return // a shutdown while asking who the token belongs to: nothing worth recording
	}
	if s.metrics != nil {
		s.metrics.passDone(rep.Pass, "error", rep.Seconds)
	}
	if werr := s.writeMeta(ctx, passKey(rep.Pass), rep); werr != nil {
		s.log.WarnContext(ctx, "could not record the failed pass", "pass", rep.Pass, "error", werr.Error())
	}
}

// checkWorkspace asks Intercom which workspace the token belongs to (once per Syncer) and compares it with the one
// the replica holds, recording it on first use.
func (s *Syncer) checkWorkspace(ctx context.Context) error {
	if s.workspace != nil {
		return nil
	}
	// The first request of the Syncer: bounded, so that an Intercom it cannot reach fails this pass quickly.
	mctx, cancel := context.WithTimeout(ctx, s.firstLimit)
	me, err := s.src.Me(mctx)
	cancel()
	if err != nil {
		return fmt.Errorf("sync: identify the workspace: %w", err)
	}
	ws := Workspace{ID: me.App.IDCode, Name: me.App.Name, Region: me.App.Region, Timezone: me.App.Timezone}
	var held Workspace
	ok, err := readMeta(s.sink, metaWorkspace, &held)
	if err != nil {
		return err
	}
	if ok && held.ID != ws.ID {
		return fmt.Errorf("sync: %w: it holds %q (%s) but the access token belongs to %q (%s); use another data directory",
			ErrWorkspaceMismatch, held.Name, held.ID, ws.Name, ws.ID)
	}
	if !ok || held != ws {
		if err := s.writeMeta(ctx, metaWorkspace, ws); err != nil {
			return err
		}
	}
	s.workspace = &ws
	return nil
}

// backfill copies kind's records page by page from where the last run stopped.
func (s *Syncer) backfill(ctx context.Context, kind query.Kind, kr *kindRun) error {
	st, err := s.state(kind)
	if err != nil {
		return err
	}
	if st.Backfill.Complete {
		return nil
	}
	if st.Backfill.StartedAt == 0 {
		// The watermark of the first incremental pass: records that change while the backfill walks the lists
		// may be missed by the walk (they move to the front), and that pass picks them up.
		started := s.now().Unix()
		if _, err := s.commit(ctx, kind, nil, func(st *KindState) { st.Backfill.StartedAt = started }); err != nil {
			return err
		}
	}
	switch kind {
	case query.KindContact:
		return s.backfillContacts(ctx, kr)
	case query.KindCompany:
		return s.sweepCompanies(ctx, kr, true)
	case query.KindArticle:
		return s.sweepArticles(ctx, kr, true)
	case query.KindTicket:
		return s.backfillWhole(ctx, kr, kind, s.ticketListing(everyTicket(s.pageSize)))
	}
	return s.backfillWhole(ctx, kr, kind, s.listConversations())
}

// advanceBackfill is the state change of one backfill page.
func (s *Syncer) advanceBackfill(next string, listed, total int) func(*KindState) {
	return func(st *KindState) {
		b := &st.Backfill
		b.Cursor = next
		b.Pages++
		b.Done += listed
		b.Total = max(total, b.Done)
		if next == "" {
			b.Complete = true
			b.CompletedAt = s.now().Unix()
			b.Total = b.Done
			st.Watermark = b.StartedAt
			st.LastPassAt = s.now()
		}
	}
}

// restartable reports whether a backfill whose resumed cursor failed with err should start over: Intercom refuses
// a cursor that expired or that it no longer recognises with a 400. Records already copied are current, so a
// restart only costs list calls.
func restartable(cursor string, err error) bool {
	return cursor != "" && errors.Is(err, intercom.ErrInvalidParameter)
}

func (s *Syncer) restartBackfill(ctx context.Context, kind query.Kind, err error) error {
	s.log.WarnContext(ctx, "backfill cursor refused, starting the walk again", "kind", kind, "error", err.Error())
	_, cerr := s.commit(ctx, kind, nil, func(st *KindState) { st.Backfill.Cursor, st.Backfill.Done = "", 0 })
	return cerr
}
