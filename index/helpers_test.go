package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index/internal/synth"
	"github.com/intercom-replica/intercom-replica/query"
)

// mustOpen opens a replica in dir (a fresh temporary directory when dir is "") and registers a cleanup that checks
// store ⇄ index consistency, then closes it: every test that writes leaves a replica Check must accept.
func mustOpen(t testing.TB, dir string) *Replica {
	t.Helper()
	return mustOpenWith(t, dir, Options{})
}

// mustOpenWith is mustOpen with options.
func mustOpenWith(t testing.TB, dir string, opts Options) *Replica {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	r, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() {
		if !r.closed.Load() {
			if err := r.Check(context.Background()); err != nil {
				t.Errorf("post-test consistency check: %v", err)
			}
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// fixture returns the hand-written workspace of testdata/workspace: the conversations, contacts, companies,
// articles and tickets whose field values the operator tests reason about.
func fixture(t testing.TB) []Record {
	t.Helper()
	var out []Record
	for _, f := range []struct {
		file string
		kind query.Kind
	}{{"conversations.json", query.KindConversation}, {"contacts.json", query.KindContact},
		{"companies.json", query.KindCompany}, {"articles.json", query.KindArticle}, {"tickets.json", query.KindTicket}} {
		for _, raw := range workspaceFile(t, f.file) {
			var head struct {
				ID        string `json:"id"`
				UpdatedAt int64  `json:"updated_at"`
			}
			if err := json.Unmarshal(raw, &head); err != nil {
				t.Fatal(err)
			}
			out = append(out, Record{Kind: f.kind, ID: head.ID, UpdatedAt: head.UpdatedAt, Raw: raw,
				SyncedAt: time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)})
		}
	}
	return out
}

// namesFixture is the directory of testdata/workspace (teammates, teams, tags, segments), named as the fixture's
// records refer to them.
func namesFixture(t testing.TB) []Record {
	t.Helper()
	var out []Record
	for _, f := range []struct {
		file string
		kind query.Kind
	}{{"admins.json", query.KindAdmin}, {"teams.json", query.KindTeam}, {"tags.json", query.KindTag},
		{"segments.json", query.KindSegment}, {"collections.json", query.KindCollection},
		{"help_centers.json", query.KindHelpCenter}, {"ticket_types.json", query.KindTicketType}} {
		for _, raw := range workspaceFile(t, f.file) {
			n, _, err := namedOf(f.kind, raw)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, Record{Kind: f.kind, ID: n.ID, Raw: raw})
		}
	}
	return out
}

// workspaceFile reads testdata/workspace/file, a JSON array of records as Intercom returns them.
func workspaceFile(t testing.TB, file string) []json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "workspace", file))
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return raws
}

func mustApply(t testing.TB, r *Replica, b Batch) ApplyResult {
	t.Helper()
	res, err := r.Apply(context.Background(), b)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

func mustParse(t testing.TB, dsl string) query.Query {
	t.Helper()
	q, err := query.Parse(dsl, query.Options{Now: func() time.Time { return time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatalf("parse %q: %v", dsl, err)
	}
	return q
}

func mustSearch(t testing.TB, r *Replica, q query.Query) Result {
	t.Helper()
	res, err := r.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %q: %v", q.String(), err)
	}
	return res
}

func hitIDs(res Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

// synthConversations returns conversations from..to-1 of the synthetic generator as records.
func synthConversations(g *synth.Generator, from, to int) []Record {
	out := make([]Record, 0, to-from)
	for i := from; i < to; i++ {
		rec := g.Conversation(i, nil)
		out = append(out, Record{Kind: query.KindConversation, ID: rec.ID, UpdatedAt: rec.UpdatedAt, Raw: rec.JSON})
	}
	return out
}

func synthContacts(g *synth.Generator, from, to int) []Record {
	out := make([]Record, 0, to-from)
	for i := from; i < to; i++ {
		rec := g.Contact(i, nil)
		out = append(out, Record{Kind: query.KindContact, ID: rec.ID, UpdatedAt: rec.UpdatedAt, Raw: rec.JSON})
	}
	return out
}

// newTestGenerator returns the synthetic generator the tests share a seed with.
func newTestGenerator() *synth.Generator { return synth.New(7) }

// tinyConversations returns small conversations from..to-1: a few fields, a short body, and updated_at drawn from a
// narrow range so that many share a second (which exercises the id tie-break of the result order). Cheap to index,
// for tests that need many records rather than realistic ones.
func tinyConversations(from, to int) []Record {
	out := make([]Record, 0, to-from)
	words := []string{"refund", "invoice", "login", "shipping", "refund refund", "password", "billing"}
	for i := from; i < to; i++ {
		r := rand.New(rand.NewPCG(uint64(i), 11))
		id := strconv.Itoa(3000000 + i)
		updated := 1_700_000_000 + int64(r.IntN(300))
		raw := fmt.Sprintf(`{"type":"conversation","id":%q,"created_at":%d,"updated_at":%d,"state":%q,`+
			`"source":{"type":"email","body":"<p>hello %s number %d</p>"}}`,
			id, updated-1000, updated, []string{"open", "closed"}[r.IntN(2)], words[r.IntN(len(words))], i)
		out = append(out, Record{Kind: query.KindConversation, ID: id, UpdatedAt: updated, Raw: []byte(raw)})
	}
	return out
}

// textSplits are the ways the text engine may run a search: one goroutine over whole segments, and three
// goroutines over ranges of every segment's candidates, however few.
var textSplits = []struct{ workers, unitMin int }{{1, defaultUnitMin}, {3, 1}}
