package index

import "github.com/intercom-replica/intercom-replica/query"

// Result is one page of a search.
type Result struct {
	Kind  query.Kind
	Total int   // every record matching the query, not just this page
	Hits  []Hit // at most Query.Limit, in result order
	// Next is the cursor of the following page, for Query.StartingAfter; "" on the last page. It is bound to the
	// query: passing it with another query is an ErrInvalidCursor.
	Next string
	// Note says what the replica read differently from what the query wrote, for a front end to show beside the
	// results: a first word taken for a whole name, a name none of the replica's tags or companies has (with the
	// nearest ones). "" when nothing.
	Note string `json:",omitempty"`
}

// Hit is one record of a result with what a tool shows about it, taken from the index without reading the stored
// record (snippets excepted, see Snippets). Fields that do not apply to the hit's kind are zero.
//
// Order: with free text (q:) hits are ranked by relevance (Score, highest first; ties in an internal order that
// stays put); without, by UpdatedAt, most recent first, ties by ID, highest first. The order is total, so cursors
// neither skip nor repeat.
type Hit struct {
	Kind query.Kind
	ID   string
	// Title is a one-line label: a conversation's title, else its email subject, else the start of its opening
	// message; a contact's name, else email, external id or id.
	Title     string
	CreatedAt int64 // Unix seconds, Intercom's
	UpdatedAt int64 // Unix seconds, Intercom's
	// Score is the relevance of a free-text hit (higher is better; only comparable within one result); 0 when the
	// query has no free text.
	Score float64
	// Snippets are the passages that matched the free text, at most two, each a single line with the matched
	// words wrapped in "**" and "…" where the passage was cut; taken from the opening message and the
	// conversation's parts (a title or subject match shows the title). Nil without free text. They are cut from
	// the stored record's text, the one read a search makes per hit.
	Snippets []string
	Tags     []string // tag names

	// Conversations.
	State           string // open, closed or snoozed
	Open            bool
	Read            bool
	Priority        string // none, low, medium, high, urgent (as Intercom sent it)
	SourceType      string // channel of the opening message: conversation (Messenger), email, twitter, ...
	AuthorName      string // author of the opening message
	AuthorEmail     string
	Preview         string // the start of the opening message as plain text, at most 160 bytes
	PartsCount      int    // parts the replica holds (replies, notes, events)
	AdminAssigneeID string // "" when unassigned
	TeamAssigneeID  string // "" when unassigned

	// Contacts.
	Name       string
	Email      string
	Role       string // user or lead
	Phone      string
	ExternalID string
	LastSeenAt int64    // Unix seconds; 0 when never seen
	Location   string   // "City, Country" as far as known
	Companies  []string // company names

	// Articles (Title is the title, State published or draft, Preview the description or the body's start).
	URL      string
	AuthorID string   // the teammate who wrote it
	Locales  []string // languages it is written in (en, fr, ...)
	// CollectionIDs are the collections and sections the article is in (its parent_ids).
	CollectionIDs []string

	// Tickets (Title is the title, State the state's category, Preview the description's start; PartsCount,
	// Open and the assignees as for conversations).
	Category   string // Customer, Back-office or Tracker
	TicketType string // the ticket type's name
	StateLabel string // the state as teammates see it ("Working on it")

	// Linked are the prefixed ids of the tickets (and, for tickets, conversations) linked to a conversation or a
	// ticket: ticket_7583, conversation_1001.
	Linked []string
}
