package sync

import (
	"context"
	"errors"
	"log/slog"
	"math"
	gosync "sync"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// ErrNoBudget is returned (wrapped) by a [PriorityLive] handle's Wait, and so by a live lookup, when the current
// rate-limit window has no room left for another request, or Intercom asked us to back off. The caller should serve
// what it has and try again later; nothing waits.
var ErrNoBudget = errors.New("no room in Intercom's rate limit right now")

// Priority says whose requests a [Budget] handle paces.
type Priority int

const (
	// PrioritySync paces the background syncer: its requests are spread evenly over each rate-limit window and
	// stop short of the reserve, so live lookups always find room.
	PrioritySync Priority = iota
	// PriorityLive is for interactive lookups (get_conversation, get_contact): they may use the whole window,
	// reserve included, and never wait: when there is no room, Wait fails at once with [ErrNoBudget].
	PriorityLive
)

// String returns "sync" or "live".
func (p Priority) String() string {
	if p == PriorityLive {
		return "live"
	}
	return "sync"
}

// Defaults of [BudgetOptions].
const (
	// DefaultRateWindow is the window length assumed until two consecutive X-RateLimit-Reset values show the real
	// one: Intercom documents 10-second windows.
	DefaultRateWindow = 10 * time.Second

	// inflightTTL forgets a request that was let through but neither answered (Observe) nor reported unanswered
	// (Unanswered), so that a pacer user that reports neither cannot hold the window forever.
	inflightTTL = 2 * time.Minute

	// maxResetAhead is the furthest ahead of the local clock an X-RateLimit-Reset is believed. Intercom's windows
	// are 10 seconds long; a reset further away (a proxy's, a broken clock's) would hold every request back for as
	// long, so the budget ignores it and keeps windows of its own.
	maxResetAhead = time.Minute

	// maxThrottle caps how long a 429 holds every handle back, whatever its X-RateLimit-Reset says: the client's
	// longest wait after a 429 (intercom.DefaultMaxRateLimitWait).
	maxThrottle = intercom.DefaultMaxRateLimitWait

	// warnEvery spaces the budget's warnings about headers it does not believe.
	warnEvery = 10 * time.Minute

	// minSkewStep is the first step by which the learned clock skew grows when the local clock turns out to run
	// ahead of Intercom's.
	minSkewStep = 50 * time.Millisecond
)

// BudgetOptions configures a [Budget]. The zero value keeps no reserve and sets no ceiling.
type BudgetOptions struct {
	// ReservePercent (0..99) is the share of every window the sync handle leaves unused for live lookups.
	// configs' sync.rate_reserve_percent, default 20.
	ReservePercent int

	// MaxRequestsPerMinute caps the sync handle's request rate (a token bucket holding ten seconds' worth), for
	// workspaces whose limit is shared with other apps. 0 means no cap beyond the X-RateLimit headers. Live
	// lookups are not capped.
	MaxRequestsPerMinute int

	// Logger receives a warning when Intercom's X-RateLimit-Reset cannot be believed (hours away) and is capped or
	// ignored; nil discards.
	Logger *slog.Logger
}

// Budget is one workspace's share of Intercom's rate limit, fed by the X-RateLimit-Limit, -Remaining and -Reset
// headers of every answer. Intercom counts requests in 10-second windows; the budget follows the server's windows
// (learning their length and how far the local clock is off from the Reset values), counts what it has let
// through, and believes the server when it reports more use (other apps on the same workspace).
//
// Requests go through handles ([Budget.Pacer]), one per client and priority, so that a sync client and a live
// client share one count. The sync handle spreads its requests over the window (a ramp from a small burst to the
// window's allowance) and stops at (100 − ReservePercent)% of the limit; the live handle may use the rest and
// never waits. With honest headers the budget never lets a request through that the server would refuse; after a
// 429 anyway, every handle holds off until the window resets.
//
// A Budget is safe for concurrent use. Until the first answer, it lets one request through at a time, to learn
// the limit; if answers carry no rate-limit headers at all, only the ceiling applies.
type Budget struct {
	reserve int
	rpm     int
	log     *slog.Logger

	mu        gosync.Mutex
	changed   chan struct{} // closed and replaced whenever an answer arrives
	windowLen time.Duration
	answered  bool          // any answer observed
	headers   bool          // any answer carried rate-limit headers
	limit     int           // X-RateLimit-Limit
	end       time.Time     // the end of the newest window an answer has announced (X-RateLimit-Reset, server clock)
	skew      time.Duration // how far the local clock runs ahead of the server's (window boundaries + skew = local)
	bump      time.Duration // the next step of skew when the clock turns out to run ahead
	win       counts        // the window the local clock is in
	prev      counts        // the window before it, in case the server turns out to be still in it
	inflight  []time.Time   // send times of requests not answered yet, oldest first
	blocked   time.Time     // after a 429: nothing goes out before this (local clock)
	tokens    float64       // ceiling bucket
	tokensAt  time.Time
	warnedAt  time.Time // the last warning about an unbelievable header

	stats BudgetStats
}

// counts is what the budget knows about one window.
type counts struct {
	end       time.Time // the window's end (server clock): announced, or predicted from the last announced one
	confirmed bool      // an answer announcing this window has arrived
	probes    int       // requests let through before it was confirmed
	svrUsed   int       // the most the server reported used in it (limit − remaining)
	granted   int       // requests let through in it
}

// BudgetStats counts what a Budget did since it was created.
type BudgetStats struct {
	Granted   [2]int64      // requests let through, by Priority
	Denied    int64         // live requests refused for lack of room
	Waits     int64         // sync requests that had to wait
	Waited    time.Duration // total time sync requests waited
	Throttled int64         // 429 answers reported
}

// BudgetState is a snapshot of the budget's view of the current window, for metrics and status.
type BudgetState struct {
	Limit     int           // X-RateLimit-Limit of the current window; 0 when unknown
	Used      int           // requests counted in the current window (ours and, per the headers, others')
	SyncCap   int           // what the sync handle may use of the window
	WindowEnd time.Time     // when the current window ends (local clock); zero when unknown
	Window    time.Duration // window length
	Skew      time.Duration // learned offset of the local clock ahead of the server's
	Stats     BudgetStats
}

// NewBudget returns a budget with no knowledge of the limit yet. ReservePercent is clamped to 0..99.
func NewBudget(opts BudgetOptions) *Budget {
	b := &Budget{
		reserve:   min(max(opts.ReservePercent, 0), 99),
		rpm:       max(opts.MaxRequestsPerMinute, 0),
		changed:   make(chan struct{}),
		windowLen: DefaultRateWindow,
		bump:      minSkewStep,
		log:       opts.Logger,
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.rpm > 0 {
		b.tokens = b.bucketSize()
	}
	return b
}

// Pacer returns a handle onto the budget that paces one client with priority p. Give each client its own handle
// (intercom.Options.Pacer); handles of the same Budget share its count.
func (b *Budget) Pacer(p Priority) *BudgetHandle { return &BudgetHandle{b: b, prio: p} }

// State returns a snapshot of the current window and the counters.
func (b *Budget) State() BudgetState {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.rollover(now)
	st := BudgetState{Limit: b.limit, Used: b.used(), SyncCap: b.syncCap(), Window: b.windowLen, Skew: b.skew, Stats: b.stats}
	if !b.win.end.IsZero() {
		st.WindowEnd = b.win.end.Add(b.skew)
	}
	return st
}

// BudgetHandle is one client's view of a [Budget]; it implements [intercom.Pacer].
type BudgetHandle struct {
	b    *Budget
	prio Priority
}

var _ intercom.Pacer = (*BudgetHandle)(nil)

// Priority returns the handle's priority.
func (h *BudgetHandle) Priority() Priority { return h.prio }

// Wait blocks until the budget lets the next request through (sync), or returns [ErrNoBudget] at once when it
// would have to wait (live). It returns ctx.Err() as soon as ctx is done.
func (h *BudgetHandle) Wait(ctx context.Context) error {
	b := h.b
	var waitStart time.Time
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := time.Now()
		b.mu.Lock()
		wake, ok := b.decide(now, h.prio)
		if ok {
			b.grant(now, h.prio)
			if !waitStart.IsZero() {
				b.stats.Waited += now.Sub(waitStart)
			}
			b.mu.Unlock()
			return nil
		}
		if h.prio == PriorityLive {
			b.stats.Denied++
			b.mu.Unlock()
			return ErrNoBudget
		}
		if waitStart.IsZero() {
			waitStart = now
			b.stats.Waits++
		}
		changed := b.changed
		b.mu.Unlock()

		var timer *time.Timer
		var fire <-chan time.Time
		if !wake.IsZero() {
			timer = time.NewTimer(max(wake.Sub(now), time.Millisecond))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-changed:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// Observe feeds the budget the rate-limit headers of an answer.
func (h *BudgetHandle) Observe(rl intercom.RateLimit) { h.b.observe(time.Now(), rl) }

// Throttled tells the budget an answer was a 429: every handle holds off until the window resets.
func (h *BudgetHandle) Throttled(rl intercom.RateLimit) { h.b.throttled(time.Now(), rl) }

// Unanswered tells the budget a request it let through got no answer (a transport error): it no longer counts as
// in flight, and whoever waits for room is woken.
func (h *BudgetHandle) Unanswered() { h.b.unanswered() }

// --- the model, under b.mu --------------------------------------------------------------------------------------

// used is what the current window has spent: our requests, or what the server said plus what it has not yet
// answered, whichever is more.
func (b *Budget) used() int { return max(b.win.granted, b.win.svrUsed+len(b.inflight)) }

// syncCap is how much of a window the sync handle may use: the limit minus the reserve, at least one request.
func (b *Budget) syncCap() int { return max(1, b.limit*(100-b.reserve)/100) }

func (b *Budget) bucketSize() float64 { return max(1, float64(b.rpm)/6) }

// rollover moves to the window the local clock is in, predicting its end from the last announced one, and forgets
// requests that were never answered. While no answer has announced a window (rate-limit headers without a
// believable X-RateLimit-Reset), windows of the default length start whenever the last one has ended.
func (b *Budget) rollover(now time.Time) {
	for len(b.inflight) > 0 && now.Sub(b.inflight[0]) > inflightTTL {
		b.inflight = b.inflight[1:]
	}
	if b.end.IsZero() {
		if b.headers && !now.Before(b.win.end) {
			b.prev, b.win = b.win, counts{end: now.Add(b.windowLen), confirmed: true}
		}
		return
	}
	end := b.end
	if !now.Before(end.Add(b.skew)) {
		end = end.Add((now.Sub(end.Add(b.skew))/b.windowLen + 1) * b.windowLen)
	}
	if end.After(b.win.end) {
		b.prev, b.win = b.win, counts{end: end}
	}
}

// decide reports whether a request of priority p may go now; if not, wake is when asking again may help (zero:
// only when an answer arrives).
func (b *Budget) decide(now time.Time, p Priority) (wake time.Time, ok bool) {
	b.rollover(now)
	if now.Before(b.blocked) {
		return b.blocked, false
	}
	if p == PrioritySync && b.rpm > 0 {
		b.refill(now)
		if b.tokens < 1 {
			perSec := float64(b.rpm) / 60
			return now.Add(time.Duration((1 - b.tokens) / perSec * float64(time.Second))), false
		}
	}
	if !b.headers {
		if b.answered || p == PriorityLive || len(b.inflight) == 0 {
			return time.Time{}, true // no rate-limit headers (yet): nothing to go by but the ceiling
		}
		// Learn the limit from the first answer. A request that gets none is reported (Unanswered), which wakes
		// this wait; the TTL is the bound should that never come.
		return b.inflight[0].Add(inflightTTL), false
	}
	used := b.used()
	if p == PriorityLive {
		return time.Time{}, used < b.limit
	}
	capacity := b.syncCap()
	if used >= capacity {
		return b.win.end.Add(b.skew), false
	}
	start := b.win.end.Add(b.skew - b.windowLen)
	if !b.win.confirmed {
		// The local clock says a new window began, but no answer has confirmed that the server agrees (or what its
		// end is). Let a few requests through: their answers tell; more would risk a 429 if the clock is ahead.
		if b.win.probes < max(1, b.limit/50) {
			return time.Time{}, true
		}
		if deadline := start.Add(b.windowLen / 5); now.Before(deadline) {
			return deadline, false
		}
		// No answer for a fifth of the window: the server has certainly moved on.
		b.win.confirmed = true
	}
	// Spread the window's allowance evenly: a small burst at its start, then a linear ramp.
	burst := max(1, capacity/10)
	elapsed := min(max(now.Sub(start), 0), b.windowLen)
	ramp := burst + int(int64(capacity)*int64(elapsed)/int64(b.windowLen))
	if used < min(capacity, ramp) {
		return time.Time{}, true
	}
	// The ramp reaches used+1 at start + (used+1−burst)·window/capacity.
	need := time.Duration(math.Ceil(float64(used+1-burst) * float64(b.windowLen) / float64(capacity)))
	return start.Add(need), false
}

func (b *Budget) refill(now time.Time) {
	if !b.tokensAt.IsZero() {
		b.tokens = min(b.bucketSize(), b.tokens+now.Sub(b.tokensAt).Seconds()*float64(b.rpm)/60)
	}
	b.tokensAt = now
}

func (b *Budget) grant(now time.Time, p Priority) {
	b.win.granted++
	if !b.win.confirmed {
		b.win.probes++
	}
	b.inflight = append(b.inflight, now)
	if p == PrioritySync && b.rpm > 0 {
		b.tokens--
	}
	b.stats.Granted[p]++
}

// unanswered takes in a request that got no answer. It forgets the newest send time: the oldest left is then
// still no later than any request in flight, which is what observe relies on.
func (b *Budget) unanswered() {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer b.broadcast()
	if n := len(b.inflight); n > 0 {
		b.inflight = b.inflight[:n-1]
	}
}

// warn logs a warning about a header the budget does not believe, at most once every warnEvery. The caller holds
// b.mu.
func (b *Budget) warn(now time.Time, msg string, args ...any) {
	if !b.warnedAt.IsZero() && now.Sub(b.warnedAt) < warnEvery {
		return
	}
	b.warnedAt = now
	b.log.Warn(msg, args...)
}

func (b *Budget) broadcast() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// observe takes in an answer's headers.
func (b *Budget) observe(now time.Time, rl intercom.RateLimit) {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer b.broadcast()
	b.rollover(now)
	var sent time.Time // the oldest unanswered send time: no later than this answer's request was sent
	if len(b.inflight) > 0 {
		sent = b.inflight[0]
		b.inflight = b.inflight[1:]
	}
	b.answered = true
	if !rl.Known() {
		return
	}
	b.headers = true
	if !rl.Reset.IsZero() && rl.Reset.Add(b.skew).Sub(now) > maxResetAhead {
		b.warn(now, "Intercom's X-RateLimit-Reset is implausibly far away; pacing by windows of the budget's own instead",
			"reset_in", rl.Reset.Add(b.skew).Sub(now).Round(time.Second).String(), "window", b.windowLen.String())
		rl.Reset = time.Time{}
	}
	if rl.Limit > 0 {
		b.limit = rl.Limit
	}
	if b.limit == 0 {
		b.limit = 1 // a Remaining without a Limit: be careful until a Limit arrives
	}
	serverUsed := 0
	if rl.HasRemaining {
		serverUsed = max(b.limit-rl.Remaining, 0)
	}
	switch {
	case rl.Reset.IsZero():
		b.win.svrUsed = max(b.win.svrUsed, serverUsed)
	case b.end.IsZero() || rl.Reset.After(b.end):
		if !b.end.IsZero() {
			d := rl.Reset.Sub(b.end)
			// Resets are whole windows apart, so the smallest step seen is the window's length.
			if d < b.windowLen {
				b.windowLen = d
			}
			// The server had entered this window when it answered, before now: if the local clock had not reached
			// the previous window's end, it runs behind the server by at least the difference.
			if d == b.windowLen && now.Before(b.end.Add(b.skew)) {
				b.skew = max(now.Sub(b.end), -b.windowLen)
				b.bump = minSkewStep
			}
		}
		b.end = rl.Reset
		if !b.win.end.Equal(rl.Reset) {
			b.prev, b.win = b.win, counts{end: rl.Reset}
		}
		b.win.svrUsed = max(b.win.svrUsed, serverUsed)
		b.win.confirmed = true
	case rl.Reset.Equal(b.end) && b.win.end.After(b.end) && !sent.IsZero() && !sent.Before(b.end.Add(b.skew)):
		// A request sent after the local clock left the announced window was answered within it: the clock runs
		// ahead by at least sent − end. Go back to that window. (An answer to a request sent before the local end
		// that arrives after it says nothing: it was just slow.)
		// The bound is weak when the request left just after the local end, so step beyond it, by more each time.
		b.skew = min(max(b.skew, sent.Sub(b.end))+b.bump, b.windowLen/2)
		b.bump = min(2*b.bump, b.windowLen/4)
		if b.prev.end.Equal(b.end) {
			b.win = b.prev
		} else {
			b.win = counts{end: b.end}
		}
		b.prev = counts{}
		b.win.svrUsed = max(b.win.svrUsed, serverUsed)
		b.win.confirmed = true
	case rl.Reset.Equal(b.end):
		b.win.svrUsed = max(b.win.svrUsed, serverUsed)
		b.win.confirmed = true
	}
}

// throttled takes in a 429.
func (b *Budget) throttled(now time.Time, rl intercom.RateLimit) {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer b.broadcast()
	b.stats.Throttled++
	until := now.Add(time.Second)
	if !rl.Reset.IsZero() {
		until = rl.Reset.Add(max(b.skew, 0))
	}
	if limit := now.Add(maxThrottle); until.After(limit) {
		b.warn(now, "a 429's X-RateLimit-Reset is further away than the longest rate-limit wait; holding requests back for that long only",
			"reset_in", until.Sub(now).Round(time.Second).String(), "wait", maxThrottle.String())
		until = limit
	}
	if until.After(b.blocked) {
		b.blocked = until
	}
	if !rl.Reset.IsZero() && rl.Reset.Equal(b.win.end) {
		b.win.svrUsed = max(b.win.svrUsed, b.limit)
	}
}
