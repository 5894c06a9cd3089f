package query

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// IntercomMaxFiltersPerGroup is Intercom's documented limit of "max 15 filters for each AND or OR group". The other
// limit, "max 2 nested filters", allows a group of groups of filters, as in (1 OR 2) AND (3 OR 4).
const IntercomMaxFiltersPerGroup = 15

// SearchBody is the JSON body of Intercom's POST /conversations/search and POST /contacts/search:
//
//	{"query":{"operator":"AND","value":[{"field":"state","operator":"=","value":"open"}, ...]},
//	 "pagination":{"per_page":20,"starting_after":"..."}}
type SearchBody struct {
	Query      Filter      `json:"query"`
	Pagination *Pagination `json:"pagination,omitempty"`
	Sort       *Sort       `json:"sort,omitempty"` // contacts only; ToIntercomSearch leaves it nil

	// Residual lists the terms of the query that Intercom's search cannot apply exactly (see ToIntercomSearch).
	// Intercom's result is then a superset of the query's: keep only the records that also satisfy these terms.
	// Empty means the body asks Intercom for exactly the query's records.
	Residual []Term `json:"-"`
}

// Exact reports whether Intercom's result for the body is exactly the query's, with nothing to post-filter.
func (b SearchBody) Exact() bool { return len(b.Residual) == 0 }

// Pagination is the page request of a search body. StartingAfter is Intercom's cursor (pages.next.starting_after
// of the previous response).
type Pagination struct {
	PerPage       int    `json:"per_page,omitempty"`
	StartingAfter string `json:"starting_after,omitempty"`
}

// Sort orders contact search results: Field is a searchable field, Order "ascending" or "descending".
type Sort struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

// Filter is one node of an Intercom search query: a single filter {"field","operator","value"} or a group
// {"operator":"AND"|"OR","value":[...]} whose Filters are all singles or all groups.
type Filter struct {
	Field    string   // single filter: the Intercom field, e.g. "source.author.email"
	Operator string   // = != IN NIN > < >= <= ~ !~ ^ $, or AND / OR for a group
	Value    any      // single filter: string, int64, float64, bool, or a slice of them for IN and NIN
	Filters  []Filter // group: its members
}

// IsGroup reports whether f is an AND or OR group.
func (f Filter) IsGroup() bool { return f.Operator == "AND" || f.Operator == "OR" }

// MarshalJSON writes f as Intercom expects it: a group's members under "value".
func (f Filter) MarshalJSON() ([]byte, error) {
	if f.IsGroup() {
		members := f.Filters
		if members == nil {
			members = []Filter{}
		}
		return json.Marshal(struct {
			Operator string   `json:"operator"`
			Value    []Filter `json:"value"`
		}{f.Operator, members})
	}
	return json.Marshal(struct {
		Field    string `json:"field"`
		Operator string `json:"operator"`
		Value    any    `json:"value"`
	}{f.Field, f.Operator, f.Value})
}

// ToIntercomSearch translates q to the body of Intercom's search endpoint for q.Kind, within Intercom's limits
// (15 filters per group, two levels of nesting: longer queries are split into AND groups of up to 15 filters).
//
// Each term becomes the Intercom filter that selects exactly its records where Intercom's documented semantics
// allow, and otherwise a filter selecting a documented superset of them, with the term listed in
// SearchBody.Residual so the caller can post-filter:
//
//   - Conversation comparisons: Intercom documents > as "greater (or equal)" and < as "lower (or equal)" and
//     has no >= or <=, so gt v becomes > v, gte v becomes > v-1, lt v becomes < v, lte v becomes < v+1, and a
//     timestamp eq (one UTC day) becomes both bounds of the day; each may include the bound itself (residual).
//   - Contact timestamps: Intercom compares dates by calendar day in the workspace's time zone (> T matches from
//     the start of the day after T's, < T before the start of T's day) and has only =, > and <. Bounds are
//     widened by one day so that the result contains the query's whatever the zone (residual).
//   - Contact tag_id takes only = and !=: in becomes an OR group of =, nin an AND of != (exact).
//   - source_body eq (every word) becomes one = per word, which Intercom matches word by word (exact). Other
//     text fields match substrings in Intercom (~) where the replica matches words (residual), and not_contains
//     on text cannot be expressed as a superset, so it is left out (residual).
//   - exists and not_exists have no Intercom equivalent and are left out (residual).
//
// Terms Intercom cannot search at all are an error: free text (q), fields with no Intercom name (title,
// parts_body, tag names, company, derived fields) and conversation custom attributes. q.StartingAfter is passed
// through as Intercom's cursor. A query with no filter Intercom can apply matches everything (created_at > 0).
// A hand-built q that fails Validate is refused with Validate's error.
func ToIntercomSearch(q Query) (SearchBody, error) {
	if err := q.Validate(); err != nil {
		return SearchBody{}, err
	}
	if len(q.Text) > 0 {
		return SearchBody{}, &Error{Pos: -1, Token: "q", Msg: "Intercom's search has no free text (q); " +
			"for a live search use source_body:contains:<word> (the opening message) instead, or search the replica"}
	}
	body := SearchBody{Pagination: &Pagination{PerPage: q.Limit, StartingAfter: q.StartingAfter}}
	var units []Filter
	for _, t := range q.Terms {
		us, exact, err := intercomTerm(q.Kind, t)
		if err != nil {
			return SearchBody{}, err
		}
		units = append(units, us...)
		if !exact {
			body.Residual = append(body.Residual, t)
		}
	}
	root, err := packFilters(units)
	if err != nil {
		return SearchBody{}, err
	}
	body.Query = root
	return body, nil
}

// intercomTerm translates one term to the filters (singles, or OR groups) that select its records or a superset,
// and reports whether the selection is exact.
func intercomTerm(kind Kind, t Term) ([]Filter, bool, error) {
	f := t.Field
	if f.Intercom == "" {
		msg := fmt.Sprintf("Intercom's search can't filter %s by %s; only the replica can (leave the term out for a live search)", kind.Plural(), f.Name)
		if f.Custom != "" {
			msg = fmt.Sprintf("Intercom's search can't filter conversations by custom attributes (%s); only the replica can", nameOf(f))
		}
		return nil, false, &Error{Pos: -1, Token: t.String(), Msg: msg}
	}
	single := func(op string, v any) Filter { return Filter{Field: f.Intercom, Operator: op, Value: v} }
	isDate := f.Type == TypeTimestamp || (f.Type == TypeAny && len(t.Values) > 0 && t.Values[0].Parsed&ParsedTime != 0)

	switch t.Op {
	case OpExists, OpNotExists:
		return nil, false, nil
	case OpEq, OpNeq:
		v := t.Values[0]
		if t.Op == OpEq && isDate {
			lo := v.Int - mod(v.Int, 86400)
			return dateRange(kind, f, lo, lo+86400)
		}
		if t.Op == OpEq && f.Type == TypeText {
			return textWords(f, v.Str)
		}
		if isDate {
			return nil, false, nil // != on a date: Intercom has no such search
		}
		return []Filter{single(intercomOp(t.Op), intercomValue(f, v))}, true, nil
	case OpIn, OpNin:
		if kind == KindContact && f.Intercom == "tag_id" {
			// tag_id takes = and != only: IN is an OR of =, NIN an AND of !=.
			if t.Op == OpNin {
				out := make([]Filter, len(t.Values))
				for i, v := range t.Values {
					out[i] = single("!=", v.Str)
				}
				return out, true, nil
			}
			if len(t.Values) == 1 {
				return []Filter{single("=", t.Values[0].Str)}, true, nil
			}
			or := Filter{Operator: "OR", Filters: make([]Filter, len(t.Values))}
			for i, v := range t.Values {
				or.Filters[i] = single("=", v.Str)
			}
			return []Filter{or}, true, nil
		}
		vals := make([]any, len(t.Values))
		for i, v := range t.Values {
			if v.Parsed&ParsedTime != 0 {
				return nil, false, nil // IN and NIN on a date: Intercom has no such search
			}
			vals[i] = intercomValue(f, v)
		}
		return []Filter{single(intercomOp(t.Op), vals)}, true, nil
	case OpContains, OpStartsWith, OpEndsWith:
		return []Filter{single(intercomOp(t.Op), intercomText(f, t.Values[0]))}, f.Type != TypeText, nil
	case OpNotContains:
		if f.Type == TypeText {
			return nil, false, nil
		}
		return []Filter{single("!~", intercomText(f, t.Values[0]))}, true, nil
	case OpGt, OpGte, OpLt, OpLte:
		v := t.Values[0]
		if isDate {
			lo, hi := int64(math.MinInt64), int64(math.MaxInt64) // [lo, hi) in Unix seconds
			switch t.Op {
			case OpGt:
				lo = v.Int + 1
			case OpGte:
				lo = v.Int
			case OpLt:
				hi = v.Int
			case OpLte:
				hi = v.Int + 1
			}
			return dateRange(kind, f, lo, hi)
		}
		if kind == KindContact {
			// Contact numbers have all four comparisons, exactly.
			return []Filter{single(intercomOp(t.Op), intercomValue(f, v))}, true, nil
		}
		// Conversation numbers: only > and <, documented as inclusive.
		if v.Parsed&ParsedInt == 0 {
			op := ">"
			if t.Op == OpLt || t.Op == OpLte {
				op = "<"
			}
			return []Filter{single(op, v.Float)}, false, nil
		}
		switch t.Op {
		case OpGt:
			return []Filter{single(">", v.Int)}, false, nil
		case OpGte:
			if v.Int == math.MinInt64 {
				return nil, false, nil
			}
			return []Filter{single(">", v.Int-1)}, false, nil
		case OpLt:
			return []Filter{single("<", v.Int)}, false, nil
		default:
			if v.Int == math.MaxInt64 {
				return nil, false, nil
			}
			return []Filter{single("<", v.Int+1)}, false, nil
		}
	}
	return nil, false, &Error{Pos: -1, Token: t.String(), Msg: fmt.Sprintf("operator %s has no Intercom translation", t.Op)}
}

// intercomOp returns the Intercom operator of the operators that translate one to one.
func intercomOp(op Op) string {
	switch op {
	case OpEq:
		return "="
	case OpNeq:
		return "!="
	case OpIn:
		return "IN"
	case OpNin:
		return "NIN"
	case OpContains:
		return "~"
	case OpNotContains:
		return "!~"
	case OpStartsWith:
		return "^"
	case OpEndsWith:
		return "$"
	case OpGt:
		return ">"
	case OpGte:
		return ">="
	case OpLt:
		return "<"
	case OpLte:
		return "<="
	}
	return ""
}

// dateRange selects the records whose timestamp f lies in [lo, hi) (either bound may be open: math.MinInt64,
// math.MaxInt64), or a superset of them, and is never exact (see ToIntercomSearch).
func dateRange(kind Kind, f *Field, lo, hi int64) ([]Filter, bool, error) {
	var out []Filter
	if lo != math.MinInt64 {
		// Conversations: > T may mean >= T, so T = lo-1 selects at least [lo, ...).
		// Contacts: > T matches from the start of the day after T's day, which is at most T+1 day, so
		// T = lo-1day selects at least [lo, ...) in any time zone.
		t := lo - 1
		if kind == KindContact {
			t = lo - 86400
		}
		if t >= 0 {
			out = append(out, Filter{Field: f.Intercom, Operator: ">", Value: t})
		}
	}
	if hi != math.MaxInt64 {
		// Conversations: < T may mean <= T, so T = hi (exclusive bound) selects at least (..., hi).
		// Contacts: < T matches before the start of T's day, which is later than T-1day, so T = hi+1day
		// selects at least (..., hi).
		t := hi
		if kind == KindContact {
			t = hi + 86400
		}
		if t <= maxUnixSeconds {
			out = append(out, Filter{Field: f.Intercom, Operator: "<", Value: t})
		}
	}
	return out, false, nil
}

// textWords translates text eq (every word occurs): source_body is matched by Intercom word by word with =, so one
// = per word is exact; other text fields get one ~ (substring) per word, a superset.
func textWords(f *Field, s string) ([]Filter, bool, error) {
	words := strings.Fields(s)
	op, exact := "~", false
	if f.Intercom == "source.body" {
		op, exact = "=", true
	}
	out := make([]Filter, len(words))
	for i, w := range words {
		out[i] = Filter{Field: f.Intercom, Operator: op, Value: w}
	}
	return out, exact, nil
}

// intercomValue encodes a value with the JSON type Intercom expects for the field: numbers for int, float and
// timestamp fields, booleans for bool fields, strings otherwise. A custom attribute's type is unknown, so its value
// is sent as the first parse that succeeded: whole number (or timestamp), number, boolean, string.
func intercomValue(f *Field, v Value) any {
	switch f.Type {
	case TypeInt, TypeTimestamp:
		return v.Int
	case TypeFloat:
		return v.Float
	case TypeBool:
		return v.Bool
	case TypeAny:
		switch {
		case v.Parsed&ParsedInt != 0:
			return v.Int
		case v.Parsed&ParsedFloat != 0:
			return v.Float
		case v.Parsed&ParsedBool != 0:
			return v.Bool
		}
	}
	return intercomText(f, v)
}

// intercomText is a value as Intercom is sent it as text: as written for a phone number (Intercom compares what it
// stores, not the digits the replica compares), the parsed text otherwise.
func intercomText(f *Field, v Value) string {
	if f.Digits {
		return v.Raw
	}
	return v.Str
}

// packFilters arranges filters within Intercom's limits: up to 15 singles go in one AND group; otherwise the root
// AND holds only groups (Intercom's groups hold all singles or all groups): the OR groups as they are and the
// singles in AND groups of up to 15.
func packFilters(units []Filter) (Filter, error) {
	if len(units) == 0 {
		return Filter{Operator: "AND", Filters: []Filter{{Field: "created_at", Operator: ">", Value: int64(0)}}}, nil
	}
	var singles, groups []Filter
	for _, u := range units {
		if u.IsGroup() {
			if len(u.Filters) > IntercomMaxFiltersPerGroup {
				return Filter{}, &Error{Pos: -1, Msg: fmt.Sprintf("Intercom allows %d filters per group; a list of %d values on tag_id needs one each; split the query", IntercomMaxFiltersPerGroup, len(u.Filters))}
			}
			groups = append(groups, u)
		} else {
			singles = append(singles, u)
		}
	}
	if len(groups) == 0 && len(singles) <= IntercomMaxFiltersPerGroup {
		return Filter{Operator: "AND", Filters: singles}, nil
	}
	root := Filter{Operator: "AND", Filters: groups}
	for len(singles) > 0 {
		n := min(len(singles), IntercomMaxFiltersPerGroup)
		root.Filters = append(root.Filters, Filter{Operator: "AND", Filters: singles[:n:n]})
		singles = singles[n:]
	}
	if len(root.Filters) > IntercomMaxFiltersPerGroup {
		n := 0
		for _, u := range units {
			n += max(1, len(u.Filters))
		}
		return Filter{}, &Error{Pos: -1, Msg: fmt.Sprintf("the query needs %d Intercom filters in %d groups; Intercom allows %d groups of %d filters; split it into several searches",
			n, len(root.Filters), IntercomMaxFiltersPerGroup, IntercomMaxFiltersPerGroup)}
	}
	return root, nil
}
