package index

import (
	"fmt"
	"math"
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
//   - textField: everything free text searches, in one field analysed by bleve's English analyzer, with term
//     vectors (positions) for phrases. For conversations it is an array with fixed slots (textSlots): the title
//     at 0, the subject at 1, the opening message at 2, each part from 3 on. A phrase cannot straddle two slots,
//     so never two parts; q: is one term or phrase search on one field (measured at 1M conversations, a
//     disjunction over four fields cost twice as much: 20 ms for a common word). parts_body is indexed only
//     there: a filter on it (parts_body:contains:refund) searches textField and keeps the matches whose positions
//     lie in its slots.
//     Tickets are laid out the same way (slotLayouts): title 0, description 1, each part from 2 on.
//   - title, source_subject and source_body also on their own (slotLayout.alone), English-analysed, with term vectors:
//     a filter on them is then a postings lookup instead of a position check of every occurrence of the word in
//     the whole conversation (measured at 1M conversations: source_body:contains:refund 0.9 ms instead of 9.1 at
//     the median, its phrase 5 instead of 15; the index grows from 1.0 to 1.3 GB).
//   - the other text fields (rating remarks) on their own, English-analysed, with term vectors;
//   - ordField: the record's ordinal (table.Row.Ord) as one term with doc values, which connects a hit with the
//     column table: the text engine (textsearch.go) tests each candidate against a table filter by its ordinal,
//     and text-field filters collect the ordinals they match for the table to intersect.
//
// Every other catalog field is declared with its type and analyzer (keyword, number, boolean) and Index: false.
// Indexing them was measured at 20k conversations: a bleve number is sixteen prefix-coded terms, and with thirty
// numeric fields per conversation they halved build throughput (747 vs 1,513 records per CPU second) and doubled
// the index (5.0 vs 2.4 KB per record); the keyword and boolean terms cost another quarter (2,006 vs 2,664).
// Indexing word pairs as well (to make two-word phrases a term lookup) made the 1M index 3.8 GB instead of 1.0 GB.
//
// Nothing is stored (the JSON lives in bbolt and hit summaries in the column table) and nothing goes to a
// catch-all "_all" field (free text is an explicit query). Dynamic mapping is off.
//
// Documents are built here directly from a doc (Batch.IndexAdvanced) rather than by bleve's reflection over a
// Go value; TestMapping_DocumentsMatchMapping proves the two produce the same fields. Text is analysed by the
// index itself, never by bleve from the mapping: the mapping names bleve's English analyzer, and the index's
// (schema.en) is that analyzer with each token folded to ASCII (foldedEnglish), which bleve cannot name without
// a filter registered in its global registry. Queries are analysed by the same schema.en.

// slotLayout is how a kind with long threads (conversations, tickets) lays its text out in textField: each field
// at fixed array slots, the thread's parts last, one slot each. Kinds without one put their free text in textField
// as a plain list, and every text field on its own.
type slotLayout struct {
	// order lists the single-valued fields, each at the slot of its position; parts (the last entry of slots)
	// follow.
	order []string
	parts string
	// slots are the array positions of each field inside textField: its values occupy slots first..last
	// (inclusive). The parts' values are the parts, in order.
	slots map[string][2]uint64
	// alone are the slotted fields also indexed on their own: the short ones a filter names often. The parts,
	// most of the text, are only in the slots.
	alone map[string]bool
}

// slotLayouts are the kinds whose text is slotted: conversations (title 0, subject 1, opening message 2, each
// part from 3 on) and tickets (title 0, description 1, each part from 2 on).
var slotLayouts = map[query.Kind]*slotLayout{
	query.KindConversation: {
		order: []string{"title", "source_subject", "source_body"},
		parts: "parts_body",
		slots: map[string][2]uint64{"title": {0, 0}, "source_subject": {1, 1}, "source_body": {2, 2},
			"parts_body": {3, math.MaxUint32}},
		alone: map[string]bool{"title": true, "source_subject": true, "source_body": true},
	},
	query.KindTicket: {
		order: []string{"title", "description"},
		parts: "parts_body",
		slots: map[string][2]uint64{"title": {0, 0}, "description": {1, 1}, "parts_body": {2, math.MaxUint32}},
		alone: map[string]bool{"title": true, "description": true},
	},
}

// inSlotsOnly reports whether a filter on the text field named (by its index name) searches textField's slots.
func (s *schema) inSlotsOnly(field string) bool {
	l := slotLayouts[s.kind]
	if l == nil {
		return false
	}
	_, slotted := l.slots[field]
	return slotted && !l.alone[field]
}

// mappingVersion identifies the mapping and what extract puts in a document. An index built under another version
// is rebuilt from the store at open. Bump it with any change to either.
// (Version 8 still held for the articles' and tickets' kinds: their indexes were new, and conversations' documents
// were unchanged. Version 9 folds text to ASCII (foldedEnglish), which changes the terms of any text that is not
// ASCII: every index is rebuilt once.)
const mappingVersion = "9"

// ordField holds each document's record ordinal.
const ordField = "_ord"

// schema is everything the index package knows about one kind's fields.
type schema struct {
	kind    query.Kind
	catalog *query.Catalog
	byIndex map[string]*query.Field // catalog fields by index field name
	mapping *mapping.IndexMappingImpl
	en      analysis.Analyzer // text fields, free text and snippets: English, folded to ASCII (foldedEnglish)
	kw      analysis.Analyzer // the ordinal
	words   *enAnalyzer       // en's fast path, for the documents written (analyze.go)
	// scorch holds extra runtime options for the kind's bleve index (tests: neverMerge), nil for none.
	scorch map[string]interface{}
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
		fm := fieldMapping(valueTypeOf(f.Type))
		if s.inSlotsOnly(f.Index) {
			fm.Index = false // indexed in textField's slots only
		}
		add(f.Index, fm)
	}
	ord := fieldMapping(valKeyword)
	ord.Index, ord.DocValues = true, true
	add(ordField, ord)
	add(textField, fieldMapping(valText))

	im := mapping.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	im.DefaultField = ""
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("%s mapping: %w", kind, err)
	}
	s.mapping = im
	s.kw = im.AnalyzerNamed(keyword.Name)
	base := im.AnalyzerNamed(en.AnalyzerName)
	if base == nil || s.kw == nil {
		return nil, fmt.Errorf("%s mapping: analyzers %q and %q are not registered", kind, en.AnalyzerName, keyword.Name)
	}
	var err error
	if s.en, err = foldedEnglish(base); err != nil {
		return nil, fmt.Errorf("%s mapping: %w", kind, err)
	}
	s.words = newEnAnalyzer(s.en)
	return s, nil
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

// document builds the bleve document of d: its text, in textField (and, for the few text fields outside it, in
// their own fields), and its ordinal. Each text value is analysed once (textfield.go), and each field's values are
// one field of the document.
func (s *schema) document(d *doc) *document.Document {
	bd := document.NewDocument(d.id)
	text := &textValues{an: s.words}
	value := func(v string) int {
		text.vals = append(text.vals, v)
		return len(text.vals) - 1
	}
	var alone map[string]int // value index of the slotted fields also indexed alone
	if l := slotLayouts[s.kind]; l != nil {
		// Every slot, empty or not, so positions are those bleve's mapping gives the same array.
		slots := &textDocField{name: textField, text: text}
		for _, name := range l.order {
			v := ""
			f := d.field(name)
			if f != nil {
				v = f.strs[0]
			}
			i := value(v)
			if f != nil && l.alone[name] {
				if alone == nil {
					alone = map[string]int{}
				}
				alone[name] = i
			}
			slots.add(i, []uint64{l.slots[name][0]}, v)
		}
		if f := d.field(l.parts); f != nil {
			for k, v := range f.strs {
				slots.add(value(v), []uint64{l.slots[l.parts][0] + uint64(k)}, v)
			}
		}
		bd.AddField(slots)
	}
	for i := range d.fields {
		f := &d.fields[i]
		if f.typ != valText || len(f.strs) == 0 {
			continue
		}
		if s.inSlotsOnly(f.name) {
			continue
		}
		tf := &textDocField{name: f.name, text: text}
		for k, v := range f.strs {
			j, ok := alone[f.name]
			if !ok || len(f.strs) != 1 {
				j = value(v)
			}
			tf.add(j, arrayPos(len(f.strs), k), v)
		}
		bd.AddField(tf)
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
