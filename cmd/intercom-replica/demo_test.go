package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/index"
)

// TestDemo_NeverMixesWithAnotherReplica: --demo with --data-dir naming a replica the demo did not make (a real
// workspace's, or fake-intercom's, whose seeded workspace can share the demo's id) is refused before anything is
// read or written; the demo's own directory keeps working.
func TestDemo_NeverMixesWithAnotherReplica(t *testing.T) {
	other := t.TempDir()
	r, err := index.Open(context.Background(), other, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	for _, args := range [][]string{
		{"sync", "--demo", "--config", "", "--data-dir", other},
		{"search", "--demo", "--config", "", "--data-dir", other, "object_type:conversations"},
	} {
		code, _, errOut := runCmd(t, nil, args...)
		if code != exitUsage || !strings.Contains(errOut, "holds a replica that --demo did not make") {
			t.Errorf("%v: exit %d, want %d and a refusal\n%s", args, code, exitUsage, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(other, demoMarker)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused directory was marked as the demo's: %v", err)
	}
	dir := demoCopy(t)
	if code, _, errOut := runCmd(t, nil, "search", "--demo", "--config", "", "--data-dir", dir, "object_type:conversations"); code != exitOK {
		t.Errorf("the demo's own directory: exit %d\n%s", code, errOut)
	}
}
