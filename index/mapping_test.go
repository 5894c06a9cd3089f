package index

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// describe renders a bleve document's fields after analysis: name, array positions, options and terms with their
// frequencies and positions, sorted, so two documents can be compared.
func describe(d *document.Document) []string {
	var out []string
	d.VisitFields(func(f bleveindex.Field) {
		if _, composite := f.(*document.CompositeField); composite {
			return
		}
		f.Analyze()
		var terms []string
		for term, tf := range f.AnalyzedTokenFrequencies() {
			var locs []string
			for _, l := range tf.Locations {
				locs = append(locs, fmt.Sprintf("%d@%v", l.Position, l.ArrayPositions))
			}
			terms = append(terms, fmt.Sprintf("%q×%d%v", term, tf.Frequency(), locs))
		}
		sort.Strings(terms)
		out = append(out, fmt.Sprintf("%s%v %s: %s", f.Name(), f.ArrayPositions(), f.Options(), strings.Join(terms, " ")))
	})
	sort.Strings(out)
	return out
}

// TestMapping_DocumentsMatchMapping proves the explicit mapping tells the truth: for every fixture record, the
// document built directly from the doc (the write path) is field for field what bleve's own mapping makes of the
// same values.
func TestMapping_DocumentsMatchMapping(t *testing.T) {
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
		direct := s.document(&static)

		values := map[string]any{}
		var present []string
		for _, f := range static.fields {
			present = append(present, f.name)
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
		if len(present) == 1 {
			values[presentField] = present[0]
		} else {
			values[presentField] = present
		}
		mapped := document.NewDocument(rec.ID)
		if err := s.mapping.MapDocument(mapped, values); err != nil {
			t.Fatal(err)
		}
		if got, want := describe(direct), describe(mapped); !slices.Equal(got, want) {
			t.Errorf("%s %s: direct document differs from the mapping's:\n direct %q\nmapping %q", rec.Kind, rec.ID, got, want)
		}
	}
}
