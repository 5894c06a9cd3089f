package query

import (
	"errors"
	"reflect"
	"testing"
	"time"
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
	_ = qe.Caret(dsl) // must not panic
}

// checkRoundTrip asserts that a valid query prints to DSL that parses back to the same query, and prints the same.
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
	if !reflect.DeepEqual(q, q2) {
		t.Fatalf("round trip changed the query\nprinted: %s\nbefore: %#v\nafter:  %#v", s, q, q2)
	}
	if s2 := q2.String(); s2 != s {
		t.Fatalf("printing is not stable: %q then %q", s, s2)
	}
}
