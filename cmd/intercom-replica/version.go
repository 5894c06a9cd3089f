package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

func runVersion(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("version", "version", "  intercom-replica version\n")
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, versionString())
	return nil
}

// versionString describes the running binary: formatVersion of its embedded build information.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return formatVersion(info)
}

// formatVersion describes a binary from its build information (nil when it has none): the module version, the
// VCS revision and commit time, whether the tree was modified, and the Go version. go build and go install in a
// clone of the repository record the VCS settings; go run and -buildvcs=false do not.
func formatVersion(info *debug.BuildInfo) string {
	if info == nil {
		return "intercom-replica (unknown version: the binary has no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var b strings.Builder
	b.WriteString("intercom-replica " + version + ", ")
	if rev == "" {
		b.WriteString("(no version control information)")
	} else {
		b.WriteString("commit " + rev[:min(len(rev), 12)])
		if modified {
			b.WriteString(" (modified: uncommitted changes)")
		}
		if when != "" {
			b.WriteString(" of " + when)
		}
	}
	b.WriteString(", built with " + info.GoVersion)
	return b.String()
}
