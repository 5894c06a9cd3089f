package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// TestServe_FailingSyncShowsEverywhereUntilAPassCompletes: a serve whose Intercom drops every connection keeps
// serving; status (text and JSON), /readyz and a tool's freshness line say the replica could not sync, since when
// and why. Once Intercom answers, the next scheduled pass completes and they all stop saying so.
func TestServe_FailingSyncShowsEverywhereUntilAPassCompletes(t *testing.T) {
	t.Parallel()
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 4, Conversations: 12, Contacts: 6})
	if err != nil {
		t.Fatal(err)
	}
	fake := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Faults: fakeintercom.Faults{RateLimit: -1}})
	var down atomic.Bool
	down.Store(true)
	intercomSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() { // the connection drops before any answer
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer intercomSrv.Close()

	home := t.TempDir()
	tokenFile, config, dir := filepath.Join(home, "token"), filepath.Join(home, "config.yaml"), filepath.Join(home, "replica")
	if err := os.WriteFile(tokenFile, []byte(fake.Token()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := "intercom:\n  base_url: " + intercomSrv.URL + "\n  access_token_file: " + tokenFile + "\nsync:\n  incremental_schedule: \"@every 10s\"\n"
	if err := os.WriteFile(config, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, &Main{}, "--transport", "http", "--listen", "127.0.0.1:0", "--no-auth", "--config", config, "--data-dir", dir)
	base := s.url(t)
	session, err := sdk.NewClient(&sdk.Implementation{Name: "syncfail", Version: "1"}, nil).
		Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: base + "/mcp", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	search := func() string {
		t.Helper()
		res, err := session.CallTool(t.Context(), &sdk.CallToolParams{Name: "search", Arguments: map[string]any{"query": "object_type:conversations"}})
		if err != nil {
			t.Fatal(err)
		}
		return toolText(res)
	}
	type readyz struct {
		Status  string `json:"status"`
		Failing *struct {
			Since time.Time `json:"since"`
			Error string    `json:"error"`
		} `json:"sync_failing"`
	}
	ready := func() (int, readyz) {
		t.Helper()
		code, body := get(t, base+"/readyz")
		var r readyz
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatalf("/readyz: %v: %s", err, body)
		}
		return code, r
	}
	status := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCmd(t, nil, append([]string{"status", "--config", config, "--data-dir", dir}, args...)...)
		if code != exitOK {
			t.Fatalf("status %v: exit %d\n%s", args, code, errOut)
		}
		return out
	}

	why := "cannot reach " + intercomSrv.URL + ": the server closed the connection without answering"
	testwait.For(t, "/readyz to report the failing sync", 60*time.Second, func() bool {
		_, r := ready()
		return r.Failing != nil
	})
	code, r := ready()
	if code != http.StatusOK || r.Status != "ready" || !strings.HasPrefix(r.Failing.Error, why) || r.Failing.Since.IsZero() {
		t.Errorf("/readyz while Intercom is down: %d %+v, want 200, ready, failing with %q", code, r, why)
	}
	since := r.Failing.Since.UTC().Format("2006-01-02 15:04 UTC")
	if text, want := search(), "the replica could not sync since "+since+" ("+why; !strings.Contains(text, want) {
		t.Errorf("search's text lacks %q:\n%s", want, text)
	}
	if text, want := status(), "Sync:        FAILING since "+since; !strings.Contains(text, want) || !strings.Contains(text, why) {
		t.Errorf("status lacks %q and the reason:\n%s", want, text)
	}
	var doc struct {
		Failing *statusFailing `json:"sync_failing"`
	}
	if err := json.Unmarshal([]byte(status("--json")), &doc); err != nil || doc.Failing == nil || !strings.HasPrefix(doc.Failing.Error, why) {
		t.Errorf("status --json: %+v (%v), want sync_failing with %q", doc.Failing, err, why)
	}
	if n := strings.Count(s.stderr.String(), "level=WARN msg=\"sync could not start"); n == 0 {
		t.Errorf("no warning for the failed pass:\n%s", s.stderr)
	}
	// A sync asked of the serve runs its pass there and fails with the same cause, named once
	// ("intercom-replica sync: cannot reach …", not "sync: sync: …").
	if code, out, errOut := runCmd(t, nil, "sync", "--config", config, "--data-dir", dir); code != exitRuntime ||
		!strings.Contains(errOut, "intercom-replica sync: "+why) {
		t.Errorf("sync beside the failing serve: exit %d, want %d with %q\n%s%s", code, exitRuntime, why, out, errOut)
	}

	down.Store(false)
	testwait.For(t, "/readyz to stop reporting a failure", 60*time.Second, func() bool {
		_, r := ready()
		return r.Failing == nil
	})
	testwait.For(t, "the tools to see the completed sync", 10*time.Second, func() bool {
		return !strings.Contains(search(), "could not sync")
	})
	if text := status(); strings.Contains(text, "FAILING") {
		t.Errorf("status after a completed pass still says FAILING:\n%s", text)
	}
	if strings.Contains(status("--json"), "sync_failing") {
		t.Errorf("status --json after a completed pass still has sync_failing")
	}
}
