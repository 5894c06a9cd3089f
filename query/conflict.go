package query

import (
	"math"
	"strings"
)

// Bounds returns the inclusive range of whole numbers that satisfy an int or timestamp term with eq, gt, gte, lt
// or lte; on a timestamp, eq spans the UTC day of its value. ok is false for any other term. When no number can
// satisfy the term (gt on the largest int64), lo > hi.
func (t Term) Bounds() (lo, hi int64, ok bool) {
	if t.Field == nil || (t.Field.Type != TypeInt && t.Field.Type != TypeTimestamp) || len(t.Values) != 1 {
		return 0, 0, false
	}
	v := t.Values[0].Int
	switch t.Op {
	case OpEq:
		if t.Field.Type == TypeTimestamp {
			day := v - mod(v, 86400)
			return day, day + 86399, true
		}
		return v, v, true
	case OpGt:
		if v == math.MaxInt64 {
			return 1, 0, true
		}
		return v + 1, math.MaxInt64, true
	case OpGte:
		return v, math.MaxInt64, true
	case OpLt:
		if v == math.MinInt64 {
			return 1, 0, true
		}
		return math.MinInt64, v - 1, true
	case OpLte:
		return math.MinInt64, v, true
	}
	return 0, 0, false
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// conflict reports a term that cannot hold together with one already added: two different values of a
// single-valued field, a value both required and excluded, ranges that leave nothing, exists with not_exists.
// Such a query would silently return nothing; the error says how to write what was probably meant.
func (b *builder) conflict(s site, t Term) *Error {
	for i := range b.q.Terms {
		o := &b.q.Terms[i]
		if !sameField(o.Field, t.Field) {
			continue
		}
		// Terms are formatted only for an error message: a long query of terms on one field must stay cheap to
		// check (and nothing here may make t escape to the heap).
		if (o.Op == OpExists && t.Op == OpNotExists) || (o.Op == OpNotExists && t.Op == OpExists) {
			return s.errorf("%s and %s contradict each other; keep one", clip(formatTerm(*o)), clip(formatTerm(t)))
		}
		f := t.Field
		if f.Multi || f.Type == TypeText || f.Type == TypeAny {
			// A list field can hold several values, text matches by words, and a custom attribute's type is
			// unknown: ANDing such terms is meaningful.
			continue
		}
		if o.Op == OpEq && t.Op == OpEq && !sameValue(f, o.Values[0], t.Values[0]) {
			if f.Type == TypeTimestamp {
				return s.errorf("%s and %s can't both hold: eq on a timestamp matches one day; for a span write %s:gte:<start> %s:lt:<end>", clip(formatTerm(*o)), clip(formatTerm(t)), f.Name, f.Name)
			}
			if !f.Allows(OpIn) {
				return s.errorf("%s and %s can't both hold; to match either, leave %s out", clip(formatTerm(*o)), clip(formatTerm(t)), f.Name)
			}
			return s.errorf("%s and %s can't both hold: a %s has one %s; to match either, write %s:in:%s,%s",
				clip(formatTerm(*o)), clip(formatTerm(t)), b.cat.Kind(), f.Name, f.Name, formatValue(clip(o.Values[0].Raw), true), formatValue(clip(t.Values[0].Raw), true))
		}
		if contradicts(f, *o, t) || contradicts(f, t, *o) {
			return s.errorf("%s and %s contradict each other; keep one", clip(formatTerm(*o)), clip(formatTerm(t)))
		}
		if lo1, hi1, ok1 := o.Bounds(); ok1 {
			if lo2, hi2, ok2 := t.Bounds(); ok2 && (max(lo1, lo2) > min(hi1, hi2)) {
				return s.errorf("%s and %s leave no possible value; check the bounds", clip(formatTerm(*o)), clip(formatTerm(t)))
			}
		}
	}
	return nil
}

// contradicts reports whether a requires a value that b excludes: eq v with neq v or nin [..v..], or eq v with
// an in list that lacks v.
func contradicts(f *Field, a, b Term) bool {
	if a.Op != OpEq {
		return false
	}
	v := a.Values[0]
	switch b.Op {
	case OpNeq:
		return sameValue(f, v, b.Values[0])
	case OpNin:
		return containsValue(f, b.Values, v)
	case OpIn:
		return !containsValue(f, b.Values, v)
	}
	return false
}

func containsValue(f *Field, vals []Value, v Value) bool {
	for _, w := range vals {
		if sameValue(f, v, w) {
			return true
		}
	}
	return false
}

// sameValue compares two values of f as the field's type sees them.
func sameValue(f *Field, a, b Value) bool {
	switch f.Type {
	case TypeInt:
		return a.Int == b.Int
	case TypeTimestamp:
		return a.Int-mod(a.Int, 86400) == b.Int-mod(b.Int, 86400)
	case TypeFloat:
		return a.Float == b.Float
	case TypeBool:
		return a.Bool == b.Bool
	}
	return a.Str == b.Str
}

func sameField(a, b *Field) bool {
	if a == b {
		return true
	}
	return a != nil && b != nil && a.Custom != "" && a.Custom == b.Custom && strings.EqualFold(a.Name, b.Name)
}
