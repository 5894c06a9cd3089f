package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// The README is the front door: every shell example in it is run here, against the built binary, as a new user
// would run it (a fresh home, the demo workspace, a fake Intercom standing in for theirs), and the outputs shown in
// the quick tour are compared with what the binary prints. go test -update rewrites those outputs.

const readmePath = "../../README.md"

// readmeBlock is one fenced block of the README.
type readmeBlock struct {
	info      string // the word after the opening fence: sh, text, json, ...
	body      string
	start     int  // index in the file of the first byte of body
	end       int  // index just past body
	line      int  // line number of the opening fence
	owned     bool // outside every <!-- BEGIN x --> ... <!-- END x --> section
	nextIsOut bool // the next block is a text block right after this one (only blank lines between)
}

func readmeBlocks(t *testing.T, doc string) []readmeBlock {
	t.Helper()
	// A fence is three or more backticks; the block ends at a line of the same backticks (four let a block hold
	// output that has fences of its own).
	fence := regexp.MustCompile("(?m)^(```+)([a-z]*)\n")
	var blocks []readmeBlock
	var opens, closes []int // where each block's opening fence starts and its closing fence ends
	for pos := 0; ; {
		m := fence.FindStringSubmatchIndex(doc[pos:])
		if m == nil {
			break
		}
		ticks := doc[pos+m[2] : pos+m[3]]
		start := pos + m[1]
		bodyEnd := start // an empty block
		if !strings.HasPrefix(doc[start:], ticks+"\n") {
			end := strings.Index(doc[start:], "\n"+ticks+"\n")
			if end < 0 {
				t.Fatalf("README: unterminated fence at line %d", strings.Count(doc[:start], "\n"))
			}
			bodyEnd = start + end + 1
		}
		before := doc[:start]
		blocks = append(blocks, readmeBlock{
			info: doc[pos+m[4] : pos+m[5]], body: doc[start:bodyEnd], start: start, end: bodyEnd,
			line:  strings.Count(before, "\n"),
			owned: strings.LastIndex(before, "<!-- BEGIN ") <= strings.LastIndex(before, "<!-- END "),
		})
		opens = append(opens, pos+m[0])
		pos = bodyEnd + len(ticks) + 1
		closes = append(closes, pos)
	}
	for i := 0; i+1 < len(blocks); i++ {
		between := doc[closes[i]:opens[i+1]]
		blocks[i].nextIsOut = blocks[i+1].info == "text" && strings.TrimSpace(between) == ""
	}
	return blocks
}

// readmeWorld is the machine of a new user following the README.
type readmeWorld struct {
	t       *testing.T
	home    string
	env     []string
	updates map[int]string // README text blocks to rewrite, by start offset
}

func newReadmeWorld(t *testing.T) *readmeWorld {
	home, err := os.MkdirTemp("", "irh-") // short: data directories under it hold a socket
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	// Their Intercom: the fake, accepting the token the README writes as "your-token".
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 7, Conversations: 20, Contacts: 10})
	if err != nil {
		t.Fatal(err)
	}
	fake := httptest.NewServer(fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Token: "your-token"}))
	t.Cleanup(fake.Close)
	// What the README tells them to set up beside the commands: a file of local bearer tokens.
	tokens := filepath.Join(home, ".config", "intercom-replica", "local_tokens")
	if err := os.MkdirAll(filepath.Dir(tokens), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tokens, []byte("0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The demo workspace synced already, to save the time of syncing it again.
	if err := copyTree(demoCopy(t), filepath.Join(home, ".local", "share", "intercom-replica", "demo")); err != nil {
		t.Fatal(err)
	}
	return &readmeWorld{t: t, home: home, updates: map[int]string{}, env: []string{
		"PATH=" + filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"TZ=UTC",
		raceExitEnv,
		"INTERCOM_BASE_URL=" + fake.URL,
		"INTERCOM_ACCESS_TOKEN=your-token",
	}}
}

func TestREADME_ExamplesRun(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	w := newReadmeWorld(t)
	ran := 0
	for _, b := range readmeBlocks(t, doc) {
		switch b.info {
		case "sh":
			lines := shellLines(b.body)
			for _, line := range lines {
				out := w.example(b.line, line)
				ran++
				if b.nextIsOut && len(lines) == 1 {
					w.checkOutput(doc, b, out)
				}
			}
		case "json":
			w.clientConfig(b.line, b.body)
		}
	}
	if ran < 15 {
		t.Errorf("only %d shell examples found in the README", ran)
	}
	if *update && len(w.updates) > 0 {
		blocks := readmeBlocks(t, doc)
		for i := len(blocks) - 1; i >= 0; i-- {
			if out, ok := w.updates[blocks[i].start]; ok {
				doc = doc[:blocks[i].start] + out + doc[blocks[i].end:]
			}
		}
		if err := os.WriteFile(readmePath, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readmeQueriesWithoutResults are the README's example queries that are meant to show no result, with why. Every
// other example query must find something in the demo workspace.
var readmeQueriesWithoutResults = map[string]string{
	"object_type:conversations stat:open": "the example of an invalid query's error, in The MCP server",
	"object_type:companies plan:Gowth":    "the example of a value no record holds, in Errors",
	"object_type:conversations sate:open": "the example of how the CLI shows a query's mistake, in Errors",
}

// TestREADME_ExampleQueriesFindSomething runs every example query of the README against the demo workspace: an
// example that answers nothing teaches nothing (email_domain:"example.com" found no contact in the demo).
func TestREADME_ExampleQueriesFindSomething(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	queries := readmeQueries(t, string(raw))
	if len(queries) < 8 {
		t.Fatalf("only %d example queries found in the README: %v", len(queries), queries)
	}
	w := newReadmeWorld(t)
	for _, q := range queries {
		cmd := exec.Command(binary, "search", "--demo", "--json", q.query)
		cmd.Env, cmd.Dir = w.env, w.home
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		results := 0
		for _, l := range strings.Split(stdout.String(), "\n") {
			if strings.HasPrefix(l, "{") {
				results++
			}
		}
		why, meant := readmeQueriesWithoutResults[q.query]
		switch {
		case meant && err == nil && results > 0:
			t.Errorf("README line %d: %s found %d results, but readmeQueriesWithoutResults says it is %s", q.line, q.query, results, why)
		case meant:
		case err != nil:
			t.Errorf("README line %d: %s: %v\n%s", q.line, q.query, err, stderr.String())
		case results == 0:
			t.Errorf("README line %d: %s finds nothing in the demo workspace: show a query that does", q.line, q.query)
		}
	}
}

// TestPackageREADMEs_GoTestCommandsExist checks the go test commands that the packages' own READMEs show (their
// benchmarks and load tests), as TestREADME_ExamplesRun checks the README's: the packages exist, the -run and -bench
// patterns name tests and benchmarks that exist, and the other flags are defined by those packages' tests.
func TestPackageREADMEs_GoTestCommandsExist(t *testing.T) {
	t.Parallel()
	checked := 0
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")):
			return filepath.SkipDir
		case d.IsDir() || d.Name() != "README.md" || path == readmePath:
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, b := range readmeBlocks(t, string(raw)) {
			if b.info != "sh" {
				continue
			}
			for _, line := range shellLines(b.body) {
				prog := shellWords(line)
				for len(prog) > 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(prog[0]) {
					prog = prog[1:] // VAR=value assignments
				}
				if len(prog) >= 2 && prog[0] == "go" && prog[1] == "test" {
					checkGoTest(t, fmt.Sprintf("%s line %d: %s", path, b.line, line), prog[2:])
					checked++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 8 {
		t.Errorf("only %d go test commands found in the packages' READMEs", checked)
	}
}

// readmeQuery is a query the README shows as an example.
type readmeQuery struct {
	line  int
	query string
}

// readmeQueries returns every example query of the README: the lines of plain fenced blocks that are queries, what
// shell examples pass to search (and export's --type and --query, as one query), and inline code that is a whole
// query. The benchmark sections' queries are left out: they were measured on the synthetic benchmark data.
func readmeQueries(t *testing.T, doc string) []readmeQuery {
	t.Helper()
	inBench := func(pos int) bool {
		return strings.LastIndex(doc[:pos], "<!-- BEGIN bench-") > strings.LastIndex(doc[:pos], "<!-- END bench-")
	}
	var out []readmeQuery
	add := func(pos int, q string) {
		if !inBench(pos) {
			out = append(out, readmeQuery{line: strings.Count(doc[:pos], "\n") + 1, query: q})
		}
	}
	prose := doc
	for _, b := range readmeBlocks(t, doc) {
		prose = prose[:b.start] + strings.Repeat(" ", b.end-b.start) + prose[b.end:] // inline code outside blocks only
		switch b.info {
		case "", "text":
			pos := b.start
			for _, l := range strings.SplitAfter(b.body, "\n") {
				if q := strings.TrimSpace(l); strings.HasPrefix(q, "object_type:") {
					add(pos, q)
				}
				pos += len(l)
			}
		case "sh":
			for _, line := range shellLines(b.body) {
				words := shellWords(line)
				kind, query := "", ""
				for i, word := range words {
					switch {
					case (slicesContains(words, "search") || slicesContains(words, "report")) && strings.HasPrefix(word, "object_type:"):
						query = word
					case i > 0 && words[i-1] == "--type":
						kind = word
					case i > 0 && words[i-1] == "--query":
						query = word
					}
				}
				if query != "" && kind != "" && !strings.HasPrefix(query, "object_type:") {
					query = "object_type:" + kind + " " + query
				}
				if query != "" {
					add(b.start, query)
				}
			}
		}
	}
	for _, m := range regexp.MustCompile("`(object_type:[^`\n]* [^`\n]*)`").FindAllStringSubmatchIndex(prose, -1) {
		add(m[2], prose[m[2]:m[3]])
	}
	return out
}

// shellLines returns the commands of a shell block: comments and blank lines dropped, continuations joined.
func shellLines(body string) []string {
	var lines []string
	var cur strings.Builder
	for _, l := range strings.Split(body, "\n") {
		if strings.HasSuffix(l, `\`) {
			cur.WriteString(strings.TrimSuffix(l, `\`))
			continue
		}
		cur.WriteString(l)
		line := strings.TrimSpace(stripComment(cur.String()))
		cur.Reset()
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// stripComment removes a trailing "# ..." outside quotes.
func stripComment(l string) string {
	var quote rune
	for i, r := range l {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || l[i-1] == ' '):
			return l[:i]
		}
	}
	return l
}

// example runs or checks one command of the README and returns what it printed on stdout.
func (w *readmeWorld) example(line int, cmd string) string {
	t := w.t
	words := shellWords(cmd)
	prog := words
	for len(prog) > 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(prog[0]) {
		prog = prog[1:] // VAR=value assignments
	}
	name := fmt.Sprintf("README line %d: %s", line, cmd)
	switch {
	case len(prog) >= 3 && prog[0] == "go" && prog[1] == "run" && prog[2] == "./cmd/intercom-replica":
		return w.run(name, strings.Replace(cmd, "go run ./cmd/intercom-replica", "intercom-replica", 1), prog[3:])
	case len(prog) >= 1 && prog[0] == "intercom-replica":
		return w.run(name, cmd, prog[1:])
	case len(prog) >= 2 && prog[0] == "go" && prog[1] == "test":
		checkGoTest(t, name, prog[2:])
	case len(prog) == 3 && prog[0] == "go" && prog[1] == "install":
		if _, err := os.Stat(filepath.Join("..", "..", prog[2], "main.go")); err != nil {
			t.Errorf("%s: no command there: %v", name, err)
		}
	case len(prog) >= 2 && (prog[0] == "npx" || prog[0] == "claude"):
		checkClientCommand(t, name, prog)
	default:
		t.Errorf("%s: readme_test.go does not know how to run or check this example; teach it", name)
	}
	return ""
}

// run runs an intercom-replica command in the user's shell. A server (serve, fake-intercom) is started, checked
// (an MCP session over stdio, or its HTTP listener), and stopped as a person would stop it; its listen address is
// replaced by a free port.
func (w *readmeWorld) run(name, cmdline string, args []string) string {
	t := w.t
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	httpServe := sub == "serve" && (strings.Contains(cmdline, "--transport http") || strings.Contains(cmdline, "--transport=http"))
	if sub == "fake-intercom" || httpServe {
		listen := regexp.MustCompile(`--listen[ =]\S+`)
		if listen.MatchString(cmdline) {
			cmdline = listen.ReplaceAllString(cmdline, "--listen 127.0.0.1:0")
		} else {
			cmdline += " --listen 127.0.0.1:0"
		}
	}
	// exec, so that a signal reaches the program itself; through env when the line sets variables first.
	cmd := exec.Command("sh", "-c", "exec env "+cmdline)
	cmd.Env, cmd.Dir = w.env, w.home
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stderr = stderr
	switch {
	case sub == "serve" && !httpServe:
		w.stdioSession(name, cmd, stderr)
		return ""
	case sub == "serve" || sub == "fake-intercom":
		cmd.Stdout = stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := func() bool {
			return strings.Contains(stdout.String(), "Serving until interrupted") || strings.Contains(stderr.String(), "serving MCP over HTTP")
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		deadline := time.Now().Add(60 * time.Second)
		for !ready() {
			select {
			case err := <-exited:
				t.Fatalf("%s: exited early (%v)\nstderr:\n%s", name, err, stderr)
			case <-time.After(10 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("%s: not serving after a minute\nstderr:\n%s", name, stderr)
			}
		}
		if sub == "serve" {
			w.waitForFirstPass(name, stderr)
		}
		cmd.Process.Signal(os.Interrupt)
		if err := <-exited; err != nil {
			t.Errorf("%s: after Ctrl-C: %v\nstderr:\n%s", name, err, stderr)
		}
		return stdout.String()
	default:
		cmd.Stdout = stdout
		if err := cmd.Run(); err != nil {
			t.Errorf("%s: %v\nstdout:\n%s\nstderr:\n%s", name, err, stdout, stderr)
		}
		return stdout.String()
	}
}

// stdioSession starts a stdio serve the way an MCP client does and checks it serves the seven tools.
func (w *readmeWorld) stdioSession(name string, cmd *exec.Cmd, stderr *syncBuffer) {
	t := w.t
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client := sdk.NewClient(&sdk.Implementation{Name: "readme", Version: "1"}, nil)
	session, err := client.Connect(ctx, &sdk.IOTransport{Reader: stdout, Writer: stdin}, nil)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%s: connect: %v\nstderr:\n%s", name, err, stderr)
	}
	tools, err := session.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) != len(demoCalls) {
		t.Errorf("%s: list tools: %v %v", name, err, tools)
	}
	w.waitForFirstPass(name, stderr)
	session.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s: exit after its stdin closed: %v\nstderr:\n%s", name, err, stderr)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		t.Errorf("%s: still running after its stdin closed", name)
	}
}

// waitForFirstPass waits for the sync pass a serve starts with to finish, as a person trying the README would have
// given it the second it takes: stopped earlier, the pass is recorded as stopped, and the status the tour shows
// next would say so.
func (w *readmeWorld) waitForFirstPass(name string, stderr *syncBuffer) {
	w.t.Helper()
	if !testwait.Until(time.Minute, func() bool { return strings.Contains(stderr.String(), `msg="sync pass finished"`) }) {
		w.t.Errorf("%s: no sync pass finished within a minute\nstderr:\n%s", name, stderr)
	}
}

// checkOutput compares what a tour command printed with the text block after it, or records it for -update.
func (w *readmeWorld) checkOutput(doc string, cmdBlock readmeBlock, out string) {
	t := w.t
	blocks := readmeBlocks(t, doc)
	var next readmeBlock
	for i, b := range blocks {
		if b.start == cmdBlock.start {
			next = blocks[i+1]
		}
	}
	out = strings.ReplaceAll(out, w.home, "~")
	if *update {
		if !next.owned {
			t.Errorf("README line %d: -update rewrites only the outputs outside the marked sections", next.line)
			return
		}
		w.updates[next.start] = out
		return
	}
	if got, want := normalize(out, ""), normalize(next.body, ""); got != want {
		t.Errorf("README line %d: the output shown differs from what the command prints (go test ./cmd/intercom-replica -run TestREADME -update rewrites it):\n%s",
			next.line, lineDiff(want, got))
	}
}

// clientConfig checks an MCP client configuration shown in the README: every intercom-replica server in it starts
// with arguments the command accepts.
func (w *readmeWorld) clientConfig(line int, body string) {
	t := w.t
	var cfg struct {
		MCPServers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal([]byte(body), &cfg); err != nil {
		t.Errorf("README line %d: not JSON: %v", line, err)
		return
	}
	for name, s := range cfg.MCPServers {
		if s.Command != "intercom-replica" {
			continue
		}
		cmd := exec.Command(binary, append(s.Args, "--help")...)
		cmd.Env = w.env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("README line %d: server %s: intercom-replica %v: %v\n%s", line, name, s.Args, err, out)
		}
	}
}

// checkClientCommand checks an MCP client's command line: it connects to the default HTTP endpoint with a bearer
// token.
func checkClientCommand(t *testing.T, name string, words []string) {
	t.Helper()
	endpoint := "http://" + mcp.DefaultListen + mcp.PathMCP
	var url, header string
	for i, w := range words {
		switch {
		case strings.HasPrefix(w, "http://"), strings.HasPrefix(w, "https://"):
			url = w
		case w == "--header" && i+1 < len(words):
			header = words[i+1]
		}
	}
	if url == "" {
		return // a stdio server: claude mcp add NAME -- COMMAND
	}
	// Without a header, the client signs in with OAuth (the demo offers it out of the box).
	if url != endpoint || header != "" && !strings.HasPrefix(header, "Authorization: Bearer ") {
		t.Errorf("%s: want %s, with --header \"Authorization: Bearer ...\" or none (OAuth)", name, endpoint)
	}
}

// goTestFlags are go test's own flags, and whether each takes a value.
var goTestFlags = map[string]bool{
	"-race": false, "-v": false, "-short": false, "-benchmem": false, "-json": false,
	"-run": true, "-bench": true, "-benchtime": true, "-count": true, "-timeout": true, "-fuzz": true,
	"-fuzztime": true, "-cpu": true, "-skip": true, "-cpuprofile": true, "-memprofile": true, "-mutexprofile": true,
	"-blockprofile": true, "-tags": true,
}

// checkGoTest checks a go test command of the README: its packages exist, its -run and -bench patterns name tests
// and benchmarks that exist, and its other flags are defined by those packages' tests.
func checkGoTest(t *testing.T, name string, args []string) {
	t.Helper()
	var pkgs, custom []string
	var run, bench string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "./") || a == ".":
			pkgs = append(pkgs, strings.TrimSuffix(a, "/"))
		case strings.HasPrefix(a, "-"):
			flagName, value, inline := strings.Cut(a, "=") // -count=1 as well as -count 1
			takes, known := goTestFlags[flagName]
			if !known {
				custom = append(custom, strings.TrimLeft(flagName, "-"))
				if !inline && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && !strings.HasPrefix(args[i+1], "./") {
					i++ // its value
				}
				continue
			}
			if takes && !inline && i+1 < len(args) {
				i++
				value = args[i]
			}
			switch flagName {
			case "-run":
				run = value
			case "-bench":
				bench = value
			}
		}
	}
	if len(pkgs) == 0 {
		t.Errorf("%s: no package", name)
		return
	}
	var sources strings.Builder
	for _, p := range pkgs {
		if p == "./..." {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("..", "..", p, "*_test.go"))
		if len(files) == 0 {
			t.Errorf("%s: no tests in %s", name, p)
		}
		for _, f := range files {
			b, _ := os.ReadFile(f)
			sources.Write(b)
		}
	}
	src := sources.String()
	matches := func(kind, pattern string) {
		if pattern == "" || pattern == "^$" || slicesContains(pkgs, "./...") {
			return
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			t.Errorf("%s: %s pattern %q: %v", name, kind, pattern, err)
			return
		}
		for _, m := range regexp.MustCompile(`func (`+kind+`\w*)\(`).FindAllStringSubmatch(src, -1) {
			if re.MatchString(m[1]) {
				return
			}
		}
		t.Errorf("%s: no %s in %v matches %q", name, kind, pkgs, pattern)
	}
	matches("Test", run)
	matches("Benchmark", bench)
	for _, f := range custom {
		if !strings.Contains(src, `"`+f+`"`) {
			t.Errorf("%s: flag -%s is not defined by the tests of %v", name, f, pkgs)
		}
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// shellWords splits a command line into words the way sh does for simple commands: single and double quotes,
// no expansion.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// readmeBlockAfter returns the first fenced block after the line of the README containing marker.
func readmeBlockAfter(t *testing.T, marker string) string {
	t.Helper()
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatalf("README has no %q", marker)
	}
	for _, b := range readmeBlocks(t, doc) {
		if b.start > i {
			return b.body
		}
	}
	t.Fatalf("README has no block after %q", marker)
	return ""
}
