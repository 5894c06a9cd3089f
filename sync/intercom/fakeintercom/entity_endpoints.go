package fakeintercom

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Route names of the workspace endpoints, as Handler.Stats counts requests.
const (
	RouteListAdmins        = "GET /admins"
	RouteGetAdmin          = "GET /admins/{id}"
	RouteListTeams         = "GET /teams"
	RouteGetTeam           = "GET /teams/{id}"
	RouteListTags          = "GET /tags"
	RouteListSegments      = "GET /segments"
	RouteGetSegment        = "GET /segments/{id}"
	RouteListCompanies     = "GET /companies"
	RouteScrollCompanies   = "GET /companies/scroll"
	RouteGetCompany        = "GET /companies/{id}"
	RouteCompanyContacts   = "GET /companies/{id}/contacts"
	RouteCompanySegments   = "GET /companies/{id}/segments"
	defaultCompaniesPage   = 15     // GET /companies per_page default (2.16 parameter description)
	maxCompaniesPage       = 60     // GET /companies per_page maximum (the fake's choice, clamped like the others)
	companyListLimit       = 10_000 // "there is a limit of 10,000 Companies that can be returned"
	defaultCompanyContacts = 50     // GET /companies/{id}/contacts page size (2.16 example)
	scrollPageSize         = 50     // companies per scroll page
	scrollIdle             = 60     // seconds a scroll stays open unused ("If the scroll isn't used for 1 minute, it expires")
)

// companyScroll is the app's open scroll: a snapshot of the companies to walk and how far it got.
type companyScroll struct {
	param    string
	order    []int
	pos      int
	lastUsed int64
}

// routeEntities names a workspace-entity endpoint and returns the function that answers it, or "" when the path
// is none of them.
func (h *Handler) routeEntities(r *http.Request) (string, func(*http.Request, string) reply) {
	if r.Method != http.MethodGet {
		return "", nil
	}
	path := r.URL.Path
	one := func(prefix string) (string, bool) { // "/admins/{id}" with a non-empty id and nothing after it
		id, ok := strings.CutPrefix(path, prefix)
		return id, ok && id != "" && !strings.Contains(id, "/")
	}
	switch path {
	case "/admins":
		return RouteListAdmins, h.serveListAdmins
	case "/teams":
		return RouteListTeams, h.serveListTeams
	case "/tags":
		return RouteListTags, h.serveListTags
	case "/segments":
		return RouteListSegments, h.serveListSegments
	case "/companies":
		return RouteListCompanies, h.serveListCompanies
	case "/companies/scroll":
		return RouteScrollCompanies, h.serveScrollCompanies
	}
	if _, ok := one("/admins/"); ok {
		return RouteGetAdmin, h.serveGetAdmin
	}
	if _, ok := one("/teams/"); ok {
		return RouteGetTeam, h.serveGetTeam
	}
	if _, ok := one("/segments/"); ok {
		return RouteGetSegment, h.serveGetSegment
	}
	if rest, ok := strings.CutPrefix(path, "/companies/"); ok {
		id, sub, _ := strings.Cut(rest, "/")
		switch {
		case id == "":
		case sub == "":
			return RouteGetCompany, h.serveGetCompany
		case sub == "contacts":
			return RouteCompanyContacts, h.serveCompanyContacts
		case sub == "segments":
			return RouteCompanySegments, h.serveCompanySegments
		}
	}
	return "", nil
}

// pathID returns the id in /kind/{id} or /kind/{id}/sub.
func pathID(path, prefix string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(path, prefix), "/")
	return id
}

func (ws *Workspace) renderAdmin(w *jsonWriter, a admin) {
	w.openObject()
	w.kstr("type", "admin")
	w.kstr("id", a.id)
	w.kstr("name", a.name)
	w.kstr("email", a.email)
	w.knull("away_status_reason_id")
	w.kbool("has_inbox_seat", true)
	adminStatus(w, &a)
	w.closeObject()
}

func (h *Handler) serveListAdmins(_ *http.Request, _ string) reply {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "admin.list")
	w.key("admins")
	w.openArray()
	for i := range h.ws.admins {
		h.ws.renderAdmin(&w, h.ws.adminAt(i))
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

func (h *Handler) serveGetAdmin(r *http.Request, requestID string) reply {
	id := pathID(r.URL.Path, "/admins/")
	i := slices.IndexFunc(h.ws.admins, func(a admin) bool { return a.id == id })
	if i < 0 {
		return errorReply(http.StatusNotFound, requestID, "admin_not_found", "Admin not found")
	}
	w := jsonWriter{}
	h.ws.renderAdmin(&w, h.ws.adminAt(i))
	return ok(w.b)
}

func (ws *Workspace) renderTeam(w *jsonWriter, t team) {
	w.openObject()
	w.kstr("type", "team")
	w.kstr("id", strconv.FormatInt(t.id, 10))
	w.kstr("name", t.name)
	w.key("admin_ids")
	w.openArray()
	for _, a := range ws.admins {
		if slices.Contains(a.teamIDs, t.id) {
			n, _ := strconv.ParseInt(a.id, 10, 64)
			w.int(n)
		}
	}
	w.closeArray()
	w.knull("admin_priority_level")
	w.knull("assignment_limit")
	w.kstr("distribution_method", "round_robin")
	w.closeObject()
}

func (h *Handler) serveListTeams(_ *http.Request, _ string) reply {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "team.list")
	w.key("teams")
	w.openArray()
	for _, t := range h.ws.teams {
		h.ws.renderTeam(&w, t)
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

func (h *Handler) serveGetTeam(r *http.Request, requestID string) reply {
	id := pathID(r.URL.Path, "/teams/")
	i := slices.IndexFunc(h.ws.teams, func(t team) bool { return strconv.FormatInt(t.id, 10) == id })
	if i < 0 {
		return errorReply(http.StatusNotFound, requestID, "team_not_found", "Team not found")
	}
	w := jsonWriter{}
	h.ws.renderTeam(&w, h.ws.teams[i])
	return ok(w.b)
}

func (h *Handler) serveListTags(_ *http.Request, _ string) reply {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for t := range h.ws.tagCount() {
		w.openObject()
		h.ws.tagFields(&w, t)
		w.closeObject()
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

// renderSegment writes segment s; count < 0 leaves the count out.
func (ws *Workspace) renderSegment(w *jsonWriter, s int, count int) {
	seg := &ws.segments[s]
	w.openObject()
	w.kstr("type", "segment")
	w.kstr("id", seg.id)
	w.kstr("name", seg.name)
	w.kint("created_at", seg.createdAt)
	w.kint("updated_at", seg.updatedAt)
	w.kstr("person_type", seg.personType)
	if count >= 0 {
		w.kint("count", int64(count))
	}
	w.closeObject()
}

func (h *Handler) serveListSegments(r *http.Request, requestID string) reply {
	var counts []int
	switch r.URL.Query().Get("include_count") {
	case "", "false":
	case "true":
		counts = h.ws.segmentCounts()
	default:
		return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "include_count must be true or false")
	}
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "segment.list")
	w.key("segments")
	w.openArray()
	for s := range h.ws.segments {
		count := -1
		if counts != nil {
			count = counts[s]
		}
		h.ws.renderSegment(&w, s, count)
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

func (h *Handler) serveGetSegment(r *http.Request, requestID string) reply {
	s := h.ws.segmentIndex(pathID(r.URL.Path, "/segments/"))
	if s < 0 {
		return errorReply(http.StatusNotFound, requestID, "not_found", "Resource Not Found")
	}
	w := jsonWriter{}
	h.ws.renderSegment(&w, s, -1)
	return ok(w.b)
}

func companyNotFound(requestID string) reply {
	return errorReply(http.StatusNotFound, requestID, "company_not_found", "Company Not Found")
}

// pageParam reads a page query parameter: 1 when absent, 400 when not a positive integer.
func pageParam(r *http.Request, requestID string) (int, *reply) {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		rep := errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "page must be a positive integer")
		return 0, &rep
	}
	return n, nil
}

// writePageNumbers writes the pages object (schema cursor_pages) of a page-numbered list: next is {page} while
// there is a next page, null on the last one (as the 2.16 examples show).
func writePageNumbers(w *jsonWriter, page, perPage, totalPages int) {
	w.key("pages")
	w.openObject()
	w.kstr("type", "pages")
	if page < totalPages {
		w.key("next")
		w.openObject()
		w.kint("page", int64(page+1))
		w.closeObject()
	} else {
		w.knull("next")
	}
	w.kint("page", int64(page))
	w.kint("per_page", int64(perPage))
	w.kint("total_pages", int64(totalPages))
	w.closeObject()
}

// renderCompanyPage writes a page-numbered list of companies (schema company_list).
func (ws *Workspace) renderCompanyPage(cos []*company, page, perPage, total, totalPages int) []byte {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, co := range cos {
		ws.renderCompany(&w, co)
	}
	w.closeArray()
	writePageNumbers(&w, page, perPage, totalPages)
	w.kint("total_count", int64(total))
	w.closeObject()
	return w.b
}

// serveListCompanies answers GET /companies: every live company by last_request_at descending, page by page
// (page, per_page), filtered by company_id, name, tag_id or segment_id. A company_id or name that matches nothing
// gets 404 company_not_found. Only the first 10,000 companies are reachable; a page wholly beyond them gets 400.
func (h *Handler) serveListCompanies(r *http.Request, requestID string) reply {
	ws := h.ws
	perPage, bad := perPageParam(r, requestID, defaultCompaniesPage, maxCompaniesPage)
	if bad != nil {
		return *bad
	}
	page, bad := pageParam(r, requestID)
	if bad != nil {
		return *bad
	}
	q := r.URL.Query()
	var cos []*company
	for _, k := range ws.liveCompanies() {
		co := ws.companyAt(k)
		switch {
		case co == nil,
			q.Has("company_id") && co.companyID != q.Get("company_id"),
			q.Has("name") && !strings.EqualFold(co.name, q.Get("name")),
			q.Has("tag_id") && !slices.ContainsFunc(co.tagIdxs, func(t int) bool { return ws.tagAt(t).id == q.Get("tag_id") }),
			q.Has("segment_id") && !slices.ContainsFunc(ws.companySegments(k), func(s int) bool { return ws.segments[s].id == q.Get("segment_id") }):
			continue
		}
		cos = append(cos, co)
	}
	if len(cos) == 0 && (q.Has("company_id") || q.Has("name")) {
		return companyNotFound(requestID)
	}
	total := len(cos)
	reachable := min(total, companyListLimit)
	start := (page - 1) * perPage
	if start >= companyListLimit {
		return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "page "+strconv.Itoa(page)+" is beyond the 10,000 companies GET /companies can return; use GET /companies/scroll to iterate over every company")
	}
	start = min(start, reachable)
	end := min(reachable, start+perPage)
	return ok(ws.renderCompanyPage(cos[start:end], page, perPage, total, (reachable+perPage-1)/perPage))
}

// companyFromPath resolves the company of /companies/{id}[/...], or answers 404 company_not_found.
func (h *Handler) companyFromPath(r *http.Request, requestID string) (int, *reply) {
	k := h.ws.companyIndex(pathID(r.URL.Path, "/companies/"))
	if k < 0 {
		rep := companyNotFound(requestID)
		return -1, &rep
	}
	return k, nil
}

func (h *Handler) serveGetCompany(r *http.Request, requestID string) reply {
	k, bad := h.companyFromPath(r, requestID)
	if bad != nil {
		return *bad
	}
	co := h.ws.companyAt(k)
	if co == nil {
		return companyNotFound(requestID)
	}
	w := jsonWriter{}
	h.ws.renderCompany(&w, co)
	return ok(w.b)
}

// serveCompanyContacts answers GET /companies/{id}/contacts: the company's listed contacts in GET /contacts order,
// page by page (page, per_page; default and maximum 50), schema company_attached_contacts.
func (h *Handler) serveCompanyContacts(r *http.Request, requestID string) reply {
	k, bad := h.companyFromPath(r, requestID)
	if bad != nil {
		return *bad
	}
	perPage, bad := perPageParam(r, requestID, defaultCompanyContacts, defaultCompanyContacts)
	if bad != nil {
		return *bad
	}
	page, bad := pageParam(r, requestID)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	idxs := ws.companyContacts(k)
	start := min(len(idxs), (page-1)*perPage)
	end := min(len(idxs), start+perPage)
	totalPages := (len(idxs) + perPage - 1) / perPage
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, idx := range idxs[start:end] {
		w.sep()
		w.b = ws.renderContact(w.b, ws.contactAt(idx), nil)
		w.comma = true
	}
	w.closeArray()
	w.kint("total_count", int64(len(idxs)))
	writePageNumbers(&w, page, perPage, totalPages)
	w.closeObject()
	return ok(w.b)
}

func (h *Handler) serveCompanySegments(r *http.Request, requestID string) reply {
	k, bad := h.companyFromPath(r, requestID)
	if bad != nil {
		return *bad
	}
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, s := range h.ws.companySegments(k) {
		h.ws.renderSegment(&w, s, -1)
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

// serveScrollCompanies answers GET /companies/scroll as Intercom documents it: without scroll_param it opens the
// app's one scroll (a snapshot of the live companies) and answers its first page; with the scroll_param of the open
// scroll it answers the next page. Each page renews the scroll; a scroll unused for a minute (workspace clock)
// expires. Opening a second scroll while one is open gets 400 "scroll already exists for this app"; an unknown or
// expired scroll_param gets 400 parameter_invalid. The page after the last company has no companies and closes the
// scroll. Companies deleted during a scroll are skipped; companies created during it are not seen by it.
func (h *Handler) serveScrollCompanies(r *http.Request, requestID string) reply {
	ws := h.ws
	param := r.URL.Query().Get("scroll_param")
	now := ws.nowUnix()
	order := ws.liveCompanies()
	slices.Sort(order) // a scroll walks companies by creation (index), whatever is updated meanwhile
	ws.mu.Lock()
	sc := ws.overlay.scroll
	if sc != nil && now-sc.lastUsed >= scrollIdle {
		sc, ws.overlay.scroll = nil, nil // expired
	}
	switch {
	case param == "" && sc != nil:
		ws.mu.Unlock()
		return errorReply(http.StatusBadRequest, requestID, "bad_request", "scroll already exists for this app")
	case param == "":
		ws.activitySeq++
		sc = &companyScroll{param: uuidFrom(ws.seed^0x5c7011, ws.activitySeq), order: order}
		ws.overlay.scroll = sc
	case sc == nil || sc.param != param:
		ws.mu.Unlock()
		return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "scroll_param is not the open scroll's: it expired (unused for a minute, or the scroll ended) or never existed; start a new scroll without scroll_param")
	}
	sc.lastUsed = now
	var page []int
	for sc.pos < len(sc.order) && len(page) < scrollPageSize {
		page = append(page, sc.order[sc.pos])
		sc.pos++
	}
	if len(page) == 0 {
		ws.overlay.scroll = nil // "If the end of the scroll is reached, companies will be empty and the scroll parameter will expire"
	}
	ws.mu.Unlock()
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, k := range page {
		if co := ws.companyAt(k); co != nil {
			ws.renderCompany(&w, co)
		}
	}
	w.closeArray()
	w.knull("pages")
	w.knull("total_count")
	w.kstr("scroll_param", sc.param)
	w.closeObject()
	return ok(w.b)
}
