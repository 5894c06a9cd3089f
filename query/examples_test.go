package query

import (
	"testing"
)

// hostedExamples are the example queries documented for Intercom's hosted MCP server's search tool, verbatim:
// its guide (developers.intercom.com/docs/guides/mcp, "Example Queries", "Pagination" and "Working with
// Pagination"), the field and operator list of a live capability test of the hosted tools, and the queries public
// agent skill files send to it. The replica must accept every one.
var hostedExamples = []struct {
	source string
	dsl    string
	kind   Kind
	terms  []string // the terms as String prints them
	limit  int
}{
	// The guide's "Example Queries".
	{"guide", `object_type:conversations state:open source_type:email`, KindConversation, []string{"state:open", "source_type:email"}, 20},
	{"guide", `object_type:contacts email_domain:"example.com"`, KindContact, []string{"email_domain:example.com"}, 20},
	{"guide", `object_type:conversations source_body:contains:"refund" limit:20`, KindConversation, []string{"source_body:contains:refund"}, 20},
	{"guide", `object_type:conversations team_assignee_id:15`, KindConversation, []string{"team_assignee_id:15"}, 20},
	{"guide", `object_type:conversations admin_assignee_id:6`, KindConversation, []string{"admin_assignee_id:6"}, 20},
	// The guide's pagination examples.
	{"guide", `object_type:conversations state:open starting_after:cursor_abc123`, KindConversation, []string{"state:open"}, 20},
	{"guide", `object_type:conversations state:open limit:50`, KindConversation, []string{"state:open"}, 50},
	{"guide", `object_type:conversations state:open limit:50 starting_after:cursor_abc123`, KindConversation, []string{"state:open"}, 50},
	// The live capability test's DSL features.
	{"live test", `object_type:conversations source_type:conversation`, KindConversation, []string{"source_type:conversation"}, 20},
	{"live test", `object_type:conversations source_body:contains:"screen"`, KindConversation, []string{"source_body:contains:screen"}, 20},
	{"live test", `object_type:contacts email_domain:"icorrect.co.uk"`, KindContact, []string{"email_domain:icorrect.co.uk"}, 20},
	// Queries agent skill files send to the hosted server.
	{"skill", `object_type:conversations q:"campaign stopped sending"`, KindConversation, nil, 20},
	{"skill", `object_type:conversations q:"Acme Corp" limit:10`, KindConversation, nil, 10},
	{"skill", `object_type:conversations state:closed created_at:gt:1735689600 limit:50`, KindConversation, []string{"state:closed", "created_at:gt:1735689600"}, 50},
	{"skill", `object_type:conversations source_subject:contains:"payout" state:closed`, KindConversation, []string{"source_subject:contains:payout", "state:closed"}, 20},
	{"skill", `object_type:conversations source_body:contains:"webhook" limit:50`, KindConversation, []string{"source_body:contains:webhook"}, 50},
	{"skill", `object_type:conversations source_subject:contains:"screen repair" state:open limit:10`, KindConversation, []string{`source_subject:contains:"screen repair"`, "state:open"}, 10},
	{"skill", `object_type:conversations state:open limit:5`, KindConversation, []string{"state:open"}, 5},
	{"skill", `object_type:conversations statistics_time_to_admin_reply:gt:3600`, KindConversation, []string{"statistics_time_to_admin_reply:gt:3600"}, 20},
	// Every field the live test lists for the DSL, with a typical value.
	{"live test fields", `object_type:conversations id:123 state:snoozed priority:high source_type:email source_author_name:"Jane Doe" source_author_email:jane@example.com source_subject:invoice source_body:refund contact_ids:6762f0d01bb69f9f2193bb7d team_assignee_id:9725695 admin_assignee_id:9702337 statistics_time_to_assignment:lt:600 statistics_time_to_admin_reply:gte:86400 statistics_time_to_first_close:lte:7200 created_at:gte:2026-02-18 updated_at:lt:2026-02-26`, KindConversation, nil, 20},
	{"live test fields", `object_type:contacts id:6762f0d01bb69f9f2193bb7d name:contains:Ricky email:jane@example.com email_domain:example.com phone:"+44 20 7946 0958" role:user custom_attributes.shopify_state:enabled created_at:gt:2025-01-01 updated_at:lt:7d`, KindContact, nil, 20},
	// Operators the hosted server documents: eq (default), neq, gt, gte, lt, lte, in, nin, contains.
	{"operators", `object_type:conversations state:eq:open priority:neq:low waiting_since:lt:24h snoozed_until:gt:now admin_assignee_id:in:6,7 team_assignee_id:nin:0 source_author_email:contains:@example.com`, KindConversation, nil, 20},
}

func TestParse_HostedServerExamples(t *testing.T) {
	for _, tc := range hostedExamples {
		t.Run(tc.source+"/"+tc.dsl, func(t *testing.T) {
			q, err := Parse(tc.dsl, fuzzNow)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if q.Kind != tc.kind || q.Limit != tc.limit {
				t.Errorf("kind %s limit %d; want %s %d", q.Kind, q.Limit, tc.kind, tc.limit)
			}
			if tc.terms != nil {
				var got []string
				for _, term := range q.Terms {
					got = append(got, term.String())
				}
				if len(got) != len(tc.terms) {
					t.Fatalf("terms %q; want %q", got, tc.terms)
				}
				for i := range got {
					if got[i] != tc.terms[i] {
						t.Errorf("term %d = %q; want %q", i, got[i], tc.terms[i])
					}
				}
			}
			checkRoundTrip(t, q)
		})
	}
}

// seedQueries is the seed corpus of the fuzz targets written in code (testdata/fuzz holds more): every documented
// example and the tricky spellings the table tests cover.
func seedQueries() []string {
	s := []string{
		``,
		`object_type:contacts`,
		`object_type:conversations q:refund q:"double charged" tag:in:vip,"needs review" ca."Ticket category":billing`,
		`object_type:conversations created_at:2025-01-31T09:30:00Z source_url:https://example.com/a?b=c`,
		`object_type:conversations name:"say \"hi\" \\ bye" state:"exists"`,
		`object_type:conversations title:exists conversation_rating_score:not_exists open:exists:false`,
		`object_type:contacts custom_attributes."a:b":1.5 ca.x:gt:7d ca.plan:in:1,true,"x y"`,
		`object_type:conversations state:open OR state:closed`,
		`object_type:conversations "unterminated`,
		"object_type:conversations\u00a0state:open\tq:caf\u00e9",
	}
	for _, e := range hostedExamples {
		s = append(s, e.dsl)
	}
	return s
}
