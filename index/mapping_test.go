package index

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/document"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// describe renders a bleve document's fields after analysis: name, array positions, options and terms with their
// frequencies and positions, sorted, so two documents can be compared.
// describe returns what the index receives of d, field name by field name, as zap's segment builder merges a
// document's fields of one name (interim.processDocument): the total analysed length, the options, and every term
// with its frequency and its locations in order (position, offsets, array positions).
func describe(d *document.Document) []string {
	type merged struct {
		length int
		opts   bleveindex.FieldIndexingOptions
		freqs  bleveindex.TokenFrequencies
	}
	byName := map[string]*merged{}
	var names []string
	d.VisitFields(func(f bleveindex.Field) {
		if _, composite := f.(*document.CompositeField); composite || !f.Options().IsIndexed() {
			return // not indexed: nothing of it reaches the index
		}
		f.Analyze()
		m := byName[f.Name()]
		if m == nil {
			byName[f.Name()] = &merged{length: f.AnalyzedLength(), opts: f.Options(), freqs: f.AnalyzedTokenFrequencies()}
			names = append(names, f.Name())
			return
		}
		m.length += f.AnalyzedLength()
		m.freqs.MergeAll(f.Name(), f.AnalyzedTokenFrequencies())
	})
	var out []string
	for _, name := range names {
		m := byName[name]
		var terms []string
		for term, tf := range m.freqs {
			var locs []string
			for _, l := range tf.Locations {
				locs = append(locs, fmt.Sprintf("%d:%d-%d@%v", l.Position, l.Start, l.End, l.ArrayPositions))
			}
			terms = append(terms, fmt.Sprintf("%q×%d%v", term, tf.Frequency(), locs))
		}
		sort.Strings(terms)
		out = append(out, fmt.Sprintf("%s len %d %d: %s", name, m.length, m.opts, strings.Join(terms, " ")))
	}
	sort.Strings(out)
	return out
}

// TestMapping_DocumentsMatchMapping proves the explicit mapping tells the truth: for every fixture record, the
// document built directly from the doc (the write path) gives the index, field name by field name, what bleve's own
// mapping makes of the same values.
func TestMapping_DocumentsMatchMapping(t *testing.T) {
	t.Parallel()
	schemas := map[string]*schema{}
	for _, rec := range fixture(t) {
		s := schemas[string(rec.Kind)]
		if s == nil {
			var err error
			if s, err = newSchema(rec.Kind); err != nil {
				t.Fatal(err)
			}
			schemas[string(rec.Kind)] = s
		}
		d, err := extract(rec.Kind, rec.Raw)
		if err != nil {
			t.Fatal(err)
		}
		// Custom attributes are outside the static mapping by design (their names come from the data).
		static := d
		static.fields = nil
		for _, f := range d.fields {
			if !strings.HasPrefix(f.name, "ca_") {
				static.fields = append(static.fields, f)
			}
		}
		static.ord = 7
		direct := s.document(&static)

		values := map[string]any{ordField: string(ordTerm(static.ord))}
		for _, f := range static.fields {
			switch f.typ {
			case valKeyword, valText:
				strs := f.strs
				if f.typ == valKeyword {
					strs = make([]string, len(f.strs))
					for i, v := range f.strs {
						strs[i] = lowerKeyword(v)
					}
				}
				if len(strs) == 1 {
					values[f.name] = strs[0]
				} else {
					values[f.name] = strs
				}
			case valInt:
				values[f.name] = float64(f.num)
			case valFloat:
				values[f.name] = f.fnum
			case valBool:
				values[f.name] = f.b
			}
		}
		if l := slotLayouts[rec.Kind]; l != nil {
			var text []string // the slots of textField: the single-valued fields (title, ...), then the parts
			for _, name := range l.order {
				v := ""
				if f := static.field(name); f != nil {
					v = f.strs[0]
				}
				text = append(text, v)
			}
			if f := static.field(l.parts); f != nil {
				text = append(text, f.strs...)
			}
			values[textField] = text
		}
		mapped := document.NewDocument(rec.ID)
		if err := s.mapping.MapDocument(mapped, values); err != nil {
			t.Fatal(err)
		}
		// The index analyses text with its own analyzer (schema.en: the English analyzer the mapping names, folded
		// to ASCII), which bleve cannot name: each field the mapping analyses in English is analysed with it here.
		english := s.mapping.AnalyzerNamed(en.AnalyzerName)
		for i, f := range mapped.Fields {
			if tf, ok := f.(*document.TextField); ok && tf.Analyzer() == english {
				mapped.Fields[i] = document.NewTextFieldCustom(tf.Name(), tf.ArrayPositions(), tf.Value(), tf.Options(), s.en)
			}
		}
		got, want := describe(direct), describe(mapped)
		for _, f := range got {
			if !slices.Contains(want, f) {
				t.Errorf("%s %s: direct document has %s, the mapping's does not", rec.Kind, rec.ID, f)
			}
		}
		for _, f := range want {
			if !slices.Contains(got, f) {
				t.Errorf("%s %s: the mapping's document has %s, the direct one does not", rec.Kind, rec.ID, f)
			}
		}
	}
}

func TestOrdTerm_RoundTripsWithoutSeparatorBytes(t *testing.T) {
	t.Parallel()
	for _, ord := range []uint32{0, 1, 127, 128, 255, 256, 511, 65535, 1 << 24, 1<<32 - 1} {
		term := ordTerm(ord)
		if slices.Contains(term, 0xff) {
			t.Errorf("ordTerm(%d) = %x holds the doc-value separator 0xff", ord, term)
		}
		if got, ok := parseOrdTerm(term); !ok || got != ord {
			t.Errorf("parseOrdTerm(ordTerm(%d)) = %d, %v", ord, got, ok)
		}
	}
}
