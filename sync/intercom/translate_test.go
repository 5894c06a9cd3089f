package intercom_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// translateNow pins the clock so relative timestamps in the cases translate the same way every run.
var translateNow = query.Options{Now: func() time.Time { return time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC) }}

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
		t.Fatalf("read golden file (run go test ./sync/intercom -run TestTranslateQuery -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./sync/intercom -run TestTranslateQuery -update if the change is intended)\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// TestTranslateQuery pins the Intercom search body of each case in testdata/TestTranslateQuery/<case>.json.
func TestTranslateQuery(t *testing.T) {
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
			q, err := query.Parse(tc.dsl, translateNow)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			golden := struct {
				Query    string                  `json:"query"`
				Body     *intercom.SearchRequest `json:"body,omitempty"`
				Residual []string                `json:"residual,omitempty"`
				Error    string                  `json:"error,omitempty"`
			}{Query: tc.dsl}
			s, err := intercom.TranslateQuery(q)
			if err != nil {
				var qe *query.Error
				if !errors.As(err, &qe) {
					t.Fatalf("error %T is not a *query.Error: %v", err, err)
				}
				golden.Error = err.Error()
			} else {
				golden.Body = &s.Request
				for _, r := range s.Residual {
					golden.Residual = append(golden.Residual, r.String())
				}
				checkIntercomLimits(t, s.Request.Query)
				if s.Exact() != (len(s.Residual) == 0) {
					t.Errorf("Exact() = %v with residual %v", s.Exact(), golden.Residual)
				}
			}
			out, err := json.MarshalIndent(golden, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			goldenCheck(t, filepath.Join("testdata", "TestTranslateQuery", tc.name+".json"), append(out, '\n'))
		})
	}
}

// checkIntercomLimits asserts the documented shape rules: the root is a group; a group holds 1..15 members, all
// singles or all groups (stricter than Filter.Validate, which accepts mixed groups); groups nest at most two deep.
func checkIntercomLimits(t *testing.T, root intercom.Filter) {
	t.Helper()
	if err := root.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	var walk func(f intercom.Filter, depth int)
	walk = func(f intercom.Filter, depth int) {
		if !f.IsGroup() {
			if f.Field == "" || f.Operator == "" {
				t.Errorf("single filter without field or operator: %+v", f)
			}
			return
		}
		if depth > 2 {
			t.Errorf("groups nested %d deep; Intercom allows 2", depth)
		}
		if n := len(f.Filters); n == 0 || n > intercom.MaxFiltersPerGroup {
			t.Errorf("group with %d members; Intercom allows 1..%d", n, intercom.MaxFiltersPerGroup)
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

func TestTranslateQuery_ErrorsNameTheTerm(t *testing.T) {
	for dsl, want := range map[string]string{
		`object_type:conversations q:refund`:                               "Intercom's search has no free text (q); for a live search use source_body:contains:<word> (the opening message) instead, or search the replica",
		`object_type:conversations title:invoice`:                          "Intercom's search can't filter conversations by title; only the replica can (leave the term out for a live search)",
		`object_type:contacts company:Acme`:                                "Intercom's search can't filter contacts by company; only the replica can (leave the term out for a live search)",
		`object_type:conversations ca."Ticket type":x`:                     "Intercom's search can't filter conversations by custom attributes (custom_attributes.Ticket type); only the replica can",
		`object_type:conversations source_author_email_domain:example.com`: "Intercom's search can't filter conversations by source_author_email_domain; only the replica can (leave the term out for a live search)",
	} {
		q, err := query.Parse(dsl, translateNow)
		if err != nil {
			t.Fatalf("Parse(%q): %v", dsl, err)
		}
		_, err = intercom.TranslateQuery(q)
		if err == nil || err.Error() != want {
			t.Errorf("TranslateQuery(%q) error = %v\nwant %s", dsl, err, want)
		}
	}
	state, _ := query.CatalogFor(query.KindConversation).Lookup("state")
	if _, err := intercom.TranslateQuery(query.Query{Kind: query.KindConversation, Limit: 20, Terms: []query.Term{{Field: state, Op: query.OpEq}}}); err == nil ||
		err.Error() != "eq takes one value; got 0" {
		t.Errorf("TranslateQuery of an invalid hand-built query: error = %v", err)
	}
}

// FuzzTranslateQuery translates every query Parse accepts: a translation error is a *query.Error with a message,
// and a request passes the client's own checks and Intercom's shape rules.
func FuzzTranslateQuery(f *testing.F) {
	for _, s := range []string{
		`object_type:conversations state:open source_type:email`,
		`object_type:contacts tag_id:in:7,8,9 tag_id:nin:1,2 ca.seats:gte:10 created_at:2020-01-01`,
		`object_type:conversations created_at:gte:2025-01-01 statistics_count_reopens:gte:2 source_body:"need support"`,
		`object_type:conversations q:refund`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsl string) {
		q, err := query.Parse(dsl, translateNow)
		if err != nil {
			return
		}
		s, err := intercom.TranslateQuery(q)
		if err != nil {
			var qe *query.Error
			if !errors.As(err, &qe) || qe.Msg == "" {
				t.Fatalf("TranslateQuery error %T %v is not a *query.Error with a message", err, err)
			}
			return
		}
		if _, err := json.Marshal(s.Request); err != nil {
			t.Fatalf("marshal search request: %v", err)
		}
		checkIntercomLimits(t, s.Request.Query)
	})
}

// TestTranslateQuery_PhoneAsWritten: the replica compares phone numbers by their digits, but Intercom is sent the
// number as written, since its search compares what it stores.
func TestTranslateQuery_PhoneAsWritten(t *testing.T) {
	q, err := query.Parse(`object_type:contacts phone:"+91 98037 48241"`, translateNow)
	if err != nil {
		t.Fatal(err)
	}
	s, err := intercom.TranslateQuery(q)
	want := intercom.Where("phone", intercom.OpEq, "+91 98037 48241")
	if err != nil || len(s.Request.Query.Filters) != 1 || !reflect.DeepEqual(s.Request.Query.Filters[0], want) {
		t.Errorf("Intercom query %+v, %v; want %+v", s.Request.Query, err, want)
	}
}

// BenchmarkTranslateQuery measures translating a ten-term query (without the free text, which Intercom can't
// search, and the conversation custom attribute).
func BenchmarkTranslateQuery(b *testing.B) {
	q, err := query.Parse(`object_type:conversations state:in:open,snoozed source_type:email `+
		`source_author_email:ends_with:@example.com created_at:gte:2025-01-01 updated_at:gt:7d `+
		`statistics_time_to_admin_reply:gt:4h open:true tag_ids:7 priority:high admin_assignee_id:6`, translateNow)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := intercom.TranslateQuery(q); err != nil {
			b.Fatal(err)
		}
	}
}
