package fakeintercom

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The workspace's entities besides conversations and contacts: teammates, teams, tags, segments and companies. The
// generated ones (genWorkspace) are never modified in place, because renderers read them without the lock; changes
// live in the workspace overlay (entityOverlay) and are read through adminAt, tagAt and companyAt.

// segment is a named group of contacts and companies. Membership is a hash of the seed, the segment and the
// record's index, so it costs nothing at any size and never changes for a record (pct of the records of
// personType, companyPct of companies).
type segment struct {
	id, name, personType string // personType "user" (users) or "contact" (leads), as Intercom names them
	createdAt, updatedAt int64
	pct, companyPct      uint64
}

// segmentDefs are the workspace's segments: name, person type, share of contacts of that type, share of companies.
var segmentDefs = []struct {
	name, personType string
	pct, companyPct  uint64
}{
	{"Active users", "user", 45, 60},
	{"VIP customers", "user", 8, 12},
	{"New leads", "contact", 35, 0},
	{"Trial users", "user", 20, 25},
	{"Churn risk", "user", 6, 10},
}

// entityOverlay holds the changes to teammates, tags and companies since generation; ws.mu guards it.
type entityOverlay struct {
	adminNames   map[int]string   // renamed teammates
	extraTags    []tagDef         // tags created while serving; their indices follow ws.tags
	companyEdits map[int]*company // changed or created companies, stored whole and replaced on each change
	companyGone  map[int]int64    // deleted companies and when
	nextCompany  int
	scroll       *companyScroll // the app's open company scroll, if any
}

// genSegments draws the workspace's segments (after its companies, from the same stream).
func (ws *Workspace) genSegments() {
	for k, d := range segmentDefs {
		created := EpochUnix - historyLen/2 + int64(k)*37*day
		var id [24]byte
		putHex(id[0:8], uint64(uint32(created)))
		putHex(id[8:18], ws.idMachine^0x3c3c3c3c3c)
		putHex(id[18:24], uint64(k))
		ws.segments = append(ws.segments, segment{
			id: string(id[:]), name: d.name, personType: d.personType, createdAt: created,
			updatedAt: created + int64(k+1)*11*day, pct: d.pct, companyPct: d.companyPct,
		})
	}
	ws.overlay.companyEdits = map[int]*company{}
	ws.overlay.companyGone = map[int]int64{}
	ws.overlay.adminNames = map[int]string{}
	ws.overlay.nextCompany = len(ws.companies)
}

// inSegment reports whether record idx of a kind (1 contacts, 2 companies) falls in segment s's share.
func (ws *Workspace) inSegment(s int, kind, idx int, pct uint64) bool {
	return splitmix(ws.seed^uint64(s+1)<<40^uint64(kind)<<36^uint64(idx))%100 < pct
}

// contactSegments returns the indices of the segments contact c belongs to.
func (ws *Workspace) contactSegments(c *contact) []int {
	var out []int
	for s := range ws.segments {
		seg := &ws.segments[s]
		role := "user"
		if seg.personType == "contact" {
			role = "lead"
		}
		if c.role == role && ws.inSegment(s, 1, c.idx, seg.pct) {
			out = append(out, s)
		}
	}
	return out
}

// companySegments returns the indices of the segments company k belongs to.
func (ws *Workspace) companySegments(k int) []int {
	var out []int
	for s := range ws.segments {
		if ws.inSegment(s, 2, k, ws.segments[s].companyPct) {
			out = append(out, s)
		}
	}
	return out
}

// adminAt returns teammate i as it is now (a renamed teammate shows its new name).
func (ws *Workspace) adminAt(i int) admin {
	a := ws.admins[i]
	ws.mu.RLock()
	if n, ok := ws.overlay.adminNames[i]; ok {
		a.name = n
	}
	ws.mu.RUnlock()
	return a
}

// tagAt returns tag t: a generated one or one created while serving.
func (ws *Workspace) tagAt(t int) tagDef {
	if t < len(ws.tags) {
		return ws.tags[t]
	}
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return ws.overlay.extraTags[t-len(ws.tags)]
}

// tagCount returns the number of tags, created ones included.
func (ws *Workspace) tagCount() int {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return len(ws.tags) + len(ws.overlay.extraTags)
}

// companyAt returns company k as it is now, or nil when it was deleted.
func (ws *Workspace) companyAt(k int) *company {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return ws.companyAtLocked(k)
}

func (ws *Workspace) companyAtLocked(k int) *company {
	if _, gone := ws.overlay.companyGone[k]; gone {
		return nil
	}
	if c := ws.overlay.companyEdits[k]; c != nil {
		return c
	}
	if k < len(ws.companies) {
		return &ws.companies[k]
	}
	return nil
}

// liveCompanies returns the indices of the companies that are not deleted, ordered as GET /companies lists them:
// last_request_at descending, then index descending.
func (ws *Workspace) liveCompanies() []int {
	ws.mu.RLock()
	out := make([]int, 0, ws.overlay.nextCompany)
	last := make(map[int]int64, ws.overlay.nextCompany)
	for k := range ws.overlay.nextCompany {
		if c := ws.companyAtLocked(k); c != nil {
			out = append(out, k)
			last[k] = c.lastRequest
		}
	}
	ws.mu.RUnlock()
	slices.SortFunc(out, func(a, b int) int {
		if c := cmp.Compare(last[b], last[a]); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	return out
}

// companyIndex returns the index of the company with Intercom id id, or -1.
func (ws *Workspace) companyIndex(id string) int {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	for k := range ws.overlay.nextCompany {
		if c := ws.companyAtLocked(k); c != nil && c.id == id {
			return k
		}
	}
	return -1
}

// liveCompanyIdxs filters a contact's companies down to the ones not deleted.
func (ws *Workspace) liveCompanyIdxs(idxs []int) []int {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	out := make([]int, 0, len(idxs))
	for _, k := range idxs {
		if _, gone := ws.overlay.companyGone[k]; !gone {
			out = append(out, k)
		}
	}
	return out
}

// companyContacts returns the indices of the listed contacts of company k, in GET /contacts order. It scans every
// listed contact (generating its identity), like search.
func (ws *Workspace) companyContacts(k int) []int {
	ws.mu.Lock()
	ws.ensureContactIndexLocked()
	keys := slices.Clone(ws.contactOrder.keys)
	ws.mu.Unlock()
	var out []int
	for _, key := range keys {
		idx := int(key.idx)
		var cos []int
		if c := ws.overlayContact(idx); c != nil {
			cos = c.companyIdxs
		} else {
			cos = ws.companiesFor(idx, ws.generatedIdentity(idx).email)
		}
		if slices.Contains(cos, k) {
			out = append(out, idx)
		}
	}
	return out
}

// --- accessors for tests ------------------------------------------------------------------------------------------

// CompanyIDs returns the Intercom ids of every live company, in the order GET /companies lists them.
func (ws *Workspace) CompanyIDs() []string {
	idxs := ws.liveCompanies()
	ids := make([]string, len(idxs))
	for i, k := range idxs {
		ids[i] = ws.companyAt(k).id
	}
	return ids
}

// CompanyJSON returns the exact body GET /companies/{id} answers for a live company, or ErrNotFound.
func (ws *Workspace) CompanyJSON(id string) ([]byte, error) {
	k := ws.companyIndex(id)
	if k < 0 {
		return nil, fmt.Errorf("company %s: %w", id, ErrNotFound)
	}
	w := jsonWriter{}
	ws.renderCompany(&w, ws.companyAt(k))
	return w.b, nil
}

// AdminIDs returns the ids of the workspace's teammates, in the order GET /admins lists them.
func (ws *Workspace) AdminIDs() []string {
	ids := make([]string, len(ws.admins))
	for i := range ws.admins {
		ids[i] = ws.admins[i].id
	}
	return ids
}

// TagIDs returns the ids of every tag, in the order GET /tags lists them (created ones last).
func (ws *Workspace) TagIDs() []string {
	n := ws.tagCount()
	ids := make([]string, n)
	for t := range n {
		ids[t] = ws.tagAt(t).id
	}
	return ids
}

// SegmentIDs returns the ids of the workspace's segments, in the order GET /segments lists them.
func (ws *Workspace) SegmentIDs() []string {
	ids := make([]string, len(ws.segments))
	for s := range ws.segments {
		ids[s] = ws.segments[s].id
	}
	return ids
}

// SegmentContactCount returns how many listed contacts segment id holds (GET /segments?include_count=true), or
// ErrNotFound.
func (ws *Workspace) SegmentContactCount(id string) (int, error) {
	s := ws.segmentIndex(id)
	if s < 0 {
		return 0, fmt.Errorf("segment %s: %w", id, ErrNotFound)
	}
	return ws.segmentCounts()[s], nil
}

func (ws *Workspace) segmentIndex(id string) int {
	return slices.IndexFunc(ws.segments, func(s segment) bool { return s.id == id })
}

// segmentCounts counts the listed contacts of every segment: one pass over the contact order, reading roles only.
func (ws *Workspace) segmentCounts() []int {
	ws.mu.Lock()
	ws.ensureContactIndexLocked()
	keys := slices.Clone(ws.contactOrder.keys)
	ws.mu.Unlock()
	counts := make([]int, len(ws.segments))
	for _, key := range keys {
		idx := int(key.idx)
		role := ""
		if c := ws.overlayContact(idx); c != nil {
			role = c.role
		} else {
			role = ws.contactRole(idx)
		}
		for s := range ws.segments {
			seg := &ws.segments[s]
			if (seg.personType == "user") == (role == "user") && ws.inSegment(s, 1, idx, seg.pct) {
				counts[s]++
			}
		}
	}
	return counts
}

// planID returns the id of a plan: generated plans are 300 and up, any other name one past them; "" for none.
func planID(plan string) string {
	if plan == "" {
		return ""
	}
	i := slices.Index(plans, plan)
	if i < 0 {
		i = len(plans)
	}
	return fmt.Sprint(300 + i)
}

// --- mutations ----------------------------------------------------------------------------------------------------

// RenameAdmin renames a teammate: GET /admins, GET /admins/{id} and GET /me show the new name. Conversations keep
// the name their parts were written with (Intercom does not rewrite a conversation's past). Intercom sends no
// webhook for it (Change.Topic is empty).
func (ws *Workspace) RenameAdmin(id, name string) (Change, error) {
	i := slices.IndexFunc(ws.admins, func(a admin) bool { return a.id == id })
	if i < 0 {
		return Change{}, fmt.Errorf("rename admin %s: %w", id, ErrNotFound)
	}
	if strings.TrimSpace(name) == "" {
		return Change{}, fmt.Errorf("rename admin %s: empty name: %w", id, ErrInvalid)
	}
	ws.mu.Lock()
	ws.overlay.adminNames[i] = name
	ws.mu.Unlock()
	return Change{Kind: "admin", ID: id, At: time.Unix(ws.nowUnix(), 0)}, nil
}

// CreateTag creates a tag, listed by GET /tags from then on (Change.Topic is empty: Intercom sends no webhook).
func (ws *Workspace) CreateTag(name string) (Change, error) {
	if strings.TrimSpace(name) == "" {
		return Change{}, fmt.Errorf("create tag: empty name: %w", ErrInvalid)
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, t := range append(slices.Clip(ws.tags), ws.overlay.extraTags...) {
		if strings.EqualFold(t.name, name) {
			return Change{}, fmt.Errorf("create tag %q: a tag of that name exists (id %s): %w", name, t.id, ErrInvalid)
		}
	}
	k := len(ws.tags) + len(ws.overlay.extraTags)
	t := tagDef{id: fmt.Sprint(6012000 + k*11), name: name}
	ws.overlay.extraTags = append(ws.overlay.extraTags, t)
	return Change{Kind: "tag", ID: t.id, At: time.Unix(ws.nowUnix(), 0)}, nil
}

// TagContact applies tag tagID to a live contact (its updated_at becomes now), as POST /contacts/{id}/tags does.
func (ws *Workspace) TagContact(contactID, tagID string) (Change, error) {
	t := slices.Index(ws.TagIDs(), tagID)
	if t < 0 {
		return Change{}, fmt.Errorf("tag contact %s: tag %s: %w", contactID, tagID, ErrNotFound)
	}
	c, err := ws.mutateContact(contactID, func(c *contact, _ int64) error {
		if slices.Contains(c.tagIdxs, t) {
			return fmt.Errorf("already tagged %s: %w", tagID, ErrInvalid)
		}
		c.tagIdxs = append(slices.Clip(c.tagIdxs), t)
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return Change{Kind: "contact", ID: c.id, Topic: "contact.tag.created", At: time.Unix(c.updatedAt, 0)}, nil
}

// NewCompany describes a company to create.
type NewCompany struct {
	Name      string // required
	CompanyID string // the workspace's own id; empty means generated
	Plan      string // empty means none
	Industry  string
	Website   string // a domain such as "example.com"
}

// CreateCompany creates a company stamped now; it is listed, fetchable and scrollable at once.
func (ws *Workspace) CreateCompany(nc NewCompany) (Change, error) {
	if strings.TrimSpace(nc.Name) == "" {
		return Change{}, fmt.Errorf("create company: empty name: %w", ErrInvalid)
	}
	now := ws.nowUnix()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	k := ws.overlay.nextCompany
	if nc.CompanyID == "" {
		nc.CompanyID = fmt.Sprint("comp_", 1000+k)
	}
	for j := range k {
		if c := ws.companyAtLocked(j); c != nil && c.companyID == nc.CompanyID {
			return Change{}, fmt.Errorf("create company: company_id %s is taken by %s: %w", nc.CompanyID, c.id, ErrInvalid)
		}
	}
	var id [24]byte
	putHex(id[0:8], uint64(uint32(now)))
	putHex(id[8:18], ws.idMachine^0x5a5a5a5a5a)
	putHex(id[18:24], uint64(k))
	co := &company{
		idx: k, id: string(id[:]), companyID: nc.CompanyID, name: nc.Name, domain: nc.Website, industry: nc.Industry,
		plan: nc.Plan, createdAt: now, remoteCreatedAt: now, updatedAt: now, lastRequest: now,
	}
	co.planID = planID(co.plan)
	ws.overlay.companyEdits[k] = co
	ws.overlay.nextCompany++
	return Change{Kind: "company", ID: co.id, Topic: "company.created", At: time.Unix(now, 0)}, nil
}

// SetCompanyPlan changes a live company's plan; its updated_at becomes now.
func (ws *Workspace) SetCompanyPlan(id, plan string) (Change, error) {
	k := ws.companyIndex(id)
	if k < 0 {
		return Change{}, fmt.Errorf("set company plan %s: %w", id, ErrNotFound)
	}
	now := ws.nowUnix()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	base := ws.companyAtLocked(k)
	if base == nil {
		return Change{}, fmt.Errorf("set company plan %s: %w", id, ErrNotFound)
	}
	co := *base
	co.tagIdxs = slices.Clone(base.tagIdxs)
	co.plan = plan
	co.planID = planID(plan)
	co.updatedAt = max(now, co.updatedAt)
	ws.overlay.companyEdits[k] = &co
	return Change{Kind: "company", ID: id, Topic: "company.updated", At: time.Unix(co.updatedAt, 0)}, nil
}

// DeleteCompany deletes a live company: GET /companies/{id} answers 404, lists and scrolls drop it, and contacts and
// conversations stop naming it.
func (ws *Workspace) DeleteCompany(id string) (Change, error) {
	k := ws.companyIndex(id)
	if k < 0 {
		return Change{}, fmt.Errorf("delete company %s: %w", id, ErrNotFound)
	}
	now := ws.nowUnix()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, gone := ws.overlay.companyGone[k]; gone {
		return Change{}, fmt.Errorf("delete company %s: %w", id, ErrNotFound)
	}
	ws.overlay.companyGone[k] = now
	return Change{Kind: "company", ID: id, Topic: "company.deleted", At: time.Unix(now, 0)}, nil
}

// conversationCompany returns the company a conversation shows, as it is now; nil for none or a deleted one.
func (ws *Workspace) conversationCompany(c *conversation) *company {
	if c.companyIdx < 0 {
		return nil
	}
	return ws.companyAt(c.companyIdx)
}
