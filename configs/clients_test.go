package configs

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// clientServer is one server entry of an MCP client's configuration, in any of the formats under clients/.
type clientServer struct {
	Type    string            `json:"type"`
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

// clientFile is the union of the formats: Claude Desktop, Claude Code and Cursor use mcpServers; VS Code uses
// servers and inputs.
type clientFile struct {
	MCPServers map[string]clientServer `json:"mcpServers"`
	Servers    map[string]clientServer `json:"servers"`
	Inputs     []struct {
		Type        string `json:"type"`
		ID          string `json:"id"`
		Description string `json:"description"`
		Password    bool   `json:"password"`
	} `json:"inputs"`
}

// mcpURL is where `serve --transport http` answers by default.
func mcpURL() string { return "http://" + Default().Serve.Listen + "/mcp" }

func mustReadClientFile(t *testing.T, name string) clientFile {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(readFile(t, "clients/"+name))))
	dec.DisallowUnknownFields()
	var f clientFile
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// checkServeArgs checks that args run `intercom-replica serve` with flags serve has.
func checkServeArgs(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 || args[0] != "serve" {
		t.Errorf("%s: runs %q, not serve", where, args)
		return
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	RegisterFlags(fs, slices.Concat(ReplicaFlags(), IntercomFlags(), ServeFlags())...)
	fs.Bool("demo", false, "the demo workspace (registered by cmd)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		t.Errorf("%s: serve %q: %v, arguments %q", where, args[1:], err, fs.Args())
	}
}

// checkEnv checks that a server's environment only sets variables intercom-replica reads.
func checkEnv(t *testing.T, where string, env map[string]string) {
	t.Helper()
	known := map[string]bool{EnvConfig: true}
	for _, s := range settings() {
		known[s.env] = s.env != ""
	}
	for k := range env {
		if !known[k] {
			t.Errorf("%s: sets %s, which intercom-replica does not read", where, k)
		}
	}
}

func TestClients_StdioEntries(t *testing.T) {
	for _, name := range []string{"claude_desktop_config.json", "claude-code.mcp.json", "cursor-mcp.json", "vscode-mcp.json"} {
		t.Run(name, func(t *testing.T) {
			f := mustReadClientFile(t, name)
			servers := f.MCPServers
			if name == "vscode-mcp.json" {
				if f.MCPServers != nil {
					t.Error("VS Code reads servers, not mcpServers")
				}
				servers = f.Servers
			}
			for want, args := range map[string][]string{"intercom": {"serve"}, "intercom-demo": {"serve", "--demo"}} {
				s, ok := servers[want]
				if !ok {
					t.Errorf("no %q server", want)
					continue
				}
				if s.Command != "intercom-replica" || !slices.Equal(s.Args, args) {
					t.Errorf("%s runs %s %q, want intercom-replica %q", want, s.Command, s.Args, args)
				}
				if name == "vscode-mcp.json" || name == "claude-code.mcp.json" {
					if s.Type != "stdio" {
						t.Errorf("%s has type %q, want stdio", want, s.Type)
					}
				}
				checkServeArgs(t, name+" "+want, s.Args)
				checkEnv(t, name+" "+want, s.Env)
			}
		})
	}
}

func TestClients_VSCodeInputsAreDeclaredPasswords(t *testing.T) {
	f := mustReadClientFile(t, "vscode-mcp.json")
	ref := regexp.MustCompile(`\$\{input:([^}]+)\}`)
	used := 0
	for name, s := range f.Servers {
		for _, v := range s.Env {
			for _, m := range ref.FindAllStringSubmatch(v, -1) {
				used++
				i := slices.IndexFunc(f.Inputs, func(in struct {
					Type        string `json:"type"`
					ID          string `json:"id"`
					Description string `json:"description"`
					Password    bool   `json:"password"`
				}) bool {
					return in.ID == m[1]
				})
				if i < 0 || !f.Inputs[i].Password || f.Inputs[i].Type != "promptString" {
					t.Errorf("%s uses input %q, which is not a declared password prompt", name, m[1])
				}
			}
		}
	}
	if used == 0 {
		t.Error("the VS Code example prompts for no token")
	}
}

func TestClients_HTTPEntries(t *testing.T) {
	remote := mustReadClientFile(t, "mcp-remote.json").MCPServers["intercom"]
	wantArgs := []string{"-y", "mcp-remote", mcpURL(), "--header", "Authorization:${AUTH_HEADER}"}
	if remote.Command != "npx" || !slices.Equal(remote.Args, wantArgs) {
		t.Errorf("mcp-remote runs %s %q, want npx %q", remote.Command, remote.Args, wantArgs)
	}
	if !strings.HasPrefix(remote.Env["AUTH_HEADER"], "Bearer ") || len(remote.Env) != 1 {
		t.Errorf("mcp-remote's env %q should hold AUTH_HEADER=Bearer <token> only", remote.Env)
	}

	code := mustReadClientFile(t, "claude-code.mcp.json").MCPServers["intercom-http"]
	if code.Type != "http" || code.URL != mcpURL() || code.Headers["Authorization"] != "Bearer ${INTERCOM_REPLICA_TOKEN}" {
		t.Errorf("Claude Code's HTTP entry is %+v", code)
	}
}

func TestClients_ClaudeCodeCommands(t *testing.T) {
	var adds [][]string
	for line := range strings.Lines(readFile(t, "clients/claude-code.sh")) {
		if words := shellWords(line); len(words) > 3 && words[0] == "claude" && words[1] == "mcp" && words[2] == "add" {
			adds = append(adds, words[3:])
		}
	}
	got := map[string][]string{}
	for _, words := range adds {
		// Either "name [options] -- command" or "options -- name command"; never "options name --", where the
		// variadic --env or --header takes the name for one of its values.
		dash := slices.Index(words, "--")
		if dash < 0 || dash+1 >= len(words) {
			t.Errorf("claude mcp add %q: want a -- before the command", words)
			continue
		}
		options, name, rest := words[:dash], words[dash+1], words[dash+2:]
		if len(options) > 0 && !strings.HasPrefix(options[0], "-") {
			options, name, rest = options[1:], options[0], words[dash+1:]
		}
		if len(rest) == 0 {
			t.Errorf("claude mcp add %q: no command after the name", words)
			continue
		}
		got[name] = rest
		switch {
		case rest[0] == "intercom-replica":
			checkServeArgs(t, "claude-code.sh "+name, rest[1:])
			env := map[string]string{}
			for i := 0; i+1 < len(options); i++ {
				if options[i] == "--env" {
					k, v, _ := strings.Cut(options[i+1], "=")
					env[k] = v
				}
			}
			checkEnv(t, "claude-code.sh "+name, env)
		case rest[0] == mcpURL():
			want := []string{"--transport", "http", "--header", "Authorization: Bearer $INTERCOM_REPLICA_TOKEN"}
			if !slices.Equal(options, want) {
				t.Errorf("%s: options %q, want %q", name, options, want)
			}
		default:
			t.Errorf("%s runs %q", name, rest)
		}
	}
	for _, name := range []string{"intercom", "intercom-demo", "intercom-http"} {
		if _, ok := got[name]; !ok {
			t.Errorf("claude-code.sh adds no %q", name)
		}
	}
	if !slices.Equal(got["intercom-demo"], []string{"intercom-replica", "serve", "--demo"}) {
		t.Errorf("intercom-demo runs %q", got["intercom-demo"])
	}
}

// The commands in clients/README.md use flags that exist.
func TestClients_READMECommands(t *testing.T) {
	n := 0
	for line := range strings.Lines(readFile(t, "clients/README.md")) {
		words := shellWords(line)
		if i := slices.Index(words, "intercom-replica"); i >= 0 && i+1 < len(words) && words[i+1] == "serve" {
			n++
			checkServeArgs(t, "clients/README.md", words[i+1:])
		}
	}
	if n == 0 {
		t.Error("clients/README.md shows no intercom-replica serve command")
	}
}

// shellWords splits a line of sh the simple way the examples are written: words separated by blanks, single or
// double quotes grouping, a # starting a comment; no escapes or expansion.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == '#' && !inWord:
			return words
		case r == ' ' || r == '\t' || r == '\n':
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
