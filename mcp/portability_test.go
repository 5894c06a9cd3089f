package mcp_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"
)

// portableKeywords are the schema keywords a client with a strict function-calling subset accepts everywhere
// (OpenAI strict mode, the OpenAPI subset of Gemini function declarations, the MCP Inspector's portability lint):
// one type per node, no null in it, no format, pattern, minLength/maxLength, composition or references.
var portableKeywords = []string{
	"type", "description", "title", "properties", "required", "additionalProperties", "items", "enum", "minimum", "maximum",
}

// TestSchemas_Portable walks every tool's input and output schema and fails on anything outside the portable
// subset: a keyword not in portableKeywords, a type that is a list or null, a node without a type (it accepts
// anything, and the Inspector warns about it), or a boolean where a schema belongs.
func TestSchemas_Portable(t *testing.T) {
	t.Parallel()
	for _, st := range goldenTools(t) {
		for which, raw := range map[string]json.RawMessage{"inputSchema": st.Tool.RawInputSchema, "outputSchema": st.Tool.RawOutputSchema} {
			var doc any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("%s %s: %v", st.Tool.Name, which, err)
			}
			for _, p := range unportable(doc, which) {
				t.Errorf("%s: %s", st.Tool.Name, p)
			}
		}
	}
}

// TestSchemas_PortableCheckFindsProblems keeps the walker honest: each kind of problem is found.
func TestSchemas_PortableCheckFindsProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		schema string
		want   int
	}{
		{`{"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false}`, 0},
		{`{"type": "object", "properties": {"a": {"type": ["null", "string"]}}}`, 1},
		{`{"type": "object", "properties": {"a": {"description": "anything"}}}`, 1},
		{`{"type": "object", "properties": {"a": {"type": "string", "format": "date-time", "pattern": "^x"}}}`, 2},
		{`{"type": "object", "properties": {"a": {"type": "string", "maxLength": 5}}}`, 1},
		{`{"type": "object", "properties": {"a": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}`, 2},
		{`{"type": "object", "properties": {"a": true}}`, 1},
		{`{"type": "array", "items": {"type": "null"}}`, 1},
	} {
		var doc any
		if err := json.Unmarshal([]byte(tc.schema), &doc); err != nil {
			t.Fatal(err)
		}
		if got := unportable(doc, "schema"); len(got) != tc.want {
			t.Errorf("%s: %d problems %v, want %d", tc.schema, len(got), got, tc.want)
		}
	}
}

// unportable lists the problems of a schema node and everything under it.
func unportable(node any, path string) []string {
	m, ok := node.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: %v where a schema object belongs", path, node)}
	}
	var out []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(portableKeywords, k) {
			out = append(out, fmt.Sprintf("%s: keyword %q is not portable", path, k))
		}
	}
	switch t := m["type"].(type) {
	case string:
		if t == "null" {
			out = append(out, fmt.Sprintf("%s: type null", path))
		}
	case nil:
		out = append(out, fmt.Sprintf("%s: no type (the node accepts any value)", path))
	default:
		out = append(out, fmt.Sprintf("%s: type %v is not a single type", path, t))
	}
	if props, ok := m["properties"].(map[string]any); ok {
		names := make([]string, 0, len(props))
		for name := range props {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			out = append(out, unportable(props[name], path+".properties."+name)...)
		}
	}
	if items, ok := m["items"]; ok {
		out = append(out, unportable(items, path+".items")...)
	}
	if extra, ok := m["additionalProperties"]; ok {
		if _, isBool := extra.(bool); !isBool {
			out = append(out, unportable(extra, path+".additionalProperties")...)
		}
	}
	return out
}
