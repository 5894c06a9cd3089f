package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata/, and the README section) from the current output")

// goldenCheck compares got with the golden file at path, or rewrites it under -update.
func goldenCheck(t *testing.T, path string, got []byte) {
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
		t.Fatalf("read golden file (run go test ./query -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./query -update if the change is intended)\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// TestToIntercomSearch pins the Intercom search body of each case in testdata/TestToIntercomSearch/<case>.json.
func TestToIntercomSearch(t *testing.T) {
	cases := []struct{ name, dsl string }{
		{"documented_state_source", `object_type:conversations state:open source_type:email`},
		{"documented_email_domain", `object_type:contacts email_domain:"example.com"`},
		{"documented_source_body_contains", `object_type:conversations source_body:contains:"refund" limit:20`},
		{"documented_assignees", `object_type:conversations team_assignee_id:15 admin_assignee_id:6 limit:50 starting_after:WzE3MDAwMDAwMDBd`},
		{"match_all", `object_type:conversations`},
		{"keyword_ops", `object_type:conversations source_author_email:neq:a@b.com source_author_name:contains:jane source_url:starts_with:https://shop. source_author_email:ends_with:@example.com source_author_name:not_contains:bot`},
		{"in_nin", `object_type:conversations state:in:open,snoozed priority:nin:low,none admin_assignee_id:in:1,2,3`},
		{"bool", `object_type:conversations open:true read:neq:true ai_agent_participated:false`},
		{"multi_ids_prefixed", `object_type:conversations contact_ids:contact_6762f0d01bb69f9f2193bb7d tag_ids:in:1,2 id:in:conversation_1,2`},
		{"conversation_int_ranges", `object_type:conversations statistics_time_to_admin_reply:gt:1h statistics_count_reopens:gte:2 conversation_rating_score:lt:3 ai_agent_rating:lte:2`},
		{"conversation_timestamp_ranges", `object_type:conversations created_at:gte:2025-01-01 created_at:lt:2025-02-01 updated_at:gt:1735689600 waiting_since:lte:2025-01-15T12:00:00Z`},
		{"conversation_timestamp_day", `object_type:conversations created_at:2025-01-31`},
		{"contact_timestamp_ranges", `object_type:contacts created_at:gte:2025-01-01 created_at:lt:2025-02-01 last_seen_at:gt:1735689600 signed_up_at:lte:2025-01-15T12:00:00Z`},
		{"contact_timestamp_day", `object_type:contacts created_at:2020-01-01`},
		{"contact_tag_id", `object_type:contacts tag_id:in:7,8,9 tag_id:nin:1,2 tag_id:neq:3`},
		{"contact_custom_attributes", `object_type:contacts ca.plan:pro ca.seats:gte:10 ca.score:lt:4.5 ca.verified:true ca."Ticket category":in:billing,refunds ca.renewal:gt:2025-06-01`},
		{"source_body_words", `object_type:conversations source_body:"need support"`},
		{"text_superset", `object_type:conversations source_subject:"refund request" conversation_rating_remark:contains:slow source_body:not_contains:spam`},
		{"exists_dropped", `object_type:conversations conversation_rating_score:exists snoozed_until:not_exists state:open`},
		{"sixteen_filters_split", `object_type:conversations state:open open:true read:false priority:high source_type:email admin_assignee_id:1 team_assignee_id:2 source_author_email:a@b.com source_author_name:A source_id:9 source_delivered_as:customer_initiated source_url:https://x statistics_count_reopens:0 statistics_count_assignments:1 channel_initiated:email ai_agent_participated:false`},
		{"or_group_with_singles", `object_type:contacts tag_id:in:1,2 role:user email_domain:example.com`},
		{"error_free_text", `object_type:conversations q:refund state:open`},
		{"error_title", `object_type:conversations title:contains:invoice`},
		{"error_parts_body", `object_type:conversations parts_body:"double charged"`},
		{"error_tag_names", `object_type:conversations tag:vip`},
		{"error_conversation_custom_attribute", `object_type:conversations ca.tier:gold`},
		{"error_too_many_tag_ids", `object_type:contacts tag_id:in:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.dsl, fuzzNow)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			golden := struct {
				Query    string      `json:"query"`
				Body     *SearchBody `json:"body,omitempty"`
				Residual []string    `json:"residual,omitempty"`
				Error    string      `json:"error,omitempty"`
			}{Query: tc.dsl}
			body, err := ToIntercomSearch(q)
			if err != nil {
				var qe *Error
				if !errors.As(err, &qe) {
					t.Fatalf("error %T is not a *query.Error: %v", err, err)
				}
				golden.Error = err.Error()
			} else {
				golden.Body = &body
				for _, r := range body.Residual {
					golden.Residual = append(golden.Residual, r.String())
				}
				checkIntercomLimits(t, body.Query)
				if body.Exact() != (len(body.Residual) == 0) {
					t.Errorf("Exact() = %v with residual %v", body.Exact(), golden.Residual)
				}
			}
			out, err := json.MarshalIndent(golden, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			goldenCheck(t, filepath.Join("testdata", "TestToIntercomSearch", tc.name+".json"), append(out, '\n'))
		})
	}
}

// checkIntercomLimits asserts the documented shape rules: the root is a group; a group holds 1..15 members, all
// singles or all groups; groups nest at most two deep.
func checkIntercomLimits(t *testing.T, root Filter) {
	t.Helper()
	var walk func(f Filter, depth int)
	walk = func(f Filter, depth int) {
		if !f.IsGroup() {
			if f.Field == "" || f.Operator == "" {
				t.Errorf("single filter without field or operator: %+v", f)
			}
			return
		}
		if depth > 2 {
			t.Errorf("groups nested %d deep; Intercom allows 2", depth)
		}
		if n := len(f.Filters); n == 0 || n > IntercomMaxFiltersPerGroup {
			t.Errorf("group with %d members; Intercom allows 1..%d", n, IntercomMaxFiltersPerGroup)
		}
		groups := 0
		for _, m := range f.Filters {
			if m.IsGroup() {
				groups++
			}
			walk(m, depth+1)
		}
		if groups != 0 && groups != len(f.Filters) {
			t.Errorf("group mixes %d groups with %d singles", groups, len(f.Filters)-groups)
		}
	}
	if !root.IsGroup() {
		t.Errorf("root is not a group: %+v", root)
	}
	walk(root, 1)
}

func TestToIntercomSearch_ErrorsNameTheTerm(t *testing.T) {
	for dsl, want := range map[string]string{
		`object_type:conversations q:refund`:                               "Intercom's search has no free text (q); for a live search use source_body:contains:<word> (the opening message) instead, or search the replica",
		`object_type:conversations title:invoice`:                          "Intercom's search can't filter conversations by title; only the replica can (leave the term out for a live search)",
		`object_type:contacts company:Acme`:                                "Intercom's search can't filter contacts by company; only the replica can (leave the term out for a live search)",
		`object_type:conversations ca."Ticket type":x`:                     "Intercom's search can't filter conversations by custom attributes (custom_attributes.Ticket type); only the replica can",
		`object_type:conversations source_author_email_domain:example.com`: "Intercom's search can't filter conversations by source_author_email_domain; only the replica can (leave the term out for a live search)",
	} {
		q, err := Parse(dsl, fuzzNow)
		if err != nil {
			t.Fatalf("Parse(%q): %v", dsl, err)
		}
		_, err = ToIntercomSearch(q)
		if err == nil || err.Error() != want {
			t.Errorf("ToIntercomSearch(%q) error = %v\nwant %s", dsl, err, want)
		}
	}
	state, _ := CatalogFor(KindConversation).Lookup("state")
	if _, err := ToIntercomSearch(Query{Kind: KindConversation, Limit: 20, Terms: []Term{{Field: state, Op: OpEq}}}); err == nil ||
		err.Error() != "eq takes one value; got 0" {
		t.Errorf("ToIntercomSearch of an invalid hand-built query: error = %v", err)
	}
	if !strings.Contains(fmtJSON(t, Filter{Operator: "AND"}), `"value":[]`) {
		t.Errorf("an empty group must marshal its value as []")
	}
}

func fmtJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
