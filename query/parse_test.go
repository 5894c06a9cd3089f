package query

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// mustParse parses dsl with the fixed fuzz clock (2025-06-15T12:00:00Z) and fails the test on error.
func mustParse(t *testing.T, dsl string) Query {
	t.Helper()
	q, err := Parse(dsl, fuzzNow)
	if err != nil {
		t.Fatalf("Parse(%q): %v", dsl, err)
	}
	return q
}

// typeSamples is one field of each type (and flavour: enum, duration, list, custom attribute) with a value the
// field accepts, for the field type × operator matrix.
var typeSamples = []struct {
	kind  Kind
	field string
	value string
	ops   []Op // the operators the field must accept; every other operator must be refused
}{
	{KindConversation, "source_author_email", "a@example.com", []Op{OpEq, OpNeq, OpIn, OpNin, OpContains, OpNotContains, OpStartsWith, OpEndsWith, OpExists, OpNotExists}},
	{KindConversation, "state", "open", []Op{OpEq, OpNeq, OpIn, OpNin, OpExists, OpNotExists}},
	{KindConversation, "tag", "vip", []Op{OpEq, OpNeq, OpIn, OpNin, OpContains, OpNotContains, OpStartsWith, OpEndsWith, OpExists, OpNotExists}},
	{KindConversation, "source_body", "refund", []Op{OpEq, OpContains, OpNotContains, OpExists, OpNotExists}},
	{KindConversation, "admin_assignee_id", "42", []Op{OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpIn, OpNin, OpExists, OpNotExists}},
	{KindConversation, "statistics_time_to_admin_reply", "4h", []Op{OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpIn, OpNin, OpExists, OpNotExists}},
	{KindConversation, "created_at", "2025-01-31", []Op{OpEq, OpGt, OpGte, OpLt, OpLte, OpExists, OpNotExists}},
	{KindConversation, "open", "true", []Op{OpEq, OpNeq, OpExists, OpNotExists}},
	{KindContact, "ca.seats", "10", AllOps()},
	{KindContact, "tag_id", "7", []Op{OpEq, OpNeq, OpIn, OpNin, OpExists, OpNotExists}},
}

func TestParse_FieldTypeOperatorMatrix(t *testing.T) {
	for _, s := range typeSamples {
		f, ok := CatalogFor(s.kind).Lookup(s.field)
		if !ok {
			t.Fatalf("no field %s", s.field)
		}
		for _, op := range AllOps() {
			dsl := fmt.Sprintf("object_type:%s %s:%s", s.kind.Plural(), s.field, op)
			if op.Arity() != 0 {
				dsl += ":" + s.value
			}
			want := contains(s.ops, op)
			t.Run(dsl, func(t *testing.T) {
				q, err := Parse(dsl, fuzzNow)
				if !want {
					msg := fmt.Sprintf("operator %s does not apply to %s (%s); %s takes %s", op, f.Name, typeLabel(f), f.Name, opList(f.Ops))
					var qe *Error
					if !errors.As(err, &qe) || qe.Msg != msg || qe.Token != string(op) || dsl[qe.Pos:qe.Pos+len(qe.Token)] != qe.Token {
						t.Fatalf("error = %#v\nwant message %q at the operator", err, msg)
					}
					return
				}
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if len(q.Terms) != 1 || q.Terms[0].Op != op || q.Terms[0].Field.Name != f.Name {
					t.Fatalf("terms = %v", q.Terms)
				}
				if n := len(q.Terms[0].Values); (op.Arity() == 0) != (n == 0) {
					t.Fatalf("%d values for %s", n, op)
				}
				checkRoundTrip(t, q)
			})
		}
	}
}

func contains(ops []Op, op Op) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

func TestParse_Values(t *testing.T) {
	now := fuzzNow.Now()
	day := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() }
	for _, tc := range []struct {
		dsl  string
		want Value
	}{
		// keyword, with enums matched without case and spelled as the catalog does.
		{`object_type:conversations source_author_email:Jane@Example.com`, Value{Raw: "Jane@Example.com", Str: "Jane@Example.com"}},
		{`object_type:conversations state:OPEN`, Value{Raw: "OPEN", Str: "open"}},
		{`object_type:conversations source_type:Email`, Value{Raw: "Email", Str: "email"}},
		// an article's locale by code, or by its English name.
		{`object_type:articles locale:pt-BR`, Value{Raw: "pt-BR", Str: "pt-BR"}},
		{`object_type:articles locale:French`, Value{Raw: "French", Str: "fr"}},
		{`object_type:articles language:"Portuguese (Brazil)"`, Value{Raw: "Portuguese (Brazil)", Str: "pt-BR"}},
		// ids: prefixed ids and URLs are reduced to the raw id.
		{`object_type:conversations id:conversation_123`, Value{Raw: "conversation_123", Str: "123"}},
		{`object_type:conversations id:https://app.intercom.com/a/inbox/_/inbox/conversation/123`, Value{Raw: "https://app.intercom.com/a/inbox/_/inbox/conversation/123", Str: "123"}},
		{`object_type:conversations contact_ids:contact_6762f0d0`, Value{Raw: "contact_6762f0d0", Str: "6762f0d0"}},
		{`object_type:contacts id:6762f0d0`, Value{Raw: "6762f0d0", Str: "6762f0d0"}},
		// text
		{`object_type:conversations source_body:"double charged"`, Value{Raw: "double charged", Str: "double charged"}},
		// int and durations
		{`object_type:conversations admin_assignee_id:42`, Value{Raw: "42", Str: "42", Int: 42, Float: 42, Parsed: ParsedInt | ParsedFloat}},
		{`object_type:conversations admin_assignee_id:-1`, Value{Raw: "-1", Str: "-1", Int: -1, Float: -1, Parsed: ParsedInt | ParsedFloat}},
		{`object_type:conversations statistics_time_to_admin_reply:gt:4h`, Value{Raw: "4h", Str: "14400", Int: 14400, Float: 14400, Parsed: ParsedInt | ParsedFloat}},
		{`object_type:conversations statistics_time_to_admin_reply:gt:90s`, Value{Raw: "90s", Str: "90", Int: 90, Float: 90, Parsed: ParsedInt | ParsedFloat}},
		{`object_type:conversations statistics_time_to_admin_reply:gt:2d`, Value{Raw: "2d", Str: "172800", Int: 172800, Float: 172800, Parsed: ParsedInt | ParsedFloat}},
		// timestamps: Unix seconds, a date (UTC midnight), RFC 3339 with and without an offset, relative.
		{`object_type:conversations created_at:gt:1735689600`, tsValue("1735689600", 1735689600)},
		{`object_type:conversations created_at:gt:2025-01-31`, tsValue("2025-01-31", day(2025, 1, 31))},
		{`object_type:conversations created_at:gt:2025-01-31T09:30:00Z`, tsValue("2025-01-31T09:30:00Z", day(2025, 1, 31)+9*3600+1800)},
		{`object_type:conversations created_at:gt:2025-01-31T09:30:00+02:00`, tsValue("2025-01-31T09:30:00+02:00", day(2025, 1, 31)+7*3600+1800)},
		{`object_type:conversations created_at:gt:2025-01-31T09:30:00.5Z`, tsValue("2025-01-31T09:30:00.5Z", day(2025, 1, 31)+9*3600+1800)},
		{`object_type:conversations created_at:gt:2025-01-31T09:30:00`, tsValue("2025-01-31T09:30:00", day(2025, 1, 31)+9*3600+1800)},
		{`object_type:conversations created_at:gt:7d`, tsValue("7d", now.Unix()-7*86400)},
		{`object_type:conversations created_at:gt:24h`, tsValue("24h", now.Unix()-86400)},
		{`object_type:conversations created_at:gt:30m`, tsValue("30m", now.Unix()-1800)},
		{`object_type:conversations created_at:gt:2w`, tsValue("2w", now.Unix()-14*86400)},
		{`object_type:conversations created_at:gt:today`, tsValue("today", day(2025, 6, 15))},
		{`object_type:conversations created_at:gt:yesterday`, tsValue("yesterday", day(2025, 6, 14))},
		{`object_type:conversations snoozed_until:lt:now`, tsValue("now", now.Unix())},
		// bool, in any case.
		{`object_type:conversations open:TRUE`, Value{Raw: "TRUE", Str: "true", Bool: true, Parsed: ParsedBool}},
		{`object_type:conversations read:false`, Value{Raw: "false", Str: "false", Parsed: ParsedBool}},
		// custom attributes carry every parse that succeeds.
		{`object_type:contacts ca.plan:pro`, Value{Raw: "pro", Str: "pro"}},
		{`object_type:contacts ca.seats:10`, Value{Raw: "10", Str: "10", Int: 10, Float: 10, Parsed: ParsedInt | ParsedFloat}},
		{`object_type:contacts ca.score:4.5`, Value{Raw: "4.5", Str: "4.5", Float: 4.5, Parsed: ParsedFloat}},
		{`object_type:contacts ca.verified:true`, Value{Raw: "true", Str: "true", Bool: true, Parsed: ParsedBool}},
		{`object_type:contacts ca.renewal:gt:2025-01-31`, Value{Raw: "2025-01-31", Str: "2025-01-31", Int: day(2025, 1, 31), Parsed: ParsedInt | ParsedTime}},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			q := mustParse(t, tc.dsl)
			if len(q.Terms) != 1 || len(q.Terms[0].Values) != 1 {
				t.Fatalf("terms = %#v", q.Terms)
			}
			if got := q.Terms[0].Values[0]; got != tc.want {
				t.Errorf("value = %#v\nwant    %#v", got, tc.want)
			}
			checkRoundTrip(t, q)
		})
	}
}

func tsValue(raw string, unix int64) Value {
	return Value{Raw: raw, Str: time.Unix(unix, 0).UTC().Format(time.RFC3339), Int: unix, Parsed: ParsedInt | ParsedTime}
}

func TestParse_QuotingAndEscapes(t *testing.T) {
	for _, tc := range []struct {
		dsl    string
		values []string
		print  string // the term as String prints it
	}{
		{`name:"Jane Doe"`, []string{"Jane Doe"}, `name:"Jane Doe"`},
		{`name:"say \"hi\""`, []string{`say "hi"`}, `name:"say \"hi\""`},
		{`name:"back\\slash"`, []string{`back\slash`}, `name:"back\\slash"`},
		{`name:"keep \n as written"`, []string{`keep \n as written`}, `name:"keep \\n as written"`},
		{`name:"a:b"`, []string{"a:b"}, `name:a:b`},
		{`name:"gt:5"`, []string{"gt:5"}, `name:"gt:5"`},
		{`name:"exists"`, []string{"exists"}, `name:"exists"`},
		{`name:in:"Doe, Jane",Smith`, []string{"Doe, Jane", "Smith"}, `name:in:"Doe, Jane",Smith`},
		{`name:contains:gt:5`, []string{"gt:5"}, `name:contains:gt:5`},
		{`name:"Zoë Ünal"`, []string{"Zoë Ünal"}, `name:"Zoë Ünal"`},
		{`name:Zoë`, []string{"Zoë"}, `name:Zoë`},
		{`avatar:https://example.com/a.png`, []string{"https://example.com/a.png"}, `avatar:https://example.com/a.png`},
		{`created_at:gt:2025-01-31T09:30:00Z`, []string{"2025-01-31T09:30:00Z"}, `created_at:gt:2025-01-31T09:30:00Z`},
		{`ca."Ticket category":billing`, []string{"billing"}, `custom_attributes."Ticket category":billing`},
		{`CUSTOM_ATTRIBUTES.plan_v2:pro`, []string{"pro"}, `custom_attributes.plan_v2:pro`},
		{`ca."a:b":"x y"`, []string{"x y"}, `custom_attributes."a:b":"x y"`},
		{`Location.City:Paris`, []string{"Paris"}, `location_city:Paris`},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			q := mustParse(t, "object_type:contacts "+tc.dsl)
			if len(q.Terms) != 1 {
				t.Fatalf("terms = %v", q.Terms)
			}
			var got []string
			for _, v := range q.Terms[0].Values {
				got = append(got, v.Raw)
			}
			if !reflect.DeepEqual(got, tc.values) {
				t.Errorf("values = %q; want %q", got, tc.values)
			}
			if p := q.Terms[0].String(); p != tc.print {
				t.Errorf("printed %s; want %s", p, tc.print)
			}
			checkRoundTrip(t, q)
		})
	}
}

func TestParse_FreeText(t *testing.T) {
	q := mustParse(t, `object_type:conversations q:refund state:open q:"double charged" Q:"exact: phrase, with punctuation" q:caf\u00e9,latte`)
	want := []TextTerm{{"refund", false}, {"double charged", true}, {"exact: phrase, with punctuation", true}, {`caf\u00e9,latte`, false}}
	if !reflect.DeepEqual(q.Text, want) {
		t.Errorf("text = %#v\nwant %#v", q.Text, want)
	}
	if got := q.String(); got != `object_type:conversations state:open q:refund q:"double charged" q:"exact: phrase, with punctuation" q:caf\u00e9,latte` {
		t.Errorf("String() = %s", got)
	}
	checkRoundTrip(t, q)
}

func TestParse_Defaults(t *testing.T) {
	q := mustParse(t, `object_type:Contact`)
	if q.Kind != KindContact || q.Limit != DefaultLimit || q.Terms != nil || q.Text != nil || q.StartingAfter != "" {
		t.Errorf("query = %#v", q)
	}
	q = mustParse(t, "\t state:open  AND\u00a0object_type:conversations per_page:5 limit:5 starting_after:abc starting_after:abc\n")
	if q.Kind != KindConversation || q.Limit != 5 || q.StartingAfter != "abc" || len(q.Terms) != 1 {
		t.Errorf("query = %#v", q)
	}
	if got := q.String(); got != "object_type:conversations state:open limit:5 starting_after:abc" {
		t.Errorf("String() = %s", got)
	}
	q = mustParse(t, `object_type:conversations title:exists:true open:exists:false read:not_exists:false`)
	if got := q.String(); got != "object_type:conversations title:exists open:not_exists read:exists" {
		t.Errorf("String() = %s", got)
	}
}

// TestParse_Errors asserts the exact message, offset and token of every error path.
func TestParse_Errors(t *testing.T) {
	long := "object_type:conversations q:" + strings.Repeat("a", MaxLength)
	for _, tc := range []struct {
		dsl  string
		want string // Error(): message, then byte offset and token
	}{
		// object_type
		{`state:open`, `missing object_type: add object_type:conversations, object_type:contacts, object_type:companies, object_type:articles or object_type:tickets to the query`},
		{`object_type:invoices state:open`, `object_type must be conversations, contacts, companies, articles or tickets; got "invoices" (at byte 12: invoices)`},
		{`object_type:tikets state:open`, `object_type must be conversations, contacts, companies, articles or tickets; got "tikets"; did you mean object_type:tickets? (at byte 12: tikets)`},
		{`object_type:tickets state:open`, `state must be one of submitted, in_progress, waiting_on_customer, resolved; got "open"; for open tickets, use open:true (at byte 26: open)`},
		{`object_type:ticket_types`, `ticket types are not searched on their own; the replica uses them to name ids: filter tickets by a ticket type's name with ticket_type:"Bug report" (at byte 12: ticket_types)`},
		{`object_type:articles custom_attributes.x:1`, `articles have no custom attributes; their fields are title, description, body, state, author, collection, help_center, locale, url, tag, created_at and updated_at (at byte 21: custom_attributes.x)`},
		{`object_type:tickets ticket_attributes.:1`, `missing ticket attribute name; write ticket_attributes.<name>:value, e.g. ticket_attributes.Priority:high (quote a name with spaces: ticket_attributes."Affected area":billing) (at byte 20: ticket_attributes.)`},
		{`object_type:conversations object_type:contacts`, `object_type is given twice (conversations and contacts); a query searches one object type (at byte 26: object_type:contacts)`},
		{`object_type:gt:conversations`, `object_type takes no operator; write object_type:conversations, object_type:contacts, object_type:companies, object_type:articles or object_type:tickets (at byte 0: object_type:gt:conversations)`},
		{`object_type:conversations,contacts`, `object_type takes one value; write object_type:conversations, object_type:contacts, object_type:companies, object_type:articles or object_type:tickets (at byte 0: object_type:conversations,contacts)`},
		// a closed scale
		{`object_type:conversations rating:6`, `conversation_rating_score runs from 1 to 5; got 6 (at byte 33: 6)`},
		{`object_type:conversations ai_agent_rating:in:4,0`, `ai_agent_rating runs from 1 to 5; got 0 (at byte 47: 0)`},
		// fields
		{`object_type:conversations sate:open`, `unknown field "sate" for conversations; did you mean "state"? (at byte 26: sate)`},
		{`object_type:contacts emial:a@b.com`, `unknown field "emial" for contacts; did you mean "email"? (at byte 21: emial)`},
		{`object_type:conversations email_domain:example.com`, `unknown field "email_domain" for conversations; did you mean "source_author_email_domain"? (at byte 26: email_domain)`},
		{`object_type:conversations email:a@b.com`, `unknown field "email" for conversations; did you mean "source_author_email" or "source_author_email_domain"? (at byte 26: email)`},
		{`object_type:conversations type:email`, `unknown field "type" for conversations; did you mean "object_type", "source_type" or "source_author_type"? (at byte 26: type)`},
		{`object_type:conversations time_to_admin_reply:gt:3600`, `unknown field "time_to_admin_reply" for conversations; did you mean "statistics_time_to_admin_reply"? (at byte 26: time_to_admin_reply)`},
		{`object_type:conversations xyzzy:1`, `unknown field "xyzzy" for conversations; common fields are state, source_type, source_author_email, created_at, updated_at, tag, admin_assignee, q for free text, and custom_attributes.<name> (at byte 26: xyzzy)`},
		{`object_type:contacts xyzzy:1`, `unknown field "xyzzy" for contacts; common fields are email, name, email_domain, role, created_at, updated_at, tag, company, q for free text, and custom_attributes.<name> (at byte 21: xyzzy)`},
		{`object_type:contacts ca.:x`, `missing custom attribute name; write custom_attributes.<name>:value, e.g. ca.tier:gold (quote a name with spaces: ca."Ticket category":billing) (at byte 21: ca.)`},
		{`object_type:contacts custom_attributes:x`, `missing custom attribute name; write custom_attributes.<name>:value, e.g. ca.tier:gold (quote a name with spaces: ca."Ticket category":billing) (at byte 21: custom_attributes)`},
		{`object_type:conversations :open`, `missing field name before ":"; write field:value, e.g. state:open (at byte 26: :open)`},
		// terms without a field
		{`object_type:conversations refund`, `term "refund" has no field; for free text write q:refund (q:"several words" for a phrase), or use field:value (at byte 26: refund)`},
		{`object_type:conversations "double charged"`, `term "double charged" has no field; for free text write q:"double charged", or use field:value (at byte 26: "double charged")`},
		{`object_type:conversations state:open OR state:closed`, `"OR" is not supported: terms are always ANDed; for any of several values of one field write field:in:a,b, and for negation use neq, nin or not_contains (at byte 37: OR)`},
		// syntax
		{`object_type:conversations state:`, `missing value after "state:"; write state:<value> with no space after the colon (at byte 26: state:)`},
		{`object_type:conversations state: open`, `missing value after "state:"; write state:<value> with no space after the colon (at byte 26: state:)`},
		{`object_type:conversations q:`, `missing value after "q:"; write q:<value> with no space after the colon (at byte 26: q:)`},
		{`object_type:conversations state:in:open,`, `empty value in a list; remove the extra comma or add a value (at byte 26: state:in:open,)`},
		{`object_type:conversations state:in:open,,closed`, `empty value in a list; remove the extra comma or add a value (at byte 26: state:in:open,,closed)`},
		{`object_type:conversations name:"abc`, `unterminated quote: add the closing " (write \" for a quote inside a value) (at byte 31: "abc)`},
		{`object_type:conversations q:"double charged`, `unterminated quote: add the closing " (write \" for a quote inside a value) (at byte 28: "double charged)`},
		{`object_type:conversations ca."Ticket category:billing`, `unterminated quote: add the closing " (write \" for a quote inside a value) (at byte 29: "Ticket category:billing)`},
		{`object_type:conversations state:"open"x`, `unexpected character after a value; quote the whole value ("...", with \" for a quote inside) and separate terms with spaces (at byte 26: state:"open"x)`},
		{`object_type:conversations source_author_name:O"Brien`, `unexpected character after a value; quote the whole value ("...", with \" for a quote inside) and separate terms with spaces (at byte 26: source_author_name:O"Brien)`},
		{`object_type:conversations q:"a"b`, `unexpected character after a value; quote the whole value ("...", with \" for a quote inside) and separate terms with spaces (at byte 26: q:"a"b)`},
		{long, fmt.Sprintf(`query is %d bytes long; the limit is %d bytes: shorten it, or split it into several searches`, len(long), MaxLength)},
		// operators and arity
		{`object_type:conversations state:gt:open`, `operator gt does not apply to state (a keyword field); state takes eq, neq, in, nin, exists, not_exists (at byte 32: gt)`},
		{`object_type:conversations created_at:neq:2025-01-01`, `operator neq does not apply to created_at (a timestamp field); created_at takes eq, gt, gte, lt, lte, exists, not_exists (at byte 37: neq)`},
		{`object_type:conversations state:open,snoozed`, `state takes one value with eq; to match any of several, write state:in:open,snoozed (at byte 26: state:open,snoozed)`},
		{`object_type:conversations state:neq:open,closed`, `state takes one value with neq; to exclude several, write state:nin:open,closed (at byte 26: state:neq:open,closed)`},
		{`object_type:conversations created_at:gt:1,2`, `created_at takes one value with gt; got 2 (at byte 26: created_at:gt:1,2)`},
		{`object_type:conversations title:exists:maybe`, `exists takes no value (or true/false); write title:exists or title:not_exists (at byte 26: title:exists:maybe)`},
		// values
		{`object_type:conversations state:opne`, `state must be one of open, closed, snoozed; got "opne"; did you mean "open"? (at byte 32: opne)`},
		{`object_type:conversations state:pending`, `state must be one of open, closed, snoozed; got "pending" (at byte 32: pending)`},
		{`object_type:contacts role:admin`, `role must be one of user, lead; got "admin" (at byte 26: admin)`},
		{`object_type:conversations admin_assignee_id:bob`, `admin_assignee_id takes a whole number, e.g. 42; got "bob" (at byte 44: bob)`},
		{`object_type:conversations admin_assignee_id:1.5`, `admin_assignee_id takes a whole number, e.g. 42; got "1.5" (at byte 44: 1.5)`},
		{`object_type:conversations parts_count:gt:-99999999999999999999999`, `parts_count: -99999999999999999999999 is out of range (whole numbers run from -9223372036854775808 to 9223372036854775807) (at byte 41: -99999999999999999999999)`},
		{`object_type:conversations statistics_time_to_admin_reply:gt:soon`, `statistics_time_to_admin_reply takes a duration in seconds (3600) or with a unit (90s, 30m, 4h, 2d, 1w); got "soon" (at byte 60: soon)`},
		{`object_type:conversations created_at:gt:last-week`, `created_at takes a timestamp: ` + timestampHelp + `; got "last-week" (not a timestamp) (at byte 40: last-week)`},
		{`object_type:conversations created_at:gt:1735689600000`, `created_at takes a timestamp: ` + timestampHelp + `; got "1735689600000" (looks like milliseconds; divide by 1000 for Unix seconds) (at byte 40: 1735689600000)`},
		{`object_type:conversations created_at:gt:1960-01-01`, `created_at takes a timestamp: ` + timestampHelp + `; got "1960-01-01" (out of range: before 1970 or after 9999) (at byte 40: 1960-01-01)`},
		{`object_type:conversations created_at:2025-02-30`, `created_at takes a timestamp: ` + timestampHelp + `; got "2025-02-30" (not a valid date) (at byte 37: 2025-02-30)`},
		{`object_type:conversations open:yes`, `open takes true or false; got "yes" (at byte 31: yes)`},
		{`object_type:contacts ca.seats:gt:many`, `custom_attributes.seats with gt needs a number (42, 4.5) or a timestamp (1735689600, 2025-01-31, 7d); got "many" (at byte 33: many)`},
		{`object_type:conversations source_author_email:""`, `empty value for source_author_email; to find records without source_author_email write source_author_email:not_exists (at byte 46: "")`},
		{`object_type:conversations q:""`, `empty free text; write q:word or q:"a phrase" (at byte 28: "")`},
		{`object_type:conversations q:contains:refund`, `q takes free text, not an operator; write q:word, or quote text that starts with an operator: q:"contains:refund" (at byte 28: contains:refund)`},
		{`object_type:conversations contact_ids:conversation_123`, `contact_ids takes contact ids; conversation_123 is a conversation id, not a contact id (at byte 38: conversation_123)`},
		{`object_type:conversations id:contact_abc`, `id takes conversation ids; contact_abc is a contact id, not a conversation id (at byte 29: contact_abc)`},
		// limit and starting_after
		{`object_type:conversations limit:ten`, `limit takes a whole number, e.g. limit:50 (a page holds 1 to 150); got "ten" (at byte 32: ten)`},
		{`object_type:conversations limit:0`, `limit must be at least 1 (a page holds 1 to 150); got 0 (at byte 26: limit:0)`},
		{`object_type:conversations limit:10 limit:20`, `limit is given twice (10 and 20); give it once (at byte 35: limit:20)`},
		{`object_type:conversations limit:gt:10`, `limit takes no operator; write limit:50 (at byte 26: limit:gt:10)`},
		{`object_type:conversations starting_after:""`, `empty starting_after; pass the cursor from the previous page, or leave starting_after out for the first page (at byte 26: starting_after:"")`},
		{`object_type:conversations starting_after:a starting_after:b`, `starting_after is given twice with different cursors; give it once (at byte 43: starting_after:b)`},
		{`object_type:conversations starting_after:gt:x`, `starting_after takes no operator; write starting_after:<cursor from the previous page> (at byte 26: starting_after:gt:x)`},
		// conflicting terms
		{`object_type:conversations state:open state:closed`, `state:open and state:closed can't both hold: a conversation has one state; to match either, write state:in:open,closed (at byte 37: state:closed)`},
		{`object_type:conversations state:open state:neq:open`, `state:open and state:neq:open contradict each other; keep one (at byte 37: state:neq:open)`},
		{`object_type:conversations state:open state:in:closed,snoozed`, `state:open and state:in:closed,snoozed contradict each other; keep one (at byte 37: state:in:closed,snoozed)`},
		{`object_type:conversations state:open state:nin:open`, `state:open and state:nin:open contradict each other; keep one (at byte 37: state:nin:open)`},
		{`object_type:conversations title:exists title:not_exists`, `title:exists and title:not_exists contradict each other; keep one (at byte 39: title:not_exists)`},
		{`object_type:conversations created_at:gt:2025-02-01 created_at:lt:2025-01-01`, `created_at:gt:2025-02-01 and created_at:lt:2025-01-01 leave no possible value; check the bounds (at byte 51: created_at:lt:2025-01-01)`},
		{`object_type:conversations created_at:2025-01-01 created_at:2025-01-02`, `created_at:2025-01-01 and created_at:2025-01-02 can't both hold: eq on a timestamp matches one day; for a span write created_at:gte:<start> created_at:lt:<end> (at byte 48: created_at:2025-01-02)`},
		{`object_type:conversations admin_assignee_id:1 admin_assignee_id:2`, `admin_assignee_id:1 and admin_assignee_id:2 can't both hold: a conversation has one admin_assignee_id; to match either, write admin_assignee_id:in:1,2 (at byte 46: admin_assignee_id:2)`},
		{`object_type:conversations open:true open:false`, `open:true and open:false can't both hold; to match either, leave open out (at byte 36: open:false)`},
		{`object_type:conversations admin_assignee_id:gt:5 admin_assignee_id:lte:5`, `admin_assignee_id:gt:5 and admin_assignee_id:lte:5 leave no possible value; check the bounds (at byte 49: admin_assignee_id:lte:5)`},
	} {
		t.Run(tc.dsl[:min(len(tc.dsl), 80)], func(t *testing.T) {
			wantParseError(t, tc.dsl, tc.want)
		})
	}
}

// wantParseError parses dsl and fails the test unless the error reads want (Error()) and has the shape every
// error must have, its token at its offset. It returns the error, nil when there was none.
func wantParseError(t *testing.T, dsl, want string) *Error {
	t.Helper()
	_, err := Parse(dsl, fuzzNow)
	if err == nil {
		t.Errorf("Parse(%.80q): no error; want %s", dsl, want)
		return nil
	}
	if err.Error() != want {
		t.Errorf("Parse(%.80q) error:\n got %s\nwant %s", dsl, err, want)
	}
	checkError(t, dsl, err)
	var qe *Error
	errors.As(err, &qe)
	if qe.Pos >= 0 && qe.Token != "" && !strings.HasPrefix(dsl[qe.Pos:], qe.Token) {
		t.Errorf("token %q is not at byte %d of the query", qe.Token, qe.Pos)
	}
	return qe
}

// TestParse_PrintedLengthBounded: a query within MaxLength whose canonical form would not be (aliases expand) is
// refused, so that every accepted query can be printed and parsed again. FuzzValidate found the case.
func TestParse_PrintedLengthBounded(t *testing.T) {
	dsl := "object_type:contacts" + strings.Repeat(" ca.a:1", 1000)
	_, err := Parse(dsl, fuzzNow)
	want := "query is 22020 bytes long once written out in full (aliases expanded, values quoted); the limit is 8192"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("contact_%04d", i)
	}
	_, err = ContactFilter{IDs: ids}.Query(fuzzNow)
	want = "the arguments make a query of 13026 bytes; the limit is 8192; pass fewer or shorter values"
	if qe, ok := err.(*Error); !ok || qe.Msg != want || qe.Token != "arguments" {
		t.Errorf("error = %#v\nwant %s", err, want)
	}
}

func TestParse_AcceptedTermsCombine(t *testing.T) {
	// ANDing different values of a list field, a range, and overlapping conditions are all meaningful.
	for _, dsl := range []string{
		`object_type:conversations tag:vip tag:urgent`,
		`object_type:conversations created_at:gte:2025-01-01 created_at:lt:2025-02-01`,
		`object_type:conversations state:open state:open`,
		`object_type:conversations state:open state:in:open,snoozed state:nin:closed`,
		`object_type:conversations source_body:refund source_body:contains:"double charged"`,
		`object_type:contacts ca.plan:pro ca.plan:neq:free`,
		`object_type:conversations created_at:2025-01-31 created_at:gte:2025-01-31T08:00:00Z`,
	} {
		checkRoundTrip(t, mustParse(t, dsl))
	}
}

func TestError_Caret(t *testing.T) {
	dsl := `object_type:conversations sate:open`
	_, err := Parse(dsl, fuzzNow)
	var qe *Error
	if !errors.As(err, &qe) {
		t.Fatalf("error %v", err)
	}
	want := "unknown field \"sate\" for conversations; did you mean \"state\"?\n" + dsl + "\n" + strings.Repeat(" ", 26) + "^^^^"
	if got := qe.Caret(dsl); got != want {
		t.Errorf("Caret:\n%s\nwant\n%s", got, want)
	}
	if qe.Suggestions[0] != "state" {
		t.Errorf("Suggestions = %q", qe.Suggestions)
	}
}

func TestQuery_Validate(t *testing.T) {
	conv := CatalogFor(KindConversation)
	state, _ := conv.Lookup("state")
	good := Query{Kind: KindConversation, Limit: 20, Terms: []Term{{Field: state, Op: OpEq, Values: []Value{{Raw: "open", Str: "open"}}}}}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	copyOfState := *state
	for name, tc := range map[string]struct {
		q    Query
		want string
	}{
		"kind":        {Query{Kind: "invoice", Limit: 20}, `unknown kind "invoice"; want conversation, contact, company, article or ticket`},
		"limit":       {Query{Kind: KindContact}, `limit must be between 1 and 150; got 0`},
		"nil field":   {Query{Kind: KindConversation, Limit: 1, Terms: []Term{{Op: OpEq}}}, `term has no field`},
		"other field": {Query{Kind: KindConversation, Limit: 1, Terms: []Term{{Field: &copyOfState, Op: OpEq, Values: []Value{{Raw: "open"}}}}}, `field "state" is not from the conversation catalog`},
		"op":          {Query{Kind: KindConversation, Limit: 1, Terms: []Term{{Field: state, Op: OpGt, Values: []Value{{Raw: "open"}}}}}, `operator "gt" does not apply to state`},
		"arity":       {Query{Kind: KindConversation, Limit: 1, Terms: []Term{{Field: state, Op: OpEq}}}, `eq takes one value; got 0`},
		"empty value": {Query{Kind: KindConversation, Limit: 1, Terms: []Term{{Field: state, Op: OpIn, Values: []Value{{}}}}}, `state has an empty value`},
		"bare text":   {Query{Kind: KindConversation, Limit: 1, Text: []TextTerm{{Text: "two words"}}}, `free text "two words" is not one bare word; make it a phrase`},
		"custom":      {Query{Kind: KindConversation, Limit: 1, Terms: []Term{{Field: &Field{Name: "custom_attributes.x", Custom: "x", Ops: anyOps}, Op: OpExists}}}, `custom attribute field "x" was not made by CustomField`},
	} {
		err := tc.q.Validate()
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v; want ...%s", name, err, tc.want)
		}
	}
}

func TestTerm_Bounds(t *testing.T) {
	for dsl, want := range map[string][2]int64{
		`created_at:2025-01-31`:                    {1738281600, 1738281600 + 86399},
		`created_at:2025-01-31T12:00:00Z`:          {1738281600, 1738281600 + 86399},
		`created_at:gt:1738281600`:                 {1738281601, 1<<63 - 1},
		`created_at:gte:1738281600`:                {1738281600, 1<<63 - 1},
		`created_at:lt:1738281600`:                 {-1 << 63, 1738281599},
		`created_at:lte:1738281600`:                {-1 << 63, 1738281600},
		`admin_assignee_id:7`:                      {7, 7},
		`admin_assignee_id:gt:9223372036854775807`: {1, 0},
	} {
		q := mustParse(t, "object_type:conversations "+dsl)
		lo, hi, ok := q.Terms[0].Bounds()
		if !ok || lo != want[0] || hi != want[1] {
			t.Errorf("%s: Bounds() = %d, %d, %v; want %d, %d", dsl, lo, hi, ok, want[0], want[1])
		}
	}
	q := mustParse(t, "object_type:conversations state:open")
	if _, _, ok := q.Terms[0].Bounds(); ok {
		t.Errorf("Bounds of a keyword term should not be ok")
	}
}

// TestParse_StateNamingAFlag: state:open on tickets (whose states are submitted ... resolved) says to use open.
func TestParse_StateNamingAFlag(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{"object_type:tickets state:open", "for open tickets, use open:true"},
		{"object_type:tickets state:closed", "for closed tickets, use open:false"},
	} {
		_, err := Parse(tc.q, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.q, err, tc.want)
		}
	}
}
