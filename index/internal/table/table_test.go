package table

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

var seedFlag = flag.Uint64("table.seed", 0, "seed for the randomized table tests (0: time-based, printed)")

// model is the obvious implementation the table must agree with: rows in a map, filters checked row by row.
type model map[string]Row

func (m model) matches(r Row, f Filter) bool {
	for _, cl := range f {
		any := false
		for _, a := range cl.Any {
			if atomMatches(r, a) {
				any = true
				break
			}
		}
		if any == cl.Not {
			return false
		}
	}
	return true
}

func atomMatches(r Row, a Atom) bool {
	if a.kind == ordKind {
		return a.ords.Has(r.Ord)
	}
	for _, v := range r.Values {
		if v.Col != a.col {
			continue
		}
		if a.kind == Presence {
			return v.Type != Keyword || len(v.Strs) > 0
		}
		if a.kind != v.Type {
			return false
		}
		switch v.Type {
		case Keyword:
			for _, s := range v.Strs {
				for _, want := range a.strs {
					if keywordMatches(a.kop, FoldKeyword(cleanKeyword(s)), want) {
						return true
					}
				}
			}
		case Int:
			for _, rg := range a.ints {
				if v.Int >= rg.Lo && v.Int <= rg.Hi {
					return true
				}
			}
		case Float:
			for _, rg := range a.flts {
				if rg.contains(v.Float) {
					return true
				}
			}
		case Bool:
			return v.Bool == a.b
		}
	}
	return false
}

func keywordMatches(op KeywordOp, s, want string) bool {
	switch op {
	case Eq:
		return s == want
	case Contains:
		return strings.Contains(s, want)
	case Prefix:
		return strings.HasPrefix(s, want)
	case Suffix:
		return strings.HasSuffix(s, want)
	case Less:
		return s < want
	case LessEq:
		return s <= want
	case Greater:
		return s > want
	case GreaterEq:
		return s >= want
	}
	return false
}

func (m model) search(f Filter, after *Key, limit int) (ids []string, total int) {
	var all []Row
	for _, r := range m {
		if m.matches(r, f) {
			all = append(all, r)
		}
	}
	slices.SortFunc(all, func(a, b Row) int {
		if less(a.UpdatedAt, []byte(a.ID), b.UpdatedAt, []byte(b.ID)) {
			return -1
		}
		return 1
	})
	for _, r := range all {
		if after != nil && !less(after.UpdatedAt, []byte(after.ID), r.UpdatedAt, []byte(r.ID)) {
			continue
		}
		if len(ids) < limit {
			ids = append(ids, r.ID)
		}
	}
	return ids, len(all)
}

var (
	words = []string{"alpha", "beta", "gamma", "delta", "alphabet", "bet", "", "a\x00b", "zeta@example.com",
		"eta@example.org", "ÉCOLE"}
	cols = []string{"state", "tags", "n", "f", "b", "p", "big", "email"}
)

func randRow(r *rand.Rand, id string) Row {
	row := Row{ID: id, UpdatedAt: int64(r.IntN(50)), Summary: []byte("sum-" + id)}
	if r.IntN(5) > 0 {
		row.Values = append(row.Values, Value{Col: "state", Type: Keyword, Strs: []string{words[r.IntN(len(words))]}})
	}
	if r.IntN(3) > 0 {
		var tags []string
		for n := r.IntN(4); n > 0; n-- {
			tags = append(tags, words[r.IntN(len(words))])
		}
		row.Values = append(row.Values, Value{Col: "tags", Type: Keyword, Strs: tags})
	}
	if r.IntN(3) > 0 {
		row.Values = append(row.Values, Value{Col: "n", Type: Int, Int: int64(r.IntN(20) - 5)})
	}
	if r.IntN(2) == 0 {
		row.Values = append(row.Values, Value{Col: "email", Type: Keyword, Strs: []string{fmt.Sprintf("u%d@d%d.com", r.IntN(150), r.IntN(5))}})
	}
	if r.IntN(10) == 0 {
		row.Values = append(row.Values, Value{Col: "big", Type: Int, Int: 1 << 40 * int64(r.IntN(3))})
	}
	if r.IntN(3) > 0 {
		row.Values = append(row.Values, Value{Col: "f", Type: Float, Float: float64(r.IntN(10)) / 2})
	}
	if r.IntN(3) > 0 {
		row.Values = append(row.Values, Value{Col: "b", Type: Bool, Bool: r.IntN(2) == 0})
	}
	if r.IntN(2) > 0 {
		row.Values = append(row.Values, Value{Col: "p", Type: Presence})
	}
	return row
}

func randAtom(r *rand.Rand) Atom {
	switch r.IntN(9) {
	case 7:
		ops := []KeywordOp{Eq, Contains, Prefix, Suffix}
		vals := []string{"u1", "@d1.com", "1@d", "u12@d3.com", "d4.com", ".com"}
		return KeywordAtom("email", ops[r.IntN(len(ops))], vals[r.IntN(len(vals))])
	case 0, 1:
		col := []string{"state", "tags"}[r.IntN(2)]
		op := KeywordOp(1 + r.IntN(8))
		n := 1
		if op == Eq {
			n = 1 + r.IntN(3)
		}
		vals := make([]string, n)
		for i := range vals {
			w := words[r.IntN(len(words))]
			if op != Eq && len(w) > 2 && r.IntN(2) == 0 {
				lo := r.IntN(len(w) - 1)
				w = w[lo : lo+1+r.IntN(len(w)-lo-1)]
			}
			vals[i] = w
		}
		return KeywordAtom(col, op, vals...)
	case 2:
		lo := int64(r.IntN(20) - 8)
		return IntAtom("n", IntRange{lo, lo + int64(r.IntN(8))}, IntRange{100, 100})
	case 3:
		return IntAtom("big", IntRange{1 << 40, 1 << 41})
	case 4:
		return FloatAtom("f", FloatRange{Lo: float64(r.IntN(5)), Hi: float64(2 + r.IntN(5)), LoIncl: r.IntN(2) == 0, HiIncl: r.IntN(2) == 0})
	case 5:
		return BoolAtom("b", r.IntN(2) == 0)
	case 6:
		return PresentAtom(cols[r.IntN(len(cols))])
	}
	return KeywordAtom("missing", Eq, "x")
}

func randFilter(r *rand.Rand, maxOrd int) Filter {
	var f Filter
	for n := r.IntN(3); n > 0; n-- {
		cl := Clause{Not: r.IntN(3) == 0}
		for k := 1 + r.IntN(2); k > 0; k-- {
			if r.IntN(8) == 0 {
				var set OrdSet
				for o := 0; o < maxOrd; o++ {
					if r.IntN(3) == 0 {
						set = set.Add(uint32(o))
					}
				}
				cl.Any = append(cl.Any, OrdAtom(set))
				continue
			}
			cl.Any = append(cl.Any, randAtom(r))
		}
		f = append(f, cl)
	}
	return f
}

// TestTable_AgreesWithModel drives the table and the model with the same random writes and compares every query,
// walking each result page by page through cursors.
func TestTable_AgreesWithModel(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -table.seed=%d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 1))
	for round := 0; round < 4; round++ {
		tb, m := New(), model{}
		tb.compactMin = 1 + r.IntN(300) // compact often, so cursors cross sorted slots and tail
		bulk := round%2 == 1
		if bulk {
			tb.Defer()
		}
		nIDs := 50 + r.IntN(400)
		nextOrd := uint32(0)
		var pending *Unverified // what the last snapshot load left to verify
		for op := 0; op < 2000; op++ {
			id := fmt.Sprintf("id%03d", r.IntN(nIDs))
			if r.IntN(8) == 0 {
				tb.Delete(id)
				delete(m, id)
			} else {
				row := randRow(r, id)
				if old, ok := m[id]; ok {
					row.Ord = old.Ord // ordinals stay with a live record
				} else {
					row.Ord = nextOrd
					nextOrd++
				}
				if got, ok := tb.Ord(id); ok != (m[id].ID != "") || (ok && got != row.Ord) {
					t.Fatalf("Ord(%s) = %d, %v before the update; want %d", id, got, ok, row.Ord)
				}
				tb.Put(row)
				m[id] = row
			}
			if op == 1000 && bulk {
				tb.Compact()
			}
			if op%100 != 0 {
				continue
			}
			if op%200 == 0 && !tb.deferred {
				// Carry on with the table as a snapshot restores it: every check below and every later write
				// then runs on the loaded copy.
				// The parts left to Verify must still match after the writes since the last load: writes never
				// change them in place.
				if pending != nil {
					if err := pending.Verify(context.Background()); err != nil {
						t.Fatalf("round %d op %d: writes changed the loaded snapshot's unverified bytes: %v", round, op, err)
					}
				}
				min := tb.compactMin
				tb, pending = loadRoundTrip(t, tb)
				tb.compactMin = min
			}
			if tb.Len() != len(m) {
				t.Fatalf("round %d op %d: Len = %d, model has %d", round, op, tb.Len(), len(m))
			}
			f := randFilter(r, int(nextOrd))
			var wantOrds []uint32
			for _, row := range m {
				if m.matches(row, f) {
					wantOrds = append(wantOrds, row.Ord)
				}
			}
			gotOrds := tb.Ords(f)
			if gotOrds.Len() != len(wantOrds) {
				t.Fatalf("round %d op %d: Ords has %d members, model %d", round, op, gotOrds.Len(), len(wantOrds))
			}
			for _, o := range wantOrds {
				if !gotOrds.Has(o) {
					t.Fatalf("round %d op %d: Ords lacks %d", round, op, o)
				}
			}
			limit := 1 + r.IntN(7)
			var after *Key
			seen := 0
			for page := 0; ; page++ {
				got := tb.Search(f, after, limit)
				want, total := m.search(f, after, limit)
				var gotIDs []string
				for _, mt := range got.Matches {
					gotIDs = append(gotIDs, mt.ID)
					if string(mt.Summary) != "sum-"+mt.ID || mt.UpdatedAt != m[mt.ID].UpdatedAt {
						t.Fatalf("round %d op %d: match %s carries summary %q, updated_at %d", round, op, mt.ID, mt.Summary, mt.UpdatedAt)
					}
				}
				if !slices.Equal(gotIDs, want) || got.Total != total {
					t.Fatalf("round %d op %d page %d filter %+v after %+v:\n got %v total %d\nwant %v total %d",
						round, op, page, f, after, gotIDs, got.Total, want, total)
				}
				seen += len(gotIDs)
				if !got.More {
					if seen != total {
						t.Fatalf("round %d op %d: pages ended after %d of %d rows", round, op, seen, total)
					}
					break
				}
				last := got.Matches[len(got.Matches)-1]
				after = &Key{UpdatedAt: last.UpdatedAt, ID: last.ID}
			}
		}
	}
}

func TestTable_UpdateMovesRowAndKeepsOneVersion(t *testing.T) {
	tb := New()
	tb.Put(Row{ID: "1", UpdatedAt: 10, Values: []Value{{Col: "state", Type: Keyword, Strs: []string{"open"}}}})
	tb.Put(Row{ID: "2", UpdatedAt: 20, Values: []Value{{Col: "state", Type: Keyword, Strs: []string{"open"}}}})
	tb.Put(Row{ID: "1", UpdatedAt: 30, Values: []Value{{Col: "state", Type: Keyword, Strs: []string{"closed"}}}})
	res := tb.Search(Filter{{Any: []Atom{KeywordAtom("state", Eq, "open")}}}, nil, 10)
	if res.Total != 1 || res.Matches[0].ID != "2" {
		t.Fatalf("open rows = %+v, want only 2 (1 was updated to closed)", res)
	}
	res = tb.Search(nil, nil, 10)
	if res.Total != 2 || res.Matches[0].ID != "1" || res.Matches[1].ID != "2" {
		t.Fatalf("all rows = %+v, want 1 (updated last) then 2", res)
	}
	if u, ok := tb.Has("1"); !ok || u != 30 {
		t.Fatalf("Has(1) = %d, %v; want 30, true", u, ok)
	}
}

func TestTable_CompactionKeepsResults(t *testing.T) {
	tb := New()
	for i := 0; i < 20000; i++ {
		tb.Put(Row{ID: fmt.Sprintf("%06d", i), UpdatedAt: int64(i % 997),
			Values: []Value{{Col: "n", Type: Int, Int: int64(i % 7)}}})
	}
	if st := tb.Stats(); st.Tail >= tb.compactAt(st.Slots) {
		t.Fatalf("tail %d never compacted", st.Tail)
	}
	res := tb.Search(Filter{{Any: []Atom{IntAtom("n", IntRange{3, 3})}}}, nil, 3)
	if res.Total != 20000/7 || res.Matches[0].UpdatedAt != 996 {
		t.Fatalf("got %+v", res)
	}
}

func TestDict_PatternsFindEachValueOnce(t *testing.T) {
	d := newDict()
	for _, v := range []string{"anna@example.com", "bob@example.org", "example", "xexamplex", "ann"} {
		d.put(v)
	}
	tests := []struct {
		op   KeywordOp
		v    string
		want []string
	}{
		{Contains, "example", []string{"anna@example.com", "bob@example.org", "example", "xexamplex"}},
		{Prefix, "ann", []string{"anna@example.com", "ann"}},
		{Suffix, "example.com", []string{"anna@example.com"}},
		{Suffix, "x", []string{"xexamplex"}},
		{Prefix, "example", []string{"example"}},
		{Eq, "ann", []string{"ann"}},
		{Eq, "an", nil},
		{Less, "b", []string{"anna@example.com", "ann"}},
	}
	for _, tc := range tests {
		set := d.match(tc.op, []string{tc.v})
		var got []string
		for c := uint32(1); int(c) <= d.len(); c++ {
			if set.has(c) {
				got = append(got, string(d.value(c)))
			}
		}
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("op %d %q: got %v, want %v", tc.op, tc.v, got, want)
		}
	}
}

// TestDict_SortedViewsAndCacheAgreeWithScan grows a dictionary past the size where starts_with and ends_with use
// sorted views and contains uses cached sets, querying between growth steps, and compares every answer with the
// plain string functions.
func TestDict_SortedViewsAndCacheAgreeWithScan(t *testing.T) {
	// One scan on one goroutine, and every contains scan split into three ranges however short.
	for _, split := range []struct{ parMin, parts int }{{defaultParMin, 1}, {1, 3}} {
		t.Run(fmt.Sprintf("parts-%d", split.parts), func(t *testing.T) {
			testDictAgainstScan(t, split.parMin, split.parts)
		})
	}
}

func testDictAgainstScan(t *testing.T, parMin, parts int) {
	r := rand.New(rand.NewPCG(9, 9))
	d := newDict()
	d.parMin, d.parts = parMin, parts
	var vals []string
	pats := []string{"u1", "u12", "@d3.com", ".com", "3@d", "7", "", "x", "u99@d9.org"}
	for round := 0; round < 6; round++ {
		for i := 0; i < 900; i++ {
			v := fmt.Sprintf("u%d@d%d.%s", r.IntN(3000), r.IntN(20), []string{"com", "org"}[r.IntN(2)])
			if d.lookup(v) == 0 {
				vals = append(vals, v)
			}
			d.put(v)
		}
		for _, op := range []KeywordOp{Prefix, Suffix, Contains} {
			for _, p := range pats {
				got := d.match(op, []string{p})
				n := 0
				for _, v := range vals {
					if keywordMatches(op, v, p) != got.has(d.lookup(v)) {
						t.Fatalf("round %d op %d %q: value %q disagrees", round, op, p, v)
					}
					if keywordMatches(op, v, p) {
						n++
					}
				}
				if got.count() != n {
					t.Fatalf("round %d op %d %q: %d codes, want %d", round, op, p, got.count(), n)
				}
			}
		}
	}
	if d.sorted == 0 || len(d.cache) == 0 {
		t.Fatalf("views (%d sorted) or cache (%d patterns) never used", d.sorted, len(d.cache))
	}
}

// snapshotRoundTrip returns the table as WriteSnapshot and LoadSnapshot restore it, every checksum verified.
func snapshotRoundTrip(t *testing.T, tb *Table) *Table {
	t.Helper()
	loaded, pending := loadRoundTrip(t, tb)
	if err := pending.Verify(context.Background()); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return loaded
}

// loadRoundTrip returns the table as WriteSnapshot and LoadSnapshot restore it, and what is left to verify.
func loadRoundTrip(t *testing.T, tb *Table) (*Table, *Unverified) {
	t.Helper()
	var buf bytes.Buffer
	if err := tb.WriteSnapshot(&buf); err != nil {
		t.Fatalf("WriteSnapshot: %v", err)
	}
	loaded, pending, err := LoadSnapshot(buf.Bytes())
	if err != nil {
		t.Fatalf("LoadSnapshot: %v", err)
	}
	if got, want := loaded.Stats(), tb.Stats(); got.Rows != want.Rows || got.Slots != want.Slots ||
		got.Tail != want.Tail || got.Columns != want.Columns {
		t.Fatalf("loaded table %+v, written %+v", got, want)
	}
	return loaded, pending
}

func TestLoadSnapshot_RejectsDamageWithoutPanicking(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tb := New()
	for i := range 300 {
		row := randRow(r, fmt.Sprintf("id%03d", i%200))
		row.Ord = uint32(i % 200)
		tb.Put(row)
	}
	var buf bytes.Buffer
	if err := tb.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for n := 0; n < len(good); n += 1 + n/50 {
		if _, _, err := LoadSnapshot(bytes.Clone(good[:n])); !errors.Is(err, ErrSnapshot) {
			t.Fatalf("snapshot cut to %d of %d bytes: err = %v, want ErrSnapshot", n, len(good), err)
		}
	}
	// A flipped byte either fails to load or loads a table whose Verify reports it (the bulk that only answers
	// read is checked after loading): it is never missed, and it never panics.
	later := 0
	for range 2000 {
		bad := bytes.Clone(good)
		at := r.IntN(len(bad))
		bad[at] ^= byte(1 + r.IntN(255))
		loaded, pending, err := LoadSnapshot(bad)
		if err != nil {
			if !errors.Is(err, ErrSnapshot) {
				t.Fatalf("byte %d flipped: err = %v, want ErrSnapshot", at, err)
			}
			continue
		}
		loaded.Search(nil, nil, 5)
		if err := pending.Verify(context.Background()); !errors.Is(err, ErrSnapshot) {
			t.Fatalf("byte %d of %d flipped: loaded, and Verify says %v", at, len(bad), err)
		}
		later++
	}
	if later == 0 {
		t.Fatal("no flipped byte was left to Verify: the deferred checks went untested")
	}
	if _, pending, err := LoadSnapshot(bytes.Clone(good)); err != nil || pending.Size() == 0 {
		t.Fatalf("intact snapshot: err %v, %d bytes left to verify", err, pending.Size())
	}
	var old bytes.Buffer
	old.Write(good)
	binary.LittleEndian.PutUint32(old.Bytes()[4:], SnapshotVersion-1)
	if _, _, err := LoadSnapshot(old.Bytes()); !errors.Is(err, ErrSnapshot) ||
		!strings.Contains(err.Error(), "layout version") {
		t.Fatalf("snapshot of an older layout: err = %v, want ErrSnapshot naming the layout version", err)
	}
}

// TestTable_KeywordsFoldButKeepTheirSpelling checks that keyword values compare case-insensitively (a row's "VIP"
// is found by "vip" and by "Vip") while a group's key keeps the spelling the value was first put in, through
// compaction and a snapshot.
// reloads are the states a test checks a table in, one after the other: as put, compacted, then read back from a
// snapshot.
func reloads(t *testing.T) []struct {
	name string
	do   func(*Table) *Table
} {
	return []struct {
		name string
		do   func(*Table) *Table
	}{
		{"as put", func(tb *Table) *Table { return tb }},
		{"compacted", func(tb *Table) *Table { tb.Compact(); return tb }},
		{"from a snapshot", func(tb *Table) *Table { return snapshotRoundTrip(t, tb) }},
	}
}

func TestTable_KeywordsFoldButKeepTheirSpelling(t *testing.T) {
	tb := New()
	for i, tags := range [][]string{{"VIP", "billing"}, {"vip"}, {"Straße", "ÉCOLE"}, {"straße"}, {"VIP", "Priority Support"}} {
		tb.Put(Row{ID: fmt.Sprint(i), UpdatedAt: int64(i), Ord: uint32(i), Values: []Value{{Col: "tags", Type: Keyword, Strs: tags}}})
	}
	want := map[string]int{"VIP": 3, "billing": 1, "Straße": 2, "ÉCOLE": 1, "Priority Support": 1}
	for _, step := range reloads(t) {
		tb = step.do(tb)
		got := map[string]int{}
		for _, g := range tb.Aggregate(nil, []Dim{{Cols: []string{"tags"}}}, nil).Groups {
			got[g.Keys[0].Str] = g.Count
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: groups %v, want %v", step.name, got, want)
		}
		for v, n := range map[string]int{"vip": 3, "Vip": 3, "STRASSE": 0, "STRAßE": 2, "école": 1} {
			if c := tb.Count(Filter{{Any: []Atom{KeywordAtom("tags", Eq, v)}}}); c != n {
				t.Errorf("%s: tags = %q counts %d, want %d", step.name, v, c, n)
			}
		}
	}
}
