package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/index/plaintext"
	"github.com/intercom-replica/intercom-replica/query"
)

// walkPath returns the values at path in v, a decoded JSON document: segments separated by ".", a segment ending
// in "[]" naming a list whose elements the rest of the path applies to, or in "[key=value]" naming a list whose
// elements with that string at key it applies to.
func walkPath(v any, path string) []any {
	if path == "" {
		return []any{v}
	}
	seg, rest, _ := strings.Cut(path, ".")
	name, sel, list := strings.Cut(seg, "[")
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	next, ok := obj[name]
	if !ok || next == nil {
		return nil
	}
	if !list {
		return walkPath(next, rest)
	}
	key, want, filtered := strings.Cut(strings.TrimSuffix(sel, "]"), "=")
	items, _ := next.([]any)
	var out []any
	for _, it := range items {
		if m, _ := it.(map[string]any); filtered && (m == nil || m[key] != want) {
			continue
		}
		out = append(out, walkPath(it, rest)...)
	}
	return out
}

// expected renders the values found at a catalog field's path the way the doc must hold them.
func expected(f *query.Field, vals []any) []string {
	var out []string
	for _, v := range vals {
		var s string
		switch x := v.(type) {
		case nil:
			continue
		case string:
			s = x
			if f.Type == query.TypeText {
				s = plaintext.String(x)
			}
			if f.Digits && query.PhoneDigits(x) != "" {
				s = query.PhoneDigits(x) // phone columns hold the digits the catalog compares
			}
		case float64:
			if f.Type == query.TypeKeyword || f.Type == query.TypeFloat {
				s = strconv.FormatFloat(x, 'f', -1, 64)
			} else {
				s = strconv.FormatInt(int64(math.Trunc(x)), 10)
			}
		case bool:
			s = strconv.FormatBool(x)
		default:
			continue
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func actual(fv *fieldValue) []string {
	if fv == nil {
		return nil
	}
	switch fv.typ {
	case valKeyword, valText:
		return fv.strs
	case valInt:
		return []string{strconv.FormatInt(fv.num, 10)}
	case valBool:
		return []string{strconv.FormatBool(fv.b)}
	}
	return []string{fmt.Sprint(fv.fnum)}
}

// TestExtract_AgreesWithCatalogPaths checks the typed extraction against a generic walk of each record's JSON
// along the catalog's Path for every field, and that the fixture exercises every field the replica indexes.
func TestExtract_AgreesWithCatalogPaths(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, rec := range fixture(t) {
		d, err := extract(rec.Kind, rec.Raw)
		if err != nil {
			t.Fatalf("%s %s: %v", rec.Kind, rec.ID, err)
		}
		var generic any
		if err := json.Unmarshal(rec.Raw, &generic); err != nil {
			t.Fatal(err)
		}
		for _, f := range query.CatalogFor(rec.Kind).Fields() {
			if f.Index == "" {
				continue
			}
			got := actual(d.field(f.Index))
			if f.Path == "" {
				if got != nil {
					seen[string(rec.Kind)+"."+f.Name] = true
				}
				continue
			}
			want := expected(f, walkPath(generic, f.Path))
			if !slices.Equal(got, want) {
				t.Errorf("%s %s field %s (path %s): extracted %q, JSON holds %q", rec.Kind, rec.ID, f.Name, f.Path, got, want)
			}
			if got := d.field(f.Index); got != nil {
				seen[string(rec.Kind)+"."+f.Name] = true
				if got.typ != valueTypeOf(f.Type) {
					t.Errorf("%s field %s extracted as %s, catalog says %s", rec.Kind, f.Name, got.typ, f.Type)
				}
			}
		}
	}
	for _, kind := range query.Kinds() {
		for _, f := range query.CatalogFor(kind).Fields() {
			if f.Index != "" && !seen[string(kind)+"."+f.Name] {
				t.Errorf("no fixture %s has a value for %s: add one to testdata/workspace", kind, f.Name)
			}
		}
	}
}

func TestExtract_CustomAttributesByJSONType(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"type":"contact","id":"c1","custom_attributes":{"plan":"Pro","seats":12,"ratio":0.5,"beta":true,
		"none":null,"empty":"","rel":[{"id":"1"}],"obj":{"a":1},"Ticket category":"x"}}`)
	d, err := extract(query.KindContact, raw)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		field string
		typ   valueType
		want  string
	}{
		{"ca_plan", valKeyword, "[Pro]"},
		{"ca_seats@num", valFloat, "12"},
		{"ca_ratio@num", valFloat, "0.5"},
		{"ca_beta@bool", valBool, "[true]"},
		{"ca_Ticket_20category", valKeyword, "[x]"},
	}
	for _, c := range checks {
		fv := d.field(c.field)
		if fv == nil || fv.typ != c.typ {
			t.Errorf("%s: got %+v, want a %s", c.field, fv, c.typ)
			continue
		}
		var got string
		switch c.typ {
		case valFloat:
			got = strconv.FormatFloat(fv.fnum, 'g', -1, 64)
		default:
			got = fmt.Sprint(actual(fv))
		}
		if got != c.want {
			t.Errorf("%s = %s, want %s", c.field, got, c.want)
		}
	}
	for _, absent := range []string{"ca_none", "ca_empty", "ca_rel", "ca_obj"} {
		if d.field(absent) != nil {
			t.Errorf("%s should not be indexed", absent)
		}
	}
}

func TestExtract_LooseJSONTypes(t *testing.T) {
	t.Parallel()
	// Numbers where strings are expected and the reverse, as Intercom sometimes sends them. A fraction in an integer
	// field is left out rather than truncated (index/wire's rule): 12 would answer time_to_admin_reply>12 wrongly.
	raw := []byte(`{"type":"conversation","id":123,"updated_at":"1700000000","admin_assignee_id":"7001","open":"true",
		"teammates":{"teammates":[{"id":7002}]},"statistics":{"time_to_admin_reply":12.7,"time_to_assignment":60.0,
		"last_closed_by_id":7001}}`)
	d, err := extract(query.KindConversation, raw)
	if err != nil {
		t.Fatal(err)
	}
	if d.id != "123" || d.updatedAt != 1700000000 {
		t.Errorf("id %q updated_at %d", d.id, d.updatedAt)
	}
	for field, want := range map[string]string{"admin_assignee_id": "[7001]", "open": "[true]",
		"teammate_ids": "[7002]", "statistics_time_to_admin_reply": "[]", "statistics_time_to_assignment": "[60]",
		"statistics_last_closed_by_id": "[7001]"} {
		if got := fmt.Sprint(actual(d.field(field))); got != want {
			t.Errorf("%s = %s, want %s", field, got, want)
		}
	}
	if _, err := extract(query.KindConversation, []byte(`[1,2]`)); err == nil {
		t.Error("a JSON array extracted without error")
	}
}

// TestExtractText_SameTextAsExtract: snippets must see exactly the text the index analysed.
func TestExtractText_SameTextAsExtract(t *testing.T) {
	t.Parallel()
	for _, rec := range fixture(t) {
		full, err := extract(rec.Kind, rec.Raw)
		if err != nil {
			t.Fatal(err)
		}
		text, err := extractText(rec.Kind, rec.Raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range snippetFields {
			if got, want := actual(text.field(name)), actual(full.field(name)); !slices.Equal(got, want) {
				t.Errorf("%s %s field %s: extractText %q, extract %q", rec.Kind, rec.ID, name, got, want)
			}
		}
	}
}

// TestRow_RoundTrip: a stored row loads into the same table row the write path builds.
func TestRow_RoundTrip(t *testing.T) {
	t.Parallel()
	fn, _ := decodeFieldNames(nil)
	for _, rec := range fixture(t) {
		d, err := extract(rec.Kind, rec.Raw)
		if err != nil {
			t.Fatal(err)
		}
		d.ord = 42
		b := encodeRow(&d, fn)
		got, err := newRowDecoder(fn).decode([]byte(d.id), b)
		if err != nil {
			t.Fatal(err)
		}
		want := tableRow(&d, appendSummary(nil, &d.sum))
		if fmt.Sprint(got.ID, got.UpdatedAt, got.Ord, got.Values) != fmt.Sprint(want.ID, want.UpdatedAt, want.Ord, want.Values) ||
			string(got.Summary) != string(want.Summary) {
			t.Errorf("%s %s: decoded row\n %v\nwant\n %v", rec.Kind, rec.ID, got, want)
		}
	}
	if _, err := newRowDecoder(fn).decode([]byte("x"), []byte{rowVersion + 1, 0, 0, 0, 0}); !errors.Is(err, errRowVersion) {
		t.Errorf("a row of another version: %v", err)
	}
}

// TestExtractText_OddShapesSameAsExtract: snippets decode through the same wire types as extract, so a title sent as
// a number or a null part body gives the same text (the snippets' own shape used to fail on the number).
func TestExtractText_OddShapesSameAsExtract(t *testing.T) {
	raw := []byte(`{"id":"1","title":2024,"source":{"subject":null,"body":"<p>refund please</p>"},
		"conversation_parts":{"conversation_parts":[{"body":null},{"body":"<p>done</p>"}]}}`)
	full, err := extract(query.KindConversation, raw)
	if err != nil {
		t.Fatal(err)
	}
	text, err := extractText(query.KindConversation, raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range snippetFields {
		if got, want := actual(text.field(name)), actual(full.field(name)); !slices.Equal(got, want) {
			t.Errorf("field %s: extractText %q, extract %q", name, got, want)
		}
	}
	if got := actual(text.field("title")); !slices.Equal(got, []string{"2024"}) {
		t.Errorf("title = %q, want [2024]", got)
	}
}

// TestExtractStored_SameDocs: a rebuild, a catch-up and the snippets read stored records with extractStored
// (wire.ReadStored); the index and the table must get exactly the docs Apply's extract made of the same JSON.
func TestExtractStored_SameDocs(t *testing.T) {
	t.Parallel()
	recs := fixture(t)
	g := newTestGenerator()
	recs = append(recs, synthConversations(g, 0, 200)...)
	recs = append(recs, synthContacts(g, 0, 50)...)
	for i, raw := range []string{
		// Loose types, nulls, escapes (a surrogate pair, a lone surrogate, an escaped slash), a duplicate key.
		`{"type":"conversation","id":123,"updated_at":"1700000000","admin_assignee_id":"7001","open":"true",
		  "statistics":{"time_to_admin_reply":12.7,"time_to_assignment":60.0}}`,
		`{"id":"1","title":2024,"source":{"subject":null,"body":"<p>refund \ud83d\ude00 \ud800 a\/b</p>"},
		  "conversation_parts":{"conversation_parts":[{"body":null},{"body":"<p>done</p>"}]},"title":"second"}`,
		`{"id":"2","custom_attributes":{"n":1e3,"s":"x","b":true,"z":null,"o":{"a":1}},"tags":{"tags":[{"name":"\u0041"}]}}`,
	} {
		recs = append(recs, Record{Kind: query.KindConversation, ID: fmt.Sprint("odd", i), Raw: []byte(raw)})
	}
	for _, rec := range recs {
		want, werr := extract(rec.Kind, rec.Raw)
		got, gerr := extractStored(rec.Kind, rec.Raw)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%s %s: extract error %v, extractStored error %v", rec.Kind, rec.ID, werr, gerr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s: extractStored\n %+v\nextract\n %+v", rec.Kind, rec.ID, got, want)
		}
	}
}
