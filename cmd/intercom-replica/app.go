package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/intercom-replica/intercom-replica/configs"
	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/mcp/peer"
	"github.com/intercom-replica/intercom-replica/query"
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

	// stdinTerminal, when set, replaces the check whether a person types at Stdin (for tests).
	stdinTerminal func() bool
	// openReplica, when set, replaces index.Open in serve (tests hold it to keep the replica opening).
	openReplica func(ctx context.Context, dir string, opts index.Options) (*index.Replica, error)
	// openWait, when set, replaces how long serve's tool calls wait for the replica to open (tests).
	openWait time.Duration
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
		{"serve", "serve the replica to MCP clients (stdio or HTTP), keeping it in sync", runServe},
		{"sync", "copy the workspace into the replica: backfill, then what changed", runSync},
		{"search", "search the replica with the query language", runSearch},
		{"get", "show one conversation (a transcript) or contact (a card)", runGet},
		{"status", "what the replica holds, how fresh it is, and how healthy", runStatus},
		{"export", "write every record, or a query's matches, as JSON lines or CSV", runExport},
		{"report", "count and measure what a query matches, grouped: exact totals, by tag, per week, ...", runReport},
		{"reindex", "rebuild the full-text index from the stored records", runReindex},
		{"tokens", "list or revoke the tokens of people who signed in with Intercom (OAuth)", runTokens},
		{"fake-intercom", "serve a fake Intercom API over a seeded synthetic workspace", runFakeIntercom},
		{"version", "print the version and build information", runVersion},
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
		if len(args) > 1 && args[0] == "help" { // help search: the command's own help
			return m.Run(ctx, []string{args[1], "--help"})
		}
		m.printUsage(m.Stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	if strings.HasPrefix(name, "-") { // a flag before the command: say where it goes, with the line corrected
		if i := slices.IndexFunc(args, isCommand); i > 0 {
			fixed := append(append([]string{args[i]}, args[:i]...), args[i+1:]...)
			words := make([]string, len(fixed))
			for j, w := range fixed {
				words[j] = shellWord(w)
			}
			fmt.Fprintf(m.Stderr, "intercom-replica: flags go after the command: intercom-replica %s\n", mcp.Sanitize(strings.Join(words, " ")))
			fmt.Fprintf(m.Stderr, "Run 'intercom-replica %s --help' for usage.\n", args[i])
			return exitUsage
		}
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
			// Sanitized: a message may repeat what the user typed (a path, a query) with terminal controls in it.
			fmt.Fprintf(m.Stderr, "intercom-replica %s: %s\n", name, mcp.Sanitize(err.Error()))
			fmt.Fprintf(m.Stderr, "Run 'intercom-replica %s --help' for usage.\n", name)
			return exitUsage
		default:
			fmt.Fprintf(m.Stderr, "intercom-replica %s: %s\n", name, mcp.Sanitize(err.Error()))
			return exitRuntime
		}
	}
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if near := query.Nearest(name, names); len(near) > 0 {
		fmt.Fprintf(m.Stderr, "intercom-replica: unknown command %q; did you mean %s?\n\n", name, strings.Join(near, " or "))
	} else {
		fmt.Fprintf(m.Stderr, "intercom-replica: unknown command %q\n\n", name)
	}
	m.printUsage(m.Stderr)
	return exitUsage
}

// isCommand reports whether name is a subcommand's.
func isCommand(name string) bool {
	return slices.ContainsFunc(commands(), func(c command) bool { return c.name == name })
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
		fmt.Fprintf(fs.Output(), "Usage: intercom-replica %s\n", synopsis)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags { // version has none: no empty heading
			fmt.Fprintf(fs.Output(), "\nFlags:\n")
			fs.PrintDefaults()
		}
		if examples != "" {
			fmt.Fprintf(fs.Output(), "\nExamples:\n%s", examples)
		}
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. Help (-h) is returned as flag.ErrHelp. Flags may
// come after the arguments too (search 'QUERY' --json), as people type them; after "--" everything is an argument.
// A flag that takes one value (all but the booleans and the repeatable ones, such as report's --by) given twice
// is a mistake: the last one winning silently dropped the first.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard) // a mistake is one line (the usage error), not the flag package's whole usage
	defer fs.SetOutput(out)
	repeat, restore := onceFlags(fs)
	defer restore()
	var positional []string
	for {
		dashes := slices.Index(args, "--")
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				restore() // the defaults are printed from the flags' own values
				fs.SetOutput(out)
				fs.Usage()
				return err
			}
			if repeat.name != "" {
				return usagef("--%s is given twice (%q, then %q); give it once", repeat.name, repeat.first, repeat.second)
			}
			return usageError{flagMistake(fs, err)}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if dashes >= 0 && len(args)-dashes-1 == len(rest) { // the parse stopped at "--"
			positional = append(positional, rest...)
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...)) // leaves them as fs.Args()
}

// repeatable marks a flag.Value that may be given several times (report's --by, --metric).
type repeatable interface{ repeatable() }

// repeatedFlag is the first single-value flag given twice: its name and both values.
type repeatedFlag struct{ name, first, second string }

// onceValue is a single-value flag while it is parsed: a second Set is refused and recorded in repeat.
type onceValue struct {
	flag.Value
	name   string
	given  string
	set    bool
	repeat *repeatedFlag
}

func (v *onceValue) Set(s string) error {
	if v.set {
		*v.repeat = repeatedFlag{v.name, v.given, s}
		return errors.New("given twice")
	}
	v.set, v.given = true, s
	return v.Value.Set(s)
}

// onceFlags makes every single-value flag of fs refuse a second value until restore, which puts the flags' own
// values back (for the defaults of the help, and for the final parse of the arguments). A refusal is recorded in
// the returned repeatedFlag.
func onceFlags(fs *flag.FlagSet) (*repeatedFlag, func()) {
	repeat := &repeatedFlag{}
	wrapped := map[*flag.Flag]flag.Value{}
	fs.VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			return // --json --json says the same thing twice
		}
		if _, ok := f.Value.(repeatable); ok {
			return
		}
		wrapped[f] = f.Value
		f.Value = &onceValue{Value: f.Value, name: f.Name, repeat: repeat}
	})
	return repeat, func() {
		for f, v := range wrapped {
			f.Value = v
		}
		clear(wrapped)
	}
}

// choice reads the value of flag --name, one of the words in allowed, in any case ("JSON" is json).
func choice(name, value string, allowed ...string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	if slices.Contains(allowed, v) {
		return v, nil
	}
	return "", usagef("--%s %q: want %s", name, value, listText(allowed, "or"))
}

// flagMistake is err, a flag the command does not have, with the nearest flag it has: "flag provided but not
// defined: -jsn; did you mean --json?".
func flagMistake(fs *flag.FlagSet, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return err
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if near := query.Nearest(strings.TrimLeft(name, "-"), names); len(near) > 0 {
		return fmt.Errorf("%w; did you mean --%s?", err, strings.Join(near, " or --"))
	}
	return err
}

// parseFlagsOnly parses args for a command that takes flags and no argument: an argument is a usage error, with
// hint (if any) saying where it belongs.
func parseFlagsOnly(fs *flag.FlagSet, args []string, hint string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return nil
	}
	if hint != "" {
		return usagef("%s takes no arguments, got %q (%s)", fs.Name(), fs.Args(), hint)
	}
	return usagef("%s takes no arguments, got %q", fs.Name(), fs.Args())
}

// logger returns the operator log: text on stderr (stdout belongs to the protocol and to command output).
func (m *Main) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
}

// replicaFlags are the flags of every command that works on the replica: where the configuration and the data
// are, how to log, and --demo.
type replicaFlags struct {
	config *configs.Flags
	demo   *bool
}

// addReplicaFlags defines the replica flags on fs, plus the configuration flags named by extra.
func addReplicaFlags(fs *flag.FlagSet, extra ...string) *replicaFlags {
	return &replicaFlags{
		config: configs.RegisterFlags(fs, append(configs.ReplicaFlags(), extra...)...),
		demo: fs.Bool("demo", false, "use the built-in demo workspace (a fake Intercom served in-process, synced into "+
			"<data dir>/demo unless --data-dir is given): no Intercom account needed"),
	}
}

// load reads the configuration, a usage error when it is wrong, and returns it with the data directory the
// command works on (with --demo, the demo data directory) and the operator log, on stderr.
func (rf *replicaFlags) load(m *Main) (*configs.Config, string, *slog.Logger, error) {
	return rf.loadTo(m, m.Stderr)
}

// loadTo is load with the operator log on w.
func (rf *replicaFlags) loadTo(m *Main, w io.Writer) (*configs.Config, string, *slog.Logger, error) {
	cfg, err := configs.Load(m.Getenv, rf.config)
	if err != nil {
		return nil, "", nil, usageError{err}
	}
	log := newLogger(w, cfg.Log)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	dir := cfg.DataDir
	if *rf.demo {
		dir = demoDataDir(cfg)
		if err := claimDemoDir(dir, dataDirFromFlag(cfg)); err != nil {
			return nil, "", nil, err
		}
	}
	return cfg, dir, log, nil
}

// stdinIsTerminal reports whether a person is typing at the program's standard input, rather than a pipe from an
// MCP client or a file.
func (m *Main) stdinIsTerminal() bool {
	if m.stdinTerminal != nil {
		return m.stdinTerminal()
	}
	f, ok := m.Stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// openForReading reaches the replica a read command works on, whoever holds it: it opens it, or forwards to the
// process that has it open (a serve), and returns it with the configuration and the data directory. With --demo,
// an empty demo replica is synced first.
func openForReading(ctx context.Context, m *Main, rf *replicaFlags) (*peer.Access, *configs.Config, string, error) {
	cfg, dir, log, err := rf.load(m)
	if err != nil {
		return nil, nil, "", err
	}
	opts := peer.AccessOptions{Logger: log, Version: versionString(), Patience: 10 * time.Second, IndexProgress: indexProgressLog(log)}
	if *rf.demo {
		opts.Own = syncDemoIfEmpty(cfg, log)
	} else if _, err := os.Stat(filepath.Join(dir, "replica.db")); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, "", fmt.Errorf("no replica in %s: run 'intercom-replica sync' first, or add --demo to try the demo workspace", dir)
	}
	acc, err := peer.OpenAccess(ctx, dir, opts)
	return acc, cfg, dir, err
}

// incompleteNote says, when the first full copy (backfill) of one of kinds has not finished, that what a command
// read may lack records, how far the copy got and what finishes it; "" when every one is complete (the directory
// kinds, copied whole on every pass, always are). It is the mark the MCP tools' freshness carries (mcp.IncompleteNote).
func incompleteNote(ctx context.Context, acc *peer.Access, kinds ...query.Kind) string {
	st, err := acc.Status(ctx)
	if err != nil {
		return fmt.Sprintf("could not read the replica's status to tell whether it is complete: %v", err)
	}
	ss := syncStateOf(st)
	var progress []string
	for _, k := range kinds {
		if p := ss.BackfillProgress(k); p != "" && !k.Directory() && !slices.Contains(progress, p) {
			progress = append(progress, p)
		}
	}
	if len(progress) == 0 {
		return ""
	}
	return mcp.IncompleteNote(strings.Join(progress, "; ")) + "; 'intercom-replica sync' (or a running serve) finishes the copy"
}

// noteIncomplete writes incompleteNote to stderr as one line: stdout holds the command's data, for pipes.
func (m *Main) noteIncomplete(ctx context.Context, acc *peer.Access, kinds ...query.Kind) {
	if note := incompleteNote(ctx, acc, kinds...); note != "" {
		fmt.Fprintf(m.Stderr, "Note: %s.\n", note)
	}
}
