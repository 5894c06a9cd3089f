package mcp_test

import (
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

// TestConversation_MalformedHTMLIsReadable: a message whose HTML is slightly malformed ("<a =>", an attribute with
// no name) used to make its conversation unreadable: rendering it panicked, and get_conversation and fetch answered
// "internal error" every time.
func TestConversation_MalformedHTMLIsReadable(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	raw := mustJSON(map[string]any{
		"type": "conversation", "id": "3001", "title": "Malformed link", "created_at": 1740000000, "updated_at": 1740000600,
		"open": true, "state": "open", "read": true, "priority": "none",
		"source": map[string]any{"type": "conversation", "delivered_as": "customer_initiated", "body": "<p>Where is my order?</p>",
			"author": map[string]any{"type": "user", "id": contactJane, "name": "Jane Doe", "email": "jane@example.com"}},
		"contacts": map[string]any{"type": "contact.list", "contacts": []any{map[string]any{"type": "contact", "id": contactJane}}},
		"conversation_parts": map[string]any{"type": "conversation_part.list", "total_count": 2, "conversation_parts": []any{
			map[string]any{"type": "conversation_part", "id": "61001", "part_type": "comment", "body": "<p>see <a =>here</a></p>",
				"created_at": 1740000300, "author": map[string]any{"type": "admin", "id": "991267607", "name": "Maya Lindqvist", "email": "maya@umbrella.app"}},
			map[string]any{"type": "conversation_part", "id": "61002", "part_type": "comment", "body": "<P>and <A=>there</A></P>",
				"created_at": 1740000600, "author": map[string]any{"type": "user", "id": contactJane, "name": "Jane Doe", "email": "jane@example.com"}},
		}},
	})
	if _, err := w.replica.Apply(t.Context(), index.Batch{Records: []index.Record{{Kind: query.KindConversation, ID: "3001",
		SyncedAt: w.clock.Now(), Raw: raw}}}); err != nil {
		t.Fatal(err)
	}
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"get_conversation", map[string]any{"id": "3001"}},
		{"fetch", map[string]any{"id": "conversation_3001"}},
	} {
		text := textOf(mustOK(t, s, c.tool, c.args))
		for _, want := range []string{"see here", "and there"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the text does not contain %q:\n%s", c.tool, want, text)
			}
		}
	}
}
