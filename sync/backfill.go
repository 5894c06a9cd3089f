package sync

import (
	"context"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// backfillContacts walks GET /contacts from the checkpointed cursor. Each page's contacts and the cursor after it
// are written in one batch, so a restart (or a kill) resumes exactly after the last written page.
func (s *Syncer) backfillContacts(ctx context.Context, kr *kindRun) error {
	kind := query.KindContact
	for {
		st, err := s.state(kind)
		if err != nil {
			return err
		}
		start := st.Backfill.Cursor
		list := func(ctx context.Context, cursor string) (*intercom.ContactList, error) {
			return s.src.ListContacts(ctx, intercom.ListOptions{PerPage: s.pageSize, StartingAfter: cursor})
		}
		err = s.walkContacts(ctx, kr, start, list, func(p *contactPage) (bool, error) {
			cands, err := s.contactCandidates(ctx, p.items, p.at)
			if err != nil {
				return false, err
			}
			advance := s.advanceBackfill(p.next, len(p.items), p.total)
			res, err := s.commit(ctx, kind, cands, func(st *KindState) {
				advance(st)
				if st.Backfill.Complete {
					// The baseline the incremental pass compares Intercom's contact count with.
					st.Sweep = &Sweep{At: s.now(), Listed: p.total, Held: st.Live}
				}
			})
			kr.add(res)
			if err != nil {
				return false, err
			}
			s.backfillProgress(ctx, kind)
			return false, nil
		})
		if restartable(start, err) && kr.rep.Pages == 0 {
			if err := s.restartBackfill(ctx, kind, err); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

// backfillWhole walks kind's list (list: GET /conversations, or a ticket search every ticket matches) from the
// checkpointed cursor and fetches every record whole. A page's records and the cursor after it are written in one
// batch once all of them are fetched.
func (s *Syncer) backfillWhole(ctx context.Context, kr *kindRun, kind query.Kind, list listFunc) error {
	for {
		st, err := s.state(kind)
		if err != nil {
			return err
		}
		start := st.Backfill.Cursor
		err = s.walkWhole(ctx, kr, kind, start, list, nil, func(ctx context.Context, p *wholePage) error {
			advance := s.advanceBackfill(p.next, len(p.items), p.total)
			res, err := s.commit(ctx, kind, p.cands, func(st *KindState) {
				advance(st)
				if st.Backfill.Complete && kind == query.KindTicket {
					// The baseline the incremental pass compares Intercom's ticket count with.
					st.Sweep = &Sweep{At: s.now(), Listed: p.total, Held: st.Live}
				}
			})
			kr.add(res)
			if err != nil {
				return err
			}
			s.backfillProgress(ctx, kind)
			return nil
		})
		if restartable(start, err) && kr.rep.Pages == 0 {
			if err := s.restartBackfill(ctx, kind, err); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

// listConversations is GET /conversations as a walk.
func (s *Syncer) listConversations() listFunc {
	return conversationListing(func(ctx context.Context, cursor string) (*intercom.ConversationList, error) {
		return s.src.ListConversations(ctx, intercom.ListOptions{PerPage: s.pageSize, StartingAfter: cursor})
	})
}

// backfillProgress reports a backfill page to the progress callback and the log.
func (s *Syncer) backfillProgress(ctx context.Context, kind query.Kind) {
	st, err := s.state(kind)
	if err != nil {
		return
	}
	b := st.Backfill
	s.report(ProgressEvent{Pass: PassBackfill, Kind: kind, Done: b.Done, Total: b.Total, Finished: b.Complete})
	if s.metrics != nil {
		s.metrics.backfill(kind, b)
	}
	s.log.DebugContext(ctx, "backfill page", "kind", kind, "pages", b.Pages, "done", b.Done, "total", b.Total)
}
