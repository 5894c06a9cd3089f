package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
	"github.com/intercom-replica/intercom-replica/sync/progress"
)

const syncExamples = `  intercom-replica sync                       # copy everything (resumable), then what changed since the last sync
  intercom-replica sync --full                # also re-walk every list: finds deletions and merges at once
  intercom-replica sync --demo                # sync the built-in demo workspace (no Intercom account needed)
  INTERCOM_ACCESS_TOKEN=... intercom-replica sync --region eu --data-dir ./replica

Beside a running serve, the serve's syncer runs the pass (with the serve's configuration) and this command prints
its report. While a sync runs, the other commands and serve go through it.
`

// Demo workspace: small enough to sync in seconds, big enough to search.
const (
	demoSeed          = 1
	demoConversations = 300
	demoContacts      = 150
)

// syncPatience is how long sync waits for a process that holds the replica without syncing (a serve with
// sync.enabled false, or a command reading the replica) to let it go.
const syncPatience = 10 * time.Second

// syncPlan is what one run of sync does, decided before anything starts (planSync); runSync carries it out.
type syncPlan struct {
	// mode is the pass asked for: incremental, or full with --full.
	mode peer.SyncMode
	// noToken is why this process cannot run the pass itself (no Intercom token: a usage error), or nil when it
	// can (a token, or --demo). Without a token, only the process that owns the replica (a serve, or another sync)
	// can run the pass, with its own configuration.
	noToken error
}

// planSync decides what sync does from its configuration, --demo and --full.
func planSync(cfg *configs.Config, demo, full bool) syncPlan {
	p := syncPlan{mode: peer.SyncIncremental}
	if full {
		p.mode = peer.SyncFull
	}
	if !demo {
		if err := cfg.RequireIntercomToken(); err != nil {
			p.noToken = usageError{err}
		}
	}
	return p
}

// newSyncFlags returns sync's flag set on m, with its replica flags and --full.
func newSyncFlags(m *Main) (*flag.FlagSet, *replicaFlags, *bool) {
	fs := m.newFlagSet("sync", "sync [--full] [--demo] [flags]", syncExamples)
	rf := addReplicaFlags(fs, configs.IntercomFlags()...)
	full := fs.Bool("full", false, "re-walk every list from the start, refetching what is not current and marking what Intercom "+
		"no longer has (the daily reconcile, now)")
	return fs, rf, full
}

func runSync(ctx context.Context, m *Main, args []string) error {
	fs, rf, full := newSyncFlags(m)
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	// On a terminal, progress bars; log lines print above them. Otherwise, log lines only.
	var bars *progress.Bars
	logOut := m.Stderr
	if f, ok := m.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bars = progress.NewBars(f)
		logOut = bars
	}
	cfg, dir, log, err := rf.loadTo(m, logOut)
	if err != nil {
		return err
	}
	p := planSync(cfg, *rf.demo, *full)
	if p.noToken != nil && !ownerAnswers(ctx, dir) {
		return p.noToken
	}
	report := progress.NewLog(log, 10*time.Second).Event
	if bars != nil {
		report = bars.Event
	}

	// The pass runs in the process that owns the replica: this one, which then serves the replica to the others
	// (search, get, status, export and serve forward to it meanwhile), or a serve that has it open, whose
	// syncer runs it.
	own := func(ctx context.Context, r *index.Replica) (peer.OwnerRole, error) {
		if p.noToken != nil {
			return peer.OwnerRole{}, p.noToken
		}
		role, _, err := syncingRole(cfg, *rf.demo, r, log, nil, nil, nil)
		return role, err
	}
	acc, err := peer.OpenAccess(ctx, dir, peer.AccessOptions{Logger: log, Version: versionString(), Own: own, IndexProgress: indexProgressLog(log), SyncPatience: syncPatience})
	if err != nil {
		if bars != nil {
			bars.Close()
		}
		if errors.As(err, new(usageError)) {
			return err // the owner went away, and this process has no token to sync with
		}
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted while waiting for the replica in %s: %w", dir, ctx.Err())
		}
		return fmt.Errorf("open the replica in %s: %w", dir, err)
	}
	defer acc.Close()
	if self, pid := acc.Owner(); !self {
		log.Info("the replica is open in another process: it runs the pass", "pid", pid, "dir", dir)
	}
	raw, err := acc.Sync(ctx, p.mode, func(p peer.Progress) { report(fromPeerProgress(p)) })
	if bars != nil {
		bars.Close()
	}
	var reports []replsync.PassReport
	if len(raw) > 0 {
		if jerr := json.Unmarshal(raw, &reports); jerr != nil && err == nil {
			err = fmt.Errorf("the pass reports: %w", jerr)
		}
	}
	printSyncReports(m.Stdout, reports)
	switch {
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("interrupted; the next sync resumes after the last page written: %w", err)
	case errors.Is(err, peer.ErrUnavailable):
		_, pid := acc.Owner()
		return briefError{err: err, msg: fmt.Sprintf("no pass ran: pid %d holds the replica in %s and does not sync (a serve "+
			"with sync.enabled false, or a command reading the replica), and still held it after %s: stop that process "+
			"and run intercom-replica sync again, or set sync.enabled: true in that serve's configuration and restart it",
			pid, dir, syncPatience)}
	case err != nil:
		return briefSyncError(err)
	}
	st, err := acc.Status(ctx)
	if err != nil {
		return err
	}
	ss, err := syncStatusOf(st)
	if err != nil {
		return err
	}
	ws := "an Intercom workspace"
	if ss.Workspace != nil {
		ws = fmt.Sprintf("workspace %q (%s)", ss.Workspace.Name, ss.Workspace.ID)
	}
	fmt.Fprintf(m.Stdout, "Replica of %s in %s: %s, %s.\n", ws, dir,
		replsync.Count(int64(ss.Kinds[query.KindConversation].Live), "conversation"), replsync.Count(int64(ss.Kinds[query.KindContact].Live), "contact"))
	return nil
}

// briefSyncError is err as the one line a user needs when Intercom could not be reached: the URL and why, without
// the layers of what was being done ("cannot reach http://127.0.0.1:1: connection refused (gave up after 5 attempts
// in 7.1s)"). Other errors are returned as they are.
func briefSyncError(err error) error {
	var ue *intercom.UnreachableError
	if errors.As(err, &ue) {
		return briefError{msg: ue.Error(), err: err}
	}
	return err
}

// briefError is an error with a shorter text than the error it wraps.
type briefError struct {
	msg string
	err error
}

func (e briefError) Error() string { return e.msg }
func (e briefError) Unwrap() error { return e.err }

// printSyncReports writes one line per pass and kind: the records listed and, of them, those fetched whole; those
// checked by id (held but not listed, or in a reconcile listed but held as deleted); what was written.
func printSyncReports(w io.Writer, reports []replsync.PassReport) {
	for _, r := range reports {
		for _, k := range r.Kinds {
			var b strings.Builder
			fmt.Fprintf(&b, "%-12s %-13s %d listed, %d of them fetched", r.Pass, k.Kind.Nouns(), k.Listed, k.Fetched)
			if k.Parts > 0 {
				fmt.Fprintf(&b, " (%s)", replsync.Count(int64(k.Parts), "part"))
			}
			if k.Checked > 0 {
				fmt.Fprintf(&b, ", %d checked by id", k.Checked)
			}
			fmt.Fprintf(&b, ", %d written, %d deleted; %s", k.Written, k.Deleted, replsync.Count(k.Requests, "request"))
			if k.RateLimited > 0 || k.Retries > 0 {
				fmt.Fprintf(&b, " (%d retried, %d rate-limited)", k.Retries, k.RateLimited)
			}
			fmt.Fprintf(&b, " in %.1fs\n", k.Seconds)
			io.WriteString(w, b.String())
		}
		if r.Error != "" {
			fmt.Fprintf(w, "%-12s stopped: %s\n", r.Pass, r.Error)
		}
	}
}

// newLogger returns the operator log on w in the configured format.
func newLogger(w io.Writer, c configs.Log) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// demoIntercom is the built-in demo workspace served by the fake Intercom on a loopback port, for --demo.
type demoIntercom struct {
	baseURL, token string
	h              *fakeintercom.Handler
	srv            *http.Server
	done           chan struct{}
}

// startDemoIntercom serves the demo workspace until close. The workspace is the same on every run (a fixed seed),
// so a demo replica stays in step with it.
func startDemoIntercom(log *slog.Logger) (*demoIntercom, error) {
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: demoSeed, Conversations: demoConversations, Contacts: demoContacts})
	if err != nil {
		return nil, fmt.Errorf("demo workspace: %w", err)
	}
	h := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Logger: log})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listen on a loopback port: %w", err)
	}
	d := &demoIntercom{baseURL: "http://" + ln.Addr().String(), token: h.Token(), h: h, done: make(chan struct{}),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		defer close(d.done)
		if err := d.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo intercom stopped", "error", err.Error())
		}
	}()
	n := ws.Counts() // what the fake lists: a few generated records are deleted or merged away
	// Nothing here is for the user to connect to: the fake's loopback port is for this process's own syncer.
	log.Info("using the built-in demo workspace, a fake Intercom inside this process", "conversations", n.Conversations, "contacts", n.Contacts)
	log.Debug("demo workspace's API, for this process's syncer only", "base_url", d.baseURL)
	return d, nil
}

// close stops the demo server and waits for it.
func (d *demoIntercom) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d.srv.Shutdown(ctx)
	<-d.done
}

// ownerAnswers reports whether a process serves the replica in dir on its socket (a serve, or a sync), which would
// run a pass asked of it.
func ownerAnswers(ctx context.Context, dir string) bool {
	c, err := peer.Dial(ctx, peer.SocketPath(dir))
	if err != nil {
		return false
	}
	c.Close()
	return true
}
