package fakeintercom

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Help Center: help centers, collections and articles. Help centers and collections are fixed at generation;
// articles are generated on demand from the seed (like conversations) and can be created, changed and deleted.

type helpCenter struct {
	id, identifier, displayName, url, customDomain string
	locales                                        []string
	createdAt, updatedAt                           int64
}

type collection struct {
	id, name, description, icon, url string
	order                            int
	parent                           int // index, -1 for a top-level collection
	hc                               int // help center index
	createdAt, updatedAt             int64
}

// article is a generated or created article. Its default locale is English; translations hold the other locales
// of its help center it is translated into.
type article struct {
	idx                    int
	id                     string
	title, description     string
	body                   string // HTML
	authorID               string
	state                  string // "published" or "draft"
	createdAt, updatedAt   int64
	collections            []int // parent collection indices; none for a standalone article
	translations           []articleTranslation
	viewsSeed, reactionPct int64
}

type articleTranslation struct {
	locale, title, description, body, state string
	createdAt, updatedAt                    int64
}

const (
	articleIDBase   = 4_000_000
	articleIDStride = 7919 // ids as the AI agent's content_sources cite them: /help/articles/{4000000+k*7919}
	helpCenterIDs   = 1210
	collectionIDs   = 8_300_000
	collectionStep  = 13
)

func articleID(idx int) string { return strconv.Itoa(articleIDBase + idx*articleIDStride) }

func articleIndex(id string) int {
	n, err := strconv.Atoi(id)
	if err != nil || n < articleIDBase || (n-articleIDBase)%articleIDStride != 0 {
		return -1
	}
	return (n - articleIDBase) / articleIDStride
}

// genHelpCenter draws the help centers and collections (after the other workspace entities).
func (ws *Workspace) genHelpCenter() {
	for k, d := range helpCenterDefs {
		host := d.host + "." + ws.domain
		ws.helpCenters = append(ws.helpCenters, helpCenter{
			id: strconv.Itoa(helpCenterIDs + k), identifier: d.identifier, displayName: ws.appName + " " + d.name,
			url: "https://" + host, customDomain: host, locales: d.locales,
			createdAt: ws.appCreatedAt + int64(k+1)*20*day, updatedAt: EpochUnix - int64(40+k*9)*day,
		})
	}
	for k, d := range collectionDefs {
		id := strconv.Itoa(collectionIDs + k*collectionStep)
		created := ws.appCreatedAt + int64(30+k*17)*day
		ws.collections = append(ws.collections, collection{
			id: id, name: d.name, description: d.description, icon: d.icon, order: k, parent: d.parent, hc: d.hc,
			url:       ws.helpCenters[d.hc].url + "/en/collections/" + id + "-" + urlSlug(d.name),
			createdAt: created, updatedAt: EpochUnix - int64(3+k*11)*day,
		})
	}
}

// urlSlug is a title as Intercom puts it in an article's URL: lower-case words joined by hyphens.
func urlSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(asciiFold(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// articleTimes is what ordering needs of a generated article: created and last updated, before the epoch.
func (ws *Workspace) articleTimes(idx int) (created, updated int64) {
	r := ws.rng(streamArticleHeader, idx)
	created = createdAtFor(r, idx, ws.articles.n)
	updated = created + int64(float64(max(0, EpochUnix-60-created))*r.Float64())
	return created, updated
}

func (ws *Workspace) generateArticle(idx int) *article {
	r := ws.rng(streamArticleBody, idx)
	d := &articleDefs[idx%len(articleDefs)]
	a := &article{idx: idx, id: articleID(idx), title: d.title, description: d.description, state: "published"}
	a.createdAt, a.updatedAt = ws.articleTimes(idx)
	if idx >= len(articleDefs) {
		a.title += " (" + articleVariants[(idx/len(articleDefs))%len(articleVariants)] + ")"
	}
	if r.IntN(7) == 0 {
		a.state = "draft"
	}
	a.authorID = ws.admins[r.IntN(len(ws.admins))].id
	if r.IntN(15) != 0 { // one in fifteen stands alone, outside any collection
		a.collections = []int{d.collection}
	}
	a.body = ws.articleBody(r, d, a.title)
	a.viewsSeed, a.reactionPct = r.Int64N(5000), r.Int64N(101)
	if hc := a.helpCenter(ws); hc >= 0 && r.IntN(3) == 0 {
		for _, loc := range ws.helpCenters[hc].locales[1:] {
			tr, ok := articleTranslations[loc][d.topic]
			if !ok {
				continue
			}
			a.translations = append(a.translations, articleTranslation{
				locale: loc, title: tr[0], description: tr[0] + ".", body: "<p>" + tr[1] + "</p>", state: a.state,
				createdAt: a.createdAt + r.Int64N(max(1, a.updatedAt-a.createdAt+1)), updatedAt: a.updatedAt,
			})
		}
	}
	return a
}

// articleBody writes an article's HTML: a heading, an introduction from the topic's agent replies, the steps and
// a closing line.
func (ws *Workspace) articleBody(r *rand.Rand, d *articleDef, title string) string {
	var b strings.Builder
	b.WriteString("<h2>")
	escapeHTML(&b, title)
	b.WriteString("</h2><p>")
	escapeHTML(&b, d.description)
	b.WriteString("</p>")
	if i := slices.IndexFunc(topics, func(t topic) bool { return t.name == d.topic }); i >= 0 {
		// A reply of the topic with its placeholders replaced by neutral words, so the article reads like an answer.
		reply := topics[i].replies[r.IntN(len(topics[i].replies))]
		b.WriteString("<p>")
		escapeHTML(&b, articlePlaceholders.Replace(reply))
		b.WriteString("</p>")
	}
	b.WriteString("<ol>")
	for _, s := range d.steps {
		b.WriteString("<li>")
		escapeHTML(&b, s)
		b.WriteString("</li>")
	}
	b.WriteString("</ol><p>Still need help? <a href=\"https://" + ws.domain + "/contact\">Contact support</a> and we'll get back to you.</p>")
	return b.String()
}

var articlePlaceholders = strings.NewReplacer("{name}", "there", "{amount}", "the amount", "{days}", "5", "{card}", "on file",
	"{invoice}", "your invoice", "{link}", "the billing page", "{plan}", "Pro", "{seats}", "your", "{date}", "the renewal date",
	"{order}", "your order", "{tracking}", "your tracking number", "{product}", "the item", "{error}", "the error",
	"{browser}", "your browser", "{os}", "your system", "{version}", "the latest version", "{email}", "your email",
	"{ticket}", "the ticket", "{address}", "your address", "{city}", "your city", "{country}", "your country",
	"{agent}", "the support team", "{workspace}", "us", "{company}", "your company", "{count}", "a few", "{count2}", "a few",
	"{version2}", "the previous version", "{apiurl}", "the API", "{domain}", "our site", "{invoice2}", "the other invoice",
	"{email2}", "another email", "{fullname}", "there")

// helpCenter returns the index of the help center an article is in (its first collection's), or -1.
func (a *article) helpCenter(ws *Workspace) int {
	if len(a.collections) == 0 {
		return -1
	}
	return ws.collections[a.collections[0]].hc
}

// url returns the article's URL in a locale: null (empty) for a draft or a standalone article.
func (a *article) url(ws *Workspace, locale, title, state string) string {
	hc := a.helpCenter(ws)
	if hc < 0 || state != "published" {
		return ""
	}
	return ws.helpCenters[hc].url + "/" + locale + "/articles/" + a.id + "-" + urlSlug(title)
}

// articleAt returns live article idx, or nil.
func (ws *Workspace) articleAt(idx int) *article { return ws.articles.at(idx) }

// articleOrder returns the live articles' indices by updated_at descending (then index descending), as GET
// /articles lists them.
func (ws *Workspace) articleOrder() []int { return ws.articles.ordered() }

// --- rendering --------------------------------------------------------------------------------------------------

func (ws *Workspace) renderHelpCenter(w *jsonWriter, hc *helpCenter) {
	w.openObject()
	w.kstr("id", hc.id)
	w.kstr("workspace_id", ws.appID)
	w.kint("created_at", hc.createdAt)
	w.kint("updated_at", hc.updatedAt)
	w.kstr("identifier", hc.identifier)
	w.kbool("website_turned_on", true)
	w.kstr("display_name", hc.displayName)
	w.kstr("url", hc.url)
	w.kstr("custom_domain", hc.customDomain)
	w.kbool("default", hc.identifier == helpCenterDefs[0].identifier)
	w.key("locales")
	w.openArray()
	for _, l := range hc.locales {
		w.str(l)
	}
	w.closeArray()
	w.closeObject()
}

func (ws *Workspace) renderCollection(w *jsonWriter, c *collection) {
	w.openObject()
	w.kstr("id", c.id)
	w.kstr("workspace_id", ws.appID)
	w.kstr("name", c.name)
	w.kstr("description", c.description)
	w.kint("created_at", c.createdAt)
	w.kint("updated_at", c.updatedAt)
	w.kstr("url", c.url)
	w.kstr("icon", c.icon)
	w.kint("order", int64(c.order))
	w.kstr("default_locale", "en")
	w.knull("translated_content")
	if c.parent < 0 {
		w.knull("parent_id")
	} else {
		w.kstr("parent_id", ws.collections[c.parent].id)
	}
	n, _ := strconv.ParseInt(ws.helpCenters[c.hc].id, 10, 64)
	w.kint("help_center_id", n)
	w.closeObject()
}

// renderArticle writes an article (schema article_list_item; with statistics, schema article, for GET
// /articles/{id} and search).
func (ws *Workspace) renderArticle(w *jsonWriter, a *article, withStats bool) {
	author, _ := strconv.ParseInt(a.authorID, 10, 64)
	w.openObject()
	w.kstr("id", a.id)
	w.kstr("type", "article")
	w.kstr("workspace_id", ws.appID)
	w.key("parent_ids")
	w.openArray()
	for _, c := range a.collections {
		n, _ := strconv.ParseInt(ws.collections[c].id, 10, 64)
		w.int(n)
	}
	w.closeArray()
	if withStats {
		w.key("statistics")
		w.openObject()
		w.kstr("type", "article_statistics")
		views := int64(0)
		if a.state == "published" {
			views = a.viewsSeed
		}
		w.kint("views", views)
		w.kint("conversions", views/40)
		w.kint("reactions", views/12)
		w.kint("happy_reaction_percentage", a.reactionPct*6/10)
		w.kint("neutral_reaction_percentage", a.reactionPct*3/10)
		w.kint("sad_reaction_percentage", a.reactionPct-a.reactionPct*6/10-a.reactionPct*3/10)
		w.closeObject()
	}
	w.kwrappedList("tags", "tag.list", func() {})
	w.kstr("title", a.title)
	w.kstr("description", a.description)
	w.kstr("body", a.body)
	w.kint("author_id", author)
	w.kstr("state", a.state)
	w.kint("created_at", a.createdAt)
	w.kint("updated_at", a.updatedAt)
	w.kstrOrNull("url", a.url(ws, "en", a.title, a.state))
	w.kstr("default_locale", "en")
	w.key("translated_content")
	w.openObject()
	w.kstr("type", "article_translated_content")
	content := func(locale, title, description, body, state string, created, updated int64) {
		w.key(locale)
		w.openObject()
		w.kstr("type", "article_content")
		w.kstr("title", title)
		w.kstr("description", description)
		w.kstr("body", body)
		w.kint("author_id", author)
		w.kstr("state", state)
		w.kint("created_at", created)
		w.kint("updated_at", updated)
		w.kstrOrNull("url", a.url(ws, locale, title, state))
		w.closeObject()
	}
	content("en", a.title, a.description, a.body, a.state, a.createdAt, a.updatedAt)
	for _, t := range a.translations {
		content(t.locale, t.title, t.description, t.body, t.state, t.createdAt, t.updatedAt)
	}
	w.closeObject()
	w.closeObject()
}

// --- endpoints ------------------------------------------------------------------------------------------------

// Route names of the Help Center endpoints, as Handler.Stats counts requests.
const (
	RouteListArticles      = "GET /articles"
	RouteGetArticle        = "GET /articles/{id}"
	RouteSearchArticles    = "GET /articles/search"
	RouteListCollections   = "GET /help_center/collections"
	RouteGetCollection     = "GET /help_center/collections/{id}"
	RouteListHelpCenters   = "GET /help_center/help_centers"
	RouteGetHelpCenter     = "GET /help_center/help_centers/{id}"
	defaultArticlesPage    = 25 // the 2.16 example's per_page
	defaultArticleSearch   = 10 // the 2.16 search example's per_page
	defaultCollectionsPage = 20 // the 2.16 example's per_page
)

// routeHelpCenter names a Help Center endpoint and returns the function that answers it, or "" when the path is none
// of them.
func (h *Handler) routeHelpCenter(path string) (string, func(*http.Request, string) reply) {
	switch {
	case path == "/articles":
		return RouteListArticles, h.serveListArticles
	case path == "/articles/search":
		return RouteSearchArticles, h.serveSearchArticles
	case path == "/help_center/collections":
		return RouteListCollections, h.serveListCollections
	case path == "/help_center/help_centers":
		return RouteListHelpCenters, h.serveListHelpCenters
	}
	for _, r := range []struct {
		prefix, route string
		serve         func(*http.Request, string) reply
	}{
		{"/articles/", RouteGetArticle, h.serveGetArticle},
		{"/help_center/collections/", RouteGetCollection, h.serveGetCollection},
		{"/help_center/help_centers/", RouteGetHelpCenter, h.serveGetHelpCenter},
	} {
		if id, ok := strings.CutPrefix(path, r.prefix); ok && id != "" && !strings.Contains(id, "/") {
			return r.route, r.serve
		}
	}
	return "", nil
}

// pageOf cuts page (1-based) of perPage items out of n, returning the bounds and the number of pages.
func pageOf(n, page, perPage int) (start, end, totalPages int) {
	start = min(n, (page-1)*perPage)
	return start, min(n, start+perPage), (n + perPage - 1) / perPage
}

// pageParams reads page and per_page of a page-numbered list.
func pageParams(r *http.Request, requestID string, def int) (page, perPage int, bad *reply) {
	if perPage, bad = perPageParam(r, requestID, def, maxPerPage); bad != nil {
		return 0, 0, bad
	}
	page, bad = pageParam(r, requestID)
	return page, perPage, bad
}

// serveListArticles answers GET /articles: every live article, newest updated first, page by page.
func (h *Handler) serveListArticles(r *http.Request, requestID string) reply {
	page, perPage, bad := pageParams(r, requestID, defaultArticlesPage)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	order := ws.articleOrder()
	start, end, totalPages := pageOf(len(order), page, perPage)
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	writePageNumbers(&w, page, perPage, totalPages)
	w.kint("total_count", int64(len(order)))
	w.key("data")
	w.openArray()
	for _, idx := range order[start:end] {
		if a := ws.articleAt(idx); a != nil {
			ws.renderArticle(&w, a, false)
		}
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

func notFound(requestID string) reply {
	return errorReply(http.StatusNotFound, requestID, "not_found", "Resource Not Found")
}

func (h *Handler) serveGetArticle(r *http.Request, requestID string) reply {
	a := h.ws.articleAt(articleIndex(pathID(r.URL.Path, "/articles/")))
	if a == nil {
		return notFound(requestID)
	}
	w := jsonWriter{}
	h.ws.renderArticle(&w, a, true)
	return ok(w.b)
}

// serveSearchArticles answers GET /articles/search: the live articles whose title, description or body (any
// locale) contains every word of phrase (case-insensitively), in state (published, draft or all; default all) and
// help center help_center_id, newest updated first, page by page. highlight is accepted; highlights are always
// empty.
func (h *Handler) serveSearchArticles(r *http.Request, requestID string) reply {
	page, perPage, bad := pageParams(r, requestID, defaultArticleSearch)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	q := r.URL.Query()
	state := q.Get("state")
	switch state {
	case "", "all", "published", "draft":
	default:
		return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "state must be one of published, draft or all")
	}
	hc := -1
	if s := q.Get("help_center_id"); s != "" {
		hc = slices.IndexFunc(ws.helpCenters, func(x helpCenter) bool { return x.id == s })
		if hc < 0 {
			return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "help_center_id "+strconv.Quote(s)+" is not a help center of this workspace (GET /help_center/help_centers lists them)")
		}
	}
	switch q.Get("highlight") {
	case "", "true", "false":
	default:
		return errorReply(http.StatusBadRequest, requestID, "parameter_invalid", "highlight must be true or false")
	}
	phrase := words(strings.ToLower(q.Get("phrase")))
	var hits []*article
	for _, idx := range ws.articleOrder() {
		a := ws.articleAt(idx)
		switch {
		case a == nil,
			state != "" && state != "all" && a.state != state,
			hc >= 0 && a.helpCenter(ws) != hc,
			!a.matches(phrase):
			continue
		}
		hits = append(hits, a)
	}
	start, end, totalPages := pageOf(len(hits), page, perPage)
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.kint("total_count", int64(len(hits)))
	w.key("data")
	w.openObject()
	w.key("articles")
	w.openArray()
	for _, a := range hits[start:end] {
		ws.renderArticle(&w, a, true)
	}
	w.closeArray()
	w.key("highlights")
	w.openArray()
	w.closeArray()
	w.closeObject()
	writePageNumbers(&w, page, perPage, totalPages)
	w.closeObject()
	return ok(w.b)
}

// matches reports whether every word of phrase occurs in the article's title, description or body text, in one of
// its locales.
func (a *article) matches(phrase []string) bool {
	if len(phrase) == 0 {
		return true
	}
	texts := []string{a.title + " " + a.description + " " + htmlToText(a.body)}
	for _, t := range a.translations {
		texts = append(texts, t.title+" "+t.description+" "+htmlToText(t.body))
	}
	for _, text := range texts {
		text = strings.ToLower(text)
		if !slices.ContainsFunc(phrase, func(p string) bool { return !strings.Contains(text, p) }) {
			return true
		}
	}
	return false
}

// serveListCollections answers GET /help_center/collections: every collection, newest updated first, page by page.
func (h *Handler) serveListCollections(r *http.Request, requestID string) reply {
	page, perPage, bad := pageParams(r, requestID, defaultCollectionsPage)
	if bad != nil {
		return *bad
	}
	ws := h.ws
	order := ws.collectionOrder()
	start, end, totalPages := pageOf(len(order), page, perPage)
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for _, k := range order[start:end] {
		ws.renderCollection(&w, &ws.collections[k])
	}
	w.closeArray()
	w.kint("total_count", int64(len(order)))
	writePageNumbers(&w, page, perPage, totalPages)
	w.closeObject()
	return ok(w.b)
}

// collectionOrder returns the collections' indices by updated_at descending, then index descending.
func (ws *Workspace) collectionOrder() []int {
	out := make([]int, len(ws.collections))
	for k := range out {
		out[k] = k
	}
	slices.SortFunc(out, func(a, b int) int {
		if c := ws.collections[b].updatedAt - ws.collections[a].updatedAt; c != 0 {
			return int(c)
		}
		return b - a
	})
	return out
}

func (h *Handler) serveGetCollection(r *http.Request, requestID string) reply {
	id := pathID(r.URL.Path, "/help_center/collections/")
	k := slices.IndexFunc(h.ws.collections, func(c collection) bool { return c.id == id })
	if k < 0 {
		return notFound(requestID)
	}
	w := jsonWriter{}
	h.ws.renderCollection(&w, &h.ws.collections[k])
	return ok(w.b)
}

func (h *Handler) serveListHelpCenters(_ *http.Request, _ string) reply {
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "list")
	w.key("data")
	w.openArray()
	for k := range h.ws.helpCenters {
		h.ws.renderHelpCenter(&w, &h.ws.helpCenters[k])
	}
	w.closeArray()
	w.closeObject()
	return ok(w.b)
}

func (h *Handler) serveGetHelpCenter(r *http.Request, requestID string) reply {
	id := pathID(r.URL.Path, "/help_center/help_centers/")
	k := slices.IndexFunc(h.ws.helpCenters, func(x helpCenter) bool { return x.id == id })
	if k < 0 {
		return notFound(requestID)
	}
	w := jsonWriter{}
	h.ws.renderHelpCenter(&w, &h.ws.helpCenters[k])
	return ok(w.b)
}

// --- accessors for tests ------------------------------------------------------------------------------------------

// ArticleIDs returns the ids of every live article, in the order GET /articles lists them (updated_at descending).
func (ws *Workspace) ArticleIDs() []string {
	order := ws.articleOrder()
	ids := make([]string, len(order))
	for i, idx := range order {
		ids[i] = articleID(idx)
	}
	return ids
}

// ArticleJSON returns the exact body GET /articles/{id} answers for a live article, or ErrNotFound.
func (ws *Workspace) ArticleJSON(id string) ([]byte, error) { return ws.articleJSON(id, true) }

// ArticleListItemJSON returns the exact JSON of a live article as GET /articles lists it (without statistics), or
// ErrNotFound.
func (ws *Workspace) ArticleListItemJSON(id string) ([]byte, error) { return ws.articleJSON(id, false) }

func (ws *Workspace) articleJSON(id string, withStats bool) ([]byte, error) {
	a := ws.articleAt(articleIndex(id))
	if a == nil {
		return nil, fmt.Errorf("article %s: %w", id, ErrNotFound)
	}
	w := jsonWriter{}
	ws.renderArticle(&w, a, withStats)
	return w.b, nil
}

// CollectionIDs returns the ids of the collections, in the order GET /help_center/collections lists them.
func (ws *Workspace) CollectionIDs() []string {
	var ids []string
	for _, k := range ws.collectionOrder() {
		ids = append(ids, ws.collections[k].id)
	}
	return ids
}

// HelpCenterIDs returns the ids of the help centers, in the order GET /help_center/help_centers lists them.
func (ws *Workspace) HelpCenterIDs() []string {
	ids := make([]string, len(ws.helpCenters))
	for k := range ws.helpCenters {
		ids[k] = ws.helpCenters[k].id
	}
	return ids
}

// --- mutations ----------------------------------------------------------------------------------------------------

// NewArticle describes an article to create.
type NewArticle struct {
	Title        string // required
	Description  string
	Body         string // HTML; empty means generated from the collection's topic
	State        string // "published" or "draft"; empty means draft, as Intercom's default
	AuthorID     string // a teammate; empty means the first
	CollectionID string // the parent collection; empty means standalone
}

// CreateArticle creates an article stamped now; GET /articles lists it first. Intercom sends no webhook for it
// (Change.Topic is empty).
func (ws *Workspace) CreateArticle(na NewArticle) (Change, error) {
	if strings.TrimSpace(na.Title) == "" {
		return Change{}, fmt.Errorf("create article: empty title: %w", ErrInvalid)
	}
	state, err := articleState(na.State, "draft")
	if err != nil {
		return Change{}, fmt.Errorf("create article: %w", err)
	}
	author := ws.admins[0].id
	if na.AuthorID != "" {
		a, err := ws.adminByID(na.AuthorID)
		if err != nil {
			return Change{}, fmt.Errorf("create article: %w", err)
		}
		author = a.id
	}
	var colls []int
	d := &articleDefs[0]
	if na.CollectionID != "" {
		k := slices.IndexFunc(ws.collections, func(c collection) bool { return c.id == na.CollectionID })
		if k < 0 {
			return Change{}, fmt.Errorf("create article: no collection %s: %w", na.CollectionID, ErrInvalid)
		}
		colls = []int{k}
		if i := slices.IndexFunc(articleDefs, func(d articleDef) bool { return d.collection == k }); i >= 0 {
			d = &articleDefs[i]
		}
	}
	r := ws.activityRand()
	now := ws.nowUnix()
	a := &article{
		title: na.Title, description: na.Description, authorID: author, state: state, createdAt: now, updatedAt: now,
		collections: colls, body: orGenerated(na.Body, func() string { return ws.articleBody(r, d, na.Title) }),
	}
	ws.mu.Lock()
	a.idx = ws.articles.next
	a.id = articleID(a.idx)
	ws.articles.putLocked(a.idx, a, now)
	ws.mu.Unlock()
	return Change{Kind: "article", ID: a.id, At: time.Unix(now, 0)}, nil
}

func articleState(s, def string) (string, error) {
	switch s {
	case "":
		return def, nil
	case "published", "draft":
		return s, nil
	}
	return "", fmt.Errorf("state %q (want published or draft): %w", s, ErrInvalid)
}

// ArticleEdit changes an article; nil fields are left alone.
type ArticleEdit struct {
	Title, Description, Body, State *string
}

// UpdateArticle changes a live article's English content; its updated_at becomes now (Change.Topic is empty).
func (ws *Workspace) UpdateArticle(id string, e ArticleEdit) (Change, error) {
	idx := articleIndex(id)
	for {
		base := ws.articleAt(idx)
		if base == nil {
			return Change{}, fmt.Errorf("update article %s: %w", id, ErrNotFound)
		}
		a := *base
		a.translations = slices.Clone(base.translations)
		if e.Title != nil {
			if strings.TrimSpace(*e.Title) == "" {
				return Change{}, fmt.Errorf("update article %s: empty title: %w", id, ErrInvalid)
			}
			a.title = *e.Title
		}
		if e.Description != nil {
			a.description = *e.Description
		}
		if e.Body != nil {
			a.body = *e.Body
		}
		if e.State != nil {
			s, err := articleState(*e.State, a.state)
			if err != nil {
				return Change{}, fmt.Errorf("update article %s: %w", id, err)
			}
			a.state = s
		}
		a.updatedAt = max(ws.nowUnix(), a.updatedAt)
		ws.mu.Lock()
		cur, live := ws.articles.lookupLocked(idx)
		if !live || (cur != nil && cur != base) {
			ws.mu.Unlock()
			continue // changed or deleted meanwhile: start again from the new state
		}
		ws.articles.putLocked(idx, &a, a.updatedAt)
		ws.mu.Unlock()
		return Change{Kind: "article", ID: id, At: time.Unix(a.updatedAt, 0)}, nil
	}
}

// DeleteArticle deletes a live article: GET /articles/{id} answers 404 and lists and search drop it.
func (ws *Workspace) DeleteArticle(id string) (Change, error) {
	idx := articleIndex(id)
	now := ws.nowUnix()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, live := ws.articles.lookupLocked(idx); !live {
		return Change{}, fmt.Errorf("delete article %s: %w", id, ErrNotFound)
	}
	ws.articles.removeLocked(idx, now)
	return Change{Kind: "article", ID: id, At: time.Unix(now, 0)}, nil
}

// simulateArticle is one step of the simulated activity on the Help Center: a new draft, an edit that publishes or
// rewrites an article, or (rarely) a deletion.
func (ws *Workspace) simulateArticle(r *rand.Rand) (Change, error) {
	ids := ws.ArticleIDs()
	switch x := r.IntN(10); {
	case len(ids) == 0 || x < 3:
		d := pick(r, articleDefs)
		return ws.CreateArticle(NewArticle{
			Title: d.title + " (" + pick(r, articleVariants) + ")", Description: d.description,
			CollectionID: ws.collections[d.collection].id, AuthorID: ws.admins[r.IntN(len(ws.admins))].id,
		})
	case x < 9:
		id := ids[zipf(r, len(ids))]
		state := pick(r, []string{"published", "published", "draft"})
		return ws.UpdateArticle(id, ArticleEdit{State: &state})
	default:
		return ws.DeleteArticle(ids[r.IntN(len(ids))])
	}
}
