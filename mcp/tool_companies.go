package mcp

import (
	"context"
	"errors"
	"fmt"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ListCompaniesResult is the structured result of list_companies: the shape of search_contacts ({total_in_page,
// data, pages, _note}) with the total, the query as run, and the freshness.
type ListCompaniesResult struct {
	Data []CompanySummary `json:"data"`
	ListInfo
}

const listCompaniesDescription = `List the workspace's companies, most recently updated first, optionally filtered (all given filters must match): ids, name (matches part of the name), company_id (your own id), plan, industry, website (part of it), tag and segment (by name or id), ranges of size (employees), monthly_spend, user_count, created_at, updated_at and last_request_at. Ranges take {"operator": ">", "value": 100} (operators > >= < <= = != or their names gt gte lt lte eq neq) or bounds {"gte": ..., "lt": ...}; timestamps accept Unix seconds, 2025-01-31, RFC 3339 or a time ago (7d, 24h).

Answered from the local replica in milliseconds, with prefixed ids (company_abc) to pass to get_company or fetch. When more results exist, the result gives the starting_after cursor of the next page. The search tool takes the same fields with object_type:companies, and q:"..." searches names and websites.

Example: {"plan": "Pro", "tag": "VIP", "size": {"operator": ">=", "value": 100}}`

// ListCompaniesTool is list_companies: structured filters over companies, through the same query AST as search.
func ListCompaniesTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	return listTool[query.CompanyFilter, CompanySummary, ListCompaniesResult]{
		name: "list_companies", title: "List companies", description: listCompaniesDescription,
		kind: query.KindCompany, summarize: companySummary,
		result: func(items []CompanySummary, info ListInfo) *ListCompaniesResult {
			return &ListCompaniesResult{Data: items, ListInfo: info}
		},
	}.serverTool(s, status, o)
}

// GetCompanyArgs are the arguments of get_company.
type GetCompanyArgs struct {
	ID string `json:"id"`
}

func (a *GetCompanyArgs) validate() error { return checkLength("id", a.ID, maxIDLength) }

// GetCompanyResult is the structured result of get_company.
type GetCompanyResult struct {
	Company   *CompanyView `json:"company"`
	Freshness Freshness    `json:"freshness"`
}

const getCompanyDescription = `Get one company by id with all attributes: name, your company_id, plan, size (employees), monthly spend, user and session counts, industry, website, activity times, tags, segments, custom attributes, and the link into the Intercom app.

Served from the local replica when its copy was synced recently (within the configured staleness bound, 5 minutes by default); otherwise fetched live from Intercom once, which also refreshes the replica. If Intercom cannot be reached, the cached copy is returned marked stale with the reason. The id is a prefixed id from search or list_companies results (company_6762f0d41bb69f9f2193bb7e), a raw Intercom company id, or an Intercom app URL (https://app.intercom.com/a/apps/<app>/companies/<id>). For your own id (company_id), use list_companies with company_id.`

// GetCompanyTool is get_company: a company under the freshness policy.
func GetCompanyTool(f FreshGetter, r Replica, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[GetCompanyResult]("get_company", "Get a company", getCompanyDescription, map[string]any{
		"properties": map[string]any{
			"id": stringProp("The company's id: company_<id>, a raw Intercom company id, or an Intercom app URL."),
		},
		"required": []string{"id"},
	}, true)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args GetCompanyArgs) (*mcpgo.CallToolResult, error) {
		id, err := parseIDFor(query.KindCompany, args.ID)
		if err != nil {
			return nil, err
		}
		got, err := f.GetFresh(ctx, query.KindCompany, id)
		if errors.Is(err, index.ErrNotFound) {
			if hint := CompanyIDHint(ctx, r, id, "call get_company with id"); hint != "" {
				return nil, &PublicError{Msg: hint}
			}
		}
		if err != nil {
			return nil, err
		}
		info := replicaInfo(ctx, r, o)
		v, err := newCompanyView(got.Record.Raw, info.appID, namesOf(ctx, r))
		if err != nil {
			return nil, fmt.Errorf("company %s: %w", id, err)
		}
		fresh := freshnessOf(got, o.Now(), info.state)
		return newResult(RenderCompany(v, fresh), &GetCompanyResult{Company: v, Freshness: fresh}), nil
	})}
}

// CompanyIDHint says which company an id names when it is not Intercom's id of one but the workspace's own
// company_id (comp_1000), as people often pass it, ending with todo and the id to pass ("call get_company with
// id"); "" when no company has it.
func CompanyIDHint(ctx context.Context, r Searcher, id, todo string) string {
	one := 1
	q, err := query.CompanyFilter{CompanyID: id, PerPage: &one}.Query(query.Options{})
	if err != nil {
		return ""
	}
	res, err := r.Search(ctx, q)
	if err != nil || len(res.Hits) == 0 {
		return ""
	}
	h := res.Hits[0]
	return fmt.Sprintf("%s is the company_id (your own id) of %s %s, not Intercom's id of a company; %s %s",
		id, query.FormatID(query.KindCompany, h.ID), quotedLine(h.Title), todo, query.FormatID(query.KindCompany, h.ID))
}
