package configs

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite intercom-replica.example.yaml and README.md's configuration reference")

const (
	exampleFile = "intercom-replica.example.yaml"
	readmeFile  = "../README.md"
	readmeBegin = "<!-- BEGIN config-reference"
	readmeEnd   = "<!-- END config-reference -->"
)

// checkGenerated compares a generated file with what is on disk, or rewrites it under -update.
func checkGenerated(t *testing.T, path, want string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got := readFile(t, path)
	if got == want {
		return
	}
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Fatalf("%s is out of date (run go test ./configs -update); first difference at line %d:\n have: %s\n want: %s",
				path, i+1, g, w)
		}
	}
}

func TestExampleFile_UpToDate(t *testing.T) {
	checkGenerated(t, exampleFile, exampleYAML())
}

func TestREADME_ConfigReference_UpToDate(t *testing.T) {
	readme := readFile(t, readmeFile)
	begin := strings.Index(readme, readmeBegin)
	end := strings.Index(readme, readmeEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no %q ... %q section", readmeFile, readmeBegin, readmeEnd)
	}
	beginLine := begin + strings.Index(readme[begin:], "\n") + 1
	want := readme[:beginLine] + "\n" + readmeReference(mistakesExample(t)) + "\n" + readme[end:]
	checkGenerated(t, readmeFile, want)
}

// mistakesExample runs the mistakes the README shows, so that the messages there are the program's own.
func mistakesExample(t *testing.T) string {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	mustWriteFile(t, file, "serve:\n  listn: 127.0.0.1:9000\n", 0o600)
	_, err := Load(envOf(map[string]string{"HOME": dir, EnvConfig: file, "INTERCOM_REGION": "uk"}), nil)
	if err == nil {
		t.Fatal("the README's mistakes load without an error")
	}
	return strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
}

func TestExampleFile_LoadsCleanly(t *testing.T) {
	home := t.TempDir()
	cfg, err := Load(envOf(map[string]string{"HOME": home, EnvConfig: exampleFile}), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.DataDir, _ = DefaultDataDir(runtime.GOOS, envOf(map[string]string{"HOME": home}))
	if got := stripMeta(*cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("the example loads as\n%v\nnot the defaults\n%v", got.EffectiveMap(), want.EffectiveMap())
	}
}

// Decoding the example into a zero Config, not into Default(), gives Default(): every key is in the example and
// shows the default value.
func TestExampleFile_ShowsEveryDefault(t *testing.T) {
	var zero Config
	zero.sources = map[string]string{}
	l := &loader{cfg: &zero, getenv: envOf(nil), goos: runtime.GOOS, fields: fieldsByKey(), settings: settingsByKey()}
	if _, err := decodeFile([]byte(readFile(t, exampleFile)), exampleFile, l); err != nil || len(l.errs) > 0 {
		t.Fatal(err, l.errs)
	}
	if got, want := stripMeta(zero), Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("the example's values\n%v\nare not Default()\n%v", got.EffectiveMap(), want.EffectiveMap())
	}
}

func TestExampleFile_HasExactlyTheKeysOfConfig(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(readFile(t, exampleFile)), &doc); err != nil {
		t.Fatal(err)
	}
	var inExample []string
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := prefix + n.Content[i].Value
			inExample = append(inExample, key)
			if n.Content[i+1].Kind == yaml.MappingNode {
				walk(n.Content[i+1], key+".")
			}
		}
	}
	walk(doc.Content[0], "")

	var inConfig []string
	for _, f := range configFields() {
		inConfig = append(inConfig, f.key)
	}
	if !slices.Equal(inExample, inConfig) {
		t.Errorf("keys in the example:\n%q\nkeys of Config (by their yaml tags):\n%q", inExample, inConfig)
	}
}

// The settings table documents every key of Config, in struct order, and its entries are consistent.
func TestSettings_DescribeConfig(t *testing.T) {
	fields := configFields()
	all := settings()
	if len(all) != len(fields) {
		t.Fatalf("%d settings for %d keys", len(all), len(fields))
	}
	envs, flags := map[string]string{}, map[string]string{}
	for i, s := range all {
		f := fields[i]
		if s.key != f.key || s.section != f.section {
			t.Fatalf("setting %d is %q (section %v), Config's key %d is %q (section %v)", i, s.key, s.section, i, f.key, f.section)
		}
		if !strings.HasSuffix(s.doc, ".") || s.doc != strings.TrimSpace(s.doc) {
			t.Errorf("%s: the doc should be sentences: %q", s.key, s.doc)
		}
		if s.env != "" {
			if !strings.HasPrefix(s.env, "INTERCOM_") || envs[s.env] != "" {
				t.Errorf("%s: env %s is not INTERCOM_* or is used twice", s.key, s.env)
			}
			envs[s.env] = s.key
		}
		if (s.flag != "") != (s.usage != "") || flags[s.flag] != "" && s.flag != "" {
			t.Errorf("%s: flag %q with usage %q", s.key, s.flag, s.usage)
		}
		flags[s.flag] = s.key
		isSecret := f.typ == reflect.TypeFor[Secret]() || f.typ == reflect.TypeFor[[]Secret]()
		if isSecret && s.flag != "" {
			t.Errorf("%s: a secret must not have a flag (the command line is visible to every user)", s.key)
		}
		if s.fileOf != "" {
			target := fieldsByKey()[s.fileOf]
			if s.key != s.fileOf+"_file" || target.typ != reflect.TypeFor[Secret]() && target.typ != reflect.TypeFor[[]Secret]() {
				t.Errorf("%s: file of %s, which is not its secret", s.key, s.fileOf)
			}
		}
		if (s.path || s.fileOf != "") && f.typ.Kind() != reflect.String {
			t.Errorf("%s: a path that is not a string", s.key)
		}
		if isSecret {
			if _, ok := settingsByKey()[s.key+"_file"]; !ok {
				t.Errorf("%s: a secret without a *_file alternative", s.key)
			}
		}
	}
}

// What EffectiveYAML prints is itself a config file that loads back to the same configuration (secrets excepted:
// they print redacted).
func TestEffectiveYAML_RoundTrips(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	mustWriteFile(t, file, "sync:\n  overlap: 90s\nserve:\n  allowed_origins: [http://localhost:6274]\n", 0o600)
	env := envOf(map[string]string{"HOME": dir, EnvConfig: file, "INTERCOM_REGION": "au"})
	cfg, err := Load(env, newFlags(t, []string{"--transport", "http", "--listen", "127.0.0.1:0"}, allFlags()...))
	if err != nil {
		t.Fatal(err)
	}
	printed := cfg.EffectiveYAML()
	for _, want := range []string{
		"# Config file: " + file + "\n",
		"data_dir: " + filepath.Join(dir, ".local", "share", "intercom-replica") + "  # default (the platform's user data directory)\n",
		"  region: au  # env INTERCOM_REGION\n",
		"  api_version: \"2.16\"  # default\n",
		"  incremental_schedule: '@every 1m'  # default\n",
		"  overlap: 1m30s  # " + file + ":2\n",
		"    path: /webhooks/intercom  # default\n",
		"  transport: http  # flag --transport\n",
		"  allowed_origins: [http://localhost:6274]  # " + file + ":4\n",
		"  tokens: []  # default\n",
	} {
		if !strings.Contains(printed, want) {
			t.Errorf("EffectiveYAML lacks %q:\n%s", want, printed)
		}
	}

	again := filepath.Join(dir, "printed.yaml")
	mustWriteFile(t, again, printed, 0o600)
	reloaded, err := Load(envOf(map[string]string{"HOME": dir, EnvConfig: again}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stripMeta(*reloaded), stripMeta(*cfg)) {
		t.Errorf("reloaded\n%v\nprinted from\n%v", reloaded.EffectiveMap(), cfg.EffectiveMap())
	}
}
