package table

import (
	"bytes"
	"sort"
	"strings"
)

// dict encodes a keyword column's distinct values as small integer codes (1, 2, ...; 0 means "no value"). It also
// answers the string operators over the distinct values, so that a pattern is matched once per distinct value
// rather than once per row.
//
// Values are kept in one byte slice, each preceded and followed by a NUL: "\x00v1\x00v2\x00...\x00". That layout
// turns every pattern operator into a substring search (bytes.Index, vectorised by the runtime):
//
//	contains x     → x
//	starts_with x  → "\x00" + x
//	ends_with x    → x + "\x00"
//
// and a hit's value is found by binary search over the value starts. Values cannot contain NUL: the table replaces
// it with U+FFFD on the way in, and patterns the same way.
type dict struct {
	data   []byte   // "\x00" + v1 + "\x00" + v2 + "\x00" ...
	starts []uint32 // starts[k] = offset of value code k+1
	index  hashIndex
}

func newDict() *dict {
	return &dict{data: []byte{0}, index: newHashIndex()}
}

func (d *dict) value(code uint32) []byte {
	start := d.starts[code-1]
	end := len(d.data) - 1
	if int(code) < len(d.starts) {
		end = int(d.starts[code]) - 1
	}
	return d.data[start:end]
}

func (d *dict) keyOf(v uint32) []byte { return d.value(v) }

// code returns the code of v, adding v when it is new.
func (d *dict) code(v string) uint32 {
	if c, ok := d.index.lookup(v, d.keyOf); ok {
		return c
	}
	d.starts = append(d.starts, uint32(len(d.data)))
	d.data = append(d.data, v...)
	d.data = append(d.data, 0)
	c := uint32(len(d.starts))
	d.index.set(v, c, d.keyOf)
	return c
}

// lookup returns the code of v, or 0 when v is not in the dictionary.
func (d *dict) lookup(v string) uint32 {
	c, _ := d.index.lookup(v, d.keyOf)
	return c
}

func (d *dict) len() int { return len(d.starts) }

// codeAt returns the code of the value that the byte at offset p belongs to (p must lie inside a value or on the
// NUL that ends it).
func (d *dict) codeAt(p int) uint32 {
	k := sort.Search(len(d.starts), func(i int) bool { return int(d.starts[i]) > p })
	return uint32(k)
}

// match returns the set of codes whose value satisfies op against any of vals (already lower-cased and
// NUL-free); bit 0 is never set.
func (d *dict) match(op KeywordOp, vals []string) bitset {
	set := newBitset(d.len() + 1)
	switch op {
	case Eq:
		for _, v := range vals {
			if c := d.lookup(v); c != 0 {
				set.set(c)
			}
		}
	case Contains, Prefix, Suffix:
		for _, v := range vals {
			d.scan(op, v, set)
		}
	case Less, LessEq, Greater, GreaterEq:
		for _, v := range vals {
			for c := uint32(1); int(c) <= d.len(); c++ {
				cmp := strings.Compare(string(d.value(c)), v)
				if (op == Less && cmp < 0) || (op == LessEq && cmp <= 0) || (op == Greater && cmp > 0) ||
					(op == GreaterEq && cmp >= 0) {
					set.set(c)
				}
			}
		}
	}
	return set
}

func (d *dict) scan(op KeywordOp, v string, set bitset) {
	var pat []byte
	switch op {
	case Contains:
		if v == "" {
			// Every value contains the empty string.
			for c := uint32(1); int(c) <= d.len(); c++ {
				set.set(c)
			}
			return
		}
		pat = []byte(v)
	case Prefix:
		pat = append([]byte{0}, v...)
	case Suffix:
		pat = append([]byte(v), 0)
	}
	from := 0
	if op != Prefix {
		from = 1 // skip the leading NUL so a hit always lies inside a value
	}
	for from < len(d.data) {
		i := bytes.Index(d.data[from:], pat)
		if i < 0 {
			return
		}
		p := from + i
		if op == Prefix {
			p++ // the hit starts at the NUL before the value
		}
		c := d.codeAt(p)
		set.set(c)
		// Continue after this value: one hit per value is enough.
		if int(c) < len(d.starts) {
			from = int(d.starts[c])
			if op == Prefix {
				from--
			}
		} else {
			return
		}
	}
}
