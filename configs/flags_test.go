package configs

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func TestRegisterFlags_OnlyTheNamedOnes(t *testing.T) {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	RegisterFlags(fs, ReplicaFlags()...)
	var got []string
	fs.VisitAll(func(f *flag.Flag) { got = append(got, f.Name) })
	if want := "config data-dir log-format log-level"; strings.Join(got, " ") != want {
		t.Errorf("flags %q, want %q", got, want)
	}
}

func TestRegisterFlags_Help(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var help strings.Builder
	fs.SetOutput(&help)
	RegisterFlags(fs, FlagConfig, FlagListen, FlagNoAuth, FlagDataDir)
	fs.PrintDefaults()
	want := `  -config file
    	config file (YAML); env INTERCOM_REPLICA_CONFIG; default config.yaml in the user config directory, if it exists; "" reads none
  -data-dir directory
    	directory holding the replica (default the platform's user data directory; env INTERCOM_REPLICA_DATA_DIR; config data_dir)
  -listen host:port
    	host:port of the HTTP listener (default 127.0.0.1:8080; env INTERCOM_REPLICA_LISTEN; config serve.listen)
  -no-auth
    	serve HTTP without authentication (loopback addresses only) (default false; config serve.no_auth)
`
	if help.String() != want {
		t.Errorf("help:\n%s\nwant:\n%s", help.String(), want)
	}
}

func TestRegisterFlags_BadValuesAreParseErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--no-auth=maybe"}, `invalid boolean value "maybe" for -no-auth: not true or false: "maybe"`},
		{[]string{"--listen"}, `flag needs an argument: -listen`},
		{[]string{"--data-dir"}, `flag needs an argument: -data-dir`},
	}
	for _, tc := range tests {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		RegisterFlags(fs, ServeFlags()...)
		RegisterFlags(fs, FlagDataDir)
		err := fs.Parse(tc.args)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q) = %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestRegisterFlags_BooleanWithoutValue(t *testing.T) {
	cfg, err := Load(envOf(map[string]string{"HOME": t.TempDir()}), newFlags(t, []string{"--no-auth", "--transport", "http"}, ServeFlags()...))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Serve.NoAuth || cfg.Serve.Transport != "http" {
		t.Errorf("no_auth %v, transport %q", cfg.Serve.NoAuth, cfg.Serve.Transport)
	}
	if err := cfg.RequireHTTPAuth(); err != nil {
		t.Errorf("--no-auth on loopback: %v", err)
	}
}

func TestRegisterFlags_FlagsAreValidatedWithTheirSource(t *testing.T) {
	_, err := Load(envOf(map[string]string{"HOME": t.TempDir()}),
		newFlags(t, []string{"--no-auth", "--listen", "0.0.0.0:8080", "--region", "us-east"}, allFlags()...))
	want := "intercom.region (flag --region): unknown region \"us-east\" (want us, eu or au)\n" +
		"serve.no_auth (flag --no-auth): refused on \"0.0.0.0:8080\", which is not a loopback address: anyone who " +
		"can reach it could read the replica; listen on 127.0.0.1 or configure serve.tokens"
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
}

func TestRegisterFlags_ProgrammingErrorsPanic(t *testing.T) {
	for name, names := range map[string][]string{
		"unknown":    {"verbose"},
		"twice":      {FlagListen, FlagListen},
		"config x 2": {FlagConfig, FlagConfig},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			RegisterFlags(flag.NewFlagSet("x", flag.ContinueOnError), names...)
		})
	}
}

// Every flag name constant is registrable, and every setting's flag is one of the constants.
func TestFlagConstants(t *testing.T) {
	fs := flag.NewFlagSet("all", flag.ContinueOnError)
	RegisterFlags(fs, allFlags()...)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	withFlag := 1 // --config
	for _, s := range settings() {
		if s.flag != "" {
			withFlag++
			if fs.Lookup(s.flag) == nil {
				t.Errorf("%s has flag --%s, which is in no flag group", s.key, s.flag)
			}
		}
	}
	if n != withFlag {
		t.Errorf("%d flags registered, %d settings have one", n, withFlag)
	}
}
