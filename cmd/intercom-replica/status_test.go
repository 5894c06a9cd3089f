package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
)

func TestStatus_DemoGolden(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	out, _ := e.mustRun(t, "status", "--config", "", "--data-dir", dir)
	golden(t, "status/demo/stdout", normalize(out, dir))
}

func TestStatus_JSON(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	out, _ := e.mustRun(t, "status", "--json", "--config", "", "--data-dir", dir)
	var st struct {
		DataDir string `json:"data_dir"`
		Owner   struct {
			PID  int
			Self bool
		}
		Workspace struct{ ID, Name string }
		Complete  bool
		Kinds     map[string]struct {
			Live       int     `json:"live"`
			Directory  bool    `json:"directory"`
			Backfill   string  `json:"backfill"`
			LagSeconds float64 `json:"lag_seconds"`
		}
		Store struct {
			Healthy bool `json:"index_healthy"`
		}
		Config map[string]any
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if st.DataDir != dir || !st.Owner.Self || st.Owner.PID == os.Getpid() || st.Owner.PID == 0 {
		t.Errorf("data dir %q, owner %+v", st.DataDir, st.Owner)
	}
	if st.Workspace.Name != "Umbrella Support" || !st.Complete || !st.Store.Healthy {
		t.Errorf("workspace %+v, complete %v, healthy %v", st.Workspace, st.Complete, st.Store.Healthy)
	}
	conv, cont := st.Kinds["conversation"], st.Kinds["contact"]
	if conv.Live < 250 || cont.Live < 100 || conv.Backfill != "complete" || conv.LagSeconds <= 0 {
		t.Errorf("kinds %+v", st.Kinds)
	}
	// Every kind the replica copies is counted, and the counts are the demo Intercom's.
	n := demoWorkspace(t).Counts()
	for kind, want := range map[query.Kind]int{
		query.KindConversation: n.Conversations, query.KindContact: n.Contacts, query.KindCompany: n.Companies,
		query.KindAdmin: n.Admins, query.KindTeam: n.Teams, query.KindTag: n.Tags, query.KindSegment: n.Segments,
		query.KindArticle: n.Articles, query.KindTicket: n.Tickets, query.KindCollection: n.Collections,
		query.KindHelpCenter: n.HelpCenters, query.KindTicketType: n.TicketTypes,
	} {
		k, ok := st.Kinds[string(kind)]
		switch {
		case !ok:
			t.Errorf("status --json has no %s entry", kind)
		case k.Live != want || want == 0:
			t.Errorf("%s: %d live, the demo Intercom has %d", kind.Plural(), k.Live, want)
		case k.Directory != kind.Directory() || (k.Backfill == "") != kind.Directory():
			t.Errorf("%s: directory %v, backfill %q", kind.Plural(), k.Directory, k.Backfill)
		}
	}
	intercom, _ := st.Config["intercom"].(map[string]any)
	if intercom == nil || intercom["region"] != "us" {
		t.Errorf("config section: %v", st.Config)
	}
}

// TestStatus_NeedsNoSyncSecrets: webhooks enabled without their client secret stop serve (which receives them),
// not the commands that only read the replica.
func TestStatus_NeedsNoSyncSecrets(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	config := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(config, []byte("sync:\n  webhooks:\n    enabled: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"search", "object_type:contacts limit:1"}} {
		if code, out, errOut := runCmd(t, nil, append(args, "--config", config, "--data-dir", dir)...); code != exitOK {
			t.Errorf("%s with webhooks enabled and no secret: exit %d\n%s%s", args[0], code, out, errOut)
		}
	}
	code, _, errOut := runCmd(t, map[string]string{"INTERCOM_ACCESS_TOKEN": "intercom-token-1234"}, "serve", "--config", config, "--data-dir", t.TempDir())
	if code != exitUsage || !strings.Contains(errOut, "sync.webhooks.client_secret: webhooks are enabled but no client secret is set") {
		t.Errorf("serve with webhooks enabled and no secret: exit %d, want 2\n%s", code, errOut)
	}
}

// TestStatus_LastPassSaysWhatWasCheckedByID: a pass that asked by id about records it did not list (a reconcile
// finding deletions) says so beside what it listed and fetched, instead of counting them as fetched.
func TestStatus_LastPassSaysWhatWasCheckedByID(t *testing.T) {
	t.Parallel()
	r := statusReport{Kinds: map[string]statusKind{}, Passes: []replsync.PassReport{{Pass: replsync.PassReconcile, Kinds: []replsync.KindReport{
		{Kind: query.KindConversation, Listed: 300, Fetched: 2, Checked: 232, Written: 2, Deleted: 232, Requests: 240},
		{Kind: query.KindContact, Listed: 100, Checked: 1, Deleted: 1, Requests: 2},
	}}}}
	var b strings.Builder
	r.write(&b)
	if want := "ok in 0.0s: 400 listed, 2 fetched, 233 checked by id, 2 written, 233 deleted; 242 requests"; !strings.Contains(b.String(), want) {
		t.Errorf("status lacks %q:\n%s", want, b.String())
	}
}

// TestScheduleOf: status claims a schedule only for the process that runs it, or, with no other process holding
// the replica, as what a serve started with this configuration would run.
func TestScheduleOf(t *testing.T) {
	t.Parallel()
	on, off := configs.Default(), configs.Default()
	off.Sync.Enabled = false
	runner := &replsync.Runner{PID: 42, IncrementalSchedule: "@every 5m", ReconcileSchedule: "@weekly"}
	for _, tc := range []struct {
		name   string
		self   bool
		runner *replsync.Runner
		syncs  ownerSyncing
		cfg    *configs.Config
		want   string
	}{
		{"a serve running its schedule", false, runner, ownerSyncs, &on, "incremental @every 5m, reconcile @weekly (run by pid 42)"},
		{"a sync, with a serve's stale record", false, &replsync.Runner{PID: 7}, ownerSyncs, &on, "none: pid 42 holds the replica and syncs only when asked (intercom-replica sync)"},
		{"a serve that does not sync", false, nil, ownerSyncsNot, &on, "none: pid 42 holds the replica and does not sync (a serve with sync.enabled false, or a command reading the replica)"},
		{"an older owner", false, nil, ownerSyncsUnknown, &on, "unknown: pid 42 holds the replica and is an older version, which does not say"},
		{"nobody else, syncing configured", true, nil, ownerSyncsNot, &on, "incremental @every 1m, reconcile @daily (while a serve runs)"},
		{"nobody else, a stale record", true, runner, ownerSyncsNot, &on, "incremental @every 1m, reconcile @daily (while a serve runs)"},
		{"nobody else, syncing off", true, nil, ownerSyncsNot, &off, "none: sync.enabled is false, so a serve started with this configuration does not sync"},
	} {
		if got := scheduleOf(tc.self, 42, tc.runner, tc.syncs, tc.cfg).text(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
