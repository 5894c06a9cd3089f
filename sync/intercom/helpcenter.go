package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/intercom-replica/intercom-replica/index/wire"
)

// The Help Center (articles, collections, help centers) and tickets (ticket types, tickets). Like the workspace
// items, each keeps the fields a syncer branches on and Raw, the exact bytes of its JSON object as received.

// helpCenterPageSize is the page size the Help Center walks ask for; Intercom documents none (its examples show 25
// and 20).
const helpCenterPageSize = 50

// Article is a Help Center article (schema "article"; GET /articles lists the same object without statistics).
// Title, Description and State are its default language's; the other languages are in Raw's translated_content.
type Article struct {
	ID          string
	Title       string
	Description string
	State       string   // "published" or "draft"
	AuthorID    string   // a teammate
	ParentIDs   []string // the collections (or sections) it is in; none for a standalone article
	URL         string   // "" for a draft
	CreatedAt   int64    // Unix seconds
	UpdatedAt   int64
	Raw         json.RawMessage
}

// ArticleList is one page of GET /articles (schema "article_list"), newest updated first.
type ArticleList struct {
	Articles   []Article
	TotalCount int
	Page       int // 1-based number of this page
	TotalPages int
}

// Collection is a Help Center collection (schema "collection").
type Collection struct {
	ID           string
	Name         string
	ParentID     string // "" for a top-level collection
	HelpCenterID string
	UpdatedAt    int64
	Raw          json.RawMessage
}

// HelpCenter is a Help Center of the workspace (schema "help_center").
type HelpCenter struct {
	ID          string
	Identifier  string
	DisplayName string
	UpdatedAt   int64
	Raw         json.RawMessage
}

// UnmarshalJSON decodes an article and keeps a copy of data in Raw.
func (a *Article) UnmarshalJSON(data []byte) error {
	var w struct {
		ID          wire.String   `json:"id"`
		Title       wire.String   `json:"title"`
		Description wire.String   `json:"description"`
		State       wire.String   `json:"state"`
		AuthorID    wire.String   `json:"author_id"`
		ParentIDs   []wire.String `json:"parent_ids"`
		URL         wire.String   `json:"url"`
		CreatedAt   wire.Int      `json:"created_at"`
		UpdatedAt   wire.Int      `json:"updated_at"`
	}
	raw, err := decodeRecord(data, &w)
	*a = Article{
		ID: string(w.ID), Title: string(w.Title), Description: string(w.Description), State: string(w.State),
		AuthorID: string(w.AuthorID), URL: string(w.URL), CreatedAt: w.CreatedAt.V, UpdatedAt: w.UpdatedAt.V, Raw: raw,
	}
	for _, p := range w.ParentIDs {
		a.ParentIDs = append(a.ParentIDs, string(p))
	}
	return err
}

// decodeRecord decodes a record's JSON into w and returns a copy of data for its Raw; null leaves w alone and gives
// no Raw.
func decodeRecord(data []byte, w any) (json.RawMessage, error) {
	if isNull(data) {
		return nil, nil
	}
	if err := json.Unmarshal(data, w); err != nil {
		return nil, err
	}
	return bytes.Clone(data), nil
}

// UnmarshalJSON decodes a collection and keeps a copy of data in Raw.
func (c *Collection) UnmarshalJSON(data []byte) error {
	var w struct {
		ID           wire.String `json:"id"`
		Name         wire.String `json:"name"`
		ParentID     wire.String `json:"parent_id"`
		HelpCenterID wire.String `json:"help_center_id"`
		UpdatedAt    wire.Int    `json:"updated_at"`
	}
	raw, err := decodeRecord(data, &w)
	*c = Collection{ID: string(w.ID), Name: string(w.Name), ParentID: string(w.ParentID), HelpCenterID: string(w.HelpCenterID), UpdatedAt: w.UpdatedAt.V, Raw: raw}
	return err
}

// UnmarshalJSON decodes a help center and keeps a copy of data in Raw.
func (h *HelpCenter) UnmarshalJSON(data []byte) error {
	var w struct {
		ID          wire.String `json:"id"`
		Identifier  wire.String `json:"identifier"`
		DisplayName wire.String `json:"display_name"`
		UpdatedAt   wire.Int    `json:"updated_at"`
	}
	raw, err := decodeRecord(data, &w)
	*h = HelpCenter{ID: string(w.ID), Identifier: string(w.Identifier), DisplayName: string(w.DisplayName), UpdatedAt: w.UpdatedAt.V, Raw: raw}
	return err
}

// numberedPage is one page of a page-numbered list: its items under data, total_count and pages.
type numberedPage[T any] struct {
	Data []T `json:"data"`
	listWire[Pages]
}

// numberedPages walks a page-numbered list (page=1, 2, ... until total_pages) and yields every page; it stops after
// the first error (yielded with a nil page) or when the loop body breaks. A page that is empty before total_pages
// is reached ends the walk, as does a server that repeats a page number.
func numberedPages[T any](ctx context.Context, c *Client, path string) iter.Seq2[*numberedPage[T], error] {
	return func(yield func(*numberedPage[T], error) bool) {
		for page := 1; ; page++ {
			q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(helpCenterPageSize)}}
			var w numberedPage[T]
			if err := c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &w); err != nil {
				yield(nil, err)
				return
			}
			p := w.pages()
			if p.Page != 0 && p.Page != page {
				yield(nil, fmt.Errorf("intercom: GET %s: asked for page %d, got page %d", path, page, p.Page))
				return
			}
			if !yield(&w, nil) || len(w.Data) == 0 || page >= p.TotalPages {
				return
			}
		}
	}
}

// ArticlePages walks every article of every help center with GET /articles, page by page, newest updated first. It
// stops after the last page, after the first error (yielded with a nil page) or when the loop body breaks. Pages are
// numbered, so an article updated during the walk moves to the first page and shifts the rest: a walk can miss an
// article that changes under it, which a later walk (or comparing updated_at) picks up.
func (c *Client) ArticlePages(ctx context.Context) iter.Seq2[*ArticleList, error] {
	return func(yield func(*ArticleList, error) bool) {
		for w, err := range numberedPages[Article](ctx, c, "/articles") {
			if err != nil {
				yield(nil, err)
				return
			}
			p := w.pages()
			if !yield(&ArticleList{Articles: w.Data, TotalCount: int(w.TotalCount.V), Page: p.Page, TotalPages: p.TotalPages}, nil) {
				return
			}
		}
	}
}

// GetArticle returns one article (GET /articles/{id}), with its statistics in Raw. A missing article is an error
// matching [ErrNotFound].
func (c *Client) GetArticle(ctx context.Context, id string) (*Article, error) {
	if id == "" {
		return nil, errors.New("intercom: get article: empty id")
	}
	return call[Article](ctx, c, request{method: http.MethodGet, path: "/articles/" + url.PathEscape(id)})
}

// ListCollections returns every Help Center collection (GET /help_center/collections, every page).
func (c *Client) ListCollections(ctx context.Context) ([]Collection, error) {
	var out []Collection
	for w, err := range numberedPages[Collection](ctx, c, "/help_center/collections") {
		if err != nil {
			return nil, err
		}
		out = append(out, w.Data...)
	}
	return out, nil
}

// ListHelpCenters returns every help center of the workspace (GET /help_center/help_centers, one page).
func (c *Client) ListHelpCenters(ctx context.Context) ([]HelpCenter, error) {
	return listOf[HelpCenter](ctx, c, "/help_center/help_centers", "data", nil)
}
