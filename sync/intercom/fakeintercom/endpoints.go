package fakeintercom

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Page sizes (api-notes §4). A per_page above the maximum is clamped to the maximum (pages.per_page shows the size
// used); zero, negative or non-numeric values are answered 400 parameter_invalid.
const (
	maxPerPage                = 150
	defaultConversationsPage  = 20
	defaultContactsPage       = 10 // the 2.16 text says 50, its example and the later upstream fix say 10
	defaultContactSearchPage  = 50
	defaultDeletedPage        = 20
	maxDeletedPage            = 60
	cursorListConversations   = "lc"
	cursorListContacts        = "lk"
	cursorSearchConversations = "sc"
	cursorSearchContacts      = "sk"
)

// cursor is the opaque starting_after: base64 of a JSON array naming the list, the query it belongs to, the page
// number, and the position (sort value and record index) of the last record of the previous page. Pages continue
// after that position, so a record updated during a walk moves to the front and is not seen again by that walk
// (as with Intercom: a syncer must pick such records up by searching updated_at afterwards).
type cursor struct {
	list  string
	fp    string
	page  int
	key   sortVal
	index int
}

func (c cursor) encode() string {
	b, _ := json.Marshal([]any{c.list, c.fp, c.page, c.key.t, c.key.i, c.key.f, c.key.s, c.index})
	return base64.StdEncoding.EncodeToString(b)
}

var errBadCursor = errors.New("invalid cursor")

func decodeCursor(s, list, fp string) (cursor, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errBadCursor
	}
	var a []json.RawMessage
	if err := json.Unmarshal(raw, &a); err != nil || len(a) != 8 {
		return cursor{}, errBadCursor
	}
	var c cursor
	for i, dst := range []any{&c.list, &c.fp, &c.page, &c.key.t, &c.key.i, &c.key.f, &c.key.s, &c.index} {
		if err := json.Unmarshal(a[i], dst); err != nil {
			return cursor{}, errBadCursor
		}
	}
	if c.list != list || c.fp != fp || c.page < 1 {
		return cursor{}, errBadCursor
	}
	return c, nil
}

// sortVal is a record's sort key: null, integer (ints, dates, booleans), float or string.
type sortVal struct {
	t string // "n" null, "i", "f", "s"
	i int64
	f float64
	s string
}

func sortValOf(values []any) sortVal {
	if len(values) == 0 {
		return sortVal{t: "n"}
	}
	switch v := values[0].(type) {
	case int64:
		return sortVal{t: "i", i: v}
	case float64:
		return sortVal{t: "f", f: v}
	case bool:
		if v {
			return sortVal{t: "i", i: 1}
		}
		return sortVal{t: "i"}
	case string:
		return sortVal{t: "s", s: strings.ToLower(v)}
	}
	return sortVal{t: "n"}
}

// compareSort orders two keys ascending; nulls compare greater (so they come last ascending) and are handled by
// the caller for descending order.
func compareSort(a, b sortVal) int {
	if a.t == "n" || b.t == "n" {
		switch {
		case a.t == b.t:
			return 0
		case a.t == "n":
			return 1
		}
		return -1
	}
	switch {
	case a.t == "i" && b.t == "i":
		return cmp.Compare(a.i, b.i)
	case a.t == "s" && b.t == "s":
		return strings.Compare(a.s, b.s)
	}
	af, bf := a.f, b.f
	if a.t == "i" {
		af = float64(a.i)
	}
	if b.t == "i" {
		bf = float64(b.i)
	}
	return cmp.Compare(af, bf)
}

// hit is a record in a result list with its sort key.
type hit struct {
	index int
	key   sortVal
}

// hitOrder returns the comparison of a sorted result list: by key (nulls last either way), then by index in the
// same direction.
func hitOrder(ascending bool) func(a, b hit) int {
	return func(a, b hit) int {
		if (a.key.t == "n") != (b.key.t == "n") {
			if a.key.t == "n" {
				return 1
			}
			return -1
		}
		c := compareSort(a.key, b.key)
		if c == 0 {
			c = cmp.Compare(a.index, b.index)
		}
		if !ascending {
			c = -c
		}
		return c
	}
}

// pageInfo is the pages object of a cursor-paged answer.
type pageInfo struct {
	page, perPage, total int
	next                 string // starting_after of the next page; "" on the last page
}

func writePages(w *jsonWriter, p pageInfo) {
	w.key("pages")
	w.openObject()
	w.kstr("type", "pages")
	if p.next != "" {
		w.key("next")
		w.openObject()
		w.kint("page", int64(p.page+1))
		w.kstr("starting_after", p.next)
		w.closeObject()
	}
	w.kint("page", int64(p.page))
	w.kint("per_page", int64(p.perPage))
	w.kint("total_pages", int64((p.total+p.perPage-1)/p.perPage))
	w.closeObject()
}

// perPageParam reads a per_page query parameter: default when absent, clamped to max, 400 when not a positive
// integer.
func perPageParam(r *http.Request, requestID string, def, maximum int) (int, *reply) {
	s := r.URL.Query().Get("per_page")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		rep := errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "per_page must be a positive integer")
		return 0, &rep
	}
	return min(n, maximum), nil
}

// afterCursor decodes a starting_after of list (for the query with fingerprint fp): nil for the first page, a 400
// reply when s is not a cursor of this list and query.
func afterCursor(s, list, fp, requestID string) (*cursor, *reply) {
	if s == "" {
		return nil, nil
	}
	c, err := decodeCursor(s, list, fp)
	if err != nil {
		rep := errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "starting_after is not a cursor of this list (pass pages.next.starting_after of the previous page unchanged)")
		return nil, &rep
	}
	return &c, nil
}

// listParams reads the per_page and starting_after query parameters of the cursor list named list.
func listParams(r *http.Request, requestID string, defaultPerPage int, list string) (int, *cursor, *reply) {
	perPage, bad := perPageParam(r, requestID, defaultPerPage, maxPerPage)
	if bad != nil {
		return 0, nil, bad
	}
	after, bad := afterCursor(r.URL.Query().Get("starting_after"), list, "", requestID)
	return perPage, after, bad
}

// searchParams reads a search request's body and the starting_after cursor in it, of the search named list.
func (h *Handler) searchParams(r *http.Request, requestID string, target searchTarget, defaultPerPage int, list string) (*searchBody, *cursor, *reply) {
	body, err := readBody(r)
	if err != nil {
		rep := errorReply(http.StatusBadRequest, requestID, "bad_request", "could not read the request body")
		return nil, nil, &rep
	}
	sb, err := h.ws.parseSearchBody(body, target, defaultPerPage)
	if err != nil {
		rep := searchErrorReply(requestID, err)
		return nil, nil, &rep
	}
	after, bad := afterCursor(sb.startingAfter, list, sb.fingerprint, requestID)
	return sb, after, bad
}

// renderConversationPage appends a page of conversations (schema conversation_list): its pages, the total and the
// conversations at keys.
func (ws *Workspace) renderConversationPage(keys []orderKey, p pageInfo, mode int) []byte {
	w := jsonWriter{b: make([]byte, 0, 4096*len(keys)+256)}
	w.openObject()
	w.kstr("type", "conversation.list")
	writePages(&w, p)
	w.kint("total_count", int64(p.total))
	w.key("conversations")
	w.openArray()
	for _, k := range keys {
		w.sep()
		w.b = ws.renderConversation(w.b, ws.conversationAt(int(k.idx)), mode)
		w.comma = true
	}
	w.closeArray()
	w.closeObject()
	return w.b
}

// renderContactPage appends a page of contacts (schema contact_list): the contacts at idxs, the total and its
// pages.
func (ws *Workspace) renderContactPage(r *http.Request, idxs []int, p pageInfo) []byte {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, idx := range idxs {
		w.sep()
		w.b = ws.renderContact(w.b, ws.contactAt(idx), ws.historyFor(r, idx))
		w.comma = true
	}
	w.closeArray()
	w.kint("total_count", int64(p.total))
	writePages(&w, p)
	w.closeObject()
	return w.b
}

// listPage cuts one page out of an ordered list of keys after a cursor.
func listPage(keys []orderKey, after *cursor, perPage int, list, fp string) ([]orderKey, pageInfo) {
	start, page := 0, 1
	if after != nil {
		k := orderKey{after.key.i, int32(after.index)}
		start = keysAfter(keys, k)
		page = after.page
	}
	end := min(len(keys), start+perPage)
	p := pageInfo{page: page, perPage: perPage, total: len(keys)}
	if end < len(keys) && end > start {
		last := keys[end-1]
		p.next = cursor{list: list, fp: fp, page: page + 1, key: sortVal{t: "i", i: last.ts}, index: int(last.idx)}.encode()
	}
	return keys[start:end], p
}

// keysAfter returns the position of the first key after k in keys (sorted newest first).
func keysAfter(keys []orderKey, k orderKey) int {
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if k.before(keys[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func (h *Handler) serveListConversations(r *http.Request, requestID string) reply {
	perPage, after, bad := listParams(r, requestID, defaultConversationsPage, cursorListConversations)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	ws.mu.Lock()
	ws.ensureConvIndexLocked()
	keys, p := listPage(ws.convOrder.keys, after, perPage, cursorListConversations, "")
	keys = slices.Clone(keys)
	ws.mu.Unlock()
	return ok(ws.renderConversationPage(keys, p, renderListItem))
}

func (h *Handler) serveGetConversation(r *http.Request, requestID string) reply {
	id := strings.TrimPrefix(r.URL.Path, "/conversations/")
	c, err := h.ws.conversation(id)
	if err != nil {
		return errorReply(http.StatusNotFound, requestID, "not_found", "Resource Not Found")
	}
	mode := renderFull
	q := r.URL.Query()
	if q.Get("display_as") == "plaintext" {
		mode |= renderPlain
	}
	if q.Get("include_monitors") == "true" || q.Get("include_scorecards") == "true" {
		mode |= renderQA
	}
	return ok(h.ws.renderConversation(make([]byte, 0, 8<<10), c, mode))
}

func (h *Handler) serveSearchConversations(r *http.Request, requestID string) reply {
	sb, after, bad := h.searchParams(r, requestID, searchConversations, defaultConversationsPage, cursorSearchConversations)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	ws.mu.Lock()
	ws.ensureConvIndexLocked()
	keys := slices.Clone(ws.convOrder.keys)
	ws.mu.Unlock()

	// Results come in list order (updated_at descending): the matches are a filtered copy of the ordered keys.
	matches := make([]orderKey, 0, 64)
	for _, k := range keys {
		if sb.query.matchConv(ws, ws.conversationAt(int(k.idx))) {
			matches = append(matches, k)
		}
	}
	page, p := listPage(matches, after, sb.perPage, cursorSearchConversations, sb.fingerprint)
	mode := renderListItem
	if q := r.URL.Query(); q.Get("include_monitors") == "true" || q.Get("include_scorecards") == "true" {
		mode |= renderQA
	}
	return ok(ws.renderConversationPage(page, p, mode))
}

func searchErrorReply(requestID string, err error) reply {
	var se *searchError
	if errors.As(err, &se) {
		return errorReply(http.StatusBadRequest, requestID, se.code, se.msg)
	}
	return errorReply(http.StatusBadRequest, requestID, "bad_request", err.Error())
}

func (h *Handler) serveDeletedConversations(r *http.Request, requestID string) reply {
	if !versionAtLeast(h.apiVersion(r), 16) {
		return errorReply(http.StatusBadRequest, requestID, "intercom_version_invalid", "Requested resource is not available in current API version.")
	}
	perPage, bad := perPageParam(r, requestID, defaultDeletedPage, maxDeletedPage)
	if bad != nil {
		return *bad
	}
	q := r.URL.Query()
	page := 1
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "page must be a positive integer")
		}
		page = n
	}
	order := q.Get("order")
	switch order {
	case "":
		order = "desc"
	case "asc", "desc":
	default:
		return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "order must be asc or desc")
	}
	ws := h.ws
	ws.mu.Lock()
	ws.ensureConvIndexLocked()
	all := ws.deletedSortedLocked(order == "desc")
	ws.mu.Unlock()

	start := min(len(all), (page-1)*perPage)
	end := min(len(all), start+perPage)
	totalPages := (len(all) + perPage - 1) / perPage
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "conversations.list")
	w.kint("total_count", int64(len(all)))
	w.key("pages")
	w.openObject()
	w.kstr("type", "pages")
	if page < totalPages {
		// pages.next is a full URL here (schema pages_link), unlike the cursor lists.
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		next := url.Values{"per_page": {strconv.Itoa(perPage)}, "order": {order}, "page": {strconv.Itoa(page + 1)}}
		w.kstr("next", scheme+"://"+r.Host+"/conversations/deleted?"+next.Encode())
	}
	w.kint("page", int64(page))
	w.kint("per_page", int64(perPage))
	w.kint("total_pages", int64(totalPages))
	w.closeObject()
	w.key("conversations")
	w.openArray()
	for _, d := range all[start:end] {
		w.openObject()
		w.kstr("type", "conversation")
		w.kstr("id", conversationID(d.idx))
		w.kbool("metrics_retained", d.metricsRetained)
		w.kint("deleted_at", d.at)
		w.closeObject()
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

func (h *Handler) serveListContacts(r *http.Request, requestID string) reply {
	perPage, after, bad := listParams(r, requestID, defaultContactsPage, cursorListContacts)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	ws.mu.Lock()
	ws.ensureContactIndexLocked()
	keys, p := listPage(ws.contactOrder.keys, after, perPage, cursorListContacts, "")
	idxs := make([]int, len(keys))
	for i, k := range keys {
		idxs[i] = int(k.idx)
	}
	ws.mu.Unlock()
	return ok(ws.renderContactPage(r, idxs, p))
}

// historyFor returns contact idx's merge history when the request asks for it (include_merge_history=true), else
// nil. The result is non-nil (possibly empty) when asked.
func (ws *Workspace) historyFor(r *http.Request, idx int) []merge {
	if r.URL.Query().Get("include_merge_history") != "true" {
		return nil
	}
	return append([]merge{}, ws.mergeHistory(idx)...)
}

func (h *Handler) serveGetContact(r *http.Request, requestID string) reply {
	id := strings.TrimPrefix(r.URL.Path, "/contacts/")
	ws := h.ws
	idx, c, into, err := ws.lookupContact(id)
	switch {
	case errors.Is(err, ErrMerged):
		canonical := ws.contactAt(ws.canonical(into)).id
		rep := errorReply(http.StatusGone, requestID, "contact_merged", "This contact has been merged. See the 'Link' header for the canonical contact.")
		rep.header = http.Header{"Link": {`</contacts/` + canonical + `>; rel="canonical"`}}
		return rep
	case err != nil:
		return errorReply(http.StatusNotFound, requestID, "not_found", "Contact Not Found")
	}
	if c == nil {
		c = ws.genContact(idx)
	}
	return ok(ws.renderContact(nil, c, ws.historyFor(r, idx)))
}

func (h *Handler) serveSearchContacts(r *http.Request, requestID string) reply {
	sb, after, bad := h.searchParams(r, requestID, searchContacts, defaultContactSearchPage, cursorSearchContacts)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	sortField, _ := ws.lookupField(searchContacts, sb.sortField)
	ws.mu.Lock()
	ws.ensureContactIndexLocked()
	keys := slices.Clone(ws.contactOrder.keys)
	ws.mu.Unlock()

	now := ws.nowUnix()
	var hits []hit
	for _, k := range keys {
		c := ws.contactAt(int(k.idx))
		if c.searchableAt > now { // "Contact Creation Delay"
			continue
		}
		if !sb.query.matchContact(ws, c) {
			continue
		}
		hits = append(hits, hit{index: c.idx, key: sortValOf(sortField.contact(ws, c))})
	}
	idxs, p := sortedPage(hits, sb, after, cursorSearchContacts)
	return ok(ws.renderContactPage(r, idxs, p))
}

// sortedPage sorts a search's hits by its sort (nulls last, ties by index in the same direction) and cuts the page
// after the cursor, returning the record indices of the page and its pages object.
func sortedPage(hits []hit, sb *searchBody, after *cursor, list string) ([]int, pageInfo) {
	order := hitOrder(sb.ascending)
	slices.SortFunc(hits, order)
	start, page := 0, 1
	if after != nil {
		pos := hit{index: after.index, key: after.key}
		start, _ = slices.BinarySearchFunc(hits, pos, order)
		for start < len(hits) && order(hits[start], pos) <= 0 {
			start++
		}
		page = after.page
	}
	end := min(len(hits), start+sb.perPage)
	p := pageInfo{page: page, perPage: sb.perPage, total: len(hits)}
	if end < len(hits) && end > start {
		last := hits[end-1]
		p.next = cursor{list: list, fp: sb.fingerprint, page: page + 1, key: last.key, index: last.index}.encode()
	}
	idxs := make([]int, 0, end-start)
	for _, x := range hits[start:end] {
		idxs = append(idxs, x.index)
	}
	return idxs, p
}
