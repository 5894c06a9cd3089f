package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// Help Center articles. GET /articles lists every article whole, newest updated first: each item holds every
// language version (translated_content). GET /articles/{id} adds only statistics (views, reactions), which move
// without updated_at, so the replica keeps the list's copy of an article, and a copy fetched by id (a sweep's check,
// a live lookup) is stored without its statistics: the same bytes the list shows.
//
// The list is numbered by page, so it moves under a walk: an article updated during the walk jumps to the first
// page (the walk misses it; the incremental pass after sees it, its updated_at being after the walk began), and one
// created or deleted shifts the pages after it by one (the walk reads one article twice, or misses one). A complete
// walk (the backfill, a sweep) therefore checks that it saw as many distinct articles as total_count, with
// total_count the same on every page, and walks again when not (up to maxArticleWalks walks; later ones rewrite
// nothing, they cost a request a page).
//
// An incremental pass walks from the first page until the articles get older than watermark − overlap, writing
// those whose bytes changed (one request when nothing changed), and compares total_count with the replica's live
// count: a change in their difference since the last sweep means articles were deleted (no list of deleted articles
// exists), and triggers a sweep: a complete walk, then a GET for each article held as live that the walk did not
// return (404: a tombstone). The reconcile pass sweeps too.

// maxArticleWalks bounds the walks of one complete article walk while the list moves under it.
const maxArticleWalks = 3

// articleWalk is what one walk of GET /articles saw.
type articleWalk struct {
	seen        map[string]struct{}
	first, last int  // total_count of the first and the last page read
	moved       bool // total_count changed between pages
}

// complete reports whether a walk to the last page saw every article: the list's size held still and the walk
// returned as many distinct articles as total_count.
func (w articleWalk) complete() bool { return !w.moved && len(w.seen) >= w.last }

// walkArticles walks GET /articles from the first page, handing each page's new or changed articles to page, until
// the last page or an article updated before from (0: walk everything).
func (s *Syncer) walkArticles(ctx context.Context, kr *kindRun, from int64, page func(p listPage) error) (articleWalk, error) {
	w := articleWalk{seen: map[string]struct{}{}}
	at, first := s.now(), true
	for l, err := range s.src.ArticlePages(ctx) {
		if err != nil {
			return w, cancelCause(ctx, fmt.Errorf("list articles: %w", err))
		}
		kr.rep.Pages++
		if first {
			w.first = l.TotalCount
		}
		w.last, w.moved = l.TotalCount, w.moved || l.TotalCount != w.first
		var cands []candidate
		older := false
		for i := range l.Articles {
			a := &l.Articles[i]
			if a.UpdatedAt < from {
				older = true
				break
			}
			w.seen[a.ID] = struct{}{}
			cands = append(cands, articleCandidate(a, a.Raw, at, false))
		}
		kr.rep.Listed += len(cands)
		changed, err := s.changedOnly(ctx, cands)
		if err != nil {
			return w, err
		}
		if err := page(listPage{cands: changed, listed: len(cands), total: l.TotalCount, first: first}); err != nil {
			return w, err
		}
		if older {
			break
		}
		at, first = s.now(), false // the next page is requested when this body returns
	}
	return w, nil
}

// sweepArticles walks every article (again while the list moves under the walk, see maxArticleWalks), writing those
// that are new or changed, then asks for each article the replica holds as live that the walk did not return: 404
// marks it deleted, 200 (it moved during the walk) refreshes it. It records the counts the incremental pass compares
// with, and as the backfill, the backfill's progress page by page.
func (s *Syncer) sweepArticles(ctx context.Context, kr *kindRun, backfill bool) error {
	kind := query.KindArticle
	var w articleWalk
	complete := false
	for walk := 1; !complete; walk++ {
		var err error
		w, err = s.walkArticles(ctx, kr, 0, func(p listPage) error {
			return s.writeListPage(ctx, kr, kind, p, backfill)
		})
		if err != nil {
			return err
		}
		if complete = w.complete(); !complete && walk == maxArticleWalks {
			s.log.WarnContext(ctx, "the article list kept moving during the walk: the next pass sweeps the articles again",
				"walks", walk, "listed", len(w.seen), "total_count", w.last)
			break
		}
		if !complete {
			s.log.InfoContext(ctx, "the article list moved during the walk, walking it again",
				"walk", walk, "listed", len(w.seen), "total_count_first", w.first, "total_count_last", w.last)
		}
	}
	cands, err := s.settleMissing(ctx, kr, kind, w.seen)
	if err != nil {
		return err
	}
	res, err := s.commit(ctx, kind, cands, func(st *KindState) {
		now := s.completeSweep(st, backfill)
		if backfill {
			st.Watermark, st.LastPassAt = st.Backfill.StartedAt, now
		}
		st.Sweep = &Sweep{At: now, Listed: w.last, Held: st.Live}
		if !complete {
			st.Sweep = nil // no baseline to compare counts with: the next incremental pass sweeps
		}
	})
	kr.add(res)
	if err == nil && backfill {
		s.backfillProgress(ctx, kind)
	}
	return err
}

// incrementalArticles writes every article updated at or after from whose bytes changed, then compares the
// list's total_count with the replica's live count: when their difference changed since the last sweep (an
// article was deleted, or one was created that the walk missed), it sweeps.
func (s *Syncer) incrementalArticles(ctx context.Context, kr *kindRun, from int64) error {
	kind := query.KindArticle
	w, err := s.walkArticles(ctx, kr, from, func(p listPage) error {
		res, err := s.commit(ctx, kind, p.cands, nil)
		kr.add(res)
		return err
	})
	if err != nil {
		return err
	}
	return s.sweepIfCountChanged(ctx, kind, w.last, func() error { return s.sweepArticles(ctx, kr, false) })
}

// fetchArticle GETs an article and returns it as the list shows it (without statistics). A 404 gives a tombstone:
// the article was deleted.
func (s *Syncer) fetchArticle(ctx context.Context, src Source, id string) (candidate, error) {
	at := s.now()
	a, err := src.GetArticle(ctx, id)
	switch {
	case gone(err):
		return tombstone(query.KindArticle, id, at, 0), nil
	case err != nil:
		return candidate{}, fmt.Errorf("fetch article %s: %w", id, err)
	}
	raw, err := dropMember(a.Raw, "statistics")
	if err != nil {
		return candidate{}, fmt.Errorf("fetch article %s: %w", id, err)
	}
	return articleCandidate(a, raw, at, true), nil
}

// dropMember returns raw, a JSON object, without its top-level member named key, every other byte as it was (raw
// itself when it has no such member).
func dropMember(raw []byte, key string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("the record is not a JSON object")
	}
	for firstMember := true; dec.More(); firstMember = false {
		start := dec.InputOffset() // after '{' or the previous member, before this member's comma
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read the record's JSON: %w", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read the record's JSON: %w", err)
		}
		if t != key {
			continue
		}
		end := int(dec.InputOffset())
		if firstMember { // the first member: drop the comma after it instead of the one before
			end += len(raw[end:]) - len(bytes.TrimLeft(raw[end:], " \t\r\n"))
			if end < len(raw) && raw[end] == ',' {
				end++
			}
		}
		return append(bytes.Clone(raw[:start]), raw[end:]...), nil
	}
	return raw, nil
}

// sweepIfCountChanged runs sweep when Intercom's count of kind's records (listed) no longer matches the replica's
// live count as it did at the last sweep (countChanged).
func (s *Syncer) sweepIfCountChanged(ctx context.Context, kind query.Kind, listed int, sweep func() error) error {
	st, err := s.state(kind)
	if err != nil {
		return err
	}
	if !st.countChanged(listed) {
		return nil
	}
	s.log.InfoContext(ctx, "count changed, sweeping", "kind", kind, "listed", listed, "held", st.Live, "last_sweep", st.Sweep.String())
	return sweep()
}

// countChanged reports whether Intercom's count of a kind's records (listed) moved away from the replica's live
// count since the last sweep (or there was none): records were deleted, or created without the replica seeing them.
func (st KindState) countChanged(listed int) bool {
	return st.Sweep == nil || listed-st.Live != st.Sweep.Listed-st.Sweep.Held
}

// String describes a sweep's counts for the log.
func (sw *Sweep) String() string {
	if sw == nil {
		return "none"
	}
	return fmt.Sprintf("%d listed, %d held, at %s", sw.Listed, sw.Held, sw.At.UTC().Format(time.RFC3339))
}
