package table

// The dictionaries of keyword columns answer, without reading a row, whether a value was ever held: a query for a
// value no record holds (a typo) can then say so.

// HoldsKeyword reports whether keyword column col's dictionary holds value, compared as the column compares
// (folded, FoldKeyword): one hash lookup. Dictionaries keep every value they were given, so a value that only rows
// since replaced or deleted held still counts; Count says whether a live row holds it. False when there is no such
// keyword column.
func (t *Table) HoldsKeyword(col, value string) bool {
	c := t.cols[col]
	if c == nil || c.typ != Keyword {
		return false
	}
	return c.dict.lookup(FoldKeyword(cleanKeyword(value))) != 0
}

// KeywordCount returns how many distinct values keyword column col's dictionary holds (see HoldsKeyword); 0 when
// there is no such column.
func (t *Table) KeywordCount(col string) int {
	c := t.cols[col]
	if c == nil || c.typ != Keyword {
		return 0
	}
	return c.dict.len()
}

// EachKeyword calls fn with every distinct value keyword column col's dictionary holds, as first spelled, in the
// order they were first put. The bytes are the table's: valid during the call only.
func (t *Table) EachKeyword(col string, fn func(spelling []byte)) {
	c := t.cols[col]
	if c == nil || c.typ != Keyword {
		return
	}
	for code := uint32(1); int(code) <= c.dict.len(); code++ {
		if s := c.dict.spelling(code); s != nil {
			fn(s)
		} else {
			fn(c.dict.value(code))
		}
	}
}
