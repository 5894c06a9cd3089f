package index

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/query"
)

// A cursor is the sort key of the last hit of a page, so the next page starts strictly after it (search-after, not
// an offset: page 50 costs what page 1 costs, and records written between pages do not shift the pages of records
// that stay put). It is opaque to callers: base64url of
//
//	version (1 byte) | order (1 byte: 't' recency, 's' relevance) | query fingerprint (8 bytes) |
//	't': updated_at (varint), then the id |
//	's': score (float64 bits, 8 bytes), the record's ordinal (uvarint), then the scoring statistics of the first
//	     page (uvarint count, then each uvarint: the number of documents, then each word's document count)
//
// Relevance results are sorted by score, then by record ordinal (the text engine has every candidate's ordinal at
// hand, textsearch.go): a total order, so ties at a page boundary are neither skipped nor repeated, however many.
// Scores depend on statistics of the whole index, which every write moves; the cursor carries those the first page
// used, so later pages score every unchanged record exactly as the first did and none crosses the cursor.
//
// The fingerprint binds the cursor to its query (kind, filters and free text, not the page size), so a cursor
// passed with another query is refused with a clear error rather than silently yielding a wrong page.

const cursorVersion = 4

// order is how a result is sorted.
type order byte

const (
	byRecency   order = 't' // updated_at descending, then id descending
	byRelevance order = 's' // score descending, then ordinal ascending
)

type cursor struct {
	order     order
	updatedAt int64
	score     float64
	id        string   // recency
	ord       uint32   // relevance
	stats     []uint64 // relevance: scoring statistics (textSearch.stats)
}

// maxStats bounds the statistics a cursor may carry (a query's words, plus one): far more than a query has.
const maxStats = 1024

func encodeCursor(fp [8]byte, c cursor) string {
	b := []byte{cursorVersion, byte(c.order)}
	b = append(b, fp[:]...)
	if c.order == byRecency {
		b = binary.AppendVarint(b, c.updatedAt)
		b = append(b, c.id...)
	} else {
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(c.score))
		b = binary.AppendUvarint(b, uint64(c.ord))
		b = binary.AppendUvarint(b, uint64(len(c.stats)))
		for _, v := range c.stats {
			b = binary.AppendUvarint(b, v)
		}
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses s, checking that it was issued for a query with fingerprint fp sorted by o.
func decodeCursor(s string, fp [8]byte, o order) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2+8+1 || b[0] != cursorVersion {
		return cursor{}, &CursorError{Msg: fmt.Sprintf("starting_after %q is not a cursor from this replica; pass the next cursor of a previous page unchanged", truncate(s, 24))}
	}
	if order(b[1]) != o || [8]byte(b[2:10]) != fp {
		return cursor{}, &CursorError{Msg: "starting_after belongs to a different query; a cursor only continues the query that returned it (same filters and free text)"}
	}
	corrupt := &CursorError{Msg: "starting_after is corrupt; pass the next cursor of a previous result unchanged"}
	c := cursor{order: o}
	rest := b[10:]
	if o == byRecency {
		v, n := binary.Varint(rest)
		if n <= 0 || n == len(rest) {
			return cursor{}, corrupt
		}
		c.updatedAt, c.id = v, string(rest[n:])
		return c, nil
	}
	if len(rest) < 9 {
		return cursor{}, corrupt
	}
	c.score = math.Float64frombits(binary.BigEndian.Uint64(rest))
	ord, n := binary.Uvarint(rest[8:])
	if n <= 0 || ord > math.MaxUint32 || math.IsNaN(c.score) {
		return cursor{}, corrupt
	}
	c.ord = uint32(ord)
	rest = rest[8+n:]
	count, n := binary.Uvarint(rest)
	if n <= 0 || count == 0 || count > maxStats {
		return cursor{}, corrupt
	}
	rest = rest[n:]
	c.stats = make([]uint64, count)
	for i := range c.stats {
		if c.stats[i], n = binary.Uvarint(rest); n <= 0 {
			return cursor{}, corrupt
		}
		rest = rest[n:]
	}
	if len(rest) != 0 || c.stats[0] == 0 {
		return cursor{}, corrupt
	}
	return c, nil
}

// fingerprint identifies what a query selects: its kind, its terms (in any order, values as written, so a relative
// time like 7d matches itself on the next page) and its free text.
func fingerprint(q query.Query) [8]byte {
	terms := make([]string, 0, len(q.Terms))
	for _, t := range q.Terms {
		var sb strings.Builder
		sb.WriteString(t.Field.Index)
		sb.WriteByte(0)
		sb.WriteString(t.Field.Custom)
		sb.WriteByte(0)
		sb.WriteString(string(t.Op))
		for _, v := range t.Values {
			sb.WriteByte(0)
			sb.WriteString(v.Raw)
		}
		terms = append(terms, sb.String())
	}
	slices.Sort(terms)
	h := sha256.New()
	h.Write([]byte(q.Kind))
	for _, t := range terms {
		h.Write([]byte{1})
		h.Write([]byte(t))
	}
	for _, t := range q.Text {
		h.Write([]byte{2})
		if t.Phrase {
			h.Write([]byte{'"'})
		}
		h.Write([]byte(t.Text))
	}
	return [8]byte(h.Sum(nil)[:8])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
