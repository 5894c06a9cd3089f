package sync

import (
	"context"
	"errors"
	"fmt"
	gosync "sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// listed is a record as a list or search names it: enough to tell whether the stored copy is current.
type listed struct {
	id        string
	updatedAt int64
}

// listing is one page of a list or search of records that are fetched whole by id (conversations, tickets).
type listing struct {
	next  string // the cursor after this page; "" after the last
	total int    // Intercom's total_count
	items []listed
}

// listFunc returns one page of a list or search, from cursor ("" for the first page).
type listFunc func(ctx context.Context, cursor string) (*listing, error)

// conversationListing adapts a conversation list or search to a walk.
func conversationListing(list func(ctx context.Context, cursor string) (*intercom.ConversationList, error)) listFunc {
	return func(ctx context.Context, cursor string) (*listing, error) {
		l, err := list(ctx, cursor)
		if err != nil {
			return nil, err
		}
		out := &listing{next: l.Pages.NextCursor(), total: l.TotalCount, items: make([]listed, len(l.Conversations))}
		for i, c := range l.Conversations {
			out.items[i] = listed{c.ID, c.UpdatedAt}
		}
		return out, nil
	}
}

// wholePage is one page of a walk on its way to the replica: the listed items, and for each one that needed it,
// the whole record fetched by id.
type wholePage struct {
	listing

	launched chan struct{} // closed once every fetch of the page has been started
	wg       gosync.WaitGroup

	mu      gosync.Mutex
	cands   []candidate // fetched records and tombstones, in no particular order
	fetched int
	parts   int
}

func (p *wholePage) add(c candidate, parts int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cands = append(p.cands, c)
	p.fetched++
	p.parts += parts
}

// walkWhole walks the pages of kind that list returns from start, fetches whole (GET, up to s.concurrency at once)
// every listed record whose stored copy is not current, and hands each page to done in order, once all its fetches
// have finished. The next page is listed and its fetches started while the previous page's last ones are still
// running, so the fetch slots stay busy. Conversations and tickets walk this way: their lists lack the parts.
//
// seen, when set, is called with every listed id. If the walk stops early (an error, or ctx cancelled), the
// records fetched for unfinished pages are written anyway, without the pages' state changes.
func (s *Syncer) walkWhole(ctx context.Context, kr *kindRun, kind query.Kind, start string, list listFunc, seen func(id string), done func(ctx context.Context, p *wholePage) error) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(wctx)
	g.SetLimit(s.concurrency)
	// A few pages may wait for their commit while the next ones are fetched: a slow write (the full-text index)
	// then does not stall the fetches.
	pages := make(chan *wholePage, 3)
	var produced error
	producerDone := make(chan struct{})
	go func() {
		defer close(producerDone)
		defer close(pages)
		produced = s.producePages(gctx, g, kind, start, list, seen, pages)
	}()

	var err error
	var pending []*wholePage // pages taken from the channel but not done
	for p := range pages {
		pending = append(pending, p)
		<-p.launched
		p.wg.Wait()
		if gctx.Err() != nil {
			break
		}
		if err = done(ctx, p); err != nil {
			break
		}
		pending = pending[1:]
		kr.addPage(p)
	}
	cancel()
	for p := range pages { // unblock the producer
		pending = append(pending, p)
	}
	<-producerDone
	err = firstCause(err, g.Wait(), produced, ctx.Err())
	// Keep what was fetched: the pages' cursors stay where they were, and a resumed walk skips these as current.
	var rest []candidate
	for _, p := range pending {
		<-p.launched
		p.wg.Wait()
		rest = append(rest, p.cands...)
		kr.addPage(p)
	}
	if len(rest) > 0 {
		res, cerr := s.commit(ctx, kind, rest, nil)
		kr.add(res)
		err = errors.Join(err, cerr)
	}
	return cancelCause(ctx, err)
}

// firstCause returns the first error that is not a cancellation (one failure cancels the rest of a walk, whose
// errors then only say so), or else the first error.
func firstCause(errs ...error) error {
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// cancelCause prefers the caller's cancellation over the errors it caused (context canceled inside requests), so
// callers can tell a shutdown from a failure.
func cancelCause(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return fmt.Errorf("stopped: %w", context.Cause(ctx))
	}
	return err
}

// producePages lists pages and starts the fetches of each, sending pages in order.
func (s *Syncer) producePages(ctx context.Context, g *errgroup.Group, kind query.Kind, cursor string, list listFunc, seen func(string), pages chan<- *wholePage) error {
	for {
		page, err := list(ctx, cursor)
		if err != nil {
			return err
		}
		p := &wholePage{listing: *page, launched: make(chan struct{})}
		select {
		case pages <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
		err = s.launchFetches(ctx, g, kind, p, seen)
		close(p.launched)
		if err != nil {
			return err
		}
		if p.next == "" {
			return nil
		}
		if p.next == cursor {
			return fmt.Errorf("list %s: the next cursor repeats the current one", kind.Nouns())
		}
		cursor = p.next
	}
}

func (s *Syncer) launchFetches(ctx context.Context, g *errgroup.Group, kind query.Kind, p *wholePage, seen func(string)) error {
	for _, item := range p.items {
		if seen != nil {
			seen(item.id)
		}
		cur, err := s.sink.Get(ctx, kind, item.id)
		found := err == nil
		if err != nil && !errors.Is(err, index.ErrNotFound) {
			return fmt.Errorf("read %s %s: %w", kind.Noun(), item.id, err)
		}
		if current(cur, found, item.updatedAt, s.settle) {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.wg.Add(1)
		id := item.id
		g.Go(func() error {
			defer p.wg.Done()
			c, parts, err := s.fetchOne(ctx, s.src, kind, id)
			if err != nil {
				return err
			}
			p.add(c, parts)
			return nil
		})
	}
	return nil
}

// fetchOne GETs one record of kind from src (a whole conversation or ticket, a contact, a company, an article) and
// returns it, or its tombstone when Intercom no longer has it (404, or 410 for a merged contact), with the
// conversation's or ticket's part count.
func (s *Syncer) fetchOne(ctx context.Context, src Source, kind query.Kind, id string) (candidate, int, error) {
	switch kind {
	case query.KindConversation:
		return s.fetchConversation(ctx, src, id)
	case query.KindContact:
		c, err := s.fetchContact(ctx, src, id)
		return c, 0, err
	case query.KindCompany:
		c, err := s.fetchCompany(ctx, src, id)
		return c, 0, err
	case query.KindArticle:
		c, err := s.fetchArticle(ctx, src, id)
		return c, 0, err
	case query.KindTicket:
		return s.fetchTicket(ctx, src, id)
	}
	return candidate{}, 0, fmt.Errorf("fetch %s %s: the syncer cannot fetch that kind by id", kind, id)
}

// fetchConversation GETs a whole conversation. A 404 gives a tombstone: the conversation was deleted.
func (s *Syncer) fetchConversation(ctx context.Context, src Source, id string) (candidate, int, error) {
	at := s.now()
	c, err := src.GetConversation(ctx, id)
	switch {
	case gone(err):
		return tombstone(query.KindConversation, id, at, 0), 0, nil
	case err != nil:
		return candidate{}, 0, fmt.Errorf("fetch conversation %s: %w", id, err)
	}
	return conversationCandidate(c, at, true), len(c.Parts), nil
}

// fetchContact GETs a contact. A 404 (deleted or archived) or 410 (merged away) gives a tombstone.
func (s *Syncer) fetchContact(ctx context.Context, src Source, id string) (candidate, error) {
	at := s.now()
	c, err := src.GetContact(ctx, id)
	switch {
	case gone(err):
		return tombstone(query.KindContact, id, at, 0), nil
	case err != nil:
		return candidate{}, fmt.Errorf("fetch contact %s: %w", id, err)
	}
	return contactCandidate(c, at, true), nil
}

// fetchCompany GETs a company. A 404 gives a tombstone: the company was deleted.
func (s *Syncer) fetchCompany(ctx context.Context, src Source, id string) (candidate, error) {
	at := s.now()
	c, err := src.GetCompany(ctx, id)
	switch {
	case gone(err):
		return tombstone(query.KindCompany, id, at, 0), nil
	case err != nil:
		return candidate{}, fmt.Errorf("fetch company %s: %w", id, err)
	}
	return companyCandidate(c, at, true), nil
}

// contactPage is one page of a contact list or search.
type contactPage struct {
	next  string
	total int
	items []intercom.Contact
	at    time.Time // when the page was requested
}

// candidates returns the page's contacts whose stored copy is not current (contacts come whole in lists).
func (s *Syncer) contactCandidates(ctx context.Context, items []intercom.Contact, at time.Time) ([]candidate, error) {
	var out []candidate
	for i := range items {
		c := &items[i]
		cur, err := s.sink.Get(ctx, query.KindContact, c.ID)
		found := err == nil
		if err != nil && !errors.Is(err, index.ErrNotFound) {
			return nil, fmt.Errorf("read contact %s: %w", c.ID, err)
		}
		if !current(cur, found, c.UpdatedAt, s.settle) {
			out = append(out, contactCandidate(c, at, false))
		}
	}
	return out, nil
}

// walkContacts walks contact pages from start, handing each to page until it returns stop or the last page.
func (s *Syncer) walkContacts(ctx context.Context, kr *kindRun, cursor string, list func(ctx context.Context, cursor string) (*intercom.ContactList, error), page func(p *contactPage) (stop bool, err error)) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped: %w", err)
		}
		at := s.now()
		l, err := list(ctx, cursor)
		if err != nil {
			return cancelCause(ctx, err)
		}
		p := &contactPage{next: l.Pages.NextCursor(), total: l.TotalCount, items: l.Contacts, at: at}
		kr.rep.Pages++
		kr.rep.Listed += len(p.items)
		stop, err := page(p)
		if err != nil || stop || p.next == "" {
			return err
		}
		if p.next == cursor {
			return fmt.Errorf("list contacts: the next cursor repeats the current one")
		}
		cursor = p.next
	}
}

// fetchByID fetches ids with fetch, up to s.concurrency at once, and returns the candidates in no particular order.
func (s *Syncer) fetchByID(ctx context.Context, ids []string, fetch func(ctx context.Context, id string) (candidate, error)) ([]candidate, error) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.concurrency)
	var mu gosync.Mutex
	var out []candidate
	for _, id := range ids {
		g.Go(func() error {
			c, err := fetch(gctx, id)
			if err != nil {
				return err
			}
			mu.Lock()
			out = append(out, c)
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	return out, cancelCause(ctx, err)
}
