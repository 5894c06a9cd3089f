package mcp

import (
	"context"
	"fmt"

	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// GetConversationArgs are the arguments of get_conversation.
type GetConversationArgs struct {
	ID          string `json:"id"`
	PartsOffset int    `json:"parts_offset,omitempty"`
	MaxParts    int    `json:"max_parts,omitempty"`
}

func (a *GetConversationArgs) validate() error { return checkLength("id", a.ID, maxIDLength) }

// GetConversationResult is the structured result of get_conversation.
type GetConversationResult struct {
	Conversation *ConversationView `json:"conversation"`
	Freshness    Freshness         `json:"freshness"`
}

const getConversationDescription = `Get one conversation by id with all its details: state, priority, assignees, contacts, tags, statistics, custom attributes, the opening message and every part in order (replies, notes, assignments, closes), bodies as readable text, and the link into the Intercom app.

Served from the local replica when its copy was synced recently (within the configured staleness bound, 5 minutes by default); otherwise fetched live from Intercom once, which also refreshes the replica. If Intercom cannot be reached, the cached copy is returned marked stale with the reason. The id is ` + idFormsDoc + `. Long conversations come in pages of parts (parts_offset, max_parts); the result says what was left out.`

// GetConversationTool is get_conversation: a conversation under the freshness policy, its contacts named from the
// replica.
func GetConversationTool(f FreshGetter, r Replica, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[GetConversationResult]("get_conversation", "Get a conversation", getConversationDescription, map[string]any{
		"properties": partsProps(map[string]any{
			"id": stringProp("The conversation's id: " + idFormsDoc + "."),
		}, o.MaxParts, false),
		"required": []string{"id"},
	}, true)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args GetConversationArgs) (*mcpgo.CallToolResult, error) {
		id, err := parseIDFor(query.KindConversation, args.ID)
		if err != nil {
			return nil, err
		}
		got, err := f.GetFresh(ctx, query.KindConversation, id)
		if err != nil {
			return nil, err
		}
		info := replicaInfo(ctx, r, o)
		v, err := newConversationView(got.Record.Raw, info.appID, partsWindow{Offset: args.PartsOffset, Max: maxPartsOr(args.MaxParts, o.MaxParts)}, namesOf(ctx, r))
		if err != nil {
			return nil, fmt.Errorf("conversation %s: %w", id, err)
		}
		nameContacts(ctx, r, v.Contacts)
		fresh := freshnessOf(got, o.Now(), info.state)
		return newResult(RenderConversation(v, fresh), &GetConversationResult{Conversation: v, Freshness: fresh}), nil
	})}
}
