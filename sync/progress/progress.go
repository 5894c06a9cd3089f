// Package progress shows how a sync advances, for `intercom-replica sync`: a progress bar per kind (done/total,
// rate, ETA) on a terminal, or periodic log lines otherwise. Both take the syncer's events
// ([replsync.ProgressEvent], through Options.Progress) and are safe for concurrent use.
//
// It imports the syncer (for the event type) and mpb; nothing imports it but cmd.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	gosync "sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
)

// ewmaAge is how many updates the bars' rate and ETA average over.
const ewmaAge = 30

// Bars draws a progress bar per kind on a terminal. Write log lines through it (it is an io.Writer) so that they
// print above the bars instead of through them. Call Close when the sync is over.
type Bars struct {
	p    *mpb.Progress
	mu   gosync.Mutex
	bars map[query.Kind]*bar
}

type bar struct {
	b    *mpb.Bar
	last time.Time
}

// NewBars returns bars drawing on w (a terminal; use [NewLog] for anything else).
func NewBars(w io.Writer) *Bars {
	// Auto refresh also when w is not a terminal, so the bars can be tested; NewLog is for non-terminals.
	p := mpb.New(mpb.WithOutput(w), mpb.WithRefreshRate(150*time.Millisecond), mpb.WithAutoRefresh())
	return &Bars{p: p, bars: map[query.Kind]*bar{}}
}

// Event updates the kind's bar, creating it on the kind's first event.
func (b *Bars) Event(ev replsync.ProgressEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	br := b.bars[ev.Kind]
	if br == nil {
		br = &bar{last: now, b: b.p.AddBar(int64(max(ev.Total, ev.Done)), mpb.BarWidth(40),
			mpb.PrependDecorators(
				decor.Name(ev.Kind.Nouns(), decor.WC{W: 14, C: decor.DindentRight}),
				decor.CountersNoUnit("%d / %d", decor.WCSyncWidth),
			),
			mpb.AppendDecorators(
				decor.EwmaSpeed(nil, "%.1f/s", ewmaAge, decor.WCSyncSpace),
				decor.OnComplete(decor.EwmaETA(decor.ET_STYLE_GO, ewmaAge, decor.WCSyncSpace), "done"),
			),
		)}
		b.bars[ev.Kind] = br
		br.b.SetCurrent(int64(ev.Done)) // a resumed backfill starts where it stopped, not at zero speed
		if !ev.Finished {
			return
		}
	}
	if ev.Total > 0 {
		br.b.SetTotal(int64(max(ev.Total, ev.Done)), false)
	}
	br.b.EwmaSetCurrent(int64(ev.Done), now.Sub(br.last))
	br.last = now
	if ev.Finished {
		br.b.SetTotal(int64(ev.Done), true)
	}
}

// Write prints p above the bars.
func (b *Bars) Write(p []byte) (int, error) { return b.p.Write(p) }

// Close stops the bars (unfinished ones are left as they are) and waits until they are drawn for the last time.
func (b *Bars) Close() {
	b.mu.Lock()
	for _, br := range b.bars {
		if !br.b.Completed() {
			br.b.Abort(false)
		}
	}
	b.mu.Unlock()
	b.p.Wait()
}

// Log reports progress as log lines, at most one per kind per interval (and always when a kind finishes).
type Log struct {
	log   *slog.Logger
	every time.Duration
	mu    gosync.Mutex
	kinds map[query.Kind]*logState
}

type logState struct {
	first     time.Time
	firstDone int
	last      time.Time
}

// NewLog returns a reporter logging to log at Info, at most once per kind per every (0 means 10 seconds).
func NewLog(log *slog.Logger, every time.Duration) *Log {
	if every <= 0 {
		every = 10 * time.Second
	}
	return &Log{log: log, every: every, kinds: map[query.Kind]*logState{}}
}

// Event logs the kind's progress if its interval has passed or it finished.
func (l *Log) Event(ev replsync.ProgressEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	st := l.kinds[ev.Kind]
	if st == nil {
		st = &logState{first: now, firstDone: ev.Done}
		l.kinds[ev.Kind] = st
	} else if !ev.Finished && now.Sub(st.last) < l.every {
		return
	}
	st.last = now
	attrs := []any{"kind", ev.Kind, "done", ev.Done, "total", ev.Total}
	if ev.Total > 0 {
		attrs = append(attrs, "percent", min(100, ev.Done*100/ev.Total))
	}
	if elapsed := now.Sub(st.first).Seconds(); elapsed >= 1 && ev.Done > st.firstDone {
		rate := float64(ev.Done-st.firstDone) / elapsed
		attrs = append(attrs, "per_second", fmt.Sprintf("%.1f", rate))
		if left := ev.Total - ev.Done; left > 0 && !ev.Finished {
			attrs = append(attrs, "eta", time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second).String())
		}
	}
	msg := ev.Pass + " progress"
	if ev.Finished {
		msg = ev.Pass + " complete"
	}
	l.log.Info(msg, attrs...)
}
