package index

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// sampleValue returns a value of the field's type for op, as a user would write it in the DSL.
func sampleValue(f *query.Field, op query.Op) string {
	multi := op == query.OpIn || op == query.OpNin
	switch {
	case len(f.Enum) > 0:
		if multi {
			return f.Enum[0] + "," + f.Enum[len(f.Enum)-1]
		}
		return f.Enum[0]
	case f.Type == query.TypeText:
		return `"refund request"`
	case f.Digits:
		if multi {
			return `"+353 1 234 5678",+15550100`
		}
		return `"+353 1 234 5678"`
	case f.Type == query.TypeInt && f.Range != nil: // a closed scale (a rating): values on it
		if multi {
			return fmt.Sprintf("%d,%d", f.Range[0], f.Range[1])
		}
		return fmt.Sprint(f.Range[1])
	case f.Type == query.TypeInt:
		if multi {
			return "0,7001"
		}
		return "7001"
	case f.Type == query.TypeFloat:
		return "4.5"
	case f.Type == query.TypeTimestamp:
		return "2025-01-10"
	case f.Type == query.TypeBool:
		return "true"
	case f.Type == query.TypeAny:
		if op == query.OpGt || op == query.OpGte || op == query.OpLt || op == query.OpLte {
			return "3"
		}
		if multi {
			return "gold,3"
		}
		return "gold"
	case f.IDOf == query.KindContact:
		if multi {
			return "ctc_anna,ctc_bob"
		}
		return "ctc_anna"
	case f.IDOf == query.KindConversation:
		if multi {
			return "1001,1002"
		}
		return "1001"
	case f.IDOf == query.KindTicket:
		if multi {
			return "7583,7584"
		}
		return "7583"
	}
	if multi {
		return "acme,example.com"
	}
	return "acme"
}

// TestCatalog_EveryFieldAndOperatorExecutes walks the query catalog: every field the replica can search must be
// in the bleve mapping with the catalog's type, and every operator the field declares must run, alone and with
// free text. With free text the result must be exactly the filter's matches that also match the text, whichever
// way the table's filter joins the ranked search (ordinal terms or a per-hit test).
func TestCatalog_EveryFieldAndOperatorExecutes(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	word := map[query.Kind]string{query.KindConversation: "refund", query.KindContact: "acme", query.KindCompany: "acme",
		query.KindArticle: "refund", query.KindTicket: "refund"}
	for _, kind := range query.Kinds() {
		cat := query.CatalogFor(kind)
		textOnly := idSet(mustSearch(t, r, mustParse(t, fmt.Sprintf("object_type:%s q:%s limit:150", kind.Plural(), word[kind]))))
		sch := r.kinds[kind].schema
		fields := cat.Fields()
		if kind != query.KindArticle { // articles have no custom attributes
			fields = append(fields, cat.CustomField("tier"), cat.CustomField("Ticket category"))
		}
		ran := 0
		for _, f := range fields {
			if f.Index == "" {
				continue // the catalog marks it as answered by Intercom only
			}
			if f.Custom == "" {
				dm := sch.mapping.DefaultMapping.Properties[f.Index]
				if dm == nil || len(dm.Fields) != 1 {
					t.Errorf("%s: catalog field %s (index %s) is not in the mapping", kind, f.Name, f.Index)
					continue
				}
				if got, want := dm.Fields[0].Type, bleveType(f.Type); got != want {
					t.Errorf("%s: field %s is mapped as %s, want %s for a %s", kind, f.Name, got, want, f.Type)
				}
			}
			name := f.Name
			if f.Custom != "" {
				name = `ca."` + f.Custom + `"`
			}
			for _, op := range f.Ops {
				dsl := fmt.Sprintf("object_type:%s %s:%s", kind.Plural(), name, op)
				if op.Arity() != 0 {
					dsl += ":" + sampleValue(f, op)
				}
				q, err := query.Parse(dsl+" limit:150", query.Options{})
				if err != nil {
					t.Errorf("%s: %v", dsl, err)
					continue
				}
				res, err := r.Search(t.Context(), q)
				if err != nil {
					t.Errorf("%s: %v", dsl, err)
					continue
				}
				var want []string
				for _, id := range hitIDs(res) {
					if textOnly[id] {
						want = append(want, id)
					}
				}
				slices.Sort(want)
				withText := mustParse(t, dsl+" q:"+word[kind]+" limit:150")
				for _, sp := range textSplits {
					r.workers, r.unitMin = sp.workers, sp.unitMin
					got := hitIDs(mustSearch(t, r, withText))
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Errorf("%s q:%s (split %v): got %v, want %v", dsl, word[kind], sp, got, want)
					}
				}
				r.workers, r.unitMin = defaultWorkers(), defaultUnitMin
				ran++
			}
		}
		t.Logf("%s: %d field/operator pairs executed", kind, ran)
	}
}

func bleveType(t query.FieldType) string {
	switch t {
	case query.TypeText, query.TypeKeyword:
		return "text" // keyword fields are text fields with the keyword analyzer
	case query.TypeInt, query.TypeFloat, query.TypeTimestamp:
		return "number"
	case query.TypeBool:
		return "boolean"
	}
	return "?"
}

// TestCatalog_IndexNamesArePlain guards the assumption the mapping makes: catalog index names are plain bleve field
// names that cannot collide with the replica's own fields.
func TestCatalog_IndexNamesArePlain(t *testing.T) {
	t.Parallel()
	for _, kind := range query.Kinds() {
		for _, f := range query.CatalogFor(kind).Fields() {
			if strings.ContainsAny(f.Index, ".@") || strings.HasPrefix(f.Index, "_") || strings.HasPrefix(f.Index, "ca_") {
				t.Errorf("%s.%s: index name %q", kind, f.Name, f.Index)
			}
		}
	}
}

func idSet(res Result) map[string]bool {
	out := map[string]bool{}
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out
}
