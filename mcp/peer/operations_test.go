package peer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
)

func TestClient_ScanQueryStreamsTheMatchesInOrder(t *testing.T) {
	t.Parallel()
	r, c := servedReplica(t, nil)
	ctx := context.Background()

	// A page of 4 makes the owner walk eight pages; the client sees one stream, in the order of the pages.
	q, err := query.Parse("object_type:conversations state:open limit:4", query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for page := q; ; {
		res, err := r.Search(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			want = append(want, h.ID)
		}
		if res.Next == "" {
			break
		}
		page.StartingAfter = res.Next
	}
	var got, local []string
	if err := c.ScanQuery(ctx, q, func(rec index.Record) error {
		if rec.Deleted || !json.Valid(rec.Raw) {
			t.Errorf("%s: deleted %v or not JSON", rec.ID, rec.Deleted)
		}
		got = append(got, rec.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := peer.EachMatch(ctx, r, q, func(rec index.Record) error { local = append(local, rec.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(want) != nConversations/2 || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(local, want) {
		t.Errorf("query scan: %v\nlocal: %v\nwant the search's pages: %v", got, local, want)
	}

	stop := errors.New("enough")
	n := 0
	if err := c.ScanQuery(ctx, q, func(index.Record) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("query scan stopped by fn: %v after %d records", err, n)
	}
	bad := q
	bad.StartingAfter = "bm90LWEtY3Vyc29y"
	if err := c.ScanQuery(ctx, bad, func(index.Record) error { return nil }); !errors.Is(err, index.ErrInvalidCursor) {
		t.Errorf("query scan with a foreign cursor: %v", err)
	}
}

// syncStub is a hand-written SyncRunner (this package cannot import the syncer): it reports progress for each kind
// and returns reports, or fails the way a pass that Intercom refuses does.
type syncStub struct {
	mu    sync.Mutex
	modes []peer.SyncMode
	fail  error
	block chan struct{} // when set, Sync waits for it or for its context
	ended chan error    // receives ctx.Err() when a blocked Sync ends
}

func (s *syncStub) Sync(ctx context.Context, mode peer.SyncMode, progress func(peer.Progress)) (json.RawMessage, error) {
	s.mu.Lock()
	s.modes = append(s.modes, mode)
	s.mu.Unlock()
	for _, kind := range []query.Kind{query.KindContact, query.KindConversation} {
		progress(peer.Progress{Pass: "incremental", Kind: kind, Done: 3, Total: 3, Finished: true})
	}
	if s.block != nil {
		select {
		case <-s.block:
		case <-ctx.Done():
			s.ended <- ctx.Err()
			return nil, ctx.Err()
		}
	}
	return json.RawMessage(`[{"pass":"incremental","kinds":[]}]`), s.fail
}

func TestClient_SyncRunsAPassOnTheOwner(t *testing.T) {
	t.Parallel()
	stub := &syncStub{}
	_, c := servedReplicaWith(t, func(*index.Replica) peer.ServerOptions { return peer.ServerOptions{Sync: stub} })
	ctx := context.Background()

	var events []peer.Progress
	reports, err := c.Sync(ctx, peer.SyncFull, func(p peer.Progress) { events = append(events, p) })
	if err != nil || string(reports) != `[{"pass":"incremental","kinds":[]}]` {
		t.Fatalf("sync: %s, %v", reports, err)
	}
	if len(events) != 2 || events[0].Kind != query.KindContact || events[1].Kind != query.KindConversation || !events[1].Finished {
		t.Errorf("progress: %+v", events)
	}
	if !reflect.DeepEqual(stub.modes, []peer.SyncMode{peer.SyncFull}) {
		t.Errorf("modes run: %v", stub.modes)
	}

	// A pass that fails: its reports and its reason reach the caller.
	stub.fail = errors.New("the replica holds another Intercom workspace")
	reports, err = c.Sync(ctx, peer.SyncIncremental, nil)
	if err == nil || !strings.Contains(err.Error(), "the replica holds another Intercom workspace") || len(reports) == 0 {
		t.Errorf("failed pass: %s, %v", reports, err)
	}

	// The caller giving up stops the pass on the owner.
	stub.fail, stub.block, stub.ended = nil, make(chan struct{}), make(chan error, 1)
	cctx, cancel := context.WithCancel(ctx)
	returned := make(chan error, 1)
	go func() {
		_, err := c.Sync(cctx, peer.SyncIncremental, func(peer.Progress) { cancel() })
		returned <- err
	}()
	select {
	case err := <-stub.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the owner's pass ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		close(stub.block)
		t.Error("the owner's pass went on after its caller gave up")
	}
	if err := <-returned; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled sync: %v", err)
	}

	if _, err := c.Sync(ctx, "sideways", nil); err == nil || !strings.Contains(err.Error(), "unknown sync mode") {
		t.Errorf("unknown mode: %v", err)
	}
}

func TestClient_OwnerWithoutSyncer(t *testing.T) {
	t.Parallel()
	_, c := servedReplica(t, nil)
	if _, err := c.Sync(context.Background(), peer.SyncIncremental, nil); !errors.Is(err, peer.ErrUnavailable) {
		t.Errorf("sync on an owner that does not sync: %v", err)
	}
	if _, err := c.Budget(context.Background()); !errors.Is(err, peer.ErrUnavailable) {
		t.Errorf("budget of an owner that does not sync: %v", err)
	}
}

func TestClient_BudgetIsTheOwnersLiveOne(t *testing.T) {
	t.Parallel()
	reset := time.Date(2025, 6, 1, 12, 0, 10, 0, time.UTC)
	var mu sync.Mutex
	remaining := 1200
	budget := func() peer.Budget {
		mu.Lock()
		defer mu.Unlock()
		remaining--
		return peer.Budget{Limit: 1666, Remaining: remaining, ResetAt: reset, WindowSeconds: 10, ReservePercent: 20, SyncCap: 1332, RateLimited: 2}
	}
	_, c := servedReplicaWith(t, func(*index.Replica) peer.ServerOptions { return peer.ServerOptions{Budget: budget} })
	first, err := c.Budget(context.Background())
	if err != nil || first.Limit != 1666 || first.Remaining != 1199 || !first.ResetAt.Equal(reset) || first.RateLimited != 2 {
		t.Fatalf("budget: %+v, %v", first, err)
	}
	if second, _ := c.Budget(context.Background()); second.Remaining != 1198 {
		t.Errorf("a second call answered %d remaining: not read live", second.Remaining)
	}
}

func TestClient_ReindexRebuildsOnTheOwnerWhileItServes(t *testing.T) {
	t.Parallel()
	_, c := servedReplica(t, nil)
	ctx := context.Background()
	var last [2]int
	calls := 0
	if err := c.Reindex(ctx, func(done, total int) { calls++; last = [2]int{done, total} }); err != nil {
		t.Fatalf("reindex: %v", err)
	}
	if n := nConversations + nContacts; calls == 0 || last != [2]int{n, n} {
		t.Errorf("progress: %d calls, last %v", calls, last)
	}
	q, _ := query.Parse("object_type:conversations q:refund", query.Options{})
	if res, err := c.Search(ctx, q); err != nil || res.Total != nConversations/3 {
		t.Errorf("search after the rebuild: %d, %v", res.Total, err)
	}
}

// TestClient_CallsAnOlderOwnerDoesNotKnow: an owner of an older version serves hello and the first calls only;
// the calls added since are refused as unsupported, not mistaken for an owner that went away (which would start
// a takeover of a replica that is in use).
func TestClient_CallsAnOlderOwnerDoesNotKnow(t *testing.T) {
	t.Parallel()
	path := socketPath(t)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/hello", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(peer.Hello{Protocol: peer.ProtocolVersion, PID: 1, Version: "old"})
	})
	// The first release streamed records as JSON lines on /v1/scan.
	mux.HandleFunc("POST /v1/scan", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"record":{"kind":"contact","id":"a","updated_at":1,"synced_at":"2025-06-01T12:00:00Z","raw":{"id":"a","name":"Ann"}}}`+"\n")
		io.WriteString(w, `{"record":{"kind":"contact","id":"b","updated_at":2,"synced_at":"2025-06-01T12:00:00Z","deleted":true}}`+"\n")
		io.WriteString(w, `{"end":true}`+"\n")
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c := dial(t, path)
	var got []string
	if err := c.Scan(context.Background(), query.KindContact, func(rec index.Record) error {
		got = append(got, rec.ID+":"+string(rec.Raw))
		return nil
	}); err != nil || !reflect.DeepEqual(got, []string{`a:{"id":"a","name":"Ann"}`, "b:"}) {
		t.Errorf("scan from an older owner: %q, %v", got, err)
	}
	_, err = c.Budget(context.Background())
	if !errors.Is(err, errors.ErrUnsupported) || errors.Is(err, peer.ErrOwnerGone) {
		t.Errorf("budget from an older owner: %v", err)
	}
	if _, err := c.Sync(context.Background(), peer.SyncIncremental, nil); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("sync from an older owner: %v", err)
	}
}

// TestClient_ScanCarriesRecordsByteForByte: a framed record arrives exactly as stored, however it is laid out
// (newlines inside its JSON, HTML characters that a JSON encoder would escape).
func TestClient_ScanCarriesRecordsByteForByte(t *testing.T) {
	t.Parallel()
	r := openReplica(t, t.TempDir())
	closeReplica(t, r)
	raw := []byte("{\n  \"type\": \"contact\",\n  \"id\": \"odd\",\n  \"name\": \"<b>A & B</b>\",\n  \"updated_at\": 1700000000\n}")
	if _, err := r.Apply(context.Background(), index.Batch{Records: []index.Record{{Kind: query.KindContact, ID: "odd", UpdatedAt: 1700000000, Raw: raw}}}); err != nil {
		t.Fatal(err)
	}
	path := socketPath(t)
	startOwner(t, path, r, nil)
	c := dial(t, path)
	seen := 0
	if err := c.Scan(context.Background(), query.KindContact, func(rec index.Record) error {
		want, err := r.Get(context.Background(), rec.Kind, rec.ID)
		if err != nil || !bytes.Equal(rec.Raw, want.Raw) || rec.UpdatedAt != want.UpdatedAt || !rec.SyncedAt.Equal(want.SyncedAt) {
			t.Errorf("%s: got %q, stored %q (%v)", rec.ID, rec.Raw, want.Raw, err)
		}
		seen++
		return nil
	}); err != nil || seen != nContacts+1 {
		t.Errorf("scan: %d records, %v", seen, err)
	}
}

var _ peer.Reindexer = (*index.Replica)(nil)
var _ mcp.Replica = (*peer.Client)(nil)

// TestClient_AggregateIsTheOwnersAnswer checks that an aggregate asked over the socket is the owner's own answer,
// and that its mistakes travel as the query's errors.
func TestClient_AggregateIsTheOwnersAnswer(t *testing.T) {
	r, c := servedReplica(t, nil)
	ctx := context.Background()
	a, err := query.ParseAggregate(query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"state", "created_at:month"},
		Metrics: []string{"count", "max:parts_count"}, Limit: 3}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	local, err := r.Aggregate(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	remote, err := c.Aggregate(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if local.Matched != nConversations || remote.Matched != local.Matched || remote.GroupCount != local.GroupCount ||
		remote.Next != local.Next || string(mustJSON(remote.Groups)) != string(mustJSON(local.Groups)) {
		t.Errorf("over the socket:\n%s\nlocal:\n%s", mustJSON(remote), mustJSON(local))
	}
	a.StartingAfter = "bm90LWEtY3Vyc29y"
	if _, err := c.Aggregate(ctx, a); !errors.Is(err, index.ErrInvalidCursor) {
		t.Errorf("foreign cursor: %v", err)
	}
}
