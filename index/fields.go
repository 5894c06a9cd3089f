package index

import (
	"strings"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// A record is flattened once, when it is written, into a doc: the values of every catalog field under the field's
// local index name (query.Field.Index), plus custom attributes, plus the summary a search hit shows. The same doc
// feeds the bleve document, the in-memory column table and the row persisted beside the record in bbolt, so the
// three can never disagree about what a record contains.

// valueType is how a field's values are indexed.
type valueType uint8

const (
	valKeyword valueType = iota + 1 // exact strings, matched case-insensitively
	valText                         // English-analysed text (plain text, HTML removed)
	valInt                          // whole numbers and timestamps (unix seconds)
	valFloat                        // numbers with a fraction (custom attributes)
	valBool
)

func (t valueType) String() string {
	switch t {
	case valKeyword:
		return "keyword"
	case valText:
		return "text"
	case valInt:
		return "int"
	case valFloat:
		return "float"
	case valBool:
		return "bool"
	}
	return "invalid"
}

// fieldValue is one field of a doc. Keyword and text fields may hold several values (tag names, one text per
// conversation part); numeric and boolean fields hold one. A field that is absent, null or empty in the record is
// not in the doc at all.
type fieldValue struct {
	name string // index field name
	typ  valueType
	strs []string
	num  int64
	fnum float64
	b    bool
}

// doc is a record flattened for indexing.
type doc struct {
	kind      query.Kind
	id        string
	updatedAt int64
	ord       uint32 // the record's ordinal (table.Row.Ord), assigned when it is written
	fields    []fieldValue
	sum       summary
}

func (d *doc) field(name string) *fieldValue {
	for i := range d.fields {
		if d.fields[i].name == name {
			return &d.fields[i]
		}
	}
	return nil
}

func (d *doc) keyword(name string, vals ...string) {
	var keep []string
	for _, v := range vals {
		if v != "" {
			keep = append(keep, v)
		}
	}
	if len(keep) > 0 {
		d.fields = append(d.fields, fieldValue{name: name, typ: valKeyword, strs: keep})
	}
}

func (d *doc) text(name string, vals ...string) {
	var keep []string
	for _, v := range vals {
		if v != "" {
			keep = append(keep, v)
		}
	}
	if len(keep) > 0 {
		d.fields = append(d.fields, fieldValue{name: name, typ: valText, strs: keep})
	}
}

func (d *doc) integer(name string, v wire.Int) {
	if v.Valid {
		d.fields = append(d.fields, fieldValue{name: name, typ: valInt, num: v.V})
	}
}

func (d *doc) boolean(name string, v wire.Bool) {
	if v.Valid {
		d.fields = append(d.fields, fieldValue{name: name, typ: valBool, b: v.V})
	}
}

// Custom attributes are indexed by name with their JSON type: a string under CustomIndexField(name), a number under
// that name plus customNumSuffix, a boolean plus customBoolSuffix. The suffixes use a character CustomIndexField
// never produces, so they cannot collide with another attribute's field.
const (
	customNumSuffix  = "@num"
	customBoolSuffix = "@bool"
)

// customFields returns the index fields a custom attribute's values may live in, one per JSON type.
func customFields(indexName string) (str, num, boolean string) {
	return indexName, indexName + customNumSuffix, indexName + customBoolSuffix
}

// lowerKeyword is how keyword values are compared: as the column table folds them (case-insensitively: emails,
// tag names and enum values are not case-sensitive in practice, and a model will not always guess the case).
func lowerKeyword(s string) string { return table.FoldKeyword(s) }

// emailDomain returns the part of an email address after the last "@", or "" when there is none.
func emailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 || at == len(email)-1 {
		return ""
	}
	return email[at+1:]
}
