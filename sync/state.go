package sync

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// Meta keys the syncer keeps in the replica (index.Batch.Meta), each holding one JSON document. They are written in
// the same transaction as the records they describe, so after a crash they agree with the store exactly.
//
//	sync/state/conversation   KindState of conversations: backfill cursor and progress, watermark, counts
//	sync/state/contact        KindState of contacts
//	sync/state/<kind>         KindState of companies, articles, tickets and the directory's kinds (admin, team,
//	                          tag, segment, collection, help_center, ticket_type)
//	sync/pass/<pass>          PassReport of the last pass of that type (backfill, incremental, reconcile)
//	sync/workspace            Workspace: the Intercom workspace the replica copies
//	sync/run                  Runner: the process running the passes on their schedules, while Run runs
//
// Read them with [ReadStatus] rather than by key.
const (
	metaStatePrefix = "sync/state/"
	metaPassPrefix  = "sync/pass/"
	metaWorkspace   = "sync/workspace"
	metaRun         = "sync/run"
)

// Pass types, as [PassReport.Pass] and the metrics' "pass" label name them.
const (
	PassBackfill    = "backfill"    // the first full copy (resumable page by page)
	PassIncremental = "incremental" // what changed since the watermark, and deletions
	PassReconcile   = "reconcile"   // a walk of every id that finds deletions and merges an incremental pass cannot see
)

func stateKey(kind query.Kind) string { return metaStatePrefix + string(kind) }

func passKey(pass string) string { return metaPassPrefix + pass }

// KindState is the syncer's durable state for one kind of record (meta key sync/state/<kind>).
type KindState struct {
	Backfill Backfill `json:"backfill"`

	// Watermark (Unix seconds, local clock) is when the last completed pass over this kind began: the next
	// incremental pass asks Intercom for what changed since Watermark − overlap. 0 until the backfill completes.
	Watermark int64 `json:"watermark,omitempty"`

	// LastPassAt is when the last pass over this kind completed (incremental or reconcile; zero before).
	LastPassAt time.Time `json:"last_pass_at,omitzero"`

	// Live and Deleted count the records and tombstones the replica holds. The syncer keeps them exact (it is the
	// only writer) and recounts them in every reconcile.
	Live    int `json:"live"`
	Deleted int `json:"deleted"`

	// Sweep is what the last id sweep saw. For contacts, articles and tickets: how many Intercom listed
	// (total_count) against how many the replica then held; an incremental pass re-sweeps when that difference
	// changes (a contact was deleted, archived or merged away, or created but not yet searchable; an article or a
	// ticket deleted). For companies: how many the last
	// complete scroll returned, and when it ended; an incremental pass sweeps again once Options.CompanySweep has
	// passed since.
	Sweep *Sweep `json:"sweep,omitempty"`
}

// Backfill is the progress of a kind's first full copy.
type Backfill struct {
	StartedAt   int64  `json:"started_at,omitempty"`   // Unix seconds (local clock); 0 before it starts
	Cursor      string `json:"cursor,omitempty"`       // the next page's cursor; "" before the first page and after the last
	Pages       int    `json:"pages"`                  // pages done
	Done        int    `json:"done"`                   // records listed so far
	Total       int    `json:"total"`                  // Intercom's total_count at the last page
	Complete    bool   `json:"complete"`               // the last page is done
	CompletedAt int64  `json:"completed_at,omitempty"` // Unix seconds (local clock)
}

// Sweep records the counts of the last id sweep of contacts, articles, tickets or companies.
type Sweep struct {
	At     time.Time `json:"at"`
	Listed int       `json:"listed"` // Intercom's total_count (contacts, articles), or the companies a scroll returned
	Held   int       `json:"held"`   // live records in the replica after the sweep
}

// PassReport is what one pass did (meta key sync/pass/<pass>), per kind.
type PassReport struct {
	Pass       string       `json:"pass"`
	StartedAt  time.Time    `json:"started_at"`
	FinishedAt time.Time    `json:"finished_at"`
	Seconds    float64      `json:"seconds"`
	Error      string       `json:"error,omitempty"` // why the pass stopped early; "" when it completed
	Kinds      []KindReport `json:"kinds"`

	// FailingSince is when the current streak of failed passes (of any type) began: this pass's start, or an
	// earlier failed pass's; zero after a pass that completed. A canceled pass (a shutdown) carries the streak
	// on. Failure is, while FailingSince is set, why the last failed pass failed, in a line ("cannot reach
	// https://api.intercom.io: connection refused").
	FailingSince time.Time `json:"failing_since,omitzero"`
	Failure      string    `json:"failure,omitempty"`
}

// KindReport is one kind's share of a pass.
type KindReport struct {
	Kind    query.Kind `json:"kind"`
	Pages   int        `json:"pages"`   // list and search pages read
	Listed  int        `json:"listed"`  // records on those pages
	Fetched int        `json:"fetched"` // of those listed, the ones fetched by id (not current in the replica)
	Checked int        `json:"checked"` // others asked for by id: held as live but not in a complete walk, or (reconcile) listed but held as deleted
	Written int        `json:"written"` // records written (new or changed)
	Deleted int        `json:"deleted"` // tombstones written
	Parts   int        `json:"parts"`   // parts in the conversations and tickets fetched or checked
	Seconds float64    `json:"seconds"`
	// API counts requests to Intercom (retries included), 429 answers and retries, from the client's counters
	// while this kind was being synced (webhook refetches running at the same time are included).
	Requests    int64 `json:"requests"`
	RateLimited int64 `json:"rate_limited"`
	Retries     int64 `json:"retries"`
	// LagSeconds is how far behind the kind was when the pass ended: now − watermark (0 without a watermark).
	LagSeconds float64 `json:"lag_seconds"`
}

// Workspace is the Intercom workspace a replica copies (meta key sync/workspace). The syncer refuses to write
// another workspace's records into it.
type Workspace struct {
	ID       string `json:"id"` // app id_code
	Name     string `json:"name"`
	Region   string `json:"region,omitempty"`
	Timezone string `json:"timezone,omitempty"`
}

// Runner is the process that runs the passes on their schedules (meta key sync/run): [Syncer.Run] records it when
// it starts and removes it when it returns. A process that died without removing it leaves it behind, so a reader
// trusts it only when PID is the process holding the replica now.
type Runner struct {
	PID                 int       `json:"pid"`
	IncrementalSchedule string    `json:"incremental_schedule"`
	ReconcileSchedule   string    `json:"reconcile_schedule"`
	Since               time.Time `json:"since"`
}

// MetaReader reads replica metadata; *index.Replica implements it.
type MetaReader interface {
	Meta(key string) ([]byte, error)
}

// Status is the syncer's state as the replica records it, for `status`, the MCP tools' freshness and /metrics.
type Status struct {
	Workspace *Workspace               // nil before the first pass
	Kinds     map[query.Kind]KindState // every kind, zero-valued before its first page
	Passes    map[string]PassReport    // the last pass of each type that ran
	Runner    *Runner                  // the process running the schedules, as last recorded; nil when none is
}

// ReadStatus reads the syncer's state from the replica's meta.
func ReadStatus(m MetaReader) (Status, error) {
	st := Status{Kinds: map[query.Kind]KindState{}, Passes: map[string]PassReport{}}
	var ws Workspace
	if ok, err := readMeta(m, metaWorkspace, &ws); err != nil {
		return st, err
	} else if ok {
		st.Workspace = &ws
	}
	for _, k := range query.AllKinds() {
		var ks KindState
		if _, err := readMeta(m, stateKey(k), &ks); err != nil {
			return st, err
		}
		st.Kinds[k] = ks
	}
	var run Runner
	if ok, err := readMeta(m, metaRun, &run); err != nil {
		return st, err
	} else if ok {
		st.Runner = &run
	}
	for _, p := range []string{PassBackfill, PassIncremental, PassReconcile} {
		var pr PassReport
		if ok, err := readMeta(m, passKey(p), &pr); err != nil {
			return st, err
		} else if ok {
			st.Passes[p] = pr
		}
	}
	return st, nil
}

func readMeta(m MetaReader, key string, v any) (bool, error) {
	b, err := m.Meta(key)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", key, err)
	}
	if len(b) == 0 {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("read %s: %w", key, err)
	}
	return true, nil
}

// Latest returns the report of the pass that finished last, of whichever type; false before any pass.
func (s Status) Latest() (PassReport, bool) {
	var latest PassReport
	found := false
	for _, p := range s.Passes {
		if !found || p.FinishedAt.After(latest.FinishedAt) {
			latest, found = p, true
		}
	}
	return latest, found
}

// Failing reports whether syncing currently fails: since when (the first failed pass of the streak the last pass
// belongs to) and why the last failed pass failed. since is zero when the last pass completed, or none has run.
func (s Status) Failing() (since time.Time, why string) {
	latest, _ := s.Latest()
	return latest.FailingSince, latest.Failure
}

// Complete reports whether the backfill of every kind has finished.
func (s Status) Complete() bool {
	for _, k := range query.AllKinds() {
		if !s.Kinds[k].Backfill.Complete {
			return false
		}
	}
	return true
}

// LastSyncAt returns when the replica was last brought up to date: the earliest of the kinds' last completed
// passes, or zero if some kind has never completed one.
func (s Status) LastSyncAt() time.Time {
	var last time.Time
	for i, k := range query.AllKinds() {
		t := s.Kinds[k].LastPassAt
		if t.IsZero() {
			return time.Time{}
		}
		if i == 0 || t.Before(last) {
			last = t
		}
	}
	return last
}

// Progress describes an unfinished backfill for people and models, e.g. "conversations 12,000 of 48,000 (25%);
// contacts complete; companies not started"; "" when every kind is complete. The directory kinds (one request
// each) are named only while their backfill is not complete.
func (s Status) Progress() string {
	if s.Complete() {
		return ""
	}
	var parts []string
	for _, k := range query.AllKinds() {
		b := s.Kinds[k].Backfill
		if k.Directory() && b.Complete {
			continue
		}
		name := k.Nouns()
		switch {
		case b.Complete:
			parts = append(parts, name+" complete")
		case b.StartedAt == 0:
			parts = append(parts, name+" not started")
		case b.Total > 0:
			pct := min(100, b.Done*100/b.Total)
			parts = append(parts, fmt.Sprintf("%s %s of %s (%d%%)", name, thousands(b.Done), thousands(b.Total), pct))
		default:
			parts = append(parts, fmt.Sprintf("%s %s so far", name, thousands(b.Done)))
		}
	}
	return strings.Join(parts, "; ")
}

// Count formats n with its noun, in the singular for 1 and -1: Count(1, "request") is "1 request", Count(0,
// "request") "0 requests", Count(3, "batch") "3 batches" (a noun ending in s, x, z, ch or sh takes "es").
func Count(n int64, noun string) string {
	if n != 1 && n != -1 {
		switch {
		case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "z"),
			strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
			noun += "es"
		default:
			noun += "s"
		}
	}
	return strconv.FormatInt(n, 10) + " " + noun
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
