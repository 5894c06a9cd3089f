package mcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	isync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ instead of comparing with them")

// testNow is the fixed clock of every test: fixtures were synced shortly before it.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	testToken     = "local-test-token"
	testWorkspace = "abc123"
)

// newClock returns a test clock, advanced by hand, that starts at testNow.
func newClock() *fakeintercom.Clock { return fakeintercom.NewClock(testNow) }

// fakeIntercom is a hand-written LiveFetcher standing in for the syncer's live lookups: it holds Intercom's
// current copy of some records and, like the real one, writes what it fetches to the replica.
type fakeIntercom struct {
	t       testing.TB
	replica *index.Replica
	clock   *fakeintercom.Clock

	mu      sync.Mutex
	records map[string]json.RawMessage // kind/id → Intercom's current JSON
	down    error                      // when set, every call fails with it
	calls   int
}

func (f *fakeIntercom) set(kind query.Kind, id string, raw []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records[string(kind)+"/"+id] = raw
}

func (f *fakeIntercom) setDown(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = err
}

func (f *fakeIntercom) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *fakeIntercom) FetchLive(ctx context.Context, kind query.Kind, id string) (index.Record, error) {
	f.mu.Lock()
	f.calls++
	down, raw, ok := f.down, f.records[string(kind)+"/"+id], false
	if raw != nil {
		ok = true
	}
	f.mu.Unlock()
	if down != nil {
		return index.Record{}, down
	}
	if !ok {
		// Intercom says 404: the record is gone, and the replica drops it.
		if _, err := f.replica.Apply(ctx, index.Batch{Records: []index.Record{{Kind: kind, ID: id, Deleted: true, SyncedAt: f.clock.Now()}}}); err != nil {
			return index.Record{}, err
		}
		return index.Record{}, fmt.Errorf("GET /%ss/%s: 404: %w", kind, id, index.ErrNotFound)
	}
	rec := index.Record{Kind: kind, ID: id, SyncedAt: f.clock.Now(), Raw: raw}
	if _, err := f.replica.Apply(ctx, index.Batch{Records: []index.Record{rec}}); err != nil {
		return index.Record{}, err
	}
	return f.replica.Get(ctx, kind, id)
}

// world is a real replica in a temporary directory loaded with the fixtures, plus the fake Intercom behind it.
type world struct {
	replica *index.Replica
	live    *fakeIntercom
	clock   *fakeintercom.Clock
	log     *slog.Logger
	dir     string
	// production serves as serve does: structured results are not validated against their output schemas (the
	// tests' servers do validate them, to catch a result the schema does not describe).
	production bool
}

// fixture records, by id.
const (
	convRefund     = "1001"
	convLogin      = "1002"
	convHostile    = "1003"
	convLong       = "1004" // 600 parts
	contactJane    = "6762f0d01bb69f9f2193bb7d"
	contactBob     = "6762f0d01bb69f9f2193bb7e"
	companyAcme    = "661c61a3fd9a35ba63000000" // Jane's company, tagged and in a segment
	companyEvil    = "661c61a3fd9a35ba63000001" // a company whose name and attributes attack the reader
	articleRefunds = "39"                       // published, in the section Refunds of Billing, in English and French
	articleHostile = "42"                       // a title and body that attack the reader, in no collection
	ticketBug      = "7583"                     // a tracker ticket linked to convRefund and ticketRefund, with typed attributes
	ticketRefund   = "7584"                     // a resolved customer ticket
	bulkFirstID    = 2000
	bulkCount      = 45 // "Bulk conversation N", for paging
	longParts      = 600
)

// newWorld opens a real replica in t.TempDir() and loads every fixture, synced one minute before the test clock.
func newWorld(t testing.TB) *world {
	t.Helper()
	c := newClock()
	dir := t.TempDir()
	r, err := index.Open(context.Background(), dir, index.Options{Now: c.Now})
	if err != nil {
		t.Fatalf("open replica: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil && !errors.Is(err, index.ErrClosed) {
			t.Errorf("close replica: %v", err)
		}
	})
	w := &world{replica: r, clock: c, dir: dir, log: newQuietLogger()}
	w.live = &fakeIntercom{t: t, replica: r, clock: c, records: map[string]json.RawMessage{}}

	synced := testNow.Add(-time.Minute)
	var recs []index.Record
	for _, f := range []struct {
		kind query.Kind
		id   string
		file string
	}{
		{query.KindContact, contactJane, "contact_jane.json"},
		{query.KindContact, contactBob, "contact_bob.json"},
		{query.KindConversation, convRefund, "conversation_refund.json"},
		{query.KindConversation, convLogin, "conversation_login.json"},
		{query.KindConversation, convHostile, "conversation_hostile.json"},
	} {
		raw, err := os.ReadFile(filepath.Join("testdata", "fixtures", f.file))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, index.Record{Kind: f.kind, ID: f.id, SyncedAt: synced, Raw: raw})
	}
	recs = append(recs, workspaceRecords(t, synced)...)
	recs = append(recs, index.Record{Kind: query.KindConversation, ID: convLong, SyncedAt: synced, Raw: longConversation(convLong, longParts)})
	for i := 0; i < bulkCount; i++ {
		id := fmt.Sprint(bulkFirstID + i)
		recs = append(recs, index.Record{Kind: query.KindConversation, ID: id, SyncedAt: synced, Raw: bulkConversation(id, i)})
	}
	meta := syncMeta(testWorkspace, synced, map[query.Kind]isync.Backfill{
		query.KindConversation: {Done: 51, Total: 51, Complete: true},
		query.KindContact:      {Done: 2, Total: 2, Complete: true},
		query.KindCompany:      {Done: 2, Total: 2, Complete: true},
		query.KindArticle:      {Done: 4, Total: 4, Complete: true},
		query.KindTicket:       {Done: 3, Total: 3, Complete: true},
	})
	if _, err := r.Apply(context.Background(), index.Batch{Records: recs, Meta: meta}); err != nil {
		t.Fatalf("load fixtures: %v", err)
	}
	return w
}

// workspaceRecords are the teammates, teams, tags, segments, companies, Help Center collections, help centers,
// ticket types, articles and tickets of testdata/fixtures/workspace.json, which name the ids the other fixtures
// hold.
func workspaceRecords(t testing.TB, synced time.Time) []index.Record {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "fixtures", "workspace.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ws map[string][]json.RawMessage
	if err := json.Unmarshal(raw, &ws); err != nil {
		t.Fatal(err)
	}
	var recs []index.Record
	for list, kind := range map[string]query.Kind{"admins": query.KindAdmin, "teams": query.KindTeam, "tags": query.KindTag,
		"segments": query.KindSegment, "companies": query.KindCompany, "collections": query.KindCollection,
		"help_centers": query.KindHelpCenter, "ticket_types": query.KindTicketType, "articles": query.KindArticle,
		"tickets": query.KindTicket} {
		for _, r := range ws[list] {
			var id struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r, &id); err != nil || id.ID == "" {
				t.Fatalf("workspace.json %s: no id in %s", list, r)
			}
			recs = append(recs, index.Record{Kind: kind, ID: id.ID, SyncedAt: synced, Raw: r})
		}
	}
	return recs
}

// deps returns the tools' dependencies over the world, with the freshness policy and the fake Intercom.
func (w *world) deps() mcp.Deps {
	return mcp.Deps{Replica: w.replica, Fresh: w.policy()}
}

func (w *world) policy() *mcp.Policy {
	return &mcp.Policy{Replica: w.replica, Live: w.live, MaxStaleness: 5 * time.Minute, Now: w.clock.Now, Logger: w.log}
}

func (w *world) toolOptions() mcp.ToolOptions {
	return mcp.ToolOptions{Logger: w.log, Now: w.clock.Now, StatusTTL: -1}
}

// longConversation is a conversation with n parts alternating between the contact and an admin.
func longConversation(id string, n int) []byte {
	parts := make([]map[string]any, n)
	for i := range parts {
		author := map[string]any{"type": "admin", "id": "991267607", "name": "Maya Lindqvist", "email": "maya@umbrella.app"}
		if i%2 == 0 {
			author = map[string]any{"type": "user", "id": contactJane, "name": "Jane Doe", "email": "jane@example.com"}
		}
		parts[i] = map[string]any{"type": "conversation_part", "id": fmt.Sprint(50000 + i), "part_type": "comment",
			"body": fmt.Sprintf("<p>Message number %d of the long thread.</p>", i+1), "created_at": 1740000000 + i*60, "author": author}
	}
	return mustJSON(map[string]any{
		"type": "conversation", "id": id, "title": "A very long thread", "created_at": 1740000000, "updated_at": 1740000000 + n*60,
		"open": true, "state": "open", "read": true, "priority": "none",
		"source": map[string]any{"type": "conversation", "delivered_as": "customer_initiated", "body": "<p>Start of the long thread.</p>",
			"author": map[string]any{"type": "user", "id": contactJane, "name": "Jane Doe", "email": "jane@example.com"}},
		"contacts":           map[string]any{"type": "contact.list", "contacts": []any{map[string]any{"type": "contact", "id": contactJane}}},
		"conversation_parts": map[string]any{"type": "conversation_part.list", "total_count": n, "conversation_parts": parts},
	})
}

// bulkConversation is conversation i of the paging set: open, tagged bulk, one part.
func bulkConversation(id string, i int) []byte {
	return mustJSON(map[string]any{
		"type": "conversation", "id": id, "title": fmt.Sprintf("Bulk conversation %d", i), "created_at": 1700000000 + i*3600,
		"updated_at": 1700000000 + i*3600 + 60, "open": true, "state": "open", "read": true, "priority": "low",
		"tags": map[string]any{"type": "tag.list", "tags": []any{map[string]any{"type": "tag", "id": "7000", "name": "bulk"}}},
		"source": map[string]any{"type": "conversation", "delivered_as": "customer_initiated", "body": fmt.Sprintf("<p>Bulk message %d about shipping.</p>", i),
			"author": map[string]any{"type": "user", "id": contactBob, "name": "Bob Lee", "email": "bob@acme.io"}},
		"contacts":           map[string]any{"type": "contact.list", "contacts": []any{map[string]any{"type": "contact", "id": contactBob}}},
		"conversation_parts": map[string]any{"type": "conversation_part.list", "total_count": 0, "conversation_parts": []any{}},
	})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// bearer is an http.RoundTripper adding headers to every request.
type headerTransport struct {
	headers map[string]string
	base    http.RoundTripper
}

func (h *headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h.headers {
		r.Header.Set(k, v)
	}
	return h.base.RoundTrip(r)
}

func bearerClient(token string) *http.Client {
	return &http.Client{Transport: &headerTransport{headers: map[string]string{"Authorization": "Bearer " + token}, base: http.DefaultTransport}}
}

// call calls a tool and fails the test on a protocol error.
func call(t *testing.T, s *sdk.ClientSession, tool string, args map[string]any) *sdk.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.CallTool(ctx, &sdk.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("call %s %v: protocol error: %v", tool, args, err)
	}
	return res
}

// mustOK calls a tool and fails the test when the result is an error.
func mustOK(t *testing.T, s *sdk.ClientSession, tool string, args map[string]any) *sdk.CallToolResult {
	t.Helper()
	res := call(t, s, tool, args)
	if res.IsError {
		t.Fatalf("call %s %v: tool error: %s", tool, args, textOf(res))
	}
	return res
}

// mustToolError calls a tool and fails the test unless the result is a tool error (isError, not a protocol
// error) whose text contains every want.
func mustToolError(t *testing.T, s *sdk.ClientSession, tool string, args map[string]any, want ...string) string {
	t.Helper()
	res := call(t, s, tool, args)
	text := textOf(res)
	if !res.IsError {
		t.Fatalf("call %s %v: want a tool error, got a result:\n%s", tool, args, text)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("call %s %v: error %q does not contain %q", tool, args, text, w)
		}
	}
	return text
}

// textOf joins the text content of a result.
func textOf(res *sdk.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// structured decodes a result's structured content into v, which it zeroes first.
func structured(t *testing.T, res *sdk.CallToolResult, v any) {
	t.Helper()
	reflect.ValueOf(v).Elem().SetZero()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
}

var errUpstream = errors.New("intercom: 503 Service Unavailable")

func readTestdata(elem ...string) ([]byte, error) {
	return os.ReadFile(filepath.Join(append([]string{"testdata"}, elem...)...))
}

// newQuietLogger logs warnings and errors to stderr (tests' output), never to stdout.
func newQuietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// syncBuffer is testwait.Buffer: output written concurrently and read by the test.
type syncBuffer = testwait.Buffer

// syncMeta is the metadata the syncer writes after a pass that completed at synced, built with package sync's
// own types so the tests notice if the documents mcp reads drift from what sync writes.
func syncMeta(workspace string, synced time.Time, backfill map[query.Kind]isync.Backfill) map[string][]byte {
	meta := map[string][]byte{mcp.MetaWorkspace: mustJSON(isync.Workspace{ID: workspace, Name: "Umbrella Support"})}
	for kind, b := range backfill {
		ks := isync.KindState{Backfill: b, Live: b.Done}
		if b.Complete {
			ks.LastPassAt = synced
		}
		meta[mcp.MetaStatePrefix+string(kind)] = mustJSON(ks)
	}
	return meta
}
