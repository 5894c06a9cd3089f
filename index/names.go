package index

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// The directory: the small lists Intercom keeps of teammates, teams, tags, segments, Help Center collections and
// help centers, and ticket types (query.DirectoryKinds),
// stored as records like any other and held in memory, so that every id a record holds can be shown with its name
// and every name a query gives can be turned into ids, in microseconds. Companies name ids too, but there can be a
// hundred thousand of them: their names are answered from the company column table instead.

// directory is an immutable snapshot of the directory kinds; a write that changes one swaps in a new snapshot.
type directory struct {
	lists map[query.Kind]*dirList
}

// dirList is one directory kind.
type dirList struct {
	byID map[string]dirEntry
	live []query.Named // not deleted, sorted by name then id
}

type dirEntry struct {
	named   query.Named
	parent  string // the record it belongs to: a collection's help center; "" for none
	deleted bool
}

// namedOf reads the id, name and second name (a teammate's email, a help center's identifier) of a directory
// record of kind, and the id of the record it belongs to (a collection's help center).
func namedOf(kind query.Kind, raw []byte) (query.Named, string, error) {
	switch kind {
	case query.KindCollection:
		var c wire.Collection
		if err := json.Unmarshal(raw, &c); err != nil {
			return query.Named{}, "", err
		}
		return query.Named{ID: string(c.ID), Name: string(c.Name)}, string(c.HelpCenterID), nil
	case query.KindHelpCenter:
		var h wire.HelpCenter
		if err := json.Unmarshal(raw, &h); err != nil {
			return query.Named{}, "", err
		}
		name, alt := string(h.DisplayName), string(h.Identifier)
		if name == "" {
			name, alt = alt, ""
		}
		return query.Named{ID: string(h.ID), Name: name, Alt: alt}, "", nil
	}
	var n wire.Named
	if err := json.Unmarshal(raw, &n); err != nil {
		return query.Named{}, "", err
	}
	return query.Named{ID: string(n.ID), Name: string(n.Name), Alt: string(n.Email)}, "", nil
}

// with returns a copy of d with kind's entries replaced or added from recs (tombstones mark entries deleted).
func (d *directory) with(kind query.Kind, recs []Record) *directory {
	out := &directory{lists: make(map[query.Kind]*dirList, len(d.lists)+1)}
	for k, l := range d.lists {
		out.lists[k] = l
	}
	old := d.lists[kind]
	l := &dirList{byID: map[string]dirEntry{}}
	if old != nil {
		for id, e := range old.byID {
			l.byID[id] = e
		}
	}
	for _, rec := range recs {
		e, had := l.byID[rec.ID]
		if rec.Deleted {
			if had {
				e.deleted = true
				l.byID[rec.ID] = e
			}
			continue
		}
		n, parent, err := namedOf(kind, rec.Raw)
		if err != nil {
			continue // prepare checked it; a record it let through has its id at least
		}
		l.byID[rec.ID] = dirEntry{named: n, parent: parent}
	}
	for _, e := range l.byID {
		if !e.deleted {
			l.live = append(l.live, e.named)
		}
	}
	sort.Slice(l.live, func(i, j int) bool {
		a, b := l.live[i], l.live[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	out.lists[kind] = l
	return out
}

// loadDirectory reads every directory kind from the store.
func (r *Replica) loadDirectory() error {
	d := &directory{lists: map[query.Kind]*dirList{}}
	for _, kind := range query.DirectoryKinds() {
		var recs []Record
		err := r.store.scan(kind, func(rec Record) error {
			recs = append(recs, rec)
			return nil
		})
		if err != nil {
			return fmt.Errorf("load %s names: %w", kind.Noun(), err)
		}
		if len(recs) > 0 {
			d = d.with(kind, recs)
		}
	}
	r.names.Store(d)
	return nil
}

// updateDirectory applies the written directory records of a batch. The caller holds writeMu.
func (r *Replica) updateDirectory(written []prepared) {
	var byKind map[query.Kind][]Record
	for i := range written {
		if k := written[i].rec.Kind; k.Directory() {
			if byKind == nil {
				byKind = map[query.Kind][]Record{}
			}
			rec := written[i].rec
			if rec.Deleted && len(rec.Raw) == 0 {
				rec.Raw = nil
			}
			byKind[k] = append(byKind[k], rec)
		}
	}
	if byKind == nil {
		return
	}
	d := r.names.Load()
	for _, kind := range query.DirectoryKinds() {
		if recs := byKind[kind]; len(recs) > 0 {
			d = d.with(kind, recs)
		}
	}
	r.names.Store(d)
}

// Names is what the replica knows of the names of ids: teammates, teams, tags and segments from the directory,
// companies from the company table. Get one with Replica.Names; it implements query.Names, and Name shows an id's
// name. Its directory part is a snapshot; companies are read live.
type Names struct {
	r   *Replica
	dir *directory
}

// Names returns the replica's names as they are now.
func (r *Replica) Names() Names { return Names{r: r, dir: r.names.Load()} }

// Name returns the name of the record of kind with id ("Alex Rivera" for a teammate, "VIP" for a tag, "Acme"
// for a company), and false when the replica holds none (or holds it without a name). A deleted teammate or tag
// keeps its last name.
func (n Names) Name(kind query.Kind, id string) (string, bool) {
	if kind == query.KindCompany {
		ks := n.r.kinds[query.KindCompany]
		if ks == nil {
			return "", false
		}
		ks.mu.RLock()
		sum, ok := ks.table.Summary(id)
		ks.mu.RUnlock()
		if !ok {
			return "", false
		}
		s, err := decodeSummary(sum)
		if err != nil || s.name == "" {
			return "", false
		}
		return s.name, true
	}
	l := n.dir.lists[kind]
	if l == nil {
		return "", false
	}
	e, ok := l.byID[id]
	if !ok || e.named.Name == "" {
		return "", false
	}
	return e.named.Name, true
}

// Count returns how many live records of a directory kind the replica holds.
func (n Names) Count(kind query.Kind) int {
	if l := n.dir.lists[kind]; l != nil {
		return len(l.live)
	}
	return 0
}

// Match implements query.Names.
func (n Names) Match(kind query.Kind, value string) ([]query.Named, bool) {
	if kind == query.KindCompany {
		return n.companies(value)
	}
	l := n.dir.lists[kind]
	if l == nil {
		return nil, false
	}
	if e, ok := l.byID[value]; ok {
		return []query.Named{e.named}, true
	}
	var out []query.Named
	for _, x := range l.live {
		if strings.EqualFold(x.Name, value) || (x.Alt != "" && strings.EqualFold(x.Alt, value)) {
			out = append(out, x)
		}
	}
	return out, true
}

// Members implements query.Names: the live collections of a help center, by id.
func (n Names) Members(kind query.Kind, parentID string) []string {
	l := n.dir.lists[kind]
	if l == nil {
		return nil
	}
	var out []string
	for _, x := range l.live {
		if l.byID[x.ID].parent == parentID {
			out = append(out, x.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Prefixed implements query.Names.
func (n Names) Prefixed(kind query.Kind, value string) []query.Named {
	if kind == query.KindCompany || value == "" {
		return nil // company names are matched whole: a first word of one is rarely unique
	}
	l := n.dir.lists[kind]
	if l == nil {
		return nil
	}
	var out []query.Named
	for _, x := range l.live {
		if len(x.Name) > len(value) && x.Name[len(value)] == ' ' && strings.EqualFold(x.Name[:len(value)], value) {
			out = append(out, x)
		}
	}
	return out
}

// Similar implements query.Names: the names (and teammates' emails) nearest in spelling, or every name of a list
// of at most five when none is near (two help centers, say); for companies, those whose name contains the value's
// first word.
func (n Names) Similar(kind query.Kind, value string) []query.Named {
	if kind == query.KindCompany {
		word, _, _ := strings.Cut(strings.TrimSpace(value), " ")
		if word == "" {
			return nil
		}
		return n.companyHits(table.Contains, word, 5)
	}
	l := n.dir.lists[kind]
	if l == nil {
		return nil
	}
	// Every way a person may half-remember a record: its whole name, each word of it ("Rivera"), its email and
	// the email's local part; each candidate leads back to the records it came from.
	owners := map[string][]int{}
	var cands []string
	add := func(c string, i int) {
		if len(c) < 2 {
			return
		}
		key := strings.ToLower(c)
		if _, ok := owners[key]; !ok {
			cands = append(cands, c)
		}
		if o := owners[key]; len(o) == 0 || o[len(o)-1] != i {
			owners[key] = append(o, i)
		}
	}
	for i, x := range l.live {
		add(x.Name, i)
		for _, w := range strings.Fields(x.Name) {
			add(w, i)
		}
		if x.Alt != "" {
			add(x.Alt, i)
			if local, _, ok := strings.Cut(x.Alt, "@"); ok {
				add(local, i)
			}
		}
	}
	var out []query.Named
	seen := map[string]bool{}
	for _, near := range query.Nearest(value, cands) {
		for _, i := range owners[strings.ToLower(near)] {
			if x := l.live[i]; !seen[x.ID] {
				seen[x.ID] = true
				out = append(out, x)
			}
		}
	}
	if len(out) == 0 && len(l.live) <= 5 {
		out = append(out, l.live...) // nothing is near, but a short list is the answer: every name there is
	}
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}

// companies returns the live companies whose Intercom id, company_id or name is value (ignoring case), and
// whether the replica holds any company at all.
func (n Names) companies(value string) ([]query.Named, bool) {
	ks := n.r.kinds[query.KindCompany]
	if ks == nil {
		return nil, false
	}
	ks.mu.RLock()
	held := ks.table.Len() > 0
	sum, isID := ks.table.Summary(value)
	ks.mu.RUnlock()
	if isID {
		s, _ := decodeSummary(sum)
		return []query.Named{{ID: value, Name: s.name, Alt: s.externalID}}, true
	}
	seen := map[string]bool{}
	var out []query.Named
	for _, field := range []string{"company_id", "name"} {
		for _, x := range n.companyHits(table.Eq, value, 20, field) {
			if !seen[x.ID] {
				seen[x.ID] = true
				out = append(out, x)
			}
		}
	}
	return out, held
}

// companyHits returns up to limit live companies whose field (name by default) matches value under op.
func (n Names) companyHits(op table.KeywordOp, value string, limit int, field ...string) []query.Named {
	ks := n.r.kinds[query.KindCompany]
	col := "name"
	if len(field) > 0 {
		col = field[0]
	}
	filter := table.Filter{{Any: []table.Atom{table.KeywordAtom(col, op, lowerKeyword(value))}}}
	ks.mu.RLock()
	res := ks.table.Search(filter, nil, limit)
	ks.mu.RUnlock()
	out := make([]query.Named, 0, len(res.Matches))
	for _, m := range res.Matches {
		s, _ := decodeSummary(m.Summary)
		out = append(out, query.Named{ID: m.ID, Name: s.name, Alt: s.externalID})
	}
	return out
}
