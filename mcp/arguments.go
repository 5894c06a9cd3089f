package mcp

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/intercom-replica/intercom-replica/query"
)

// A tool's arguments are checked here against its input schema, before they are bound to the handler's argument
// type. The schemas use a small portable subset of JSON Schema (type, enum, properties, required,
// additionalProperties, items, minimum, maximum: see TestSchemas_Portable), so the check is small too, and every
// failure is a sentence that names the argument, what was given and what is accepted:
//
//	state: "pending" is not one of open, closed, snoozed.
//	unknown argument "bogus"; the arguments are id, max_parts, parts_offset.
//
// The check also reads values the way a model or a client writes them when they are unambiguous: a number where a
// string is declared is its decimal text (ids: Intercom writes some as numbers and others as strings, and the
// tools' own results must be accepted back), a string holding a number or a boolean where one is declared is that
// value, a single value where a list is declared is a list of one, a value of a closed set (an enum) in any case is
// the set's spelling (the query language's rule, query.EnumValue: state OPEN is open), and null is an argument left
// out.
//
// An empty value (a string of nothing or only spaces, a list or an object with nothing in it) is refused, for every
// argument of every tool: given to a filter it would be dropped and the call would answer with everything, which is
// never what was meant. The one exception is the cursor (cursorArg): a client echoing an empty next cursor asks for
// the first page, so an empty one is the argument left out.
//
//	source_author_email: an empty string has no value to use; give a string, or leave source_author_email out.

// cursorArg is the one argument an empty value is given to on purpose: the paging cursor, which a client may echo
// from a result that has no next page. Empty, it is left out: the first page.
const cursorArg = "starting_after"

// argSchema is one node of an input schema, in the subset the tools use.
type argSchema struct {
	typ         string
	description string
	enum        []string // for strings
	properties  map[string]*argSchema
	required    []string
	extra       *argSchema // additionalProperties as a schema
	closed      bool       // additionalProperties: false
	items       *argSchema
	min, max    *float64
}

// compileArgSchema reads a raw input schema into an argSchema. It fails on keywords outside the subset, so a
// schema the check would not enforce cannot be registered.
func compileArgSchema(raw json.RawMessage) (*argSchema, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode input schema: %w", err)
	}
	return compileArgNode(doc, "")
}

func compileArgNode(doc map[string]any, path string) (*argSchema, error) {
	s := &argSchema{}
	for k, v := range doc {
		var err error
		switch k {
		case "type":
			t, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s: type %v is not a single type name", orRoot(path), v)
			}
			s.typ = t
		case "description", "title":
			s.description, _ = v.(string)
			if k == "title" {
				s.description = ""
			}
		case "enum":
			for _, e := range asList(v) {
				str, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%s: enum value %v is not a string", orRoot(path), e)
				}
				s.enum = append(s.enum, str)
			}
		case "properties":
			s.properties = map[string]*argSchema{}
			for name, p := range asMap(v) {
				if s.properties[name], err = compileArgNode(asMap(p), joinPath(path, name)); err != nil {
					return nil, err
				}
			}
		case "required":
			for _, r := range asList(v) {
				name, _ := r.(string)
				s.required = append(s.required, name)
			}
		case "additionalProperties":
			switch a := v.(type) {
			case bool:
				s.closed = !a
			case map[string]any:
				if s.extra, err = compileArgNode(a, joinPath(path, "*")); err != nil {
					return nil, err
				}
			}
		case "items":
			if s.items, err = compileArgNode(asMap(v), path+"[]"); err != nil {
				return nil, err
			}
		case "minimum", "maximum":
			f, ok := v.(float64)
			if !ok {
				return nil, fmt.Errorf("%s: %s %v is not a number", orRoot(path), k, v)
			}
			if k == "minimum" {
				s.min = &f
			} else {
				s.max = &f
			}
		default:
			return nil, fmt.Errorf("%s: keyword %q is outside the portable subset the tools use", orRoot(path), k)
		}
	}
	if s.typ == "" {
		return nil, fmt.Errorf("%s: no type", orRoot(path))
	}
	return s, nil
}

// checkArgs checks args (a tool call's arguments as decoded JSON) against the root schema s and returns them read
// as described above, or the problems found, one sentence each, in the order of the arguments' names.
func checkArgs(s *argSchema, args any) (map[string]any, []string) {
	if args == nil {
		args = map[string]any{}
	}
	var decoded any // as JSON decodes it, whoever built args (an in-process caller may pass Go ints)
	if err := remarshal(args, &decoded); err != nil {
		return nil, []string{fmt.Sprintf("the arguments are not JSON: %v.", err)}
	}
	args = decoded
	if _, ok := args.(map[string]any); !ok {
		return nil, []string{fmt.Sprintf("the arguments must be an object such as {%q: ...}; got %s.", firstArgName(s), given(args))}
	}
	c := &argChecker{}
	out := c.value(s, args, "")
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	return out.(map[string]any), nil
}

type argChecker struct {
	problems []string
}

func (c *argChecker) fail(format string, a ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, a...))
}

// value checks v against s at path and returns it as read.
func (c *argChecker) value(s *argSchema, v any, path string) any {
	switch s.typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			c.notAccepted(s, v, path)
			return nil
		}
		return c.object(s, m, path)
	case "array":
		list, ok := v.([]any)
		if !ok {
			list = []any{v} // one value where a list is declared: a list of one
		}
		out := make([]any, 0, len(list))
		for i, e := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case e == nil:
				c.fail("%s: null is not %s; remove it from the list.", p, accepted(s.items))
			case isEmpty(e):
				c.empty(s.items, e, p, ", or remove it from the list")
			default:
				out = append(out, c.value(s.items, e, p))
			}
		}
		return out
	case "string":
		str, ok := v.(string)
		if f, isNum := v.(float64); isNum {
			if math.Abs(f) >= 1<<53 {
				c.fail("%s: %s is too large to be read exactly as a JSON number; give it as a string.", orRoot(path), numberText(f))
				return nil
			}
			str, ok = numberText(f), true
		}
		if ok && len(s.enum) > 0 {
			str, ok = query.EnumValue(s.enum, str)
		}
		if !ok {
			c.notAccepted(s, v, path)
			return nil
		}
		return str
	case "integer", "number":
		f, ok := v.(float64)
		if str, isStr := v.(string); isStr {
			n, err := strconv.ParseFloat(strings.TrimSpace(str), 64)
			f, ok = n, err == nil && !math.IsInf(n, 0) && !math.IsNaN(n)
		}
		if !ok || s.typ == "integer" && (f != math.Trunc(f) || math.Abs(f) >= 1<<53) || s.min != nil && f < *s.min || s.max != nil && f > *s.max {
			c.notAccepted(s, v, path)
			return nil
		}
		return f
	case "boolean":
		switch t := v.(type) {
		case bool:
			return t
		case string:
			switch strings.ToLower(t) { // the query language's rule: open:TRUE is open:true
			case "true":
				return true
			case "false":
				return false
			}
		}
		c.notAccepted(s, v, path)
		return nil
	}
	return v
}

// object checks the properties of m: unknown names, required ones, and each value. A null property is one left
// out.
func (c *argChecker) object(s *argSchema, m map[string]any, path string) map[string]any {
	out := make(map[string]any, len(m))
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := m[name]
		p := joinPath(path, name)
		ps, known := s.properties[name]
		switch {
		case !known && s.extra != nil:
			ps = s.extra
		case !known && s.closed:
			c.unknown(s, name, path)
			continue
		case !known:
			out[name] = v // free-form
			continue
		}
		if v == nil {
			continue
		}
		if isEmpty(v) {
			switch {
			case path == "" && name == cursorArg:
			case slices.Contains(s.required, name):
				c.empty(ps, v, p, "")
			default:
				c.empty(ps, v, p, fmt.Sprintf(", or leave %s out", name))
			}
			continue
		}
		if r := c.value(ps, v, p); r != nil {
			out[name] = r
		}
	}
	for _, name := range s.required {
		if m[name] != nil {
			continue
		}
		ps := s.properties[name]
		desc := ""
		if ps != nil && ps.description != "" {
			desc = " " + strings.TrimSpace(ps.description)
		}
		if path == "" {
			c.fail("missing argument %q (%s).%s", name, accepted(ps), desc)
		} else {
			c.fail("%s: missing field %q (%s).%s", path, name, accepted(ps), desc)
		}
	}
	return out
}

func (c *argChecker) unknown(s *argSchema, name, path string) {
	known := make([]string, 0, len(s.properties))
	for k := range s.properties {
		known = append(known, k)
	}
	slices.Sort(known)
	if path == "" {
		c.fail("unknown argument %q; the arguments are %s.", name, strings.Join(known, ", "))
		return
	}
	c.fail("%s: unknown field %q; the fields are %s.", path, name, strings.Join(known, ", "))
}

// notAccepted reports that v, at path, is not what s accepts; a value outside a closed set is followed by the
// nearest value of the set, when one is near, and the argument's description, which says what the values mean (and
// what to use instead).
func (c *argChecker) notAccepted(s *argSchema, v any, path string) {
	end, desc := ".", ""
	if len(s.enum) > 0 {
		if str, ok := v.(string); ok {
			if near := query.Nearest(str, s.enum); len(near) > 0 {
				end = fmt.Sprintf("; did you mean %q?", near[0])
			}
		}
		desc = trailingDescription(s)
	}
	c.fail("%s: %s is not %s%s%s", orRoot(path), given(v), accepted(s), end, desc)
}

// isEmpty reports whether v is an empty value: a string of nothing or only white space, or a list or an object
// with nothing in it.
func isEmpty(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t) == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

// empty reports the empty value v given at path, where s is declared: it has no value to use, so the message says
// what to give, then alternative (leaving the argument out, when it is optional), then what the argument means.
func (c *argChecker) empty(s *argSchema, v any, path, alternative string) {
	what := "an empty string"
	switch v.(type) {
	case []any:
		what = "an empty list"
	case map[string]any:
		what = "an empty object"
	}
	c.fail("%s: %s has no value to use; give %s%s.%s", path, what, accepted(s), alternative, trailingDescription(s))
}

// trailingDescription is the description of s to follow a sentence about it: a space and the description, or "".
func trailingDescription(s *argSchema) string {
	if s == nil || strings.TrimSpace(s.description) == "" {
		return ""
	}
	return " " + strings.TrimSpace(s.description)
}

// accepted describes what s accepts, for an error: "one of open, closed, snoozed", "a whole number from 1 to 500".
func accepted(s *argSchema) string {
	if s == nil {
		return "accepted"
	}
	switch s.typ {
	case "string":
		if len(s.enum) > 0 {
			return "one of " + strings.Join(s.enum, ", ")
		}
		return "a string"
	case "integer", "number":
		what := "a whole number"
		if s.typ == "number" {
			what = "a number"
		}
		switch {
		case s.min != nil && s.max != nil:
			return fmt.Sprintf("%s from %s to %s", what, numberText(*s.min), numberText(*s.max))
		case s.min != nil:
			return fmt.Sprintf("%s of at least %s", what, numberText(*s.min))
		case s.max != nil:
			return fmt.Sprintf("%s of at most %s", what, numberText(*s.max))
		}
		return what
	case "boolean":
		return "true or false"
	case "array":
		return "a list of " + plural(accepted(s.items))
	case "object":
		if len(s.properties) == 0 {
			return "an object"
		}
		names := make([]string, 0, len(s.properties))
		for k := range s.properties {
			names = append(names, k)
		}
		slices.Sort(names)
		return "an object with the fields " + strings.Join(names, ", ")
	}
	return "a " + s.typ
}

// plural turns "a string" into "strings" for "a list of strings"; other descriptions are kept.
func plural(what string) string {
	if rest, ok := strings.CutPrefix(what, "a "); ok && !strings.Contains(rest, " ") {
		return rest + "s"
	}
	return what
}

// given describes a value a call gave, briefly: strings quoted (long ones cut), numbers as written, lists and
// objects by kind.
func given(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		if n := len([]rune(t)); n > 60 {
			return strconv.Quote(truncateRunes(t, 60)) + fmt.Sprintf(" (%s characters)", formatCount(n))
		}
		return strconv.Quote(t)
	case float64:
		return numberText(t)
	case bool:
		return strconv.FormatBool(t)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%v", v)
}

// numberText writes a JSON number as a person would: integers without a fraction or an exponent.
func numberText(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func firstArgName(s *argSchema) string {
	if len(s.required) > 0 {
		return s.required[0]
	}
	for name := range s.properties {
		return name
	}
	return "name"
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orRoot(path string) string {
	if path == "" {
		return "the arguments"
	}
	return path
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
