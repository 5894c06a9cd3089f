package mcp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// What a model sees is an API: each tool's definition (name, description, schemas, annotations) and a rendered
// result of each tool are pinned in testdata, so a change shows up as a diff in review. Run go test ./mcp -update
// to accept a change; a missing golden file fails.

func goldenTools(t *testing.T) []server.ServerTool {
	t.Helper()
	w := newWorld(t)
	return mcp.Tools(w.deps(), w.toolOptions())
}

func TestGolden_ToolDefinitions(t *testing.T) {
	t.Parallel()
	tools := goldenTools(t)
	if len(tools) != len(toolNames) {
		t.Fatalf("%d tools, want %d", len(tools), len(toolNames))
	}
	for i, st := range tools {
		if st.Tool.Name != toolNames[i] {
			t.Errorf("tool %d is %s, want %s", i, st.Tool.Name, toolNames[i])
		}
		b, err := json.Marshal(st.Tool)
		if err != nil {
			t.Fatalf("%s: %v", st.Tool.Name, err)
		}
		checkGolden(t, filepath.Join("testdata", "toolsnaps", st.Tool.Name+".json"), prettyJSON(t, b))
	}
}

// TestGolden_RenderedResults pins one rendered result per tool: the text the model reads and the structured
// content.
func TestGolden_RenderedResults(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tools := map[string]server.ServerTool{}
	for _, st := range mcp.Tools(w.deps(), w.toolOptions()) {
		tools[st.Tool.Name] = st
	}
	cases := []struct {
		name, tool string
		args       map[string]any
	}{
		{"search_free_text", "search", map[string]any{"query": `object_type:conversations q:refund`}},
		{"search_contacts_dsl", "search", map[string]any{"query": `object_type:contacts`}},
		{"search_error", "search", map[string]any{"query": `object_type:conversations stat:open`}},
		{"fetch_conversation", "fetch", map[string]any{"id": "conversation_" + convRefund}},
		{"fetch_contact", "fetch", map[string]any{"id": "contact_" + contactJane}},
		{"search_conversations", "search_conversations", map[string]any{"state": "open", "per_page": 3}},
		{"get_conversation_hostile", "get_conversation", map[string]any{"id": convHostile}},
		{"get_conversation_paged", "get_conversation", map[string]any{"id": convLong, "parts_offset": 10, "max_parts": 3}},
		{"search_contacts", "search_contacts", map[string]any{"email_domain": "example.com"}},
		{"get_contact", "get_contact", map[string]any{"id": contactBob}},
		{"aggregate_tag_by_month", "aggregate", map[string]any{"query": "object_type:conversations", "group_by": []any{"tag", "created_at:month"}, "metrics": []any{"count", "median:statistics_time_to_admin_reply"}, "limit": 4}},
		{"aggregate_free_text", "aggregate", map[string]any{"query": "object_type:conversations q:refund", "group_by": []any{"state"}}},
		{"aggregate_by_custom_attribute", "aggregate", map[string]any{"query": "object_type:conversations", "group_by": []any{`ca."Ticket category"`}}},
		{"aggregate_contacts_by_country", "aggregate", map[string]any{"query": "object_type:contacts", "group_by": []any{"location_country"}}},
		{"aggregate_totals", "aggregate", map[string]any{"query": "object_type:conversations", "metrics": []any{"count", "p90:parts_count", "min:created_at"}}},
		{"aggregate_error", "aggregate", map[string]any{"query": "object_type:conversations", "group_by": []any{"tgs"}}},
		{"aggregate_by_assignee", "aggregate", map[string]any{"query": "object_type:conversations", "group_by": []any{"admin_assignee_id", "team_assignee"}}},
		{"search_companies", "search", map[string]any{"query": `object_type:companies`}},
		{"search_conversations_by_name", "search", map[string]any{"query": `object_type:conversations admin_assignee:"Maya Lindqvist"`}},
		{"fetch_company", "fetch", map[string]any{"id": "company_" + companyAcme}},
		{"list_companies", "list_companies", map[string]any{"tag": "VIP"}},
		{"list_companies_all", "list_companies", map[string]any{}},
		{"get_company_hostile", "get_company", map[string]any{"id": companyEvil}},
		{"search_articles_dsl", "search", map[string]any{"query": `object_type:articles q:refund`}},
		{"search_tickets_dsl", "search", map[string]any{"query": `object_type:tickets`}},
		{"fetch_article", "fetch", map[string]any{"id": "article_" + articleRefunds}},
		{"fetch_ticket", "fetch", map[string]any{"id": "ticket_" + ticketBug}},
		{"list_articles_all", "list_articles", map[string]any{}},
		{"search_articles", "search_articles", map[string]any{"phrase": "refund", "state": "published"}},
		{"get_article_hostile", "get_article", map[string]any{"id": articleHostile}},
		{"search_tickets", "search_tickets", map[string]any{"open": true}},
		{"get_ticket", "get_ticket", map[string]any{"id": ticketRefund}},
		{"aggregate_tickets_by_type_and_state", "aggregate", map[string]any{"query": "object_type:tickets", "group_by": []any{"ticket_type", "state"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := mcpgo.CallToolRequest{}
			req.Params.Name = tc.tool
			req.Params.Arguments = tc.args
			res, err := tools[tc.tool].Handler(context.Background(), req)
			if err != nil {
				t.Fatalf("handler: %v", err)
			}
			var text strings.Builder
			for _, c := range res.Content {
				if tc, ok := c.(mcpgo.TextContent); ok {
					text.WriteString(tc.Text)
				}
			}
			fmt.Fprintf(&text, "\n\n--- isError: %v\n", res.IsError)
			var structured []byte
			if res.StructuredContent != nil {
				b, err := json.Marshal(res.StructuredContent)
				if err != nil {
					t.Fatal(err)
				}
				structured = prettyJSON(t, b)
			}
			// Cursors are the index's opaque encoding: pin where they appear, not their bytes, so a change to the
			// cursor format is the index's business and not a diff in what models see.
			rendered := []byte(text.String())
			for _, c := range cursorsIn(t, structured) {
				rendered = bytes.ReplaceAll(rendered, []byte(c), []byte("<cursor>"))
				structured = bytes.ReplaceAll(structured, []byte(c), []byte("<cursor>"))
			}
			checkGolden(t, filepath.Join("testdata", "rendered", tc.name+".txt"), rendered)
			if structured != nil {
				checkGolden(t, filepath.Join("testdata", "rendered", tc.name+".json"), structured)
			}
		})
	}
}

// TestSchemas_Compile compiles every input and output schema with the validator mcp-go uses: mcp-go silently
// skips validation for a schema that does not compile, so a broken schema would go unnoticed.
func TestSchemas_Compile(t *testing.T) {
	t.Parallel()
	for _, st := range goldenTools(t) {
		raw := st.Tool.RawInputSchema
		if len(raw) == 0 {
			t.Fatalf("%s has no raw input schema", st.Tool.Name)
		}
		out := st.Tool.RawOutputSchema
		if len(out) == 0 {
			t.Fatalf("%s has no raw output schema", st.Tool.Name)
		}
		for kind, schema := range map[string][]byte{"input": raw, "output": out} {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
			if err != nil {
				t.Fatalf("%s %s schema: %v", st.Tool.Name, kind, err)
			}
			c := jsonschema.NewCompiler()
			url := fmt.Sprintf("mem:///%s/%s.json", st.Tool.Name, kind)
			if err := c.AddResource(url, doc); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Compile(url); err != nil {
				t.Errorf("%s %s schema does not compile: %v", st.Tool.Name, kind, err)
			}
		}
	}
}

// TestSchemas_MatchArgumentTypes checks that each schema's properties are exactly the JSON fields of the type the
// handler binds, so no argument is advertised and ignored, or accepted but undocumented.
func TestSchemas_MatchArgumentTypes(t *testing.T) {
	t.Parallel()
	argTypes := map[string]reflect.Type{
		"search":               reflect.TypeFor[mcp.SearchArgs](),
		"fetch":                reflect.TypeFor[mcp.FetchArgs](),
		"search_conversations": reflect.TypeFor[query.ConversationFilter](),
		"get_conversation":     reflect.TypeFor[mcp.GetConversationArgs](),
		"search_contacts":      reflect.TypeFor[query.ContactFilter](),
		"get_contact":          reflect.TypeFor[mcp.GetContactArgs](),
		"aggregate":            reflect.TypeFor[mcp.AggregateArgs](),
		"list_companies":       reflect.TypeFor[query.CompanyFilter](),
		"get_company":          reflect.TypeFor[mcp.GetCompanyArgs](),
		"list_articles":        reflect.TypeFor[query.ArticleFilter](),
		"search_articles":      reflect.TypeFor[query.ArticleFilter](),
		"get_article":          reflect.TypeFor[mcp.GetArticleArgs](),
		"search_tickets":       reflect.TypeFor[query.TicketFilter](),
		"get_ticket":           reflect.TypeFor[mcp.GetTicketArgs](),
	}
	for _, st := range goldenTools(t) {
		var schema struct {
			Properties           map[string]any `json:"properties"`
			AdditionalProperties *bool          `json:"additionalProperties"`
		}
		if err := json.Unmarshal(st.Tool.RawInputSchema, &schema); err != nil {
			t.Fatal(err)
		}
		var props, fields []string
		for p := range schema.Properties {
			props = append(props, p)
		}
		typ := argTypes[st.Tool.Name]
		for i := 0; i < typ.NumField(); i++ {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fields = append(fields, name)
		}
		slices.Sort(props)
		slices.Sort(fields)
		if !slices.Equal(props, fields) {
			t.Errorf("%s: schema properties %v, argument fields %v", st.Tool.Name, props, fields)
		}
		if schema.AdditionalProperties == nil || *schema.AdditionalProperties {
			t.Errorf("%s: the schema accepts unknown arguments", st.Tool.Name)
		}
	}
}

func prettyJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkGolden compares got with the golden file at path, or rewrites the file under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file %s missing (run go test ./mcp -update to create it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed (run go test ./mcp -update to accept):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the lines that differ between want and got, with a little context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  - %s\n  + %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// cursorsIn returns every non-empty "starting_after" string in a structured result, at any depth.
func cursorsIn(t *testing.T, structured []byte) []string {
	t.Helper()
	if structured == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(structured, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if s, ok := e.(string); ok && k == "starting_after" && s != "" {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
