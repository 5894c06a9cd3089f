package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/configs"
)

// planServeFor is serve's decision for args, the environment env and a config file holding config (none when
// empty), with a person at stdin or not: the flags and configuration loaded as runServe loads them, then
// planServe.
func planServeFor(t *testing.T, args []string, env map[string]string, config string, terminal bool) (servePlan, error) {
	t.Helper()
	m := &Main{Stderr: io.Discard, Getenv: func(k string) string { return env[k] }}
	fs, rf := newServeFlags(m)
	cfg, err := loadForPlan(t, m, fs, rf, args, config)
	if err != nil {
		return servePlan{}, err
	}
	return planServe(cfg, *rf.demo, terminal)
}

// loadForPlan parses args with a command's flag set fs (made on m, with its replica flags rf), beside a fresh data
// directory and a config file holding config (none when empty), and loads the configuration as the command does:
// what a command's plan is decided from.
func loadForPlan(t *testing.T, m *Main, fs *flag.FlagSet, rf *replicaFlags, args []string, config string) (*configs.Config, error) {
	t.Helper()
	args = append([]string{"--data-dir", t.TempDir()}, args...)
	if config != "" {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		t.Fatalf("%s %q: %v", fs.Name(), args, err)
	}
	cfg, _, _, err := rf.load(m)
	return cfg, err
}

// TestPlanServe covers every decision serve makes before it starts, and every configuration it refuses (each a
// usage error, exit 2, with the message that says what to do).
func TestPlanServe(t *testing.T) {
	t.Parallel()
	token := map[string]string{"INTERCOM_ACCESS_TOKEN": "intercom-token-1234"}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	const local = "local-token-0123456789abcdef"
	offline := "sync:\n  enabled: false\n"
	accept := "serve:\n  accept_intercom_tokens: true\n"
	stdinWhy := "stdin is not a terminal, as when an MCP client starts it"
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		config   string
		terminal bool
		want     servePlan
		wantErr  string // a usage error containing this
	}{
		// stdio, as an MCP client starts it.
		{name: "stdio", env: token, want: servePlan{transport: "stdio"}},
		{name: "stdio on a terminal says a client starts it", env: token, terminal: true,
			want: servePlan{transport: "stdio", announce: announceStdioOnTerminal}},
		{name: "sync needs an Intercom token", wantErr: "INTERCOM_ACCESS_TOKEN"},
		{name: "serving without syncing needs no token", config: offline, want: servePlan{transport: "stdio"}},

		// HTTP.
		{name: "http without a way to authenticate is refused", args: []string{"--transport", "http"}, env: token,
			wantErr: "set INTERCOM_REPLICA_TOKENS"},
		{name: "http with tokens", args: []string{"--transport", "http"}, env: with(token, "INTERCOM_REPLICA_TOKENS", local),
			want: servePlan{transport: "http", tokens: []string{local}}},
		{name: "http on a terminal announces nothing", args: []string{"--transport", "http"}, terminal: true,
			env: with(token, "INTERCOM_REPLICA_TOKENS", local), want: servePlan{transport: "http", tokens: []string{local}}},
		{name: "http accepting Intercom tokens only", args: []string{"--transport", "http"}, env: token, config: accept,
			want: servePlan{transport: "http", verifyIntercomTokens: true}},
		{name: "http without auth on loopback", args: []string{"--transport", "http", "--no-auth"}, env: token,
			want: servePlan{transport: "http"}},
		{name: "no auth verifies no Intercom token", args: []string{"--transport", "http", "--no-auth"}, env: token, config: accept,
			want: servePlan{transport: "http"}},
		{name: "no auth off loopback is refused", args: []string{"--transport", "http", "--no-auth", "--listen", "0.0.0.0:8080"},
			env: token, wantErr: `refused on "0.0.0.0:8080", which is not a loopback address`},
		{name: "http serves the webhooks", args: []string{"--transport", "http"}, config: "sync:\n  webhooks:\n    enabled: true\n",
			env:  with(token, "INTERCOM_REPLICA_TOKENS", local, "INTERCOM_CLIENT_SECRET", "client-secret-1234"),
			want: servePlan{transport: "http", tokens: []string{local}, webhooks: true}},
		{name: "webhooks need their client secret", config: "sync:\n  webhooks:\n    enabled: true\n", env: token,
			wantErr: "sync.webhooks.client_secret: webhooks are enabled but no client secret is set"},
		{name: "stdio serves no webhooks", config: "sync:\n  webhooks:\n    enabled: true\n",
			env: with(token, "INTERCOM_CLIENT_SECRET", "client-secret-1234"), want: servePlan{transport: "stdio"}},

		// The demo: no Intercom token needed; on a terminal, HTTP with its own token.
		{name: "demo on a terminal serves http with its token", args: []string{"--demo"}, terminal: true,
			want: servePlan{transport: "http", demo: true, demoToken: true, oauth: true, demoOAuth: true, announce: announceDemoHTTP}},
		{name: "demo without a terminal serves stdio and says why", args: []string{"--demo"},
			want: servePlan{transport: "stdio", demo: true, announce: announceDemoStdio, stdioWhy: stdinWhy}},
		{name: "demo told stdio on a terminal says where from", args: []string{"--demo", "--transport", "stdio"}, terminal: true,
			want: servePlan{transport: "stdio", demo: true, announce: announceDemoStdio, stdioWhy: "serve.transport is stdio, from flag --transport"}},
		{name: "demo told stdio by the environment", args: []string{"--demo"}, env: map[string]string{"INTERCOM_REPLICA_TRANSPORT": "stdio"}, terminal: true,
			want: servePlan{transport: "stdio", demo: true, announce: announceDemoStdio, stdioWhy: "serve.transport is stdio, from env INTERCOM_REPLICA_TRANSPORT"}},
		{name: "demo over http without a terminal", args: []string{"--demo", "--transport", "http"},
			want: servePlan{transport: "http", demo: true, demoToken: true, oauth: true, demoOAuth: true, announce: announceDemoHTTP}},
		{name: "demo over http without auth", args: []string{"--demo", "--transport", "http", "--no-auth"},
			want: servePlan{transport: "http", demo: true, announce: announceDemoHTTP}},
		{name: "demo with tokens of its own", args: []string{"--demo"}, terminal: true, env: map[string]string{"INTERCOM_REPLICA_TOKENS": local},
			want: servePlan{transport: "http", demo: true, tokens: []string{local}, oauth: true, demoOAuth: true, announce: announceDemoHTTP}},
		{name: "demo accepting Intercom tokens verifies them too", args: []string{"--demo"}, terminal: true, config: accept,
			want: servePlan{transport: "http", demo: true, demoToken: true, verifyIntercomTokens: true, oauth: true, demoOAuth: true, announce: announceDemoHTTP}},
		{name: "demo without auth verifies no Intercom token", args: []string{"--demo", "--no-auth"}, terminal: true, config: accept,
			want: servePlan{transport: "http", demo: true, announce: announceDemoHTTP}},
		{name: "demo off loopback signs in with Intercom only with a public URL", args: []string{"--demo", "--listen", "192.0.2.1:8080"}, terminal: true,
			want: servePlan{transport: "http", demo: true, demoToken: true, announce: announceDemoHTTP}},
		{name: "http with sign-in with Intercom", args: []string{"--transport", "http"}, env: token,
			config: "serve:\n  oauth:\n    enabled: true\n    client_id: abc\n    client_secret: s3cret-s3cret\n",
			want:   servePlan{transport: "http", oauth: true}},
		{name: "sign-in with Intercom on the network needs the public URL", args: []string{"--transport", "http", "--listen", "0.0.0.0:8080"}, env: token,
			config: "serve:\n  oauth:\n    enabled: true\n    client_id: abc\n    client_secret: s3cret-s3cret\n", wantErr: "set serve.public_url"},
		{name: "demo off loopback without auth is refused", args: []string{"--demo", "--no-auth", "--listen", "192.0.2.1:8080"}, terminal: true,
			wantErr: `refused on "192.0.2.1:8080", which is not a loopback address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planServeFor(t, tt.args, tt.env, tt.config, tt.terminal)
			if tt.wantErr != "" {
				if !errors.As(err, new(usageError)) || !strings.Contains(fmt.Sprint(err), tt.wantErr) {
					t.Fatalf("err %v, want a usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("plan:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
