package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

const reindexExamples = `  intercom-replica reindex
  intercom-replica reindex --data-dir ./replica

The full-text index is derived from the stored records; reindex rebuilds it from them (the records stay as they
are). Searches keep answering from the old index until the new one is complete, and the syncer keeps writing. A
replica rebuilds its index by itself when it finds it missing or built by another version, so this is for an
index you suspect is damaged (status says it stays behind). Beside a running serve (or sync), that process
rebuilds it and this command shows the progress.
`

func runReindex(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("reindex", "reindex [flags]", reindexExamples)
	rf := addReplicaFlags(fs)
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	acc, _, dir, err := openForReading(ctx, m, rf)
	if err != nil {
		return err
	}
	defer acc.Close()
	where := "."
	if self, pid := acc.Owner(); !self {
		where = fmt.Sprintf(", in pid %d, which has the replica in %s open.", pid, dir)
	}
	p := newProgressLine(m.Stderr, "reindex")
	start := time.Now()
	err = acc.Reindex(ctx, p.update)
	p.done()
	switch {
	case err != nil && ctx.Err() != nil: // Ctrl-C: what was left behind, and what to do
		return errors.New("interrupted: searches go on with the index as it was (a kind whose rebuild had finished keeps its new one); run 'intercom-replica reindex' again")
	case err != nil:
		return err
	}
	fmt.Fprintf(m.Stdout, "Rebuilt the full-text index of %d records in %.1fs%s\n", p.total, time.Since(start).Seconds(), where)
	return nil
}

// progressLine shows how far a long operation has got: one line rewritten in place on a terminal, a line every
// tenth of the way otherwise.
type progressLine struct {
	w        io.Writer
	what     string
	terminal bool

	mu           sync.Mutex
	count, total int
	lastTenth    int
	lastDraw     time.Time
}

func newProgressLine(w io.Writer, what string) *progressLine {
	f, ok := w.(*os.File)
	return &progressLine{w: w, what: what, terminal: ok && term.IsTerminal(int(f.Fd())), lastTenth: -1}
}

// update records that done of total are done.
func (p *progressLine) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count, p.total = done, total
	pct := 100
	if total > 0 {
		pct = 100 * done / total
	}
	if p.terminal {
		if now := time.Now(); done == total || now.Sub(p.lastDraw) >= 100*time.Millisecond {
			fmt.Fprintf(p.w, "\r%s: %d of %d records (%d%%)", p.what, done, total, pct)
			p.lastDraw = now
		}
		return
	}
	if tenth := pct / 10; tenth > p.lastTenth {
		p.lastTenth = tenth
		fmt.Fprintf(p.w, "%s: %d of %d records (%d%%)\n", p.what, done, total, pct)
	}
}

// done ends the line on a terminal.
func (p *progressLine) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal && !p.lastDraw.IsZero() {
		fmt.Fprintln(p.w)
	}
}
