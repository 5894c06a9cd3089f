package table

import (
	"math"
	"strings"
)

// Type is the type of a column.
type Type uint8

// The column types. Presence columns record only that a row has a value (used for text fields, whose words live in
// the full-text index, so that exists/not_exists on them need not leave the table).
const (
	Keyword Type = iota + 1
	Int
	Float
	Bool
	Presence
)

// String returns the type's name: keyword, int, float, bool or presence.
func (t Type) String() string {
	switch t {
	case Keyword:
		return "keyword"
	case Int:
		return "int"
	case Float:
		return "float"
	case Bool:
		return "bool"
	case Presence:
		return "presence"
	}
	return "invalid"
}

// column holds one field's values for every slot. Slices are indexed by slot and may be shorter than the table:
// a slot past the end has no value, so a field that only recent rows carry costs nothing for older ones, and a
// field no row carries costs nothing at all. Every slot is written once (an update appends a new slot).
type column struct {
	typ Type

	// Keyword. A column starts single-valued (codes) and switches to the multi-valued layout the first time a row
	// brings more than one value.
	dict   *dict
	codes  []uint32 // single-valued: code per slot, 0 = none
	multi  bool
	mstart []uint32 // multi-valued: slot s holds mvals[mstart[s] : mstart[s]+mlen[s]]
	mlen   []uint16
	mvals  []uint32
	// While the dictionary is small (an enum, tag names), a bitset per code answers eq and in by AND/OR of words
	// instead of comparing every row; the sets are dropped for good when the dictionary outgrows maxBitmapCodes.
	bitmaps   []bitset // indexed by code; nil when off
	noBitmaps bool

	// Int: values as int32 while they fit (timestamps and durations do), int64 after the first that does not.
	i32     []int32
	i64     []int64
	f64     []float64 // Float
	present bitset    // Int, Float, Presence
	bools   []uint8   // Bool: 0 none, 1 false, 2 true
}

func newColumn(t Type) *column {
	c := &column{typ: t}
	if t == Keyword {
		c.dict = newDict()
	}
	return c
}

// maxBitmapCodes is the largest dictionary that keeps a bitset per code: at a million rows each costs 125 KB.
const maxBitmapCodes = 64

func (c *column) setBitmap(slot, code uint32) {
	if c.noBitmaps {
		return
	}
	if int(code) > maxBitmapCodes {
		c.noBitmaps, c.bitmaps = true, nil
		return
	}
	c.bitmaps = growTo(c.bitmaps, int(code)+1)
	c.bitmaps[code] = c.bitmaps[code].grow(int(slot) + 1)
	c.bitmaps[code].set(slot)
}

// maxListLen bounds the values a row keeps in one keyword column (Intercom lists are far shorter).
const maxListLen = math.MaxUint16

func (c *column) setKeyword(slot uint32, vals []string) {
	if len(vals) == 0 {
		return
	}
	if len(vals) > maxListLen {
		vals = vals[:maxListLen]
	}
	if len(vals) > 1 && !c.multi {
		c.toMulti()
	}
	if !c.multi {
		c.codes = growTo(c.codes, int(slot)+1)
		code := c.dict.put(vals[0])
		c.codes[slot] = code
		c.setBitmap(slot, code)
		return
	}
	c.mstart = growTo(c.mstart, int(slot)+1)
	c.mlen = growTo(c.mlen, int(slot)+1)
	c.mstart[slot] = uint32(len(c.mvals))
	c.mlen[slot] = uint16(len(vals))
	for _, v := range vals {
		code := c.dict.put(v)
		c.mvals = append(c.mvals, code)
		c.setBitmap(slot, code)
	}
}

func (c *column) toMulti() {
	c.multi = true
	c.mstart = make([]uint32, len(c.codes))
	c.mlen = make([]uint16, len(c.codes))
	for s, code := range c.codes {
		if code != 0 {
			c.mstart[s] = uint32(len(c.mvals))
			c.mlen[s] = 1
			c.mvals = append(c.mvals, code)
		}
	}
	c.codes = nil
}

func (c *column) setInt(slot uint32, v int64) {
	c.present = c.present.grow(int(slot) + 1)
	c.present.set(slot)
	if c.i64 == nil && v >= math.MinInt32 && v <= math.MaxInt32 {
		c.i32 = growTo(c.i32, int(slot)+1)
		c.i32[slot] = int32(v)
		return
	}
	if c.i64 == nil {
		c.i64 = make([]int64, len(c.i32), max(len(c.i32), int(slot)+1))
		for i, x := range c.i32 {
			c.i64[i] = int64(x)
		}
		c.i32 = nil
	}
	c.i64 = growTo(c.i64, int(slot)+1)
	c.i64[slot] = v
}

func (c *column) setFloat(slot uint32, v float64) {
	c.present = c.present.grow(int(slot) + 1)
	c.present.set(slot)
	c.f64 = growTo(c.f64, int(slot)+1)
	c.f64[slot] = v
}

func (c *column) setBool(slot uint32, v bool) {
	c.bools = growTo(c.bools, int(slot)+1)
	if v {
		c.bools[slot] = 2
	} else {
		c.bools[slot] = 1
	}
}

func (c *column) setPresent(slot uint32) {
	c.present = c.present.grow(int(slot) + 1)
	c.present.set(slot)
}

// permute returns the column rebuilt for new slots: new slot i holds old slot perm[i].
func (c *column) permute(perm []uint32) *column {
	n := &column{typ: c.typ, dict: c.dict, multi: c.multi, noBitmaps: c.noBitmaps}
	switch c.typ {
	case Keyword:
		if !n.noBitmaps {
			n.bitmaps = make([]bitset, len(c.bitmaps))
			for code, bm := range c.bitmaps {
				if bm != nil {
					n.bitmaps[code] = newBitset(len(perm))
				}
			}
		}
		if !c.multi {
			n.codes = make([]uint32, len(perm))
			for i, s := range perm {
				if int(s) < len(c.codes) {
					code := c.codes[s]
					n.codes[i] = code
					if code != 0 && n.bitmaps != nil {
						n.bitmaps[code].set(uint32(i))
					}
				}
			}
			return n
		}
		n.mstart = make([]uint32, len(perm))
		n.mlen = make([]uint16, len(perm))
		n.mvals = make([]uint32, 0, len(c.mvals))
		for i, s := range perm {
			if int(s) < len(c.mlen) && c.mlen[s] > 0 {
				n.mstart[i] = uint32(len(n.mvals))
				n.mlen[i] = c.mlen[s]
				vals := c.mvals[c.mstart[s] : c.mstart[s]+uint32(c.mlen[s])]
				n.mvals = append(n.mvals, vals...)
				if n.bitmaps != nil {
					for _, code := range vals {
						n.bitmaps[code].set(uint32(i))
					}
				}
			}
		}
	case Int, Float, Presence:
		n.present = newBitset(len(perm))
		switch {
		case c.i64 != nil:
			n.i64 = make([]int64, len(perm))
		case c.typ == Int:
			n.i32 = make([]int32, len(perm))
		case c.typ == Float:
			n.f64 = make([]float64, len(perm))
		}
		for i, s := range perm {
			if !c.present.has(s) {
				continue
			}
			n.present.set(uint32(i))
			switch {
			case c.i64 != nil:
				n.i64[i] = c.i64[s]
			case c.typ == Int:
				n.i32[i] = c.i32[s]
			case c.typ == Float:
				n.f64[i] = c.f64[s]
			}
		}
	case Bool:
		n.bools = make([]uint8, len(perm))
		for i, s := range perm {
			if int(s) < len(c.bools) {
				n.bools[i] = c.bools[s]
			}
		}
	}
	return n
}

// bytes returns an estimate of the column's memory.
func (c *column) bytes() int {
	n := 4*len(c.codes) + 4*len(c.mstart) + 2*len(c.mlen) + 4*len(c.mvals) + 4*len(c.i32) + 8*len(c.i64) +
		8*len(c.f64) + 8*len(c.present) + len(c.bools)
	for _, bm := range c.bitmaps {
		n += 8 * len(bm)
	}
	if c.dict != nil {
		n += len(c.dict.data) + 4*len(c.dict.starts) + 4*len(c.dict.index.slots) + 4*len(c.dict.spellCodes) +
			len(c.dict.spellings.data) + 4*len(c.dict.spellings.offs)
	}
	return n
}

func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	if cap(s) >= n {
		return s[:n]
	}
	grown := make([]T, n, max(n, 2*cap(s), 16))
	copy(grown, s)
	return grown
}

// cleanKeyword returns v as the dictionary stores it: NUL bytes (which the dictionary uses as separators) are
// replaced by U+FFFD.
func cleanKeyword(v string) string {
	if strings.IndexByte(v, 0) < 0 {
		return v
	}
	return strings.ReplaceAll(v, "\x00", "\uFFFD")
}

func (c *column) intAt(slot uint32) int64 {
	if c.i64 != nil {
		return c.i64[slot]
	}
	return int64(c.i32[slot])
}

// has reports whether slot has a value in the column.
func (c *column) has(slot uint32) bool {
	switch c.typ {
	case Keyword:
		if c.multi {
			return int(slot) < len(c.mlen) && c.mlen[slot] > 0
		}
		return int(slot) < len(c.codes) && c.codes[slot] != 0
	case Bool:
		return int(slot) < len(c.bools) && c.bools[slot] != 0
	}
	return c.present.has(slot)
}
