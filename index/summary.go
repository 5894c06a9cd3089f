package index

import (
	"encoding/binary"
	"errors"

	"github.com/intercom-replica/intercom-replica/query"
)

// summary is what a search hit shows about a record without reading the record: it is computed when the record
// is written, persisted with the record's row, and held in memory by the column table.
type summary struct {
	title                string
	createdAt, updatedAt int64

	// conversations
	state, priority, sourceType     string
	open, read                      bool
	authorName, authorEmail         string
	preview                         string
	partsCount                      int64
	adminAssigneeID, teamAssigneeID string

	// contacts
	name, email, role, phone, externalID string
	lastSeenAt                           int64
	location                             string
	companies                            []string

	tags []string // every kind that has tags

	// articles and tickets
	url        string   // an article's public URL
	authorID   string   // an article's author (a teammate)
	locales    []string // the languages an article is written in
	category   string   // a ticket's category: Customer, Back-office, Tracker
	ticketType string   // a ticket's type, by name
	stateLabel string   // a ticket state's label as teammates see it
	linked     []string // prefixed ids of the linked tickets and conversations (conversations, tickets)
	parents    []string // the collections and sections an article is in, by id
}

// hit fills the summary fields of a Hit.
func (s *summary) hit(kind query.Kind, id string) Hit {
	h := Hit{
		Kind: kind, ID: id, Title: s.title, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt, Tags: s.tags,
		State: s.state, Open: s.open, Read: s.read, Priority: s.priority, SourceType: s.sourceType,
		AuthorName: s.authorName, AuthorEmail: s.authorEmail, Preview: s.preview, PartsCount: int(s.partsCount),
		AdminAssigneeID: s.adminAssigneeID, TeamAssigneeID: s.teamAssigneeID,
		Name: s.name, Email: s.email, Role: s.role, Phone: s.phone, ExternalID: s.externalID,
		LastSeenAt: s.lastSeenAt, Location: s.location, Companies: s.companies,
		URL: s.url, AuthorID: s.authorID, Locales: s.locales, Category: s.category, TicketType: s.ticketType,
		StateLabel: s.stateLabel, Linked: s.linked, CollectionIDs: s.parents,
	}
	return h
}

// summaryVersion is the first byte of an encoded summary; decoding refuses any other.
const summaryVersion = 3

// appendSummary encodes s compactly: a version byte, then every field in a fixed order (strings and lists
// length-prefixed, numbers as varints, the two booleans as one byte).
func appendSummary(b []byte, s *summary) []byte {
	b = append(b, summaryVersion)
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	list := func(vs []string) {
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			str(v)
		}
	}
	str(s.title)
	b = binary.AppendVarint(b, s.createdAt)
	b = binary.AppendVarint(b, s.updatedAt)
	str(s.state)
	str(s.priority)
	str(s.sourceType)
	var flags byte
	if s.open {
		flags |= 1
	}
	if s.read {
		flags |= 2
	}
	b = append(b, flags)
	str(s.authorName)
	str(s.authorEmail)
	str(s.preview)
	b = binary.AppendVarint(b, s.partsCount)
	str(s.adminAssigneeID)
	str(s.teamAssigneeID)
	str(s.name)
	str(s.email)
	str(s.role)
	str(s.phone)
	str(s.externalID)
	b = binary.AppendVarint(b, s.lastSeenAt)
	str(s.location)
	list(s.companies)
	list(s.tags)
	str(s.url)
	str(s.authorID)
	list(s.locales)
	str(s.category)
	str(s.ticketType)
	str(s.stateLabel)
	list(s.linked)
	list(s.parents)
	return b
}

var errCorruptSummary = errors.New("corrupt summary")

// decodeSummary reverses appendSummary. Strings are copied out of b.
func decodeSummary(b []byte) (summary, error) {
	var s summary
	if len(b) == 0 || b[0] != summaryVersion {
		return s, errCorruptSummary
	}
	d := decoder{b: b[1:]}
	s.title = d.str()
	s.createdAt = d.varint()
	s.updatedAt = d.varint()
	s.state = d.str()
	s.priority = d.str()
	s.sourceType = d.str()
	flags := d.byte()
	s.open, s.read = flags&1 != 0, flags&2 != 0
	s.authorName = d.str()
	s.authorEmail = d.str()
	s.preview = d.str()
	s.partsCount = d.varint()
	s.adminAssigneeID = d.str()
	s.teamAssigneeID = d.str()
	s.name = d.str()
	s.email = d.str()
	s.role = d.str()
	s.phone = d.str()
	s.externalID = d.str()
	s.lastSeenAt = d.varint()
	s.location = d.str()
	s.companies = d.list()
	s.tags = d.list()
	s.url = d.str()
	s.authorID = d.str()
	s.locales = d.list()
	s.category = d.str()
	s.ticketType = d.str()
	s.stateLabel = d.str()
	s.linked = d.list()
	s.parents = d.list()
	if d.err != nil || len(d.b) != 0 {
		return summary{}, errCorruptSummary
	}
	return s, nil
}

// decoder reads the varint/length-prefixed encodings of this package, remembering the first error so callers can
// check once at the end.
type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated encoding")

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errShort
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if uint64(len(d.b)) < n {
		d.err = errShort
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) list() []string {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return nil
	}
	out := make([]string, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, d.str())
	}
	return out
}
