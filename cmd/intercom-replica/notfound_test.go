package main

import (
	"context"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestServe_MadeUpIDIsNotFoundNotDeleted: a live lookup of an id Intercom never had answers 404. That used to leave
// a tombstone, so from then on get_* and fetch said the record "was deleted in Intercom" and status counted it as
// deleted. It is not found, every time, and the replica does not change.
func TestServe_MadeUpIDIsNotFoundNotDeleted(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	s := startStdio(t, e, "--demo", "--config", "", "--data-dir", dir)
	before := statusJSON(t, e, dir)

	call := func(tool string, args map[string]any) (bool, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		res, err := s.session.CallTool(ctx, &sdk.CallToolParams{Name: tool, Arguments: args})
		if err != nil {
			t.Fatalf("%s %v: %v", tool, args, err)
		}
		return res.IsError, toolText(res)
	}
	for _, c := range []struct {
		get, id string
	}{
		{"get_conversation", "conversation_123456789"},
		{"get_contact", "contact_0123456789abcdef01234567"},
	} {
		for round := 1; round <= 2; round++ {
			for _, tool := range []string{c.get, "fetch"} {
				isErr, text := call(tool, map[string]any{"id": c.id})
				if !isErr || !strings.Contains(text, "not") || strings.Contains(text, "deleted in Intercom") {
					t.Errorf("round %d, %s %s (error %v): %s; want not found, not deleted", round, tool, c.id, isErr, text)
				}
			}
		}
	}

	after := statusJSON(t, e, dir)
	for _, kind := range []string{"conversation", "contact"} {
		if a, b := after.Kinds[kind], before.Kinds[kind]; a.Live != b.Live || a.Deleted != b.Deleted {
			t.Errorf("status of %ss: %d live, %d deleted; want %d and %d as before", kind, a.Live, a.Deleted, b.Live, b.Deleted)
		}
	}
}
