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
// between reconciles, ticket.deleted webhooks and live lookups (get_ticket) write the tombstones.

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
