package query

import (
	"fmt"
	"strings"
)

// Validate checks the structure of a Query built by hand (Parse and the filter types only produce valid ones): a
// known Kind; Limit within 1..150; every term's field from the kind's catalog (or a custom attribute), with an
// operator the field allows and as many values as the operator takes; every TextTerm non-empty, and a bare one a
// single word without quotes; and its DSL, starting_after aside, no longer than MaxLength. It does not re-check the values' parses. A
// valid Query survives a round trip through String and Parse.
func (q Query) Validate() error {
	c := CatalogFor(q.Kind)
	if c == nil {
		want := make([]string, 0, len(Kinds()))
		for _, k := range Kinds() {
			want = append(want, string(k))
		}
		return &Error{Pos: -1, Msg: fmt.Sprintf("unknown kind %q; want %s", q.Kind, orList(want))}
	}
	if q.Limit < 1 || q.Limit > MaxLimit {
		return &Error{Pos: -1, Token: "limit", Msg: fmt.Sprintf("limit must be between 1 and %d; got %d", MaxLimit, q.Limit)}
	}
	for i, t := range q.Terms {
		if err := t.validate(c); err != nil {
			return &Error{Pos: -1, Token: fmt.Sprintf("Terms[%d]", i), Msg: err.Error()}
		}
	}
	if n := q.lengthWithoutCursor(); n > MaxLength {
		return &Error{Pos: -1, Msg: fmt.Sprintf("query is %d bytes long as DSL; the limit is %d", n, MaxLength)}
	}
	for i, t := range q.Text {
		switch {
		case strings.TrimSpace(t.Text) == "":
			return &Error{Pos: -1, Token: fmt.Sprintf("Text[%d]", i), Msg: "empty free text"}
		case !t.Phrase && needsQuoteText(t.Text):
			return &Error{Pos: -1, Token: fmt.Sprintf("Text[%d]", i), Msg: fmt.Sprintf("free text %q is not one bare word; make it a phrase", clip(t.Text))}
		}
	}
	return nil
}

func (t Term) validate(c *Catalog) error {
	if t.Field == nil {
		return fmt.Errorf("term has no field")
	}
	if t.Field.Custom == "" {
		if f, ok := c.Lookup(t.Field.Name); !ok || f != t.Field {
			return fmt.Errorf("field %q is not from the %s catalog", clip(t.Field.Name), c.Kind())
		}
	} else if !sameCustomField(t.Field, c.CustomField(t.Field.Custom)) {
		return fmt.Errorf("custom attribute field %q was not made by CustomField", clip(t.Field.Custom))
	}
	if !t.Field.Allows(t.Op) {
		return fmt.Errorf("operator %q does not apply to %s", clip(string(t.Op)), clip(t.Field.Name))
	}
	switch n := len(t.Values); t.Op.Arity() {
	case 0:
		if n != 0 {
			return fmt.Errorf("%s takes no values; got %d", t.Op, n)
		}
	case 1:
		if n != 1 {
			return fmt.Errorf("%s takes one value; got %d", t.Op, n)
		}
	default:
		if n == 0 {
			return fmt.Errorf("%s takes at least one value", t.Op)
		}
	}
	for _, v := range t.Values {
		if v.Raw == "" {
			return fmt.Errorf("%s has an empty value", clip(t.Field.Name))
		}
	}
	return nil
}

// sameCustomField reports whether f is what CustomField makes (want).
func sameCustomField(f, want *Field) bool {
	return f.Name == want.Name && f.Type == want.Type && f.Index == want.Index && f.Intercom == want.Intercom &&
		f.Path == want.Path && f.Custom == want.Custom && f.Multi == want.Multi && f.IDOf == want.IDOf &&
		f.Unit == want.Unit && opList(f.Ops) == opList(want.Ops) && len(f.Aliases) == 0 && len(f.Enum) == 0 && len(f.ValueNames) == 0
}

// lengthWithoutCursor is the length of q's DSL without its starting_after: what MaxLength limits.
func (q Query) lengthWithoutCursor() int {
	q.StartingAfter = ""
	return len(q.String())
}
