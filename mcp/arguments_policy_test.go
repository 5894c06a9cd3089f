package mcp

import (
	"reflect"
	"strings"
	"testing"
)

// TestCheckArgs_Policy is the table of how checkArgs reads a value or refuses it: null is an argument left out; an
// empty string, list or object is refused with what to give instead (or to leave it out), except an empty cursor,
// which is the first page; a value of a closed set matches in any case and is read as the set spells it, and one
// that matches none is answered with the nearest.
func TestCheckArgs_Policy(t *testing.T) {
	t.Parallel()
	s, err := compileArgSchema([]byte(`{"type": "object", "additionalProperties": false, "required": ["id"], "properties": {
		"id": {"type": "string", "description": "The record's id."},
		"name": {"type": "string", "description": "Part of the name."},
		"state": {"type": "string", "enum": ["open", "closed", "snoozed"], "description": "Conversation state."},
		"category": {"type": "string", "enum": ["Customer", "Back-office", "Tracker"]},
		"ids": {"type": "array", "items": {"type": "string"}},
		"open": {"type": "boolean"},
		"attrs": {"type": "object", "additionalProperties": true},
		"range": {"type": "object", "additionalProperties": false, "properties": {
			"operator": {"type": "string", "enum": [">", "gt"]}, "value": {"type": "string"}}},
		"starting_after": {"type": "string"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args map[string]any
		want map[string]any // the arguments as read, when they are accepted
		errs []string       // the problems, when they are not
	}{
		{"null is left out", map[string]any{"id": "1", "name": nil, "ids": nil, "state": nil}, map[string]any{"id": "1"}, nil},
		{"empty string", map[string]any{"id": "1", "name": ""}, nil,
			[]string{`name: an empty string has no value to use; give a string, or leave name out. Part of the name.`}},
		{"blank string", map[string]any{"id": "1", "name": " \t"}, nil,
			[]string{`name: an empty string has no value to use; give a string, or leave name out. Part of the name.`}},
		{"empty string of a closed set", map[string]any{"id": "1", "state": ""}, nil,
			[]string{`state: an empty string has no value to use; give one of open, closed, snoozed, or leave state out. Conversation state.`}},
		{"empty list", map[string]any{"id": "1", "ids": []any{}}, nil,
			[]string{`ids: an empty list has no value to use; give a list of strings, or leave ids out.`}},
		{"empty string in a list", map[string]any{"id": "1", "ids": []any{"a", ""}}, nil,
			[]string{`ids[1]: an empty string has no value to use; give a string, or remove it from the list.`}},
		{"empty object", map[string]any{"id": "1", "attrs": map[string]any{}}, nil,
			[]string{`attrs: an empty object has no value to use; give an object, or leave attrs out.`}},
		{"empty field of an object", map[string]any{"id": "1", "range": map[string]any{"operator": ">", "value": ""}}, nil,
			[]string{`range.value: an empty string has no value to use; give a string, or leave value out.`}},
		{"required and empty", map[string]any{"id": ""}, nil,
			[]string{`id: an empty string has no value to use; give a string. The record's id.`}},
		{"empty cursor is the first page", map[string]any{"id": "1", "starting_after": ""}, map[string]any{"id": "1"}, nil},
		{"blank cursor is the first page", map[string]any{"id": "1", "starting_after": "  "}, map[string]any{"id": "1"}, nil},
		{"a cursor is kept", map[string]any{"id": "1", "starting_after": "abc"}, map[string]any{"id": "1", "starting_after": "abc"}, nil},
		{"no arguments but the required", map[string]any{"id": "1"}, map[string]any{"id": "1"}, nil},
		{"closed set in another case", map[string]any{"id": "1", "state": "OPEN", "category": "customer"},
			map[string]any{"id": "1", "state": "open", "category": "Customer"}, nil},
		{"operator name in another case", map[string]any{"id": "1", "range": map[string]any{"operator": "GT", "value": "5"}},
			map[string]any{"id": "1", "range": map[string]any{"operator": "gt", "value": "5"}}, nil},
		{"closed set, near miss", map[string]any{"id": "1", "state": "opne"}, nil,
			[]string{`state: "opne" is not one of open, closed, snoozed; did you mean "open"? Conversation state.`}},
		{"closed set, far miss", map[string]any{"id": "1", "state": "pending"}, nil,
			[]string{`state: "pending" is not one of open, closed, snoozed. Conversation state.`}},
		{"boolean in another case", map[string]any{"id": "1", "open": "TRUE"}, map[string]any{"id": "1", "open": true}, nil},
		{"every problem at once", map[string]any{"id": "", "name": "", "ids": []any{}}, nil, []string{
			`id: an empty string has no value to use; give a string. The record's id.`,
			`ids: an empty list has no value to use; give a list of strings, or leave ids out.`,
			`name: an empty string has no value to use; give a string, or leave name out. Part of the name.`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := checkArgs(s, tc.args)
			if tc.errs != nil {
				if strings.Join(problems, "\n") != strings.Join(tc.errs, "\n") {
					t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(tc.errs, "\n"))
				}
				return
			}
			if len(problems) > 0 {
				t.Fatalf("refused: %v", problems)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("read as %v, want %v", got, tc.want)
			}
		})
	}
}
