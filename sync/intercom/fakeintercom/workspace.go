package fakeintercom

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"
	"time"
)

// EpochUnix is the fixed instant (2026-01-01T00:00:00Z) the generated history ends at: every generated record was
// created and last updated in the three years before it. Generation never reads the clock.
const EpochUnix = 1767225600

// DefaultContactSearchDelay is how long a contact created while the fake serves stays invisible to contact search
// when WorkspaceOptions.ContactSearchDelay is zero (Intercom: "This delay can take a few minutes").
const DefaultContactSearchDelay = 2 * time.Minute

// DefaultLocation returns the workspace time zone used when WorkspaceOptions.Location is nil: India Standard Time,
// UTC+05:30 all year. It is deliberately not UTC and not a whole-hour offset, so code that computes contact-search day
// boundaries in UTC (or in hours) gets caught, and it needs no time zone database.
func DefaultLocation() *time.Location { return time.FixedZone("Asia/Kolkata", 5*3600+30*60) }

// Sentinel errors of the workspace accessors and mutations.
var (
	// ErrNotFound is returned for an id that names no live record (never existed, deleted, or archived).
	ErrNotFound = errors.New("fakeintercom: record not found")
	// ErrMerged is returned for a contact that was merged into another; see Workspace.CanonicalContact.
	ErrMerged = errors.New("fakeintercom: contact merged")
	// ErrInvalid is returned for a mutation that Intercom would refuse (a bad state, merging a user, ...).
	ErrInvalid = errors.New("fakeintercom: invalid mutation")
)

// WorkspaceOptions describes a synthetic workspace. The same options (clock aside) always produce the same records,
// byte for byte.
type WorkspaceOptions struct {
	// Seed selects the workspace; different seeds give different content.
	Seed int64
	// Conversations and Contacts are how many records to generate (before pre-existing deletions and merges,
	// about 2% of conversations are already deleted and about 1% of leads already merged). A workspace with
	// conversations needs at least one contact. Contacts are limited to 16M.
	Conversations, Contacts int
	// Admins is the number of teammates; zero means 8.
	Admins int
	// Companies is the number of companies contacts belong to; zero means Contacts/20 clamped to [5, 2000].
	Companies int
	// Now is the workspace clock that stamps mutations (and decides when new contacts become searchable); zero
	// means time.Now. Tests inject a clock they advance; it must be safe for concurrent use.
	Now func() time.Time
	// Location is the workspace time zone, which decides contact-search day boundaries and /me's app.timezone;
	// nil means DefaultLocation.
	Location *time.Location
	// ContactSearchDelay is how long a contact created through a mutation stays invisible to POST /contacts/search;
	// zero means DefaultContactSearchDelay, negative means no delay.
	ContactSearchDelay time.Duration
	// Region is /me's app.region; empty means "US".
	Region string
	// Articles is the number of Help Center articles; zero means Conversations/10 clamped to [30, 5000] (none in a
	// workspace without conversations).
	Articles int
	// Tickets is the number of tickets; zero means Conversations/10, at least 20 (none without contacts).
	Tickets int
}

// Workspace is a deterministic synthetic Intercom workspace. Records are generated lazily from the seed (creating a
// million-conversation workspace is instant); mutations are kept in an overlay. A Workspace is safe for concurrent
// use: a Handler serves it while a test mutates it.
type Workspace struct {
	seed                uint64
	nConv, nContacts    int
	now                 func() time.Time
	loc                 *time.Location
	searchDelay         time.Duration
	region              string
	appID, appName      string
	domain              string
	appCreatedAt        int64
	idMachine           uint64
	idCounterBase       uint32
	admins              []admin
	teams               []team
	tags                []tagDef
	companies           []company
	segments            []segment
	companyByDomain     map[string]int
	convAttrs           []attrDef
	contactAttrs        []attrDef
	activitySeq, notifs uint64
	convCache           *recordCache[conversation]
	contactCache        *recordCache[contact]

	mu sync.RWMutex
	// The overlay: records created or changed since generation, stored whole and replaced (never modified) on
	// each change, so a reader holding one can render it without the lock.
	convs        map[int]*conversation
	convGone     map[int]deletion // deleted while serving
	contacts     map[int]*contact
	contactGone  map[int]contactFate
	nextConv     int
	nextContact  int
	nextPartID   int64
	convOrder    *order // live conversations by updated_at, newest first; built on first use
	contactOrder *order
	deleted      []deletion      // every deleted conversation (generated and mutated), built with convOrder
	mergedFrom   map[int][]merge // merge target -> the leads merged into it, built with contactOrder
	overlay      entityOverlay   // teammates, tags and companies changed since generation (entities.go)
	articles     lazyKind[article]
	tickets      lazyKind[ticket]

	// The Help Center and the ticket types, fixed at generation.
	helpCenters []helpCenter
	collections []collection
	ticketTypes []ticketType
}

// merge is one entry of a user's merge history.
type merge struct {
	from int
	at   int64
}

type deletion struct {
	idx             int
	at              int64
	metricsRetained bool
}

// contactFate records why a contact is no longer listed.
type contactFate struct {
	deleted, archived bool
	mergedInto        int
	at                int64
}

// NewWorkspace returns the workspace the options describe. It generates nothing up front beyond teammates, tags and
// companies, so it is cheap for any size.
func NewWorkspace(opts WorkspaceOptions) (*Workspace, error) {
	switch {
	case opts.Conversations < 0 || opts.Contacts < 0 || opts.Admins < 0 || opts.Companies < 0 || opts.Articles < 0 || opts.Tickets < 0:
		return nil, fmt.Errorf("fakeintercom: workspace sizes must not be negative")
	case opts.Conversations > 0 && opts.Contacts == 0:
		return nil, fmt.Errorf("fakeintercom: a workspace with conversations needs at least one contact")
	case opts.Contacts >= maxContacts/2:
		return nil, fmt.Errorf("fakeintercom: at most %d contacts", maxContacts/2-1)
	case opts.Conversations > 1<<30 || opts.Tickets > 1<<30:
		return nil, fmt.Errorf("fakeintercom: at most %d conversations and tickets", 1<<30)
	case opts.Tickets > 0 && opts.Contacts == 0:
		return nil, fmt.Errorf("fakeintercom: a workspace with tickets needs at least one contact")
	}
	ws := &Workspace{
		seed:        uint64(opts.Seed),
		nConv:       opts.Conversations,
		nContacts:   opts.Contacts,
		now:         opts.Now,
		loc:         opts.Location,
		searchDelay: opts.ContactSearchDelay,
		region:      opts.Region,
		convs:       map[int]*conversation{},
		convGone:    map[int]deletion{},
		contacts:    map[int]*contact{},
		contactGone: map[int]contactFate{},
		nextConv:    opts.Conversations,
		nextContact: opts.Contacts,
		nextPartID:  mutatedPartBase,
	}
	ws.convCache = newRecordCache[conversation](opts.Conversations)
	articles, tickets := opts.Articles, opts.Tickets
	if articles == 0 && opts.Conversations > 0 {
		articles = min(5000, max(30, opts.Conversations/10))
	}
	if tickets == 0 && opts.Contacts > 0 {
		tickets = max(20, opts.Conversations/10)
	}
	ws.articles = newLazyKind(&ws.mu, articles, ws.generateArticle, ws.articleTimes, func(a *article) int64 { return a.updatedAt })
	ws.tickets = newLazyKind(&ws.mu, tickets, ws.generateTicket, ws.ticketTimes, func(t *ticket) int64 { return t.updatedAt })
	ws.contactCache = newRecordCache[contact](opts.Contacts)
	if ws.now == nil {
		ws.now = time.Now
	}
	if ws.loc == nil {
		ws.loc = DefaultLocation()
	}
	if ws.searchDelay == 0 {
		ws.searchDelay = DefaultContactSearchDelay
	}
	if ws.region == "" {
		ws.region = "US"
	}
	admins := opts.Admins
	if admins == 0 {
		admins = 8
	}
	companies := opts.Companies
	if companies == 0 {
		companies = min(2000, max(5, opts.Contacts/20))
	}
	ws.genWorkspace(admins, companies)
	ws.convAttrs = []attrDef{
		{"Ticket category", attrString}, {"Order ID", attrString}, {"Refund amount", attrFloat},
		{"Escalated", attrBool}, {"Priority score", attrInt}, {"AI Title", attrString}, {"Language", attrString},
	}
	ws.contactAttrs = []attrDef{
		{"plan", attrString}, {"MRR", attrFloat}, {"seats", attrInt}, {"trial_ends_at", attrDate},
		{"Account manager", attrString}, {"beta_tester", attrBool}, {"Signup source", attrString},
	}
	return ws, nil
}

// App describes the workspace as GET /me shows it.
type App struct {
	IDCode   string // app.id_code, also contact.workspace_id and webhook app_id
	Name     string
	Region   string
	TimeZone string
}

// App returns the workspace's identity.
func (ws *Workspace) App() App {
	return App{IDCode: ws.appID, Name: ws.appName, Region: ws.region, TimeZone: ws.loc.String()}
}

// Location returns the workspace time zone (contact-search day boundaries).
func (ws *Workspace) Location() *time.Location { return ws.loc }

func (ws *Workspace) nowUnix() int64 { return ws.now().Unix() }

// --- lookups --------------------------------------------------------------------------------------------------------

func (ws *Workspace) overlayContact(idx int) *contact {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return ws.contacts[idx]
}

// conversationState tells whether conversation idx is live, deleted, or unknown.
func (ws *Workspace) lookupConversation(id string) (idx int, c *conversation, err error) {
	idx = conversationIndex(id)
	if idx < 0 || conversationID(idx) != id {
		return -1, nil, ErrNotFound
	}
	ws.mu.RLock()
	next := ws.nextConv
	c = ws.convs[idx]
	_, gone := ws.convGone[idx]
	ws.mu.RUnlock()
	if idx >= next || gone {
		return -1, nil, ErrNotFound
	}
	if c != nil {
		return idx, c, nil
	}
	if idx >= ws.nConv {
		return -1, nil, ErrNotFound
	}
	if ws.genConvHeader(idx).deleted {
		return -1, nil, ErrNotFound
	}
	return idx, nil, nil
}

// conversation returns conversation id, generating it unless the overlay holds it.
func (ws *Workspace) conversation(id string) (*conversation, error) {
	idx, c, err := ws.lookupConversation(id)
	if err != nil {
		return nil, err
	}
	if c == nil {
		c = ws.genConversation(idx)
	}
	return c, nil
}

func (ws *Workspace) conversationAt(idx int) *conversation {
	ws.mu.RLock()
	c := ws.convs[idx]
	ws.mu.RUnlock()
	if c != nil {
		return c
	}
	return ws.genConversation(idx)
}

// contactStatus resolves a contact id: its index and record (nil when it must be generated), or ErrNotFound, or
// ErrMerged with the index of the contact it was merged into.
func (ws *Workspace) lookupContact(id string) (idx int, c *contact, mergedInto int, err error) {
	idx = ws.contactIndex(id)
	if idx < 0 {
		return -1, nil, -1, ErrNotFound
	}
	ws.mu.RLock()
	next := ws.nextContact
	c = ws.contacts[idx]
	fate, gone := ws.contactGone[idx]
	ws.mu.RUnlock()
	if idx >= next {
		return -1, nil, -1, ErrNotFound
	}
	if c != nil {
		if c.id != id {
			return -1, nil, -1, ErrNotFound
		}
	} else {
		if idx >= ws.nContacts {
			return -1, nil, -1, ErrNotFound
		}
		h := ws.genContactHeader(idx)
		if ws.contactID(idx, h.createdAt) != id {
			return -1, nil, -1, ErrNotFound
		}
		if h.mergedInto >= 0 && !gone {
			return idx, nil, h.mergedInto, ErrMerged
		}
	}
	if gone {
		if fate.mergedInto >= 0 && !fate.deleted && !fate.archived {
			return idx, nil, fate.mergedInto, ErrMerged
		}
		return -1, nil, -1, ErrNotFound
	}
	return idx, c, -1, nil
}

func (ws *Workspace) contactAt(idx int) *contact {
	ws.mu.RLock()
	c := ws.contacts[idx]
	ws.mu.RUnlock()
	if c != nil {
		return c
	}
	return ws.genContact(idx)
}

// canonical follows a merge chain (Intercom resolves up to 3 hops) to the contact that remains.
func (ws *Workspace) canonical(idx int) int {
	for range 3 {
		ws.mu.RLock()
		fate, gone := ws.contactGone[idx]
		ws.mu.RUnlock()
		switch {
		case gone && fate.mergedInto >= 0 && !fate.deleted && !fate.archived:
			idx = fate.mergedInto
		case !gone && idx < ws.nContacts && ws.overlayContact(idx) == nil:
			h := ws.genContactHeader(idx)
			if h.mergedInto < 0 {
				return idx
			}
			idx = h.mergedInto
		default:
			return idx
		}
	}
	return idx
}

// --- accessors for tests ------------------------------------------------------------------------------------------

// ConversationJSON returns the exact body GET /conversations/{id} answers for a live conversation, or ErrNotFound.
func (ws *Workspace) ConversationJSON(id string) ([]byte, error) {
	c, err := ws.conversation(id)
	if err != nil {
		return nil, fmt.Errorf("conversation %s: %w", id, err)
	}
	return ws.renderConversation(make([]byte, 0, 8<<10), c, renderFull), nil
}

// ConversationListItemJSON returns the exact JSON of a live conversation as GET /conversations and conversation
// search list it (the conversation without conversation_parts), or ErrNotFound.
func (ws *Workspace) ConversationListItemJSON(id string) ([]byte, error) {
	c, err := ws.conversation(id)
	if err != nil {
		return nil, fmt.Errorf("conversation %s: %w", id, err)
	}
	return ws.renderConversation(nil, c, renderListItem), nil
}

// ContactJSON returns the exact body GET /contacts/{id} answers for a live contact (the same JSON GET /contacts and
// contact search list), ErrNotFound, or ErrMerged.
func (ws *Workspace) ContactJSON(id string) ([]byte, error) {
	idx, c, _, err := ws.lookupContact(id)
	if err != nil {
		return nil, fmt.Errorf("contact %s: %w", id, err)
	}
	if c == nil {
		c = ws.genContact(idx)
	}
	return ws.renderContact(nil, c, nil), nil
}

// CanonicalContact returns the id of the contact a merged contact was merged into (following up to 3 hops), or
// the id itself for a live contact, or ErrNotFound.
func (ws *Workspace) CanonicalContact(id string) (string, error) {
	idx, _, into, err := ws.lookupContact(id)
	switch {
	case errors.Is(err, ErrMerged):
		return ws.contactAt(ws.canonical(into)).id, nil
	case err != nil:
		return "", fmt.Errorf("contact %s: %w", id, err)
	}
	return ws.contactAt(idx).id, nil
}

// ConversationIDs returns the ids of every live conversation, in the order GET /conversations lists them
// (updated_at descending, then id descending).
func (ws *Workspace) ConversationIDs() []string {
	ws.mu.Lock()
	ws.ensureConvIndexLocked()
	keys := slices.Clone(ws.convOrder.keys)
	ws.mu.Unlock()
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = conversationID(int(k.idx))
	}
	return ids
}

// DeletedConversationIDs returns the ids of deleted conversations, most recently deleted first (the default order of
// GET /conversations/deleted).
func (ws *Workspace) DeletedConversationIDs() []string {
	ws.mu.Lock()
	ws.ensureConvIndexLocked()
	d := ws.deletedSortedLocked(true)
	ws.mu.Unlock()
	ids := make([]string, len(d))
	for i, x := range d {
		ids[i] = conversationID(x.idx)
	}
	return ids
}

// ContactIDs returns the ids of every listed contact (not merged, deleted or archived), in the order GET /contacts
// lists them (updated_at descending).
func (ws *Workspace) ContactIDs() []string {
	ws.mu.Lock()
	ws.ensureContactIndexLocked()
	keys := slices.Clone(ws.contactOrder.keys)
	ws.mu.Unlock()
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = ws.contactAt(int(k.idx)).id
	}
	return ids
}

// Counts are the sizes of a workspace as the API shows them.
type Counts struct {
	Conversations        int // live conversations (GET /conversations total_count)
	DeletedConversations int
	Contacts             int // listed contacts (GET /contacts total_count)
	Admins               int // teammates (GET /admins)
	Teams                int // GET /teams
	Tags                 int // GET /tags, created ones included
	Segments             int // GET /segments
	Companies            int // live companies, not deleted (GET /companies total_count)
	Articles             int // live articles (GET /articles total_count)
	Collections          int // GET /help_center/collections total_count
	HelpCenters          int // GET /help_center/help_centers
	TicketTypes          int // GET /ticket_types
	Tickets              int // live tickets (ticket search's total_count for a query every ticket matches)
}

// Counts returns the current sizes.
func (ws *Workspace) Counts() Counts {
	companies, tags := len(ws.liveCompanies()), ws.tagCount()
	articles, tickets := len(ws.articleOrder()), len(ws.ticketOrder())
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.ensureConvIndexLocked()
	ws.ensureContactIndexLocked()
	return Counts{
		Conversations: len(ws.convOrder.keys), DeletedConversations: len(ws.deleted), Contacts: len(ws.contactOrder.keys),
		Admins: len(ws.admins), Teams: len(ws.teams), Tags: tags, Segments: len(ws.segments), Companies: companies,
		Articles: articles, Collections: len(ws.collections), HelpCenters: len(ws.helpCenters), TicketTypes: len(ws.ticketTypes),
		Tickets: tickets,
	}
}

// Conversations iterates over every live conversation in id order, yielding its id and the exact body GET
// /conversations/{id} would answer. It generates records one at a time (no index is built), so it is the cheap way to
// feed a million records to a benchmark. The yielded slice is not reused.
func (ws *Workspace) Conversations() iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		ws.mu.RLock()
		next := ws.nextConv
		ws.mu.RUnlock()
		for idx := range next {
			id := conversationID(idx)
			c, err := ws.conversation(id)
			if err != nil {
				continue
			}
			if !yield(id, ws.renderConversation(make([]byte, 0, 8<<10), c, renderFull)) {
				return
			}
		}
	}
}

// Contacts iterates over every listed contact in creation order, yielding its id and the exact body GET
// /contacts/{id} would answer.
func (ws *Workspace) Contacts() iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		ws.mu.RLock()
		next := ws.nextContact
		ws.mu.RUnlock()
		for idx := range next {
			ws.mu.RLock()
			c := ws.contacts[idx]
			_, gone := ws.contactGone[idx]
			ws.mu.RUnlock()
			if gone {
				continue
			}
			if c == nil {
				if idx >= ws.nContacts || ws.genContactHeader(idx).mergedInto >= 0 {
					continue
				}
				c = ws.genContact(idx)
			}
			if !yield(c.id, ws.renderContact(nil, c, nil)) {
				return
			}
		}
	}
}

// mergeHistory returns the leads merged into contact idx, oldest first, for include_merge_history=true.
func (ws *Workspace) mergeHistory(idx int) []merge {
	ws.mu.Lock()
	ws.ensureContactIndexLocked()
	m := slices.Clone(ws.mergedFrom[idx])
	ws.mu.Unlock()
	slices.SortFunc(m, func(a, b merge) int { return cmp.Compare(a.at, b.at) })
	return m
}

// --- ordering -------------------------------------------------------------------------------------------------------

// orderKey positions a record in a list: by timestamp descending, then index descending.
type orderKey struct {
	ts  int64
	idx int32
}

// before reports whether a sorts before b (newer first).
func (a orderKey) before(b orderKey) bool {
	if a.ts != b.ts {
		return a.ts > b.ts
	}
	return a.idx > b.idx
}

// order is a sorted list of live records. Mutations move keys; list pages binary-search a cursor's key.
type order struct {
	keys []orderKey
	pos  map[int32]int64 // idx -> ts of its key, to find it again
}

func newOrder(keys []orderKey) *order {
	sort.Slice(keys, func(i, j int) bool { return keys[i].before(keys[j]) })
	o := &order{keys: keys, pos: make(map[int32]int64, len(keys))}
	for _, k := range keys {
		o.pos[k.idx] = k.ts
	}
	return o
}

func (o *order) remove(idx int) {
	ts, ok := o.pos[int32(idx)]
	if !ok {
		return
	}
	k := orderKey{ts, int32(idx)}
	i := sort.Search(len(o.keys), func(i int) bool { return !o.keys[i].before(k) })
	if i < len(o.keys) && o.keys[i] == k {
		o.keys = slices.Delete(o.keys, i, i+1)
	}
	delete(o.pos, int32(idx))
}

func (o *order) put(idx int, ts int64) {
	o.remove(idx)
	k := orderKey{ts, int32(idx)}
	i := sort.Search(len(o.keys), func(i int) bool { return !o.keys[i].before(k) })
	o.keys = slices.Insert(o.keys, i, k)
	o.pos[int32(idx)] = ts
}

// ensureConvIndexLocked builds the conversation order and the deleted list on first use. ws.mu must be held for
// writing; it only reads headers and the overlay, never generates whole records.
func (ws *Workspace) ensureConvIndexLocked() {
	if ws.convOrder != nil {
		return
	}
	keys := make([]orderKey, 0, ws.nextConv)
	for idx := range ws.nextConv {
		if d, gone := ws.convGone[idx]; gone {
			ws.deleted = append(ws.deleted, d)
			continue
		}
		if c := ws.convs[idx]; c != nil {
			keys = append(keys, orderKey{c.updatedAt, int32(idx)})
			continue
		}
		h := ws.genConvHeader(idx)
		if h.deleted {
			ws.deleted = append(ws.deleted, deletion{idx: idx, at: h.deletedAt, metricsRetained: h.metricsRetained})
			continue
		}
		keys = append(keys, orderKey{h.updatedAt, int32(idx)})
	}
	ws.convOrder = newOrder(keys)
}

func (ws *Workspace) ensureContactIndexLocked() {
	if ws.contactOrder != nil {
		return
	}
	ws.mergedFrom = map[int][]merge{}
	keys := make([]orderKey, 0, ws.nextContact)
	for idx := range ws.nextContact {
		if fate, gone := ws.contactGone[idx]; gone {
			if fate.mergedInto >= 0 && !fate.deleted && !fate.archived {
				ws.mergedFrom[fate.mergedInto] = append(ws.mergedFrom[fate.mergedInto], merge{idx, fate.at})
			}
			continue
		}
		if c := ws.contacts[idx]; c != nil {
			keys = append(keys, orderKey{c.updatedAt, int32(idx)})
			continue
		}
		h := ws.genContactHeader(idx)
		if h.mergedInto >= 0 {
			ws.mergedFrom[h.mergedInto] = append(ws.mergedFrom[h.mergedInto], merge{idx, h.mergedAt})
			continue
		}
		keys = append(keys, orderKey{h.updatedAt, int32(idx)})
	}
	ws.contactOrder = newOrder(keys)
}

// deletedSortedLocked returns deleted conversations by deletion time (then id), newest first when desc.
func (ws *Workspace) deletedSortedLocked(desc bool) []deletion {
	d := slices.Clone(ws.deleted)
	slices.SortFunc(d, func(a, b deletion) int {
		if a.at != b.at {
			if desc == (a.at > b.at) {
				return -1
			}
			return 1
		}
		if desc == (a.idx > b.idx) {
			return -1
		}
		return 1
	})
	return d
}
