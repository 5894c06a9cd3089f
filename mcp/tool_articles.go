package mcp

import (
	"context"
	"errors"
	"fmt"

	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ArticlesResult is the structured result of list_articles and search_articles: the shape of list_companies
// ({total_in_page, data, pages, _note}) with the total, the query as run, and the freshness.
type ArticlesResult struct {
	Data []ArticleSummary `json:"data"`
	ListInfo
}

const articleFiltersDoc = `Filters (all given must match): ids, phrase (free text over every language version's title, description and body: every word must occur, a "quoted part" as written), title (words of the title), state (published, draft, or all), help_center_id (a help center's id or name), collection (a collection or section, by name or id), author (a teammate by name, email or id), locale (en, fr, ...), tag (by name), and created_at / updated_at ranges ({"operator": ">", "value": "30d"} or {"gte": "2025-01-01"}; timestamps accept Unix seconds, 2025-01-31, RFC 3339 or a time ago).`

const listArticlesDescription = `List the Help Center articles, most recently updated first; with no arguments, every article of every help center. ` + articleFiltersDoc + `

Answered from the local replica in milliseconds, with prefixed ids (article_39) to pass to get_article or fetch for the whole text of every language version. Each row shows the title, state, author, collections, languages and public URL. When more results exist, the result gives the starting_after cursor of the next page. The search tool takes the same fields with object_type:articles.

Example: {"state": "published", "collection": "Billing", "locale": "fr"}`

const searchArticlesDescription = `Search the Help Center articles by free text, best match first: the article that answers a customer's question. phrase is free text over every language version's title, description and body (every word must occur; a "quoted part" must occur as written); results are ranked and show the matching passages, **word** marking a match. Without a phrase, the articles are listed newest updated first, as list_articles does. ` + articleFiltersDoc + `

Answered from the local replica in milliseconds, with prefixed ids (article_39) to pass to get_article or fetch for the whole text.

Example: {"phrase": "refund \"business days\"", "state": "published", "help_center_id": "Umbrella Help"}`

// ListArticlesTool is list_articles: the articles, newest updated first, by filters.
func ListArticlesTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	return articlesTool("list_articles", "List Help Center articles", listArticlesDescription, s, status, o)
}

// SearchArticlesTool is search_articles: the articles matching a phrase, ranked, by the same filters.
func SearchArticlesTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	return articlesTool("search_articles", "Search Help Center articles", searchArticlesDescription, s, status, o)
}

// articlesTool is list_articles or search_articles: query.ArticleFilter through the same query AST as search.
func articlesTool(name, title, description string, s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	return listTool[query.ArticleFilter, ArticleSummary, ArticlesResult]{
		name: name, title: title, description: description,
		kind: query.KindArticle, summarize: articleSummary,
		result: func(items []ArticleSummary, info ListInfo) *ArticlesResult {
			return &ArticlesResult{Data: items, ListInfo: info}
		},
	}.serverTool(s, status, o)
}

// GetArticleArgs are the arguments of get_article.
type GetArticleArgs struct {
	ID string `json:"id"`
}

func (a *GetArticleArgs) validate() error { return checkLength("id", a.ID, maxIDLength) }

// GetArticleResult is the structured result of get_article.
type GetArticleResult struct {
	Article   *ArticleView `json:"article"`
	Freshness Freshness    `json:"freshness"`
}

const getArticleDescription = `Get one Help Center article by id with its whole text in every language it is written in (HTML made readable), its title, description, state (published or draft), author, collections and sections, help center, tags, times and public URL.

Served from the local replica when its copy was synced recently (within the configured staleness bound, 5 minutes by default); otherwise fetched live from Intercom once, which also refreshes the replica. If Intercom cannot be reached, the cached copy is returned marked stale with the reason. The id is a prefixed id from search, list_articles or search_articles results (article_39), a raw article id (39), or the article's Help Center URL (https://intercom.help/<help center>/en/articles/39-how-refunds-work, on any host).`

// GetArticleTool is get_article: an article under the freshness policy.
func GetArticleTool(f FreshGetter, r Replica, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[GetArticleResult]("get_article", "Get a Help Center article", getArticleDescription, map[string]any{
		"properties": map[string]any{
			"id": stringProp("The article's id: article_<id>, a raw article id, or its Help Center URL."),
		},
		"required": []string{"id"},
	}, true)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args GetArticleArgs) (*mcpgo.CallToolResult, error) {
		id, err := parseIDFor(query.KindArticle, args.ID)
		if err != nil {
			return nil, err
		}
		got, err := f.GetFresh(ctx, query.KindArticle, id)
		if err != nil {
			return nil, err
		}
		info := replicaInfo(ctx, r, o)
		v, err := newArticleView(ctx, got.Record.Raw, info.appID, namesOf(ctx, r), r)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", id, err)
		}
		fresh := freshnessOf(got, o.Now(), info.state)
		return newResult(RenderArticle(v, fresh), &GetArticleResult{Article: v, Freshness: fresh}), nil
	})}
}

// parseIDFor reads the id argument of the get_ tool of kind want (query.ParseIDFor); an id of another kind is an
// error that names the tool reading it (get_<kind>).
func parseIDFor(want query.Kind, s string) (string, error) {
	id, err := query.ParseIDFor(want, s)
	var qerr *query.Error
	if err == nil || !errors.As(err, &qerr) {
		return id, err
	}
	if kind, _, perr := query.ParseID(s); perr == nil && kind != "" && kind != want {
		return "", &PublicError{Msg: fmt.Sprintf("Invalid arguments: %s; call %s (or fetch) with it.", qerr.Error(), "get_"+string(kind))}
	}
	return "", err
}
