package mcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
	isync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// The load test is opt-in (it builds a 100k-conversation replica, a few minutes the first time):
//
//	go test ./mcp -run TestLoad -load -v                       # builds the replica in a temp dir
//	go test ./mcp -run TestLoad -load -load.dir /tmp/load100k  # keeps it there and reuses it next time
var (
	loadRun      = flag.Bool("load", false, "run the HTTP load test (32 clients × search and fetch on a 100k-conversation replica)")
	loadDir      = flag.String("load.dir", "", "data directory of the load test's replica, built once and reused (default: a temp dir)")
	loadDuration = flag.Duration("load.duration", 30*time.Second, "how long the load test calls")
	loadClients  = flag.Int("load.clients", 32, "concurrent HTTP clients")
	loadConvs    = flag.Int("load.conversations", 100_000, "live conversations in the load test's replica")
)

func TestLoad_HTTPSearchAndFetch(t *testing.T) {
	t.Parallel()
	if !*loadRun {
		t.Skip("opt-in: run with -load (see the comment above)")
	}
	dir := *loadDir
	if dir == "" {
		dir = t.TempDir()
	}
	r, ids := loadReplica(t, dir, *loadConvs)
	w := &world{replica: r, clock: fakeintercom.NewClock(time.Now()), log: newQuietLogger(), dir: dir, production: true}
	w.live = &fakeIntercom{t: t, replica: r, clock: w.clock, records: map[string]json.RawMessage{}}
	to := mcp.ToolOptions{Logger: w.log} // production defaults: real clock, status shared for a second
	hs := startHTTPWith(t, w, to, mcp.HTTPOptions{})

	queries := []string{
		`object_type:conversations state:open`,
		`object_type:conversations q:"double charged"`,
		`object_type:conversations q:refund state:closed`,
		`object_type:conversations source_type:email priority:high`,
		`object_type:conversations tag:billing updated_at:gt:2025-06-01`,
		`object_type:contacts role:lead`,
		`object_type:conversations q:password limit:50`,
	}
	type sample struct {
		tool string
		d    time.Duration
	}
	var (
		mu      sync.Mutex
		samples []sample
		errs    []error
	)
	ctx, cancel := context.WithTimeout(context.Background(), *loadDuration)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < *loadClients; c++ {
		s := connectStreamable(t, hs, testToken)
		rng := rand.New(rand.NewPCG(uint64(c), 7))
		wg.Go(func() {
			var local []sample
			var localErrs []error
			for i := 0; ctx.Err() == nil; i++ {
				tool, args := "search", map[string]any{"query": queries[rng.IntN(len(queries))]}
				if i%2 == 1 {
					tool, args = "fetch", map[string]any{"id": "conversation_" + ids[rng.IntN(len(ids))]}
				}
				t0 := time.Now()
				res, err := s.CallTool(context.Background(), &sdk.CallToolParams{Name: tool, Arguments: args})
				d := time.Since(t0)
				switch {
				case err != nil:
					localErrs = append(localErrs, fmt.Errorf("%s %v: %w", tool, args, err))
				case res.IsError:
					localErrs = append(localErrs, fmt.Errorf("%s %v: tool error %s", tool, args, textOf(res)))
				default:
					local = append(local, sample{tool, d})
				}
			}
			mu.Lock()
			samples = append(samples, local...)
			errs = append(errs, localErrs...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(errs) > 0 {
		t.Errorf("%d errors; first: %v", len(errs), errors.Join(errs[:min(3, len(errs))]...))
	}
	report := func(tool string) {
		var ds []time.Duration
		for _, s := range samples {
			if tool == "" || s.tool == tool {
				ds = append(ds, s.d)
			}
		}
		slices.Sort(ds)
		if len(ds) == 0 {
			t.Errorf("no %s calls", tool)
			return
		}
		name := tool
		if name == "" {
			name = "all"
		}
		t.Logf("%-7s calls %7d  %7.0f/s  p50 %6.2f ms  p99 %6.2f ms  max %6.1f ms", name, len(ds),
			float64(len(ds))/elapsed.Seconds(), ms(ds[len(ds)/2]), ms(ds[len(ds)*99/100]), ms(ds[len(ds)-1]))
	}
	t.Logf("%d conversations, %d clients, %s, %d errors", len(ids), *loadClients, elapsed.Round(time.Millisecond), len(errs))
	report("search")
	report("fetch")
	report("")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadReplica opens the replica in dir, filling it from the fake Intercom's synthetic workspace when it holds
// fewer than n conversations, and returns it with its conversation ids.
func loadReplica(t *testing.T, dir string, n int) (*index.Replica, []string) {
	t.Helper()
	ctx := context.Background()
	r, err := index.Open(ctx, dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	// About 2% of the workspace's generated conversations are already deleted: ask for enough that n remain.
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 42, Conversations: n * 103 / 100, Contacts: n / 5, Now: func() time.Time { return time.Unix(fakeintercom.EpochUnix, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := ws.ConversationIDs()
	if st.Kinds[query.KindConversation].Records >= len(ids) {
		return r, ids
	}
	t0 := time.Now()
	apply := func(batch []index.Record) {
		if _, err := r.Apply(ctx, index.Batch{Records: batch}); err != nil {
			t.Fatal(err)
		}
	}
	var batch []index.Record
	for id, raw := range ws.Contacts() {
		batch = append(batch, index.Record{Kind: query.KindContact, ID: id, Raw: raw})
		if len(batch) == 1000 {
			apply(batch)
			batch = nil
		}
	}
	done := 0
	for id, raw := range ws.Conversations() {
		batch = append(batch, index.Record{Kind: query.KindConversation, ID: id, Raw: raw})
		if len(batch) == 1000 {
			apply(batch)
			batch = nil
			done += 1000
			if done%10000 == 0 {
				fmt.Fprintf(os.Stderr, "load: %d/%d conversations indexed (%s)\n", done, len(ids), time.Since(t0).Round(time.Second))
			}
		}
	}
	meta := syncMeta(ws.App().IDCode, time.Now(), map[query.Kind]isync.Backfill{
		query.KindConversation: {Done: len(ids), Total: len(ids), Complete: true},
		query.KindContact:      {Complete: true},
	})
	if _, err := r.Apply(ctx, index.Batch{Records: batch, Meta: meta}); err != nil {
		t.Fatal(err)
	}
	t.Logf("built the replica in %s", time.Since(t0).Round(time.Second))
	return r, ids
}
