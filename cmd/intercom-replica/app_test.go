package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrors pins what a user sees for each kind of mistake: the exact message on stderr and exit code 2
// (1 for a command that ran and failed).
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	cfgDir := t.TempDir()
	writeFile := func(name, body string) string {
		path := filepath.Join(cfgDir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	typo := writeFile("typo.yaml", "serve:\n  listn: 127.0.0.1:9000\n")
	values := writeFile("values.yaml", "sync:\n  incremental_schedule: every minute\n  concurrency: 0\n")
	syntax := writeFile("syntax.yaml", "serve: [\n")
	missing := filepath.Join(t.TempDir(), "none")
	const help = "Run 'intercom-replica %s --help' for usage.\n"
	const exportKinds = "conversations, contacts, companies, articles, tickets, teammates, teams, tags, segments, collections, help_centers or ticket_types"
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		code int
		want string // the whole of stderr; %s is the command
	}{
		{"no query", nil, []string{"search"}, 2,
			"intercom-replica search: search takes one argument, the query in quotes, e.g. 'object_type:conversations q:refund'; got 0\n" + help},
		{"bad query", nil, []string{"search", "--config", "", "object_type:conversations stat:open"}, 2,
			"intercom-replica search: unknown field \"stat\" for conversations; did you mean \"state\" or \"tag\"?\n" +
				"object_type:conversations stat:open\n                          ^^^^\n" + help},
		{"config key typo", nil, []string{"status", "--config", typo}, 2,
			"intercom-replica status: serve.listn (" + typo + ":2): unknown key; did you mean serve.listen?\n" + help},
		{"config values", nil, []string{"export", "--type", "contacts", "--config", values}, 2,
			"intercom-replica export: sync.incremental_schedule (" + values + ":2): not a cron spec: expected exactly 5 fields, found 2: [every minute] " +
				"(want 5 fields, minute hour day-of-month month day-of-week, or a descriptor such as @every 1m or @daily)\n" +
				"sync.concurrency (" + values + ":3): must be from 1 to 64, got 0\n" + help},
		{"config syntax", nil, []string{"get", "--config", syntax, "contact_1"}, 2,
			"intercom-replica get: config file " + syntax + ": yaml: line 1: did not find expected node content\n" + help},
		{"bad region", []string{"INTERCOM_REGION=uk"}, []string{"search", "--config", "", "object_type:contacts"}, 2,
			"intercom-replica search: intercom.region (env INTERCOM_REGION): unknown region \"uk\" (want us, eu or au)\n" + help},
		{"serve without a token", nil, []string{"serve", "--config", ""}, 2,
			"intercom-replica serve: intercom.access_token: no Intercom access token: set INTERCOM_ACCESS_TOKEN, or put the token alone in a " +
				"file (chmod 600) and pass --access-token-file FILE, set INTERCOM_ACCESS_TOKEN_FILE, or set intercom.access_token_file in the " +
				"config file. Create a token in Intercom's Developer Hub (your app, Authentication). To try intercom-replica without an " +
				"Intercom account, add --demo\n" + help},
		{"no auth on the network", nil, []string{"serve", "--config", "", "--demo", "--transport", "http", "--listen", "0.0.0.0:0", "--no-auth"}, 2,
			"intercom-replica serve: serve.no_auth (flag --no-auth): refused on \"0.0.0.0:0\", which is not a loopback address: anyone who can " +
				"reach it could read the replica; listen on 127.0.0.1 or configure serve.tokens\n" + help},
		{"flag typo", nil, []string{"search", "--config", "", "--jsn", "object_type:contacts"}, 2,
			"intercom-replica search: flag provided but not defined: -jsn; did you mean --json?\n" + help},
		{"unknown flag", nil, []string{"search", "--config", "", "--zzzzzz", "object_type:contacts"}, 2,
			"intercom-replica search: flag provided but not defined: -zzzzzz\n" + help},
		{"get of a misspelled kind", nil, []string{"get", "--config", "", "conversations_123"}, 2,
			"intercom-replica get: \"conversations_123\" has no kind this replica knows; did you mean conversation_123?\n" + help},
		{"export without a type", nil, []string{"export", "--config", ""}, 2,
			"intercom-replica export: --type is required: " + exportKinds + "\n" + help},
		{"export of another type", nil, []string{"export", "--config", "", "--type", "notes"}, 2,
			"intercom-replica export: --type \"notes\": want " + exportKinds + "\n" + help},
		{"export of a misspelled type", nil, []string{"export", "--config", "", "--type", "tickts"}, 2,
			"intercom-replica export: --type \"tickts\": want " + exportKinds + "; did you mean tickets?\n" + help},
		{"export of a directory kind with a query", nil, []string{"export", "--config", "", "--type", "help_centers", "--query", "x"}, 2,
			"intercom-replica export: --query works on conversations, contacts, companies, articles and tickets; help centers are exported whole (a few hundred at most)\n" + help},
		{"export format", nil, []string{"export", "--config", "", "--type", "contacts", "--format", "xml"}, 2,
			"intercom-replica export: --format \"xml\": want jsonl or csv\n" + help},
		{"export query of another kind", nil, []string{"export", "--config", "", "--type", "contacts", "--query", "object_type:conversations state:open"}, 2,
			"intercom-replica export: --query is about conversations but --type is contacts\n" + help},
		// A single-value flag given twice was silent, the last winning: --query state:open --query state:closed
		// exported the closed ones only.
		{"repeated flag", nil, []string{"export", "--config", "", "--type", "tickets", "--type", "contacts"}, 2,
			"intercom-replica export: --type is given twice (\"tickets\", then \"contacts\"); give it once\n" + help},
		{"repeated flag after the argument", nil, []string{"search", "--config", "", "object_type:contacts", "--data-dir", "a", "--data-dir=b"}, 2,
			"intercom-replica search: --data-dir is given twice (\"a\", then \"b\"); give it once\n" + help},
		{"export format contradicts the file", nil, []string{"export", "--config", "", "--type", "contacts", "--format", "jsonl", "--out", "x.csv"}, 2,
			"intercom-replica export: --format jsonl, but --out x.csv names a .csv file; leave --format out (the name decides) or name a .jsonl file\n" + help},
		{"flags before the command", nil, []string{"--data-dir", "/x y", "status"}, 2,
			"intercom-replica: flags go after the command: intercom-replica status --data-dir '/x y'\n" + fmt.Sprintf(help, "status")},
		{"status argument", nil, []string{"status", "--config", "", "now"}, 2,
			"intercom-replica status: status takes no arguments, got [\"now\"]\n" + help},
		{"no replica", nil, []string{"search", "--config", "", "--data-dir", missing, "object_type:contacts"}, 1,
			"intercom-replica search: no replica in " + missing + ": run 'intercom-replica sync' first, or add --demo to try the demo workspace\n"},
		{"unknown command", nil, []string{"serach"}, 2, "intercom-replica: unknown command \"serach\"; did you mean search?\n\n" + topUsage},
		{"unknown command far from any", nil, []string{"frobnicate"}, 2, "intercom-replica: unknown command \"frobnicate\"\n\n" + topUsage},
		{"no command", nil, nil, 2, topUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newUserEnv(t, tc.env...)
			code, stdout, stderr := e.run(t, tc.args...)
			want := tc.want
			if strings.Contains(want, "%s") {
				want = strings.ReplaceAll(want, "%s", tc.args[0])
			}
			if code != tc.code || stderr != want || stdout != "" {
				t.Errorf("exit %d (want %d)\nstdout: %q\nstderr:\n%s\nwant:\n%s", code, tc.code, stdout, stderr, want)
			}
		})
	}
}

// topUsage is the top-level help.
const topUsage = `intercom-replica keeps a local, searchable replica of an Intercom workspace and serves it over MCP.

Usage:
  intercom-replica <command> [flags]

Commands:
  serve          serve the replica to MCP clients (stdio or HTTP), keeping it in sync
  sync           copy the workspace into the replica: backfill, then what changed
  search         search the replica with the query language
  get            show one conversation (a transcript) or contact (a card)
  status         what the replica holds, how fresh it is, and how healthy
  export         write every record, or a query's matches, as JSON lines or CSV
  report         count and measure what a query matches, grouped: exact totals, by tag, per week, ...
  reindex        rebuild the full-text index from the stored records
  tokens         list or revoke the tokens of people who signed in with Intercom (OAuth)
  fake-intercom  serve a fake Intercom API over a seeded synthetic workspace
  version        print the version and build information

Run 'intercom-replica <command> --help' for a command's flags and examples.
`

func TestFlagErrorsAndHelp(t *testing.T) {
	t.Parallel()
	e := newUserEnv(t)
	code, _, stderr := e.run(t, "search", "--nope", "object_type:contacts")
	// One line and the way to the help, not the flag package's whole usage (then the error again).
	if want := "intercom-replica search: flag provided but not defined: -nope\n" +
		"Run 'intercom-replica search --help' for usage.\n"; code != 2 || stderr != want {
		t.Errorf("unknown flag: exit %d\n%s", code, stderr)
	}

	code, stdout, _ := e.run(t, "--help")
	if code != 0 || stdout != topUsage {
		t.Errorf("--help: exit %d\n%s", code, stdout)
	}
	for _, cmd := range []string{"serve", "search", "get", "status", "export", "report", "reindex", "version"} {
		code, _, stderr := e.run(t, cmd, "--help")
		if code != 0 || !strings.Contains(stderr, "Usage: intercom-replica "+cmd) || !strings.Contains(stderr, "Examples:\n  intercom-replica "+cmd) {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, stderr)
		}
		if cmd != "version" && !strings.Contains(stderr, "-demo") {
			t.Errorf("%s --help has no --demo", cmd)
		}
	}

	// Flags may follow the query, as people type them.
	dir := demoCopy(t)
	out, _ := e.mustRun(t, "search", "object_type:contacts email_domain:gmail.com limit:1", "--json", "--config", "", "--data-dir", dir)
	if !strings.HasPrefix(out, `{"id":"contact_`) {
		t.Errorf("search QUERY --json:\n%s", out)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, _ := newUserEnv(t).mustRun(t, "version")
	if !strings.HasPrefix(out, "intercom-replica ") || !strings.Contains(out, " go1.") {
		t.Errorf("version: %q", out)
	}
}
