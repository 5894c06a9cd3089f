package query

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// maxErrorBytes bounds an error about input of any length: the longest fixed text of a message, plus a few short
// windows of what was written.
const maxErrorBytes = 800

func TestClip(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "",
		"short":                      "short",
		strings.Repeat("a", 60):      strings.Repeat("a", 60),
		strings.Repeat("a", 61):      strings.Repeat("a", 59) + "…",
		strings.Repeat("é", 60):      strings.Repeat("é", 60),
		strings.Repeat("é", 61):      strings.Repeat("é", 59) + "…",
		strings.Repeat("x", 100_000): strings.Repeat("x", 59) + "…",
	} {
		if got := clip(in); got != want {
			t.Errorf("clip(%d bytes) = %q; want %q", len(in), got, want)
		}
	}
}

// TestErrors_QuoteABoundedWindow feeds every error path that quotes input a term thousands of bytes long: the
// message (Error) and the message under its query (Caret) stay short. Before, a 100 KB query over the limit was
// echoed whole by Caret, and a long value or field name by the messages that quote it.
func TestErrors_QuoteABoundedWindow(t *testing.T) {
	big := strings.Repeat("x", 7000)
	num := strings.Repeat("9", 7000)
	for name, dsl := range map[string]string{
		"too long":           "object_type:conversations q:" + strings.Repeat("a", 100_000),
		"too long, one line": strings.Repeat("object_type:conversations state:open ", 3000),
		"unterminated":       `object_type:conversations source_author_name:"` + big,
		"object_type":        "object_type:" + big,
		"bare term":          "object_type:conversations " + big,
		"bare phrase":        `object_type:conversations "` + big + `"`,
		"unknown field":      "object_type:conversations " + big + ":open",
		"missing value":      "object_type:conversations " + big + ":",
		"empty list value":   "object_type:conversations tag:in:" + big + ",",
		"after quote":        `object_type:conversations source_author_name:"a"` + big,
		"enum":               "object_type:conversations state:" + big,
		"int":                "object_type:conversations admin_assignee_id:" + big,
		"duration":           "object_type:conversations statistics_time_to_admin_reply:gt:" + big,
		"timestamp":          "object_type:conversations created_at:gt:" + big,
		"timestamp digits":   "object_type:conversations created_at:gt:" + num,
		"bool":               "object_type:conversations open:" + big,
		"limit":              "object_type:conversations limit:" + big,
		"one value":          "object_type:conversations state:" + big + ",y",
		"one value neq":      "object_type:conversations source_author_name:neq:" + big + ",y",
		"id":                 "object_type:conversations contact_ids:conversation_" + num,
		"id url":             "object_type:conversations id:https://example.com/" + big,
		"misspelled op":      "object_type:conversations source_author_email:containz:" + big,
		"misspelled op list": "object_type:conversations tag:notin:" + big + "," + big,
		"misspelled op ca":   "object_type:contacts ca." + big + ":startswith:x",
		"q operator":         "object_type:conversations q:contains:" + big,
		"ca range":           "object_type:contacts ca." + big + ":gt:many",
		"ca exists value":    "object_type:contacts ca." + big + ":exists:maybe",
		"ca empty value":     "object_type:contacts ca." + big + `:""`,
		"conflict":           "object_type:conversations tag:" + big + " tag:neq:" + big,
		"conflict ca":        "object_type:contacts ca." + big + ":1 ca." + big + ":neq:1",
		"starting_after":     "object_type:conversations starting_after:" + big + " starting_after:y",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(dsl, fuzzNow)
			if err == nil {
				t.Fatal("no error")
			}
			checkError(t, dsl, err)
			var qe *Error
			errors.As(err, &qe)
			if n := len(err.Error()); n > maxErrorBytes {
				t.Errorf("Error() is %d bytes: %.300s…", n, err.Error())
			}
			if n := len(qe.Caret(dsl)); n > maxErrorBytes+300 {
				t.Errorf("Caret() is %d bytes: %.300s…", n, qe.Caret(dsl))
			}
		})
	}
}

// TestErrors_FiltersQuoteABoundedWindow: the structured filters' errors bound what they quote too.
func TestErrors_FiltersQuoteABoundedWindow(t *testing.T) {
	big := strings.Repeat("x", 7000)
	for name, f := range map[string]interface{ Query(Options) (Query, error) }{
		"ca type":      ContactFilter{CustomAttributes: map[string]any{big: []any{1}}},
		"ca value":     ContactFilter{CustomAttributes: map[string]any{big: "many"}, CreatedAt: &Range{GT: big}},
		"range op":     ConversationFilter{CreatedAt: &Range{Operator: big, Value: 1}},
		"range value":  ConversationFilter{CreatedAt: &Range{Operator: ">", Value: big}},
		"enum":         ConversationFilter{State: big},
		"ids":          ConversationFilter{IDs: []string{"contact_" + big}},
		"ids url":      ContactFilter{IDs: []string{"https://example.com/" + big}},
		"name":         ContactFilter{Name: `"` + big},
		"per_page":     ContactFilter{PerPage: new(int)},
		"cursor twice": ContactFilter{StartingAfter: big},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.Query(fuzzNow)
			if err == nil {
				if name == "name" || name == "cursor twice" {
					return // accepted: nothing to quote
				}
				t.Fatal("no error")
			}
			if n := len(err.Error()); n > maxErrorBytes {
				t.Errorf("Error() is %d bytes: %.300s…", n, err.Error())
			}
		})
	}
}

// TestParse_TooLong: one limit (MaxLength, in bytes) for every front end; the error says the limit and the
// length given, and quotes nothing of the query.
func TestParse_TooLong(t *testing.T) {
	dsl := "object_type:conversations q:" + strings.Repeat("é", MaxLength)
	_, err := Parse(dsl, fuzzNow)
	var qe *Error
	if !errors.As(err, &qe) {
		t.Fatalf("error = %v", err)
	}
	want := fmt.Sprintf("query is %d bytes long; the limit is %d bytes: shorten it, or split it into several searches", len(dsl), MaxLength)
	if qe.Error() != want || qe.Caret(dsl) != want {
		t.Errorf("error:\n got %s\nwant %s", qe.Caret(dsl), want)
	}
	if _, err := Parse("object_type:conversations q:"+strings.Repeat("a", MaxLength-len("object_type:conversations q:")), fuzzNow); err != nil {
		t.Errorf("a query of exactly MaxLength bytes: %v", err)
	}
	if !utf8.ValidString(want) {
		t.Errorf("message is not UTF-8")
	}
}

// TestError_CaretWindow: under a long query, Caret shows a window around the offending token, with ellipses
// where it cuts, and the caret still under the token.
func TestError_CaretWindow(t *testing.T) {
	pad := strings.Repeat("state:open ", 20)
	dsl := "object_type:conversations " + pad + "sate:open " + pad
	_, err := Parse(dsl, fuzzNow)
	var qe *Error
	if !errors.As(err, &qe) {
		t.Fatalf("error = %v", err)
	}
	lines := strings.Split(qe.Caret(dsl), "\n")
	if len(lines) != 3 {
		t.Fatalf("Caret = %q", qe.Caret(dsl))
	}
	window, carets := lines[1], lines[2]
	if !strings.HasPrefix(window, "…") || !strings.HasSuffix(window, "…") || utf8.RuneCountInString(window) > maxQuoted+2 {
		t.Errorf("window %q: want at most %d runes between ellipses", window, maxQuoted)
	}
	col := utf8.RuneCountInString(carets) - 4
	if strings.TrimLeft(carets, " ") != "^^^^" || string([]rune(window)[col:col+4]) != "sate" {
		t.Errorf("caret not under the token:\n%s\n%s", window, carets)
	}
}

// TestParse_CursorIsNotCountedInTheLimit: MaxLength is the query's; the starting_after a page hands back is not
// counted, so the next page of a query just within the limit can always be asked for (its canonical form too, as
// a search's next page prints it). Before, a query of 8,170 bytes worked and its next page was refused.
func TestParse_CursorIsNotCountedInTheLimit(t *testing.T) {
	prefix := "object_type:conversations q:"
	dsl := prefix + strings.Repeat("a", MaxLength-len(prefix))
	q, err := Parse(dsl, fuzzNow)
	if err != nil {
		t.Fatal(err)
	}
	q.StartingAfter = strings.Repeat("B", 600) // a relevance cursor carries a few bytes per word of the query
	next, err := Parse(q.String(), fuzzNow)
	if err != nil || next.StartingAfter != q.StartingAfter {
		t.Fatalf("the next page of a query of MaxLength bytes: %v", err)
	}
	if err := next.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// The query itself is still held to the limit, cursor or not.
	over := prefix + strings.Repeat("a", MaxLength) + " starting_after:abc"
	if _, err := Parse(over, fuzzNow); err == nil || !strings.Contains(err.Error(), "the limit is 8192 bytes") {
		t.Errorf("a query over the limit with a cursor: %v", err)
	}
}
