//go:build unix

package main

import (
	"io/fs"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDataDir_PrivateUnderUmask000: every file the replica writes is 0600 and every directory 0700, whatever the
// umask; bleve's index_meta.json was created 0666 under umask 000. The command runs under umask 000 through sh, so
// this test process keeps its own umask.
func TestDataDir_PrivateUnderUmask000(t *testing.T) {
	t.Parallel()
	e := newUserEnv(t)
	dir := filepath.Join(e.home, "replica")
	cmd := e.command("sync", "--demo", "--config", "", "--data-dir", dir)
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Path, cmd.Args = sh, append([]string{"sh", "-c", `umask 000 && exec "$0" "$@"`}, cmd.Args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sync --demo under umask 000: %v\n%s", err, out)
	}
	files := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if got := info.Mode().Perm(); got != want {
			rel, _ := filepath.Rel(dir, path)
			t.Errorf("%s: mode %04o, want %04o", rel, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 6 {
		t.Errorf("only %d files in the data directory", files)
	}
}
