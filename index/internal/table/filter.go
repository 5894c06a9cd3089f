package table

import (
	"math"
	"math/bits"
	"strings"
)

// A Filter is a conjunction of clauses; a clause is a disjunction of atoms, optionally negated; an atom tests one
// column. That is enough for every operator of the query language: "in" is one atom with several values, "neq" a
// negated clause, a custom attribute (whose values may be strings in some records and numbers in others) a clause
// with one atom per type.
//
// A row with no value in a column never satisfies an atom on that column, so it satisfies the negation of any
// clause about it: neq, nin and not_contains include rows that lack the field, as Intercom's do.
type Filter []Clause

// Clause is satisfied when any of its atoms is (or, with Not, when none is).
type Clause struct {
	Any []Atom
	Not bool
}

// Atom is a test on one column. Build atoms with KeywordAtom, IntAtom, FloatAtom, BoolAtom and PresentAtom.
type Atom struct {
	col  string
	kind Type
	kop  KeywordOp
	strs []string
	ints []IntRange
	flts []FloatRange
	b    bool
	ords OrdSet
}

// KeywordOp is the comparison a keyword atom makes.
type KeywordOp uint8

// Keyword operators. Values are compared as bytes once folded (FoldKeyword): rows' values and atoms' alike.
const (
	Eq        KeywordOp = iota + 1 // the value is one of the atom's values
	Contains                       // the value contains one of the atom's values
	Prefix                         // the value starts with one of the atom's values
	Suffix                         // the value ends with one of the atom's values
	Less                           // the value sorts before the atom's value
	LessEq                         //
	Greater                        //
	GreaterEq                      //
)

// KeywordAtom matches rows where any value of keyword column col satisfies op against any of vals.
func KeywordAtom(col string, op KeywordOp, vals ...string) Atom {
	clean := make([]string, len(vals))
	for i, v := range vals {
		clean[i] = FoldKeyword(strings.ReplaceAll(v, "\x00", "\uFFFD"))
	}
	return Atom{col: col, kind: Keyword, kop: op, strs: clean}
}

// IntRange is an inclusive range of whole numbers.
type IntRange struct{ Lo, Hi int64 }

// IntAtom matches rows whose value in int column col lies in any of the ranges.
func IntAtom(col string, ranges ...IntRange) Atom { return Atom{col: col, kind: Int, ints: ranges} }

// FloatRange is a range of numbers; each end is open or closed.
type FloatRange struct {
	Lo, Hi         float64
	LoIncl, HiIncl bool
}

func (r FloatRange) contains(v float64) bool {
	return (v > r.Lo || (r.LoIncl && v == r.Lo)) && (v < r.Hi || (r.HiIncl && v == r.Hi))
}

// FloatAtom matches rows whose value in float column col lies in any of the ranges.
func FloatAtom(col string, ranges ...FloatRange) Atom {
	return Atom{col: col, kind: Float, flts: ranges}
}

// BoolAtom matches rows whose value in bool column col is v.
func BoolAtom(col string, v bool) Atom { return Atom{col: col, kind: Bool, b: v} }

// PresentAtom matches rows that have a value in column col, whatever its type.
func PresentAtom(col string) Atom { return Atom{col: col, kind: Presence} }

// OrdSet is a set of row ordinals (see Row.Ord): how other structures hand the table a set of rows, and how the
// table hands one back.
type OrdSet []uint64

// Add puts ord in the set, growing it as needed, and returns the set.
func (s OrdSet) Add(ord uint32) OrdSet {
	w := int(ord >> 6)
	for len(s) <= w {
		s = append(s, 0)
	}
	s[w] |= 1 << (ord & 63)
	return s
}

// Has reports whether ord is in the set.
func (s OrdSet) Has(ord uint32) bool {
	w := int(ord >> 6)
	return w < len(s) && s[w]&(1<<(ord&63)) != 0
}

// Len returns the size of the set.
func (s OrdSet) Len() int { return bitset(s).count() }

// Or adds every member of o to the set and returns the set.
func (s OrdSet) Or(o OrdSet) OrdSet {
	for len(s) < len(o) {
		s = append(s, 0)
	}
	for w, word := range o {
		s[w] |= word
	}
	return s
}

// Each calls fn with every member of the set in increasing order.
func (s OrdSet) Each(fn func(ord uint32)) {
	for w, word := range s {
		for word != 0 {
			fn(uint32(w*64 + bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
}

// OrdAtom matches the rows whose ordinal is in set.
func OrdAtom(set OrdSet) Atom { return Atom{kind: ordKind, ords: set} }

// ordKind marks an OrdAtom; it is no column type.
const ordKind Type = 0xff

// wordFunc returns the atom's result for the 64 slots of word w.
type wordFunc func(w int) uint64

// bind resolves the atom against the table's current columns, doing per-query work (such as matching a pattern
// against a dictionary) once.
func (a *Atom) bind(t *Table) wordFunc {
	if a.kind == ordKind {
		return ordWords(t, a.ords)
	}
	c := t.cols[a.col]
	if c == nil {
		return nil // no row has this column: the atom matches nothing
	}
	if a.kind == Presence {
		return presentWords(c)
	}
	if a.kind != c.typ {
		return nil
	}
	switch c.typ {
	case Keyword:
		return keywordWords(c, a.kop, a.strs)
	case Int:
		return intWords(c, a.ints)
	case Float:
		return floatWords(c, a.flts)
	case Bool:
		want := uint8(1)
		if a.b {
			want = 2
		}
		bools := c.bools
		return func(w int) uint64 {
			var out uint64
			lo, hi := span(w, len(bools))
			for s := lo; s < hi; s++ {
				if bools[s] == want {
					out |= 1 << (s & 63)
				}
			}
			return out
		}
	}
	return nil
}

// ordWords maps an ordinal set to the slots of its live rows, once, so the clause is a bitset AND.
func ordWords(t *Table, ords OrdSet) wordFunc {
	slots := newBitset(len(t.updated))
	for w, word := range ords {
		for word != 0 {
			ord := uint32(w*64 + bits.TrailingZeros64(word))
			word &= word - 1
			if int(ord) < len(t.ordSlot) {
				if s := t.ordSlot[ord]; s != 0 {
					slots.set(s - 1)
				}
			}
		}
	}
	return func(w int) uint64 {
		if w < len(slots) {
			return slots[w]
		}
		return 0
	}
}

// span returns the slots of word w that lie below n.
func span(w, n int) (int, int) {
	lo := w * 64
	hi := min(lo+64, n)
	return lo, hi
}

func presentWords(c *column) wordFunc {
	switch c.typ {
	case Keyword:
		if c.multi {
			mlen := c.mlen
			return func(w int) uint64 {
				var out uint64
				lo, hi := span(w, len(mlen))
				for s := lo; s < hi; s++ {
					if mlen[s] != 0 {
						out |= 1 << (s & 63)
					}
				}
				return out
			}
		}
		codes := c.codes
		return func(w int) uint64 {
			var out uint64
			lo, hi := span(w, len(codes))
			for s := lo; s < hi; s++ {
				if codes[s] != 0 {
					out |= 1 << (s & 63)
				}
			}
			return out
		}
	case Bool:
		bools := c.bools
		return func(w int) uint64 {
			var out uint64
			lo, hi := span(w, len(bools))
			for s := lo; s < hi; s++ {
				if bools[s] != 0 {
					out |= 1 << (s & 63)
				}
			}
			return out
		}
	}
	present := c.present
	return func(w int) uint64 {
		if w < len(present) {
			return present[w]
		}
		return 0
	}
}

func keywordWords(c *column, op KeywordOp, vals []string) wordFunc {
	if c.bitmaps != nil {
		var sets []bitset
		for _, code := range c.dict.match(op, vals).codes() {
			if int(code) < len(c.bitmaps) && c.bitmaps[code] != nil {
				sets = append(sets, c.bitmaps[code])
			}
		}
		switch len(sets) {
		case 0:
			return nil
		case 1:
			one := sets[0]
			return func(w int) uint64 {
				if w < len(one) {
					return one[w]
				}
				return 0
			}
		}
		return func(w int) uint64 {
			var out uint64
			for _, bm := range sets {
				if w < len(bm) {
					out |= bm[w]
				}
			}
			return out
		}
	}
	if op == Eq && len(vals) == 1 {
		code := c.dict.lookup(vals[0])
		if code == 0 {
			return nil
		}
		if !c.multi {
			codes := c.codes
			return func(w int) uint64 {
				var out uint64
				lo, hi := span(w, len(codes))
				for s := lo; s < hi; s++ {
					if codes[s] == code {
						out |= 1 << (s & 63)
					}
				}
				return out
			}
		}
	}
	set := c.dict.match(op, vals)
	if set.count() == 0 {
		return nil
	}
	if !c.multi {
		codes := c.codes
		return func(w int) uint64 {
			var out uint64
			lo, hi := span(w, len(codes))
			for s := lo; s < hi; s++ {
				if set.has(codes[s]) {
					out |= 1 << (s & 63)
				}
			}
			return out
		}
	}
	mstart, mlen, mvals := c.mstart, c.mlen, c.mvals
	return func(w int) uint64 {
		var out uint64
		lo, hi := span(w, len(mlen))
		for s := lo; s < hi; s++ {
			st := mstart[s]
			for _, v := range mvals[st : st+uint32(mlen[s])] {
				if set.has(v) {
					out |= 1 << (s & 63)
					break
				}
			}
		}
		return out
	}
}

func intWords(c *column, ranges []IntRange) wordFunc {
	present := c.present
	if c.i64 == nil {
		// Clamp the ranges to int32 once so the loop compares 32-bit values.
		type r32 struct{ lo, hi int32 }
		var rs []r32
		for _, r := range ranges {
			if r.Lo > r.Hi || r.Hi < math.MinInt32 || r.Lo > math.MaxInt32 {
				continue
			}
			rs = append(rs, r32{int32(max(r.Lo, math.MinInt32)), int32(min(r.Hi, math.MaxInt32))})
		}
		if len(rs) == 0 {
			return nil
		}
		vals := c.i32
		if len(rs) == 1 {
			lo32, hi32 := rs[0].lo, rs[0].hi
			return func(w int) uint64 {
				if w >= len(present) || present[w] == 0 {
					return 0
				}
				var out uint64
				lo, hi := span(w, len(vals))
				for s := lo; s < hi; s++ {
					if v := vals[s]; v >= lo32 && v <= hi32 {
						out |= 1 << (s & 63)
					}
				}
				return out & present[w]
			}
		}
		return func(w int) uint64 {
			if w >= len(present) || present[w] == 0 {
				return 0
			}
			var out uint64
			lo, hi := span(w, len(vals))
			for s := lo; s < hi; s++ {
				v := vals[s]
				for _, r := range rs {
					if v >= r.lo && v <= r.hi {
						out |= 1 << (s & 63)
						break
					}
				}
			}
			return out & present[w]
		}
	}
	vals := c.i64
	return func(w int) uint64 {
		if w >= len(present) || present[w] == 0 {
			return 0
		}
		var out uint64
		lo, hi := span(w, len(vals))
		for s := lo; s < hi; s++ {
			v := vals[s]
			for _, r := range ranges {
				if v >= r.Lo && v <= r.Hi {
					out |= 1 << (s & 63)
					break
				}
			}
		}
		return out & present[w]
	}
}

func floatWords(c *column, ranges []FloatRange) wordFunc {
	present, vals := c.present, c.f64
	return func(w int) uint64 {
		if w >= len(present) || present[w] == 0 {
			return 0
		}
		var out uint64
		lo, hi := span(w, len(vals))
		for s := lo; s < hi; s++ {
			for _, r := range ranges {
				if r.contains(vals[s]) {
					out |= 1 << (s & 63)
					break
				}
			}
		}
		return out & present[w]
	}
}

// eval computes the set of live slots matching f. Clauses are applied one at a time, each only on the words that
// still have candidates, so a selective first clause makes the rest cheap.
//
// The returned set comes from t.sets; release it with t.release when done.
func (t *Table) eval(f Filter) bitset {
	res := t.scratch()
	copy(res, t.live)
	for _, cl := range f {
		funcs := make([]wordFunc, 0, len(cl.Any))
		for i := range cl.Any {
			if fn := cl.Any[i].bind(t); fn != nil {
				funcs = append(funcs, fn)
			}
		}
		if len(funcs) == 0 && !cl.Not {
			clear(res) // nothing can match
			return res
		}
		if len(funcs) == 0 {
			continue // NOT(nothing) keeps every row
		}
		for w, word := range res {
			if word == 0 {
				continue
			}
			var m uint64
			for _, fn := range funcs {
				m |= fn(w)
			}
			if cl.Not {
				res[w] = word &^ m
			} else {
				res[w] = word & m
			}
		}
	}
	return res
}

func (t *Table) scratch() bitset {
	if p, ok := t.sets.Get().(*bitset); ok && cap(*p) >= len(t.live) {
		return (*p)[:len(t.live)]
	}
	return make(bitset, len(t.live), len(t.live)+len(t.live)/8)
}

func (t *Table) release(b bitset) {
	t.sets.Put(&b)
}

// Ords returns the ordinals of the live rows matching f.
func (t *Table) Ords(f Filter) OrdSet {
	set := t.eval(f)
	defer t.release(set)
	out := make(OrdSet, (len(t.ordSlot)+63)/64)
	for w, word := range set {
		for word != 0 {
			s := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			out = out.Add(t.slotOrd[s])
		}
	}
	return out
}
