package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
)

const statusExamples = `  intercom-replica status
  intercom-replica status --json | jq '.kinds.conversation.lag_seconds'
  intercom-replica status --demo

It works beside a running serve: the numbers come from the process that has the replica open, and so does the
live state of its rate budget (what is left of Intercom's current window, and the 429s since it started).
`

func runStatus(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("status", "status [--json] [flags]", statusExamples)
	rf := addReplicaFlags(fs)
	asJSON := fs.Bool("json", false, "print the status as one JSON object")
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	acc, cfg, dir, err := openForReading(ctx, m, rf)
	if err != nil {
		return err
	}
	defer acc.Close()
	st, err := acc.Status(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	ss, err := syncStatusOf(st)
	if err != nil {
		return fmt.Errorf("status: the syncer's state: %w", err)
	}
	self, pid := acc.Owner()
	rep := newStatusReport(dir, self, pid, st, ss, cfg, time.Now())
	syncs := ownerSyncsUnknown // an owner older than the rate budget call
	switch live, err := acc.Budget(ctx); {
	case err == nil:
		rep.Budget.Live = newLiveBudget(live, rep.now)
		syncs = ownerSyncs
	case errors.Is(err, peer.ErrUnavailable):
		syncs = ownerSyncsNot
	case !errors.Is(err, errors.ErrUnsupported):
		return fmt.Errorf("status: the owner's rate budget: %w", err)
	}
	rep.Schedule = scheduleOf(self, pid, ss.Runner, syncs, cfg)
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.write(m.Stdout)
	return nil
}

// statusReport is what `status` shows, and `status --json` prints.
type statusReport struct {
	DataDir   string                `json:"data_dir"`
	Owner     statusOwner           `json:"owner"`
	Workspace *replsync.Workspace   `json:"workspace"` // null before the first sync
	Complete  bool                  `json:"complete"`  // every kind's backfill has finished
	LastSync  string                `json:"last_sync_at,omitempty"`
	Failing   *statusFailing        `json:"sync_failing,omitempty"` // while the last passes fail
	Kinds     map[string]statusKind `json:"kinds"`
	Passes    []replsync.PassReport `json:"passes"`
	Store     statusStore           `json:"store"`
	Budget    statusBudget          `json:"rate_budget"`
	Schedule  statusSchedule        `json:"schedule"`
	Config    map[string]any        `json:"config"` // the effective configuration, secrets redacted
	now       time.Time             // for ages
}

// statusSchedule is when passes run: on the schedules of the process that runs them (a serve holding the replica),
// on this configuration's when no other process holds it (what a serve started with it would run), or not at all,
// and why.
type statusSchedule struct {
	Incremental string `json:"incremental,omitempty"`
	Reconcile   string `json:"reconcile,omitempty"`
	RunBy       int    `json:"run_by_pid,omitempty"` // the process running them now; 0: this configuration's
	Why         string `json:"why,omitempty"`        // "none: ..." or "unknown: ...", when no schedule is known to run
}

// ownerSyncing is whether the process holding the replica syncs, as its answer to the rate budget call tells.
type ownerSyncing int

const (
	ownerSyncsUnknown ownerSyncing = iota // an older version, which cannot say
	ownerSyncs                            // a serve that syncs, or a sync
	ownerSyncsNot                         // a serve with sync.enabled false, or a command reading the replica
)

// scheduleOf says when passes run. A process other than this one that holds the replica runs a schedule only if it
// recorded one (replsync.Runner) under its own pid; otherwise it syncs only when asked, or not at all. With no such
// process, this configuration's schedules are what a serve started with it would run.
func scheduleOf(self bool, pid int, runner *replsync.Runner, syncs ownerSyncing, cfg *configs.Config) statusSchedule {
	switch {
	case !self && runner != nil && runner.PID == pid:
		return statusSchedule{Incremental: runner.IncrementalSchedule, Reconcile: runner.ReconcileSchedule, RunBy: pid}
	case !self && syncs == ownerSyncs:
		return statusSchedule{Why: fmt.Sprintf("none: pid %d holds the replica and syncs only when asked (intercom-replica sync)", pid)}
	case !self && syncs == ownerSyncsNot:
		return statusSchedule{Why: fmt.Sprintf("none: pid %d holds the replica and does not sync (a serve with sync.enabled false, or a command reading the replica)", pid)}
	case !self:
		return statusSchedule{Why: fmt.Sprintf("unknown: pid %d holds the replica and is an older version, which does not say", pid)}
	case !cfg.Sync.Enabled:
		return statusSchedule{Why: "none: sync.enabled is false, so a serve started with this configuration does not sync"}
	}
	return statusSchedule{Incremental: cfg.Sync.IncrementalSchedule, Reconcile: cfg.Sync.ReconcileSchedule}
}

// text says when passes run, for a person.
func (s statusSchedule) text() string {
	switch {
	case s.Why != "":
		return s.Why
	case s.RunBy != 0:
		return fmt.Sprintf("incremental %s, reconcile %s (run by pid %d)", s.Incremental, s.Reconcile, s.RunBy)
	}
	return fmt.Sprintf("incremental %s, reconcile %s (while a serve runs)", s.Incremental, s.Reconcile)
}

// statusFailing is why the replica could not sync, and since when.
type statusFailing struct {
	Since string `json:"since"` // RFC 3339: the first failed pass of the current streak
	Error string `json:"error"` // why the last pass failed
	age   time.Duration
}

type statusOwner struct {
	PID  int  `json:"pid"`
	Self bool `json:"self"` // this command opened the replica itself (no serve had it)
}

// statusKind is one kind's line. Directory kinds (teammates, teams, tags, segments: small lists copied whole on
// every pass) have no backfill and no full-text index: only their counts, and when they were last copied.
type statusKind struct {
	Live       int     `json:"live"`
	Deleted    int     `json:"deleted"`
	Directory  bool    `json:"directory,omitempty"`
	Backfill   string  `json:"backfill,omitempty"` // "complete", "12,000 of 48,000 (25%)", "not started"; none for directory kinds
	LastPassAt string  `json:"last_pass_at,omitempty"`
	LagSeconds float64 `json:"lag_seconds,omitempty"` // now − the watermark: how far behind Intercom the kind may be
	IndexSeq   uint64  `json:"index_seq"`
	Rebuilding bool    `json:"rebuilding"`
	IndexBytes int64   `json:"index_bytes"`
}

type statusStore struct {
	Seq        uint64 `json:"seq"`
	Bytes      int64  `json:"bytes"`
	IndexBytes int64  `json:"index_bytes"`
	ChangeLog  int    `json:"change_log"`
	Healthy    bool   `json:"index_healthy"` // every full-text index holds every stored change and none is rebuilding
}

type statusBudget struct {
	ReservePercent       int         `json:"reserve_percent"`
	MaxRequestsPerMinute int         `json:"max_requests_per_minute"`
	Requests             int64       `json:"requests"`     // by the last pass of each type
	RateLimited          int64       `json:"rate_limited"` // 429 answers among them
	Retries              int64       `json:"retries"`
	Live                 *liveBudget `json:"live,omitempty"` // from the syncing process that owns the replica; absent when none does
}

// liveBudget is the rate budget of the process that owns the replica and syncs, as it is now.
type liveBudget struct {
	Limit          int     `json:"limit"`     // X-RateLimit-Limit of the current window; 0 until Intercom has answered
	Remaining      int     `json:"remaining"` // left in the current window, other apps' requests counted
	ResetsIn       float64 `json:"resets_in_seconds"`
	WindowSeconds  float64 `json:"window_seconds"`
	SyncCap        int     `json:"sync_cap"` // what the syncer may use of the window; the rest is the live lookups' reserve
	ReservePercent int     `json:"reserve_percent"`
	Requests       int64   `json:"requests"`     // since the owner started
	RateLimited    int64   `json:"rate_limited"` // 429 answers since the owner started
	LiveDenied     int64   `json:"live_denied"`  // live lookups refused for lack of room since the owner started
	Since          string  `json:"since"`        // when the owner started, RFC 3339
	sinceAge       time.Duration
}

func newLiveBudget(b peer.Budget, now time.Time) *liveBudget {
	l := &liveBudget{
		Limit: b.Limit, Remaining: b.Remaining, WindowSeconds: b.WindowSeconds, SyncCap: b.SyncCap, ReservePercent: b.ReservePercent,
		Requests: b.Requests, RateLimited: b.RateLimited, LiveDenied: b.LiveDenied,
		Since: b.Since.UTC().Format(time.RFC3339), sinceAge: now.Sub(b.Since),
	}
	if !b.ResetAt.IsZero() {
		l.ResetsIn = max(0, b.ResetAt.Sub(now).Seconds())
	}
	return l
}

// text says what the budget is now, for a person.
func (l *liveBudget) text(pid int) string {
	window := "Intercom has not answered it yet"
	if l.Limit > 0 {
		window = fmt.Sprintf("%d of %d requests left in Intercom's %s window (resets in %s); the syncer may use %d of them",
			l.Remaining, l.Limit, ageText(time.Duration(l.WindowSeconds*float64(time.Second))), ageText(time.Duration(l.ResetsIn*float64(time.Second))), l.SyncCap)
	}
	return fmt.Sprintf("pid %d: %s; since it started %s ago, %s, %d answered 429, %s refused for lack of room",
		pid, window, ageText(l.sinceAge), replsync.Count(l.Requests, "request"), l.RateLimited, replsync.Count(l.LiveDenied, "live lookup"))
}

func newStatusReport(dir string, self bool, pid int, st index.Status, ss replsync.Status, cfg *configs.Config, now time.Time) statusReport {
	r := statusReport{
		DataDir:   dir,
		Owner:     statusOwner{PID: pid, Self: self},
		Workspace: ss.Workspace,
		Complete:  ss.Complete(),
		Kinds:     map[string]statusKind{},
		Store:     statusStore{Seq: st.StoreSeq, Bytes: st.StoreBytes, IndexBytes: st.IndexBytes, ChangeLog: st.ChangeLog, Healthy: true},
		Budget:    statusBudget{ReservePercent: cfg.Sync.RateReservePercent, MaxRequestsPerMinute: cfg.Sync.MaxRequestsPerMinute},
		Config:    cfg.EffectiveMap(),
		now:       now,
	}
	if t := ss.LastSyncAt(); !t.IsZero() {
		r.LastSync = t.UTC().Format(time.RFC3339)
	}
	if since, why := ss.Failing(); !since.IsZero() {
		r.Failing = &statusFailing{Since: since.UTC().Format(time.RFC3339), Error: why, age: now.Sub(since)}
	}
	for _, kind := range query.AllKinds() {
		// A kind the syncer has not recorded yet (a replica made before it copied that kind) reads as zero: not
		// started, never passed.
		ks, is := ss.Kinds[kind], st.Kinds[kind]
		k := statusKind{Live: is.Records, Deleted: is.Deleted, Directory: kind.Directory()}
		if !ks.LastPassAt.IsZero() {
			k.LastPassAt = ks.LastPassAt.UTC().Format(time.RFC3339)
		}
		if kind.Directory() { // no backfill, no full-text index
			r.Kinds[string(kind)] = k
			continue
		}
		k.IndexSeq, k.Rebuilding, k.IndexBytes = is.IndexSeq, is.Rebuilding, is.IndexBytes
		k.Backfill = backfillText(ks.Backfill)
		if ks.Watermark > 0 {
			k.LagSeconds = max(0, now.Sub(time.Unix(ks.Watermark, 0)).Seconds())
		}
		if is.Rebuilding || is.IndexSeq < st.StoreSeq {
			r.Store.Healthy = false
		}
		r.Kinds[string(kind)] = k
	}
	for _, pass := range []string{replsync.PassBackfill, replsync.PassIncremental, replsync.PassReconcile} {
		p, ok := ss.Passes[pass]
		if !ok {
			continue
		}
		r.Passes = append(r.Passes, p)
		for _, k := range p.Kinds {
			r.Budget.Requests += k.Requests
			r.Budget.RateLimited += k.RateLimited
			r.Budget.Retries += k.Retries
		}
	}
	return r
}

func backfillText(b replsync.Backfill) string {
	switch {
	case b.Complete:
		return "complete"
	case b.Done == 0 && b.Pages == 0:
		return "not started"
	case b.Total > 0:
		return fmt.Sprintf("%d of %d (%d%%)", b.Done, b.Total, 100*b.Done/b.Total)
	default:
		return fmt.Sprintf("%d so far", b.Done)
	}
}

// write prints the report for a person, in one screen.
func (r statusReport) write(w io.Writer) {
	switch {
	case r.Workspace != nil:
		fmt.Fprintf(w, "Replica of %q (app %s", r.Workspace.Name, r.Workspace.ID)
		if r.Workspace.Region != "" {
			fmt.Fprintf(w, ", %s", r.Workspace.Region)
		}
		fmt.Fprintf(w, ") in %s\n", r.DataDir)
	default:
		fmt.Fprintf(w, "Replica in %s: nothing synced yet (run 'intercom-replica sync')\n", r.DataDir)
	}
	if r.Owner.Self {
		fmt.Fprintf(w, "Open in this process (pid %d): no serve is running on it.\n", r.Owner.PID)
	} else {
		fmt.Fprintf(w, "Served by pid %d; these numbers come from it.\n", r.Owner.PID)
	}

	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// "Caught up to" is the watermark: what changed in Intercom after it may not be here yet.
	fmt.Fprintln(tw, "\tlive\tdeleted\tbackfill\tlast pass\tcaught up to")
	for _, kind := range query.Kinds() {
		k := r.Kinds[string(kind)]
		lag := "-"
		if k.LagSeconds > 0 || k.LastPassAt != "" {
			lag = ageText(time.Duration(k.LagSeconds*float64(time.Second))) + " ago"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", kind.Plural(), k.Live, k.Deleted, k.Backfill, shortTime(k.LastPassAt), lag)
	}
	tw.Flush()
	fmt.Fprintf(w, "Directory:     %s\n", r.directoryText())

	fmt.Fprintln(w, "\nLast passes:")
	if len(r.Passes) == 0 {
		fmt.Fprintln(w, "  none yet")
	}
	for _, p := range r.Passes {
		var listed, fetched, checked, written, deleted int
		var requests, limited, retries int64
		for _, k := range p.Kinds {
			listed, fetched, checked = listed+k.Listed, fetched+k.Fetched, checked+k.Checked
			written, deleted = written+k.Written, deleted+k.Deleted
			requests, limited, retries = requests+k.Requests, limited+k.RateLimited, retries+k.Retries
		}
		outcome := "ok"
		if p.Error != "" {
			outcome = "stopped: " + p.Error
		}
		// What was fetched is a share of what was listed; the records checked by id are the others it asked about.
		checkedText := ""
		if checked > 0 {
			checkedText = fmt.Sprintf(", %d checked by id", checked)
		}
		fmt.Fprintf(w, "  %-12s %s  %s in %.1fs: %d listed, %d fetched%s, %d written, %d deleted; %s, %d rate-limited, %d retried\n",
			p.Pass, p.FinishedAt.UTC().Format("2006-01-02 15:04:05 UTC"), outcome, p.Seconds, listed, fetched, checkedText, written, deleted, replsync.Count(requests, "request"), limited, retries)
	}

	fmt.Fprintln(w)
	if r.LastSync != "" {
		t, _ := time.Parse(time.RFC3339, r.LastSync)
		fmt.Fprintf(w, "Freshness:   last complete sync %s (%s ago)\n", shortTime(r.LastSync), ageText(r.now.Sub(t)))
	} else {
		fmt.Fprintf(w, "Freshness:   no complete sync yet; results may be partial\n")
	}
	if f := r.Failing; f != nil {
		fmt.Fprintf(w, "Sync:        FAILING since %s (%s ago): %s; the replica serves what it holds and a serve retries on its schedule\n",
			shortTime(f.Since), ageText(f.age), f.Error)
	}
	ceiling := "no ceiling but Intercom's X-RateLimit headers"
	if r.Budget.MaxRequestsPerMinute > 0 {
		ceiling = fmt.Sprintf("at most %s a minute", replsync.Count(int64(r.Budget.MaxRequestsPerMinute), "request"))
	}
	fmt.Fprintf(w, "Rate budget: the syncer leaves %d%% of Intercom's limit to live lookups, %s; its last passes made %s, %d answered 429\n",
		r.Budget.ReservePercent, ceiling, replsync.Count(r.Budget.Requests, "request"), r.Budget.RateLimited)
	if l := r.Budget.Live; l != nil {
		fmt.Fprintf(w, "Live budget: %s\n", l.text(r.Owner.PID))
	}
	fmt.Fprintf(w, "Schedule:    %s\n", r.Schedule.text())
	fmt.Fprintf(w, "Storage:     replica.db %s, full-text index %s, change log %s, store sequence %d\n",
		sizeText(r.Store.Bytes), sizeText(r.Store.IndexBytes), replsync.Count(int64(r.Store.ChangeLog), "batch"), r.Store.Seq)
	fmt.Fprintf(w, "Index:       %s\n", r.indexHealth())
}

// directoryText counts the teammates, teams, tags and segments the replica holds to name the ids in records, and
// says when they were last copied (the earliest of their last passes), or that they never were.
func (r statusReport) directoryText() string {
	var counts []string
	var last time.Time
	passed := true
	for _, kind := range query.DirectoryKinds() {
		k := r.Kinds[string(kind)]
		counts = append(counts, replsync.Count(int64(k.Live), kind.Noun()))
		t, err := time.Parse(time.RFC3339, k.LastPassAt)
		switch {
		case err != nil:
			passed = false
		case last.IsZero() || t.Before(last):
			last = t
		}
	}
	text := strings.Join(counts, ", ")
	if passed {
		return fmt.Sprintf("%s (names for the ids in records; copied whole by every pass, last %s)", text, shortTime(last.Format(time.RFC3339)))
	}
	return text + " (names for the ids in records; copied whole by every pass)"
}

// indexHealth says whether the full-text indexes hold every stored change.
func (r statusReport) indexHealth() string {
	if r.Store.Healthy {
		return fmt.Sprintf("healthy: every kind holds every stored change (sequence %d)", r.Store.Seq)
	}
	var parts []string
	for _, kind := range query.Kinds() {
		k := r.Kinds[string(kind)]
		switch {
		case k.Rebuilding:
			parts = append(parts, kind.Plural()+" rebuilding")
		case k.IndexSeq < r.Store.Seq:
			parts = append(parts, fmt.Sprintf("%s at sequence %d of %d (catching up)", kind.Plural(), k.IndexSeq, r.Store.Seq))
		}
	}
	return strings.Join(parts, "; ") + "; 'intercom-replica reindex' rebuilds it if it stays behind"
}

// shortTime formats an RFC 3339 time for a table, "-" when empty.
func shortTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if s == "" || err != nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// ageText formats a duration the way a person reads an age: 45s, 12m, 3h10m, 2d4h.
func ageText(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
	}
}

// sizeText formats a byte count with a binary unit.
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n), -1
	for v >= unit && u < 3 {
		v /= unit
		u++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[u])
}
