package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// Operator is a Search API operator: a comparison for a single filter, or AND/OR for a group.
type Operator string

// The operators of Intercom's Search API. Which ones a field accepts depends on its type (see the search endpoints'
// descriptions): strings take =, !=, IN, NIN, ~, !~, ^, $; integers =, !=, IN, NIN, <, >, <=, >=; dates in contact
// search only =, < and >, compared by calendar day; conversation search documents > and < as "or equal".
const (
	OpEq          Operator = "="
	OpNeq         Operator = "!="
	OpIn          Operator = "IN"  // value is an array
	OpNin         Operator = "NIN" // value is an array
	OpGt          Operator = ">"
	OpGte         Operator = ">="
	OpLt          Operator = "<"
	OpLte         Operator = "<="
	OpContains    Operator = "~"
	OpNotContains Operator = "!~"
	OpStartsWith  Operator = "^"
	OpEndsWith    Operator = "$"

	OpAnd Operator = "AND" // group: every filter matches
	OpOr  Operator = "OR"  // group: any filter matches
)

// Limits Intercom documents for a search query.
const (
	MaxFiltersPerGroup = 15 // filters in one AND or OR group
	MaxGroupDepth      = 2  // groups nested in groups, e.g. (a OR b) AND (c OR d)
	MaxPerPage         = 150
)

// Filter is a Search API query: either a single filter {field, operator, value} or a group {operator: AND|OR,
// value: [filters]}. Build them with [Where], [And] and [Or]; the zero Filter is invalid.
type Filter struct {
	// Field is the searchable field of a single filter, with dotted paths for nested ones ("updated_at",
	// "source.author.email", "custom_attributes.tier"). Empty for a group.
	Field string

	// Operator is the comparison of a single filter, or OpAnd / OpOr for a group.
	Operator Operator

	// Value is a single filter's value: a string, an integer (Unix seconds for dates), a bool, or for OpIn and OpNin
	// a slice of strings or integers. Nil for a group.
	Value any

	// Filters are a group's members, single filters or groups. Nil for a single filter.
	Filters []Filter
}

// Where returns the single filter "field operator value".
func Where(field string, op Operator, value any) Filter {
	return Filter{Field: field, Operator: op, Value: value}
}

// And returns a group that matches when every filter matches.
func And(filters ...Filter) Filter { return Filter{Operator: OpAnd, Filters: filters} }

// Or returns a group that matches when any filter matches.
func Or(filters ...Filter) Filter { return Filter{Operator: OpOr, Filters: filters} }

// IsGroup reports whether f is an AND or OR group.
func (f Filter) IsGroup() bool { return f.Operator == OpAnd || f.Operator == OpOr }

// Validate reports whether Intercom would accept f's structure: known operators, a field and a value on every single
// filter (an array for IN and NIN), at least one and at most MaxFiltersPerGroup members in a group, and groups nested
// at most MaxGroupDepth deep. A group may mix single filters and groups (updated_at > t AND (state = open OR state =
// snoozed)): the OpenAPI schema types a group's members as all one or the other, but Intercom's own examples mix them. It does not know which fields exist or
// which operators a field's type takes; Intercom answers those with a 400 ([ErrInvalidParameter]). The error wraps
// [ErrInvalidSearch].
func (f Filter) Validate() error {
	_, err := f.validate("query")
	return err
}

// validate checks f and returns its group depth (0 for a single filter).
func (f Filter) validate(at string) (int, error) {
	bad := func(format string, args ...any) (int, error) {
		return 0, fmt.Errorf("%w: %s: %s", ErrInvalidSearch, at, fmt.Sprintf(format, args...))
	}
	if f.IsGroup() {
		switch {
		case f.Field != "" || f.Value != nil:
			return bad("an %s group takes no field or value, only filters", f.Operator)
		case len(f.Filters) == 0:
			return bad("empty %s group", f.Operator)
		case len(f.Filters) > MaxFiltersPerGroup:
			return bad("%d filters in one group; Intercom allows %d", len(f.Filters), MaxFiltersPerGroup)
		}
		depth := 0
		for i, m := range f.Filters {
			d, err := m.validate(at + "." + strconv.Itoa(i))
			if err != nil {
				return 0, err
			}
			depth = max(depth, d)
		}
		if depth+1 > MaxGroupDepth {
			return bad("groups nested %d deep; Intercom allows %d", depth+1, MaxGroupDepth)
		}
		return depth + 1, nil
	}
	switch f.Operator {
	case OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpContains, OpNotContains, OpStartsWith, OpEndsWith, OpIn, OpNin:
	case "":
		return bad("no operator")
	default:
		return bad("unknown operator %q", f.Operator)
	}
	switch {
	case f.Field == "":
		return bad("no field")
	case f.Filters != nil:
		return bad("a single filter has no member filters (use And or Or)")
	case f.Value == nil:
		return bad("%s %s: no value", f.Field, f.Operator)
	}
	isList := false
	if k := reflect.TypeOf(f.Value).Kind(); k == reflect.Slice || k == reflect.Array {
		isList = true
		if reflect.ValueOf(f.Value).Len() == 0 {
			return bad("%s %s: empty list", f.Field, f.Operator)
		}
	}
	if (f.Operator == OpIn || f.Operator == OpNin) && !isList {
		return bad("%s %s: the value must be a list", f.Field, f.Operator)
	}
	return 0, nil
}

// MarshalJSON encodes f in the Search API's shape: {"field","operator","value"} or {"operator","value":[...]}.
func (f Filter) MarshalJSON() ([]byte, error) {
	if f.IsGroup() {
		members := f.Filters
		if members == nil {
			members = []Filter{}
		}
		return marshalPlain(struct {
			Operator Operator `json:"operator"`
			Value    []Filter `json:"value"`
		}{f.Operator, members})
	}
	return marshalPlain(struct {
		Field    string   `json:"field"`
		Operator Operator `json:"operator"`
		Value    any      `json:"value"`
	}{f.Field, f.Operator, f.Value})
}

// UnmarshalJSON decodes a Search API query (for example one built elsewhere, such as by the query package). Numbers
// in values decode as [json.Number], so integers stay integers when encoded again.
func (f *Filter) UnmarshalJSON(data []byte) error {
	var w struct {
		Field    string          `json:"field"`
		Operator Operator        `json:"operator"`
		Value    json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*f = Filter{Field: w.Field, Operator: w.Operator}
	if len(w.Value) == 0 || isNull(w.Value) {
		return nil
	}
	if f.IsGroup() {
		return json.Unmarshal(w.Value, &f.Filters)
	}
	dec := json.NewDecoder(bytes.NewReader(w.Value))
	dec.UseNumber()
	return dec.Decode(&f.Value)
}

// SortOrder is the direction of a contact search's sort.
type SortOrder string

// The sort orders Intercom accepts; anything else is a 400 invalid_sort_order.
const (
	SortAscending  SortOrder = "ascending"
	SortDescending SortOrder = "descending"
)

// Sort orders contact search results by a field. Conversation search has no sort.
type Sort struct {
	Field string
	Order SortOrder // "" means Intercom's default, descending
}

// SearchRequest is the body of a search: a query plus pagination, and for contacts an optional sort.
type SearchRequest struct {
	// Query selects the records; see [Filter.Validate] for what is checked before sending.
	Query Filter

	// PerPage is the page size; 0 means Intercom's default (20 for conversations, 50 for contacts), at most
	// MaxPerPage.
	PerPage int

	// StartingAfter is the cursor of the page to fetch (the previous page's Pages.Next.StartingAfter); "" is the
	// first page. It is sent in the body: Intercom ignores a cursor in the query string of a search.
	StartingAfter string

	// Sort orders a contact search; it must be nil for a conversation search.
	Sort *Sort
}

type searchBody struct {
	Query      Filter          `json:"query"`
	Pagination *searchPaginate `json:"pagination,omitempty"`
	Sort       *searchSort     `json:"sort,omitempty"`
}

type searchPaginate struct {
	PerPage       int    `json:"per_page,omitempty"`
	StartingAfter string `json:"starting_after,omitempty"`
}

type searchSort struct {
	Field string    `json:"field"`
	Order SortOrder `json:"order,omitempty"`
}

// MarshalJSON encodes the request as Intercom's search body: {"query":...,"pagination":{...},"sort":{...}}.
func (r SearchRequest) MarshalJSON() ([]byte, error) {
	b := searchBody{Query: r.Query}
	if r.PerPage != 0 || r.StartingAfter != "" {
		b.Pagination = &searchPaginate{PerPage: r.PerPage, StartingAfter: r.StartingAfter}
	}
	if r.Sort != nil {
		b.Sort = &searchSort{Field: r.Sort.Field, Order: r.Sort.Order}
	}
	return marshalPlain(b)
}

// body validates the request and encodes it.
func (r SearchRequest) body() ([]byte, error) {
	if err := r.Query.Validate(); err != nil {
		return nil, err
	}
	if r.PerPage < 0 || r.PerPage > MaxPerPage {
		return nil, fmt.Errorf("%w: per_page %d is outside 1..%d", ErrInvalidSearch, r.PerPage, MaxPerPage)
	}
	if s := r.Sort; s != nil {
		if s.Field == "" {
			return nil, fmt.Errorf("%w: sort without a field", ErrInvalidSearch)
		}
		if s.Order != "" && s.Order != SortAscending && s.Order != SortDescending {
			return nil, fmt.Errorf("%w: sort order %q (want ascending or descending)", ErrInvalidSearch, s.Order)
		}
	}
	return marshalPlain(r)
}

// marshalPlain encodes v as JSON without escaping <, > and & (which encoding/json turns into \u003c and friends):
// the operators ">" and "<" then travel as Intercom's documentation writes them. The result has no trailing newline.
func marshalPlain(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
