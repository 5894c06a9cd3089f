package main

import (
	"runtime/debug"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	t.Parallel()
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-buildmode", Value: "exe"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-05T16:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"a release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs("false")},
			"intercom-replica v1.2.0, commit 0123456789ab of 2026-12-05T16:00:00Z, built with go1.26.8"},
		{"a build from a modified tree", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261205160000-0123456789ab+dirty"}, Settings: vcs("true")},
			"intercom-replica v0.0.0-20261205160000-0123456789ab+dirty, commit 0123456789ab (modified: uncommitted changes) of 2026-12-05T16:00:00Z, built with go1.26.8"},
		{"go run, or -buildvcs=false", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"intercom-replica (devel), (no version control information), built with go1.26.8"},
		{"no module version", &debug.BuildInfo{GoVersion: "go1.26.8"},
			"intercom-replica (devel), (no version control information), built with go1.26.8"},
		{"no build information at all", nil,
			"intercom-replica (unknown version: the binary has no build information)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatVersion(tc.info); got != tc.want {
				t.Errorf("formatVersion:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
