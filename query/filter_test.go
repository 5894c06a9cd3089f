package query

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestConversationFilter_SameQueryAsDSL decodes search_conversations arguments as a client sends them and checks
// that the filter builds exactly the Query its DSL equivalent parses to.
func TestConversationFilter_SameQueryAsDSL(t *testing.T) {
	for _, tc := range []struct{ args, dsl string }{
		// The hosted server's documented parameters.
		{`{"state":"open","per_page":50,"starting_after":"cursor_abc123"}`,
			`object_type:conversations state:open limit:50 starting_after:cursor_abc123`},
		{`{"ids":["conversation_1","2"]}`, `object_type:conversations id:in:conversation_1,2`},
		{`{"ids":["https://app.intercom.com/a/inbox/_/inbox/conversation/123"]}`, `object_type:conversations id:https://app.intercom.com/a/inbox/_/inbox/conversation/123`},
		{`{"source_type":"email","source_author_name":"Jane","source_author_email":"jane@example.com"}`,
			`object_type:conversations source_type:email source_author_name:contains:Jane source_author_email:jane@example.com`},
		{`{"team_assignee_id":"15","admin_assignee_id":6}`, `object_type:conversations admin_assignee_id:6 team_assignee_id:15`},
		{`{"admin_assignee_id":0}`, `object_type:conversations admin_assignee_id:0`},
		{`{"statistics_time_to_admin_reply":{"operator":">","value":3600}}`, `object_type:conversations statistics_time_to_admin_reply:gt:3600`},
		{`{"statistics_time_to_assignment":{"operator":"<=","value":"30m"},"statistics_time_to_first_close":{"operator":"!=","value":0}}`,
			`object_type:conversations statistics_time_to_assignment:lte:30m statistics_time_to_first_close:neq:0`},
		// What agent skill files send: dates as {operator, value} with epoch seconds, and bounds.
		{`{"created_at":{"operator":">=","value":1735689600}}`, `object_type:conversations created_at:gte:1735689600`},
		{`{"updated_at":{"gte":"2025-01-01","lt":"2025-02-01"},"open":true,"read":false}`,
			`object_type:conversations open:true read:false updated_at:gte:2025-01-01 updated_at:lt:2025-02-01`},
		{`{"created_at":{"operator":"gt","value":"7d","lte":"now"}}`, `object_type:conversations created_at:gt:7d created_at:lte:now`},
		{`{"tags":["vip","needs review"],"tag_ids":["7"],"contact_ids":["contact_abc"],"priority":"high"}`,
			`object_type:conversations priority:high contact_ids:contact_abc tag_ids:7 tag:in:vip,"needs review"`},
		{`{"conversation_rating_score":{"lte":2},"statistics_count_reopens":{"gt":1}}`,
			`object_type:conversations statistics_count_reopens:gt:1 conversation_rating_score:lte:2`},
		{`{}`, `object_type:conversations`},
	} {
		t.Run(tc.args, func(t *testing.T) { checkFilterLikeDSL[ConversationFilter](t, tc.args, tc.dsl) })
	}
}

func TestContactFilter_SameQueryAsDSL(t *testing.T) {
	for _, tc := range []struct{ args, dsl string }{
		{`{"name":"Ricky"}`, `object_type:contacts name:contains:Ricky`},
		{`{"email":"jane@example.com","email_domain":"example.com","phone":"+44 20 7946 0958","role":"lead","external_id":"u-1"}`,
			`object_type:contacts email:jane@example.com email_domain:example.com phone:"+44 20 7946 0958" role:lead external_id:u-1`},
		{`{"ids":["contact_a"],"contact_ids":["b"]}`, `object_type:contacts id:in:contact_a,b`},
		{`{"custom_attributes":{"shopify_state":"enabled","orders":3,"verified":true,"Ticket category":"billing"}}`,
			`object_type:contacts ca."Ticket category":billing ca.orders:3 ca.shopify_state:enabled ca.verified:true`},
		{`{"created_at":{"operator":">","value":"2025-01-01"},"last_seen_at":{"gte":"30d"},"per_page":5}`,
			`object_type:contacts created_at:gt:2025-01-01 last_seen_at:gte:30d limit:5`},
	} {
		t.Run(tc.args, func(t *testing.T) { checkFilterLikeDSL[ContactFilter](t, tc.args, tc.dsl) })
	}
}

func TestArticleFilter_SameQueryAsDSL(t *testing.T) {
	for _, tc := range []struct{ args, dsl string }{
		{`{"phrase":"reset password"}`, `object_type:articles q:reset q:password`},
		{`{"phrase":"  \"double charged\" refund ","state":"published","help_center_id":81}`,
			`object_type:articles q:"double charged" q:refund state:published help_center:81`},
		{`{"phrase":"error:500 \"unclosed"}`, `object_type:articles q:"error:500" q:"unclosed"`},
		{`{"phrase":" \"\" "}`, `object_type:articles`},
		{`{"state":"all","collection":"Billing","author":"Alex Rivera","locale":"fr","tag":"howto"}`,
			`object_type:articles collection:Billing author:"Alex Rivera" locale:fr tag:howto`},
		{`{"ids":["article_39","40"],"title":"refund","updated_at":{"gte":"30d"},"per_page":5}`,
			`object_type:articles id:in:article_39,40 title:contains:refund updated_at:gte:30d limit:5`},
		{`{}`, `object_type:articles`},
	} {
		t.Run(tc.args, func(t *testing.T) { checkFilterLikeDSL[ArticleFilter](t, tc.args, tc.dsl) })
	}
}

func TestTicketFilter_SameQueryAsDSL(t *testing.T) {
	for _, tc := range []struct{ args, dsl string }{
		{`{"text":"login \"two factor\"","state":"in_progress","category":"Tracker"}`,
			`object_type:tickets q:login q:"two factor" state:in_progress category:Tracker`},
		{`{"ticket_type":"Bug report","open":true,"admin_assignee_id":0,"team_assignee":"Billing"}`,
			`object_type:tickets ticket_type:"Bug report" open:true admin_assignee_id:0 team_assignee:Billing`},
		{`{"ids":["ticket_7"],"contact_ids":["contact_a","b"],"linked_conversation_id":"conversation_12","created_at":{"operator":">","value":"7d"}}`,
			`object_type:tickets id:ticket_7 contact_ids:in:contact_a,b linked_conversation_ids:conversation_12 created_at:gt:7d`},
	} {
		t.Run(tc.args, func(t *testing.T) { checkFilterLikeDSL[TicketFilter](t, tc.args, tc.dsl) })
	}
}

func TestArticleAndTicketFilters_Errors(t *testing.T) {
	for _, tc := range []struct {
		err         error
		token, want string
	}{
		{filterError[ArticleFilter](t, `{"state":"closed"}`), "state", `state must be one of published, draft; got "closed"`},
		{filterError[ArticleFilter](t, `{"ids":["ticket_1"]}`), "ids", `id takes article ids; ticket_1 is a ticket id, not an article id`},
		{filterError[TicketFilter](t, `{"state":"open"}`), "state", `state must be one of submitted, in_progress, waiting_on_customer, resolved; got "open"; for open tickets, use open:true`},
		{filterError[TicketFilter](t, `{"category":"customer "}`), "category", `category must be one of Customer, Back-office, Tracker; got "customer "; did you mean "Customer"?`},
	} {
		qe, ok := tc.err.(*Error)
		if !ok || qe.Token != tc.token || qe.Msg != tc.want {
			t.Errorf("error = %#v\nwant token %q message %s", tc.err, tc.token, tc.want)
		}
	}
}

// filter is what the filter types have in common, for the tests that treat them alike.
type filter interface {
	ConversationFilter | ContactFilter | ArticleFilter | TicketFilter
	Query(Options) (Query, error)
}

// checkFilterLikeDSL decodes args strictly, as a client sends them, and checks that the filter builds exactly the
// Query dsl parses to.
func checkFilterLikeDSL[F filter](t *testing.T, args, dsl string) {
	t.Helper()
	var f F
	dec := json.NewDecoder(strings.NewReader(args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("decode: %v", err)
	}
	got, err := f.Query(fuzzNow)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	want := mustParse(t, dsl)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("filter query %s\nwant (from DSL) %s", got, want)
	}
	checkRoundTrip(t, got)
}

// filterError decodes args and returns the error of building its Query.
func filterError[F filter](t *testing.T, args string) error {
	t.Helper()
	var f F
	if err := json.Unmarshal([]byte(args), &f); err != nil {
		t.Fatal(err)
	}
	_, err := f.Query(fuzzNow)
	return err
}

// TestFilters_Errors asserts the exact message of each way a structured argument can be wrong. Errors carry no
// position; the token is the argument's name.
func TestFilters_Errors(t *testing.T) {
	for _, tc := range []struct {
		contact bool
		args    string
		token   string
		want    string
	}{
		{false, `{"state":"pending"}`, "state", `state must be one of open, closed, snoozed; got "pending"`},
		{false, `{"source_type":"chat"}`, "source_type", `source_type must be one of conversation, email, facebook, instagram, phone_call, phone_switch, push, sms, twitter, whatsapp; got "chat"`},
		{false, `{"team_assignee_id":"support"}`, "team_assignee_id", `team_assignee_id takes a whole number, e.g. 42; got "support"`},
		{false, `{"ids":["contact_abc"]}`, "ids", `id takes conversation ids; contact_abc is a contact id, not a conversation id`},
		{false, `{"ids":[""]}`, "ids", `ids holds an empty string; remove it`},
		{false, `{"per_page":0}`, "per_page", `per_page must be at least 1 (a page holds 1 to 150); got 0`},
		{false, `{"statistics_time_to_admin_reply":{"operator":"~","value":3}}`, "statistics_time_to_admin_reply.operator", `statistics_time_to_admin_reply.operator "~" is not supported; use one of >, >=, <, <=, =, !=`},
		{false, `{"created_at":{"operator":"!=","value":1}}`, "created_at.operator", `created_at.operator "!=" is not supported; use one of >, >=, <, <=, =`},
		{false, `{"created_at":{"value":1}}`, "created_at.operator", `created_at has a value but no operator; add "operator": one of >, >=, <, <=, =`},
		{false, `{"created_at":{"operator":">"}}`, "created_at.value", `created_at has an operator but no value; add "value"`},
		{false, `{"created_at":{}}`, "created_at", `created_at is empty; give {"operator": ">", "value": ...} or bounds such as {"gte": ..., "lt": ...}`},
		{false, `{"created_at":{"gte":[1]}}`, "created_at.gte", `created_at.gte must be a number or a string`},
		{false, `{"created_at":{"gte":"soon"}}`, "created_at.gte", `created_at takes a timestamp: ` + timestampHelp + `; got "soon" (not a timestamp)`},
		{false, `{"created_at":{"gt":"2025-02-01","lt":"2025-01-01"}}`, "created_at.lt", `created_at:gt:2025-02-01 and created_at:lt:2025-01-01 leave no possible value; check the bounds`},
		{false, `{"statistics_time_to_admin_reply":{"operator":">","value":1.5}}`, "statistics_time_to_admin_reply.value", `statistics_time_to_admin_reply takes a duration in seconds (3600) or with a unit (90s, 30m, 4h, 2d, 1w); got "1.5"`},
		{true, `{"role":"admin"}`, "role", `role must be one of user, lead; got "admin"`},
		{true, `{"custom_attributes":{"x":{"a":1}}}`, "custom_attributes.x", `custom_attributes.x must be a string, number or boolean`},
		{true, `{"custom_attributes":{"":"v"}}`, "custom_attributes.", `custom_attributes has an empty attribute name`},
		{true, `{"custom_attributes":{"x":""}}`, "custom_attributes.x", `empty value for custom_attributes.x; to find records without custom_attributes.x write custom_attributes.x:not_exists`},
	} {
		t.Run(tc.args, func(t *testing.T) {
			var err error
			if tc.contact {
				err = filterError[ContactFilter](t, tc.args)
			} else {
				err = filterError[ConversationFilter](t, tc.args)
			}
			qe, ok := err.(*Error)
			if !ok {
				t.Fatalf("error = %#v; want *Error %q", err, tc.want)
			}
			if qe.Msg != tc.want || qe.Token != tc.token || qe.Pos != -1 || qe.Error() != tc.want {
				t.Errorf("error = %+v\nwant token %q message %s", qe, tc.token, tc.want)
			}
		})
	}
}

// TestFilters_JSONTags checks the argument names models see against the hosted server's, and that every field
// has a description for the tool schema.
func TestFilters_JSONTags(t *testing.T) {
	hosted := map[reflect.Type][]string{
		reflect.TypeFor[ConversationFilter](): {"ids", "source_type", "source_author_name", "source_author_email", "state",
			"team_assignee_id", "admin_assignee_id", "statistics_time_to_assignment", "statistics_time_to_admin_reply",
			"statistics_time_to_first_close", "per_page", "starting_after"},
		reflect.TypeFor[ContactFilter](): {"ids", "contact_ids", "name", "email", "email_domain", "phone",
			"custom_attributes", "per_page", "starting_after"},
		reflect.TypeFor[Range](): {"operator", "value"},
	}
	for typ, names := range hosted {
		have := map[string]bool{}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || opts != "omitempty" {
				t.Errorf("%s.%s: json tag %q must name the argument and be omitempty (optional)", typ.Name(), f.Name, f.Tag.Get("json"))
			}
			if f.Tag.Get("jsonschema_description") == "" {
				t.Errorf("%s.%s has no jsonschema_description", typ.Name(), f.Name)
			}
			have[name] = true
		}
		for _, n := range names {
			if !have[n] {
				t.Errorf("%s lacks the hosted server's argument %q", typ.Name(), n)
			}
		}
	}
}
