package index

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/intercom-replica/intercom-replica/query"
)

// The full-text index has one bleve index per kind, with an explicit mapping built from the query catalog. It
// answers free text and filters on the words of text fields, and nothing else: every other filter is the column
// table's (search.go), which answers any of them over a million records in about a millisecond. So the index holds
// only what words need:
//
//   - text fields (title, subject, source body, the parts, rating remarks): the English analyzer, with term vectors
//     for phrase queries; conversation parts are one array field, so a phrase never straddles two parts;
//   - ordField: the record's ordinal (table.Row.Ord) as one term with doc values, which connects a hit with the
//     column table: a search tests each hit against a table filter by its ordinal, or, when the filter is
//     selective, intersects the words with the filter's ordinals as terms; text-field filters collect the
//     ordinals they match for the table to intersect.
//
// Every other catalog field is declared with its type and analyzer (keyword, number, boolean) and Index: false.
// Indexing them was measured at 20k conversations: a bleve number is sixteen prefix-coded terms, and with thirty
// numeric fields per conversation they halved build throughput (747 vs 1,513 records per CPU second) and doubled
// the index (5.0 vs 2.4 KB per record); the keyword and boolean terms cost another quarter (2,006 vs 2,664).
//
// Nothing is stored (the JSON lives in bbolt and hit summaries in the column table) and nothing goes to a
// catch-all "_all" field (free text is an explicit query over the text fields). Dynamic mapping is off.
//
// Documents are built here directly from a doc (Batch.IndexAdvanced) rather than by bleve's reflection over a
// Go value; TestMapping_DocumentsMatchMapping proves the two produce the same fields.

// mappingVersion identifies the mapping and what extract puts in a document. An index built under another version
// is rebuilt from the store at open. Bump it with any change to either.
const mappingVersion = "5"

// ordField holds each document's record ordinal.
const ordField = "_ord"

// schema is everything the index package knows about one kind's fields.
type schema struct {
	kind    query.Kind
	catalog *query.Catalog
	byIndex map[string]*query.Field // catalog fields by index field name
	text    []textField             // fields free text searches, with their boosts
	mapping *mapping.IndexMappingImpl
	en, kw  analysis.Analyzer // text fields (and free text, and snippets); the ordinal
}

// textField is a field free text (q:) searches, and how much a match there counts.
type textField struct {
	name  string
	boost float64
}

func newSchema(kind query.Kind) (*schema, error) {
	cat := query.CatalogFor(kind)
	if cat == nil {
		return nil, fmt.Errorf("no catalog for kind %q", kind)
	}
	s := &schema{kind: kind, catalog: cat, byIndex: map[string]*query.Field{}}
	dm := mapping.NewDocumentStaticMapping()
	add := func(name string, fm *mapping.FieldMapping) {
		fm.Name = name
		dm.AddFieldMappingsAt(name, fm)
	}
	for _, f := range cat.Fields() {
		if f.Index == "" {
			continue
		}
		if strings.ContainsAny(f.Index, ".@") || strings.HasPrefix(f.Index, "_") {
			return nil, fmt.Errorf("catalog field %s: index name %q is not a plain bleve field name", f.Name, f.Index)
		}
		s.byIndex[f.Index] = f
		add(f.Index, fieldMapping(valueTypeOf(f.Type)))
		if f.Type == query.TypeText {
			s.text = append(s.text, textField{name: f.Index, boost: textBoost(f.Index)})
		}
	}
	ord := fieldMapping(valKeyword)
	ord.Index, ord.DocValues = true, true
	add(ordField, ord)
	if kind == query.KindContact {
		add(contactTextField, fieldMapping(valText))
		s.text = []textField{{name: contactTextField, boost: 1}}
	} else {
		// Free text on conversations reads what people wrote, not remarks attached to ratings.
		keep := s.text[:0]
		for _, tf := range s.text {
			if tf.name == "title" || tf.name == "source_subject" || tf.name == "source_body" || tf.name == "parts_body" {
				keep = append(keep, tf)
			}
		}
		s.text = keep
	}

	im := mapping.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	im.DefaultField = ""
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("%s mapping: %w", kind, err)
	}
	s.mapping = im
	s.en = im.AnalyzerNamed(en.AnalyzerName)
	s.kw = im.AnalyzerNamed(keyword.Name)
	if s.en == nil || s.kw == nil {
		return nil, fmt.Errorf("%s mapping: analyzers %q and %q are not registered", kind, en.AnalyzerName, keyword.Name)
	}
	return s, nil
}

// textBoost weighs a free-text match by where it is: a title or subject says what a conversation is about.
func textBoost(field string) float64 {
	switch field {
	case "title", "source_subject":
		return 2
	}
	return 1
}

func valueTypeOf(t query.FieldType) valueType {
	switch t {
	case query.TypeKeyword:
		return valKeyword
	case query.TypeText:
		return valText
	case query.TypeInt, query.TypeTimestamp:
		return valInt
	case query.TypeFloat:
		return valFloat
	case query.TypeBool:
		return valBool
	}
	return valKeyword
}

// fieldMapping returns the bleve mapping of a field of type t: indexed only for text.
func fieldMapping(t valueType) *mapping.FieldMapping {
	var fm *mapping.FieldMapping
	switch t {
	case valText:
		fm = mapping.NewTextFieldMapping()
		fm.Analyzer = en.AnalyzerName
		fm.IncludeTermVectors = true
	case valInt, valFloat:
		fm = mapping.NewNumericFieldMapping()
	case valBool:
		fm = mapping.NewBooleanFieldMapping()
	default:
		fm = mapping.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.IncludeTermVectors = false
		fm.SkipFreqNorm = true
	}
	fm.Index = t == valText // the column table answers every other filter
	fm.Store = false
	fm.IncludeInAll = false
	fm.DocValues = false
	return fm
}

// document builds the bleve document of d: its text fields and its ordinal.
func (s *schema) document(d *doc) *document.Document {
	bd := document.NewDocument(d.id)
	opts := fieldMapping(valText).Options()
	for i := range d.fields {
		f := &d.fields[i]
		if f.typ != valText {
			continue
		}
		for k, v := range f.strs {
			bd.AddField(document.NewTextFieldCustom(f.name, arrayPos(len(f.strs), k), []byte(v), opts, s.en))
		}
	}
	bd.AddField(document.NewTextFieldCustom(ordField, nil, ordTerm(d.ord), ordOptions, s.kw))
	return bd
}

// ordOptions are the bleve options of ordField: indexed (bleve builds doc values of merged segments from the
// terms) with doc values, no norms.
const ordOptions = bleveindex.IndexField | bleveindex.DocValues | bleveindex.SkipFreqNorm

// ordTerm is the index term of an ordinal: five bytes of seven bits each, most significant first. Doc values
// separate terms with 0xff, so no byte of a term may be 0xff (a plain 4-byte ordinal such as 255 broke on this).
func ordTerm(ord uint32) []byte {
	return []byte{byte(ord >> 28), byte(ord>>21) & 0x7f, byte(ord>>14) & 0x7f, byte(ord>>7) & 0x7f, byte(ord) & 0x7f}
}

// parseOrdTerm reverses ordTerm.
func parseOrdTerm(b []byte) (uint32, bool) {
	if len(b) != 5 {
		return 0, false
	}
	var ord uint32
	for _, c := range b {
		if c > 0x7f {
			return 0, false
		}
		ord = ord<<7 | uint32(c)
	}
	return ord, true
}

// arrayPos returns the array position of element k of an n-element list, as bleve's mapping assigns them: none
// for a single value.
func arrayPos(n, k int) []uint64 {
	if n < 2 {
		return nil
	}
	return []uint64{uint64(k)}
}
