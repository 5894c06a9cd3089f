package testwait

import (
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	n := 0
	if !Until(10*time.Second, func() bool { n++; return n == 3 }) || n != 3 {
		t.Errorf("Until a condition that holds on the third poll: n = %d", n)
	}
	if Until(20*time.Millisecond, func() bool { return false }) {
		t.Error("Until a condition that never holds reported it held")
	}
}
