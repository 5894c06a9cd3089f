package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: the collector's target is raised for the replica's bulk writes, unless the person set GOGC.
func TestTuneGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	for _, tc := range []struct {
		gogc string
		want int // the target after tuneGC
	}{{"", gcPercent}, {"50", 100}, {"off", 100}} {
		debug.SetGCPercent(100)
		tuneGC(func(k string) string {
			if k == "GOGC" {
				return tc.gogc
			}
			return ""
		})
		if got := debug.SetGCPercent(100); got != tc.want {
			t.Errorf("GOGC=%q: target %d, want %d", tc.gogc, got, tc.want)
		}
	}
}
