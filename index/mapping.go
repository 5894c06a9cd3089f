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

// The full-text index has one bleve index per kind, with an explicit mapping built from the query catalog:
//
//   - keyword fields (ids, enums, emails, tag names): the "keyword" analyzer (the whole lower-cased value is one
//     term), indexed only: no stored value, no term vectors, no doc values, no norms;
//   - text fields (title, subject, source body, the parts, rating remarks): the English analyzer, with term
//     vectors for phrase queries; conversation parts are one array field, so a phrase never straddles two parts;
//   - numbers and timestamps: numeric fields, with doc values only on updated_at, the one field results sort by;
//   - booleans: boolean fields.
//
// Nothing is stored (the JSON lives in bbolt and hit summaries in the column table) and nothing goes to a
// catch-all "_all" field (free text is an explicit query over the text fields). Dynamic mapping is off.
//
// Two fields are not in the catalog: presentField lists the fields a document has a value for (exists and
// not_exists are term queries on it), and contactTextField holds what free text matches on a contact.
//
// Custom attributes have names only the data knows, so the mapping cannot list them; each is indexed under
// query.CustomIndexField(name) with the options of its JSON type's static fields above (see customFields), by the
// same document builder.
//
// Documents are built here directly from a doc (Batch.IndexAdvanced) rather than by bleve's reflection over a
// Go value; TestMapping_DocumentsMatchMapping proves the two produce the same fields.

// mappingVersion identifies the mapping and what extract puts in a document. An index built under another version
// is rebuilt from the store at open. Bump it with any change to either.
const mappingVersion = "1"

// presentField is the keyword field listing the index fields a document has values for.
const presentField = "_present"

// sortField is the field results without free text sort by, most recent first.
const sortField = "updated_at"

// schema is everything the index package knows about one kind's fields.
type schema struct {
	kind    query.Kind
	catalog *query.Catalog
	byIndex map[string]*query.Field // catalog fields by index field name
	text    []textField             // fields free text searches, with their boosts
	mapping *mapping.IndexMappingImpl
	en, kw  analysis.Analyzer
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
		add(f.Index, fieldMapping(valueTypeOf(f.Type), f.Index == sortField))
		if f.Type == query.TypeText {
			s.text = append(s.text, textField{name: f.Index, boost: textBoost(f.Index)})
		}
	}
	add(presentField, fieldMapping(valKeyword, false))
	if kind == query.KindContact {
		add(contactTextField, fieldMapping(valText, false))
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

// fieldMapping returns the bleve mapping of a field of type t.
func fieldMapping(t valueType, sortable bool) *mapping.FieldMapping {
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
	}
	fm.Store = false
	fm.Index = true
	fm.IncludeInAll = false
	fm.DocValues = sortable
	return fm
}

// indexingOptions are the bleve options of a field of type t, the same as fieldMapping's.
func indexingOptions(t valueType, sortable bool) bleveindex.FieldIndexingOptions {
	return fieldMapping(t, sortable).Options()
}

// document builds the bleve document of d.
func (s *schema) document(d *doc) *document.Document {
	bd := document.NewDocument(d.id)
	present := make([]string, 0, len(d.fields))
	for i := range d.fields {
		f := &d.fields[i]
		present = append(present, f.name)
		opts := indexingOptions(f.typ, f.name == sortField)
		switch f.typ {
		case valKeyword, valText:
			an := s.kw
			if f.typ == valText {
				an = s.en
			}
			for k, v := range f.strs {
				if f.typ == valKeyword {
					v = lowerKeyword(v)
				}
				bd.AddField(document.NewTextFieldCustom(f.name, arrayPos(len(f.strs), k), []byte(v), opts, an))
			}
		case valInt:
			bd.AddField(document.NewNumericFieldWithIndexingOptions(f.name, nil, float64(f.num), opts))
		case valFloat:
			bd.AddField(document.NewNumericFieldWithIndexingOptions(f.name, nil, f.fnum, opts))
		case valBool:
			bd.AddField(document.NewBooleanFieldWithIndexingOptions(f.name, nil, f.b, opts))
		}
	}
	popts := indexingOptions(valKeyword, false)
	for k, name := range present {
		bd.AddField(document.NewTextFieldCustom(presentField, arrayPos(len(present), k), []byte(name), popts, s.kw))
	}
	return bd
}

// arrayPos returns the array position of element k of an n-element list, as bleve's mapping assigns them: none
// for a single value.
func arrayPos(n, k int) []uint64 {
	if n < 2 {
		return nil
	}
	return []uint64{uint64(k)}
}
