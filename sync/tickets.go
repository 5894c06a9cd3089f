package sync

import (
	"context"
	"fmt"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// Tickets. Nothing lists every ticket but the search (POST /tickets/search), whose items are whole tickets; each
// ticket is still fetched by id (GET /tickets/{id}, its parts, up to 500), as conversations are, through the same
// walk (walkWhole): the backfill searches every ticket (updated_at > 0, newest updated first, resumable by its
// cursor), an incremental pass searches updated_at > watermark − overlap − 1, and the reconcile pass walks every
// ticket again and asks by id about those it did not list (404: a tombstone). There is no list of deleted tickets:
// an incremental pass also asks for Intercom's count of tickets (one search of one item) and, when its difference
// with the replica's live count moved since the last sweep, walks every ticket as the reconcile does; ticket.deleted
// webhooks and live lookups (get_ticket) write tombstones at once.

// everyTicket is a ticket search every ticket matches (the search needs a query; every ticket was updated after
// 1970), newest updated first.
func everyTicket(perPage int) intercom.SearchRequest {
	return intercom.SearchRequest{Query: intercom.Where("updated_at", intercom.OpGt, 0), PerPage: perPage}
}

// ticketListing adapts a ticket search to a walk: the tickets matching req, page by page.
func (s *Syncer) ticketListing(req intercom.SearchRequest) listFunc {
	return func(ctx context.Context, cursor string) (*listing, error) {
		r := req
		r.StartingAfter = cursor
		l, err := s.src.SearchTickets(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("search tickets: %w", err)
		}
		out := &listing{next: l.Pages.NextCursor(), total: l.TotalCount, items: make([]listed, len(l.Tickets))}
		for i, t := range l.Tickets {
			out.items[i] = listed{t.ID, t.UpdatedAt}
		}
		return out, nil
	}
}

// fetchTicket GETs a ticket with its parts. A 404 gives a tombstone: the ticket was deleted.
func (s *Syncer) fetchTicket(ctx context.Context, src Source, id string) (candidate, int, error) {
	at := s.now()
	t, err := src.GetTicket(ctx, id)
	switch {
	case gone(err):
		return tombstone(query.KindTicket, id, at, 0), 0, nil
	case err != nil:
		return candidate{}, 0, fmt.Errorf("fetch ticket %s: %w", id, err)
	}
	return ticketCandidate(t, at, true), t.PartCount, nil
}

// incrementalTickets refetches every ticket updated at or after from, then compares Intercom's count of tickets
// with the replica's live count: when their difference moved since the last sweep (a ticket was deleted, or created
// and missed), it walks every ticket and settles those the walk did not list (sweepTickets).
func (s *Syncer) incrementalTickets(ctx context.Context, kr *kindRun, from int64) error {
	kind := query.KindTicket
	if err := s.incrementalWhole(ctx, kr, kind, from); err != nil {
		return err
	}
	l, err := s.src.SearchTickets(ctx, everyTicket(1))
	if err != nil {
		return cancelCause(ctx, fmt.Errorf("count tickets: %w", err))
	}
	return s.sweepIfCountChanged(ctx, kind, l.TotalCount, func() error { return s.sweepTickets(ctx, kr) })
}

// sweepTickets walks every ticket (fetching whole what is not current), asks by id for each one held as live that
// the walk did not list, and records the counts the incremental pass compares with.
func (s *Syncer) sweepTickets(ctx context.Context, kr *kindRun) error {
	listed, first := 0, true
	list := s.ticketListing(everyTicket(s.pageSize))
	return s.reconcileWhole(ctx, kr, query.KindTicket, func(ctx context.Context, cursor string) (*listing, error) {
		l, err := list(ctx, cursor)
		if err == nil && first {
			listed, first = l.total, false
		}
		return l, err
	}, func(st *KindState) { st.Sweep = &Sweep{At: s.now(), Listed: listed, Held: st.Live} })
}
