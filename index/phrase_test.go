package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/intercom-replica/intercom-replica/query"
)

// The text engine (textsearch.go) is checked here against a brute-force reference that shares nothing with it but
// the analyzer: each live record's text is analysed slot by slot from its stored JSON, and a clause is decided by
// looking for the words (at their offsets, for a phrase) in those slots. bleve's own phrase query is a third
// opinion for phrases over the whole text.

// refSlot is the analysed text of one slot of textField.
type refSlot struct {
	slot  uint64
	terms []string
	pos   []int
}

// refCorpus is what the reference knows: every live conversation's slots and state, and words to build queries
// from.
type refCorpus struct {
	docs  map[string][]refSlot
	state map[string]string
	words []string // plain words (letters only) from the texts, in text order
}

// has reports whether the analysed text a holds in slots lo..hi of the record's text: as a phrase (consecutive
// words at a's offsets within one slot) or as words (each somewhere in those slots).
func (c *refCorpus) has(id string, a analyzedText, phrase bool, lo, hi uint64) bool {
	slots := c.docs[id]
	inRange := func(st refSlot) bool { return st.slot >= lo && st.slot <= hi }
	if !phrase || len(a.terms) == 1 {
		for _, want := range a.terms {
			found := false
			for _, st := range slots {
				if inRange(st) && slices.Contains(st.terms, want) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	for _, st := range slots {
		if !inRange(st) {
			continue
		}
		for i := range st.terms {
			ok := st.terms[i] == a.terms[0]
			for k := 1; k < len(a.terms) && ok; k++ {
				ok = false
				for j := range st.terms {
					if st.terms[j] == a.terms[k] && st.pos[j]-st.pos[i] == a.pos[k]-a.pos[0] {
						ok = true
						break
					}
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// ids returns the sorted ids of the live records for which keep holds.
func (c *refCorpus) ids(keep func(id string) bool) []string {
	var out []string
	for id := range c.docs {
		if keep(id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

var plainWord = regexp.MustCompile(`^[A-Za-z]+$`)

// refReplica returns a replica of 150 synthetic conversations written in three batches, then a batch that rewrites
// 20 of them with another conversation's content and deletes 15, and the reference built from the records as they
// finally are. The full-text index never merges segments, so it keeps four, three of them holding the deleted
// documents of the rewritten and deleted records: those must never match.
func refReplica(t *testing.T) (*Replica, *refCorpus) {
	t.Helper()
	r := mustOpenWith(t, "", Options{neverMerge: true})
	g := newTestGenerator()
	recs := synthConversations(g, 0, 150)
	for i := 0; i < len(recs); i += 50 {
		mustApply(t, r, Batch{Records: recs[i : i+50]})
	}
	final := map[string]Record{}
	for _, rec := range recs {
		final[rec.ID] = rec
	}
	var change []Record
	for i := 0; i < 20; i++ {
		target, donor := recs[i*7], synthConversations(g, 500+i, 501+i)[0]
		var m map[string]any
		if err := json.Unmarshal(donor.Raw, &m); err != nil {
			t.Fatal(err)
		}
		m["id"], m["updated_at"] = target.ID, target.UpdatedAt+10
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		rec := Record{Kind: query.KindConversation, ID: target.ID, UpdatedAt: target.UpdatedAt + 10, Raw: raw}
		change, final[target.ID] = append(change, rec), rec
	}
	for i := 0; i < 15; i++ {
		target := recs[i*7+3]
		change = append(change, Record{Kind: query.KindConversation, ID: target.ID, UpdatedAt: target.UpdatedAt + 10,
			Deleted: true})
		delete(final, target.ID)
	}
	mustApply(t, r, Batch{Records: change})

	ks := r.kinds[query.KindConversation]
	c := &refCorpus{docs: map[string][]refSlot{}, state: map[string]string{}}
	for _, rec := range recs { // in generation order, so words is deterministic
		rec, ok := final[rec.ID]
		if !ok {
			continue
		}
		d, err := extract(query.KindConversation, rec.Raw)
		if err != nil {
			t.Fatal(err)
		}
		add := func(slot uint64, text string) {
			a := ks.schema.analyze(text, true)
			c.docs[rec.ID] = append(c.docs[rec.ID], refSlot{slot, a.terms, a.pos})
		}
		c.docs[rec.ID] = []refSlot{} // live, even without text
		for _, name := range []string{"title", "source_subject", "source_body"} {
			if f := d.field(name); f != nil {
				add(slotLayouts[query.KindConversation].slots[name][0], f.strs[0])
			}
		}
		if f := d.field("parts_body"); f != nil {
			for k, p := range f.strs {
				add(slotLayouts[query.KindConversation].slots["parts_body"][0]+uint64(k), p)
				for _, w := range strings.Fields(p) {
					if len(c.words) < 5000 && plainWord.MatchString(w) {
						c.words = append(c.words, w)
					}
				}
			}
		}
		var head struct{ State string }
		if err := json.Unmarshal(rec.Raw, &head); err != nil {
			t.Fatal(err)
		}
		c.state[rec.ID] = head.State
	}
	if len(c.docs) != 135 {
		t.Fatalf("reference has %d live records, want 135", len(c.docs))
	}
	snap, err := ks.ti.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	var deleted uint64
	for _, ss := range snap.Segments() {
		if d := ss.Deleted(); d != nil {
			deleted += d.GetCardinality()
		}
	}
	if len(snap.Segments()) != 4 || deleted != 35 {
		t.Fatalf("the index has %d segments and %d deleted documents, want 4 and 35", len(snap.Segments()), deleted)
	}
	return r, c
}

// phrase returns two to four consecutive words of the corpus, or (one time in three) two words paired at random.
func (c *refCorpus) phrase(rng *rand.Rand) string {
	if rng.IntN(3) == 2 {
		return c.words[rng.IntN(len(c.words))] + " " + c.words[rng.IntN(len(c.words))]
	}
	n := 2 + rng.IntN(3)
	start := rng.IntN(len(c.words) - n)
	return strings.Join(c.words[start:start+n], " ")
}

// TestTextEngine_PhrasesAgree compares the text engine's phrase matching with the reference and with bleve's own
// phrase query, for phrases cut from the text (two to four words, stop words included) and words paired at random:
// same documents in every case, also when the phrase is kept to one field's slots (what
// source_body:contains:"..." does), and with the candidates split across goroutines.
func TestTextEngine_PhrasesAgree(t *testing.T) {
	t.Parallel()
	r, ref := refReplica(t)
	ks := r.kinds[query.KindConversation]
	ordID := map[uint32]string{}
	for id := range ref.docs {
		if ord, ok := ks.table.Ord(id); ok {
			ordID[ord] = id
		}
	}
	engine := func(c textClause) []string {
		set, err := r.collectOrds(context.Background(), ks, c)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		set.Each(func(ord uint32) {
			id, ok := ordID[ord]
			if !ok {
				id = fmt.Sprintf("ordinal %d (not live)", ord)
			}
			out = append(out, id)
		})
		slices.Sort(out)
		return out
	}
	bleveIDs := func(q bquery.Query) []string {
		res, err := ks.ti.idx.SearchInContext(context.Background(), bleve.NewSearchRequestOptions(q, 1000, 0, false))
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
	rng := rand.New(rand.NewPCG(5, 6))
	matched, slotted := 0, 0
	for i := 0; i < 300; i++ {
		phrase := ref.phrase(rng)
		a := ks.schema.analyze(phrase, true)
		if len(a.terms) < 2 {
			continue
		}
		c := ks.schema.freeTextClauses([]analyzedText{a})[0]
		want := ref.ids(func(id string) bool { return ref.has(id, a, true, 0, 1<<32) })
		bq := bquery.NewMatchPhraseQuery(phrase)
		bq.SetField(textField)
		bq.Analyzer = en.AnalyzerName
		if theirs := bleveIDs(bq); !slices.Equal(theirs, want) {
			t.Fatalf("phrase %q: the reference %v and bleve %v disagree", phrase, want, theirs)
		}
		for _, sp := range textSplits {
			r.workers, r.unitMin = sp.workers, sp.unitMin
			if got := engine(c); !slices.Equal(got, want) {
				t.Fatalf("phrase %q (terms %v at %v, split %v): engine %v, reference %v", phrase, a.terms, a.pos, sp, got, want)
			}
			for _, field := range []string{"source_body", "parts_body"} {
				sl := slotLayouts[query.KindConversation].slots[field]
				cs := c
				cs.slotted, cs.lo, cs.hi = true, sl[0], sl[1]
				want := ref.ids(func(id string) bool { return ref.has(id, a, true, sl[0], sl[1]) })
				if got := engine(cs); !slices.Equal(got, want) {
					t.Fatalf("phrase %q in %s (split %v): engine %v, reference %v", phrase, field, sp, got, want)
				}
				if field == "source_body" && len(want) > 0 {
					slotted++
				}
			}
		}
		r.workers, r.unitMin = defaultWorkers(), defaultUnitMin
		if len(want) > 0 {
			matched++
		}
	}
	if matched < 60 || slotted < 10 {
		t.Fatalf("only %d phrases matched anything (%d in source_body): the test is not exercising the engine", matched, slotted)
	}
}

// TestTextEngine_QueriesAgree runs random queries through Search — free-text words and phrases, text-field terms
// (contains, eq, not_contains) and a table filter, combined — and walks every page: the hits are exactly the live
// records the reference selects, each once, the total is exact, the order is by score, and every hit of a page
// carries a highlighted snippet.
func TestTextEngine_QueriesAgree(t *testing.T) {
	t.Parallel()
	r, ref := refReplica(t)
	ks := r.kinds[query.KindConversation]
	rng := rand.New(rand.NewPCG(8, 9))
	// A word of the text, or (one time in eight) a word no record has.
	word := func() string {
		if rng.IntN(8) == 0 {
			return "zzqx"
		}
		return ref.words[rng.IntN(len(ref.words))]
	}
	fields := []string{"source_body", "parts_body", "title"}
	var nonEmpty, negations, filtered int
	for i := 0; i < 300; i++ {
		var dsl []string
		var conds []func(id string) bool
		// Free text: a word or a phrase, sometimes two.
		for k := 0; k < 1+rng.IntN(3)/2; k++ {
			text, phrase := word(), false
			if rng.IntN(2) == 0 {
				text, phrase = ref.phrase(rng), true
			}
			a := ks.schema.analyze(text, phrase)
			if len(a.terms) == 0 {
				continue
			}
			if phrase {
				dsl = append(dsl, fmt.Sprintf("q:%q", text))
			} else {
				dsl = append(dsl, "q:"+text)
			}
			conds = append(conds, func(id string) bool { return ref.has(id, a, phrase, 0, 1<<32) })
		}
		if len(conds) == 0 {
			continue
		}
		// A text-field term: contains (a word or a phrase), eq (every word), or not_contains.
		if rng.IntN(3) > 0 {
			field := fields[rng.IntN(len(fields))]
			sl := slotLayouts[query.KindConversation].slots[field]
			op := []string{"contains", "eq", "not_contains"}[rng.IntN(3)]
			text := word()
			if rng.IntN(2) == 0 {
				text = ref.phrase(rng)
			}
			a := ks.schema.analyze(text, op != "eq")
			term := fmt.Sprintf("%s:%s:%q", field, op, text)
			switch {
			case len(a.terms) == 0:
				// No word to search for (only stop words): an error, not a term that matches nothing (or, negated,
				// everything). The term is left out of the query then.
				bad := mustParse(t, "object_type:conversations "+strings.Join(append(dsl, term), " "))
				if _, err := r.Search(context.Background(), bad); !errors.As(err, new(*query.Error)) {
					t.Fatalf("%s: error %v; want a *query.Error (no word to search for)", bad.String(), err)
				}
			case op == "not_contains":
				dsl = append(dsl, term)
				conds = append(conds, func(id string) bool { return !ref.has(id, a, true, sl[0], sl[1]) })
				negations++
			default:
				dsl = append(dsl, term)
				conds = append(conds, func(id string) bool { return ref.has(id, a, op == "contains", sl[0], sl[1]) })
			}
		}
		if rng.IntN(3) == 0 {
			state := []string{"open", "closed"}[rng.IntN(2)]
			dsl = append(dsl, "state:"+state)
			conds = append(conds, func(id string) bool { return ref.state[id] == state })
			filtered++
		}
		want := ref.ids(func(id string) bool {
			for _, c := range conds {
				if !c(id) {
					return false
				}
			}
			return true
		})
		if len(want) > 0 {
			nonEmpty++
		}
		q := mustParse(t, "object_type:conversations "+strings.Join(dsl, " "))
		sp := textSplits[i%len(textSplits)]
		r.workers, r.unitMin = sp.workers, sp.unitMin
		q.Limit = 1 + rng.IntN(40)
		var got []string
		prev := 0.0
		for page := 0; ; page++ {
			res := mustSearch(t, r, q)
			if res.Total != len(want) {
				t.Fatalf("%s (page %d, split %v): total %d, reference %d", q.String(), page, sp, res.Total, len(want))
			}
			for k, h := range res.Hits {
				if (page > 0 || k > 0) && h.Score > prev {
					t.Fatalf("%s: hit %s scores %v after %v", q.String(), h.ID, h.Score, prev)
				}
				prev = h.Score
				if !strings.Contains(strings.Join(h.Snippets, " "), "**") {
					t.Errorf("%s: hit %s has no highlighted snippet: %q", q.String(), h.ID, h.Snippets)
				}
				got = append(got, h.ID)
			}
			if res.Next == "" {
				break
			}
			q.StartingAfter = res.Next
		}
		r.workers, r.unitMin = defaultWorkers(), defaultUnitMin
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%s (split %v): engine %v, reference %v", q.String(), sp, got, want)
		}
	}
	if nonEmpty < 60 || negations < 15 || filtered < 30 {
		t.Fatalf("%d queries matched anything, %d negated a text term, %d had a filter: the test is not exercising the engine",
			nonEmpty, negations, filtered)
	}
}

// TestTextEngine_NegatedWordsOutsideText negates words of a text field that has its own index field (not a slot of
// textField), so the engine excludes its matches by postings alone, before looking at any document; and a phrase
// there, which it checks by positions.
func TestTextEngine_NegatedWordsOutsideText(t *testing.T) {
	t.Parallel()
	r := mustOpenWith(t, "", Options{neverMerge: true})
	remarks := []string{"slow reply", "reply was slow", "fast", ""}
	var recs []Record
	for i := 0; i < 40; i++ {
		rating := ""
		if remarks[i%4] != "" {
			rating = fmt.Sprintf(`,"conversation_rating":{"rating":3,"remark":%q}`, remarks[i%4])
		}
		recs = append(recs, Record{Kind: query.KindConversation, ID: fmt.Sprint(7000 + i), UpdatedAt: int64(1000 + i),
			Raw: []byte(fmt.Sprintf(`{"type":"conversation","id":"%d","updated_at":%d,"source":{"body":"hello %d"}%s}`,
				7000+i, 1000+i, i, rating))})
	}
	for i := 0; i < len(recs); i += 10 {
		mustApply(t, r, Batch{Records: recs[i : i+10]})
	}
	for _, tc := range []struct {
		dsl  string
		keep func(i int) bool
	}{
		{"conversation_rating_remark:not_contains:slow", func(i int) bool { return i%4 >= 2 }},
		{`conversation_rating_remark:not_contains:"slow reply"`, func(i int) bool { return i%4 != 0 }},
		{"conversation_rating_remark:contains:reply", func(i int) bool { return i%4 < 2 }},
	} {
		var want []string
		for i := range recs {
			if tc.keep(i) {
				want = append(want, recs[i].ID)
			}
		}
		for _, sp := range textSplits {
			r.workers, r.unitMin = sp.workers, sp.unitMin
			res := mustSearch(t, r, mustParse(t, "object_type:conversations q:hello limit:150 "+tc.dsl))
			got := hitIDs(res)
			slices.Sort(got)
			if !slices.Equal(got, want) || res.Total != len(want) {
				t.Errorf("%s (split %v): got %v (total %d), want %v", tc.dsl, sp, got, res.Total, want)
			}
		}
		r.workers, r.unitMin = defaultWorkers(), defaultUnitMin
	}
}
