package mcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
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
	loadClient   = flag.String("load.client", "raw", "the load test's clients: raw (JSON-RPC over net/http, every answer checked) or sdk (the go-sdk client)")
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
	calls := make([]func(string, map[string]any) error, *loadClients)
	for c := range calls {
		calls[c] = loadCaller(t, hs, *loadClient)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *loadDuration)
	defer cancel()
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), processCPU()
	for c, call := range calls {
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
				err := call(tool, args)
				d := time.Since(t0)
				if err != nil {
					localErrs = append(localErrs, fmt.Errorf("%s %v: %w", tool, args, err))
				} else {
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
	cpu := processCPU() - cpu0
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
	t.Logf("%d conversations, %d %s clients, %s, %d errors; process CPU %s, %.0f µs per call (server and clients)", len(ids),
		*loadClients, *loadClient, elapsed.Round(time.Millisecond), len(errs), cpu.Round(time.Millisecond),
		float64(cpu.Microseconds())/float64(max(1, len(samples))))
	report("search")
	report("fetch")
	report("")
}

// loadCaller connects one load-test client of the kind given (raw or sdk, see -load.client) and returns its call:
// nil when the tool answered a result that looks right for the call (not an error; a search's page adds up, a
// fetch returns the conversation asked for).
func loadCaller(t *testing.T, hs *httpServer, kind string) func(tool string, args map[string]any) error {
	t.Helper()
	switch kind {
	case "sdk":
		s := connectStreamable(t, hs, testToken)
		return func(tool string, args map[string]any) error {
			// Checked as the load test always did, so that runs with these clients compare with older ones.
			res, err := s.CallTool(context.Background(), &sdk.CallToolParams{Name: tool, Arguments: args})
			switch {
			case err != nil:
				return err
			case res.IsError:
				return fmt.Errorf("tool error %s", textOf(res))
			}
			return nil
		}
	case "raw":
		// One connection per client, as each go-sdk client has.
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		t.Cleanup(client.CloseIdleConnections)
		s, err := newRawSession(t.Context(), client, hs.url, "", testToken)
		if err != nil {
			t.Fatal(err)
		}
		return func(tool string, args map[string]any) error {
			params, err := json.Marshal(map[string]any{"name": tool, "arguments": args})
			if err != nil {
				return err
			}
			b, err := s.call(context.Background(), "tools/call", string(params))
			if err != nil {
				return err
			}
			return checkLoadAnswer(tool, args, b)
		}
	}
	t.Fatalf("-load.client %q: want raw or sdk", kind)
	return nil
}

// checkLoadAnswer checks a load-test call's JSON-RPC answer: a result that is not a tool error, with text, and
// structured content that fits the call: a search's page holds as many hits as it says, each with an id, title
// and text, and no more than the total; a fetch returns the conversation asked for, with its text.
func checkLoadAnswer(tool string, args map[string]any, answer []byte) error {
	// One pass over the answer, decoding only what is checked: the fields of mcp.SearchResult and mcp.FetchResult
	// below (a fetch's conversation parts are skipped).
	var msg struct {
		Result *struct {
			IsError bool `json:"isError"`
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
			Structured struct {
				Results     []mcp.SearchHit `json:"results"`
				TotalCount  int             `json:"total_count"`
				TotalInPage int             `json:"total_in_page"`
				Query       string          `json:"query"`
				ID          string          `json:"id"`
				Text        string          `json:"text"`
				Metadata    struct {
					ObjectType string `json:"object_type"`
				} `json:"metadata"`
			} `json:"structuredContent"`
		} `json:"result"`
	}
	if err := json.Unmarshal(answer, &msg); err != nil {
		return fmt.Errorf("answer is not JSON-RPC (%w): %.400s", err, answer)
	}
	r := msg.Result
	switch {
	case r == nil:
		return fmt.Errorf("no result: %.400s", answer)
	case r.IsError:
		return fmt.Errorf("tool error: %.400s", answer)
	case len(r.Content) != 1 || r.Content[0].Type != "text" || r.Content[0].Text == "":
		return fmt.Errorf("want one text content: %.400s", answer)
	}
	sc := r.Structured
	switch tool {
	case "search":
		if sc.TotalInPage != len(sc.Results) || sc.TotalCount < sc.TotalInPage || sc.Query == "" {
			return fmt.Errorf("page of %d hits says total_in_page %d, total_count %d, query %q", len(sc.Results), sc.TotalInPage, sc.TotalCount, sc.Query)
		}
		for _, h := range sc.Results {
			if h.ID == "" || h.Title == "" || h.Text == "" {
				return fmt.Errorf("hit without id, title or text: %+v", h)
			}
		}
	case "fetch":
		if sc.ID != args["id"] || sc.Metadata.ObjectType != "conversation" || sc.Text == "" {
			return fmt.Errorf("fetch %v returned %q, a %q, with %d bytes of text", args["id"], sc.ID, sc.Metadata.ObjectType, len(sc.Text))
		}
	}
	return nil
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

// TestLoadClients_CheckAnswers runs the load test's clients (both kinds) against the demo world, so that a client
// or an answer check that broke shows here rather than as errors in an opt-in run, and checks that the checks
// refuse answers that are wrong.
func TestLoadClients_CheckAnswers(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	hs := startHTTP(t, w, mcp.HTTPOptions{})
	for _, kind := range []string{"raw", "sdk"} {
		call := loadCaller(t, hs, kind)
		for _, c := range []struct {
			tool string
			args map[string]any
		}{
			{"search", map[string]any{"query": "object_type:conversations state:closed"}},
			{"search", map[string]any{"query": `object_type:conversations q:refund`}},
			{"fetch", map[string]any{"id": "conversation_1001"}},
		} {
			if err := call(c.tool, c.args); err != nil {
				t.Errorf("%s client: %s %v: %v", kind, c.tool, c.args, err)
			}
		}
	}

	fetch := map[string]any{"id": "conversation_1001"}
	for _, c := range []struct {
		name, tool, answer string
		args               map[string]any
	}{
		{"not JSON-RPC", "fetch", `<html>`, fetch},
		{"an error", "fetch", `{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"no"}}`, fetch},
		{"a tool error", "fetch", `{"result":{"isError":true,"content":[{"type":"text","text":"not in the replica"}]}}`, fetch},
		{"no text", "fetch", `{"result":{"content":[],"structuredContent":{"id":"conversation_1001","text":"x","metadata":{"object_type":"conversation"}}}}`, fetch},
		{"another conversation", "fetch", `{"result":{"content":[{"type":"text","text":"x"}],"structuredContent":{"id":"conversation_1002","text":"x","metadata":{"object_type":"conversation"}}}}`, fetch},
		{"a contact", "fetch", `{"result":{"content":[{"type":"text","text":"x"}],"structuredContent":{"id":"conversation_1001","text":"x","metadata":{"object_type":"contact"}}}}`, fetch},
		{"a page that does not add up", "search", `{"result":{"content":[{"type":"text","text":"x"}],"structuredContent":{"results":[],"total_count":3,"total_in_page":1,"query":"state:open"}}}`, nil},
		{"more in the page than in all", "search", `{"result":{"content":[{"type":"text","text":"x"}],"structuredContent":{"results":[{"id":"conversation_1","title":"t","text":"x"}],"total_count":0,"total_in_page":1,"query":"state:open"}}}`, nil},
		{"a hit without text", "search", `{"result":{"content":[{"type":"text","text":"x"}],"structuredContent":{"results":[{"id":"conversation_1","title":"t"}],"total_count":1,"total_in_page":1,"query":"state:open"}}}`, nil},
	} {
		if err := checkLoadAnswer(c.tool, c.args, []byte(c.answer)); err == nil {
			t.Errorf("%s: checkLoadAnswer took it", c.name)
		}
	}
	good := `{"result":{"content":[{"type":"text","text":"x"}],"structuredContent":{"id":"conversation_1001","text":"x","metadata":{"object_type":"conversation"}}}}`
	if err := checkLoadAnswer("fetch", fetch, []byte(good)); err != nil {
		t.Errorf("a right fetch: %v", err)
	}
}
