package configs

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// newFlags registers names on a fresh FlagSet and parses args, as a subcommand does.
func newFlags(t *testing.T, args []string, names ...string) *Flags {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := RegisterFlags(fs, names...)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

// allFlags is every flag name the package offers.
func allFlags() []string {
	return slices.Concat(ReplicaFlags(), IntercomFlags(), ServeFlags())
}

// stripMeta drops what Load records about a Config beyond its values, to compare values.
func stripMeta(c Config) Config {
	c.file, c.sources, c.warnings = "", nil, nil
	return c
}

func TestLoad_Precedence(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, "config.yaml")
	mustWriteFile(t, file, "intercom:\n  region: eu\nserve:\n  listen: 127.0.0.1:1001\n  max_parts: 7\n", 0o600)

	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantRegion string
		wantListen string
		wantSource string // of serve.listen
	}{
		{
			name:       "defaults",
			wantRegion: "us", wantListen: "127.0.0.1:8080", wantSource: "default",
		},
		{
			name:       "file over defaults",
			env:        map[string]string{EnvConfig: file},
			wantRegion: "eu", wantListen: "127.0.0.1:1001", wantSource: file + ":4",
		},
		{
			name:       "environment over file",
			env:        map[string]string{EnvConfig: file, "INTERCOM_REPLICA_LISTEN": "127.0.0.1:1002", "INTERCOM_REGION": "au"},
			wantRegion: "au", wantListen: "127.0.0.1:1002", wantSource: "env INTERCOM_REPLICA_LISTEN",
		},
		{
			name:       "flag over environment",
			env:        map[string]string{EnvConfig: file, "INTERCOM_REPLICA_LISTEN": "127.0.0.1:1002"},
			args:       []string{"--listen", "127.0.0.1:1003"},
			wantRegion: "eu", wantListen: "127.0.0.1:1003", wantSource: "flag --listen",
		},
		{
			name:       "registered flags the user did not set change nothing",
			env:        map[string]string{EnvConfig: file, "INTERCOM_REPLICA_LISTEN": "127.0.0.1:1002"},
			args:       []string{"--transport", "http"},
			wantRegion: "eu", wantListen: "127.0.0.1:1002", wantSource: "env INTERCOM_REPLICA_LISTEN",
		},
		{
			name:       "an empty variable counts as unset",
			env:        map[string]string{EnvConfig: file, "INTERCOM_REPLICA_LISTEN": "", "INTERCOM_REGION": ""},
			wantRegion: "eu", wantListen: "127.0.0.1:1001", wantSource: file + ":4",
		},
		{
			name:       "enumerated values are case-insensitive",
			env:        map[string]string{"INTERCOM_REGION": "EU"},
			args:       []string{"--region", " AU "},
			wantRegion: "au", wantListen: "127.0.0.1:8080", wantSource: "default",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": home}
			for k, v := range tc.env {
				env[k] = v
			}
			cfg, err := Load(envOf(env), newFlags(t, tc.args, allFlags()...))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Intercom.Region != tc.wantRegion || cfg.Serve.Listen != tc.wantListen {
				t.Errorf("region %q, listen %q; want %q, %q", cfg.Intercom.Region, cfg.Serve.Listen, tc.wantRegion, tc.wantListen)
			}
			if got := cfg.Source("serve.listen"); got != tc.wantSource {
				t.Errorf("Source(serve.listen) = %q, want %q", got, tc.wantSource)
			}
		})
	}
}

func TestLoad_EveryFlagAndVariable(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	mustWriteFile(t, token, accessToken+"\n", 0o600)
	tokens := filepath.Join(dir, "tokens")
	mustWriteFile(t, tokens, localToken1+"\n", 0o600)

	cfg, err := Load(envOf(map[string]string{
		"HOME":                       dir,
		"INTERCOM_BASE_URL":          "http://127.0.0.1:9/",
		"INTERCOM_REPLICA_TOKENS":    localToken1 + ", " + localToken2 + ",",
		"INTERCOM_CLIENT_SECRET":     clientSecret,
		"INTERCOM_REPLICA_TRANSPORT": "http",
		"INTERCOM_REPLICA_LOG_LEVEL": "debug",
	}), newFlags(t, []string{
		"--data-dir", "~/replica", "--access-token-file", token, "--region", "eu", "--no-auth",
		"--log-format", "json", "--listen", "localhost:0",
	}, allFlags()...))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.DataDir = filepath.Join(dir, "replica")
	want.Intercom.AccessToken = NewSecret(accessToken)
	want.Intercom.AccessTokenFile = token
	want.Intercom.Region = "eu"
	want.Intercom.BaseURL = "http://127.0.0.1:9/"
	want.Sync.Webhooks.ClientSecret = NewSecret(clientSecret)
	want.Serve.Transport = "http"
	want.Serve.Listen = "localhost:0"
	want.Serve.NoAuth = true
	want.Serve.Tokens = []Secret{NewSecret(localToken1), NewSecret(localToken2)}
	want.Log = Log{Level: "debug", Format: "json"}
	if got := stripMeta(*cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("Load =\n%+v\nwant\n%+v", got.EffectiveMap(), want.EffectiveMap())
	}
	if got := cfg.Intercom.APIBaseURL(); got != "http://127.0.0.1:9" {
		t.Errorf("APIBaseURL() = %q", got)
	}
	if got := cfg.Source("intercom.access_token"); got != "file "+token {
		t.Errorf("Source(intercom.access_token) = %q", got)
	}
}

func TestLoad_ConfigFileDiscovery(t *testing.T) {
	home := t.TempDir()
	defaultFile := filepath.Join(home, ".config", "intercom-replica", "config.yaml")
	envFile := filepath.Join(home, "env.yaml")
	flagFile := filepath.Join(home, "flag.yaml")
	mustMkdirAll(t, filepath.Dir(defaultFile))
	for path, parts := range map[string]int{defaultFile: 11, envFile: 12, flagFile: 13} {
		mustWriteFile(t, path, "serve:\n  max_parts: "+strconv.Itoa(parts)+"\n", 0o600)
	}
	missing := filepath.Join(home, "missing.yaml")

	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		register []string
		want     int
		wantFile string
		wantErr  string
	}{
		{name: "the default file when it exists", want: 11, wantFile: defaultFile},
		{name: "XDG_CONFIG_HOME moves the default file", env: map[string]string{"XDG_CONFIG_HOME": filepath.Join(home, "nowhere")}, want: 50},
		{name: "INTERCOM_REPLICA_CONFIG over the default file", env: map[string]string{EnvConfig: envFile}, want: 12, wantFile: envFile},
		{name: "--config over INTERCOM_REPLICA_CONFIG", env: map[string]string{EnvConfig: envFile}, args: []string{"--config", flagFile}, want: 13, wantFile: flagFile},
		{name: `--config "" reads no file at all`, env: map[string]string{EnvConfig: envFile}, args: []string{"--config", ""}, want: 50},
		{name: "--config not registered", env: map[string]string{EnvConfig: envFile}, register: []string{FlagDataDir}, want: 12, wantFile: envFile},
		{name: "~ in INTERCOM_REPLICA_CONFIG", env: map[string]string{EnvConfig: "~/env.yaml"}, want: 12, wantFile: envFile},
		{
			name: "a named file must exist", env: map[string]string{EnvConfig: missing},
			wantErr: "config file: open " + missing + ": no such file or directory",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": home}
			for k, v := range tc.env {
				env[k] = v
			}
			register := tc.register
			if register == nil {
				register = allFlags()
			}
			cfg, err := Load(envOf(env), newFlags(t, tc.args, register...))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Serve.MaxParts != tc.want || cfg.File() != tc.wantFile {
				t.Errorf("max_parts %d from %q, want %d from %q", cfg.Serve.MaxParts, cfg.File(), tc.want, tc.wantFile)
			}
		})
	}
}

func TestLoad_FileErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // the joined errors, one per line; "F" stands for the file's path
	}{
		{
			name: "a typo",
			yaml: "serve:\n  listn: 127.0.0.1:9000\n",
			want: []string{`serve.listn (F:2): unknown key; did you mean serve.listen?`},
		},
		{
			name: "a key in the wrong section",
			yaml: "region: eu\n",
			want: []string{`region (F:1): unknown key; did you mean intercom.region?`},
		},
		{
			name: "nothing close",
			yaml: "log:\n  colour: true\n",
			want: []string{`log.colour (F:2): unknown key; valid keys here: level, format`},
		},
		{
			name: "a whole unknown section",
			yaml: "metrics:\n  enabled: true\n",
			want: []string{`metrics (F:1): unknown key; valid keys here: data_dir, intercom, sync, serve, log`},
		},
		{
			name: "defined twice",
			yaml: "log:\n  level: debug\n  level: warn\n",
			want: []string{`log.level (F:3): defined twice (first at line 2)`},
		},
		{
			name: "a section given a value",
			yaml: "serve: http\n",
			want: []string{`serve (F:1): is a section: want a mapping of its keys, not a single value`},
		},
		{
			name: "a value given a list",
			yaml: "serve:\n  listen: [a, b]\n",
			want: []string{`serve.listen (F:2): want a single value, not a list`},
		},
		{
			name: "a list given a value, which is not repeated since it may be a secret",
			yaml: "serve:\n  tokens: " + localToken1 + "\n",
			want: []string{`serve.tokens (F:2): want a list, e.g. [a, b], not a single value`},
		},
		{
			name: "a list item that is not a value",
			yaml: "serve:\n  allowed_origins: [[http://a]]\n",
			want: []string{`serve.allowed_origins (F:2): item 1: want a single value, not a list`},
		},
		{
			name: "staleness not a duration",
			yaml: "serve:\n  max_staleness: 5 minutes\n",
			want: []string{`serve.max_staleness (F:2): not a duration: "5 minutes" (want a number with a unit, e.g. 90s, 5m, 1h30m)`},
		},
		{
			name: "a bare number is not a duration either",
			yaml: "sync:\n  overlap: 300\n",
			want: []string{`sync.overlap (F:2): not a duration: "300" (want a number with a unit, e.g. 90s, 5m, 1h30m)`},
		},
		{
			name: "not a number",
			yaml: "sync:\n  page_size: many\n",
			want: []string{`sync.page_size (F:2): not a whole number: "many"`},
		},
		{
			name: "not a boolean",
			yaml: "serve:\n  no_auth: yes please\n",
			want: []string{`serve.no_auth (F:2): not true or false: "yes please"`},
		},
		{
			name: "every problem at once, in file order",
			yaml: "intercom:\n  regoin: eu\n  request_timeout: soon\nsync:\n  concurrency: 1.5\n",
			want: []string{
				`intercom.regoin (F:2): unknown key; did you mean intercom.region?`,
				`intercom.request_timeout (F:3): not a duration: "soon" (want a number with a unit, e.g. 90s, 5m, 1h30m)`,
				`sync.concurrency (F:5): not a whole number: "1.5"`,
			},
		},
		{
			name: "a value that parses but is invalid is reported by Validate, with its line",
			yaml: "\nintercom:\n  region: uk\n",
			want: []string{`intercom.region (F:3): unknown region "uk" (want us, eu or au)`},
		},
		{
			name: "not YAML",
			yaml: "serve:\n  listen: [\n",
			want: []string{`config file F: yaml: line 2: did not find expected node content`},
		},
		{
			name: "not a mapping",
			yaml: "- serve\n",
			want: []string{`config file F:1: want a mapping of keys (key: value) at the top level, not a list`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "config.yaml")
			mustWriteFile(t, file, tc.yaml, 0o600)
			_, err := Load(envOf(map[string]string{"HOME": dir, EnvConfig: file}), nil)
			want := strings.ReplaceAll(strings.Join(tc.want, "\n"), "F", file)
			if err == nil || err.Error() != want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, want)
			}
			if unknown := strings.Contains(want, "unknown key"); errors.Is(err, ErrUnknownKey) != unknown {
				t.Errorf("errors.Is(err, ErrUnknownKey) = %v, want %v", !unknown, unknown)
			}
		})
	}
}

func TestLoad_FileValues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "conf", "config.yaml")
	mustMkdirAll(t, filepath.Dir(file))
	mustWriteFile(t, file, `# a comment
data_dir: replica                 # relative to this file
intercom:
  region:                         # null keeps the default
defaults: &defaults
sync:
  enabled: false
  incremental_schedule: "*/5 * * * *"
  overlap: 90s
serve:
  transport: HTTP
  tokens: [`+localToken1+`]
  allowed_origins: ["HTTP://LocalHost:6274/"]
  max_staleness: 0s
`, 0o600)
	_, err := Load(envOf(map[string]string{"HOME": dir, EnvConfig: file}), nil)
	if err == nil || err.Error() != "defaults ("+file+":5): unknown key; valid keys here: data_dir, intercom, sync, serve, log" {
		t.Fatalf("an anchor's key is still a key: error %v", err)
	}
	mustWriteFile(t, file, strings.Replace(readFile(t, file), "defaults: &defaults\n", "", 1), 0o600)

	cfg, err := Load(envOf(map[string]string{"HOME": dir, EnvConfig: file}), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.DataDir = filepath.Join(dir, "conf", "replica")
	want.Sync.Enabled = false
	want.Sync.IncrementalSchedule = "*/5 * * * *"
	want.Sync.Overlap = 90 * time.Second
	want.Serve.Transport = "http"
	want.Serve.Tokens = []Secret{NewSecret(localToken1)}
	want.Serve.AllowedOrigins = []string{"http://localhost:6274"}
	want.Serve.MaxStaleness = 0
	if got := stripMeta(*cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("Load =\n%v\nwant\n%v", got.EffectiveMap(), want.EffectiveMap())
	}
}

func TestLoad_EmptyFiles(t *testing.T) {
	for _, content := range []string{"", "# only a comment\n", "---\n", "~\n"} {
		dir := t.TempDir()
		file := filepath.Join(dir, "config.yaml")
		mustWriteFile(t, file, content, 0o600)
		cfg, err := Load(envOf(map[string]string{"HOME": dir, EnvConfig: file}), nil)
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		want := Default()
		want.DataDir = filepath.Join(dir, ".local", "share", "intercom-replica")
		if got := stripMeta(*cfg); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: not the defaults: %v", content, got.EffectiveMap())
		}
	}
}

func TestLoad_SecretFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	mustWriteFile(t, good, "  "+accessToken+"\r\n", 0o600)
	readable := filepath.Join(dir, "readable")
	mustWriteFile(t, readable, accessToken, 0o644)
	writable := filepath.Join(dir, "writable")
	mustWriteFile(t, writable, accessToken, 0o666)
	empty := filepath.Join(dir, "empty")
	mustWriteFile(t, empty, "\n\n", 0o600)
	twoLines := filepath.Join(dir, "two-lines")
	mustWriteFile(t, twoLines, accessToken+"\n"+accessToken+"\n", 0o600)
	noTokens := filepath.Join(dir, "no-tokens")
	mustWriteFile(t, noTokens, "# none yet\n\n", 0o600)
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name         string
		env          map[string]string
		wantToken    string
		wantWarnings []string
		wantErr      string
	}{
		{name: "trimmed", env: map[string]string{"INTERCOM_ACCESS_TOKEN_FILE": good}, wantToken: accessToken},
		{
			name: "readable by others is a warning", env: map[string]string{"INTERCOM_ACCESS_TOKEN_FILE": readable},
			wantToken:    accessToken,
			wantWarnings: []string{"intercom.access_token_file: " + readable + " is readable by other users (mode 0644); chmod 600 " + readable},
		},
		{
			name: "writable by everyone is refused", env: map[string]string{"INTERCOM_ACCESS_TOKEN_FILE": writable},
			wantErr: "intercom.access_token_file (env INTERCOM_ACCESS_TOKEN_FILE): " + writable + " is writable by every user (mode 0666); chmod 600 " + writable,
		},
		{
			name: "empty", env: map[string]string{"INTERCOM_CLIENT_SECRET_FILE": empty},
			wantErr: "sync.webhooks.client_secret_file (env INTERCOM_CLIENT_SECRET_FILE): " + empty + " is empty",
		},
		{
			name: "two lines", env: map[string]string{"INTERCOM_ACCESS_TOKEN_FILE": twoLines},
			wantErr: "intercom.access_token_file (env INTERCOM_ACCESS_TOKEN_FILE): " + twoLines + " holds more than one line; put the secret alone on one line",
		},
		{
			name: "a tokens file with no tokens", env: map[string]string{"INTERCOM_REPLICA_TOKENS_FILE": noTokens},
			wantErr: "serve.tokens_file (env INTERCOM_REPLICA_TOKENS_FILE): " + noTokens + " holds no tokens",
		},
		{
			name: "missing", env: map[string]string{"INTERCOM_ACCESS_TOKEN_FILE": missing},
			wantErr: "intercom.access_token_file (env INTERCOM_ACCESS_TOKEN_FILE): stat " + missing + ": no such file or directory",
		},
		{
			name: "a directory", env: map[string]string{"INTERCOM_ACCESS_TOKEN_FILE": dir},
			wantErr: "intercom.access_token_file (env INTERCOM_ACCESS_TOKEN_FILE): " + dir + " is not a regular file",
		},
		{
			name: "a secret and its file from one layer",
			env:  map[string]string{"INTERCOM_ACCESS_TOKEN_FILE": good, "INTERCOM_ACCESS_TOKEN": accessToken},
			wantErr: "intercom.access_token_file (env INTERCOM_ACCESS_TOKEN_FILE): set either intercom.access_token " +
				"(env INTERCOM_ACCESS_TOKEN) or intercom.access_token_file, not both",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": dir}
			for k, v := range tc.env {
				env[k] = v
			}
			cfg, err := Load(envOf(env), nil)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error:\n%v\nwant:\n%s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Intercom.AccessToken.Reveal(); got != tc.wantToken {
				t.Errorf("token %q, want %q", got, tc.wantToken)
			}
			if got := cfg.Warnings(); !slices.Equal(got, tc.wantWarnings) {
				t.Errorf("warnings %q, want %q", got, tc.wantWarnings)
			}
		})
	}
}

// A secret and its *_file are alternatives: the later layer's choice wins, whichever form it takes.
func TestLoad_SecretAndFileReplaceEachOther(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	mustWriteFile(t, tokenFile, "from-the-file\n", 0o600)
	cfgWithFile := filepath.Join(dir, "with-file.yaml")
	mustWriteFile(t, cfgWithFile, "intercom:\n  access_token_file: token\n", 0o600)
	cfgWithToken := filepath.Join(dir, "with-token.yaml")
	mustWriteFile(t, cfgWithToken, "intercom:\n  access_token: from-the-config\n", 0o600)

	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantToken  string
		wantFile   string
		wantSource string
	}{
		{
			name:      "a file in the config file, the token in the environment",
			env:       map[string]string{EnvConfig: cfgWithFile, "INTERCOM_ACCESS_TOKEN": "from-the-env"},
			wantToken: "from-the-env", wantFile: "", wantSource: "env INTERCOM_ACCESS_TOKEN",
		},
		{
			name:      "the token in the config file, a file by flag",
			env:       map[string]string{EnvConfig: cfgWithToken},
			args:      []string{"--access-token-file", tokenFile},
			wantToken: "from-the-file", wantFile: tokenFile, wantSource: "file " + tokenFile,
		},
		{
			name:      "a file in the config file, relative to it",
			env:       map[string]string{EnvConfig: cfgWithFile},
			wantToken: "from-the-file", wantFile: tokenFile, wantSource: "file " + tokenFile,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": dir}
			for k, v := range tc.env {
				env[k] = v
			}
			cfg, err := Load(envOf(env), newFlags(t, tc.args, allFlags()...))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Intercom.AccessToken.Reveal() != tc.wantToken || cfg.Intercom.AccessTokenFile != tc.wantFile {
				t.Errorf("token %q from file %q, want %q from %q", cfg.Intercom.AccessToken.Reveal(),
					cfg.Intercom.AccessTokenFile, tc.wantToken, tc.wantFile)
			}
			if got := cfg.Source("intercom.access_token"); got != tc.wantSource {
				t.Errorf("Source = %q, want %q", got, tc.wantSource)
			}
		})
	}
}

func TestLoad_EnvironmentErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{
			name: "a bad address",
			env:  map[string]string{"INTERCOM_REPLICA_LISTEN": "8080"},
			want: `serve.listen (env INTERCOM_REPLICA_LISTEN): not a host:port address: "8080" (want e.g. 127.0.0.1:8080)`,
		},
		{
			name: "a short token, not repeated",
			env:  map[string]string{"INTERCOM_REPLICA_TOKENS": localToken1 + ",abc"},
			want: `serve.tokens (env INTERCOM_REPLICA_TOKENS): token 2 is too short (3 characters; want at least 16, e.g. from openssl rand -hex 32)`,
		},
		{
			name: "no home for the data directory",
			env:  map[string]string{"HOME": ""},
			want: `data_dir: no platform data directory ($HOME is not set); set data_dir, INTERCOM_REPLICA_DATA_DIR or --data-dir`,
		},
		{
			name: "no home for ~",
			env:  map[string]string{"HOME": "", "INTERCOM_REPLICA_DATA_DIR": "~/replica"},
			want: `data_dir (env INTERCOM_REPLICA_DATA_DIR): cannot expand ~: $HOME is not set`,
		},
		{
			name: "a file error and an environment error together",
			env:  map[string]string{"INTERCOM_REPLICA_TOKENS_FILE": "/nonexistent/tokens", "INTERCOM_REPLICA_DATA_DIR": "~/x", "HOME": ""},
			want: "data_dir (env INTERCOM_REPLICA_DATA_DIR): cannot expand ~: $HOME is not set\n" +
				"serve.tokens_file (env INTERCOM_REPLICA_TOKENS_FILE): stat /nonexistent/tokens: no such file or directory",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": t.TempDir()}
			for k, v := range tc.env {
				env[k] = v
			}
			_, err := Load(envOf(env), nil)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tc.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("%T is not a *FieldError", err)
			}
		})
	}
}

func TestDefaultDataDir(t *testing.T) {
	tests := []struct {
		goos    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{goos: "linux", env: map[string]string{"HOME": "/home/ann"}, want: "/home/ann/.local/share/intercom-replica"},
		{goos: "linux", env: map[string]string{"HOME": "/home/ann", "XDG_DATA_HOME": "/data"}, want: "/data/intercom-replica"},
		{goos: "linux", env: map[string]string{"HOME": "/home/ann", "XDG_DATA_HOME": "relative"}, want: "/home/ann/.local/share/intercom-replica"},
		{goos: "freebsd", env: map[string]string{"HOME": "/usr/home/ann"}, want: "/usr/home/ann/.local/share/intercom-replica"},
		{goos: "darwin", env: map[string]string{"HOME": "/Users/ann", "XDG_DATA_HOME": "/data"}, want: "/Users/ann/Library/Application Support/intercom-replica"},
		{goos: "windows", env: map[string]string{"LOCALAPPDATA": `C:\Users\ann\AppData\Local\`}, want: `C:\Users\ann\AppData\Local\intercom-replica`},
		{goos: "linux", env: map[string]string{}, wantErr: "$HOME is not set"},
		{goos: "windows", env: map[string]string{"USERPROFILE": `C:\Users\ann`}, wantErr: "%LOCALAPPDATA% is not set"},
	}
	for _, tc := range tests {
		got, err := DefaultDataDir(tc.goos, envOf(tc.env))
		if got != tc.want || (err == nil) != (tc.wantErr == "") || (err != nil && err.Error() != tc.wantErr) {
			t.Errorf("DefaultDataDir(%s, %v) = %q, %v; want %q, %q", tc.goos, tc.env, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestDefaultConfigFile(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{goos: "linux", env: map[string]string{"HOME": "/home/ann"}, want: "/home/ann/.config/intercom-replica/config.yaml"},
		{goos: "linux", env: map[string]string{"HOME": "/home/ann", "XDG_CONFIG_HOME": "/etc/xdg"}, want: "/etc/xdg/intercom-replica/config.yaml"},
		{goos: "darwin", env: map[string]string{"HOME": "/Users/ann"}, want: "/Users/ann/Library/Application Support/intercom-replica/config.yaml"},
		{goos: "windows", env: map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`}, want: `C:\Users\ann\AppData\Roaming\intercom-replica\config.yaml`},
	}
	for _, tc := range tests {
		if got, err := DefaultConfigFile(tc.goos, envOf(tc.env)); got != tc.want || err != nil {
			t.Errorf("DefaultConfigFile(%s, %v) = %q, %v; want %q", tc.goos, tc.env, got, err, tc.want)
		}
	}
}

func TestExpandHome(t *testing.T) {
	env := envOf(map[string]string{"HOME": "/home/ann", "USERPROFILE": `C:\Users\ann`})
	for _, tc := range []struct{ goos, in, want string }{
		{"linux", "~", "/home/ann"},
		{"linux", "~/token", "/home/ann/token"},
		{"linux", "~ann/token", "~ann/token"},
		{"linux", "/abs/~/x", "/abs/~/x"},
		{"windows", `~\token`, `C:\Users\ann\token`},
	} {
		if got, err := expandHome(tc.in, tc.goos, env); got != tc.want || err != nil {
			t.Errorf("expandHome(%q, %s) = %q, %v; want %q", tc.in, tc.goos, got, err, tc.want)
		}
	}
}

func mustMkdirAll(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
