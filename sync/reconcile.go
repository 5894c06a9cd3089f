package sync

import (
	"context"
	"sync/atomic"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// reconcile re-walks kind's list from the start and settles every id the replica holds that Intercom did not list.
func (s *Syncer) reconcile(ctx context.Context, kind query.Kind, kr *kindRun) error {
	var err error
	switch kind {
	case query.KindContact:
		err = s.sweepContacts(ctx, kr)
	case query.KindCompany:
		err = s.sweepCompanies(ctx, kr, false)
	case query.KindArticle:
		err = s.sweepArticles(ctx, kr, false)
	case query.KindTicket:
		err = s.sweepTickets(ctx, kr)
	default:
		err = s.reconcileWhole(ctx, kr, kind, s.listConversations(), nil)
	}
	if err != nil {
		return err
	}
	_, err = s.commit(ctx, kind, nil, func(st *KindState) { st.LastPassAt = s.now() })
	return err
}

// sweepContacts walks GET /contacts (writing what is not current), then asks for each contact the replica holds
// as live but Intercom did not list: a 404 (deleted, archived) or 410 (merged away) marks it deleted, a 200 (it
// moved in the list during the walk) refreshes it. It records the counts the incremental pass compares with.
func (s *Syncer) sweepContacts(ctx context.Context, kr *kindRun) error {
	kind := query.KindContact
	seen := map[string]struct{}{}
	listed, first := 0, true
	list := func(ctx context.Context, cursor string) (*intercom.ContactList, error) {
		return s.src.ListContacts(ctx, intercom.ListOptions{PerPage: s.pageSize, StartingAfter: cursor})
	}
	err := s.walkContacts(ctx, kr, "", list, func(p *contactPage) (bool, error) {
		if first {
			listed, first = p.total, false
		}
		for _, c := range p.items {
			seen[c.ID] = struct{}{}
		}
		cands, err := s.contactCandidates(ctx, p.items, p.at)
		if err != nil {
			return false, err
		}
		res, err := s.commit(ctx, kind, cands, nil)
		kr.add(res)
		return false, err
	})
	if err != nil {
		return err
	}
	cands, err := s.settleMissing(ctx, kr, kind, seen)
	if err != nil {
		return err
	}
	res, err := s.commit(ctx, kind, cands, func(st *KindState) {
		st.Sweep = &Sweep{At: s.now(), Listed: listed, Held: st.Live}
	})
	kr.add(res)
	return err
}

// reconcileWhole walks kind's complete list (fetching whole whatever is not current), then asks for each record the
// replica holds as live but Intercom did not list: a 404 marks it deleted. settled, when set, changes the state in
// the last commit (after the recount).
func (s *Syncer) reconcileWhole(ctx context.Context, kr *kindRun, kind query.Kind, list listFunc, settled func(*KindState)) error {
	seen := map[string]struct{}{}
	err := s.walkWhole(ctx, kr, kind, "", list, func(id string) { seen[id] = struct{}{} }, func(ctx context.Context, p *wholePage) error {
		res, err := s.commit(ctx, kind, p.cands, nil)
		kr.add(res)
		return err
	})
	if err != nil {
		return err
	}
	cands, err := s.settleMissing(ctx, kr, kind, seen)
	if err != nil {
		return err
	}
	res, err := s.commit(ctx, kind, cands, settled)
	kr.add(res)
	return err
}

// settleMissing recounts kind's records and fetches by id each one held as live that a complete walk did not list
// (seen): Intercom answers with the record (it moved in the list during the walk, or is newer than the walk) or
// 404/410, a tombstone. A reconcile pass also fetches each record held as deleted that the walk listed and did not
// bring back (a list can lag behind a deletion, so the listing alone does not): a 200 brings it back, whatever its
// tombstone says, since a reconcile converges on what Intercom holds.
func (s *Syncer) settleMissing(ctx context.Context, kr *kindRun, kind query.Kind, seen map[string]struct{}) ([]candidate, error) {
	ids, err := s.recount(ctx, kind, seen, kr.pass == PassReconcile)
	if err != nil {
		return nil, err
	}
	var parts atomic.Int64
	cands, err := s.fetchByID(ctx, ids, func(ctx context.Context, id string) (candidate, error) {
		c, n, err := s.fetchOne(ctx, s.src, kind, id)
		parts.Add(int64(n))
		return c, err
	})
	kr.rep.Checked += len(cands)
	kr.rep.Parts += int(parts.Load())
	return cands, err
}

// recount scans kind's stored records, sets the state's counts to what it finds, and returns the ids held as live
// that are not in seen, and with relisted those held as deleted that are.
func (s *Syncer) recount(ctx context.Context, kind query.Kind, seen map[string]struct{}, relisted bool) ([]string, error) {
	ids, live, deleted, err := s.unsettled(ctx, kind, seen, relisted)
	if err != nil {
		return nil, err
	}
	_, err = s.commit(ctx, kind, nil, func(st *KindState) { st.Live, st.Deleted = live, deleted })
	return ids, err
}

// unsettled scans kind's stored records and returns the ids held as live that are not in seen, and with relisted
// the ids held as deleted that are, with the numbers of live records and tombstones it found.
func (s *Syncer) unsettled(ctx context.Context, kind query.Kind, seen map[string]struct{}, relisted bool) (ids []string, live, deleted int, err error) {
	err = s.sink.Scan(ctx, kind, func(r index.Record) error {
		_, listed := seen[r.ID]
		switch {
		case !r.Deleted:
			live++
			if !listed {
				ids = append(ids, r.ID)
			}
		default:
			deleted++
			if listed && relisted {
				ids = append(ids, r.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, 0, cancelCause(ctx, err)
	}
	return ids, live, deleted, nil
}
