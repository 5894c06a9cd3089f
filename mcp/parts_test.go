package mcp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/mcp"
)

// TestFetch_StructuredPartsAreTheTextsPage checks that fetch's structured result carries the same page of parts as
// its text: a client reading structuredContent gets the messages too.
func TestFetch_StructuredPartsAreTheTextsPage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	for _, tc := range []struct {
		name       string
		args       map[string]any
		wantNumber []int
	}{
		{"whole", map[string]any{"id": "conversation_" + convRefund}, []int{1, 2, 3, 4}},
		{"page", map[string]any{"id": convLong, "parts_offset": 10, "max_parts": 3}, []int{11, 12, 13}},
		{"past the end", map[string]any{"id": convLong, "parts_offset": 999}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustOK(t, s, "fetch", tc.args)
			var out mcp.FetchResult
			structured(t, res, &out)
			c := out.Metadata.Conversation
			if c == nil || c.Parts == nil {
				t.Fatalf("metadata.conversation.parts is missing: %+v", c)
			}
			var got []int
			for _, p := range c.Parts {
				got = append(got, p.Number)
				head := fmt.Sprintf("[part %d/%d]", p.Number, c.PartsPage.Total)
				if !strings.Contains(out.Text, head) || p.Body != "" && !strings.Contains(out.Text, p.Body) {
					t.Errorf("part %d is in the structured result but not in the text", p.Number)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.wantNumber) {
				t.Errorf("structured parts %v, want %v", got, tc.wantNumber)
			}
			if strings.Count(out.Text, "[part ") != len(c.Parts) {
				t.Errorf("the text holds %d parts, the structured result %d", strings.Count(out.Text, "[part "), len(c.Parts))
			}
			if p := out.Metadata.PartsPage; p == nil || *p != c.PartsPage && p.NextOffset == nil {
				t.Errorf("parts_page %+v differs from the conversation's %+v", p, c.PartsPage)
			}
		})
	}
}

// TestPartsPage_Notes checks the words of the paging note: counts agree in number, and an offset past the end is
// reported as given.
func TestPartsPage_Notes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	for _, tc := range []struct {
		name string
		args map[string]any
		want string
	}{
		{"one earlier part", map[string]any{"id": convLong, "parts_offset": 1, "max_parts": 3},
			"Showing parts 2-4 of 600. 596 later parts are not shown: call again with parts_offset=4 to read on. Part 1 and the opening message are on earlier pages (parts_offset=0)."},
		{"many earlier parts", map[string]any{"id": convLong, "parts_offset": 10, "max_parts": 3},
			"Showing parts 11-13 of 600. 587 later parts are not shown: call again with parts_offset=13 to read on. Parts 1-10 and the opening message are on earlier pages (parts_offset=0)."},
		{"one later part", map[string]any{"id": convLong, "parts_offset": 100, "max_parts": 499},
			"Showing parts 101-599 of 600. 1 later part is not shown: call again with parts_offset=599 to read on. Parts 1-100 and the opening message are on earlier pages (parts_offset=0)."},
		{"last page after one", map[string]any{"id": "conversation_" + convRefund, "parts_offset": 1},
			"Showing parts 2-4 of 4 (the last). Part 1 and the opening message are on earlier pages (parts_offset=0)."},
		{"last single part", map[string]any{"id": "conversation_" + convRefund, "parts_offset": 3},
			"Showing part 4 of 4 (the last). Parts 1-3 and the opening message are on earlier pages (parts_offset=0)."},
		{"past the end", map[string]any{"id": "conversation_" + convRefund, "parts_offset": 999},
			"parts_offset=999 is past the last part: the conversation has 4 parts, so parts_offset=0 to 3 read them."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustOK(t, s, "fetch", tc.args)
			var out mcp.FetchResult
			structured(t, res, &out)
			if got := out.Metadata.Conversation.PartsPage.Note; got != tc.want {
				t.Errorf("note\n  %q\nwant\n  %q", got, tc.want)
			}
			if !strings.Contains(textOf(res), tc.want) {
				t.Errorf("text lacks the note:\n%s", textOf(res))
			}
		})
	}
}
