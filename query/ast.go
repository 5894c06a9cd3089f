package query

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind is the type of a record the replica holds: a searchable kind (conversations, contacts, companies, articles,
// tickets) or a directory kind (teammates, teams, tags, segments, Help Center collections and help centers, ticket
// types), whose records give ids their names.
type Kind string

// The kinds of record the replica holds. The DSL spells the searchable ones in the plural
// (object_type:conversations); prefixed ids use the singular (conversation_123, contact_abc, company_5f1e...).
const (
	KindConversation Kind = "conversation"
	KindContact      Kind = "contact"
	KindCompany      Kind = "company"
	KindArticle      Kind = "article" // a Help Center article
	KindTicket       Kind = "ticket"

	KindAdmin      Kind = "admin" // a teammate
	KindTeam       Kind = "team"
	KindTag        Kind = "tag"
	KindSegment    Kind = "segment"
	KindCollection Kind = "collection" // a Help Center collection or section
	KindHelpCenter Kind = "help_center"
	KindTicketType Kind = "ticket_type"
)

// Kinds lists every searchable kind, in a stable order: the kinds object_type names.
func Kinds() []Kind {
	return []Kind{KindConversation, KindContact, KindCompany, KindArticle, KindTicket}
}

// DirectoryKinds lists the kinds the replica copies to name the ids other records hold (teammates, teams, tags,
// segments, collections, help centers, ticket types): small lists, not searched by object_type, in a stable order.
func DirectoryKinds() []Kind {
	return []Kind{KindAdmin, KindTeam, KindTag, KindSegment, KindCollection, KindHelpCenter, KindTicketType}
}

// AllKinds lists every kind the replica stores: Kinds, then DirectoryKinds.
func AllKinds() []Kind { return append(Kinds(), DirectoryKinds()...) }

// Plural returns the DSL spelling of k ("conversations", "contacts", "companies"), as used by object_type.
func (k Kind) Plural() string {
	if k == KindCompany {
		return "companies"
	}
	return string(k) + "s"
}

// Noun returns what a person calls one record of k: "conversation", "contact", "company", "article", "ticket",
// "teammate", "team", "tag", "segment", "collection", "help center", "ticket type".
func (k Kind) Noun() string {
	switch k {
	case KindAdmin:
		return "teammate"
	case KindHelpCenter:
		return "help center"
	case KindTicketType:
		return "ticket type"
	}
	return string(k)
}

// Nouns returns what a person calls several records of k: "conversations", "companies", "teammates", "help
// centers".
func (k Kind) Nouns() string {
	if k == KindCompany {
		return "companies"
	}
	return k.Noun() + "s"
}

// Valid reports whether k is one of the searchable kinds in Kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindConversation, KindContact, KindCompany, KindArticle, KindTicket:
		return true
	}
	return false
}

// Directory reports whether k is one of the DirectoryKinds.
func (k Kind) Directory() bool {
	switch k {
	case KindAdmin, KindTeam, KindTag, KindSegment, KindCollection, KindHelpCenter, KindTicketType:
		return true
	}
	return false
}

// ParseAnyKind reads the name of any kind the replica stores, searchable or directory, as a person writes it:
// plural or singular, any case; teammates are also admins. It returns false for anything else.
func ParseAnyKind(s string) (Kind, bool) {
	if k, ok := ParseKind(s); ok {
		return k, true
	}
	lower := strings.ToLower(s)
	for _, k := range DirectoryKinds() {
		if lower == string(k) || lower == k.Plural() || lower == k.Noun() || lower == k.Noun()+"s" ||
			strings.ReplaceAll(lower, "-", "_") == k.Plural() {
			return k, true
		}
	}
	return "", false
}

// ParseKind reads an object type as a user or a model writes it: "conversations", "contacts", "companies",
// "articles", "tickets", or the singular forms, in any case. It returns false for anything else, directory kinds
// included.
func ParseKind(s string) (Kind, bool) {
	switch strings.ToLower(s) {
	case "conversations", "conversation":
		return KindConversation, true
	case "contacts", "contact":
		return KindContact, true
	case "companies", "company":
		return KindCompany, true
	case "articles", "article":
		return KindArticle, true
	case "tickets", "ticket":
		return KindTicket, true
	}
	return "", false
}

// DefaultLimit is the page size of a query that sets no limit; MaxLimit is the largest page size allowed, the same
// as Intercom's per_page maximum.
const (
	DefaultLimit = 20
	MaxLimit     = 150
)

// Query is a validated search: everything a front end (the search tool's DSL, the structured search_* tools, the
// CLI) asks of the replica or of Intercom. Parse and the filter types' Query methods are the only producers that
// validate; code that builds a Query by hand must keep to the same rules.
type Query struct {
	Kind          Kind       // conversation or contact
	Terms         []Term     // filters, ANDed
	Text          []TextTerm // q: free text (several q: terms combine, all must match); empty when none
	Limit         int        // 1..150, default 20
	StartingAfter string     // opaque cursor from a previous page ("" = first page); validated by index
	// Note says what Parse or a filter changed from what was asked, for a front end to show beside the results:
	// a limit (or per_page) above MaxLimit asks for the largest page instead, and Note says so. "" when nothing
	// was changed. It is not part of the DSL: String does not print it.
	Note string
}

// TextTerm is one piece of free text (q:). A bare word (Phrase false) must match as a word, ranked; a quoted
// phrase (Phrase true) must match as consecutive words. A bare TextTerm never contains white space.
type TextTerm struct {
	Text   string
	Phrase bool
}

// Term is one filter: a field compared with values by an operator. Terms of a Query are ANDed.
//
// For a field with Multi set (a list in the record, such as tag names), eq and in match when any element matches,
// and neq and nin match when no element does.
type Term struct {
	Field  *Field  // catalog field; for custom attributes a synthesized *Field (Custom != "")
	Op     Op      // one of Field.Ops
	Values []Value // 1 for scalar ops, >=1 for in/nin, 0 for exists and not_exists
}

// Op is a comparison operator of the DSL. Which operators a field takes depends on its type (see Field.Ops).
type Op string

// The operators. eq is the default when a term names none (state:open).
//
// On a timestamp field, eq matches the whole UTC calendar day of the value (created_at:2025-01-31 matches any
// second of that day); gt, gte, lt and lte compare to the second. On a text field, eq means every word of the value
// occurs in the text (in any order) and contains means the value occurs as a phrase.
const (
	OpEq          Op = "eq"
	OpNeq         Op = "neq"
	OpGt          Op = "gt"
	OpGte         Op = "gte"
	OpLt          Op = "lt"
	OpLte         Op = "lte"
	OpContains    Op = "contains"
	OpNotContains Op = "not_contains"
	OpStartsWith  Op = "starts_with"
	OpEndsWith    Op = "ends_with"
	OpIn          Op = "in"
	OpNin         Op = "nin"
	OpExists      Op = "exists"     // the field is present and not empty
	OpNotExists   Op = "not_exists" // the field is absent, null or empty; also written field:exists:false
)

// AllOps lists every operator in the order the documentation presents them.
func AllOps() []Op {
	return []Op{OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpContains, OpNotContains, OpStartsWith, OpEndsWith,
		OpIn, OpNin, OpExists, OpNotExists}
}

// ParseOp reads an operator name, in any case. It returns false for anything that is not an operator.
func ParseOp(s string) (Op, bool) {
	// A switch rather than a map lookup: no allocation for the lower-casing in the common, already-lower case.
	switch s {
	case "eq", "neq", "gt", "gte", "lt", "lte", "contains", "not_contains", "starts_with", "ends_with", "in",
		"nin", "exists", "not_exists":
		return Op(s), true
	}
	if l := strings.ToLower(s); l != s {
		return ParseOp(l)
	}
	return "", false
}

// Arity reports how many values op takes: 0 for exists and not_exists, -1 (one or more) for in and nin, and 1 for
// every other operator.
func (op Op) Arity() int {
	switch op {
	case OpExists, OpNotExists:
		return 0
	case OpIn, OpNin:
		return -1
	}
	return 1
}

// FieldType is the type of a field's values, which decides how values are parsed and which operators apply.
type FieldType int

// The field types.
const (
	// TypeKeyword is an exact string (an id, an email, an enum such as state). Comparisons are on the whole value.
	TypeKeyword FieldType = iota + 1
	// TypeText is analysed text (message bodies, subjects): matched by words and phrases.
	TypeText
	// TypeInt is a whole number (durations in seconds, counts, numeric ids).
	TypeInt
	// TypeFloat is a number that may have a fraction.
	TypeFloat
	// TypeTimestamp is a point in time, stored by Intercom as Unix seconds.
	TypeTimestamp
	// TypeBool is true or false.
	TypeBool
	// TypeAny is a custom attribute, whose type is known only from the data: each Value carries every parse of the
	// text that succeeded (see Value.Parsed), and the index compares with the one that fits the stored JSON type.
	TypeAny
)

// String returns the name the documentation uses for t ("keyword", "timestamp", ...).
func (t FieldType) String() string {
	switch t {
	case TypeKeyword:
		return "keyword"
	case TypeText:
		return "text"
	case TypeInt:
		return "int"
	case TypeFloat:
		return "float"
	case TypeTimestamp:
		return "timestamp"
	case TypeBool:
		return "bool"
	case TypeAny:
		return "any"
	}
	return fmt.Sprintf("FieldType(%d)", int(t))
}

// Field describes one searchable field of a kind of record: how the DSL names it, its type and operators, where
// the local index keeps it, and what Intercom's Search API calls it. Fields come from a Catalog and are shared:
// never modify one.
type Field struct {
	Name    string   // canonical DSL name, flat snake_case, e.g. "source_author_email"
	Aliases []string // other accepted names, e.g. "source.author.email"; matching ignores case
	Type    FieldType
	Ops     []Op     // operators the field accepts
	Enum    []string // the accepted values when the set is closed (state: open, closed, snoozed); nil otherwise
	// ValueNames are names a keyword field also takes for some of its values, lower-cased name → value (an
	// article's locale: french → fr); other values are taken as written.
	ValueNames  map[string]string
	Unit        string    // unit of a number: "seconds" for durations, which also accept 90s, 30m, 4h, 2d, 1w; "" otherwise
	Index       string    // field name in the local index (no dots), e.g. "source_author_email", "ca_tier"; "" if the replica can't search it
	Intercom    string    // Intercom Search API field, e.g. "source.author.email"; "" if Intercom can't search it
	Path        string    // where the value sits in the record's JSON as Intercom returns it ("a.b", "[]" marks a list); "" when derived
	Multi       bool      // list-valued in the record (tag names, contact ids, company names)
	IDOf        Kind      // for fields holding ids of a kind, that kind: its prefixed ids (contact_abc) are accepted and stripped
	Custom      string    // custom attribute name for custom-attribute fields, "" otherwise
	Digits      bool      // a phone number: values compare by their digits (PhoneDigits), which Value.Str holds
	Description string    // one line, for documentation and tool descriptions
	Instead     string    // when the replica can't search the field (Index ""): why, and what to search instead
	Range       *[2]int64 // for a whole number with a closed scale (a rating, 1 to 5): its least and greatest values
	// NameOf, for a field that takes the names of records of a kind (a teammate's name or email, a tag's name, a
	// company's name), is that kind; Target is the field of the same catalog holding their ids. ResolveNames
	// turns such a term into a term on Target before the replica searches. A field with NameOf but no Target holds
	// the names themselves (a conversation's tag names): ResolveNames checks that each name is one the replica
	// knows and writes it as the replica spells it. "" otherwise.
	NameOf Kind
	Target string
	// Via, for a field with NameOf and Target, is the kind of the records Target holds when those are not NameOf's
	// but its members (a help center's collections: help_center:"Help Center" is collection_id:in:<its
	// collections>, Names.Members). "" otherwise.
	Via Kind
}

// Allows reports whether op is one of f's operators.
func (f *Field) Allows(op Op) bool {
	for _, o := range f.Ops {
		if o == op {
			return true
		}
	}
	return false
}

// Parsed records which typed members of a Value hold a parse of its text.
type Parsed uint8

// The parses a Value can carry.
const (
	ParsedInt   Parsed = 1 << iota // Int holds the value as a whole number
	ParsedFloat                    // Float holds the value as a number
	ParsedBool                     // Bool holds the value as true or false
	ParsedTime                     // Int holds the value as Unix seconds (a timestamp written as a date, RFC 3339 or relative)
)

// Value is one operand of a term, kept as written and as parsed for the field's type:
//
//   - keyword, text: Str is the text (for a field with Enum, the catalog's spelling of the matching value; for a
//     field with Digits, the digits of the phone number, PhoneDigits).
//   - int: Int, and Float with the same value (Parsed has ParsedInt|ParsedFloat); Str is the decimal form.
//   - float: Float (ParsedFloat); Str is the shortest decimal form.
//   - timestamp: Int holds Unix seconds (ParsedTime|ParsedInt); Str is the instant in RFC 3339, UTC.
//   - bool: Bool (ParsedBool); Str is "true" or "false".
//   - any (custom attributes): Str is the text, and Int, Float, Bool are set for each parse that succeeded,
//     as recorded in Parsed. A date or relative time ("2025-01-31", "7d") sets Int to Unix seconds with ParsedTime.
type Value struct {
	Raw    string // the value as written, after removing quotes and escapes
	Str    string
	Int    int64 // Int holds unix seconds for timestamps
	Float  float64
	Bool   bool
	Parsed Parsed
}

// Error is a query the package cannot accept: a syntax error, an unknown field, an operator or value that does not
// fit the field, or a query Intercom's Search API cannot express. Msg says what was wrong and what would be right;
// it is written for the language model or person who wrote the query.
type Error struct {
	Pos         int      // byte offset of Token in the DSL text; -1 when the error has no position (structured filters, missing object_type)
	Token       string   // the offending term or token as written; for structured filters, the argument's name
	Msg         string   // what was wrong and how to fix it
	Suggestions []string // for an unknown field, the closest valid names, best first
}

// Error returns Msg, followed by the position and token when the error has a position. A long token is cut to
// a short window (60 runes) ending in an ellipsis.
func (e *Error) Error() string {
	if e.Pos < 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s (at byte %d: %s)", e.Msg, e.Pos, clip(e.Token))
}

// Caret renders the error under the query it came from, with a caret line marking the offending token, for
// showing to a model or a terminal. It shows a window of the query around the token, at most 60 runes, with an
// ellipsis where it cuts the query. Without a position it returns Error().
func (e *Error) Caret(dsl string) string {
	if e.Pos < 0 || e.Pos > len(dsl) {
		return e.Error()
	}
	start, end := window(dsl, e.Pos)
	if strings.ContainsAny(dsl[start:end], "\n\r") {
		return e.Error()
	}
	var b strings.Builder
	b.WriteString(e.Msg)
	b.WriteByte('\n')
	col := 0
	if start > 0 {
		b.WriteString("…")
		col = 1
	}
	b.WriteString(dsl[start:end])
	if end < len(dsl) {
		b.WriteString("…")
	}
	b.WriteByte('\n')
	// Columns count runes so the caret lines up in a terminal for non-ASCII text.
	col += utf8.RuneCountInString(dsl[start:e.Pos])
	width := utf8.RuneCountInString(dsl[e.Pos:min(end, e.Pos+len(e.Token))])
	b.WriteString(strings.Repeat(" ", col))
	b.WriteString(strings.Repeat("^", max(width, 1)))
	return b.String()
}
