package query

import (
	"fmt"
	"strings"
)

// Syntax returns a compact plain-text summary of the DSL, for the search tool's description and --help: the shape
// of a query, operators, values, and the rules a model most often gets wrong.
func Syntax() string {
	return `Query: space-separated terms, all ANDed. object_type:conversations, object_type:contacts, object_type:companies, object_type:articles or object_type:tickets is required.
  field:value (eq) or field:operator:value; in and nin take a comma-separated list (state:in:open,snoozed).
  Quote values with spaces, commas or quotes: name:"Jane Doe" (\" and \\ escape inside quotes); also a value
  whose start looks like an operator and a colon: email:"containz:gmail" (unquoted, it is a misspelled operator).
  q:word or q:"a phrase" searches free text (conversations: every message, subject and title; contacts: name, email and other text; articles: every language's title, description and body; tickets: title, description and parts); several q terms must all match.
  limit:N (default 20; a page holds at most 150: a larger limit returns 150 and a note); starting_after:<cursor> fetches the next page.
Operators: eq neq gt gte lt lte contains not_contains starts_with ends_with in nin exists not_exists (field:exists, field:not_exists).
Timestamps: Unix seconds, 2025-01-31 (midnight UTC), RFC 3339, or a time before now: 30m 24h 7d 2w, today, yesterday.
  eq on a timestamp matches the whole UTC day; gt/gte/lt/lte compare to the second.
Text fields: eq means every word occurs; contains means the phrase occurs.
Durations (statistics_time_to_*): seconds, or 90s 30m 4h 2d 1w.
Custom attributes: custom_attributes.<name> or ca.<name>; quote names with spaces: ca."Ticket category":billing.
Field names ignore case; dotted Intercom names work too (source.author.email = source_author_email).
Ids: prefixed ids (conversation_123, contact_abc, article_39, ticket_7583) and Intercom URLs are accepted wherever an id is.`
}

// Text renders the catalog compactly, one line per field, for tool descriptions and --help. Each line gives the
// name, the type (with the accepted values of an enum, and the operators when they differ from the type's usual
// set) and the description.
func (c *Catalog) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Fields of object_type:%s (name: type. description):\n", c.kind.Plural())
	for _, f := range c.Fields() {
		fmt.Fprintf(&b, "  %s: %s. %s\n", f.Name, typeSummary(f), f.Description)
	}
	b.WriteString("  custom_attributes.<name> (also ca.<name>): any type (compared as the stored value's type). A custom attribute.\n")
	return b.String()
}

// typeSummary describes a field's type for the compact form: "keyword", "keyword: open|closed|snoozed",
// "int, seconds", "keyword list", "keyword; ops eq neq in nin".
func typeSummary(f *Field) string {
	s := f.Type.String()
	if f.Multi {
		s += " list"
	}
	if f.Unit != "" {
		s += ", " + f.Unit
	}
	if f.Enum != nil {
		s += ": " + strings.Join(f.Enum, "|")
	} else if !sameOps(f.Ops, opsFor(f.Type)) {
		s += "; ops " + strings.ReplaceAll(opList(f.Ops), ", ", " ")
	}
	return s
}

func sameOps(a, b []Op) bool {
	return opList(a) == opList(b)
}

// Markdown renders the catalog as a Markdown table: field, aliases, type, operators, Intercom field, description.
func (c *Catalog) Markdown() string {
	var b strings.Builder
	b.WriteString("| field | type | operators | Intercom search field | description |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, f := range c.Fields() {
		name := "`" + f.Name + "`"
		var extra []string
		for _, a := range f.Aliases {
			if normalizeFieldName(a) != f.Name {
				extra = append(extra, "`"+a+"`")
			}
		}
		if len(extra) > 0 {
			name += " (also " + strings.Join(extra, ", ") + ")"
		}
		typ := f.Type.String()
		if f.Multi {
			typ += " list"
		}
		if f.Unit != "" {
			typ += " (" + f.Unit + ")"
		}
		if f.Enum != nil {
			typ += ": " + strings.Join(f.Enum, ", ")
		}
		intercom := "—"
		if f.Intercom != "" {
			intercom = "`" + f.Intercom + "`"
		}
		desc := f.Description
		switch {
		case f.NameOf != "" && f.Target == "":
			desc += " Checked against the replica's " + f.NameOf.Plural() + ": a name it does not know is searched as written (a record may still hold a name since changed), and the result's note names the nearest ones."
		case f.NameOf != "":
			desc += " The replica turns names into ids of `" + f.Target + "`; a name shared by several " + f.NameOf.Plural() + " is an error listing them."
		case f.Index == "":
			desc += " Not searchable in the replica: " + f.Instead + "."
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, typ, strings.ReplaceAll(opList(f.Ops), ", ", " "), intercom, escapePipes(desc))
	}
	intercom := "—"
	if c.kind == KindContact {
		intercom = "`custom_attributes.<name>`"
	}
	fmt.Fprintf(&b, "| `custom_attributes.<name>` (also `ca.<name>`) | any | %s | %s | A custom attribute, compared as the stored value's type. |\n",
		strings.ReplaceAll(opList(anyOps), ", ", " "), intercom)
	return b.String()
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Reference returns the DSL reference in Markdown, as the README shows it: syntax, operators, values, the
// translation to Intercom's Search API, and the field tables of both catalogs. It is generated from the catalog,
// so it cannot drift from what Parse accepts.
func Reference() string {
	var b strings.Builder
	b.WriteString(`The ` + "`search`" + ` tool, ` + "`intercom-replica search`" + ` and the structured ` + "`search_conversations`" + ` and
` + "`search_contacts`" + ` tools share one query language and one validator (package ` + "`query`" + `). A query is
space-separated terms, all ANDed:

` + "```" + `
object_type:conversations state:open source_type:email
object_type:contacts email_domain:"acmeinc.co.uk"
object_type:conversations source_body:contains:"refund" limit:20
object_type:conversations q:"double charged" created_at:gt:2025-01-01 tag:in:vip,urgent
object_type:conversations ca."Ticket category":billing created_at:gte:2025-06-01
object_type:articles q:refund state:published help_center:"Umbrella Support Help Center"
object_type:tickets ticket_type:"Refund request" open:true ticket_attributes."Order ID":exists
` + "```" + `

- **Terms** are ` + "`field:value`" + ` (operator ` + "`eq`" + `) or ` + "`field:operator:value`" + `. ` + "`in`" + ` and ` + "`nin`" + ` take a
  comma-separated list (` + "`state:in:open,snoozed`" + `); ` + "`exists`" + ` and ` + "`not_exists`" + ` take no value
  (` + "`title:exists`" + `; ` + "`field:exists:false`" + ` means ` + "`not_exists`" + `). There is no OR: use ` + "`in`" + `.
- **Values** are bare words or double-quoted strings, with ` + "`\\\"`" + ` and ` + "`\\\\`" + ` as escapes inside quotes. Quote a value
  holding spaces, commas or quotes. Colons need no quotes after an operator (` + "`created_at:gt:2025-01-31T09:30:00Z`" + `)
  or in most values (` + "`source_url:https://example.com`" + `), but a word close to an operator's name between the field
  and a colon is taken for a misspelled operator and refused with the operator meant (` + "`email:containz:gmail`" + `:
  did you mean ` + "`email:contains:gmail`" + `?; ` + "`starts-with`" + `, ` + "`greater_than`" + `, ` + "`not_eq`" + ` and ` + "`~`" + ` likewise): a value
  that really holds such a colon is written quoted, ` + "`email:\"containz:gmail\"`" + `.
- **` + "`object_type`" + `** (` + "`conversations`" + `, ` + "`contacts`" + `, ` + "`companies`" + `, ` + "`articles`" + ` or ` + "`tickets`" + `, singular accepted) is required. **` + "`limit`" + `** is the page size,
  1 to 150 (default 20); a larger limit (or ` + "`per_page`" + ` of the structured tools) returns the largest page, 150, with
  a note saying so. **` + "`starting_after`" + `** is the cursor a previous page returned.
- **` + "`q`" + `** is free text: a bare word must occur, a quoted phrase must occur as written; several ` + "`q`" + ` terms must
  all match, and words match however their letters are cased or accented (` + "`q:martinez`" + ` finds Martínez, ` + "`q:cafe`" + `
  café, full-width letters their ASCII spelling). For conversations it searches every message (the opening message, replies and notes), the subject
  and the title; for contacts, the name, email and other text fields; for articles, the title, description and
  text of every language version; for tickets, the title, description and every part. Free text, and a text field's ` + "`eq`" + `,
  ` + "`contains`" + ` and ` + "`not_contains`" + `, need a word: punctuation, symbols or only common words such as ` + "`the`" + `
  (` + "`q:\"!!!\"`" + `, ` + "`q:*`" + `) are an error, since the search skips them.
- **Field names** ignore case, and Intercom's dotted names work beside the flat ones (` + "`source.author.email`" + ` is
  ` + "`source_author_email`" + `). **Custom attributes** are ` + "`custom_attributes.<name>`" + ` or ` + "`ca.<name>`" + `, the name
  case-sensitive and quoted when it holds spaces: ` + "`ca.\"Ticket category\":billing`" + `; a ticket's attributes (its ticket
  type's fields) are ` + "`ticket_attributes.<name>`" + ` (` + "`ticket_attributes.\"Order ID\":exists`" + `).
- **Ids**: fields holding ids (` + "`id`" + `, ` + "`contact_ids`" + `, ...) also accept prefixed ids (` + "`conversation_123`" + `,
  ` + "`contact_abc`" + `, ` + "`article_39`" + `, ` + "`ticket_7583`" + `), Intercom app URLs and Help Center article URLs.

### Types and operators

| type | values | operators |
| --- | --- | --- |
| keyword | the exact value; a list field matches when any element does | ` + ops(keywordOps) + ` |
| text | words: ` + "`eq`" + ` means every word occurs, ` + "`contains`" + ` that the phrase occurs | ` + ops(textOps) + ` |
| int | whole numbers; durations also take ` + "`90s`" + `, ` + "`30m`" + `, ` + "`4h`" + `, ` + "`2d`" + `, ` + "`1w`" + ` | ` + ops(numberOps) + ` |
| timestamp | Unix seconds, ` + "`2025-01-31`" + ` (midnight UTC), RFC 3339 (no offset means UTC), or a time before now: ` + "`30m`" + `, ` + "`24h`" + `, ` + "`7d`" + `, ` + "`2w`" + `, ` + "`now`" + `, ` + "`today`" + `, ` + "`yesterday`" + ` | ` + ops(timeOps) + ` |
| bool | ` + "`true`" + `, ` + "`false`" + ` | ` + ops(boolOps) + ` |
| any (custom attributes) | compared as the stored value's type: string, number, boolean or date | ` + ops(anyOps) + ` |

On a timestamp, ` + "`eq`" + ` matches the whole UTC day of its value (` + "`created_at:2025-01-31`" + `); ` + "`gt`" + `, ` + "`gte`" + `, ` + "`lt`" + `
and ` + "`lte`" + ` compare to the second (` + "`created_at:gte:2025-01-01 created_at:lt:2025-02-01`" + ` is January). On a list
field, ` + "`eq`" + `/` + "`in`" + ` match when any element matches and ` + "`neq`" + `/` + "`nin`" + ` when none does. Terms that can never hold
together (` + "`state:open state:closed`" + `, an empty range, ` + "`exists`" + ` with ` + "`not_exists`" + `) are an error rather than an empty
result.

### Errors

Every error names what was wrong and what would be right, and where. The tools give the byte offset and the
offending token: ` + "`unknown field \"sate\" for conversations; did you mean \"state\"? (at byte 26: sate)`" + `. The CLI
prints the query under the message with the offending token marked, and exits 2:

` + "```text" + `
intercom-replica search: unknown field "sate" for conversations; did you mean "state"?
object_type:conversations sate:open
                          ^^^^
Run 'intercom-replica search --help' for usage.
` + "```" + `

Errors quote at most a short window (60 characters) of what was written around the offending term. A query is at
most ` + fmt.Sprint(MaxLength) + ` bytes, not counting its ` + "`starting_after:`" + ` cursor (so the next page of any query can be asked for), for
the CLI and every tool alike; a longer one is refused, saying its length, and so is a query that is not valid UTF-8.

A value no record holds is not an error (it may be the true answer), but the result's note says so: for an exact
term (` + "`eq`, `neq`, `in`, `nin`" + `) on a keyword field of free values (a plan, a country, an email domain, a custom
attribute's text; not ids, names or enums, which are checked as above), the note names the nearest values the
replica holds, ignoring case, or all of them when the field has few. The CLI prints the note under the results
(on stderr with ` + "`--json`" + `); the tools put it in ` + "`_note`" + ` and at the end of their text:

` + "```sh" + `
intercom-replica search --demo 'object_type:companies plan:Gowth'
` + "```" + `

` + "```text" + `
No companies match.
No company has plan "Gowth"; did you mean "Growth"?
` + "```" + `

### Translation to Intercom's Search API

` + "`intercom.TranslateQuery`" + ` (package sync/intercom, beside the client that sends searches) turns a query into the
body of Intercom's ` + "`POST /conversations/search`" + ` or ` + "`POST /contacts/search`" + `, within Intercom's limits (15 filters
per group, two levels: longer queries are split into AND groups). Where Intercom's documented semantics make an
exact translation impossible, it selects a superset and lists the term as residual, to be applied to the result:
conversation ` + "`>`" + `/` + "`<`" + ` are documented as "greater (or equal)"/"lower (or equal)" and have no ` + "`>=`" + `/` + "`<=`" + `; contact
dates compare by calendar day in the workspace's time zone (bounds are widened by a day); ` + "`exists`" + ` has no
equivalent. ` + "`q`" + `, and fields marked — below, cannot be searched by Intercom at all: that is an error.

### Conversation fields (` + "`object_type:conversations`" + `)

`)
	b.WriteString(CatalogFor(KindConversation).Markdown())
	b.WriteString("\n### Contact fields (`object_type:contacts`)\n\n")
	b.WriteString(CatalogFor(KindContact).Markdown())
	b.WriteString("\n### Company fields (`object_type:companies`)\n\n")
	b.WriteString(CatalogFor(KindCompany).Markdown())
	b.WriteString("\n### Article fields (`object_type:articles`)\n\n")
	b.WriteString(CatalogFor(KindArticle).Markdown())
	b.WriteString("\n### Ticket fields (`object_type:tickets`)\n\n")
	b.WriteString(CatalogFor(KindTicket).Markdown())
	return b.String()
}

func ops(o []Op) string {
	s := make([]string, len(o))
	for i, op := range o {
		s[i] = "`" + string(op) + "`"
	}
	return strings.Join(s, " ")
}
