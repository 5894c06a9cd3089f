package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// deletedPageSize is per_page of GET /conversations/deleted, Intercom's maximum for that endpoint.
const deletedPageSize = 60

// contactSearchSlack widens the contact search's updated_at filter below the wanted lower bound. Intercom compares
// dates in contact search by calendar day in the workspace's time zone: "updated_at > v" matches from the start of
// the day after v's day. Two days below the bound cover any time zone and daylight-saving shift without knowing the
// workspace's zone; the results come sorted by updated_at descending, so the walk stops at the bound anyway.
const contactSearchSlack = 48 * time.Hour

// incremental brings kind up to date from its watermark: everything Intercom says changed since watermark −
// overlap (deduplicated against the replica by id and updated_at, so a repeated pass costs a few searches), and
// deletions. The new watermark is when this pass began, written once the kind is done: a pass that stops early is
// repeated from the old watermark.
func (s *Syncer) incremental(ctx context.Context, kind query.Kind, kr *kindRun) error {
	st, err := s.state(kind)
	if err != nil {
		return err
	}
	if !st.Backfill.Complete {
		return errors.New("the backfill is not complete")
	}
	if kind == query.KindCompany {
		return s.incrementalCompanies(ctx, kr) // no list by updated_at: sweeps keep their own watermark
	}
	began := s.now()
	from := st.Watermark - int64(s.overlap/time.Second)
	switch kind {
	case query.KindContact:
		err = s.incrementalContacts(ctx, kr, from)
	case query.KindArticle:
		err = s.incrementalArticles(ctx, kr, from)
	case query.KindTicket:
		err = s.incrementalTickets(ctx, kr, from)
	default:
		if err = s.incrementalWhole(ctx, kr, kind, from); err == nil {
			err = s.deletedConversations(ctx, kr, from)
		}
	}
	if err != nil {
		return err
	}
	_, err = s.commit(ctx, kind, nil, func(st *KindState) {
		st.Watermark = max(st.Watermark, began.Unix())
		st.LastPassAt = s.now()
	})
	return err
}

// incrementalWhole refetches every record of kind (conversations, tickets) updated at or after from: search asks
// for "updated_at > from − 1" (Intercom documents ">" on conversation dates as "greater (or equal)", and the fake's
// ticket search reads it so too; asking for "> from−1" is right under either reading).
func (s *Syncer) incrementalWhole(ctx context.Context, kr *kindRun, kind query.Kind, from int64) error {
	req := intercom.SearchRequest{Query: intercom.Where("updated_at", intercom.OpGt, from-1), PerPage: s.pageSize}
	list := s.ticketListing(req)
	if kind == query.KindConversation {
		list = conversationListing(func(ctx context.Context, cursor string) (*intercom.ConversationList, error) {
			r := req
			r.StartingAfter = cursor
			return s.src.SearchConversations(ctx, r)
		})
	}
	return s.walkWhole(ctx, kr, kind, "", list, nil, func(ctx context.Context, p *wholePage) error {
		res, err := s.commit(ctx, kind, p.cands, nil)
		kr.add(res)
		return err
	})
}

// deletedConversations writes tombstones for conversations deleted at or after from, reading Intercom's list of
// deleted conversations newest first until it gets older than that.
func (s *Syncer) deletedConversations(ctx context.Context, kr *kindRun, from int64) error {
	at := s.now()
	var cands []candidate
	for page := 1; ; {
		l, err := s.src.ListDeletedConversations(ctx, intercom.DeletedListOptions{Page: page, PerPage: deletedPageSize, Order: "desc"})
		if errors.Is(err, intercom.ErrInvalidParameter) && page == 1 {
			// The endpoint needs Intercom-Version 2.16 or later; without it deletions are found by the reconcile
			// pass (and webhooks) instead of the next incremental one.
			s.log.WarnContext(ctx, "GET /conversations/deleted refused (an API version before 2.16?): deleted conversations will be found by the reconcile pass", "error", err.Error())
			return nil
		}
		if err != nil {
			return cancelCause(ctx, fmt.Errorf("list deleted conversations: %w", err))
		}
		kr.rep.Pages++
		older := false
		for _, d := range l.Conversations {
			if d.DeletedAt < from {
				older = true
				break
			}
			kr.rep.Listed++
			cands = append(cands, tombstone(query.KindConversation, d.ID, at, d.DeletedAt))
		}
		next := l.NextPage()
		if older || next <= page {
			break
		}
		page = next
	}
	res, err := s.commit(ctx, query.KindConversation, cands, nil)
	kr.add(res)
	return err
}

// incrementalContacts upserts every contact updated at or after from, then checks Intercom's contact count against
// the replica's: a change in their difference since the last sweep means contacts were deleted, archived or merged
// away (search cannot show those), or created but not yet searchable (Intercom's search lags creation by minutes),
// and calls for a sweep.
func (s *Syncer) incrementalContacts(ctx context.Context, kr *kindRun, from int64) error {
	kind := query.KindContact
	req := intercom.SearchRequest{
		Query:   intercom.Where("updated_at", intercom.OpGt, from-int64(contactSearchSlack/time.Second)),
		PerPage: s.pageSize,
		Sort:    &intercom.Sort{Field: "updated_at", Order: intercom.SortDescending},
	}
	list := func(ctx context.Context, cursor string) (*intercom.ContactList, error) {
		r := req
		r.StartingAfter = cursor
		return s.src.SearchContacts(ctx, r)
	}
	err := s.walkContacts(ctx, kr, "", list, func(p *contactPage) (bool, error) {
		items, stop := p.items, false
		for i, c := range p.items {
			if c.UpdatedAt < from {
				items, stop = p.items[:i], true
				break
			}
		}
		cands, err := s.contactCandidates(ctx, items, p.at)
		if err != nil {
			return false, err
		}
		res, err := s.commit(ctx, kind, cands, nil)
		kr.add(res)
		return stop, err
	})
	if err != nil {
		return err
	}

	l, err := s.src.ListContacts(ctx, intercom.ListOptions{PerPage: 1})
	if err != nil {
		return cancelCause(ctx, fmt.Errorf("count contacts: %w", err))
	}
	return s.sweepIfCountChanged(ctx, kind, l.TotalCount, func() error { return s.sweepContacts(ctx, kr) })
}
