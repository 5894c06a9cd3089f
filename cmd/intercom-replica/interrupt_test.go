package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cancelOnWrite is a writer that cancels a context at its first write: Ctrl-C in the middle of a command's output.
type cancelOnWrite struct {
	cancel context.CancelFunc
	syncBuffer
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.cancel()
	return w.syncBuffer.Write(p)
}

// TestInterrupted_SaysWhatWasLeftAndWhatToDo: Ctrl-C during export or reindex says what it left behind and what to
// do next, as sync does, and exits 1 like sync. Before, both printed a bare "context canceled".
func TestInterrupted_SaysWhatWasLeftAndWhatToDo(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	getenv := func(k string) string {
		if k == "HOME" {
			return t.TempDir()
		}
		return ""
	}
	base := []string{"--config", "", "--data-dir", dir}
	out := filepath.Join(t.TempDir(), "all.csv")
	for _, tc := range []struct {
		name string
		args []string
		at   string // the interrupt comes at the first write to "stdout" or "stderr" (the progress), or "start"
		want string
	}{
		{"export to stdout", []string{"export", "--type", "conversations"}, "stdout",
			"interrupted: standard output holds the records written before it, not all of them; run the export again\n"},
		{"export to a file", []string{"export", "--type", "conversations", "--out", out}, "start",
			"interrupted: " + out + " was not written (an export is written whole or not at all); run the export again\n"},
		{"reindex", []string{"reindex"}, "stderr",
			"interrupted: searches go on with the index as it was (a kind whose rebuild had finished keeps its new one); run 'intercom-replica reindex' again\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stdout, stderr := io.Writer(io.Discard), &cancelOnWrite{cancel: func() {}}
			var hit *cancelOnWrite
			switch tc.at {
			case "stdout":
				hit = &cancelOnWrite{cancel: cancel}
				stdout = hit
			case "stderr":
				stderr.cancel = cancel
			default:
				cancel()
			}
			m := &Main{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Getenv: getenv}
			code := m.Run(ctx, append(tc.args[:1:1], append(base, tc.args[1:]...)...))
			if code != exitRuntime || !strings.HasSuffix(stderr.String(), "intercom-replica "+tc.args[0]+": "+tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant it to end with %q", code, stderr.String(), tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s: %v", out, err)
			}
		})
	}
}
