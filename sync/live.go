package sync

import (
	"context"
	"errors"
	"fmt"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// LiveFetcher fetches single records from Intercom for interactive lookups (get_conversation, get_contact,
// get_ticket, get_article on a stale or missing copy) and writes them into the replica. It implements
// mcp.LiveFetcher. An article is stored as GET /articles lists it (its statistics dropped, see fetchArticle).
type LiveFetcher struct {
	s *Syncer
}

// LiveFetcher returns the live-lookup adapter of this syncer. It uses Options.Live (the client paced by the
// budget's live handle), and writes through the syncer, so a live copy and a sync pass never undo each other.
func (s *Syncer) LiveFetcher() *LiveFetcher { return &LiveFetcher{s: s} }

// FetchLive makes one GET for the record of kind and id, bounded by Options.LiveTimeout. On success the fresh record is
// written to the replica and returned (if the replica already held a newer copy, that copy is returned). When
// Intercom answers 404 (deleted, archived) or 410 (a merged contact), a record the replica held becomes a tombstone
// (one it never held, a made-up id say, leaves nothing) and the error matches [index.ErrNotFound]. When the rate
// budget has no room right now, Fetch returns at once with an error matching [ErrNoBudget]; the caller should serve
// its cached copy, marked stale. Other failures (Intercom unreachable, 5xx after retries) are returned as they are.
func (l *LiveFetcher) FetchLive(ctx context.Context, kind query.Kind, id string) (index.Record, error) {
	s := l.s
	if id == "" || !kind.Valid() {
		return index.Record{}, fmt.Errorf("live %s %q: invalid kind or id", kind, id)
	}
	ctx, cancel := context.WithTimeout(ctx, s.liveTimeout)
	defer cancel()
	c, _, err := s.fetchOne(ctx, s.live, kind, id)
	if err != nil {
		if errors.Is(err, ErrNoBudget) {
			s.liveResult(kind, "no_budget")
			return index.Record{}, fmt.Errorf("live %s %s: %w", kind, id, ErrNoBudget)
		}
		s.liveResult(kind, "error")
		return index.Record{}, fmt.Errorf("live %s %s: %w", kind, id, err)
	}
	if _, err := s.commit(ctx, kind, []candidate{c}, nil); err != nil {
		s.liveResult(kind, "error")
		return index.Record{}, fmt.Errorf("live %s %s: %w", kind, id, err)
	}
	if c.rec.Deleted {
		s.liveResult(kind, "not_found")
		return index.Record{}, fmt.Errorf("live %s %s: Intercom no longer has it: %w", kind, id, index.ErrNotFound)
	}
	s.liveResult(kind, "ok")
	rec, err := s.sink.Get(ctx, kind, id)
	if err != nil || rec.Deleted {
		return c.rec, nil // the replica refused the copy only for a tombstone it trusts more; the copy is still fresh
	}
	return rec, nil
}

func (s *Syncer) liveResult(kind query.Kind, result string) {
	if s.metrics != nil {
		s.metrics.live.WithLabelValues(string(kind), result).Inc()
	}
}
