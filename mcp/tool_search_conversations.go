package mcp

import (
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/mark3labs/mcp-go/server"
)

// SearchConversationsResult is the structured result of search_conversations: the hosted server's shape
// ({total_in_page, conversations, pages, _note}) with summaries instead of whole conversations (get_conversation
// or fetch has the rest), the total, the query as run, and the freshness.
type SearchConversationsResult struct {
	Conversations []ConversationSummary `json:"conversations"`
	ListInfo
}

const searchConversationsDescription = `Search conversations with structured filters (the same filters as Intercom's search_conversations tool, plus a few more). All given filters must match; list filters (ids, contact_ids, tags, tag_ids) match any of their values. Ranges take {"operator": ">", "value": 3600} (operators > >= < <= = != or their names gt gte lt lte eq neq) or bounds {"gte": ..., "lt": ...}; timestamps accept Unix seconds, 2025-01-31, RFC 3339 or a time ago (7d, 24h).

Answered from the local replica in milliseconds; results are newest first, as summaries with prefixed ids (conversation_123) to pass to get_conversation or fetch. When more results exist, the result gives the starting_after cursor of the next page. For free-text search over every message, use the search tool with q:"...".

Example: {"state": "open", "source_type": "email", "statistics_time_to_admin_reply": {"operator": ">", "value": 3600}, "per_page": 20}`

// SearchConversationsTool is search_conversations: structured filters, through the same query AST as search.
func SearchConversationsTool(s Searcher, status StatusSource, o ToolOptions) server.ServerTool {
	return listTool[query.ConversationFilter, ConversationSummary, SearchConversationsResult]{
		name: "search_conversations", title: "Search conversations by filters", description: searchConversationsDescription,
		kind: query.KindConversation, summarize: conversationSummary,
		result: func(items []ConversationSummary, info ListInfo) *SearchConversationsResult {
			return &SearchConversationsResult{Conversations: items, ListInfo: info}
		},
	}.serverTool(s, status, o)
}

// conversationSummary shapes a hit as a conversation summary.
func conversationSummary(h index.Hit, env rowEnv) ConversationSummary {
	return ConversationSummary{
		ID: query.FormatID(query.KindConversation, h.ID), Title: sanitizeLine(h.Title), State: h.State,
		Priority: h.Priority, SourceType: h.SourceType, AuthorName: sanitizeLine(h.AuthorName),
		AuthorEmail: sanitizeLine(h.AuthorEmail), Tags: sanitizeList(h.Tags),
		AdminAssigneeID: h.AdminAssigneeID, AdminAssigneeName: nameOf(env.names, query.KindAdmin, h.AdminAssigneeID),
		TeamAssigneeID: h.TeamAssigneeID, TeamAssigneeName: nameOf(env.names, query.KindTeam, h.TeamAssigneeID),
		CreatedAt: rfc3339(h.CreatedAt), UpdatedAt: rfc3339(h.UpdatedAt), Preview: truncateRunes(sanitizeLine(h.Preview), 300),
		URL: appURL(env.appID, query.KindConversation, h.ID),
	}
}

// assigneesLabel shows a conversation's assignees with their names: "assigned to \"Alex Rivera\" (7001), team
// \"Billing\" (42)"; "" when unassigned.
func assigneesLabel(adminID, adminName, teamID, teamName string) string {
	return prefixed("assigned to ", joinNonEmpty(", ", prefixed("admin ", namedID(adminName, adminID)),
		prefixed("team ", namedID(teamName, teamID))))
}

func sanitizeList(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = sanitizeLine(s)
	}
	return out
}
