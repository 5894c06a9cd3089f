package configs

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
)

// Load builds the configuration from, each overriding the one before:
//
//  1. [Default];
//  2. the config file: --config FILE if the flag was set ("" for none), else $INTERCOM_REPLICA_CONFIG, else
//     [DefaultConfigFile] if it exists;
//  3. the environment, looked up with getenv (nil means an empty environment; an empty variable counts as unset);
//  4. the flags the user set, from a parsed [Flags] (nil means none).
//
// It then reads the secrets named by *_file keys, resolves an empty data_dir to [DefaultDataDir], and runs
// [Config.Validate]. On failure the error joins one [*FieldError] per problem found, each naming its key and where
// the bad value came from; callers report it as a usage error. It does not check for an Intercom token: commands
// that call Intercom ask [Config.RequireIntercomToken].
func Load(getenv func(string) string, flags *Flags) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := Default()
	cfg.sources = make(map[string]string)
	l := &loader{cfg: &cfg, getenv: getenv, goos: runtime.GOOS, fields: fieldsByKey(), settings: settingsByKey()}

	if err := l.loadFile(flags); err != nil {
		return nil, err
	}
	l.applyEnv()
	if flags != nil {
		l.applyFlags(flags)
	}
	l.normalize()
	l.readSecretFiles()
	l.resolveDataDir()
	// Validate even after a failure: a key that failed keeps its earlier, already valid value, so this adds only
	// the other problems, and the user sees them all at once.
	if errs := append(l.errs, cfg.problems()...); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &cfg, nil
}

// loader carries one Load through its layers and collects every problem instead of stopping at the first.
type loader struct {
	cfg      *Config
	getenv   func(string) string
	goos     string
	fields   map[string]field
	settings map[string]setting
	errs     []error
	failed   map[string]bool // keys with an error, so that later steps don't pile on
}

func (l *loader) fail(key, source string, err error) {
	l.errs = append(l.errs, &FieldError{Key: key, Source: source, Err: err})
	if l.failed == nil {
		l.failed = make(map[string]bool)
	}
	l.failed[key] = true
}

func (l *loader) value(key string) reflect.Value {
	return reflect.ValueOf(l.cfg).Elem().FieldByIndex(l.fields[key].index)
}

// configPath decides which config file to read ("" for none); explicit is false for the default location, which
// need not exist.
func (l *loader) configPath(flags *Flags) (path string, explicit bool) {
	if flags != nil && flags.config != nil {
		set := false
		flags.fs.Visit(func(f *flag.Flag) { set = set || f.Name == FlagConfig })
		if set {
			return *flags.config, true
		}
	}
	if p := l.getenv(EnvConfig); p != "" {
		return p, true
	}
	p, err := DefaultConfigFile(l.goos, l.getenv)
	if err != nil {
		return "", false // no home directory, so no default file to look at
	}
	return p, false
}

// loadFile reads the config file, if any, into the config.
func (l *loader) loadFile(flags *Flags) error {
	path, explicit := l.configPath(flags)
	if path == "" {
		return nil
	}
	path, err := expandHome(path, l.goos, l.getenv)
	if err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("config file: %w", err)
	}
	l.cfg.file = path
	set, err := decodeFile(data, path, l)
	if err != nil {
		return err
	}
	l.settle(set)
	return nil
}

// applyEnv applies every setting's environment variable that is set and not empty.
func (l *loader) applyEnv() {
	set := map[string]string{}
	for _, s := range settings() {
		if s.env == "" {
			continue
		}
		raw := l.getenv(s.env)
		if raw == "" {
			continue
		}
		source := "env " + s.env
		if l.setString(s, raw, source) {
			set[s.key] = source
		}
	}
	l.settle(set)
}

// applyFlags applies the flags the user set.
func (l *loader) applyFlags(flags *Flags) {
	byFlag := make(map[string]setting)
	for _, s := range settings() {
		byFlag[s.flag] = s
	}
	set := map[string]string{}
	flags.fs.Visit(func(f *flag.Flag) {
		v, ok := flags.values[f.Name]
		if !ok {
			return
		}
		s := byFlag[f.Name]
		source := "flag --" + f.Name
		if l.setString(s, v.raw, source) {
			set[s.key] = source
		}
	})
	l.settle(set)
}

// setString parses raw into the setting's field, expanding ~ in paths; it reports whether the value was stored.
func (l *loader) setString(s setting, raw, source string) bool {
	if s.path {
		p, err := expandHome(raw, l.goos, l.getenv)
		if err != nil {
			l.fail(s.key, source, err)
			return false
		}
		raw = p
	}
	if err := setFromString(l.value(s.key), raw); err != nil {
		l.fail(s.key, source, err)
		return false
	}
	return true
}

// settle records where the keys one layer set came from, and makes a secret and its *_file alternatives: the
// layer that gives one a value clears the other (set by an earlier layer), and a layer may not give both a value.
// An empty value chooses neither, so the example file can show both keys.
func (l *loader) settle(set map[string]string) {
	for _, s := range settings() {
		if s.fileOf == "" {
			continue
		}
		secretSrc, secretSet := set[s.fileOf]
		fileSrc, fileSet := set[s.key]
		secretSet = secretSet && !isEmpty(l.value(s.fileOf))
		fileSet = fileSet && !isEmpty(l.value(s.key))
		switch {
		case secretSet && fileSet:
			l.fail(s.key, fileSrc, fmt.Errorf("set either %s (%s) or %s, not both", s.fileOf, secretSrc, s.key))
			delete(set, s.key)
			l.clear(s.key)
		case secretSet:
			l.clear(s.key)
		case fileSet:
			l.clear(s.fileOf)
		}
	}
	for key, source := range set {
		l.cfg.sources[key] = source
	}
}

// isEmpty reports whether a value is the zero value or an empty list.
func isEmpty(v reflect.Value) bool {
	if v.Kind() == reflect.Slice {
		return v.Len() == 0
	}
	return v.IsZero()
}

// clear resets a key to its zero value and forgets where it came from.
func (l *loader) clear(key string) {
	v := l.value(key)
	v.SetZero()
	if v.Kind() == reflect.Slice {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	delete(l.cfg.sources, key)
}

// normalize folds the case of enumerated values, so that INTERCOM_REGION=EU works, and writes origins the way
// browsers send them.
func (l *loader) normalize() {
	c := l.cfg
	for _, p := range []*string{&c.Intercom.Region, &c.Serve.Transport, &c.Log.Level, &c.Log.Format} {
		*p = strings.ToLower(strings.TrimSpace(*p))
	}
	c.Intercom.BaseURL = strings.TrimSpace(c.Intercom.BaseURL)
	for i, o := range c.Serve.AllowedOrigins {
		c.Serve.AllowedOrigins[i] = strings.TrimRight(strings.ToLower(strings.TrimSpace(o)), "/")
	}
}

// readSecretFiles reads every *_file key that is set into its secret.
func (l *loader) readSecretFiles() {
	for _, s := range settings() {
		if s.fileOf == "" {
			continue
		}
		path := l.value(s.key).String()
		if path == "" || l.failed[s.key] {
			continue
		}
		multi := l.fields[s.fileOf].typ.Kind() == reflect.Slice
		values, warning, err := readSecretFile(path, multi, l.goos)
		if err != nil {
			l.fail(s.key, l.cfg.Source(s.key), err)
			continue
		}
		if warning != "" {
			l.cfg.warnings = append(l.cfg.warnings, s.key+": "+warning)
		}
		target := l.value(s.fileOf)
		if multi {
			secrets := make([]Secret, len(values))
			for i, v := range values {
				secrets[i] = NewSecret(v)
			}
			target.Set(reflect.ValueOf(secrets))
		} else {
			target.Set(reflect.ValueOf(NewSecret(values[0])))
		}
		l.cfg.sources[s.fileOf] = "file " + path
	}
}

// readSecretFile reads one secret (or, with multi, one per line, skipping blank lines and # comments) from path.
// A file every user may write is refused (anyone could swap the token); one other users may read is a warning, not
// an error, because secrets mounted by Docker and Kubernetes are often 0644.
func readSecretFile(path string, multi bool, goos string) (values []string, warning string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	if !info.Mode().IsRegular() {
		return nil, "", fmt.Errorf("%s is not a regular file", path)
	}
	if goos != "windows" {
		perm := info.Mode().Perm()
		if perm&0o002 != 0 {
			return nil, "", fmt.Errorf("%s is writable by every user (mode %04o); chmod 600 %s", path, perm, path)
		}
		if perm&0o044 != 0 {
			warning = fmt.Sprintf("%s is readable by other users (mode %04o); chmod 600 %s", path, perm, path)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	if !multi {
		v := strings.TrimSpace(string(data))
		switch {
		case v == "":
			return nil, "", fmt.Errorf("%s is empty", path)
		case strings.ContainsAny(v, "\r\n"):
			return nil, "", fmt.Errorf("%s holds more than one line; put the secret alone on one line", path)
		}
		return []string{v}, warning, nil
	}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		values = append(values, line)
	}
	if len(values) == 0 {
		return nil, "", fmt.Errorf("%s holds no tokens", path)
	}
	return values, warning, nil
}

// resolveDataDir replaces an empty data_dir with the platform's.
func (l *loader) resolveDataDir() {
	if l.cfg.DataDir != "" || l.failed["data_dir"] {
		return
	}
	dir, err := DefaultDataDir(l.goos, l.getenv)
	if err != nil {
		l.fail("data_dir", "", fmt.Errorf("no platform data directory (%w); set data_dir, INTERCOM_REPLICA_DATA_DIR or --data-dir", err))
		return
	}
	l.cfg.DataDir = dir
	l.cfg.sources["data_dir"] = "default (the platform's user data directory)"
}

// relativeTo makes a path from a config file relative to the file's directory.
func relativeTo(p, file string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(file), p)
}
