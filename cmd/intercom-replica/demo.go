package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/progress"
)

// --demo runs every command on the built-in demo workspace: the fake Intercom (package fakeintercom) serves a
// seeded workspace in-process on a loopback port, and the syncer copies it into the demo data directory the first
// time a command needs it. The fake is the same on every run, so a demo replica stays in step with it.

// demoDataDir is the data directory of --demo: <data dir>/demo, so that the demo workspace never mixes with a real
// one, unless --data-dir names a directory on the command line.
func demoDataDir(cfg *configs.Config) string {
	if dataDirFromFlag(cfg) {
		return cfg.DataDir
	}
	return filepath.Join(cfg.DataDir, "demo")
}

// dataDirFromFlag reports whether --data-dir named the data directory on the command line.
func dataDirFromFlag(cfg *configs.Config) bool {
	return cfg.Source("data_dir") == "flag --"+configs.FlagDataDir
}

// demoMarker is the file, in a data directory --demo made, that says so: the demo writes only where it is.
const demoMarker = "made-by-demo"

// claimDemoDir makes sure --demo works in a directory of its own: dir holds no replica yet (it is then marked as
// the demo's), or one the demo made. A replica of another workspace, or of the fake-intercom command (whose
// seeded workspace can share the demo's id), is refused when --data-dir named it (explicit); the default demo
// directory, <data dir>/demo, is the demo's by name and is marked if an older version made it.
func claimDemoDir(dir string, explicit bool) error {
	marker := filepath.Join(dir, demoMarker)
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	_, err := os.Stat(filepath.Join(dir, "replica.db"))
	switch {
	case err == nil && explicit:
		return usagef("--data-dir %s holds a replica that --demo did not make; the demo never mixes with another workspace: "+
			"leave out --data-dir (the demo then uses its own directory) or name a new one", dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(marker, []byte("This replica was made by intercom-replica --demo from its built-in demo workspace.\n"), 0o600)
}

// syncDemoIfEmpty is the owner role of a command run with --demo: a replica that does not hold the whole demo
// workspace yet gets it first.
func syncDemoIfEmpty(cfg *configs.Config, log *slog.Logger) func(context.Context, *index.Replica) (peer.OwnerRole, error) {
	return func(ctx context.Context, r *index.Replica) (peer.OwnerRole, error) {
		return peer.OwnerRole{}, syncDemo(ctx, cfg, r, log)
	}
}

// syncDemo copies the demo workspace into r from the embedded fake Intercom, unless r holds a complete copy of a
// workspace already.
func syncDemo(ctx context.Context, cfg *configs.Config, r *index.Replica, log *slog.Logger) error {
	if replicaComplete(r) {
		return nil
	}
	syncer, release, err := startOwnerSyncer(cfg, true, r, log, nil, progress.NewLog(log, 10*time.Second).Event)
	if err != nil {
		return err
	}
	defer release()
	return firstDemoSync(ctx, syncer.Syncer)
}

// replicaComplete reports whether the replica holds a complete copy of a workspace (its backfill has finished).
func replicaComplete(r replsync.MetaReader) bool {
	st, err := replsync.ReadStatus(r)
	return err == nil && st.Complete()
}

// firstDemoSync copies the demo workspace with s, so that it is whole before the first command reads it.
func firstDemoSync(ctx context.Context, s *replsync.Syncer) error {
	if _, err := s.Sync(ctx, replsync.ModeIncremental); err != nil {
		return fmt.Errorf("sync the demo workspace: %w", err)
	}
	return nil
}

// demoUpstream serves the demo workspace on a loopback port and returns the clients that reach it, with the
// function that stops both (the clients' connections first: the fake waits for them).
func demoUpstream(cfg *configs.Config, log *slog.Logger) (*upstream, func(), error) {
	d, err := startDemoIntercom(log)
	if err != nil {
		return nil, nil, err
	}
	u, err := newUpstream(cfg, d.baseURL, d.token, log)
	if err != nil {
		d.close()
		return nil, nil, err
	}
	return u, func() { u.close(); d.close() }, nil
}

// demoTokenFile holds the demo's local bearer token, in the demo data directory.
const demoTokenFile = "demo-token"

// demoToken returns the bearer token of the demo's HTTP transport. It is random, made once and kept in the demo
// data directory (mode 0600), so that a client configured with it keeps working across restarts.
func demoToken(dir string) (string, error) {
	path := filepath.Join(dir, demoTokenFile)
	for range 2 {
		if b, err := os.ReadFile(path); err == nil {
			if t := strings.TrimSpace(string(b)); len(t) >= 16 {
				return t, nil
			}
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("demo token: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // another process made it first (or left it empty): read it
		}
		if err != nil {
			return "", fmt.Errorf("demo token: %w", err)
		}
		t := rand.Text()
		_, werr := io.WriteString(f, t+"\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return "", fmt.Errorf("demo token: %w", werr)
		}
		return t, nil
	}
	return "", fmt.Errorf("demo token: %s is not a token; delete it to make a new one", path)
}

// demoSummary describes the demo replica in one line.
func demoSummary(ctx context.Context, r interface {
	Status(context.Context) (index.Status, error)
}, dir string) string {
	st, err := r.Status(ctx)
	if err != nil {
		return fmt.Sprintf("Demo workspace in %s.", dir)
	}
	name := "the demo workspace"
	if ss, err := syncStatusOf(st); err == nil && ss.Workspace != nil {
		name = fmt.Sprintf("demo workspace %q", ss.Workspace.Name)
	}
	return fmt.Sprintf("Serving the %s (%d conversations, %d contacts) from %s.", name,
		st.Kinds[query.KindConversation].Records, st.Kinds[query.KindContact].Records, dir)
}

// demoHTTPBanner tells a person how to connect an MCP client to the demo over HTTP.
type demoHTTPBanner struct {
	summary, baseURL string
	token            string // the demo's own bearer token, printed; empty with ownTokens or without authentication
	ownTokens        bool   // the operator configured the tokens (serve.tokens, --tokens-file): never printed
	intercomToken    string // the demo Intercom's access token, when serve.accept_intercom_tokens is on
	signInAs         string // who the demo's sign-in with Intercom (OAuth) signs in as; empty when OAuth is off
}

func (b demoHTTPBanner) print(w io.Writer) {
	endpoint := b.baseURL + "/mcp"
	var auth, claude, remote, config string
	switch {
	case b.ownTokens:
		header := `"Authorization: Bearer <token>"`
		auth = "Bearer token:  one of your serve.tokens (not printed); put it where <token> stands below\n"
		claude = "claude mcp add --transport http --header " + header + " -- intercom-demo " + endpoint
		remote = "npx -y mcp-remote " + endpoint + " --header " + header
		config = `{"mcpServers":{"intercom-demo":{"command":"npx","args":["-y","mcp-remote","` + endpoint +
			`","--header","Authorization:${AUTH_HEADER}"],"env":{"AUTH_HEADER":"Bearer <token>"}}}}`
	case b.token == "":
		auth = "Authentication: none (--no-auth): any program on this machine can read the demo workspace\n"
		claude = "claude mcp add --transport http intercom-demo " + endpoint
		remote = "npx -y mcp-remote " + endpoint
		config = `{"mcpServers":{"intercom-demo":{"command":"npx","args":["-y","mcp-remote","` + endpoint + `"]}}}`
	default:
		header := `"Authorization: Bearer ` + b.token + `"`
		auth = "Bearer token:  " + b.token + "\n"
		claude = "claude mcp add --transport http --header " + header + " -- intercom-demo " + endpoint
		remote = "npx -y mcp-remote " + endpoint + " --header " + header
		config = `{"mcpServers":{"intercom-demo":{"command":"npx","args":["-y","mcp-remote","` + endpoint +
			`","--header","Authorization:${AUTH_HEADER}"],"env":{"AUTH_HEADER":"Bearer ` + b.token + `"}}}}`
	}
	if b.intercomToken != "" {
		auth += "Intercom token: " + b.intercomToken + "  (the demo Intercom's access token, accepted too: serve.accept_intercom_tokens is on)\n"
	}
	if b.signInAs != "" {
		auth += "Sign-in:       clients that speak OAuth need only the URL (the demo's Intercom signs them in at once as " +
			b.signInAs + ")\n"
	}
	fmt.Fprintf(w, `%s

MCP endpoint:  %s  (Streamable HTTP; legacy SSE at %s/sse)
%s
Connect a client:
  Claude Code:  %s
  mcp-remote:   %s
  JSON config:  %s

Serving until interrupted (Ctrl-C).
`, b.summary, endpoint, b.baseURL, auth, claude, remote, config)
}

// printDemoStdio tells a person how an MCP client starts the demo over stdio, why it serves stdio (why), and how to
// serve HTTP instead: started from a script, nohup or CI, it would otherwise serve stdio and stop at the end of its
// input without a word.
func printDemoStdio(w io.Writer, summary, why, command string, args []string) {
	args = append([]string{"serve", "--demo"}, args...)
	jsonArgs, _ := json.Marshal(args) // strings only: cannot fail
	jsonCommand, _ := json.Marshal(command)
	fmt.Fprintf(w, `%s
Serving MCP over stdio (%s): JSON-RPC on stdin and stdout; it stops at the end of its input.
To serve over HTTP instead (from a script, nohup or CI), add --transport http.
To add it to an MCP client (see configs/clients/):
  Claude Code:  claude mcp add intercom-demo -- %s %s
  JSON config:  {"mcpServers":{"intercom-demo":{"command":%s,"args":%s}}}
`, summary, why, command, strings.Join(args, " "), jsonCommand, jsonArgs)
}

// selfCommand is how a client configuration should name this program: its absolute path, or plain
// "intercom-replica" when it runs from `go run`'s temporary build directory (install it with go install).
func selfCommand() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "intercom-replica"
	}
	return exe
}
