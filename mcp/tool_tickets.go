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

// SearchTicketsResult is the structured result of search_tickets, shaped like search_conversations'
// ({total_in_page, tickets, pages, _note}) with summaries (get_ticket or fetch has the rest), the total, the query
// as run, and the freshness.
type SearchTicketsResult struct {
	Tickets []TicketSummary `json:"tickets"`
	ListInfo
}

const searchTicketsDescription = `Search tickets (customer, back-office and tracker tickets) with structured filters, as search_conversations does for conversations. All given filters must match: ids, text (free text over the title, description and every part: every word must occur, a "quoted part" as written; results are then ranked), ticket_type (by name or id), state (submitted, in_progress, waiting_on_customer, resolved), category (Customer, Back-office, Tracker), open (true or false), admin_assignee and team_assignee (by name, email or id; unassigned for none) or their ids, contact_ids (any of them), linked_conversation_id, and created_at / updated_at ranges ({"operator": ">", "value": "7d"} or {"gte": "2025-01-01"}; timestamps accept Unix seconds, 2025-01-31, RFC 3339 or a time ago).

Answered from the local replica in milliseconds; results are newest first (best match first with text), as summaries with prefixed ids (ticket_7583) to pass to get_ticket or fetch. When more results exist, the result gives the starting_after cursor of the next page. The search tool takes the same fields with object_type:tickets, and ticket attributes as ticket_attributes.<name>.

Example: {"ticket_type": "Bug report", "open": true, "team_assignee": "Billing"}`

// SearchTicketsTool is search_tickets: structured filters over tickets, through the same query AST as search.
func SearchTicketsTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	return listTool[query.TicketFilter, TicketSummary, SearchTicketsResult]{
		name: "search_tickets", title: "Search tickets by filters", description: searchTicketsDescription,
		kind: query.KindTicket, summarize: ticketSummary,
		result: func(items []TicketSummary, info ListInfo) *SearchTicketsResult {
			return &SearchTicketsResult{Tickets: items, ListInfo: info}
		},
	}.serverTool(s, status, o)
}

// GetTicketArgs are the arguments of get_ticket.
type GetTicketArgs struct {
	ID          string `json:"id"`
	PartsOffset int    `json:"parts_offset,omitempty"`
	MaxParts    int    `json:"max_parts,omitempty"`
}

func (a *GetTicketArgs) validate() error { return checkLength("id", a.ID, maxIDLength) }

// GetTicketResult is the structured result of get_ticket.
type GetTicketResult struct {
	Ticket    *TicketView `json:"ticket"`
	Freshness Freshness   `json:"freshness"`
}

const getTicketDescription = `Get one ticket by id with all its details: title, description, ticket type and category, state and its label, the ticket type's attributes (typed as the type says), assignees, contacts, the conversations and tickets linked to it, and every part in order (comments, notes, state changes), bodies as readable text, with the link into the Intercom app.

Served from the local replica when its copy was synced recently (within the configured staleness bound, 5 minutes by default); otherwise fetched live from Intercom once, which also refreshes the replica. If Intercom cannot be reached, the cached copy is returned marked stale with the reason. The id is a prefixed id from search or search_tickets results (ticket_7583), a raw ticket id, or an Intercom app URL (.../ticket/<id>). Long tickets come in pages of parts (parts_offset, max_parts); the result says what was left out.`

// GetTicketTool is get_ticket: a ticket under the freshness policy, its contacts named from the replica.
func GetTicketTool(f FreshGetter, r Replica, o ToolOptions) server.ServerTool {
	o = o.withDefaults()
	tool := newTool[GetTicketResult]("get_ticket", "Get a ticket", getTicketDescription, map[string]any{
		"properties": partsProps(map[string]any{
			"id": stringProp("The ticket's id: ticket_<id>, a raw ticket id, or an Intercom app URL."),
		}, o.MaxParts, true),
		"required": []string{"id"},
	}, true)
	return server.ServerTool{Tool: tool, Handler: typedHandler(tool, o, func(ctx context.Context, args GetTicketArgs) (*mcpgo.CallToolResult, error) {
		id, err := parseIDFor(query.KindTicket, args.ID)
		if err != nil {
			return nil, err
		}
		got, err := f.GetFresh(ctx, query.KindTicket, id)
		if errors.Is(err, index.ErrNotFound) {
			hint := TicketNumberHint(ctx, r, id, "call get_ticket with id")
			if hint == "" {
				hint = "Check the id: search_tickets (or search with object_type:tickets) finds tickets by title, type, state or text."
			}
			return nil, &PublicError{Msg: err.Error() + " " + hint, Err: err}
		}
		if err != nil {
			return nil, err
		}
		info := replicaInfo(ctx, r, o)
		v, err := newTicketView(ctx, got.Record.Raw, info.appID, partsWindow{Offset: args.PartsOffset, Max: maxPartsOr(args.MaxParts, o.MaxParts)}, namesOf(ctx, r), r)
		if err != nil {
			return nil, fmt.Errorf("ticket %s: %w", id, err)
		}
		nameContacts(ctx, r, v.Contacts)
		fresh := freshnessOf(got, o.Now(), info.state)
		return newResult(RenderTicket(v, fresh), &GetTicketResult{Ticket: v, Freshness: fresh}), nil
	})}
}

// TicketNumberHint says which ticket an id that names no ticket stands for when it is the number the inbox shows a
// ticket by (its ticket_id, 22), not its id, ending with todo and the id to pass ("call get_ticket with id
// ticket_7583"); "" when no ticket has that number.
func TicketNumberHint(ctx context.Context, r Searcher, id, todo string) string {
	q, err := query.Parse(fmt.Sprintf(`object_type:tickets ticket_id:"%s" limit:1`, id), query.Options{})
	if err == nil {
		if res, err := r.Search(ctx, q); err == nil && len(res.Hits) > 0 {
			h := res.Hits[0]
			return fmt.Sprintf("%s is the number the inbox shows for %s %s, not its id; %s %s.",
				id, query.FormatID(query.KindTicket, h.ID), quotedLine(h.Title), todo, query.FormatID(query.KindTicket, h.ID))
		}
	}
	return ""
}
