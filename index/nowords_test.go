package index

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestSearch_NothingToSearchFor: a term on words (free text, or a text field's eq, contains, not_contains) that
// the analyzer leaves no word of (punctuation, symbols, only common words such as "the") is an error naming the
// term. Before, free text without a word was dropped, so the query matched every record (with its other
// filters), and a text-field term matched nothing (or, negated, everything).
func TestSearch_NothingToSearchFor(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	for _, tc := range []struct {
		dsl  string
		term string // as the error names it
	}{
		{`object_type:conversations q:"!!!"`, `q:"!!!"`},
		{`object_type:conversations q:*`, `q:*`},
		{`object_type:conversations q:"€"`, `q:"€"`},
		{`object_type:conversations q:"-"`, `q:"-"`},
		{`object_type:conversations q:😀 state:open`, `q:😀`},
		{`object_type:conversations q:the state:open`, `q:the`},
		{`object_type:conversations q:refund q:"to be or not to be"`, `q:"to be or not to be"`},
		{`object_type:contacts q:"..."`, `q:"..."`},
		{`object_type:conversations source_body:contains:"!!!"`, `source_body:contains:!!!`},
		{`object_type:conversations source_body:"?"`, `source_body:?`},
		{`object_type:conversations source_body:not_contains:"--"`, `source_body:not_contains:--`},
		{`object_type:conversations parts_body:contains:"!!!" q:refund`, `parts_body:contains:!!!`},
		{`object_type:conversations title:contains:the`, `title:contains:the`},
		{`object_type:conversations conversation_rating_remark:contains:"..."`, `conversation_rating_remark:contains:...`},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			_, err := r.Search(context.Background(), mustParse(t, tc.dsl))
			checkNothingToSearch(t, err, tc.term)
		})
	}
	// Invalid UTF-8 never gets past Parse; a hand-built query holding some has no word either.
	q := query.Query{Kind: query.KindConversation, Limit: 20, Text: []query.TextTerm{{Text: "\xff\xfe", Phrase: true}}}
	_, err := r.Search(context.Background(), q)
	checkNothingToSearch(t, err, "q:\"\uFFFD\"") // shown as UTF-8

	// Words with stop words, single characters the analyzer keeps, and non-Latin scripts are searched.
	for _, dsl := range []string{
		`object_type:conversations q:"the refund"`,
		`object_type:conversations q:_`,
		`object_type:conversations q:日本`,
		`object_type:conversations source_body:contains:"a refund"`,
		`object_type:conversations source_body:not_contains:refund`,
	} {
		if _, err := r.Search(context.Background(), mustParse(t, dsl)); err != nil {
			t.Errorf("%s: %v", dsl, err)
		}
	}
}

func checkNothingToSearch(t *testing.T, err error, term string) {
	t.Helper()
	var qe *query.Error
	if !errors.As(err, &qe) {
		t.Fatalf("error %v (%T); want a *query.Error", err, err)
	}
	if want := term + " has no word to search for"; !strings.HasPrefix(qe.Msg, want) || qe.Token != term || qe.Pos != -1 {
		t.Errorf("error %#v; want a message starting %q", qe, want)
	}
}
