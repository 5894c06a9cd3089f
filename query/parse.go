package query

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Options tunes Parse and the filter types' Query methods.
type Options struct {
	// Now returns the current time, against which relative timestamps (7d, 24h, today) are resolved.
	// Nil means time.Now.
	Now func() time.Time
}

func (o Options) now() func() time.Time {
	if o.Now != nil {
		return o.Now
	}
	return time.Now
}

// Parse reads a query written in the DSL and validates it against the catalog of its object type:
//
//	object_type:conversations state:open source_type:email created_at:gt:7d q:"double charged" limit:50
//
// Terms are separated by white space and ANDed; each is field:value or field:operator:value, where a value is a bare
// word or a double-quoted string (with \" and \\ escapes), and in and nin take a comma-separated list. object_type is
// required; limit (default 20; above 150 it is 150, and Query.Note says so), starting_after (the cursor of the next page) and q (free text: a bare word
// or a quoted phrase; several q terms must all match) may appear once each, except q. Field names ignore case and
// may be written dotted (source.author.email) or flat (source_author_email); custom attributes are
// custom_attributes.<name> or ca.<name>, the name quoted when it holds spaces (ca."Ticket category":billing).
//
// Every error is an *Error whose message says what was wrong and what would be right; Parse never panics.
func Parse(dsl string, opts Options) (Query, error) {
	var termBuf [16]rawTerm
	var valueBuf [24]rawValue
	raws, lerr := lex(dsl, termBuf[:0], valueBuf[:0])
	if lerr != nil {
		return Query{}, lerr
	}
	b, err := newDSLBuilder(dsl, raws, opts)
	if err != nil {
		return Query{}, err
	}
	for i := range raws {
		if err := b.dslTerm(dsl, &raws[i]); err != nil {
			return Query{}, err
		}
	}
	if err := b.finish(len(dsl)); err != nil {
		return Query{}, err
	}
	return b.q, nil
}

// builder turns terms into a Query. Parse feeds it the lexer's terms and the filter types feed it their
// arguments, so both paths share every check and every error message.
type builder struct {
	now        func() time.Time
	cat        *Catalog
	q          Query
	sites      []site // where each of q.Terms came from, for conflict errors
	limitSet   bool
	limitAsked int          // the limit as given, before capping, for comparing a second one
	limitText  string       // and as written
	values     []Value      // backing array shared by the terms' Values
	inputs     []valueInput // scratch space for a term's values as written
}

// site is where a term or value came from: a byte offset and the text as written in the DSL, or, for a
// structured filter, Pos -1 and the argument's name.
type site struct {
	pos   int
	token string
}

func (s site) errorf(format string, args ...any) *Error {
	return &Error{Pos: s.pos, Token: s.token, Msg: fmt.Sprintf(format, args...)}
}

// newDSLBuilder finds object_type, wherever it appears, so that every other term can be checked against the
// right catalog.
func newDSLBuilder(dsl string, raws []rawTerm, opts Options) (*builder, *Error) {
	var kind Kind
	for i := range raws {
		t := &raws[i]
		if t.bare || !strings.EqualFold(t.field, "object_type") {
			continue
		}
		s := site{t.pos, t.text}
		if t.op != "" && !strings.EqualFold(t.op, "eq") {
			return nil, s.errorf("object_type takes no operator; write %s", objectTypeExamples())
		}
		if len(t.values) != 1 {
			return nil, s.errorf("object_type takes one value; write %s", objectTypeExamples())
		}
		k, ok := ParseKind(t.values[0].text)
		if !ok {
			v := t.values[0]
			return nil, (site{v.pos, dsl[v.pos:v.end]}).errorf("%s", unknownObjectType(v.text))
		}
		if kind != "" && k != kind {
			return nil, s.errorf("object_type is given twice (%s and %s); a query searches one object type", kind.Plural(), k.Plural())
		}
		kind = k
	}
	if kind == "" {
		return nil, &Error{Pos: -1, Msg: "missing object_type: add " + objectTypeExamples() + " to the query"}
	}
	b := newBuilder(kind, opts)
	n := 0
	for i := range raws {
		n += len(raws[i].values)
	}
	b.q.Terms = make([]Term, 0, len(raws))
	b.sites = make([]site, 0, len(raws))
	b.values = make([]Value, 0, n)
	return b, nil
}

func newBuilder(kind Kind, opts Options) *builder {
	return &builder{now: opts.now(), cat: CatalogFor(kind), q: Query{Kind: kind, Limit: DefaultLimit}}
}

// dslTerm adds one term of the DSL.
func (b *builder) dslTerm(dsl string, t *rawTerm) *Error {
	s := site{t.pos, t.text}
	if t.bare {
		return b.bareTerm(s, t.text)
	}
	switch normalizeFieldName(t.field) {
	case "object_type":
		return nil // read by newDSLBuilder
	case "q":
		v := t.values[0]
		return b.text(site{v.pos, dsl[v.pos:v.end]}, v.text, v.quoted)
	case "limit", "per_page":
		if t.op != "" && !strings.EqualFold(t.op, "eq") {
			return s.errorf("limit takes no operator; write limit:50")
		}
		if len(t.values) != 1 {
			return s.errorf("limit takes one value; write limit:50")
		}
		v := t.values[0]
		n, err := strconv.Atoi(v.text)
		if errors.Is(err, strconv.ErrRange) {
			n = math.MaxInt // a whole number too large for an int: more than a page holds all the same
			if strings.HasPrefix(v.text, "-") {
				n = math.MinInt
			}
		} else if err != nil {
			return (site{v.pos, dsl[v.pos:v.end]}).errorf("limit takes a whole number, e.g. limit:50 (a page holds 1 to %d); got %q", MaxLimit, clip(v.text))
		}
		return b.limit(s, normalizeFieldName(t.field), n, v.text)
	case "starting_after":
		if t.op != "" && !strings.EqualFold(t.op, "eq") {
			return s.errorf("starting_after takes no operator; write starting_after:<cursor from the previous page>")
		}
		if len(t.values) != 1 {
			return s.errorf("starting_after takes one cursor; write starting_after:<cursor from the previous page>")
		}
		return b.cursor(s, t.values[0].text)
	}

	f, ok := b.cat.Lookup(t.field)
	if !ok {
		return b.unknownField(site{t.pos, t.field}, t.field)
	}
	if t.op == "" && len(t.values) > 0 && !t.values[0].quoted {
		if err := misspelledOp(f, t); err != nil {
			return err
		}
	}
	op := OpEq
	opSite := s
	if t.op != "" {
		op, _ = ParseOp(t.op)
		opSite = site{t.opPos, t.op}
	}
	vals := b.inputs[:0]
	for _, v := range t.values {
		vals = append(vals, valueInput{text: v.text, site: site{v.pos, dsl[v.pos:v.end]}})
	}
	b.inputs = vals
	return b.term(s, opSite, f, op, t.op == "", vals)
}

// finish completes the query once every term is in. It checks that the query's canonical DSL (its starting_after
// aside) fits in MaxLength, so that every query Parse or a filter returns can be printed and parsed again: aliases
// expand (ca. becomes custom_attributes.) and values may gain quotes and escapes, by less than a factor of eight,
// so a DSL text of up to MaxLength/8 bytes needs no check (inputLen < 0 means the query did not come from DSL text).
func (b *builder) finish(inputLen int) *Error {
	if len(b.q.Terms) == 0 {
		b.q.Terms = nil // one spelling of "no terms", whichever way the query was built
	}
	if inputLen >= 0 && inputLen <= MaxLength/8 {
		return nil
	}
	if n := b.q.lengthWithoutCursor(); n > MaxLength {
		if inputLen < 0 {
			return &Error{Pos: -1, Token: "arguments", Msg: fmt.Sprintf("the arguments make a query of %d bytes; the limit is %d; pass fewer or shorter values", n, MaxLength)}
		}
		return &Error{Pos: -1, Msg: fmt.Sprintf("query is %d bytes long once written out in full (aliases expanded, values quoted); the limit is %d", n, MaxLength)}
	}
	return nil
}

// bareTerm reports a term without a field: the one mistake every model makes is writing free text without q:.
func (b *builder) bareTerm(s site, text string) *Error {
	switch text {
	case "AND", "and", "&&":
		return nil // terms are ANDed anyway
	case "OR", "or", "||", "NOT", "not", "(", ")":
		return s.errorf("%q is not supported: terms are always ANDed; for any of several values of one field write field:in:a,b, and for negation use neq, nin or not_contains", text)
	}
	if strings.HasPrefix(text, "\"") {
		return s.errorf("term %s has no field; for free text write q:%s, or use field:value", clip(text), clip(text))
	}
	return s.errorf("term %q has no field; for free text write q:%s (q:\"several words\" for a phrase), or use field:value", clip(text), clip(text))
}

// text adds free text (q:).
func (b *builder) text(s site, text string, phrase bool) *Error {
	if !utf8.ValidString(text) {
		return b.notUTF8(s, "q", text)
	}
	if strings.TrimSpace(text) == "" {
		return s.errorf("empty free text; write q:word or q:\"a phrase\"")
	}
	if !phrase && opPrefixed(text) {
		return s.errorf("q takes free text, not an operator; write q:word, or quote text that starts with an operator: q:%s", clip(quote(text)))
	}
	b.q.Text = append(b.q.Text, TextTerm{Text: text, Phrase: phrase})
	return nil
}

// NothingToSearch returns the error for a term on words (free text, or a text field's eq, contains or
// not_contains), given as the DSL writes it (TextTerm.String, Term.String), of which the search engine keeps no
// word: punctuation, symbols, or only common words such as "the". Dropped, such a term would leave the query
// matching every record (or, on a text field, none). Package index decides, since only its analyzer knows what it
// keeps; the wording lives here with every other query error.
func NothingToSearch(term string) *Error {
	term = clip(strings.ToValidUTF8(term, "\uFFFD"))
	return &Error{Pos: -1, Token: term, Msg: term + ` has no word to search for: the search finds words, and skips punctuation, symbols and common words such as "the"; search for a word, or leave the term out`}
}

// limit sets the page size: n, as the argument name (limit or per_page) gave it in text. A number above MaxLimit
// asks for the largest page, and the query's Note says so: an agent asking for more than a page holds gets a page
// and the way on (the next page's cursor), not an error.
func (b *builder) limit(s site, name string, n int, text string) *Error {
	if n < 1 {
		return s.errorf("%s must be at least 1 (a page holds 1 to %d); got %s", name, MaxLimit, clip(text))
	}
	if b.limitSet && n != b.limitAsked {
		return s.errorf("%s is given twice (%s and %s); give it once", name, clip(b.limitText), clip(text))
	}
	b.q.Limit, b.limitSet, b.limitAsked, b.limitText = min(n, MaxLimit), true, n, text
	if n > MaxLimit && b.q.Note == "" {
		b.q.Note = fmt.Sprintf("%s %s is more than a page holds; returned the largest page, %d.", name, clip(text), MaxLimit)
	}
	return nil
}

func (b *builder) cursor(s site, c string) *Error {
	if !utf8.ValidString(c) {
		return b.notUTF8(s, "starting_after", c)
	}
	if c == "" {
		return s.errorf("empty starting_after; pass the cursor from the previous page, or leave starting_after out for the first page")
	}
	if b.q.StartingAfter != "" && c != b.q.StartingAfter {
		return s.errorf("starting_after is given twice with different cursors; give it once")
	}
	b.q.StartingAfter = c
	return nil
}

func (b *builder) unknownField(s site, name string) *Error {
	kind := b.cat.Kind()
	if _, ok := customAttributeName(name); ok && kind == KindArticle {
		return s.errorf("articles have no custom attributes; their fields are title, description, body, state, author, collection, help_center, locale, url, tag, created_at and updated_at")
	}
	if custom, ok := customAttributeName(name); ok && custom == "" {
		return s.errorf("missing custom attribute name; write custom_attributes.<name>:value, e.g. ca.tier:gold (quote a name with spaces: ca.\"Ticket category\":billing)")
	}
	if custom, ok := ticketAttributeName(name); ok && custom == "" && kind == KindTicket {
		return s.errorf("missing ticket attribute name; write ticket_attributes.<name>:value, e.g. ticket_attributes.Priority:high (quote a name with spaces: ticket_attributes.\"Affected area\":billing)")
	}
	sugg := suggest(b.cat, name)
	e := s.errorf("unknown field %q for %s%s", clip(name), kind.Plural(), didYouMean(sugg))
	if len(sugg) == 0 {
		common := "state, source_type, source_author_email, created_at, updated_at, tag, admin_assignee"
		custom := ", and custom_attributes.<name>"
		switch kind {
		case KindContact:
			common = "email, name, email_domain, role, created_at, updated_at, tag, company"
		case KindCompany:
			common = "name, company_id, plan, industry, size, monthly_spend, user_count, created_at, tag, segment"
		case KindArticle:
			common, custom = "title, body, state, author, collection, help_center, locale, created_at, updated_at", ""
		case KindTicket:
			common = "ticket_type, state, category, title, admin_assignee, team_assignee, linked_conversation_ids, created_at, updated_at"
			custom = ", and ticket_attributes.<name>"
		}
		e.Msg += "; common fields are " + common + ", q for free text" + custom
	}
	e.Suggestions = sugg
	return e
}

// misspelledOp reports a term whose value starts with a word close to an operator and a colon
// (email:containz:gmail), which would otherwise search for the value "containz:gmail" and most likely find
// nothing. t names no operator; its first value is not quoted.
func misspelledOp(f *Field, t *rawTerm) *Error {
	v := t.values[0]
	head, _, found := strings.Cut(v.text, ":")
	if !found {
		return nil
	}
	op, ok := suggestOp(head)
	if !ok {
		return nil
	}
	name := fieldDSL(f)
	rest := t.text[v.pos-t.pos+len(head)+1:]       // the term after the misspelled operator's colon
	quoted := quote(v.text) + t.text[v.end-t.pos:] // the term's values, the first one quoted
	var b strings.Builder
	fmt.Fprintf(&b, "%q is not an operator; did you mean ", head)
	if f.Allows(op) {
		fmt.Fprintf(&b, "%s:%s:%s?", clip(name), op, clip(rest))
	} else {
		fmt.Fprintf(&b, "%s? It does not apply to %s (%s), which takes %s.", op, clip(name), typeLabel(f), opList(f.Ops))
	}
	fmt.Fprintf(&b, " A value that holds a colon is written quoted: %s:%s", clip(name), clip(quoted))
	e := (site{v.pos, head}).errorf("%s", b.String())
	e.Suggestions = []string{string(op)}
	return e
}

// notUTF8 reports text that is not valid UTF-8 at s (a structured filter's argument; in the DSL, the lexer
// refuses the whole query first). what names the text.
func (b *builder) notUTF8(s site, what, text string) *Error {
	e := notUTF8(what, text)
	e.Pos, e.Token = s.pos, s.token
	return e
}

// valueInput is one value as written, before conversion to the field's type.
type valueInput struct {
	text string
	site site
}

// term checks op against the field, converts the values and adds the term. implicitOp reports that the DSL term
// named no operator (so eq was assumed), which changes the advice when several values are given.
func (b *builder) term(s, opSite site, f *Field, op Op, implicitOp bool, vals []valueInput) *Error {
	if !utf8.ValidString(f.Custom) {
		return b.notUTF8(s, "the custom attribute name", f.Custom)
	}
	// exists:true and exists:false are accepted as spellings of exists and not_exists.
	if op.Arity() == 0 && len(vals) > 0 {
		if len(vals) == 1 {
			switch strings.ToLower(vals[0].text) {
			case "true":
				vals = nil
			case "false":
				vals = nil
				if op == OpExists {
					op = OpNotExists
				} else {
					op = OpExists
				}
			}
		}
		if vals != nil {
			return s.errorf("%s takes no value (or true/false); write %s:exists or %s:not_exists", op, nameOf(f), nameOf(f))
		}
	}
	if !f.Allows(op) {
		return opSite.errorf("operator %s does not apply to %s (%s); %s takes %s", op, nameOf(f), typeLabel(f), nameOf(f), opList(f.Ops))
	}
	switch arity := op.Arity(); {
	case arity == 1 && len(vals) > 1:
		switch {
		case implicitOp || op == OpEq:
			return s.errorf("%s takes one value with eq; to match any of several, write %s:in:%s", nameOf(f), nameOf(f), joinRaw(vals))
		case op == OpNeq:
			return s.errorf("%s takes one value with neq; to exclude several, write %s:nin:%s", nameOf(f), nameOf(f), joinRaw(vals))
		default:
			return s.errorf("%s takes one value with %s; got %d", nameOf(f), op, len(vals))
		}
	case arity != 0 && len(vals) == 0:
		return s.errorf("%s with %s needs a value", nameOf(f), op)
	}
	t := Term{Field: f, Op: op}
	if len(vals) > 0 {
		first := len(b.values)
		for _, in := range vals {
			v, err := b.value(f, op, in)
			if err != nil {
				b.values = b.values[:first]
				return err
			}
			b.values = append(b.values, v)
		}
		// A full slice expression, so that no later append can write into this term's values.
		t.Values = b.values[first:len(b.values):len(b.values)]
	}
	if err := b.conflict(s, t); err != nil {
		return err
	}
	b.q.Terms = append(b.q.Terms, t)
	b.sites = append(b.sites, s)
	return nil
}

// value converts one value to the field's type.
func (b *builder) value(f *Field, op Op, in valueInput) (Value, *Error) {
	raw := in.text
	v := Value{Raw: raw}
	if !utf8.ValidString(raw) {
		return v, b.notUTF8(in.site, "the value of "+nameOf(f), raw)
	}
	if raw == "" {
		return v, in.site.errorf("empty value for %s; %s", nameOf(f), withoutHint(b.cat, f))
	}
	switch f.Type {
	case TypeKeyword:
		v.Str = raw
		if f.Digits {
			if v.Str = PhoneDigits(raw); v.Str == "" {
				return v, in.site.errorf("%s compares the digits of phone numbers; %q has none", f.Name, clip(raw))
			}
		}
		if f.Enum != nil {
			canon, ok := EnumValue(f.Enum, raw)
			if !ok {
				hint := flagHint(b.cat, raw)
				if hint == "" {
					hint = didYouMean(closest(f.Enum, raw))
				}
				return v, in.site.errorf("%s must be one of %s; got %q%s", f.Name, strings.Join(f.Enum, ", "), clip(raw), hint)
			}
			v.Str = canon
		}
		if named, ok := f.ValueNames[strings.ToLower(raw)]; ok {
			v.Str = named
		}
		if f.IDOf != "" {
			id, err := ParseIDFor(f.IDOf, raw)
			if err != nil {
				return v, in.site.errorf("%s takes %s ids; %s", f.Name, f.IDOf, err.(*Error).Msg)
			}
			v.Str = id
		}
	case TypeText:
		v.Str = raw
	case TypeInt:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil && f.Unit == "seconds" {
			var ok bool
			n, ok = relativeSeconds(raw)
			if ok {
				err = nil
			}
		}
		if err != nil {
			if f.Unit == "seconds" {
				return v, in.site.errorf("%s takes a duration in seconds (3600) or with a unit (90s, 30m, 4h, 2d, 1w); got %q", f.Name, clip(raw))
			}
			if errors.Is(err, strconv.ErrRange) {
				return v, in.site.errorf("%s: %s is out of range (whole numbers run from %d to %d)", f.Name, clip(raw), int64(math.MinInt64), int64(math.MaxInt64))
			}
			return v, in.site.errorf("%s takes a whole number, e.g. 42; got %q", f.Name, clip(raw))
		}
		if f.Range != nil && (n < f.Range[0] || n > f.Range[1]) && (op == OpEq || op == OpNeq || op == OpIn || op == OpNin) {
			return v, in.site.errorf("%s runs from %d to %d; got %d", f.Name, f.Range[0], f.Range[1], n)
		}
		v.Int, v.Float, v.Str, v.Parsed = n, float64(n), strconv.FormatInt(n, 10), ParsedInt|ParsedFloat
	case TypeFloat:
		x, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return v, in.site.errorf("%s takes a number, e.g. 4.5; got %q", f.Name, clip(raw))
		}
		v.Float, v.Str, v.Parsed = x, strconv.FormatFloat(x, 'g', -1, 64), ParsedFloat
	case TypeTimestamp:
		n, why := parseTimestamp(raw, b.now)
		if why != "" {
			return v, in.site.errorf("%s takes a timestamp: %s; got %q (%s)", f.Name, timestampHelp, clip(raw), why)
		}
		v.Int, v.Str, v.Parsed = n, formatTimestamp(n), ParsedInt|ParsedTime
	case TypeBool:
		switch strings.ToLower(raw) {
		case "true":
			v.Bool = true
		case "false":
		default:
			return v, in.site.errorf("%s takes true or false; got %q", f.Name, clip(raw))
		}
		v.Str, v.Parsed = strconv.FormatBool(v.Bool), ParsedBool
	case TypeAny:
		v.Str = raw
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			v.Int, v.Float, v.Parsed = n, float64(n), ParsedInt|ParsedFloat
		} else if x, err := strconv.ParseFloat(raw, 64); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
			v.Float, v.Parsed = x, ParsedFloat
		} else if n, why := parseTimestamp(raw, b.now); why == "" {
			v.Int, v.Parsed = n, ParsedInt|ParsedTime
		}
		switch strings.ToLower(raw) {
		case "true":
			v.Bool, v.Parsed = true, v.Parsed|ParsedBool
		case "false":
			v.Parsed |= ParsedBool
		}
		if isRange(op) && v.Parsed&(ParsedInt|ParsedFloat) == 0 {
			return v, in.site.errorf("%s with %s needs a number (42, 4.5) or a timestamp (1735689600, 2025-01-31, 7d); got %q", nameOf(f), op, clip(raw))
		}
	}
	return v, nil
}

func isRange(op Op) bool { return op == OpGt || op == OpGte || op == OpLt || op == OpLte }

// EnumValue finds raw among the accepted values of a closed set, ignoring case, and returns the set's spelling: the
// one rule for reading such a value, in the query language and in the tools' arguments alike.
func EnumValue(enum []string, raw string) (string, bool) {
	for _, e := range enum {
		if strings.EqualFold(e, raw) {
			return e, true
		}
	}
	return "", false
}

// closest returns the accepted value nearest to raw, if it is within two edits.
func closest(enum []string, raw string) []string {
	if n := nearest(raw, enum, 2); len(n) > 0 {
		return n[:1]
	}
	return nil
}

func typeLabel(f *Field) string {
	if f.Type == TypeAny {
		return "a custom attribute"
	}
	return "a " + f.Type.String() + " field"
}

func opList(ops []Op) string {
	s := make([]string, len(ops))
	for i, op := range ops {
		s[i] = string(op)
	}
	return strings.Join(s, ", ")
}

// joinRaw writes values as a list, cut to a short window.
func joinRaw(vals []valueInput) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = formatValue(clip(v.text), true)
	}
	return clip(strings.Join(s, ","))
}

// nameOf is a field's name as an error quotes it: a custom attribute's name is the user's, and may be long.
func nameOf(f *Field) string { return clip(f.Name) }

// objectTypeExamples spells the object_type terms a query may start with, for error messages.
func objectTypeExamples() string {
	names := make([]string, 0, len(Kinds()))
	for _, k := range Kinds() {
		names = append(names, "object_type:"+k.Plural())
	}
	return orList(names)
}

// unknownObjectType explains an object_type value that names no searchable kind: a directory kind (teammates,
// teams, tags, segments) is named by the fields that take its names; anything else gets the list, with the nearest
// object type when one is close.
func unknownObjectType(v string) string {
	if k, ok := ParseAnyKind(v); ok && k.Directory() {
		return fmt.Sprintf("%s are not searched on their own; the replica uses them to name ids: %s", k.Nouns(), directoryHint(k))
	}
	names := make([]string, 0, len(Kinds()))
	for _, k := range Kinds() {
		names = append(names, k.Plural())
	}
	msg := fmt.Sprintf("object_type must be %s; got %q", orList(names), clip(v))
	if near := Nearest(v, names); len(near) == 1 {
		msg += "; did you mean object_type:" + near[0] + "?"
	}
	return msg
}

// directoryHint says where the names of a directory kind are used in queries.
func directoryHint(k Kind) string {
	switch k {
	case KindAdmin:
		return `filter by a teammate's name or email with admin_assignee:"Alex Rivera", teammate:, last_closed_by: (conversations) or owner: (contacts)`
	case KindTeam:
		return "filter by a team's name with team_assignee:Billing (conversations)"
	case KindTag:
		return "filter by a tag's name with tag:VIP (conversations, contacts, companies, articles)"
	case KindCollection:
		return `filter articles by a collection's name with collection:"Getting started"`
	case KindHelpCenter:
		return `filter articles by a help center's name with help_center:"Help Center"`
	case KindTicketType:
		return `filter tickets by a ticket type's name with ticket_type:"Bug report"`
	}
	return `filter companies by a segment's name with segment:"Active users"`
}

// orList spells a list for a sentence: "a", "a or b", "a, b or c".
func orList(vs []string) string {
	if len(vs) < 2 {
		return strings.Join(vs, "")
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}

// withoutHint says how to find the records without a value in f: f:not_exists, or for a field of names, what its
// id field holds when there is none (an unassigned conversation's admin_assignee_id is 0).
// flagHint points a value that is no state of the kind's but names one of its flags to the flag: state:open on
// tickets, whose states are submitted ... resolved, is "; for open tickets, use open:true" (closed: open:false).
func flagHint(cat *Catalog, raw string) string {
	name, val := strings.ToLower(raw), "true"
	if name == "closed" {
		name, val = "open", "false"
	}
	f, ok := cat.Lookup(name)
	if !ok || f.Type != TypeBool {
		return ""
	}
	return fmt.Sprintf("; for %s %s, use %s:%s", strings.ToLower(raw), cat.Kind().Plural(), f.Name, val)
}

func withoutHint(cat *Catalog, f *Field) string {
	if f.NameOf != "" && f.Target != "" {
		if t, ok := cat.Lookup(f.Target); ok && t.Type == TypeInt {
			return fmt.Sprintf("to find records without one write %s:unassigned (or %s:0)", f.Name, f.Target)
		}
		return fmt.Sprintf("to find records without one write %s:not_exists", f.Target)
	}
	return fmt.Sprintf("to find records without %s write %s:not_exists", nameOf(f), nameOf(f))
}
