package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// walk pages through q with limit, calling between after each page, and returns every id in the order seen.
func walk(t *testing.T, r *Replica, q query.Query, limit int, between func(page int)) ([]string, int) {
	t.Helper()
	q.Limit = limit
	var ids []string
	total := -1
	for page := 0; ; page++ {
		res := mustSearch(t, r, q)
		if total < 0 {
			total = res.Total
		}
		if len(res.Hits) > limit {
			t.Fatalf("page %d has %d hits, limit %d", page, len(res.Hits), limit)
		}
		ids = append(ids, hitIDs(res)...)
		if res.Next == "" {
			return ids, total
		}
		if len(res.Hits) != limit {
			t.Fatalf("page %d has %d hits and a next cursor", page, len(res.Hits))
		}
		q.StartingAfter = res.Next
		if between != nil {
			between(page)
		}
		if page > 10000 {
			t.Fatal("cursor never ends")
		}
	}
}

// seenOnce counts the ids a walk returned, failing on the first one returned twice; what names the walk.
func seenOnce(t *testing.T, what string, ids []string) map[string]int {
	t.Helper()
	seen := make(map[string]int, len(ids))
	for _, id := range ids {
		if seen[id]++; seen[id] > 1 {
			t.Fatalf("%s: %s returned twice", what, id)
		}
	}
	return seen
}

// TestSearch_CursorWalksWithoutGapsWhileWriting walks a 1,000-hit result in pages while new records are written
// between pages: every original record comes exactly once, and no record twice. The second query has a text-field
// term, so its matches come through the full-text index.
func TestSearch_CursorWalksWithoutGapsWhileWriting(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: tinyConversations(0, 1000)})
	next := 100000
	for _, dsl := range []string{
		"object_type:conversations created_at:exists",
		"object_type:conversations source_body:contains:hello",
	} {
		q := mustParse(t, dsl)
		before := 1000 + next - 100000
		ids, total := walk(t, r, q, 37, func(page int) {
			if page%3 == 0 {
				mustApply(t, r, Batch{Records: tinyConversations(next, next+5)})
				next += 5
			}
		})
		if total != before {
			t.Fatalf("first page total %d, want %d", total, before)
		}
		seen := seenOnce(t, dsl, ids)
		for _, rec := range tinyConversations(0, 1000) {
			if seen[rec.ID] != 1 {
				t.Fatalf("%s: original record %s seen %d times", dsl, rec.ID, seen[rec.ID])
			}
		}
	}
}

// TestSearch_CursorRelevance pages through a relevance-ranked result.
func TestSearch_CursorRelevance(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: tinyConversations(0, 200)})
	q := mustParse(t, "object_type:conversations q:refund")
	all := mustSearch(t, r, q)
	if all.Total < 10 {
		t.Fatalf("only %d hits for refund: the generator's topics changed?", all.Total)
	}
	ids, total := walk(t, r, q, 7, nil)
	seenOnce(t, q.String(), ids)
	if len(ids) != total || total != all.Total {
		t.Fatalf("walked %d of %d hits", len(ids), total)
	}
	// The walk yields the same order as one big page.
	q.Limit = query.MaxLimit
	big := hitIDs(mustSearch(t, r, q))
	for i := range min(len(big), len(ids)) {
		if big[i] != ids[i] {
			t.Fatalf("position %d: paged %s, single page %s", i, ids[i], big[i])
		}
	}
}

func TestSearch_CursorBoundToQuery(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	q := mustParse(t, "object_type:conversations state:closed limit:1")
	first := mustSearch(t, r, q)
	if first.Next == "" {
		t.Fatal("no cursor")
	}
	ctx := context.Background()

	other := mustParse(t, "object_type:conversations state:open limit:1")
	other.StartingAfter = first.Next
	_, err := r.Search(ctx, other)
	if !errors.Is(err, ErrInvalidCursor) || !strings.Contains(err.Error(), "different query") {
		t.Errorf("cursor of another query: %v", err)
	}
	text := mustParse(t, "object_type:conversations state:closed q:refund")
	text.StartingAfter = first.Next
	if _, err := r.Search(ctx, text); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("cursor of a filter query used with free text: %v", err)
	}
	contacts := mustParse(t, "object_type:contacts")
	contacts.StartingAfter = first.Next
	if _, err := r.Search(ctx, contacts); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("conversation cursor used for contacts: %v", err)
	}
	for _, junk := range []string{"nonsense", "AAAA", strings.Repeat("x", 300)} {
		bad := q
		bad.StartingAfter = junk
		if _, err := r.Search(ctx, bad); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("cursor %q: %v", junk, err)
		}
	}
	// The same query with its terms in another order and another page size continues fine.
	same := mustParse(t, "limit:2 state:closed object_type:conversations")
	same.StartingAfter = first.Next
	res, err := r.Search(ctx, same)
	if err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(res); len(got) != 2 || got[0] != "1004" || got[1] != "1006" {
		t.Errorf("second page = %v, want [1004 1006]", got)
	}
}

// TestSearch_CursorRelevanceTies pages through a result where every hit has the same score, with pages smaller
// than the tie: no hit is skipped or repeated although bleve orders ties as it likes.
func TestSearch_CursorRelevanceTies(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	var recs []Record
	for i := 0; i < 60; i++ {
		recs = append(recs, Record{Kind: query.KindConversation, ID: fmt.Sprint(5000 + i), Raw: []byte(fmt.Sprintf(
			`{"type":"conversation","id":"%d","updated_at":%d,"source":{"body":"identical words here"}}`, 5000+i, 1000+i%3))})
	}
	mustApply(t, r, Batch{Records: recs})
	q := mustParse(t, "object_type:conversations q:identical")
	if res := mustSearch(t, r, q); res.Hits[0].Score != res.Hits[len(res.Hits)-1].Score {
		t.Fatalf("scores differ: %v .. %v; the test needs a tie", res.Hits[0].Score, res.Hits[len(res.Hits)-1].Score)
	}
	ids, total := walk(t, r, q, 7, nil)
	seenOnce(t, q.String(), ids)
	if len(ids) != 60 || total != 60 {
		t.Fatalf("walked %d of %d", len(ids), total)
	}
}

// TestSearch_CursorRelevanceWalksWhileWriting walks a ranked result of more than 1,000 hits, most of them tied, in
// pages while records are added and deleted between pages (which moves every word's statistics, so every score):
// every original record that is not deleted comes exactly once, no record comes twice, and a deleted record never
// comes after its deletion.
func TestSearch_CursorRelevanceWalksWhileWriting(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: tinyConversations(0, 1100)})
	q := mustParse(t, "object_type:conversations q:hello")
	next := 200000
	deleted := map[string]bool{}
	var afterDelete []string // ids returned after their deletion
	q.Limit = 37
	var ids []string
	for page := 0; ; page++ {
		res := mustSearch(t, r, q)
		if page == 0 && res.Total != 1100 {
			t.Fatalf("total %d, want 1100", res.Total)
		}
		for _, h := range res.Hits {
			if deleted[h.ID] {
				afterDelete = append(afterDelete, h.ID)
			}
			ids = append(ids, h.ID)
		}
		if res.Next == "" {
			break
		}
		q.StartingAfter = res.Next
		// New records (more hits, so other statistics) and a tombstone for one original not yet seen or seen.
		recs := tinyConversations(next, next+4)
		next += 4
		victim := tinyConversations(page*29%1100, page*29%1100+1)[0]
		victim.Deleted, victim.UpdatedAt, victim.Raw = true, victim.UpdatedAt+1, nil
		deleted[victim.ID] = true
		mustApply(t, r, Batch{Records: append(recs, victim)})
		if page > 1000 {
			t.Fatal("cursor never ends")
		}
	}
	if len(afterDelete) > 0 {
		t.Fatalf("deleted records returned after their deletion: %v", afterDelete)
	}
	seen := seenOnce(t, "walk with deletions", ids)
	for _, rec := range tinyConversations(0, 1100) {
		if !deleted[rec.ID] && seen[rec.ID] != 1 {
			t.Fatalf("original record %s seen %d times (walked %d ids)", rec.ID, seen[rec.ID], len(ids))
		}
	}
}
