package mcp

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/index/plaintext"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// ArticleView is a Help Center article as the tools return it in structuredContent: every language version's
// whole text (HTML made readable, sanitized), with its author, collections and help center by name.
type ArticleView struct {
	ID                    string   `json:"id"`  // prefixed: article_39
	URL                   string   `json:"url"` // the public page, else the article in the Intercom app
	Title                 string   `json:"title,omitempty"`
	Description           string   `json:"description,omitempty"`
	State                 string   `json:"state,omitempty"` // published or draft (the default language's)
	HasUnpublishedChanges bool     `json:"has_unpublished_changes,omitempty"`
	AuthorID              string   `json:"author_id,omitempty"`
	AuthorName            string   `json:"author_name,omitempty"` // from the replica's teammates
	DefaultLocale         string   `json:"default_locale,omitempty"`
	Locales               []string `json:"locales,omitempty"`
	// Collections are the collections and sections the article is in; Path names a section with its parents
	// ("Billing › Refunds").
	Collections []CollectionRef `json:"collections,omitempty"`
	HelpCenters []NamedRef      `json:"help_centers,omitempty"` // the help centers of its collections
	Tags        []string        `json:"tags,omitempty"`
	CreatedAt   string          `json:"created_at,omitempty"` // RFC 3339, UTC
	UpdatedAt   string          `json:"updated_at,omitempty"`
	// Versions are the language versions, the default language first: each one's whole text.
	Versions []ArticleVersionView `json:"versions"`
}

// ArticleVersionView is one language version of an article.
type ArticleVersionView struct {
	Locale      string `json:"locale,omitempty"` // en, fr, ...
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Body        string `json:"body"` // readable text
	State       string `json:"state,omitempty"`
	URL         string `json:"url,omitempty"`
	AuthorID    string `json:"author_id,omitempty"`
	AuthorName  string `json:"author_name,omitempty"`
	CreatedAt   string `json:"created_at,omitempty"`
	UpdatedAt   string `json:"updated_at,omitempty"`
}

// CollectionRef is a Help Center collection or section an article is in.
type CollectionRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Path string `json:"path,omitempty"` // the parents' names, top first, then its own: "Billing › Refunds"
}

// NamedRef is a record known by its id and, where the replica has it, its name.
type NamedRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// ArticleSummary is one article of a list (list_articles, search_articles).
type ArticleSummary struct {
	ID          string   `json:"id"` // prefixed: article_39
	Title       string   `json:"title"`
	State       string   `json:"state,omitempty"`
	URL         string   `json:"url"`
	AuthorID    string   `json:"author_id,omitempty"`
	AuthorName  string   `json:"author_name,omitempty"`
	Collections []string `json:"collections,omitempty"` // names ("collection id 503" when the replica has none)
	Locales     []string `json:"locales,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	// Snippets are the passages matching the phrase, **word** marking a match; without one, Description holds
	// the description or the start of the body.
	Snippets    []string `json:"snippets,omitempty"`
	Description string   `json:"description,omitempty"`
	CreatedAt   string   `json:"created_at,omitempty"`
	UpdatedAt   string   `json:"updated_at,omitempty"`
}

// maxCollectionDepth bounds the walk up a section's parents.
const maxCollectionDepth = 5

// newArticleView decodes an article's raw JSON and builds its view; the author, collections and help centers are
// named from names, and g (nil: none) gives the collections' parents and help centers.
func newArticleView(ctx context.Context, raw []byte, appID string, names NameLookup, g Getter) (*ArticleView, error) {
	var a wire.Article
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("decode article: %w", err)
	}
	id := string(a.ID)
	v := &ArticleView{
		ID: query.FormatID(query.KindArticle, id), URL: articleURL(appID, id, string(a.URL)),
		Title: textLine(a.Title), Description: textLine(a.Description), State: string(a.State),
		HasUnpublishedChanges: a.HasUnpublishedChanges.V, AuthorID: string(a.AuthorID),
		AuthorName: nameOf(names, query.KindAdmin, string(a.AuthorID)), DefaultLocale: string(a.DefaultLocale),
		CreatedAt: rfc3339(a.CreatedAt.V), UpdatedAt: rfc3339(a.UpdatedAt.V),
	}
	if a.Tags != nil {
		for _, t := range a.Tags.Tags {
			v.Tags = append(v.Tags, refName(t, query.KindTag, names))
		}
	}
	for _, p := range a.ParentIDs {
		if p == "" {
			continue
		}
		c, hc := collectionRef(ctx, string(p), names, g)
		v.Collections = append(v.Collections, c)
		if hc != "" && !slices.ContainsFunc(v.HelpCenters, func(r NamedRef) bool { return r.ID == hc }) {
			v.HelpCenters = append(v.HelpCenters, NamedRef{ID: hc, Name: nameOf(names, query.KindHelpCenter, hc)})
		}
	}
	v.Versions = articleVersions(a, names)
	for _, ver := range v.Versions {
		if ver.Locale != "" {
			v.Locales = append(v.Locales, ver.Locale)
		}
	}
	return v, nil
}

// articleVersions are an article's language versions, the default language's first, then the others by locale;
// an article without translated content has one, its own fields.
func articleVersions(a wire.Article, names NameLookup) []ArticleVersionView {
	own := articleVersion(string(a.DefaultLocale), wire.ArticleContent{Title: a.Title, Description: a.Description,
		Body: a.Body, AuthorID: a.AuthorID, State: a.State, URL: a.URL}, a.CreatedAt.V, a.UpdatedAt.V, names)
	var locales []string
	for loc, raw := range a.TranslatedContent {
		if loc != "type" && len(raw) > 0 && raw[0] == '{' {
			locales = append(locales, loc)
		}
	}
	slices.Sort(locales)
	var out []ArticleVersionView
	for _, loc := range locales {
		var c struct {
			wire.ArticleContent
			CreatedAt wire.Int `json:"created_at"`
			UpdatedAt wire.Int `json:"updated_at"`
		}
		if json.Unmarshal(a.TranslatedContent[loc], &c) == nil {
			out = append(out, articleVersion(loc, c.ArticleContent, c.CreatedAt.V, c.UpdatedAt.V, names))
		}
	}
	i := slices.IndexFunc(out, func(v ArticleVersionView) bool { return v.Locale == own.Locale })
	if i < 0 {
		return slices.Insert(out, 0, own) // the article's own fields are its default language's
	}
	def := out[i]
	return slices.Insert(slices.Delete(out, i, i+1), 0, def)
}

func articleVersion(locale string, c wire.ArticleContent, createdAt, updatedAt int64, names NameLookup) ArticleVersionView {
	return ArticleVersionView{
		Locale: sanitizeLine(locale), Title: textLine(c.Title), Description: textLine(c.Description),
		Body: Sanitize(plaintext.Readable(string(c.Body))), State: string(c.State), URL: sanitizeLine(string(c.URL)),
		AuthorID: string(c.AuthorID), AuthorName: nameOf(names, query.KindAdmin, string(c.AuthorID)),
		CreatedAt: rfc3339(createdAt), UpdatedAt: rfc3339(updatedAt),
	}
}

// teammateLabel shows a teammate by name with the id, or as "teammate 7001" when the replica cannot name them;
// "" without an id.
func teammateLabel(name, id string) string {
	if name == "" && id != "" && id != "0" {
		return "teammate " + id
	}
	return namedID(name, id)
}

// textLine is a short text Intercom may send as HTML (a title, a description) as one sanitized line.
func textLine(s wire.String) string { return sanitizeLine(plaintext.String(string(s))) }

// collectionRef names the collection id, with the path of its parents when g can read them, and returns the id
// of its help center ("" when unknown).
func collectionRef(ctx context.Context, id string, names NameLookup, g Getter) (CollectionRef, string) {
	ref := CollectionRef{ID: id, Name: nameOf(names, query.KindCollection, id)}
	if g == nil {
		return ref, ""
	}
	var path []string
	helpCenter := ""
	for cur, depth := id, 0; cur != "" && depth < maxCollectionDepth; depth++ {
		rec, err := g.Get(ctx, query.KindCollection, cur)
		if err != nil || rec.Deleted {
			break
		}
		var c wire.Collection
		if json.Unmarshal(rec.Raw, &c) != nil {
			break
		}
		path = append([]string{sanitizeLine(string(c.Name))}, path...)
		if helpCenter == "" {
			helpCenter = string(c.HelpCenterID)
		}
		cur = string(c.ParentID)
	}
	if len(path) > 1 {
		ref.Path = strings.Join(path, " › ")
	}
	return ref, helpCenter
}

// articleURL is the article's public page, else its page in the Intercom app (a draft has no public page).
func articleURL(appID, id, public string) string {
	if public = sanitizeLine(public); public != "" {
		return public
	}
	return appURL(appID, query.KindArticle, id)
}

// RenderArticle renders an article for reading, by a model or a person: the data notice, its fields, then each
// language version with its whole text fenced. Customer-written strings are quoted. It reads nothing: v and
// fresh hold everything shown.
func RenderArticle(v *ArticleView, fresh Freshness) string {
	var b strings.Builder
	writeCardHead(&b, v.ID, v.Title, v.URL)
	state := v.State
	if v.HasUnpublishedChanges {
		state += " (with unpublished changes)"
	}
	writeField(&b, "State", joinNonEmpty(" · ", state, prefixed("created ", humanTimeRFC(v.CreatedAt)),
		prefixed("updated ", humanTimeRFC(v.UpdatedAt))))
	writeField(&b, "Description", quotedLine(v.Description))
	writeField(&b, "Author", teammateLabel(v.AuthorName, v.AuthorID))
	var cols []string
	for _, c := range v.Collections {
		cols = append(cols, namedID(cmp.Or(c.Path, c.Name), c.ID))
	}
	writeField(&b, "Collections", strings.Join(cols, ", "))
	var hcs []string
	for _, h := range v.HelpCenters {
		hcs = append(hcs, namedID(h.Name, h.ID))
	}
	writeField(&b, "Help center", strings.Join(hcs, ", "))
	writeField(&b, "Tags", quotedList(v.Tags))
	writeField(&b, "Languages", strings.Join(v.Locales, ", "))
	writeField(&b, "Freshness", fresh.line())
	for _, ver := range v.Versions {
		b.WriteByte('\n')
		fmt.Fprintf(&b, "[%s] %s\n", cmp.Or(ver.Locale, "version"), joinNonEmpty(" · ", quotedLine(ver.Title), ver.State,
			prefixed("by ", teammateLabel(ver.AuthorName, ver.AuthorID)), prefixed("updated ", humanTimeRFC(ver.UpdatedAt))))
		if ver.Description != v.Description {
			writeField(&b, "Description", quotedLine(ver.Description))
		}
		if ver.URL != v.URL {
			writeField(&b, "URL", quotedLine(ver.URL))
		}
		if ver.Body != "" {
			fence(&b, "text", ver.Body)
		} else {
			b.WriteString("(no text)\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// articleSummary shapes a hit as an article summary.
func articleSummary(h index.Hit, env rowEnv) ArticleSummary {
	s := ArticleSummary{
		ID: query.FormatID(query.KindArticle, h.ID), Title: sanitizeLine(h.Title), State: h.State,
		URL: articleURL(env.appID, h.ID, h.URL), AuthorID: h.AuthorID, AuthorName: nameOf(env.names, query.KindAdmin, h.AuthorID),
		Collections: collectionNames(h.CollectionIDs, env.names), Locales: sanitizeList(h.Locales), Tags: sanitizeList(h.Tags),
		CreatedAt: rfc3339(h.CreatedAt), UpdatedAt: rfc3339(h.UpdatedAt),
	}
	s.Snippets, s.Description = snippetsOrPreview(h)
	return s
}

// snippetsOrPreview are a hit's snippets sanitized, or without any, the start of its preview: what a row quotes
// after "> ".
func snippetsOrPreview(h index.Hit) ([]string, string) {
	var out []string
	for _, sn := range h.Snippets {
		if sn = sanitizeLine(sn); sn != "" {
			out = append(out, sn)
		}
	}
	if len(out) > 0 {
		return out, ""
	}
	return nil, truncateRunes(sanitizeLine(h.Preview), 200)
}

// collectionNames names collection ids ("collection id 503" for one the replica cannot name).
func collectionNames(ids []string, names NameLookup) []string {
	var out []string
	for _, id := range ids {
		n := nameOf(names, query.KindCollection, id)
		if n == "" {
			n = unnamedRef(query.KindCollection.Noun(), id)
		}
		out = append(out, n)
	}
	return out
}

// line renders an article summary on one line.
func (a ArticleSummary) line() string {
	return joinNonEmpty(" · ", a.ID+" "+quotedLine(a.Title), a.State, prefixed("by ", teammateLabel(a.AuthorName, a.AuthorID)),
		prefixed("in ", quotedList(a.Collections)), strings.Join(a.Locales, ", "), prefixed("tags ", quotedList(a.Tags)),
		prefixed("updated ", humanTimeRFC(a.UpdatedAt)))
}

// below quotes the matching passages (or the description) under an article's entry, then gives its public URL.
func (a ArticleSummary) below() []string {
	return append(quoted(append(a.Snippets, a.Description)...), a.URL)
}

// articleHitLine is the key fields of an article in a search result (snippets or its description follow).
func articleHitLine(h index.Hit, names NameLookup) string {
	return joinNonEmpty(" · ", h.State, prefixed("by ", teammateLabel(nameOf(names, query.KindAdmin, h.AuthorID), h.AuthorID)),
		prefixed("in ", quotedList(collectionNames(h.CollectionIDs, names))), strings.Join(sanitizeList(h.Locales), ", "),
		prefixed("tags ", quotedList(h.Tags)), prefixed("updated ", humanTime(h.UpdatedAt)))
}
