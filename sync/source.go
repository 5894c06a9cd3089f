package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// Source is what the syncer needs from Intercom: the REST client's methods it calls. *intercom.Client implements
// it. Errors follow the client's contract: *intercom.APIError matching intercom.ErrNotFound, intercom.ErrMerged and
// the other sentinels; an error wrapping the context's error once ctx is done.
type Source interface {
	// Me identifies the workspace the token belongs to.
	Me(ctx context.Context) (*intercom.Me, error)
	// ListConversations returns one cursor page of every conversation, without parts.
	ListConversations(ctx context.Context, opts intercom.ListOptions) (*intercom.ConversationList, error)
	// GetConversation returns one conversation with its parts; Raw is the whole response body.
	GetConversation(ctx context.Context, id string) (*intercom.Conversation, error)
	// SearchConversations returns one page of a conversation search, without parts.
	SearchConversations(ctx context.Context, req intercom.SearchRequest) (*intercom.ConversationList, error)
	// ListDeletedConversations returns one numbered page of deleted conversation ids.
	ListDeletedConversations(ctx context.Context, opts intercom.DeletedListOptions) (*intercom.DeletedConversationList, error)
	// ListContacts returns one cursor page of every listed contact (whole records).
	ListContacts(ctx context.Context, opts intercom.ListOptions) (*intercom.ContactList, error)
	// GetContact returns one contact; a merged one is an error matching intercom.ErrMerged.
	GetContact(ctx context.Context, id string) (*intercom.Contact, error)
	// SearchContacts returns one page of a contact search (whole records).
	SearchContacts(ctx context.Context, req intercom.SearchRequest) (*intercom.ContactList, error)
	// ListAdmins, ListTeams, ListTags and ListSegments return Intercom's complete one-page lists of teammates,
	// teams, tags and segments (every item's Raw as received).
	ListAdmins(ctx context.Context) ([]intercom.Admin, error)
	ListTeams(ctx context.Context) ([]intercom.Team, error)
	ListTags(ctx context.Context) ([]intercom.WorkspaceTag, error)
	ListSegments(ctx context.Context, includeCount bool) ([]intercom.Segment, error)
	// GetCompany returns one company; a missing one is an error matching intercom.ErrNotFound.
	GetCompany(ctx context.Context, id string) (*intercom.Company, error)
	// CompanyScrollPages walks every company with the app's one scroll (errors matching intercom.ErrScrollExists
	// and intercom.ErrScrollExpired).
	CompanyScrollPages(ctx context.Context) iter.Seq2[*intercom.CompanyScrollPage, error]
	// ArticlePages walks every Help Center article (GET /articles, numbered pages, newest updated first; each
	// article whole, with every language version, without statistics).
	ArticlePages(ctx context.Context) iter.Seq2[*intercom.ArticleList, error]
	// GetArticle returns one article with its statistics; a missing one is an error matching intercom.ErrNotFound.
	GetArticle(ctx context.Context, id string) (*intercom.Article, error)
	// ListCollections, ListHelpCenters and ListTicketTypes return Intercom's complete lists of Help Center
	// collections (every page), help centers and ticket types.
	ListCollections(ctx context.Context) ([]intercom.Collection, error)
	ListHelpCenters(ctx context.Context) ([]intercom.HelpCenter, error)
	ListTicketTypes(ctx context.Context) ([]intercom.TicketType, error)
	// SearchTickets returns one page of a ticket search.
	SearchTickets(ctx context.Context, req intercom.SearchRequest) (*intercom.TicketList, error)
	// GetTicket returns one ticket with its parts; a missing one is an error matching intercom.ErrNotFound.
	GetTicket(ctx context.Context, id string) (*intercom.Ticket, error)
	// Stats returns the client's counters; the syncer reports per-pass differences.
	Stats() intercom.Stats
}

var _ Source = (*intercom.Client)(nil)

// Sink is what the syncer needs from the replica. *index.Replica implements it. The syncer is the replica's only
// writer of records: it keeps per-kind counts in the replica's meta on that assumption.
type Sink interface {
	// Apply writes records and meta in one transaction; a record older than the stored one is skipped, except a
	// live record over a tombstone (supersedes decides those).
	Apply(ctx context.Context, b index.Batch) (index.ApplyResult, error)
	// Get returns the stored record, tombstones included, or an error matching index.ErrNotFound.
	Get(ctx context.Context, kind query.Kind, id string) (index.Record, error)
	// Meta returns the value stored under key, or nil.
	Meta(key string) ([]byte, error)
	// Scan calls fn with every stored record of kind, tombstones included.
	Scan(ctx context.Context, kind query.Kind, fn func(index.Record) error) error
}

// candidate is a record on its way into the replica, with what the write rules need to know about where it came
// from.
type candidate struct {
	rec index.Record // SyncedAt: when the request that produced it was sent (the evidence's time)
	// eventAt is, for a tombstone, Intercom's time of the deletion when known (deleted_at, a notification's
	// created_at); 0 when unknown.
	eventAt int64
	// byID marks a record fetched by id (GET), which says what Intercom holds now; list and search items, and
	// tombstones, may lag behind.
	byID bool
}

func conversationCandidate(c *intercom.Conversation, at time.Time, byID bool) candidate {
	return candidate{rec: index.Record{Kind: query.KindConversation, ID: c.ID, UpdatedAt: c.UpdatedAt, SyncedAt: at, Raw: c.Raw}, byID: byID}
}

func contactCandidate(c *intercom.Contact, at time.Time, byID bool) candidate {
	return candidate{rec: index.Record{Kind: query.KindContact, ID: c.ID, UpdatedAt: c.UpdatedAt, SyncedAt: at, Raw: c.Raw}, byID: byID}
}

func companyCandidate(c *intercom.Company, at time.Time, byID bool) candidate {
	return candidate{rec: index.Record{Kind: query.KindCompany, ID: c.ID, UpdatedAt: c.UpdatedAt, SyncedAt: at, Raw: c.Raw}, byID: byID}
}

func articleCandidate(a *intercom.Article, raw []byte, at time.Time, byID bool) candidate {
	return candidate{rec: index.Record{Kind: query.KindArticle, ID: a.ID, UpdatedAt: a.UpdatedAt, SyncedAt: at, Raw: raw}, byID: byID}
}

func ticketCandidate(t *intercom.Ticket, at time.Time, byID bool) candidate {
	return candidate{rec: index.Record{Kind: query.KindTicket, ID: t.ID, UpdatedAt: t.UpdatedAt, SyncedAt: at, Raw: t.Raw}, byID: byID}
}

func tombstone(kind query.Kind, id string, at time.Time, eventAt int64) candidate {
	return candidate{rec: index.Record{Kind: kind, ID: id, SyncedAt: at, Deleted: true}, eventAt: eventAt}
}

// gone reports whether err from a GET by id means Intercom no longer has the record: 404 (deleted, archived) or
// 410 (a contact merged into another).
func gone(err error) bool {
	return errors.Is(err, intercom.ErrNotFound) || errors.Is(err, intercom.ErrMerged)
}

// supersedes decides whether c may replace cur (found says whether the replica holds anything) and returns the
// record to write. The rules make every order of arrival converge:
//
//   - a tombstone for a record the replica does not hold is not written: Intercom's 404 for an id never synced
//     (a made-up one, say) is "not found", not a deletion;
//   - a newer updated_at wins; an equal one is written again (a second change within the same second keeps
//     updated_at, so the later copy is the better one);
//   - a tombstone replaces a live copy when its evidence is no older than the copy, or Intercom's time of the
//     deletion is after the copy's updated_at; it carries the later of the copy's updated_at and the deletion's
//     time, so older listed copies stay refused;
//   - a live copy replaces a tombstone only when its updated_at is newer (an unarchived contact), or it was fetched
//     by id after the tombstone's evidence, whatever its updated_at (a GET that answers 200 now outweighs an
//     earlier 404 or deletion: the tombstone carries the deletion's time, which a record brought back need not
//     pass). A list or search item outweighs it only by a newer updated_at: a list can lag behind a deletion.
func supersedes(c candidate, cur index.Record, found bool) (index.Record, bool) {
	r := c.rec
	if !found {
		// A deletion of a record the replica never held is no change (the replica writes nothing for it either).
		return r, !r.Deleted
	}
	switch {
	case r.Deleted && cur.Deleted:
		return r, false
	case r.Deleted:
		if !r.SyncedAt.Before(cur.SyncedAt) || c.eventAt > cur.UpdatedAt {
			r.UpdatedAt = max(cur.UpdatedAt, c.eventAt)
			return r, true
		}
		return r, false
	case cur.Deleted:
		return r, r.UpdatedAt > cur.UpdatedAt || (c.byID && r.SyncedAt.After(cur.SyncedAt))
	default:
		return r, r.UpdatedAt >= cur.UpdatedAt
	}
}

// current reports whether the replica's copy (found says whether there is one) makes fetching a record Intercom
// lists with updatedAt unnecessary: the copy is at least as new and was taken at least settle after that update (a
// copy taken within the same second as an update may have missed a second change in that second), or it is a
// tombstone at least as new as the listing (a list or search can lag behind a deletion).
func current(cur index.Record, found bool, updatedAt int64, settle time.Duration) bool {
	switch {
	case !found:
		return false
	case cur.Deleted:
		return cur.UpdatedAt >= updatedAt
	case cur.UpdatedAt != updatedAt:
		return cur.UpdatedAt > updatedAt
	}
	return !cur.SyncedAt.Before(time.Unix(updatedAt, 0).Add(settle))
}

// changedOnly drops the candidates whose stored copy is live and holds exactly the same bytes: lists that return
// whole records (teammates, teams, tags, segments, company scrolls) would otherwise rewrite every record on every
// walk, growing the store for nothing. (Conversations and contacts are not filtered this way: rewriting them
// records when the copy was taken, which the same-second rule needs.)
func (s *Syncer) changedOnly(ctx context.Context, cands []candidate) ([]candidate, error) {
	out := cands[:0:0]
	for _, c := range cands {
		if !c.rec.Deleted {
			cur, err := s.sink.Get(ctx, c.rec.Kind, c.rec.ID)
			switch {
			case err == nil && !cur.Deleted && bytes.Equal(cur.Raw, c.rec.Raw):
				continue
			case err != nil && !errors.Is(err, index.ErrNotFound):
				return nil, fmt.Errorf("read %s %s: %w", c.rec.Kind.Noun(), c.rec.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}
