package query

import (
	"slices"
	"strings"
	"testing"
)

// TestSuggestOp decides what "close to an operator" means: the operator's name spelled another way (case,
// hyphens, underscores left out), a word models bring from SQL or Intercom's own search (greater_than, not_eq, ~),
// or a typo of one of the long operators. Short operators (eq, gt, in, ...) are too close to ordinary words (id,
// on, at) for typos to count.
func TestSuggestOp(t *testing.T) {
	for _, tc := range []struct {
		word string
		want Op // "" when the word is not close to any operator and stays part of the value
	}{
		// Other spellings of an operator's name.
		{"startswith", OpStartsWith},
		{"starts-with", OpStartsWith},
		{"StartsWith", OpStartsWith},
		{"Starts_With", OpStartsWith},
		{"endswith", OpEndsWith},
		{"notcontains", OpNotContains},
		{"not-contains", OpNotContains},
		{"NotExists", OpNotExists},
		{"notin", OpNin},
		{"not_in", OpNin},
		// Words from other languages.
		{"greater_than", OpGt},
		{"greaterThan", OpGt},
		{"greater_than_or_equal", OpGte},
		{"less_than", OpLt},
		{"less_than_or_equal_to", OpLte},
		{"not_eq", OpNeq},
		{"not_equal", OpNeq},
		{"ne", OpNeq},
		{"equals", OpEq},
		{"like", OpContains},
		{"not_like", OpNotContains},
		{"begins_with", OpStartsWith},
		{"missing", OpNotExists},
		{"~", OpContains},
		{"!~", OpNotContains},
		{"^", OpStartsWith},
		{"$", OpEndsWith},
		{">", OpGt},
		{">=", OpGte},
		{"<", OpLt},
		{"<=", OpLte},
		{"=", OpEq},
		{"==", OpEq},
		{"!=", OpNeq},
		// Typos of the long operators.
		{"containz", OpContains},
		{"contain", OpContains},
		{"contians", OpContains},
		{"contans", OpContains},
		{"not_contain", OpNotContains},
		{"start_with", OpStartsWith},
		{"starts_wiht", OpStartsWith},
		{"endwith", OpEndsWith},
		{"exist", OpExists},
		{"exsits", OpExists},
		{"not_exist", OpNotExists},
		// Not close: ordinary words, schemes and dates stay values.
		{"https", ""},
		{"http", ""},
		{"mailto", ""},
		{"tel", ""},
		{"urn", ""},
		{"id", ""},
		{"on", ""},
		{"at", ""},
		{"is", ""},
		{"no", ""},
		{"get", ""},
		{"lte5", ""},
		{"note", ""},
		{"user", ""},
		{"refund", ""},
		{"contact", ""},
		{"content", ""},
		{"contents", ""},
		{"existing", ""},
		{"exit", ""},
		{"start", ""},
		{"ends", ""},
		{"nothing", ""},
		{"2025-01-01T10", ""},
		{"12", ""},
		{"", ""},
		{strings.Repeat("contains", 10), ""},
	} {
		got, ok := suggestOp(tc.word)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("suggestOp(%q) = %q, %v; want %q", tc.word, got, ok, tc.want)
		}
	}
}

// TestParse_MisspelledOperator: a word between two colons that is close to an operator is an error naming the
// field, the word and the operator meant, and saying how to write a value that really holds a colon; before, it
// was read as part of the value and the search answered "No ... match".
func TestParse_MisspelledOperator(t *testing.T) {
	for _, tc := range []struct {
		dsl  string
		want string // Error()
	}{
		{`object_type:contacts email:containz:gmail`,
			`"containz" is not an operator; did you mean email:contains:gmail? A value that holds a colon is written quoted: email:"containz:gmail" (at byte 27: containz)`},
		{`object_type:conversations source_body:containz:refund`,
			`"containz" is not an operator; did you mean source_body:contains:refund? A value that holds a colon is written quoted: source_body:"containz:refund" (at byte 38: containz)`},
		{`object_type:conversations tag:containz:bill`,
			`"containz" is not an operator; did you mean tag:contains:bill? A value that holds a colon is written quoted: tag:"containz:bill" (at byte 30: containz)`},
		{`object_type:conversations title:startswith:Refund`,
			`"startswith" is not an operator; did you mean starts_with? It does not apply to title (a text field), which takes eq, contains, not_contains, exists, not_exists. A value that holds a colon is written quoted: title:"startswith:Refund" (at byte 32: startswith)`},
		{`object_type:contacts email:starts-with:ann`,
			`"starts-with" is not an operator; did you mean email:starts_with:ann? A value that holds a colon is written quoted: email:"starts-with:ann" (at byte 27: starts-with)`},
		{`object_type:contacts Email:StartsWith:ann`,
			`"StartsWith" is not an operator; did you mean email:starts_with:ann? A value that holds a colon is written quoted: email:"StartsWith:ann" (at byte 27: StartsWith)`},
		{`object_type:conversations created_at:greater_than:2025-01-01`,
			`"greater_than" is not an operator; did you mean created_at:gt:2025-01-01? A value that holds a colon is written quoted: created_at:"greater_than:2025-01-01" (at byte 37: greater_than)`},
		{`object_type:conversations source_author_email:notcontains:gmail`,
			`"notcontains" is not an operator; did you mean source_author_email:not_contains:gmail? A value that holds a colon is written quoted: source_author_email:"notcontains:gmail" (at byte 46: notcontains)`},
		{`object_type:conversations state:not_eq:open`,
			`"not_eq" is not an operator; did you mean state:neq:open? A value that holds a colon is written quoted: state:"not_eq:open" (at byte 32: not_eq)`},
		{`object_type:conversations tag:notin:vip,urgent`,
			`"notin" is not an operator; did you mean tag:nin:vip,urgent? A value that holds a colon is written quoted: tag:"notin:vip",urgent (at byte 30: notin)`},
		{`object_type:contacts ca.plan:~:pro`,
			`"~" is not an operator; did you mean custom_attributes.plan:contains:pro? A value that holds a colon is written quoted: custom_attributes.plan:"~:pro" (at byte 29: ~)`},
		{`object_type:contacts ca."Ticket category":contians:bill`,
			`"contians" is not an operator; did you mean custom_attributes."Ticket category":contains:bill? A value that holds a colon is written quoted: custom_attributes."Ticket category":"contians:bill" (at byte 42: contians)`},
		{`object_type:conversations title:exist:true`,
			`"exist" is not an operator; did you mean title:exists:true? A value that holds a colon is written quoted: title:"exist:true" (at byte 32: exist)`},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			if qe := wantParseError(t, tc.dsl, tc.want); qe != nil && len(qe.Suggestions) != 1 {
				t.Errorf("suggestions %q; want the operator", qe.Suggestions)
			}
		})
	}
}

// TestParse_ColonValuesStayValues: values that hold a colon without a misspelled operator before it keep working,
// and a misspelled operator's text is searchable when quoted.
func TestParse_ColonValuesStayValues(t *testing.T) {
	for _, tc := range []struct {
		dsl   string
		value string
		print string
	}{
		{`object_type:conversations created_at:gt:2025-01-01T10:00:00Z`, "2025-01-01T10:00:00Z", `created_at:gt:2025-01-01T10:00:00Z`},
		{`object_type:conversations created_at:2025-01-01T10:00:00Z`, "2025-01-01T10:00:00Z", `created_at:2025-01-01T10:00:00Z`},
		{`object_type:contacts email:"a:b"`, "a:b", `email:a:b`},
		{`object_type:contacts email:"containz:gmail"`, "containz:gmail", `email:"containz:gmail"`},
		{`object_type:contacts email:contains:containz:gmail`, "containz:gmail", `email:contains:containz:gmail`},
		{`object_type:contacts ca."Ticket category":billing`, "billing", `custom_attributes."Ticket category":billing`},
		{`object_type:contacts ca."a:b":"x:y"`, "x:y", `custom_attributes."a:b":x:y`},
		{`object_type:contacts avatar:https://example.com/a.png`, "https://example.com/a.png", `avatar:https://example.com/a.png`},
		{`object_type:contacts phone:tel:+15551234567`, "tel:+15551234567", `phone:tel:+15551234567`},
		{`object_type:contacts external_id:user:42`, "user:42", `external_id:user:42`},
		{`object_type:contacts name:id:7`, "id:7", `name:id:7`},
		{`object_type:contacts name:exit:now`, "exit:now", `name:exit:now`},
		{`object_type:contacts name:contact:me`, "contact:me", `name:contact:me`},
		{`object_type:conversations tag:in:"containz:a",b`, "containz:a", `tag:in:containz:a,b`},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			q := mustParse(t, tc.dsl)
			if len(q.Terms) != 1 || q.Terms[0].Values[0].Raw != tc.value {
				t.Fatalf("terms = %v; want one with value %q", q.Terms, tc.value)
			}
			if p := q.Terms[0].String(); p != tc.print {
				t.Errorf("printed %s; want %s", p, tc.print)
			}
			checkRoundTrip(t, q)
		})
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"search", "status", "sync", "serve", "get", "export", "report", "json", "data-dir"}
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"serch", []string{"search"}},
		{"jsn", []string{"json"}},
		{"staus", []string{"status"}},
		{"data_dir", []string{"data-dir"}},
		{"snyc", []string{"sync"}},
		{"xyz", nil},
		{"exprot", []string{"export"}},
	} {
		if got := Nearest(tc.word, cands); !slices.Equal(got, tc.want) {
			t.Errorf("Nearest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
