package main

import (
	"encoding/json"
	"os"
	"testing"
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
	intercom, _ := st.Config["intercom"].(map[string]any)
	if intercom == nil || intercom["region"] != "us" {
		t.Errorf("config section: %v", st.Config)
	}
}
