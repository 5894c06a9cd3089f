package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

func runVersion(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("version", "version", "  intercom-replica version\n")
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, versionString())
	return nil
}

// versionString describes the running binary from its embedded build information: module version, VCS revision
// and time, whether the tree was modified, and the Go version.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "intercom-replica (unknown version: no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, when, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " (modified)"
			}
		}
	}
	out := "intercom-replica " + version
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		out += fmt.Sprintf(" commit %s%s", rev, dirty)
	}
	if when != "" {
		out += " built from a tree of " + when
	}
	return out + " " + info.GoVersion
}
