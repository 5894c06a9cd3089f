package peer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	nConversations = 30
	nContacts      = 5
)

func contactID(i int) string { return fmt.Sprintf("6762f0d01bb69f9f2193bb%02x", i) }

// openReplica opens a real replica in dir loaded with conversations and contacts, synced a minute before
// testNow. The caller closes it.
func openReplica(t *testing.T, dir string) *index.Replica {
	t.Helper()
	r, err := index.Open(context.Background(), dir, index.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("open replica: %v", err)
	}
	synced := testNow.Add(-time.Minute)
	var recs []index.Record
	for i := 0; i < nContacts; i++ {
		raw := mustJSON(map[string]any{"type": "contact", "id": contactID(i), "role": "user", "name": fmt.Sprintf("Person %d", i),
			"email": fmt.Sprintf("person%d@example.com", i), "created_at": 1700000000 + i, "updated_at": 1700000000 + i})
		recs = append(recs, index.Record{Kind: query.KindContact, ID: contactID(i), SyncedAt: synced, Raw: raw})
	}
	for i := 0; i < nConversations; i++ {
		id := fmt.Sprint(5000 + i)
		topic := "shipping delay"
		if i%3 == 0 {
			topic = "refund request"
		}
		raw := mustJSON(map[string]any{"type": "conversation", "id": id, "title": fmt.Sprintf("Conversation %d", i),
			"created_at": 1700000000 + i*100, "updated_at": 1700000000 + i*100 + 50, "state": []string{"open", "closed"}[i%2],
			"open": i%2 == 0, "read": true,
			"source": map[string]any{"type": "email", "body": fmt.Sprintf("<p>A question about a %s, number %d.</p>", topic, i),
				"author": map[string]any{"type": "user", "id": contactID(i % nContacts), "email": fmt.Sprintf("person%d@example.com", i%nContacts)}},
			"contacts":           map[string]any{"contacts": []any{map[string]any{"type": "contact", "id": contactID(i % nContacts)}}},
			"conversation_parts": map[string]any{"total_count": 0, "conversation_parts": []any{}},
		})
		recs = append(recs, index.Record{Kind: query.KindConversation, ID: id, SyncedAt: synced, Raw: raw})
	}
	recs = append(recs, index.Record{Kind: query.KindAdmin, ID: "7001", SyncedAt: synced,
		Raw: mustJSON(map[string]any{"type": "admin", "id": "7001", "name": "Alex Rivera", "email": "alex@example.com"})})
	// 4999 was held, then deleted in Intercom: a tombstone (the replica records a deletion only of a record it held).
	recs = append(recs, index.Record{Kind: query.KindConversation, ID: "4999", SyncedAt: synced.Add(-time.Hour), Raw: mustJSON(map[string]any{
		"type": "conversation", "id": "4999", "created_at": 1600000000, "updated_at": 1600000000, "state": "closed"})})
	meta := map[string][]byte{mcp.MetaWorkspace: mustJSON(map[string]string{"id": "abc123"})}
	if _, err := r.Apply(context.Background(), index.Batch{Records: recs, Meta: meta}); err != nil {
		t.Fatalf("load: %v", err)
	}
	if _, err := r.Apply(context.Background(), index.Batch{Records: []index.Record{{Kind: query.KindConversation, ID: "4999", Deleted: true, SyncedAt: synced}}}); err != nil {
		t.Fatalf("load: %v", err)
	}
	return r
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// shortDir returns a new temporary directory whose socket path is short enough for a unix socket (t.TempDir()
// can be long on some systems: the limit is about 104 bytes).
func shortDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if p := peer.SocketPath(dir); len(p) <= 100 {
		return dir
	}
	dir, err := os.MkdirTemp("", "peer")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// socketPath returns the socket path of a new shortDir.
func socketPath(t *testing.T) string { return peer.SocketPath(shortDir(t)) }

// liveStub is a hand-written LiveFetcher: Intercom is unreachable.
type liveStub struct{}

func (liveStub) FetchLive(context.Context, query.Kind, string) (index.Record, error) {
	return index.Record{}, errors.New("Intercom answered 503")
}

// owner runs a peer server for r on path until the test ends (or stop is called) and checks it stopped cleanly.
type owner struct {
	stop    context.CancelFunc
	done    chan error
	stopped sync.Once
}

func startOwner(t *testing.T, path string, r *index.Replica, now func() time.Time) *owner {
	t.Helper()
	return startOwnerWith(t, path, r, peer.ServerOptions{Version: "test", Fresh: &mcp.Policy{Replica: r, Live: liveStub{}, Now: now}})
}

// startOwnerWith runs a peer server for b with opts on path, as startOwner does.
func startOwnerWith(t *testing.T, path string, b peer.Backend, opts peer.ServerOptions) *owner {
	t.Helper()
	s := peer.NewServer(path, b, opts)
	if err := s.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	o := &owner{stop: cancel, done: make(chan error, 1)}
	go func() { o.done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		o.wait(t)
	})
	return o
}

// servedReplica opens a loaded replica in a new directory, serves it as startOwner does (with the clock now), and
// returns it with a client of the owner.
func servedReplica(t *testing.T, now func() time.Time) (*index.Replica, *peer.Client) {
	t.Helper()
	return servedReplicaWith(t, func(r *index.Replica) peer.ServerOptions {
		return peer.ServerOptions{Version: "test", Fresh: &mcp.Policy{Replica: r, Live: liveStub{}, Now: now}}
	})
}

// servedReplicaWith is servedReplica with the server options opts gives for the replica.
func servedReplicaWith(t *testing.T, opts func(*index.Replica) peer.ServerOptions) (*index.Replica, *peer.Client) {
	t.Helper()
	r := openReplica(t, t.TempDir())
	closeReplica(t, r)
	path := socketPath(t)
	startOwnerWith(t, path, r, opts(r))
	return r, dial(t, path)
}

func (o *owner) wait(t *testing.T) {
	t.Helper()
	o.stopped.Do(func() {
		select {
		case err := <-o.done:
			if err != nil {
				t.Errorf("owner Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("owner did not stop")
		}
	})
}

func dial(t *testing.T, path string) *peer.Client {
	t.Helper()
	c, err := peer.Dial(context.Background(), path)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func closeReplica(t *testing.T, r *index.Replica) {
	t.Helper()
	t.Cleanup(func() {
		if err := r.Close(); err != nil && !errors.Is(err, index.ErrClosed) {
			t.Errorf("close replica: %v", err)
		}
	})
}

func TestClient_AnswersLikeTheReplica(t *testing.T) {
	t.Parallel()
	r, c := servedReplica(t, func() time.Time { return testNow })
	ctx := context.Background()

	for _, dsl := range []string{
		`object_type:conversations state:open limit:5`,
		`object_type:conversations q:refund`,
		`object_type:conversations created_at:gt:2023-11-14 updated_at:lt:30d`,
		`object_type:contacts email_domain:example.com`,
	} {
		q, err := query.Parse(dsl, query.Options{Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatal(err)
		}
		want, err := r.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Search(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", dsl, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", dsl, got, want)
		}
		if want.Total == 0 {
			t.Errorf("%s matches nothing: the comparison proves little", dsl)
		}
	}

	want, _ := r.Get(ctx, query.KindConversation, "5003")
	got, err := c.Get(ctx, query.KindConversation, "5003")
	if err != nil || !reflect.DeepEqual(got.Raw, want.Raw) || !got.SyncedAt.Equal(want.SyncedAt) || got.UpdatedAt != want.UpdatedAt {
		t.Errorf("get: %+v, %v; want %+v", got, err, want)
	}
	wantTomb, _ := r.Get(ctx, query.KindConversation, "4999")
	tomb, err := c.Get(ctx, query.KindConversation, "4999")
	if err != nil || !tomb.Deleted || !reflect.DeepEqual(tomb.Raw, wantTomb.Raw) {
		t.Errorf("tombstone: %+v, %v; want %+v", tomb, err, wantTomb)
	}

	f, err := c.GetFresh(ctx, query.KindContact, contactID(1))
	if err != nil || f.Source != mcp.SourceReplica || f.Stale || f.Record.ID != contactID(1) {
		t.Errorf("get fresh: %+v, %v", f, err)
	}

	st, err := c.Status(ctx)
	local, _ := r.Status(ctx)
	if err != nil || st.Kinds[query.KindConversation].Records != nConversations || st.StoreSeq != local.StoreSeq ||
		!strings.Contains(string(st.Meta[mcp.MetaWorkspace]), "abc123") {
		t.Errorf("status: %+v, %v", st, err)
	}
	h, err := c.Hello(ctx)
	if err != nil || h.Protocol != peer.ProtocolVersion || h.PID != os.Getpid() || h.Version != "test" {
		t.Errorf("hello: %+v, %v", h, err)
	}
}

// TestClient_NamesIDsLikeTheOwner: a process forwarding to the owner shows the names the owner's replica knows,
// and a name filter resolves on the owner.
func TestClient_NamesIDsLikeTheOwner(t *testing.T) {
	t.Parallel()
	_, c := servedReplica(t, func() time.Time { return testNow })
	names := c.NameLookup(context.Background())
	if n, ok := names.Name(query.KindAdmin, "7001"); !ok || n != "Alex Rivera" {
		t.Errorf("Name(admin 7001) = %q, %v; want Alex Rivera", n, ok)
	}
	if n, ok := names.Name(query.KindAdmin, "4242"); ok {
		t.Errorf("Name(admin 4242) = %q; want no name for an id the owner does not know", n)
	}
	q, err := query.Parse(`object_type:conversations admin_assignee:"Alx Rivera"`, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Search(context.Background(), q); err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("a misspelt teammate through the owner: %v; want a did-you-mean", err)
	}
}

func TestClient_ErrorsKeepTheirMeaning(t *testing.T) {
	t.Parallel()
	_, c := servedReplica(t, func() time.Time { return testNow.Add(time.Hour) })
	ctx := context.Background()

	if _, err := c.Get(ctx, query.KindContact, "nope"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("get unknown: %v", err)
	}
	q, _ := query.Parse(`object_type:conversations starting_after:bm90LWEtY3Vyc29y`, query.Options{})
	if _, err := c.Search(ctx, q); !errors.Is(err, index.ErrInvalidCursor) {
		t.Errorf("search with a foreign cursor: %v", err)
	}
	// Stale (an hour old) and Intercom down: the owner's policy serves the stale copy with the reason.
	f, err := c.GetFresh(ctx, query.KindConversation, "5001")
	if err != nil || !f.Stale || !strings.Contains(f.Reason, "503") {
		t.Errorf("stale get: %+v, %v", f, err)
	}
	_, err = c.GetFresh(ctx, query.KindConversation, "4999")
	var pub *mcp.PublicError
	if !errors.Is(err, mcp.ErrNotFound) || !errors.As(err, &pub) || !strings.Contains(pub.Msg, "deleted") {
		t.Errorf("deleted record: %v", err)
	}
	// Unknown locally and Intercom down: a message for the model, not an internal error.
	if _, err := c.GetFresh(ctx, query.KindConversation, "123"); !errors.As(err, &pub) || !strings.Contains(pub.Msg, "not in the replica") {
		t.Errorf("unknown record, Intercom down: %v", err)
	}
}

func TestClient_ScanStreamsEveryRecord(t *testing.T) {
	t.Parallel()
	_, c := servedReplica(t, nil)
	var ids []string
	deleted := 0
	if err := c.Scan(context.Background(), query.KindConversation, func(rec index.Record) error {
		ids = append(ids, rec.ID)
		if rec.Deleted {
			deleted++
		} else if !json.Valid(rec.Raw) {
			t.Errorf("%s: invalid raw JSON", rec.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ids) != nConversations+1 || deleted != 1 {
		t.Errorf("scanned %d records, %d tombstones; want %d and 1", len(ids), deleted, nConversations+1)
	}
	stop := errors.New("enough")
	n := 0
	err := c.Scan(context.Background(), query.KindContact, func(index.Record) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("scan stopped by fn: %v after %d records", err, n)
	}
	if err := c.Scan(context.Background(), query.Kind("invoice"), func(index.Record) error { return nil }); err == nil {
		t.Error("scan of an unknown kind succeeded")
	}
	// The directory's kinds (teammates, tags, ticket types, ...) are exported beside a serve too.
	var admins []string
	if err := c.Scan(context.Background(), query.KindAdmin, func(rec index.Record) error {
		admins = append(admins, rec.ID)
		return nil
	}); err != nil || !slices.Equal(admins, []string{"7001"}) {
		t.Errorf("scan of teammates: %v, %v; want [7001]", admins, err)
	}
}

func TestServer_SocketIsPrivateAndReplacesAStaleOne(t *testing.T) {
	t.Parallel()
	r := openReplica(t, t.TempDir())
	closeReplica(t, r)
	path := socketPath(t)
	// A crashed owner leaves its socket file behind.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := peer.Dial(context.Background(), path); !errors.Is(err, peer.ErrOwnerGone) {
		t.Fatalf("dial a stale socket: %v, want ErrOwnerGone", err)
	}
	o := startOwner(t, path, r, nil)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Mode().Type() != os.ModeSocket {
		t.Errorf("socket mode %v, want a socket with 0600", fi.Mode())
	}
	dial(t, path)
	o.stop()
	o.wait(t)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left behind after a clean stop: %v", err)
	}
}

func TestClient_OwnerGone(t *testing.T) {
	t.Parallel()
	if _, err := peer.Dial(context.Background(), filepath.Join(t.TempDir(), "none.sock")); !errors.Is(err, peer.ErrOwnerGone) {
		t.Errorf("dial without an owner: %v", err)
	}
	long := "/tmp/" + strings.Repeat("x", 120) + "/owner.sock"
	if _, err := peer.Dial(context.Background(), long); !errors.Is(err, peer.ErrSocketPathTooLong) {
		t.Errorf("dial a long path: %v", err)
	}
	if err := peer.NewServer(long, nil, peer.ServerOptions{}).Listen(); !errors.Is(err, peer.ErrSocketPathTooLong) {
		t.Errorf("listen on a long path: %v", err)
	}

	r := openReplica(t, t.TempDir())
	closeReplica(t, r)
	path := socketPath(t)
	o := startOwner(t, path, r, nil)
	c := dial(t, path)
	o.stop()
	o.wait(t)
	if _, err := c.Status(context.Background()); !errors.Is(err, peer.ErrOwnerGone) {
		t.Errorf("status after the owner stopped: %v", err)
	}
	q, _ := query.Parse("object_type:contacts", query.Options{})
	if _, err := c.Search(context.Background(), q); !errors.Is(err, peer.ErrOwnerGone) {
		t.Errorf("search after the owner stopped: %v", err)
	}
}

// TestFrontEnd_ServesEveryToolByForwardingThenTakesOver is serve on a locked data directory: a front end serves
// every tool through its Access, forwarding to the owner; when the owner exits, the same tools carry on from the
// replica the front end then opens itself, and a new front end reaches it.
func TestFrontEnd_ServesEveryToolByForwardingThenTakesOver(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	now := func() time.Time { return testNow }
	opts := peer.AccessOptions{Own: func(_ context.Context, r *index.Replica) (peer.OwnerRole, error) {
		return peer.OwnerRole{Fresh: &mcp.Policy{Replica: r, Now: now}}, nil
	}}
	owner := mustOpenAccess(t, dir, opts)
	front := mustOpenAccess(t, dir, opts)
	defer front.Close()
	if self, _ := front.Owner(); self {
		t.Fatal("the front end owns the directory beside the owner")
	}
	tools := map[string]func(map[string]any) string{}
	for _, st := range mcp.Tools(mcp.Deps{Replica: front, Fresh: front}, mcp.ToolOptions{Now: now, StatusTTL: -1}) {
		st := st
		tools[st.Tool.Name] = func(args map[string]any) string {
			req := mcpgo.CallToolRequest{}
			req.Params.Name, req.Params.Arguments = st.Tool.Name, args
			res, err := st.Handler(context.Background(), req)
			if err != nil {
				t.Fatalf("%s: %v", st.Tool.Name, err)
			}
			text := res.Content[0].(mcpgo.TextContent).Text
			if res.IsError {
				t.Fatalf("%s %v: tool error: %s", st.Tool.Name, args, text)
			}
			return text
		}
	}
	calls := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"search", map[string]any{"query": "object_type:conversations q:refund"}, "**refund**"},
		{"fetch", map[string]any{"id": "conversation_5003"}, "number 3"},
		{"search_conversations", map[string]any{"state": "closed", "per_page": 2}, "15 conversations match"},
		{"get_conversation", map[string]any{"id": "5002"}, "from the replica, synced 1m ago"},
		{"search_contacts", map[string]any{"email": "person2@example.com"}, "contact_" + contactID(2)},
		{"get_contact", map[string]any{"id": contactID(0)}, "Recent conversations (6 of 6"},
	}
	for _, call := range calls {
		if got := tools[call.tool](call.args); !strings.Contains(got, call.want) {
			t.Errorf("forwarded %s: text lacks %q:\n%s", call.tool, call.want, got)
		}
	}

	// The owner exits: it stops serving, then closes the replica. The front end takes over at its next call.
	if err := owner.Close(); err != nil {
		t.Fatal(err)
	}
	for _, call := range calls {
		if got := tools[call.tool](call.args); !strings.Contains(got, call.want) {
			t.Errorf("after takeover %s: text lacks %q:\n%s", call.tool, call.want, got)
		}
	}
	if self, _ := front.Owner(); !self {
		t.Error("the front end answered without taking over")
	}
	if _, err := dial(t, peer.SocketPath(dir)).Hello(context.Background()); err != nil { // a new front end reaches the new owner
		t.Errorf("hello to the new owner: %v", err)
	}
}
