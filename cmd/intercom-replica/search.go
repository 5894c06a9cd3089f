package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

const searchExamples = `  intercom-replica search 'object_type:conversations state:open source_type:email'
  intercom-replica search 'object_type:conversations q:"double charged" created_at:gt:30d limit:50'
  intercom-replica search --json 'object_type:contacts email_domain:example.com' | jq .email
  intercom-replica search --demo 'object_type:conversations q:refund'
  intercom-replica search --demo 'object_type:articles q:refund state:published'
  intercom-replica search --demo 'object_type:tickets ticket_type:"Bug report" open:true'

The query language is the search tool's (README, "The query language"). A page holds limit results (default
20, at most 150: a larger limit returns 150 and says so); the line after the table gives the query of the next
page.
`

func runSearch(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("search", "search [--json] [flags] 'QUERY'", searchExamples)
	rf := addReplicaFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per result (JSON lines) instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("search takes one argument, the query in quotes, e.g. 'object_type:conversations q:refund'; got %d", fs.NArg())
	}
	dsl := fs.Arg(0)
	var qe *query.Error // the query's mistakes: shown under the query, exit 2
	q, err := query.Parse(dsl, query.Options{})
	if err != nil {
		if errors.As(err, &qe) {
			return usageError{errors.New(qe.Caret(dsl))}
		}
		return usageError{err}
	}
	acc, _, _, err := openForReading(ctx, m, rf)
	if err != nil {
		return err
	}
	defer acc.Close()
	res, err := acc.Search(ctx, q)
	if errors.As(err, &qe) { // a term the index finds nothing to search for in: the query's mistake
		return usageError{errors.New(qe.Caret(dsl))}
	}
	if ce := (*index.CursorError)(nil); errors.As(err, &ce) {
		return usageError{ce} // it says what to pass instead
	}
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	place := placeArgs(fs)
	if *asJSON {
		for _, note := range []string{q.Note, res.Note} {
			if note != "" { // stdout holds results only; what the query changed goes to stderr
				fmt.Fprintln(m.Stderr, note)
			}
		}
		if res.Next != "" { // stdout holds results only; the way on goes to stderr
			next := q
			next.StartingAfter = res.Next
			fmt.Fprintf(m.Stderr, "%d of %d; next page: intercom-replica search --json %s%s\n", len(res.Hits), res.Total, place, shellQuote(next.String()))
		}
		if err := writeHitsJSON(m.Stdout, res, acc.NameLookup(ctx)); err != nil {
			return err
		}
		m.noteIncomplete(ctx, acc, q.Kind)
		return nil
	}
	writeHitsTable(m.Stdout, q, res, place, acc.NameLookup(ctx))
	m.noteIncomplete(ctx, acc, q.Kind)
	return nil
}

// placeArgs returns the flags given on the command line that decide which replica a command reads (--demo,
// --data-dir, --config), as shell words each followed by a space, so that a printed follow-up command (the next
// page) reads the same replica when pasted.
func placeArgs(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "demo":
			if f.Value.String() == "true" {
				b.WriteString("--demo ")
			}
		case configs.FlagDataDir, configs.FlagConfig:
			fmt.Fprintf(&b, "--%s %s ", f.Name, shellWord(f.Value.String()))
		}
	})
	return b.String()
}

// writeHitsTable prints a page of results as a table, then how many there are and the command for the next page,
// with place (the flags choosing the replica, see placeArgs) before its query, and the query's note. Teammates and
// teams are shown by their names in names (nil: ids).
func writeHitsTable(w io.Writer, q query.Query, res index.Result, place string, names mcp.NameLookup) {
	if len(res.Hits) == 0 {
		fmt.Fprintf(w, "No %s match.\n", res.Kind.Plural())
		if res.Note != "" { // a name the replica does not know: the likely reason
			fmt.Fprintln(w, res.Note)
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	freeText := len(q.Text) > 0 // contacts have no message to preview: a snippet only when free text matched
	switch res.Kind {
	case query.KindCompany:
		fmt.Fprintln(tw, "ID\tUPDATED\tNAME\tCOMPANY ID\tDETAILS")
	case query.KindArticle:
		fmt.Fprintln(tw, "ID\tSTATE\tUPDATED\tTITLE\tAUTHOR\tLANGUAGES\tSNIPPET")
	case query.KindTicket:
		fmt.Fprintln(tw, "ID\tTYPE\tSTATE\tUPDATED\tTITLE\tASSIGNEE\tSNIPPET")
	case query.KindContact:
		fmt.Fprint(tw, "ID\tROLE\tUPDATED\tNAME\tEMAIL")
		if freeText {
			fmt.Fprint(tw, "\tSNIPPET")
		}
		fmt.Fprintln(tw)
	default:
		fmt.Fprintln(tw, "ID\tSTATE\tUPDATED\tSUBJECT\tSNIPPET")
	}
	for _, h := range res.Hits {
		snippet := h.Preview
		if len(h.Snippets) > 0 {
			snippet = h.Snippets[0]
		}
		id := query.FormatID(h.Kind, h.ID)
		updated := time.Unix(h.UpdatedAt, 0).UTC().Format("2006-01-02 15:04")
		switch h.Kind {
		case query.KindCompany: // the details: the free text's match, else plan, size, industry, ...
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, updated, cell(snippetOrDash(h.Name), 28), cell(snippetOrDash(h.ExternalID), 16), cell(snippetOrDash(snippet), 70))
		case query.KindArticle: // the snippet: the free text's match, else the description
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, cell(h.State, 10), updated, cell(h.Title, 40),
				cell(snippetOrDash(namedOrID(names, query.KindAdmin, h.AuthorID)), 20), cell(snippetOrDash(strings.Join(h.Locales, ",")), 20), cell(snippetOrDash(snippet), 60))
		case query.KindTicket: // the state's category (what state: filters on); the assignee: the teammate, else the team
			assignee := namedOrID(names, query.KindAdmin, h.AdminAssigneeID)
			if assignee == "" {
				assignee = namedOrID(names, query.KindTeam, h.TeamAssigneeID)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, cell(snippetOrDash(h.TicketType), 20), cell(h.State, 20), updated, cell(h.Title, 40),
				cell(snippetOrDash(assignee), 20), cell(snippetOrDash(snippet), 60))
		case query.KindContact:
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s", id, cell(h.Role, 8), updated, cell(snippetOrDash(h.Name), 28), cell(snippetOrDash(h.Email), 40))
			if freeText {
				fmt.Fprintf(tw, "\t%s", cell(snippetOrDash(snippet), 60))
			}
			fmt.Fprintln(tw)
		default:
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, cell(h.State, 8), updated, cell(h.Title, 40), cell(snippetOrDash(snippet), 70))
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d of %s.", len(res.Hits), countOf(res.Total, res.Kind))
	if res.Next != "" {
		next := q
		next.StartingAfter = res.Next
		fmt.Fprintf(w, " Next page:\n  intercom-replica search %s%s", place, shellQuote(next.String()))
	}
	fmt.Fprintln(w)
	for _, note := range []string{q.Note, res.Note} {
		if note != "" { // what the query changed from what was asked (a limit above a page, a name)
			fmt.Fprintln(w, note)
		}
	}
}

// cell makes s fit one table cell: on one line, at most n runes.
func cell(s string, n int) string {
	s = strings.Join(strings.Fields(mcp.Sanitize(s)), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func snippetOrDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// shellQuote quotes s for a POSIX shell, so a printed command can be pasted as is.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellWord returns s as one shell word: as it is when it holds nothing a POSIX shell would interpret, quoted
// otherwise.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+=@%") == "" {
		return s
	}
	return shellQuote(s)
}

// hitLine is one search result of `search --json`.
type hitLine struct {
	ID        string   `json:"id"` // prefixed: conversation_123, contact_abc
	Kind      string   `json:"kind"`
	Title     string   `json:"title"`
	CreatedAt string   `json:"created_at,omitempty"`
	UpdatedAt string   `json:"updated_at,omitempty"`
	Score     float64  `json:"score,omitempty"`
	Snippets  []string `json:"snippets,omitempty"`
	Tags      []string `json:"tags,omitempty"`

	State           string `json:"state,omitempty"`
	Open            *bool  `json:"open,omitempty"`
	Read            *bool  `json:"read,omitempty"`
	Priority        string `json:"priority,omitempty"`
	SourceType      string `json:"source_type,omitempty"`
	AuthorName      string `json:"author_name,omitempty"`
	AuthorEmail     string `json:"author_email,omitempty"`
	Preview         string `json:"preview,omitempty"`
	PartsCount      int    `json:"parts_count,omitempty"`
	AdminAssigneeID string `json:"admin_assignee_id,omitempty"`
	AdminAssignee   string `json:"admin_assignee,omitempty"` // the teammate's name
	TeamAssigneeID  string `json:"team_assignee_id,omitempty"`
	TeamAssignee    string `json:"team_assignee,omitempty"` // the team's name

	Name       string   `json:"name,omitempty"`
	Email      string   `json:"email,omitempty"`
	Role       string   `json:"role,omitempty"`
	Phone      string   `json:"phone,omitempty"`
	ExternalID string   `json:"external_id,omitempty"`
	LastSeenAt string   `json:"last_seen_at,omitempty"`
	Location   string   `json:"location,omitempty"`
	Companies  []string `json:"companies,omitempty"`

	CompanyID string `json:"company_id,omitempty"` // a company's id in your systems (Intercom's company_id)

	URL        string   `json:"url,omitempty"`       // an article's public page
	AuthorID   string   `json:"author_id,omitempty"` // the teammate who wrote an article
	Locales    []string `json:"locales,omitempty"`   // the languages an article is written in
	TicketType string   `json:"ticket_type,omitempty"`
	Category   string   `json:"category,omitempty"`    // a ticket's: Customer, Back-office or Tracker
	StateLabel string   `json:"state_label,omitempty"` // a ticket's state as teammates see it
	// Linked are the prefixed ids of the tickets (and, for a ticket, conversations) linked to a conversation or a
	// ticket.
	Linked []string `json:"linked,omitempty"`
}

// writeHitsJSON prints a page of results as JSON lines, one result per line, with the names of the teammates and
// teams assigned beside their ids (names may be nil: ids alone).
func writeHitsJSON(w io.Writer, res index.Result, names mcp.NameLookup) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, h := range res.Hits {
		l := hitLine{
			ID: query.FormatID(h.Kind, h.ID), Kind: string(h.Kind), Title: h.Title,
			CreatedAt: rfc3339(h.CreatedAt), UpdatedAt: rfc3339(h.UpdatedAt), Score: finite(h.Score), Snippets: h.Snippets, Tags: h.Tags,
			Name: h.Name, Email: h.Email, Role: h.Role, Phone: h.Phone, ExternalID: h.ExternalID,
			LastSeenAt: rfc3339(h.LastSeenAt), Location: h.Location, Companies: h.Companies,
		}
		if h.Kind == query.KindConversation {
			open, read := h.Open, h.Read
			l.State, l.Open, l.Read, l.Priority, l.SourceType = h.State, &open, &read, h.Priority, h.SourceType
			l.AuthorName, l.AuthorEmail, l.Preview, l.PartsCount = h.AuthorName, h.AuthorEmail, h.Preview, h.PartsCount
			l.AdminAssigneeID, l.TeamAssigneeID = h.AdminAssigneeID, h.TeamAssigneeID
			l.AdminAssignee, l.TeamAssignee = lookupName(names, query.KindAdmin, h.AdminAssigneeID), lookupName(names, query.KindTeam, h.TeamAssigneeID)
		}
		if h.Kind == query.KindCompany { // its external id is the company_id; the preview says plan, size, industry
			l.CompanyID, l.ExternalID, l.Preview = h.ExternalID, "", h.Preview
		}
		switch h.Kind {
		case query.KindArticle: // author_name is the teammate who wrote it, as a conversation's is its first message's author
			l.State, l.URL, l.AuthorID, l.Locales, l.Preview = h.State, h.URL, h.AuthorID, h.Locales, h.Preview
			l.AuthorName = lookupName(names, query.KindAdmin, h.AuthorID)
		case query.KindTicket:
			open := h.Open
			l.State, l.StateLabel, l.Open, l.TicketType, l.Category = h.State, h.StateLabel, &open, h.TicketType, h.Category
			l.Preview, l.PartsCount = h.Preview, h.PartsCount
			l.AdminAssigneeID, l.TeamAssigneeID = h.AdminAssigneeID, h.TeamAssigneeID
			l.AdminAssignee, l.TeamAssignee = lookupName(names, query.KindAdmin, h.AdminAssigneeID), lookupName(names, query.KindTeam, h.TeamAssigneeID)
		}
		l.Linked = h.Linked
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

// lookupName returns the name of the record of kind with id, "" when names is nil or has none.
func lookupName(names mcp.NameLookup, kind query.Kind, id string) string {
	if names == nil || id == "" {
		return ""
	}
	n, _ := names.Name(kind, id)
	return n
}

// namedOrID returns the name of the record of kind with id, else its id; "" for no id (or "0", Intercom's
// "unassigned").
func namedOrID(names mcp.NameLookup, kind query.Kind, id string) string {
	if id == "" || id == "0" {
		return ""
	}
	if n := lookupName(names, kind, id); n != "" {
		return n
	}
	return id
}

// rfc3339 formats Unix seconds as RFC 3339 in UTC, "" for zero.
func rfc3339(unix int64) string {
	if unix == 0 {
		return ""
	}
	return time.Unix(unix, 0).UTC().Format(time.RFC3339)
}

// finite returns f, or 0 when it is not a finite number (which JSON cannot carry).
func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}
