package intercom

import (
	"fmt"
	"math"
	"strings"

	"github.com/intercom-replica/intercom-replica/query"
)

// QuerySearch is a query of the DSL translated to Intercom's search: the request to send, and the terms Intercom
// cannot apply exactly.
type QuerySearch struct {
	// Request is the search body; its Query stays within Intercom's limits and passes [Filter.Validate].
	Request SearchRequest

	// Residual lists the terms of the query that Intercom's search cannot apply exactly (see [TranslateQuery]).
	// Intercom's result is then a superset of the query's: keep only the records that also satisfy these terms.
	// Empty means the request asks Intercom for exactly the query's records.
	Residual []query.Term
}

// Exact reports whether Intercom's result for the request is exactly the query's, with nothing to post-filter.
func (s QuerySearch) Exact() bool { return len(s.Residual) == 0 }

// TranslateQuery translates q to the request of Intercom's search endpoint for q.Kind, within Intercom's limits
// (15 filters per group, two levels of nesting: longer queries are split into AND groups of up to 15 filters).
//
// Each term becomes the Intercom filter that selects exactly its records where Intercom's documented semantics
// allow, and otherwise a filter selecting a documented superset of them, with the term listed in
// QuerySearch.Residual so the caller can post-filter:
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
func TranslateQuery(q query.Query) (QuerySearch, error) {
	if err := q.Validate(); err != nil {
		return QuerySearch{}, err
	}
	if len(q.Text) > 0 {
		return QuerySearch{}, &query.Error{Pos: -1, Token: "q", Msg: "Intercom's search has no free text (q); " +
			"for a live search use source_body:contains:<word> (the opening message) instead, or search the replica"}
	}
	s := QuerySearch{Request: SearchRequest{PerPage: q.Limit, StartingAfter: q.StartingAfter}}
	var units []Filter
	for _, t := range q.Terms {
		us, exact, err := intercomTerm(q.Kind, t)
		if err != nil {
			return QuerySearch{}, err
		}
		units = append(units, us...)
		if !exact {
			s.Residual = append(s.Residual, t)
		}
	}
	root, err := packFilters(units)
	if err != nil {
		return QuerySearch{}, err
	}
	s.Request.Query = root
	return s, nil
}

// intercomTerm translates one term to the filters (singles, or OR groups) that select its records or a superset,
// and reports whether the selection is exact.
func intercomTerm(kind query.Kind, t query.Term) ([]Filter, bool, error) {
	f := t.Field
	if f.Intercom == "" {
		msg := fmt.Sprintf("Intercom's search can't filter %s by %s; only the replica can (leave the term out for a live search)", kind.Plural(), f.Name)
		if f.Custom != "" {
			msg = fmt.Sprintf("Intercom's search can't filter conversations by custom attributes (%s); only the replica can", query.Clip(f.Name))
		}
		return nil, false, &query.Error{Pos: -1, Token: t.String(), Msg: msg}
	}
	single := func(op Operator, v any) Filter { return Filter{Field: f.Intercom, Operator: op, Value: v} }
	isDate := f.Type == query.TypeTimestamp || (f.Type == query.TypeAny && len(t.Values) > 0 && t.Values[0].Parsed&query.ParsedTime != 0)

	switch t.Op {
	case query.OpExists, query.OpNotExists:
		return nil, false, nil
	case query.OpEq, query.OpNeq:
		v := t.Values[0]
		if t.Op == query.OpEq && isDate {
			lo := v.Int - (v.Int%86400+86400)%86400 // midnight UTC of the day, also before 1970
			return dateRange(kind, f, lo, lo+86400)
		}
		if t.Op == query.OpEq && f.Type == query.TypeText {
			return textWords(f, v.Str)
		}
		if isDate {
			return nil, false, nil // != on a date: Intercom has no such search
		}
		return []Filter{single(intercomOp(t.Op), intercomValue(f, v))}, true, nil
	case query.OpIn, query.OpNin:
		if kind == query.KindContact && f.Intercom == "tag_id" {
			// tag_id takes = and != only: IN is an OR of =, NIN an AND of !=.
			if t.Op == query.OpNin {
				out := make([]Filter, len(t.Values))
				for i, v := range t.Values {
					out[i] = single(OpNeq, v.Str)
				}
				return out, true, nil
			}
			if len(t.Values) == 1 {
				return []Filter{single(OpEq, t.Values[0].Str)}, true, nil
			}
			or := Filter{Operator: OpOr, Filters: make([]Filter, len(t.Values))}
			for i, v := range t.Values {
				or.Filters[i] = single(OpEq, v.Str)
			}
			return []Filter{or}, true, nil
		}
		vals := make([]any, len(t.Values))
		for i, v := range t.Values {
			if v.Parsed&query.ParsedTime != 0 {
				return nil, false, nil // IN and NIN on a date: Intercom has no such search
			}
			vals[i] = intercomValue(f, v)
		}
		return []Filter{single(intercomOp(t.Op), vals)}, true, nil
	case query.OpContains, query.OpStartsWith, query.OpEndsWith:
		return []Filter{single(intercomOp(t.Op), intercomText(f, t.Values[0]))}, f.Type != query.TypeText, nil
	case query.OpNotContains:
		if f.Type == query.TypeText {
			return nil, false, nil
		}
		return []Filter{single(OpNotContains, intercomText(f, t.Values[0]))}, true, nil
	case query.OpGt, query.OpGte, query.OpLt, query.OpLte:
		v := t.Values[0]
		if isDate {
			lo, hi := int64(math.MinInt64), int64(math.MaxInt64) // [lo, hi) in Unix seconds
			switch t.Op {
			case query.OpGt:
				lo = v.Int + 1
			case query.OpGte:
				lo = v.Int
			case query.OpLt:
				hi = v.Int
			case query.OpLte:
				hi = v.Int + 1
			}
			return dateRange(kind, f, lo, hi)
		}
		if kind == query.KindContact {
			// Contact numbers have all four comparisons, exactly.
			return []Filter{single(intercomOp(t.Op), intercomValue(f, v))}, true, nil
		}
		// Conversation numbers: only > and <, documented as inclusive.
		if v.Parsed&query.ParsedInt == 0 {
			op := OpGt
			if t.Op == query.OpLt || t.Op == query.OpLte {
				op = OpLt
			}
			return []Filter{single(op, v.Float)}, false, nil
		}
		switch t.Op {
		case query.OpGt:
			return []Filter{single(OpGt, v.Int)}, false, nil
		case query.OpGte:
			if v.Int == math.MinInt64 {
				return nil, false, nil
			}
			return []Filter{single(OpGt, v.Int-1)}, false, nil
		case query.OpLt:
			return []Filter{single(OpLt, v.Int)}, false, nil
		default:
			if v.Int == math.MaxInt64 {
				return nil, false, nil
			}
			return []Filter{single(OpLt, v.Int+1)}, false, nil
		}
	}
	return nil, false, &query.Error{Pos: -1, Token: t.String(), Msg: fmt.Sprintf("operator %s has no Intercom translation", t.Op)}
}

// intercomOp returns the Intercom operator of the operators that translate one to one.
func intercomOp(op query.Op) Operator {
	switch op {
	case query.OpEq:
		return OpEq
	case query.OpNeq:
		return OpNeq
	case query.OpIn:
		return OpIn
	case query.OpNin:
		return OpNin
	case query.OpContains:
		return OpContains
	case query.OpNotContains:
		return OpNotContains
	case query.OpStartsWith:
		return OpStartsWith
	case query.OpEndsWith:
		return OpEndsWith
	case query.OpGt:
		return OpGt
	case query.OpGte:
		return OpGte
	case query.OpLt:
		return OpLt
	case query.OpLte:
		return OpLte
	}
	return ""
}

// dateRange selects the records whose timestamp f lies in [lo, hi) (either bound may be open: math.MinInt64,
// math.MaxInt64), or a superset of them, and is never exact (see TranslateQuery).
func dateRange(kind query.Kind, f *query.Field, lo, hi int64) ([]Filter, bool, error) {
	var out []Filter
	if lo != math.MinInt64 {
		// Conversations: > T may mean >= T, so T = lo-1 selects at least [lo, ...).
		// Contacts: > T matches from the start of the day after T's day, which is at most T+1 day, so
		// T = lo-1day selects at least [lo, ...) in any time zone.
		t := lo - 1
		if kind == query.KindContact {
			t = lo - 86400
		}
		if t >= 0 {
			out = append(out, Filter{Field: f.Intercom, Operator: OpGt, Value: t})
		}
	}
	if hi != math.MaxInt64 {
		// Conversations: < T may mean <= T, so T = hi (exclusive bound) selects at least (..., hi).
		// Contacts: < T matches before the start of T's day, which is later than T-1day, so T = hi+1day
		// selects at least (..., hi).
		t := hi
		if kind == query.KindContact {
			t = hi + 86400
		}
		if t <= query.MaxUnixSeconds {
			out = append(out, Filter{Field: f.Intercom, Operator: OpLt, Value: t})
		}
	}
	return out, false, nil
}

// textWords translates text eq (every word occurs): source_body is matched by Intercom word by word with =, so one
// = per word is exact; other text fields get one ~ (substring) per word, a superset.
func textWords(f *query.Field, s string) ([]Filter, bool, error) {
	words := strings.Fields(s)
	op, exact := OpContains, false
	if f.Intercom == "source.body" {
		op, exact = OpEq, true
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
func intercomValue(f *query.Field, v query.Value) any {
	switch f.Type {
	case query.TypeInt, query.TypeTimestamp:
		return v.Int
	case query.TypeFloat:
		return v.Float
	case query.TypeBool:
		return v.Bool
	case query.TypeAny:
		switch {
		case v.Parsed&query.ParsedInt != 0:
			return v.Int
		case v.Parsed&query.ParsedFloat != 0:
			return v.Float
		case v.Parsed&query.ParsedBool != 0:
			return v.Bool
		}
	}
	return intercomText(f, v)
}

// intercomText is a value as Intercom is sent it as text: as written for a phone number (Intercom compares what it
// stores, not the digits the replica compares), the parsed text otherwise.
func intercomText(f *query.Field, v query.Value) string {
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
		return Filter{Operator: OpAnd, Filters: []Filter{{Field: "created_at", Operator: OpGt, Value: int64(0)}}}, nil
	}
	var singles, groups []Filter
	for _, u := range units {
		if u.IsGroup() {
			if len(u.Filters) > MaxFiltersPerGroup {
				return Filter{}, &query.Error{Pos: -1, Msg: fmt.Sprintf("Intercom allows %d filters per group; a list of %d values on tag_id needs one each; split the query", MaxFiltersPerGroup, len(u.Filters))}
			}
			groups = append(groups, u)
		} else {
			singles = append(singles, u)
		}
	}
	if len(groups) == 0 && len(singles) <= MaxFiltersPerGroup {
		return Filter{Operator: OpAnd, Filters: singles}, nil
	}
	root := Filter{Operator: OpAnd, Filters: groups}
	for len(singles) > 0 {
		n := min(len(singles), MaxFiltersPerGroup)
		root.Filters = append(root.Filters, Filter{Operator: OpAnd, Filters: singles[:n:n]})
		singles = singles[n:]
	}
	if len(root.Filters) > MaxFiltersPerGroup {
		n := 0
		for _, u := range units {
			n += max(1, len(u.Filters))
		}
		return Filter{}, &query.Error{Pos: -1, Msg: fmt.Sprintf("the query needs %d Intercom filters in %d groups; Intercom allows %d groups of %d filters; split it into several searches",
			n, len(root.Filters), MaxFiltersPerGroup, MaxFiltersPerGroup)}
	}
	return root, nil
}
