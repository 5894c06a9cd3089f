package index

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestEnglishAnalysis_FoldsToASCII: a word with accents, a ligature or full-width letters is the same term as its
// ASCII spelling, and its tokens keep the offsets of the text as written.
func TestEnglishAnalysis_FoldsToASCII(t *testing.T) {
	t.Parallel()
	s, err := newSchema(query.KindConversation)
	if err != nil {
		t.Fatal(err)
	}
	terms := func(v string) []string {
		var out []string
		for _, tok := range s.words.analyze(v, nil) {
			out = append(out, tok.term)
		}
		return out
	}
	for _, tc := range []struct{ written, ascii string }{
		{"Sofía Martínez", "sofia martinez"},
		{"MARTÍNEZ", "martinez"},
		{"café crème brûlée", "cafe creme brulee"},
		{"ｒｅｆｕｎｄ ｒｅｑｕｅｓｔ", "refund request"},
		{"Straße Ærøskøbing Łódź", "strasse aeroskobing lodz"},
		{"naïve façade Zoë", "naive facade zoe"},
	} {
		if got, want := terms(tc.written), terms(tc.ascii); !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("%q: terms %q, want those of %q: %q", tc.written, got, tc.ascii, want)
		}
	}
	// Scripts without an ASCII form stay as written.
	if got := terms("русский 中文"); !slices.Equal(got, []string{"русский", "中", "文"}) {
		t.Errorf("русский 中文: terms %q", got)
	}
	v := "Sofía Martínez"
	var offs []string
	for _, tok := range s.words.analyze(v, nil) {
		offs = append(offs, v[tok.start:tok.end])
	}
	if !slices.Equal(offs, []string{"Sofía", "Martínez"}) {
		t.Errorf("offsets cut %q, want the words as written", offs)
	}
}

// TestFreeText_AccentsAndWidthsMatch: free text finds a word however its letters are accented or written, whichever
// way the query and the record spell it, in a phrase too; the snippet highlights the word as the record wrote it.
func TestFreeText_AccentsAndWidthsMatch(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, t.TempDir())
	bodies := map[string]string{
		"5001": "Hola, soy Sofía Martínez y quiero un reembolso",
		"5002": "Sofia Martinez here, asking for a refund",
		"5003": "ｒｅｆｕｎｄ please, from the café",
		"5004": "nothing to see",
	}
	var recs []Record
	for id, body := range bodies {
		raw := fmt.Sprintf(`{"type":"conversation","id":%q,"created_at":1700000000,"updated_at":1700000100,`+
			`"state":"open","source":{"type":"email","body":"<p>%s</p>"}}`, id, body)
		recs = append(recs, Record{Kind: query.KindConversation, ID: id, UpdatedAt: 1700000100, Raw: []byte(raw)})
	}
	mustApply(t, r, Batch{Records: recs})
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"q:martinez", []string{"5001", "5002"}},
		{"q:Martínez", []string{"5001", "5002"}},
		{"q:MARTÍNEZ", []string{"5001", "5002"}},
		{`q:"sofia martinez"`, []string{"5001", "5002"}},
		{`q:"Sofía Martínez"`, []string{"5001", "5002"}},
		{"q:refund", []string{"5002", "5003"}},
		{"q:ｒｅｆｕｎｄ", []string{"5002", "5003"}},
		{"q:cafe", []string{"5003"}},
		{"source_body:contains:martinez", []string{"5001", "5002"}},
	} {
		res := mustSearch(t, r, mustParse(t, "object_type:conversations "+tc.q))
		got := hitIDs(res)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: hits %v, want %v", tc.q, got, tc.want)
		}
		if strings.HasPrefix(tc.q, "q:martinez") {
			for _, h := range res.Hits {
				if h.ID == "5001" && !strings.Contains(strings.Join(h.Snippets, " "), "**Martínez**") {
					t.Errorf("%s: snippet %q does not highlight Martínez as written", tc.q, h.Snippets)
				}
			}
		}
	}
}
