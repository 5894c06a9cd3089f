package index

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/query"
)

// A value no record holds is most often a typo (plan:Gowth, location_country:Germny): the answer stays the true
// one, empty or not, but the result's note says so and offers the nearest values the replica holds. Each keyword
// column's dictionary answers whether a value is held with one lookup, so a query whose values are held pays
// nothing more; the near-value search runs only for a value the dictionary lacks.

// Bounds of the note on values no record holds.
const (
	// maxListedValues is the most distinct values a field may have for the note to list them all when none is
	// near the value asked.
	maxListedValues = 20
	// maxNearCandidates is the most distinct values a field may have for the note to look for the nearest ones,
	// which costs about 0.3 µs a value: beyond it (the authors' emails of a workspace of 100,000 conversations,
	// 87,000 values, would take 27 ms) the note only says no record holds the value.
	maxNearCandidates = 10_000
	// maxSuggested is the most near values the note offers for one value.
	maxSuggested = 3
	// maxAbsentNoted is the most values one note speaks of; the others are counted.
	maxAbsentNoted = 3
)

// checksValues reports whether the values of t are checked against the records: equality terms (eq, neq, in, nin)
// on a keyword field whose values are free words (a plan, a country, an email domain, a custom attribute's text).
// Not checked: enum fields (the parser refuses a value outside the set), fields whose values are ids or names of
// other records (the names mechanism checks them), phone numbers, and numbers, times and booleans.
func checksValues(t query.Term) bool {
	f := t.Field
	switch t.Op {
	case query.OpEq, query.OpNeq, query.OpIn, query.OpNin:
	default:
		return false
	}
	if f.Type != query.TypeKeyword && f.Type != query.TypeAny {
		return false
	}
	if f.Enum != nil || f.IDOf != "" || f.NameOf != "" || f.Target != "" || f.Digits || f.Index == "" {
		return false
	}
	name := f.Name
	if f.Custom != "" {
		name = f.Custom
	}
	name = strings.ToLower(name)
	return name != "id" && !strings.HasSuffix(name, "_id") && !strings.HasSuffix(name, "_ids")
}

// checkedValue reports whether v, a value of a term checksValues accepts, is looked up: a custom attribute's value
// that reads as a number, a time or a boolean may be held as one, which the keyword dictionary does not know.
func checkedValue(f *query.Field, v query.Value) bool {
	return v.Str != "" && (f.Type == query.TypeKeyword || v.Parsed == 0)
}

// absentValuesNote returns the note on the values of q's terms that no record of the kind holds (see
// checksValues), one sentence each, or "" when every value is held.
func absentValuesNote(r *Replica, ks *kindState, q query.Query) string {
	var (
		notes []string
		more  int
		seen  map[string]bool
	)
	locked := false
	defer func() {
		if locked {
			ks.mu.RUnlock()
		}
	}()
	for _, t := range q.Terms {
		if t.Field.Custom != "" && t.Op != query.OpNotExists {
			// A custom (or ticket) attribute no record has, under any operator, is most likely a misspelled name.
			if !locked {
				ks.mu.RLock()
				locked = true
			}
			if !hasField(ks.table, t.Field) {
				if key := "\x00" + t.Field.Name; !seen[key] {
					if seen == nil {
						seen = map[string]bool{}
					}
					seen[key] = true
					notes = append(notes, missingAttributeSentence(ks.kind, t.Field, r.attributeNames(ks.kind)))
				}
				continue
			}
		}
		if ks.kind == query.KindTicket && t.Field.Name == "id" && (t.Op == query.OpEq || t.Op == query.OpIn) {
			// The number the inbox shows a ticket by (its ticket_id) is most often what such an id is.
			if !locked {
				ks.mu.RLock()
				locked = true
			}
			for _, v := range t.Values {
				if s := ticketNumberSentence(ks.table, v.Str); s != "" {
					notes = append(notes, s)
				}
			}
			continue
		}
		if !checksValues(t) {
			continue
		}
		col, _, _ := termFields(t.Field)
		for _, v := range t.Values {
			if !checkedValue(t.Field, v) {
				continue
			}
			if !locked {
				ks.mu.RLock()
				locked = true
			}
			if ks.table.HoldsKeyword(col, v.Str) {
				continue
			}
			key := t.Field.Name + "\x00" + lowerKeyword(v.Str)
			if seen[key] {
				continue
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[key] = true
			if len(notes) == maxAbsentNoted {
				more++
				continue
			}
			notes = append(notes, absentValueSentence(ks, t.Field, col, v.Str))
		}
	}
	if more > 0 {
		notes = append(notes, fmt.Sprintf("%d more values of the query no %s holds.", more, ks.kind.Noun()))
	}
	return strings.Join(notes, " ")
}

// absentAggregateAttributesNote returns the note on the custom (or ticket) attributes a groups by or measures that
// no record of the kind has, most likely misspelled names, one sentence each (an attribute a's filter names is
// noted there, by absentValuesNote), or "" when records have every one.
func absentAggregateAttributesNote(r *Replica, ks *kindState, a query.Aggregate) string {
	fields := make([]*query.Field, 0, len(a.GroupBy)+len(a.Metrics))
	for _, d := range a.GroupBy {
		fields = append(fields, d.Field)
	}
	for _, m := range a.Metrics {
		fields = append(fields, m.Field)
	}
	seen := map[string]bool{}
	for _, t := range a.Query.Terms {
		if t.Field.Custom != "" && t.Op != query.OpNotExists {
			seen[t.Field.Name] = true
		}
	}
	var notes []string
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	for _, f := range fields {
		if f == nil || f.Custom == "" || seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		if !hasField(ks.table, f) {
			notes = append(notes, missingAttributeSentence(ks.kind, f, r.attributeNames(ks.kind)))
		}
	}
	return strings.Join(notes, " ")
}

// ticketNumberSentence says, of an id no ticket has, that a ticket has it for the number the inbox shows, and the
// term that finds it; "" when id is not a number, a ticket has it, or none has it for its number. The caller holds the kind's lock.
func ticketNumberSentence(tab *table.Table, id string) string {
	cat := query.CatalogFor(query.KindTicket)
	idf, _ := cat.Lookup("id")
	num, _ := cat.Lookup("ticket_id")
	if id == "" || strings.Trim(id, "0123456789") != "" || idf == nil || num == nil ||
		heldLive(tab, idf.Index, id) || !heldLive(tab, num.Index, id) {
		return ""
	}
	return fmt.Sprintf("No ticket has id %s; a ticket has %s for the number the inbox shows (not its id): ticket_id:%s finds it.", id, id, id)
}

// absentValueSentence says that no record of the kind holds value in field f (column col), with the nearest
// values live records hold, else every value when there are few, else whether any record has the field at all.
// The caller holds ks.mu for reading.
func absentValueSentence(ks *kindState, f *query.Field, col, value string) string {
	noun, field := ks.kind.Noun(), fieldLabel(f)
	s := fmt.Sprintf("No %s has %s %s", noun, field, quoteValue(value))
	tab := ks.table
	if near := nearValues(tab, col, value); len(near) > 0 {
		return s + "; did you mean " + quoteValues(near, "or") + "?"
	}
	if named := nearValueNames(f, value); named != "" { // locale:Frnech: the name of a language, misspelled
		return s + "; did you mean " + named + "?"
	}
	if tab.KeywordCount(col) <= maxListedValues {
		var held []string
		tab.EachKeyword(col, func(v []byte) {
			if s := string(v); heldLive(tab, col, s) {
				held = append(held, s)
			}
		})
		if len(held) > 0 {
			sort.Slice(held, func(i, j int) bool { return lowerKeyword(held[i]) < lowerKeyword(held[j]) })
			return s + "; " + ks.kind.Plural() + " have " + field + " " + quoteValues(held, "or") + "."
		}
	}
	if !hasField(tab, f) {
		return s + "; no " + noun + " has " + field + " at all."
	}
	return s + "."
}

// nearValueNames returns the terms of the names field f also takes for its values (ValueNames: an article's
// locale by its language's name) nearest to value, "locale:fr (French)", or "" when none is near.
func nearValueNames(f *query.Field, value string) string {
	names := make([]string, 0, len(f.ValueNames))
	for name := range f.ValueNames {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []string
	for _, name := range query.Nearest(strings.ToLower(value), names) {
		term := f.Name + ":" + f.ValueNames[name] + " (" + capitalized(name) + ")"
		if len(out) < maxSuggested && !slices.Contains(out, term) {
			out = append(out, term)
		}
	}
	return strings.Join(out, " or ")
}

// capitalized writes each word of a lower-case name with a capital: "portuguese (brazil)" → "Portuguese (Brazil)".
func capitalized(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c >= 'a' && c <= 'z' && (i == 0 || b[i-1] == ' ' || b[i-1] == '(') {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// hasField reports whether any live row of tab has a value in field f (for a custom attribute, of any type).
func hasField(tab *table.Table, f *query.Field) bool {
	str, num, boolean := termFields(f)
	present := []table.Atom{table.PresentAtom(str)}
	if f.Custom != "" {
		present = append(present, table.PresentAtom(num), table.PresentAtom(boolean))
	}
	return tab.Count(table.Filter{{Any: present}}) > 0
}

// missingAttributeSentence says that no record of kind has the custom attribute f, with the nearest names among
// the attributes records of the kind have had (names), or the attributes themselves when there are few.
func missingAttributeSentence(kind query.Kind, f *query.Field, names []string) string {
	s := fmt.Sprintf("No %s has %s at all", kind.Noun(), fieldLabel(f))
	cat := query.CatalogFor(kind)
	spell := func(vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = cat.CustomField(query.Clip(v)).DSL()
		}
		return out
	}
	if near := query.Nearest(f.Custom, names); len(near) > 0 {
		return s + "; did you mean " + strings.Join(spell(near), " or ") + "?"
	}
	if len(names) == 0 {
		return s + "; no " + kind.Noun() + " has any attribute of its own."
	}
	if len(names) <= maxListedValues {
		return s + "; " + kind.Plural() + " have " + strings.Join(spell(names), ", ") + "."
	}
	return s + "."
}

// attributeNames returns the names of the custom attributes (tickets: ticket attributes) the records of kind have
// had, from the store's field-name table, sorted.
func (r *Replica) attributeNames(kind query.Kind) []string {
	fn := r.store.fields[kind]
	if fn == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, idx := range fn.list() {
		idx = strings.TrimSuffix(strings.TrimSuffix(idx, customNumSuffix), customBoolSuffix)
		if name, ok := query.CustomAttributeOf(idx); ok && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// nearValues returns up to maxSuggested values of keyword column col held by live rows and nearest to value in
// spelling (query.Nearest, ignoring case), or none when the column has more than maxNearCandidates values.
func nearValues(tab *table.Table, col, value string) []string {
	if n := tab.KeywordCount(col); n == 0 || n > maxNearCandidates {
		return nil
	}
	// Nearest allows at most 3 edits, so a value whose length differs by more is never near: skip it unread.
	var cands []string
	tab.EachKeyword(col, func(v []byte) {
		if d := len(v) - len(value); d <= 3 && d >= -3 {
			cands = append(cands, string(v))
		}
	})
	var out []string
	for _, c := range query.Nearest(value, cands) {
		if len(out) == maxSuggested {
			break
		}
		if heldLive(tab, col, c) {
			out = append(out, c)
		}
	}
	return out
}

// heldLive reports whether a live row of tab holds value in keyword column col (the dictionary keeps the values of
// replaced and deleted rows too).
func heldLive(tab *table.Table, col, value string) bool {
	return tab.Count(table.Filter{{Any: []table.Atom{table.KeywordAtom(col, table.Eq, value)}}}) > 0
}

// fieldLabel is a field's name as a note writes it: quoted when it holds anything but letters, digits, _ and .
// (a custom attribute's name may hold spaces).
func fieldLabel(f *query.Field) string {
	for _, c := range f.Name {
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return strconv.Quote(f.Name)
		}
	}
	return f.Name
}

// quoteValue writes a value for a note: clipped and quoted with every control and invisible character escaped,
// so that customer-written text stays one quoted line.
func quoteValue(v string) string { return strconv.Quote(query.Clip(v)) }

// quoteValues lists values quoted, the last joined by conj: "a", "b" or "c".
func quoteValues(vs []string, conj string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = quoteValue(v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

// joinNotes joins the sentences of notes, skipping empty ones.
func joinNotes(notes ...string) string {
	var keep []string
	for _, n := range notes {
		if n != "" {
			keep = append(keep, n)
		}
	}
	return strings.Join(keep, " ")
}
