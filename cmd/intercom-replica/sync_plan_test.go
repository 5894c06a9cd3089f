package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"

	"github.com/intercom-replica/intercom-replica/mcp/peer"
)

// TestPlanSync covers every decision sync makes before it starts: the pass it asks for, and whether this process
// may run it (with no Intercom token, only a serve that owns the replica can; the usage error says how to add one).
func TestPlanSync(t *testing.T) {
	t.Parallel()
	token := map[string]string{"INTERCOM_ACCESS_TOKEN": "intercom-token-1234"}
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		tokenFile  bool // the token in a file the config file names
		wantMode   peer.SyncMode
		wantNoAuth string // noToken is a usage error containing this; "" means nil
	}{
		{name: "incremental", env: token, wantMode: peer.SyncIncremental},
		{name: "full", args: []string{"--full"}, env: token, wantMode: peer.SyncFull},
		{name: "no token: only an owner can run the pass", wantMode: peer.SyncIncremental, wantNoAuth: "set INTERCOM_ACCESS_TOKEN"},
		{name: "no token, full", args: []string{"--full"}, wantMode: peer.SyncFull, wantNoAuth: "add --demo"},
		{name: "a token from the config file's token file", tokenFile: true, wantMode: peer.SyncIncremental},
		{name: "the demo needs no token", args: []string{"--demo"}, wantMode: peer.SyncIncremental},
		{name: "the demo, full", args: []string{"--demo", "--full"}, wantMode: peer.SyncFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config := ""
			if tt.tokenFile {
				path := filepath.Join(t.TempDir(), "token")
				if err := os.WriteFile(path, []byte("intercom-token-5678\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				config = "intercom:\n  access_token_file: " + path + "\n"
			}
			m := &Main{Stderr: io.Discard, Getenv: func(k string) string { return tt.env[k] }}
			fs, rf, full := newSyncFlags(m)
			cfg, err := loadForPlan(t, m, fs, rf, tt.args, config)
			if err != nil {
				t.Fatal(err)
			}
			p := planSync(cfg, *rf.demo, *full)
			if p.mode != tt.wantMode {
				t.Errorf("mode %q, want %q", p.mode, tt.wantMode)
			}
			switch {
			case tt.wantNoAuth == "" && p.noToken != nil:
				t.Errorf("noToken %v, want nil: this process can run the pass", p.noToken)
			case tt.wantNoAuth != "" && (!errors.As(p.noToken, new(usageError)) || !strings.Contains(fmt.Sprint(p.noToken), tt.wantNoAuth)):
				t.Errorf("noToken %v, want a usage error containing %q", p.noToken, tt.wantNoAuth)
			}
		})
	}
}

// TestSyncerOptions_CarryTheConfiguration: every sync setting of the configuration reaches the syncer.
func TestSyncerOptions_CarryTheConfiguration(t *testing.T) {
	c := configs.Default()
	cfg := &c
	cfg.Sync.CompanySweep = 3 * time.Hour
	cfg.Sync.Concurrency = 3
	cfg.Sync.PageSize = 42
	cfg.Sync.Overlap = 7 * time.Minute
	o := syncerOptions(cfg, &upstream{}, nil, nil, nil)
	if o.CompanySweep != 3*time.Hour || o.Concurrency != 3 || o.PageSize != 42 || o.Overlap != 7*time.Minute ||
		o.IncrementalSchedule != cfg.Sync.IncrementalSchedule || o.ReconcileSchedule != cfg.Sync.ReconcileSchedule {
		t.Errorf("syncer options %+v do not carry the configuration %+v", o, cfg.Sync)
	}
}

// TestSyncStateOf_CarriesTheWorkspace: the tools of a serve learn the workspace and its time zone from what the
// syncer recorded (the aggregate tool buckets times in it, as report does).
func TestSyncStateOf_CarriesTheWorkspace(t *testing.T) {
	st := index.Status{Meta: map[string][]byte{mcp.MetaWorkspace: []byte(`{"id":"cu47ohua","name":"Umbrella Support","timezone":"Asia/Kolkata"}`)}}
	if got := syncStateOf(st); got.WorkspaceID != "cu47ohua" || got.Timezone != "Asia/Kolkata" {
		t.Errorf("syncStateOf = %+v; want workspace cu47ohua in Asia/Kolkata", got)
	}
	if got, want := syncStateOf(st), mcp.DefaultSyncState(st); got.Timezone != want.Timezone || got.WorkspaceID != want.WorkspaceID {
		t.Errorf("syncStateOf and mcp.DefaultSyncState disagree: %+v, %+v", got, want)
	}
}
