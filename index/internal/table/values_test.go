package table

import (
	"fmt"
	"slices"
	"testing"
)

// TestTable_DictionaryAnswersWhetherAValueIsHeld: HoldsKeyword folds as the column compares, EachKeyword lists
// each distinct value once as first spelled, and both survive compaction and a snapshot; a value only a replaced
// row held stays in the dictionary (Count tells it is not live).
func TestTable_DictionaryAnswersWhetherAValueIsHeld(t *testing.T) {
	tb := New()
	for i, plan := range []string{"Growth", "growth", "Straße", "Pro"} {
		tb.Put(Row{ID: fmt.Sprint(i), UpdatedAt: int64(i), Ord: uint32(i), Values: []Value{{Col: "plan", Type: Keyword, Strs: []string{plan}}, {Col: "n", Type: Int, Int: 1}}})
	}
	tb.Put(Row{ID: "3", UpdatedAt: 9, Ord: 3, Values: []Value{{Col: "plan", Type: Keyword, Strs: []string{"Starter"}}}})
	for _, step := range reloads(t) {
		tb = step.do(tb)
		for v, want := range map[string]bool{"growth": true, "GROWTH": true, "STRAßE": true, "Gowth": false, "pro": true, "starter": true, "": false} {
			if got := tb.HoldsKeyword("plan", v); got != want {
				t.Errorf("%s: HoldsKeyword(plan, %q) = %v, want %v", step.name, v, got, want)
			}
		}
		if tb.HoldsKeyword("nope", "growth") || tb.HoldsKeyword("n", "1") {
			t.Errorf("%s: HoldsKeyword answers for a missing or numeric column", step.name)
		}
		var got []string
		tb.EachKeyword("plan", func(s []byte) { got = append(got, string(s)) })
		if want := []string{"Growth", "Straße", "Pro", "Starter"}; !slices.Equal(got, want) || tb.KeywordCount("plan") != len(want) {
			t.Errorf("%s: EachKeyword = %q (count %d), want %q", step.name, got, tb.KeywordCount("plan"), want)
		}
		if n := tb.Count(Filter{{Any: []Atom{KeywordAtom("plan", Eq, "pro")}}}); n != 0 {
			t.Errorf("%s: the replaced row's value counts %d", step.name, n)
		}
		if tb.KeywordCount("n") != 0 || tb.KeywordCount("nope") != 0 {
			t.Errorf("%s: KeywordCount of a missing or numeric column is not 0", step.name)
		}
	}
}
