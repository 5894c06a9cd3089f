package sync

import (
	"context"
	"fmt"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// The directory: teammates (admins), teams, tags, segments, Help Center collections (and sections), help centers and
// ticket types, the small lists whose records give the ids other records hold their names. Intercom answers each
// with one complete page (collections: numbered pages of 50) and cannot say what changed since a time, so every
// pass (backfill and incremental) reads all seven, one request each (collections: one a page).

// listDirectory reads kind's complete list, every item stamped with at (when the request was sent). A listed item
// is marked as fetched by id: a complete list says what Intercom holds now, as a GET would (so a teammate removed
// and added back replaces its tombstone).
func (s *Syncer) listDirectory(ctx context.Context, kind query.Kind, at time.Time) ([]candidate, error) {
	item := func(id string, updatedAt int64, raw []byte) candidate {
		return candidate{rec: index.Record{Kind: kind, ID: id, UpdatedAt: updatedAt, SyncedAt: at, Raw: raw}, byID: true}
	}
	var out []candidate
	switch kind {
	case query.KindAdmin:
		l, err := s.src.ListAdmins(ctx)
		for _, a := range l {
			out = append(out, item(a.ID, 0, a.Raw))
		}
		return out, err
	case query.KindTeam:
		l, err := s.src.ListTeams(ctx)
		for _, t := range l {
			out = append(out, item(t.ID, 0, t.Raw))
		}
		return out, err
	case query.KindTag:
		l, err := s.src.ListTags(ctx)
		for _, t := range l {
			out = append(out, item(t.ID, 0, t.Raw))
		}
		return out, err
	case query.KindSegment:
		// Without include_count: the counts cost Intercom more, and would change the stored bytes (and rewrite
		// every segment) whenever a contact moved.
		l, err := s.src.ListSegments(ctx, false)
		for _, sg := range l {
			out = append(out, item(sg.ID, sg.UpdatedAt, sg.Raw))
		}
		return out, err
	case query.KindCollection:
		// Collections and sections, every page: ceil(n/50) requests, one for most Help Centers.
		l, err := s.src.ListCollections(ctx)
		for _, c := range l {
			out = append(out, item(c.ID, c.UpdatedAt, c.Raw))
		}
		return out, err
	case query.KindHelpCenter:
		l, err := s.src.ListHelpCenters(ctx)
		for _, h := range l {
			out = append(out, item(h.ID, h.UpdatedAt, h.Raw))
		}
		return out, err
	case query.KindTicketType:
		l, err := s.src.ListTicketTypes(ctx)
		for _, t := range l {
			out = append(out, item(t.ID, t.UpdatedAt, t.Raw))
		}
		return out, err
	}
	return nil, fmt.Errorf("list %s: not a directory kind", kind)
}

// directory reads the complete lists of every directory kind in krs (query.DirectoryKinds, in order) and, once
// all of them have been read whole, writes in one batch the records that are new or changed (their bytes differ
// from the stored copy) and a tombstone for every id the replica holds as live that its list no longer has:
// Intercom says a teammate, team, tag, segment, collection, help center or ticket type is gone by leaving it out of
// a complete list. When a list fails,
// nothing is written (a list that broke off says nothing about what it left out).
func (s *Syncer) directory(ctx context.Context, kinds []query.Kind, krs []*kindRun) error {
	var cands []candidate
	updates := map[query.Kind]func(*KindState){}
	for i, kind := range kinds {
		kr := krs[i]
		at, began, stats0 := s.now(), time.Now(), s.src.Stats()
		listed, err := s.listDirectory(ctx, kind, at)
		st := s.src.Stats().Sub(stats0)
		kr.rep.Requests, kr.rep.RateLimited, kr.rep.Retries = st.Requests, st.RateLimited, st.Retries
		kr.rep.Seconds = time.Since(began).Seconds()
		if err != nil {
			return cancelCause(ctx, fmt.Errorf("list %s: %w", kind.Nouns(), err))
		}
		kr.rep.Pages, kr.rep.Listed = max(1, int(st.Requests-st.Retries)), len(listed) // collections: a request a page
		seen := make(map[string]struct{}, len(listed))
		for _, c := range listed {
			seen[c.rec.ID] = struct{}{}
		}
		changed, err := s.changedOnly(ctx, listed)
		if err != nil {
			return err
		}
		missing, _, _, err := s.unsettled(ctx, kind, seen, false)
		if err != nil {
			return err
		}
		for _, id := range missing {
			changed = append(changed, tombstone(kind, id, at, 0))
		}
		cands = append(cands, changed...)
		n := len(listed)
		updates[kind] = func(st *KindState) {
			if !st.Backfill.Complete {
				done := s.now()
				st.Backfill = Backfill{StartedAt: at.Unix(), Pages: 1, Done: n, Total: n, Complete: true, CompletedAt: done.Unix()}
			}
			st.Watermark = max(st.Watermark, at.Unix())
			st.LastPassAt = s.now()
		}
	}
	res, err := s.commitKinds(ctx, cands, updates)
	for i, kind := range kinds {
		krs[i].add(res[kind])
	}
	return err
}
