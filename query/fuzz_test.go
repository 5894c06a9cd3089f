package query

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzNow pins the clock so relative timestamps parse the same way twice.
var fuzzNow = Options{Now: func() time.Time { return time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC) }}

// FuzzParse checks that Parse never panics, that every error is an *Error with a position inside the text, and
// that every query it accepts survives a round trip: Parse(q.String()) gives the same AST, and printing is stable.
//
// CI runs it for a bounded time: go test ./query -run '^$' -fuzz '^FuzzParse$' -fuzztime 30s
func FuzzParse(f *testing.F) {
	for _, s := range seedQueries() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsl string) {
		q, err := Parse(dsl, fuzzNow)
		if err != nil {
			checkError(t, dsl, err)
			return
		}
		checkRoundTrip(t, q)
	})
}

// checkError asserts the shape every Parse error must have.
func checkError(t *testing.T, dsl string, err error) {
	t.Helper()
	var qe *Error
	if !errors.As(err, &qe) {
		t.Fatalf("Parse(%q) error %T %v is not a *query.Error", dsl, err, err)
	}
	if qe.Msg == "" {
		t.Fatalf("Parse(%q): error with an empty message", dsl)
	}
	if qe.Pos < -1 || qe.Pos > len(dsl) {
		t.Fatalf("Parse(%q): error position %d outside the text (len %d): %v", dsl, qe.Pos, len(dsl), err)
	}
	if n := len(qe.Error()); n > maxErrorBytes {
		t.Fatalf("Parse(%.100q): error of %d bytes: %.300s", dsl, n, qe.Error())
	}
	if n := len(qe.Caret(dsl)); n > maxErrorBytes+300 {
		t.Fatalf("Parse(%.100q): Caret of %d bytes: %.300s", dsl, n, qe.Caret(dsl))
	}
}

// checkRoundTrip asserts that a valid query prints to DSL that parses back to the same query (but for its Note),
// and prints the same.
func checkRoundTrip(t *testing.T, q Query) {
	t.Helper()
	if err := q.Validate(); err != nil {
		t.Fatalf("parsed query %s fails Validate: %v", q, err)
	}
	s := q.String()
	q2, err := Parse(s, fuzzNow)
	if err != nil {
		t.Fatalf("String() = %q does not parse: %v\nAST: %#v", s, err, q)
	}
	q.Note = "" // what was changed from what was asked: not part of the DSL
	if !reflect.DeepEqual(q, q2) {
		t.Fatalf("round trip changed the query\nprinted: %s\nbefore: %#v\nafter:  %#v", s, q, q2)
	}
	if s2 := q2.String(); s2 != s {
		t.Fatalf("printing is not stable: %q then %q", s, s2)
	}
}

// FuzzValidate drives validation directly, below the lexer: any field name, operator and values (text the lexer
// would never hand over, such as values with quotes and white space) through the builder Parse and the filters
// share. Accepted terms must survive the round trip through String and Parse, and must translate to an Intercom
// body within Intercom's limits or fail with an *Error.
//
// CI runs it for a bounded time: go test ./query -run '^$' -fuzz '^FuzzValidate$' -fuzztime 30s
func FuzzValidate(f *testing.F) {
	f.Add(uint8(0), "state", "in", "open", "snoozed", "refund")
	f.Add(uint8(0), "created_at", "gte", "2025-01-31", "", "")
	f.Add(uint8(0), "statistics_time_to_admin_reply", "gt", "4h", "", "")
	f.Add(uint8(1), `ca."Ticket category"`, "eq", "billing", "", "double charged")
	f.Add(uint8(1), "custom_attributes.seats", "lte", "10", "", "")
	f.Add(uint8(1), "tag_id", "nin", "1", "2", "")
	f.Add(uint8(0), "contact_ids", "eq", "contact_abc", "", "")
	f.Add(uint8(0), "title", "exists", "false", "", "")
	f.Add(uint8(1), "email", "contains", `a "b" \ c, d: e`, "", "x y")
	f.Add(uint8(0), "sate", "eq", "open", "", "")
	f.Fuzz(func(t *testing.T, kind uint8, field, opName, v1, v2, text string) {
		k := Kinds()[int(kind)%2]
		b := newBuilder(k, fuzzNow)
		nowhere := site{pos: -1, token: field}
		fld, ok := b.cat.Lookup(field)
		if !ok {
			if err := b.unknownField(nowhere, field); err == nil || err.Msg == "" {
				t.Fatalf("unknown field %q gave no error message", field)
			}
			return
		}
		op, ok := ParseOp(opName)
		if !ok {
			return
		}
		var vals []valueInput
		switch op.Arity() {
		case -1:
			vals = []valueInput{{text: v1, site: nowhere}, {text: v2, site: nowhere}}
		case 1:
			vals = []valueInput{{text: v1, site: nowhere}}
		default:
			if v1 != "" {
				vals = []valueInput{{text: v1, site: nowhere}}
			}
		}
		if err := b.term(nowhere, nowhere, fld, op, false, vals); err != nil {
			if err.Msg == "" {
				t.Fatalf("term %s:%s:%q,%q: error with an empty message", field, op, v1, v2)
			}
			return
		}
		if text != "" {
			if err := b.text(nowhere, text, true); err != nil {
				if strings.TrimSpace(text) != "" && utf8.ValidString(text) {
					t.Fatalf("phrase %q refused: %v", text, err)
				}
			}
		}
		if err := b.finish(-1); err != nil {
			if err.Msg == "" {
				t.Fatalf("finish: error with an empty message")
			}
			return
		}
		q := b.q
		checkRoundTrip(t, q)
	})
}

// FuzzFilters decodes arbitrary JSON as search_conversations and search_contacts arguments: Query must never panic,
// must fail with an *Error naming the argument, or return a query that survives the round trip.
//
// CI runs it for a bounded time: go test ./query -run '^$' -fuzz '^FuzzFilters$' -fuzztime 30s
func FuzzFilters(f *testing.F) {
	f.Add([]byte(`{"state":"open","per_page":50,"statistics_time_to_admin_reply":{"operator":">","value":3600}}`))
	f.Add([]byte(`{"created_at":{"gte":"2025-01-01","lt":"7d"},"ids":["conversation_1"],"admin_assignee_id":0}`))
	f.Add([]byte(`{"name":"Ricky","custom_attributes":{"plan":"pro","seats":10,"ok":true},"contact_ids":["contact_a"]}`))
	f.Add([]byte(`{"created_at":{"operator":"=","value":1735689600.5}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var cf ConversationFilter
		if json.Unmarshal(data, &cf) == nil {
			q, err := cf.Query(fuzzNow)
			checkFilterResult(t, q, err)
		}
		var kf ContactFilter
		if json.Unmarshal(data, &kf) == nil {
			q, err := kf.Query(fuzzNow)
			checkFilterResult(t, q, err)
		}
	})
}

func checkFilterResult(t *testing.T, q Query, err error) {
	t.Helper()
	if err != nil {
		var qe *Error
		if !errors.As(err, &qe) || qe.Msg == "" || qe.Pos != -1 || qe.Token == "" {
			t.Fatalf("filter error %#v must be a *query.Error without position, naming the argument", err)
		}
		return
	}
	checkRoundTrip(t, q)
}
