package mcp_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestPrompts_ListedAndTheirCallsWork lists the prompts, fills them in, and makes every tool call they tell the
// model to make: each must succeed, so a prompt never teaches a call the tools refuse.
func TestPrompts_ListedAndTheirCallsWork(t *testing.T) {
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	list, err := s.ListPrompts(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list.Prompts {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "triage_open_conversations,weekly_support_report" && strings.Join(names, ",") != "weekly_support_report,triage_open_conversations" {
		t.Fatalf("prompts %v", names)
	}
	callLine := regexp.MustCompile(`(?m)(aggregate|search) (\{.*\})$`)
	for _, tc := range []struct {
		prompt string
		args   map[string]string
		want   []string
	}{
		{"weekly_support_report", nil, []string{"created_at:gte:7d", "every team"}},
		{"weekly_support_report", map[string]string{"period": "2023-01-01", "team": "5017691"}, []string{"created_at:gte:2023-01-01", "team_assignee_id:5017691", `team "Billing" (5017691)`}},
		{"triage_open_conversations", map[string]string{"team": "5017691"}, []string{"state:open", "admin_assignee_id:0", "get_conversation", "team_assignee_id:5017691"}},
		// A team by name, as every tool takes it (team_assignee:Billing), in any case.
		{"weekly_support_report", map[string]string{"team": "Billing"}, []string{"created_at:gte:7d", "team_assignee:Billing", `team "Billing"`}},
		{"triage_open_conversations", map[string]string{"team": "billing"}, []string{"state:open", "team_assignee:billing"}},
	} {
		res, err := s.GetPrompt(t.Context(), &sdk.GetPromptParams{Name: tc.prompt, Arguments: tc.args})
		if err != nil {
			t.Fatalf("%s %v: %v", tc.prompt, tc.args, err)
		}
		if len(res.Messages) != 1 {
			t.Fatalf("%s: %d messages", tc.prompt, len(res.Messages))
		}
		text := res.Messages[0].Content.(*sdk.TextContent).Text
		for _, want := range tc.want {
			if !strings.Contains(text, want) {
				t.Errorf("%s %v lacks %q:\n%s", tc.prompt, tc.args, want, text)
			}
		}
		calls := callLine.FindAllStringSubmatch(text, -1)
		if len(calls) < 5 {
			t.Fatalf("%s: %d tool calls:\n%s", tc.prompt, len(calls), text)
		}
		for _, c := range calls {
			var args map[string]any
			if err := json.Unmarshal([]byte(c[2]), &args); err != nil {
				t.Fatalf("%s: call %s: %v", tc.prompt, c[0], err)
			}
			mustOK(t, s, c[1], args)
		}
	}
	for _, bad := range []struct {
		prompt string
		args   map[string]string
		want   string
	}{
		{"weekly_support_report", map[string]string{"period": "last week"}, "period"},
		// An unknown team is named as such, with the workspace's teams (the world has one: Billing).
		{"weekly_support_report", map[string]string{"team": "Nonexistent"}, `team: no team is named "Nonexistent"; did you mean Billing (id 5017691)?`},
		{"triage_open_conversations", map[string]string{"team": "Biling"}, `team: no team is named "Biling"; did you mean Billing (id 5017691)?`},
		{"triage_open_conversations", map[string]string{"team": "5766532"}, `team: the replica holds no team with id 5766532`},
		{"triage_open_conversations", map[string]string{"owner": "x"}, "unknown argument"},
	} {
		if _, err := s.GetPrompt(t.Context(), &sdk.GetPromptParams{Name: bad.prompt, Arguments: bad.args}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s %v: error %v, want one saying %q", bad.prompt, bad.args, err, bad.want)
		}
	}
}

// TestAggregate_ChartIsAPNG checks that chart: true adds the groups as a PNG image block, and that a chart of
// nothing to draw is refused with the reason.
func TestAggregate_ChartIsAPNG(t *testing.T) {
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	for _, groupBy := range [][]string{{"created_at:month"}, {"tag"}, {"tag", "created_at:year"}} {
		res := mustOK(t, s, "aggregate", map[string]any{"query": "object_type:conversations", "group_by": groupBy, "chart": true})
		var img *sdk.ImageContent
		for _, c := range res.Content {
			if ic, ok := c.(*sdk.ImageContent); ok {
				img = ic
			}
		}
		if img == nil || img.MIMEType != "image/png" {
			t.Fatalf("%v: no PNG image block in %v", groupBy, res.Content)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img.Data))
		if err != nil || cfg.Width < 300 || cfg.Height < 150 {
			t.Errorf("%v: image %dx%d: %v", groupBy, cfg.Width, cfg.Height, err)
		}
	}
	res := call(t, s, "aggregate", map[string]any{"query": "object_type:conversations", "chart": true})
	if !res.IsError || !strings.Contains(textOf(res), "needs group_by") {
		t.Errorf("chart without group_by: %s", textOf(res))
	}
}
