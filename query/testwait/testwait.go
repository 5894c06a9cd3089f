// Package testwait is how the module's tests wait for something to happen: they poll a condition until it holds,
// with a deadline, instead of sleeping for a guessed time. It is for tests only. It lives under query, the package
// every other one may depend on, because the module keeps to its six top-level folders (no internal/).
package testwait

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// For polls cond until it holds, and fails the test with t.Fatalf if it still does not after within, saying what
// was awaited ("timed out after 10s waiting for the queue to drain"). Like t.Fatalf, it must be called from the
// goroutine running the test.
func For(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	if !Until(within, cond) {
		t.Fatalf("timed out after %v waiting for %s", within, what)
	}
}

// Until polls cond every 5 ms until it holds or within has passed, and reports whether it held: For, for a test
// that has something to clean up (a process it started) before it fails.
func Until(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// Buffer is a bytes.Buffer safe for concurrent use: the log or output of a server under test, written by its
// goroutines while the test reads it (and waits for a line in it with For).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Reset forgets what was written.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}
