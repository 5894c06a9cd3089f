package query

import (
	"errors"
	"strconv"
	"testing"
)

// TestLimit_CappedWithANote: a limit or per_page above MaxLimit is not an error: the query asks for the largest
// page, and its Note says so, for the front end to show beside the results. Before, limit:500 was an error.
func TestLimit_CappedWithANote(t *testing.T) {
	for _, tc := range []struct {
		dsl  string
		note string
	}{
		{`object_type:conversations limit:500`, "limit 500 is more than a page holds; returned the largest page, 150."},
		{`object_type:conversations limit:151`, "limit 151 is more than a page holds; returned the largest page, 150."},
		{`object_type:conversations per_page:500`, "per_page 500 is more than a page holds; returned the largest page, 150."},
		{`object_type:conversations limit:99999999999999999999`, "limit 99999999999999999999 is more than a page holds; returned the largest page, 150."},
		{`object_type:conversations limit:500 limit:0500`, "limit 500 is more than a page holds; returned the largest page, 150."},
		{`object_type:conversations limit:150`, ""},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			q := mustParse(t, tc.dsl)
			if q.Limit != MaxLimit || q.Note != tc.note {
				t.Errorf("limit %d, note %q; want %d, %q", q.Limit, q.Note, MaxLimit, tc.note)
			}
			if s := q.String(); s != "object_type:conversations limit:150" {
				t.Errorf("String() = %s", s)
			}
			checkRoundTrip(t, q)
		})
	}
	for _, f := range []interface{ Query(Options) (Query, error) }{
		ConversationFilter{PerPage: ptr(500)},
		ContactFilter{PerPage: ptr(500)},
	} {
		q, err := f.Query(fuzzNow)
		if want := "per_page 500 is more than a page holds; returned the largest page, 150."; err != nil || q.Limit != MaxLimit || q.Note != want {
			t.Errorf("%T: limit %d, note %q, error %v; want %d, %q", f, q.Limit, q.Note, err, MaxLimit, want)
		}
	}
}

// TestLimit_Errors: a limit that is not a whole number of at least 1 is still an error.
func TestLimit_Errors(t *testing.T) {
	for dsl, want := range map[string]string{
		`object_type:conversations limit:0`:                     `limit must be at least 1 (a page holds 1 to 150); got 0 (at byte 26: limit:0)`,
		`object_type:conversations limit:-5`:                    `limit must be at least 1 (a page holds 1 to 150); got -5 (at byte 26: limit:-5)`,
		`object_type:conversations limit:-99999999999999999999`: `limit must be at least 1 (a page holds 1 to 150); got -99999999999999999999 (at byte 26: limit:-99999999999999999999)`,
		`object_type:conversations limit:ten`:                   `limit takes a whole number, e.g. limit:50 (a page holds 1 to 150); got "ten" (at byte 32: ten)`,
		`object_type:conversations limit:1.5`:                   `limit takes a whole number, e.g. limit:50 (a page holds 1 to 150); got "1.5" (at byte 32: 1.5)`,
		`object_type:conversations limit:500 limit:200`:         `limit is given twice (500 and 200); give it once (at byte 36: limit:200)`,
	} {
		wantParseError(t, dsl, want)
	}
	for _, n := range []int{0, -1} {
		_, err := ContactFilter{PerPage: ptr(n)}.Query(fuzzNow)
		var qe *Error
		want := "per_page must be at least 1 (a page holds 1 to 150); got " + strconv.Itoa(n)
		if !errors.As(err, &qe) || qe.Msg != want || qe.Token != "per_page" {
			t.Errorf("per_page %d: error %#v; want %q", n, err, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
