package mcp

import (
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// testTable is a session table on a clock the test moves, recording which sessions it ended.
type testTable struct {
	*sessionTable
	clock *fakeintercom.Clock
	ended []string // in the order they were ended
}

func newTestTable(ttl time.Duration, maxSessions int) *testTable {
	tt := &testTable{clock: fakeintercom.NewClock(time.Unix(1_750_000_000, 0))}
	tt.sessionTable = newSessionTable(ttl, maxSessions, tt.clock.Now, slog.New(slog.DiscardHandler),
		func(id string) { tt.ended = append(tt.ended, id) })
	return tt
}

// addSSE admits an SSE session whose stream records its end the way the table's end does for Streamable HTTP.
func (tt *testTable) addSSE(id string) {
	tt.add(id, true, func() { tt.ended = append(tt.ended, id) })
}

func (tt *testTable) wantEnded(t *testing.T, want ...string) {
	t.Helper()
	if !slices.Equal(tt.ended, want) {
		t.Fatalf("ended %v, want %v", tt.ended, want)
	}
}

func (tt *testTable) wantLive(t *testing.T, n int) {
	t.Helper()
	if got := tt.len(); got != n {
		t.Fatalf("%d live sessions, want %d", got, n)
	}
}

func TestSessionTable_IdleStreamableSessionsExpire(t *testing.T) {
	t.Parallel()
	tt := newTestTable(10*time.Minute, 100)
	tt.add("a", false, nil)
	tt.add("b", false, nil)
	tt.addSSE("s") // an SSE session lives as long as its stream
	tt.clock.Advance(9 * time.Minute)
	tt.begin("b") // a request of b, still running
	tt.sweep()
	tt.wantEnded(t)

	tt.clock.Advance(time.Minute) // a idle for 10 minutes, b busy, s idle but SSE
	tt.sweep()
	tt.wantEnded(t, "a")
	tt.wantLive(t, 2)

	tt.done("b") // b's request ends: idle from now on
	tt.clock.Advance(10*time.Minute - time.Second)
	tt.sweep()
	tt.wantEnded(t, "a")
	tt.clock.Advance(time.Second)
	tt.add("c", false, nil) // admitting a session sweeps too
	tt.wantEnded(t, "a", "b")
	tt.wantLive(t, 2) // s and c
}

func TestSessionTable_BoundEndsTheLeastRecentlyActiveIdleSession(t *testing.T) {
	t.Parallel()
	tt := newTestTable(time.Hour, 3)
	for _, id := range []string{"a", "b", "c"} {
		tt.add(id, false, nil)
		tt.clock.Advance(time.Second)
	}
	tt.begin("a") // a is used again: b is now the least recently active
	tt.done("a")
	tt.add("d", false, nil)
	tt.wantEnded(t, "b")
	tt.wantLive(t, 3)

	tt.begin("c") // c has a request in flight: the oldest idle one goes, a
	tt.addSSE("e")
	tt.wantEnded(t, "b", "a")

	tt.begin("d") // every session busy: the least recently active goes all the same
	tt.begin("e")
	tt.clock.Advance(time.Second)
	tt.add("f", false, nil)
	tt.wantEnded(t, "b", "a", "c")
	tt.wantLive(t, 3)

	tt.forget("f") // its client's DELETE
	tt.wantLive(t, 2)
	tt.done("f") // its request ending after the DELETE changes nothing
	tt.done("c") // nor one of a session already ended
	tt.wantLive(t, 2)
	tt.add("g", false, nil)
	tt.wantEnded(t, "b", "a", "c")
	tt.wantLive(t, 3)
}

func TestSessionTable_NeverAboveTheBound(t *testing.T) {
	t.Parallel()
	tt := newTestTable(time.Minute, 10)
	for i := range 1000 {
		id := fmt.Sprint("session-", i)
		if i%3 == 0 {
			tt.addSSE(id)
		} else {
			tt.add(id, false, nil)
		}
		if i%7 == 0 {
			tt.begin(id)
		}
		if n := tt.len(); n > 10 {
			t.Fatalf("after %d sessions, %d live", i+1, n)
		}
		tt.clock.Advance(time.Second)
	}
	if len(tt.ended) != 990 {
		t.Errorf("%d sessions ended, want 990", len(tt.ended))
	}
}

// len returns the number of live sessions.
func (t *sessionTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.order.Len()
}

func TestSessionTable_EndedSessionsComeBackDeletedOnesDoNot(t *testing.T) {
	t.Parallel()
	tt := newTestTable(time.Minute, 2)
	a, b, c := tt.ids.issue(), tt.ids.issue(), tt.ids.issue()
	for _, id := range []string{a, b, c} {
		tt.add(id, false, nil) // c ends a to make room
		tt.clock.Advance(time.Second)
	}
	tt.wantEnded(t, a)
	if !tt.open(a) { // its client's next request: it comes back, ending b
		t.Fatal("a session the table ended does not come back")
	}
	tt.done(a)
	tt.wantEnded(t, a, b)
	tt.wantLive(t, 2)

	if !tt.terminate(a) || !tt.terminate(b) { // its client's DELETE, live or not
		t.Fatal("DELETE of a session refused")
	}
	tt.wantLive(t, 1)
	for _, id := range []string{a, b, "nope", newTestTable(time.Minute, 2).ids.issue(), a[:len(a)-1] + "A"} {
		if tt.open(id) {
			t.Errorf("session %q was opened", id)
		}
		if tt.terminate(id) {
			t.Errorf("session %q was deleted", id)
		}
	}
	tt.addSSE("s") // an SSE session is not a Streamable HTTP one
	if tt.open("s") || tt.terminate("s") {
		t.Error("an SSE session was opened or deleted as a Streamable HTTP one")
	}
	tt.wantLive(t, 2) // c and s
}

func TestSessionTable_DeletedSessionsAreRememberedWithinBounds(t *testing.T) {
	t.Parallel()
	tt := newTestTable(time.Minute, 10)
	var first string
	for i := range maxTombstones + 10 {
		id := tt.ids.issue()
		if i == 0 {
			first = id
		}
		tt.add(id, false, nil)
		tt.terminate(id)
		if i == maxTombstones-1 && tt.open(first) {
			t.Fatal("a deleted session came back")
		}
	}
	if n := len(tt.deleted.by); n != maxTombstones {
		t.Errorf("%d deleted sessions remembered, want %d", n, maxTombstones)
	}
	if !tt.open(first) {
		t.Error("the oldest deleted session, forgotten, does not come back as an ended one does")
	}
}

func TestSessionTable_OneEventStreamPerSession(t *testing.T) {
	t.Parallel()
	tt := newTestTable(time.Minute, 1)
	a := tt.ids.issue()
	tt.add(a, false, nil)
	var ended []int
	streams := make([]func(), 3)
	for i := range streams {
		if !tt.open(a) {
			t.Fatal("session not opened")
		}
		stream := &eventStream{closed: make(chan struct{})}
		stream.cancel = func() {
			ended = append(ended, i)
			streams[i]() // its handler returns
		}
		streams[i] = tt.attachStream(t.Context(), a, stream)
	}
	if !slices.Equal(ended, []int{0, 1}) {
		t.Fatalf("streams ended %v, want the first two", ended)
	}
	tt.add(tt.ids.issue(), false, nil) // a busy with its stream, ended all the same to make room: its stream too
	if !slices.Equal(ended, []int{0, 1, 2}) {
		t.Fatalf("streams ended %v, want all three", ended)
	}
	tt.wantEnded(t, a)
}
