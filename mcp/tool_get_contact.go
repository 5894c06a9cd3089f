package mcp

import (
	"context"
	"fmt"

	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// GetContactArgs are the arguments of get_contact.
type GetContactArgs struct {
	ID string `json:"id"`
}

func (a *GetContactArgs) validate() error { return checkLength("id", a.ID, maxIDLength) }

// GetContactResult is the structured result of get_contact.
type GetContactResult struct {
	Contact   *ContactView `json:"contact"`
	Freshness Freshness    `json:"freshness"`
}

const getContactDescription = `Get one contact (user or lead) by id with all attributes: name, email, phone, role, external id, location, activity times, tags, companies, custom attributes, their recent conversations, and the link into the Intercom app.

Served from the local replica when its copy was synced recently (within the configured staleness bound, 5 minutes by default); otherwise fetched live from Intercom once, which also refreshes the replica. If Intercom cannot be reached, the cached copy is returned marked stale with the reason. The id is ` + idFormsDoc + `.`

// GetContactTool is get_contact: a contact under the freshness policy, with its recent conversations from the
// replica.
func GetContactTool(f FreshGetter, r Replica, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[GetContactResult]("get_contact", "Get a contact", getContactDescription, map[string]any{
		"properties": map[string]any{
			"id": stringProp("The contact's id: " + idFormsDoc + "."),
		},
		"required": []string{"id"},
	}, true)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args GetContactArgs) (*mcpgo.CallToolResult, error) {
		id, err := parseIDFor(query.KindContact, args.ID)
		if err != nil {
			return nil, err
		}
		got, err := f.GetFresh(ctx, query.KindContact, id)
		if err != nil {
			return nil, err
		}
		info := replicaInfo(ctx, r, o)
		v, err := newContactView(got.Record.Raw, info.appID, namesOf(ctx, r))
		if err != nil {
			return nil, fmt.Errorf("contact %s: %w", id, err)
		}
		if err := addRecentConversations(ctx, r, v, id, rowEnv{appID: info.appID, names: namesOf(ctx, r)}); err != nil {
			return nil, err
		}
		fresh := freshnessOf(got, o.Now(), info.state)
		return newResult(RenderContact(v, fresh), &GetContactResult{Contact: v, Freshness: fresh}), nil
	})}
}
