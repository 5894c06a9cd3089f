package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Exit codes, as documented in the README.
const (
	exitOK      = 0 // success
	exitRuntime = 1 // the command ran and failed
	exitUsage   = 2 // bad flags, arguments or configuration
)

// Main is the program with its environment injected, so tests drive it exactly as a user's shell does.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv looks up environment variables; tests replace it instead of mutating the process environment.
	Getenv func(string) string
}

// NewMain returns a Main wired to the process's standard streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// command is one subcommand: its name, a one-line summary for the top-level help, and the function that runs it.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands lists every subcommand; the order here is the order of the top-level help.
func commands() []command {
	return []command{
		{"version", "print the version and build information", runVersion},
		{"fake-intercom", "serve a fake Intercom API over a seeded synthetic workspace", runFakeIntercom},
		{"sync", "copy the workspace into the replica: backfill, then what changed", runSync},
	}
}

// usageError marks an error as the user's (bad flag, bad argument): it exits 2 instead of 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Run runs the subcommand named by args[0] and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		m.printUsage(m.Stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		m.printUsage(m.Stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, m, args[1:])
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, new(usageError)):
			fmt.Fprintf(m.Stderr, "intercom-replica %s: %v\n", name, err)
			fmt.Fprintf(m.Stderr, "Run 'intercom-replica %s --help' for usage.\n", name)
			return exitUsage
		default:
			fmt.Fprintf(m.Stderr, "intercom-replica %s: %v\n", name, err)
			return exitRuntime
		}
	}
	fmt.Fprintf(m.Stderr, "intercom-replica: unknown command %q\n\n", name)
	m.printUsage(m.Stderr)
	return exitUsage
}

func (m *Main) printUsage(w io.Writer) {
	cmds := commands()
	var b strings.Builder
	b.WriteString("intercom-replica keeps a local, searchable replica of an Intercom workspace and serves it over MCP.\n\n")
	b.WriteString("Usage:\n  intercom-replica <command> [flags]\n\nCommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "  %-14s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'intercom-replica <command> --help' for a command's flags and examples.\n")
	io.WriteString(w, b.String())
}

// newFlagSet returns a flag set for a subcommand whose errors and help go to the Main's stderr, with an examples
// section printed after the flag defaults.
func (m *Main) newFlagSet(name, synopsis, examples string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: intercom-replica %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(fs.Output(), "\nExamples:\n%s", examples)
		}
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. Help (-h) is returned as flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// logger returns the operator log: text on stderr (stdout belongs to the protocol and to command output).
func (m *Main) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
}
