package intercom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// benchWorkspace is the fake's 2,000-conversation workspace the fake's own benchmarks use, so the numbers compose.
func benchWorkspace(b *testing.B) *fakeintercom.Workspace {
	b.Helper()
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 1, Conversations: 2000, Contacts: 1000})
	if err != nil {
		b.Fatal(err)
	}
	return ws
}

// BenchmarkDecode_ConversationPage150 decodes a page of 150 conversations as GET /conversations?per_page=150 sends
// it: typed fields plus a copy of each record's raw bytes. This is the client's own cost per backfill page, without
// HTTP.
func BenchmarkDecode_ConversationPage150(b *testing.B) {
	ws := benchWorkspace(b)
	var page bytes.Buffer
	page.WriteString(`{"type":"conversation.list","pages":{"type":"pages","page":1,"per_page":150,"total_pages":14,"next":{"page":2,"starting_after":"WzE2"}},"total_count":2000,"conversations":[`)
	for i, id := range ws.ConversationIDs()[:150] {
		item, err := ws.ConversationListItemJSON(id)
		if err != nil {
			b.Fatal(err)
		}
		if i > 0 {
			page.WriteByte(',')
		}
		page.Write(item)
	}
	page.WriteString(`]}`)
	body := page.Bytes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var l intercom.ConversationList
		if err := json.Unmarshal(body, &l); err != nil || len(l.Conversations) != 150 {
			b.Fatalf("%d conversations, %v", len(l.Conversations), err)
		}
	}
}

// BenchmarkDecode_Conversation decodes the largest of the first 200 full conversations (GET /conversations/{id},
// up to 50 parts).
func BenchmarkDecode_Conversation(b *testing.B) {
	ws := benchWorkspace(b)
	var body []byte
	for _, id := range ws.ConversationIDs()[:200] {
		raw, err := ws.ConversationJSON(id)
		if err != nil {
			b.Fatal(err)
		}
		if len(raw) > len(body) {
			body = raw
		}
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var c intercom.Conversation
		if err := json.Unmarshal(body, &c); err != nil || len(c.Parts) == 0 {
			b.Fatalf("%d parts, %v", len(c.Parts), err)
		}
	}
}

// BenchmarkClient_ListConversations150 is one GET /conversations?per_page=150 through the client against the fake
// over loopback HTTP: the fake's cost (BenchmarkFake_ListConversations150 in fakeintercom) plus the client's.
func BenchmarkClient_ListConversations150(b *testing.B) {
	ws := benchWorkspace(b)
	h := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Faults: fakeintercom.Faults{RateLimit: -1}})
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	c, err := intercom.New(intercom.Options{Token: intercom.Token(h.Token()), BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		page, err := c.ListConversations(ctx, intercom.ListOptions{PerPage: 150})
		if err != nil || len(page.Conversations) != 150 {
			b.Fatalf("%v", err)
		}
	}
	st := c.Stats()
	b.SetBytes(st.BytesReceived / max(st.Calls, 1))
}
