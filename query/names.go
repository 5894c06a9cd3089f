package query

import (
	"fmt"
	"strconv"
	"strings"
)

// Named is one record a name can stand for: a teammate (with an email), a team, a tag, a segment or a company
// (with the workspace's own company id in Email's place, as Alt).
type Named struct {
	ID   string // Intercom's id
	Name string
	// Alt is a second name the record answers to: a teammate's email, a company's company_id; "" if none.
	Alt string
}

// String spells a named record for an error message: "Alex Rivera <alex@example.com> (id 7003)".
func (n Named) String() string {
	s := strconvQuote(n.Name)
	if n.Alt != "" {
		s += " <" + n.Alt + ">"
	}
	return s + " (id " + n.ID + ")"
}

// strconvQuote quotes a name for a message only when it holds a space or a quote.
func strconvQuote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"") {
		return strconv.Quote(s)
	}
	return s
}

// Names is what the replica knows of the records that name ids: ResolveNames consumes it. Implementations are
// safe for concurrent use.
type Names interface {
	// Match returns the records of kind whose id equals value exactly, or whose name or Alt equals it ignoring
	// case. Synced reports whether the replica holds that kind's list at all (false before the first sync).
	Match(kind Kind, value string) (matches []Named, synced bool)
	// Prefixed returns the records of kind whose name starts with value followed by a space, ignoring case ("Alex"
	// for "Alex Rivera"): a first name is enough when it is unique.
	Prefixed(kind Kind, value string) []Named
	// Similar returns up to a few records of kind whose name or Alt is closest to value, for a did-you-mean.
	Similar(kind Kind, value string) []Named
	// Members returns the ids of the records of kind that belong to the record parentID (the collections of a
	// help center), in a stable order; none when there are none.
	Members(kind Kind, parentID string) []string
}

// ResolveNames returns q with every term on a field that takes names (Field.NameOf) replaced by a term on its
// Target field holding the ids the names stand for. A value is taken, in order, as an id of the kind (a prefixed
// id such as company_5f1e... too), as a name or Alt (a teammate's email, a company's company_id) ignoring case, or
// as the first word(s) of exactly one name. A name matching several records, or none, is an error listing the
// candidates; a number the replica does not know is kept as an id (ids keep working before the first sync). A
// query without such terms is returned unchanged.
func ResolveNames(q Query, names Names) (Query, error) {
	first := -1
	for i := range q.Terms {
		if takesNames(q.Terms[i]) {
			first = i
			break
		}
	}
	if first < 0 {
		return q, nil
	}
	cat := CatalogFor(q.Kind)
	terms := make([]Term, len(q.Terms))
	copy(terms, q.Terms)
	for i := first; i < len(terms); i++ {
		t := &terms[i]
		f := t.Field
		if !takesNames(*t) {
			continue
		}
		if f.Target == "" {
			vals := make([]Value, len(t.Values))
			for j, v := range t.Values {
				name, note, err := checkName(f, v.Raw, names)
				if err != nil {
					return q, err
				}
				if note != "" && q.Note == "" {
					q.Note = note
				}
				vals[j] = Value{Raw: name, Str: name}
			}
			t.Values = vals
			continue
		}
		target, ok := cat.Lookup(f.Target)
		if !ok {
			return q, &Error{Pos: -1, Token: f.Name, Msg: fmt.Sprintf("internal error: %s resolves to unknown field %q", f.Name, f.Target)}
		}
		vals := make([]Value, 0, len(t.Values))
		for _, v := range t.Values {
			id, note, err := resolveName(f, target, v.Raw, names)
			if err != nil {
				return q, err
			}
			if note != "" && q.Note == "" {
				q.Note = note
			}
			ids := []string{id}
			if f.Via != "" {
				if ids = names.Members(f.Via, id); len(ids) == 0 {
					// No record can be in it: the answer is empty (or all, for neq), and the note says why.
					ids = []string{noMember}
					if q.Note == "" {
						q.Note = fmt.Sprintf("The %s %s holds no %s in the replica.", f.NameOf.Noun(), formatValue(clip(v.Raw), true), f.Via.Plural())
					}
				}
			}
			for _, id := range ids {
				tv, err := idValue(target, id)
				if err != nil {
					return q, &Error{Pos: -1, Token: f.Name, Msg: err.Error()}
				}
				vals = append(vals, tv)
			}
		}
		op := t.Op
		if f.Via != "" {
			// Each value stands for a set of ids: equality is membership.
			switch op {
			case OpEq:
				op = OpIn
			case OpNeq:
				op = OpNin
			}
		}
		// Otherwise each value stands for exactly one id, so the operator (eq, neq, in, nin) keeps its meaning.
		*t = Term{Field: target, Op: op, Values: vals}
	}
	// A name turned into its id may contradict a term on the id field itself (admin_assignee:"Alex Rivera"
	// admin_assignee_id:7004): say so, as the parser says it of two ids, rather than answer nothing.
	b := newBuilder(q.Kind, Options{})
	for i := range terms {
		if err := b.conflict(site{pos: -1, token: terms[i].Field.Name}, terms[i]); err != nil {
			return q, err
		}
		b.q.Terms = append(b.q.Terms, terms[i])
	}
	q.Terms = terms
	return q, nil
}

// noMember is the id a term holds for a record with no members (a help center without collections): no record has
// it.
const noMember = "none"

// takesNames reports whether t's values are names ResolveNames resolves or checks: every term on a field with
// Target, and the equality terms on a field holding names (its contains, starts_with... compare text).
func takesNames(t Term) bool {
	if t.Field.NameOf == "" {
		return false
	}
	if t.Field.Target != "" {
		return true
	}
	switch t.Op {
	case OpEq, OpNeq, OpIn, OpNin:
		return true
	}
	return false
}

// checkName returns the name value stands for in f, a field holding names: the name as the replica spells it
// (an id of the kind stands for its name too), or value itself while the replica holds none of the kind or
// knows no such name; with a note when a first word was taken for a whole name or the name is unknown (with the
// nearest ones).
func checkName(f *Field, value string, names Names) (name, note string, err error) {
	kind := f.NameOf
	v := strings.TrimSpace(value)
	if k, id, err := ParseID(v); err == nil && k == kind {
		v = id
	}
	matches, synced := names.Match(kind, v)
	switch {
	case len(matches) > 0:
		return matches[0].Name, "", nil
	case !synced:
		return value, "", nil
	}
	if pre := names.Prefixed(kind, v); len(pre) == 1 {
		return pre[0].Name, fmt.Sprintf("%s:%s is taken as the %s %q.", f.Name, formatValue(clip(value), true), kind.Noun(), pre[0].Name), nil
	} else if len(pre) > 1 {
		return "", "", ambiguous(f, value, pre)
	}
	// The records hold the names themselves, and may hold one the list no longer has (a tag renamed since they
	// were copied): search for it as written, and say so.
	msg := unknownName(f, value, v, names).(*Error).Msg
	if !strings.HasSuffix(msg, "?") {
		msg += "." // no nearest names to ask about: end the sentence before the next
	}
	return value, msg + " Searched for it as written.", nil
}

// unknownName is the error for a name no record of f's kind has, with the nearest names.
func unknownName(f *Field, value, v string, names Names) error {
	msg := fmt.Sprintf("%s: no %s is named %q", f.Name, f.NameOf.Noun(), clip(value))
	if sim := names.Similar(f.NameOf, v); len(sim) > 0 {
		msg += "; did you mean " + listNamed(sim, "or") + "?"
	}
	return &Error{Pos: -1, Token: f.Name, Msg: msg}
}

// resolveName returns the id value stands for in field f (f.NameOf's records), with a note when a first word
// was taken for a whole name. "unassigned" (or "none") is the id 0 of an assignee, as Intercom writes it.
func resolveName(f *Field, target *Field, value string, names Names) (string, string, error) {
	kind := f.NameOf
	v := strings.TrimSpace(value)
	if k, id, err := ParseID(v); err == nil && k == kind {
		v = id
	}
	if target.Type == TypeInt && (strings.EqualFold(v, "unassigned") || strings.EqualFold(v, "none")) {
		return "0", "", nil
	}
	matches, synced := names.Match(kind, v)
	if len(matches) == 1 {
		return matches[0].ID, "", nil
	}
	if len(matches) > 1 {
		return "", "", ambiguous(f, value, matches)
	}
	switch {
	case !synced && isDigits(v):
		return v, "", nil // the replica holds no names yet: ids keep working
	case !synced:
		return "", "", &Error{Pos: -1, Token: f.Name, Msg: fmt.Sprintf("%s takes %s names, but the replica holds no %s yet (a sync pass copies them); use their ids meanwhile (%s)",
			f.Name, kind.Noun(), kind.Plural(), f.Target)}
	case isDigits(v) && target.Type == TypeInt && v == "0":
		return v, "", nil
	case isDigits(v):
		return "", "", &Error{Pos: -1, Token: f.Name, Msg: fmt.Sprintf("%s: the replica holds no %s with id %s; check the id, or filter by it as it is with %s:%s",
			f.Name, kind.Noun(), clip(v), f.Target, clip(v))}
	}
	if pre := names.Prefixed(kind, v); len(pre) == 1 {
		return pre[0].ID, fmt.Sprintf("%s:%s is taken as the %s %q.", f.Name, formatValue(clip(value), true), kind.Noun(), pre[0].Name), nil
	} else if len(pre) > 1 {
		return "", "", ambiguous(f, value, pre)
	}
	return "", "", unknownName(f, value, v, names)
}

func ambiguous(f *Field, value string, matches []Named) error {
	const show = 5
	list := matches
	if len(list) > show {
		list = list[:show]
	}
	msg := fmt.Sprintf("%s: %q names %d %s: %s", f.Name, clip(value), len(matches), f.NameOf.Plural(), listNamed(list, "and"))
	if len(matches) > show {
		msg += fmt.Sprintf(" and %d more", len(matches)-show)
	}
	alt := "the id"
	if f.NameOf == KindAdmin {
		alt = "the email or the id"
	}
	return &Error{Pos: -1, Token: f.Name, Msg: msg + "; write " + alt + " to pick one"}
}

func listNamed(ns []Named, conj string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = n.String()
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + conj + " " + parts[len(parts)-1]
}

// idValue makes the value of an id field from an id.
func idValue(f *Field, id string) (Value, error) {
	v := Value{Raw: id, Str: id}
	switch f.Type {
	case TypeInt:
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return v, fmt.Errorf("%s takes numeric ids; %q is not one", f.Name, clip(id))
		}
		v.Int, v.Float, v.Parsed = n, float64(n), ParsedInt|ParsedFloat
	}
	return v, nil
}

// NamedKindOf returns the kind whose ids the field f of kind's catalog holds, when that kind has names to show
// for them (teammates, teams, tags, segments, companies): the NameOf of a name field, of the name field targeting
// f (admin_assignee_id holds teammates' ids, which admin_assignee takes by name) or reading the names of the list
// whose ids f reads (a conversation's tag beside its tag_ids), or f's IDOf when it is such a kind. It returns ""
// for any other field.
func NamedKindOf(kind Kind, f *Field) Kind {
	if f == nil {
		return ""
	}
	if f.NameOf != "" {
		return f.NameOf
	}
	if cat := CatalogFor(kind); cat != nil {
		list, isID := strings.CutSuffix(f.Path, ".id")
		for _, nf := range cat.fields {
			switch {
			case nf.NameOf == "":
			case nf.Target == f.Name:
				return nf.NameOf
			case isID && list != "" && nf.Path == list+".name": // a conversation's tag_ids beside its tag, the names of the same list
				return nf.NameOf
			}
		}
	}
	if f.IDOf.Directory() || f.IDOf == KindCompany {
		return f.IDOf
	}
	return ""
}
