package fakeintercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Search limits from both endpoints' descriptions.
const (
	maxNesting     = 2  // "There's a limit of max 2 nested filters"
	maxGroupFilter = 15 // "There's a limit of max 15 filters for each AND or OR group"
)

// searchError is a 400 answer to a search body, with Intercom's error code.
type searchError struct {
	code, msg string
}

func (e *searchError) Error() string { return e.msg }

func badSearch(format string, args ...any) *searchError {
	return &searchError{code: "parameter_invalid", msg: fmt.Sprintf(format, args...)}
}

// searchTarget is the kind of record a search body is compiled for: it decides the field table, the operators and
// the date semantics.
type searchTarget int

const (
	searchConversations searchTarget = iota
	searchContacts
	searchTickets
)

func (t searchTarget) String() string {
	return [...]string{"conversation", "contact", "ticket"}[t]
}

// predicate is a compiled filter.
type predicate interface {
	matchConv(ws *Workspace, c *conversation) bool
	matchContact(ws *Workspace, c *contact) bool
	matchTicket(ws *Workspace, t *ticket) bool
}

type group struct {
	or    bool
	terms []predicate
}

func (g *group) matchConv(ws *Workspace, c *conversation) bool {
	for _, t := range g.terms {
		if t.matchConv(ws, c) == g.or {
			return g.or
		}
	}
	return !g.or
}

func (g *group) matchContact(ws *Workspace, c *contact) bool {
	for _, t := range g.terms {
		if t.matchContact(ws, c) == g.or {
			return g.or
		}
	}
	return !g.or
}

func (g *group) matchTicket(ws *Workspace, tk *ticket) bool {
	for _, t := range g.terms {
		if t.matchTicket(ws, tk) == g.or {
			return g.or
		}
	}
	return !g.or
}

// filter is one {field, operator, value} term.
type filter struct {
	field    searchField
	op       string
	values   []any // normalised to the field's kind: lower-cased string, int64, float64, bool; nil = null
	contacts bool
	loc      *time.Location
}

func (f *filter) matchConv(ws *Workspace, c *conversation) bool { return f.match(f.field.conv(ws, c)) }
func (f *filter) matchContact(ws *Workspace, c *contact) bool   { return f.match(f.field.contact(ws, c)) }
func (f *filter) matchTicket(ws *Workspace, t *ticket) bool     { return f.match(f.field.ticket(ws, t)) }

// match applies the operator to a record's values (several for list fields such as tag_ids or source.body's
// words). Positive operators match when any value matches; negative ones (!=, NIN, !~) when none does, so a record
// whose field is null matches them.
func (f *filter) match(have []any) bool {
	switch f.op {
	case "!=":
		return !f.any(have, "=", f.values[0])
	case "NIN":
		return !f.anyIn(have)
	case "!~":
		return !f.any(have, "~", f.values[0])
	case "IN":
		return f.anyIn(have)
	}
	return f.any(have, f.op, f.values[0])
}

// anyIn reports whether one of a record's values equals one of the filter's (IN).
func (f *filter) anyIn(have []any) bool {
	for _, v := range f.values {
		if f.any(have, "=", v) {
			return true
		}
	}
	return false
}

func (f *filter) any(have []any, op string, want any) bool {
	if want == nil { // = null: the field is null (or an empty list)
		return len(have) == 0
	}
	for _, h := range have {
		if f.compare(h, op, want) {
			return true
		}
	}
	return false
}

func (f *filter) compare(have any, op string, want any) bool {
	switch f.field.kind {
	case kindString:
		h, _ := have.(string)
		h = strings.ToLower(h)
		w := want.(string)
		switch op {
		case "=":
			return h == w
		case "~":
			return strings.Contains(h, w)
		case "^":
			return strings.HasPrefix(h, w)
		case "$":
			return strings.HasSuffix(h, w)
		}
	case kindBool:
		return have.(bool) == want.(bool)
	case kindFloat:
		return compareNumbers(toFloat(have), want.(float64), op, !f.contacts)
	case kindInt:
		return compareNumbers(have.(int64), want.(int64), op, !f.contacts)
	case kindDate:
		h, w := have.(int64), want.(int64)
		if f.contacts {
			// Contacts: matched by calendar day in the workspace's time zone.
			start := dayStart(w, f.loc)
			switch op {
			case "=":
				return h >= start && h < nextDay(start, f.loc)
			case ">":
				return h >= nextDay(start, f.loc)
			case "<":
				return h < start
			}
			return false
		}
		return compareNumbers(h, w, op, true)
	}
	return false
}

// compareNumbers applies a comparison operator to a record's number and the query's. With orEqual, > and < also
// match equal values, as conversation search documents them ("Greater (or equal) than"); contact search's are
// strict.
func compareNumbers[T int64 | float64](have, want T, op string, orEqual bool) bool {
	switch op {
	case "=":
		return have == want
	case ">":
		return have > want || orEqual && have == want
	case "<":
		return have < want || orEqual && have == want
	case ">=":
		return have >= want
	case "<=":
		return have <= want
	}
	return false
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return math.NaN()
}

// dayStart returns the Unix time of the midnight that starts ts's day in loc.
func dayStart(ts int64, loc *time.Location) int64 {
	t := time.Unix(ts, 0).In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).Unix()
}

func nextDay(start int64, loc *time.Location) int64 {
	t := time.Unix(start, 0).In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc).Unix()
}

// operatorsFor returns the operators a field accepts on an endpoint, from the 2.16 operator tables.
func operatorsFor(f searchField, target searchTarget) []string {
	contacts := target == searchContacts
	switch {
	case f.orEqualOps: // ticket created_at: "You may use the <= or >= operators to search by created_at"
		return []string{"=", "!=", "IN", "NIN", ">", "<", ">=", "<="}
	case f.tagID:
		return []string{"=", "!="} // "Searching by tag_id supports only the = and != operators"
	case contacts && f.kind == kindDate:
		return []string{"=", ">", "<"} // "!=, >=, <=, IN and NIN ... are not supported on Date fields"
	case contacts && (f.kind == kindInt || f.kind == kindFloat):
		return []string{"=", "!=", "IN", "NIN", "<", ">", "<=", ">="}
	case f.kind == kindInt || f.kind == kindDate || f.kind == kindFloat:
		return []string{"=", "!=", "IN", "NIN", ">", "<"} // conversations list no <= or >=: > and < already include equality
	case f.kind == kindBool:
		return []string{"=", "!=", "IN", "NIN"}
	}
	return []string{"=", "!=", "IN", "NIN", "~", "!~", "^", "$"}
}

var allOperators = []string{"=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$"}

// compileQuery parses and validates a search body's query, enforcing the documented limits and type rules.
func (ws *Workspace) compileQuery(raw json.RawMessage, target searchTarget) (predicate, error) {
	return ws.compileFilter(raw, target, 0, "query")
}

func (ws *Workspace) compileFilter(raw json.RawMessage, target searchTarget, depth int, path string) (predicate, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, badSearch("%s must be an object with either field, operator and value, or operator and a value list", path)
	}
	if _, single := obj["field"]; single {
		return ws.compileSingle(obj, target, path)
	}
	for k := range obj {
		if k != "operator" && k != "value" {
			return nil, badSearch("%s: unknown key %q in a filter group (a group has only operator and value)", path, k)
		}
	}
	var op string
	if err := json.Unmarshal(obj["operator"], &op); err != nil || (op != "AND" && op != "OR") {
		return nil, badSearch("%s: a filter group's operator must be AND or OR (a single filter needs a field)", path)
	}
	if depth+1 > maxNesting {
		return nil, badSearch("%s: filters are nested too deeply (max %d nested filters, e.g. (1 OR 2) AND (3 OR 4))", path, maxNesting)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(obj["value"], &items); err != nil {
		return nil, badSearch("%s: a filter group's value must be a list of filters", path)
	}
	switch {
	case len(items) == 0:
		return nil, badSearch("%s: a filter group needs at least one filter", path)
	case len(items) > maxGroupFilter:
		return nil, badSearch("%s: %d filters in one %s group (max %d filters for each AND or OR group)", path, len(items), op, maxGroupFilter)
	}
	g := &group{or: op == "OR"}
	for i, item := range items {
		p, err := ws.compileFilter(item, target, depth+1, fmt.Sprintf("%s.value[%d]", path, i))
		if err != nil {
			return nil, err
		}
		g.terms = append(g.terms, p)
	}
	return g, nil
}

func (ws *Workspace) compileSingle(obj map[string]json.RawMessage, target searchTarget, path string) (predicate, error) {
	contacts := target == searchContacts
	for k := range obj {
		if k != "field" && k != "operator" && k != "value" {
			return nil, badSearch("%s: unknown key %q in a filter (a filter has field, operator and value)", path, k)
		}
	}
	var name, op string
	if err := json.Unmarshal(obj["field"], &name); err != nil || name == "" {
		return nil, badSearch("%s: field must be a non-empty string", path)
	}
	if err := json.Unmarshal(obj["operator"], &op); err != nil || !slices.Contains(allOperators, op) {
		return nil, badSearch("%s: operator must be one of %s", path, strings.Join(allOperators, " "))
	}
	f, ok := ws.lookupField(target, name)
	if !ok {
		what := target.String()
		if target == searchTickets && strings.HasPrefix(name, "ticket_attribute.") {
			return nil, badSearch("%s: %q is not the id of a ticket type attribute of this workspace (ticket_attribute.{id}, ids as GET /ticket_types lists them)", path, strings.TrimPrefix(name, "ticket_attribute."))
		}
		if strings.HasPrefix(name, "custom_attributes.") {
			return nil, badSearch("%s: %q is not a %s custom attribute of this workspace", path, strings.TrimPrefix(name, "custom_attributes."), what)
		}
		return nil, badSearch("%s: %q is not a searchable %s field", path, name, what)
	}
	allowed := operatorsFor(f, target)
	if !slices.Contains(allowed, op) {
		hint := ""
		if !contacts && (op == ">=" || op == "<=") {
			hint = "; for " + target.String() + "s > and < already mean greater/lower or equal"
		}
		return nil, badSearch("%s: operator %q is not supported for %s field %q (allowed: %s)%s", path, op, f.kind, name, strings.Join(allowed, " "), hint)
	}
	rawValue, present := obj["value"]
	if !present {
		return nil, badSearch("%s: value is required", path)
	}
	flt := &filter{field: f, op: op, contacts: contacts, loc: ws.loc}
	if op == "IN" || op == "NIN" {
		var list []json.RawMessage
		if err := json.Unmarshal(rawValue, &list); err != nil {
			return nil, badSearch("%s: operator %s needs a list value", path, op)
		}
		if len(list) == 0 {
			return nil, badSearch("%s: operator %s needs at least one value", path, op)
		}
		for _, item := range list {
			v, err := convertValue(item, f.kind, false)
			if err == nil && f.check != nil {
				err = f.check(v)
			}
			if err != nil {
				return nil, badSearch("%s: %s", path, err)
			}
			flt.values = append(flt.values, v)
		}
		return flt, nil
	}
	if bytes.HasPrefix(bytes.TrimSpace(rawValue), []byte("[")) {
		return nil, badSearch("%s: operator %s takes a single value, not a list (use IN or NIN)", path, op)
	}
	nullOK := op == "=" || op == "!="
	v, err := convertValue(rawValue, f.kind, nullOK)
	if err != nil {
		return nil, badSearch("%s: field %q: %s", path, name, err)
	}
	// source.body is matched word by word, so "need support" equals no word and matches nothing, as documented.
	flt.values = []any{v}
	if f.check != nil {
		if err := f.check(v); err != nil {
			return nil, badSearch("%s: field %q: %s", path, name, err)
		}
	}
	return flt, nil
}

// convertValue checks a filter value against the field's type ("The value you search for has to match the accepted
// type, otherwise the query will fail") and normalises it. Numbers given as numeric strings are accepted for
// integer and date fields, as the spec's own example sends created_at as "1306054154".
func convertValue(raw json.RawMessage, kind fieldKind, nullOK bool) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("value is not valid JSON")
	}
	if v == nil {
		if nullOK {
			return nil, nil
		}
		return nil, fmt.Errorf("value must not be null")
	}
	switch kind {
	case kindString:
		switch v := v.(type) {
		case string:
			return strings.ToLower(v), nil
		case json.Number:
			return strings.ToLower(v.String()), nil
		}
		return nil, fmt.Errorf("value %s is not a string", raw)
	case kindBool:
		switch v := v.(type) {
		case bool:
			return v, nil
		case string:
			if b, err := strconv.ParseBool(v); err == nil && (v == "true" || v == "false") {
				return b, nil
			}
		}
		return nil, fmt.Errorf("value %s is not a boolean", raw)
	case kindInt, kindDate:
		n, err := strconv.ParseInt(numberText(v), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("value %s is not %s", raw, map[fieldKind]string{kindInt: "an integer", kindDate: "a date (UNIX timestamp)"}[kind])
		}
		return n, nil
	case kindFloat:
		f, err := strconv.ParseFloat(numberText(v), 64)
		if err != nil {
			return nil, fmt.Errorf("value %s is not a number", raw)
		}
		return f, nil
	}
	return nil, fmt.Errorf("unsupported field type")
}

// numberText returns a JSON number or a string as written, and "" (which parses as no number) for anything else.
func numberText(v any) string {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case string:
		return v
	}
	return ""
}

// searchBody is a parsed search request.
type searchBody struct {
	query         predicate
	perPage       int
	startingAfter string
	sortField     string // contacts only
	sortName      string
	ascending     bool
	fingerprint   string // identifies the query, so a cursor is not reused across queries
}

// parseSearchBody decodes and validates a search request. Unknown keys are rejected (a client sending "sort" to
// conversation search, which has none, learns it here rather than silently getting unsorted results).
func (ws *Workspace) parseSearchBody(body []byte, target searchTarget, defaultPerPage int) (*searchBody, error) {
	sortable := target != searchConversations
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return nil, &searchError{code: "bad_request", msg: "The request body must be a JSON object with a query"}
	}
	for k := range top {
		switch k {
		case "query", "pagination":
		case "sort":
			if sortable {
				continue
			}
			return nil, badSearch("conversation search has no sort; results come in the fake's documented order (updated_at descending)")
		default:
			return nil, badSearch("unknown key %q in the search body (expected query, pagination%s)", k, map[bool]string{true: ", sort"}[sortable])
		}
	}
	rawQuery, ok := top["query"]
	if !ok || string(rawQuery) == "null" {
		return nil, &searchError{code: "parameter_not_found", msg: "query is required"}
	}
	q, err := ws.compileQuery(rawQuery, target)
	if err != nil {
		return nil, err
	}
	sb := &searchBody{query: q, perPage: defaultPerPage}
	if raw, ok := top["pagination"]; ok && string(raw) != "null" {
		var p map[string]json.RawMessage
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, badSearch("pagination must be an object with per_page and starting_after")
		}
		for k, v := range p {
			switch k {
			case "per_page":
				var n json.Number
				if err := json.Unmarshal(v, &n); err != nil {
					return nil, badSearch("pagination.per_page must be an integer")
				}
				pp, err := strconv.Atoi(n.String())
				if err != nil || pp < 1 {
					return nil, badSearch("pagination.per_page must be an integer of at least 1")
				}
				sb.perPage = min(pp, maxPerPage)
			case "starting_after":
				if string(v) == "null" {
					continue
				}
				if err := json.Unmarshal(v, &sb.startingAfter); err != nil {
					return nil, badSearch("pagination.starting_after must be a string")
				}
			default:
				return nil, badSearch("unknown key %q in pagination (expected per_page, starting_after)", k)
			}
		}
	}
	sb.sortField, sb.sortName = "updated_at", "updated_at"
	if raw, ok := top["sort"]; ok && string(raw) != "null" {
		var s map[string]json.RawMessage
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, badSearch("sort must be an object with field and order")
		}
		order := "descending"
		for k, v := range s {
			switch k {
			case "field":
				if err := json.Unmarshal(v, &sb.sortField); err != nil {
					return nil, badSearch("sort.field must be a string")
				}
			case "order":
				if err := json.Unmarshal(v, &order); err != nil {
					return nil, badSearch("sort.order must be a string")
				}
			default:
				return nil, badSearch("unknown key %q in sort (expected field, order)", k)
			}
		}
		switch order {
		case "ascending":
			sb.ascending = true
		case "descending":
		default:
			return nil, &searchError{code: "invalid_sort_order", msg: fmt.Sprintf("Invalid sort order '%s'. Must be one of: ascending, descending", order)}
		}
		f, ok := ws.lookupField(target, sb.sortField)
		if !ok || f.perWord || f.tagID || slices.Contains([]string{"segment_id", "contact_ids", "teammate_ids"}, sb.sortField) {
			return nil, badSearch("sort.field %q is not a sortable %s field", sb.sortField, target)
		}
		sb.sortName = sb.sortField
	}
	// The fingerprint is the canonical query plus sort: a cursor from another query is refused.
	var canon bytes.Buffer
	_ = json.Compact(&canon, rawQuery)
	sb.fingerprint = fingerprint(canon.String() + "|" + sb.sortName + "|" + strconv.FormatBool(sb.ascending))
	return sb, nil
}

func fingerprint(s string) string {
	// FNV-1a, 64 bits: enough to tell queries apart; not a security boundary.
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return strconv.FormatUint(h, 36)
}
