package fakeintercom

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// benchServer serves a workspace without rate limiting over real HTTP.
func benchServer(b *testing.B, conversations, contacts int) (*httptest.Server, *Handler) {
	b.Helper()
	ws := mustWorkspace(b, WorkspaceOptions{Seed: 1, Conversations: conversations, Contacts: contacts})
	h := NewHandler(ws, HandlerOptions{Faults: Faults{RateLimit: -1}})
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv, h
}

func benchGet(b *testing.B, client *http.Client, token, u string) []byte {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Intercom-Version", "2.16")
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return body
}

// BenchmarkFake_ListConversations150 is the cost of one GET /conversations?per_page=150 over HTTP, records
// already generated (a test or demo walking a small workspace repeatedly).
func BenchmarkFake_ListConversations150(b *testing.B) {
	srv, h := benchServer(b, 2000, 1000)
	u := srv.URL + "/conversations?per_page=150"
	body := benchGet(b, srv.Client(), h.Token(), u)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		benchGet(b, srv.Client(), h.Token(), u)
	}
}

// BenchmarkFake_ListConversations150Cold walks the pages of a 200k-conversation workspace, so every page generates
// its 150 records from the seed first (a backfill against a large fake).
func BenchmarkFake_ListConversations150Cold(b *testing.B) {
	srv, h := benchServer(b, 200_000, 50_000)
	next := ""
	var bytes int64
	b.ReportAllocs()
	for b.Loop() {
		u := srv.URL + "/conversations?per_page=150"
		if next != "" {
			u += "&starting_after=" + url.QueryEscape(next)
		}
		body := benchGet(b, srv.Client(), h.Token(), u)
		bytes += int64(len(body))
		var p struct {
			Pages struct {
				Next *struct {
					StartingAfter string `json:"starting_after"`
				} `json:"next"`
			} `json:"pages"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			b.Fatal(err)
		}
		next = ""
		if p.Pages.Next != nil {
			next = p.Pages.Next.StartingAfter
		}
	}
	b.SetBytes(bytes / int64(b.N))
}

// BenchmarkFake_GetConversation is one GET /conversations/{id} (all parts) over HTTP.
func BenchmarkFake_GetConversation(b *testing.B) {
	srv, h := benchServer(b, 2000, 1000)
	ids := h.Workspace().ConversationIDs()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		benchGet(b, srv.Client(), h.Token(), srv.URL+"/conversations/"+ids[i%len(ids)])
		i++
	}
}

// BenchmarkWorkspace_ConversationJSON is generating and rendering one conversation from the seed (no cache hits):
// what an index benchmark pays per record when it feeds a million conversations through Workspace.Conversations.
func BenchmarkWorkspace_ConversationJSON(b *testing.B) {
	ws := mustWorkspace(b, WorkspaceOptions{Seed: 1, Conversations: 1_000_000, Contacts: 200_000})
	var bytes int64
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := ws.generateConversation(i % 1_000_000)
		bytes += int64(len(ws.renderConversation(make([]byte, 0, 8<<10), c, renderFull)))
		i++
	}
	b.SetBytes(bytes / int64(b.N))
}
