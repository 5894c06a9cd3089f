package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// Companies. Intercom walks every company only with GET /companies/scroll (the paged list stops at 10,000), one
// scroll per app at a time, and has no way to list companies by updated_at (GET /companies and /companies/list take
// no date filter; there is no company search). So the backfill is a scroll; between scrolls the company.created,
// company.updated and company.deleted webhooks keep them current (see Webhooks); and a sweep, a scroll every
// Options.CompanySweep (and in every reconcile pass), writes what changed and settles the ids it did not return.

// maxScrollRestarts bounds how often one sweep starts its scroll again after Intercom expired it mid-walk.
const maxScrollRestarts = 3

// listPage is one page of a list whose items are whole records (a company scroll, the article list) on its way to
// the replica.
type listPage struct {
	cands  []candidate // the page's records that are new or changed
	listed int         // records on the page
	total  int         // Intercom's total_count; 0 when the list does not say (a scroll)
	first  bool        // the walk's first page (the walk started again from the beginning)
}

// writeListPage writes a page of a walk that cannot be resumed (a scroll, numbered pages) and, as the backfill, its
// progress: a stopped backfill walks again from the start and counts again from zero.
func (s *Syncer) writeListPage(ctx context.Context, kr *kindRun, kind query.Kind, p listPage, backfill bool) error {
	var update func(*KindState)
	if backfill {
		update = func(st *KindState) {
			b := &st.Backfill
			if p.first {
				b.Pages, b.Done = 0, 0
			}
			b.Pages++
			b.Done += p.listed
			if p.total > 0 {
				b.Total = max(p.total, b.Done)
			} else {
				b.Total = max(b.Total, b.Done)
			}
		}
	}
	res, err := s.commit(ctx, kind, p.cands, update)
	kr.add(res)
	if err == nil && backfill {
		s.backfillProgress(ctx, kind)
	}
	return err
}

// completeSweep is the state change at the end of a sweep: as the backfill, the backfill completes.
func (s *Syncer) completeSweep(st *KindState, backfill bool) time.Time {
	now := s.now()
	if backfill {
		b := &st.Backfill
		b.Complete, b.CompletedAt, b.Total = true, now.Unix(), b.Done
	}
	return now
}

// scrollCompanies walks every company with one scroll and hands each page to page. It opens the scroll again,
// within bounds, when another scroll holds the app's only one (ErrScrollExists: it waits Options.ScrollWait between
// attempts, for Options.ScrollWaitMax in all; a scroll of this process's that stopped mid-walk holds it for up to a
// minute) or when its own expired during the walk (ErrScrollExpired: up to maxScrollRestarts times). It returns the
// ids the completed scroll returned and when that scroll was opened.
func (s *Syncer) scrollCompanies(ctx context.Context, kr *kindRun, page func(p listPage) error) (map[string]struct{}, time.Time, error) {
	var waited time.Duration
	restarts := 0
	for {
		seen := map[string]struct{}{}
		opened := s.now()
		err := s.scrollOnce(ctx, kr, seen, page)
		switch {
		case err == nil:
			return seen, opened, nil
		case ctx.Err() != nil:
			return nil, opened, cancelCause(ctx, err)
		case errors.Is(err, intercom.ErrScrollExists) && waited < s.scrollMax:
			s.log.WarnContext(ctx, "another company scroll is open for this app (another app's, or one this replica left open when it stopped): waiting for it to end or expire",
				"waited", waited.String(), "retry_in", s.scrollWait.String(), "give_up_after", s.scrollMax.String())
			t := time.NewTimer(s.scrollWait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, opened, fmt.Errorf("stopped while waiting for another company scroll to end: %w", context.Cause(ctx))
			case <-t.C:
			}
			waited += s.scrollWait
		case errors.Is(err, intercom.ErrScrollExists):
			return nil, opened, fmt.Errorf("another company scroll stayed open for %s (an unused one expires after a minute, so another app or process is walking this workspace's companies); companies are synced at the next pass: %w", waited, err)
		case errors.Is(err, intercom.ErrScrollExpired) && restarts < maxScrollRestarts:
			restarts++
			s.log.WarnContext(ctx, "the company scroll expired mid-walk (unused for a minute): starting it again", "restart", restarts, "error", err.Error())
		default:
			return nil, opened, err
		}
	}
}

// scrollOnce walks one scroll from its first page, adding the ids it returns to seen.
func (s *Syncer) scrollOnce(ctx context.Context, kr *kindRun, seen map[string]struct{}, page func(p listPage) error) error {
	at, first := s.now(), true
	for p, err := range s.src.CompanyScrollPages(ctx) {
		if err != nil {
			return cancelCause(ctx, fmt.Errorf("scroll companies: %w", err))
		}
		cands := make([]candidate, len(p.Companies))
		for i := range p.Companies {
			seen[p.Companies[i].ID] = struct{}{}
			cands[i] = companyCandidate(&p.Companies[i], at, false)
		}
		kr.rep.Pages++
		kr.rep.Listed += len(cands)
		changed, err := s.changedOnly(ctx, cands)
		if err != nil {
			return err
		}
		if err := page(listPage{cands: changed, listed: len(cands), first: first}); err != nil {
			return err
		}
		at, first = s.now(), false // the next page is requested when this body returns
	}
	return nil
}

// sweepCompanies scrolls every company, writing those that are new or changed (their bytes differ from the stored
// copy), then asks for each company the replica holds as live that the completed scroll did not return: a 404
// marks it deleted, a 200 (created after the scroll opened, or moved) refreshes it. As the backfill it also
// records the backfill's progress, page by page.
func (s *Syncer) sweepCompanies(ctx context.Context, kr *kindRun, backfill bool) error {
	kind := query.KindCompany
	seen, opened, err := s.scrollCompanies(ctx, kr, func(p listPage) error {
		return s.writeListPage(ctx, kr, kind, p, backfill)
	})
	if err != nil {
		return err
	}
	cands, err := s.settleMissing(ctx, kr, kind, seen)
	if err != nil {
		return err
	}
	res, err := s.commit(ctx, kind, cands, func(st *KindState) {
		now := s.completeSweep(st, backfill)
		// Companies are caught up to when the last complete scroll opened (webhooks aside).
		st.Watermark = max(st.Watermark, opened.Unix())
		st.LastPassAt = now
		st.Sweep = &Sweep{At: now, Listed: len(seen), Held: st.Live}
	})
	kr.add(res)
	if err == nil && backfill {
		s.backfillProgress(ctx, kind)
	}
	return err
}

// incrementalCompanies sweeps the companies when the last sweep is Options.CompanySweep old; between sweeps webhooks
// keep them current, and the pass costs no request.
func (s *Syncer) incrementalCompanies(ctx context.Context, kr *kindRun) error {
	st, err := s.state(query.KindCompany)
	if err != nil {
		return err
	}
	if st.Sweep != nil && s.now().Sub(st.Sweep.At) < s.sweepEvery {
		_, err := s.commit(ctx, query.KindCompany, nil, func(st *KindState) { st.LastPassAt = s.now() })
		return err
	}
	last := "never"
	if st.Sweep != nil {
		last = st.Sweep.At.UTC().Format(time.RFC3339)
	}
	s.log.InfoContext(ctx, "sweeping companies (Intercom cannot list them by updated_at)", "last_sweep", last, "every", s.sweepEvery.String())
	return s.sweepCompanies(ctx, kr, false)
}
