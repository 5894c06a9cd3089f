package index

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestPhraseSearcher_AgreesWithBleve compares the phrase searcher with bleve's own phrase query on synthetic
// conversations, for phrases cut from their text (two to four words, stop words included) and for words paired at
// random: same documents, in every case.
func TestPhraseSearcher_AgreesWithBleve(t *testing.T) {
	r := mustOpen(t, "")
	g := newTestGenerator()
	recs := synthConversations(g, 0, 150)
	mustApply(t, r, Batch{Records: recs})
	ks := r.kinds[query.KindConversation]
	rng := rand.New(rand.NewPCG(5, 6))
	var words []string
	for _, rec := range recs[:40] {
		d, err := extract(query.KindConversation, rec.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if f := d.field("parts_body"); f != nil {
			for _, p := range f.strs {
				words = append(words, strings.Fields(p)...)
			}
		}
	}
	ids := func(q bquery.Query) []string {
		req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		res, err := ks.ti.idx.SearchInContext(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		return out
	}
	matched := 0
	for i := 0; i < 300; i++ {
		var phrase string
		if i%3 == 2 {
			phrase = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		} else {
			n := 2 + rng.IntN(3)
			start := rng.IntN(len(words) - n)
			phrase = strings.Join(words[start:start+n], " ")
		}
		a := ks.schema.analyze(phrase, true)
		if len(a.terms) < 2 {
			continue
		}
		ours := ids(phraseQuery(textField, a, 1))
		bq := bquery.NewMatchPhraseQuery(phrase)
		bq.SetField(textField)
		bq.Analyzer = en.AnalyzerName
		theirs := ids(bq)
		if !slices.Equal(ours, theirs) {
			t.Fatalf("phrase %q (terms %v at %v): ours %v, bleve's %v", phrase, a.terms, a.pos, ours, theirs)
		}
		// Restricted to a field's slots (what source_body:contains:"..." does), through the slot filter.
		for _, field := range []string{"source_body", "parts_body"} {
			sl := textSlots[field]
			ours := ids(&slotQuery{inner: phraseQuery(textField, a, 1), lo: sl[0], hi: sl[1]})
			theirs := ids(&slotQuery{inner: bq, lo: sl[0], hi: sl[1]})
			if !slices.Equal(ours, theirs) {
				t.Fatalf("phrase %q in %s: ours %v, bleve's %v", phrase, field, ours, theirs)
			}
		}
		if len(ours) > 0 {
			matched++
		}
	}
	if matched < 60 {
		t.Fatalf("only %d phrases matched anything: the test is not exercising the searcher", matched)
	}
}
