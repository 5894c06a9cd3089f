package configs

import (
	"flag"
	"fmt"
	"reflect"
	"strings"
)

// Flags is the set of configuration flags one subcommand defined on its flag.FlagSet with [RegisterFlags]. After
// the FlagSet has parsed the command line, pass it to [Load]: the flags the user set (flag.FlagSet.Visit) override
// the file and the environment; the others change nothing.
type Flags struct {
	fs     *flag.FlagSet
	values map[string]*flagValue // by flag name; the config flag is not here
	config *string               // --config, nil when not registered
}

// RegisterFlags defines the configuration flags named by names (the Flag* constants, e.g. [FlagDataDir], or the
// groups [ReplicaFlags], [IntercomFlags], [ServeFlags]) on fs, with help that gives each flag's default, environment
// variable and config key. A subcommand registers only the flags that make sense for it:
//
//	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
//	cf := configs.RegisterFlags(fs, append(configs.ReplicaFlags(), configs.ServeFlags()...)...)
//	demo := fs.Bool("demo", false, "serve the built-in demo workspace")
//	if err := fs.Parse(args); err != nil { ... }
//	cfg, err := configs.Load(getenv, cf)
//
// A flag's value is checked when it is parsed (a bad duration or a non-boolean is a flag parse error) and applied by
// Load. An unknown name, or one registered twice, panics: that is a programming error, as it is for flag itself.
func RegisterFlags(fs *flag.FlagSet, names ...string) *Flags {
	f := &Flags{fs: fs, values: make(map[string]*flagValue)}
	byFlag := make(map[string]setting)
	for _, s := range settings() {
		if s.flag != "" {
			byFlag[s.flag] = s
		}
	}
	fields := fieldsByKey()
	def := Default()
	for _, name := range names {
		if name == FlagConfig {
			if f.config != nil {
				panic("configs: flag --" + name + " registered twice")
			}
			f.config = fs.String(FlagConfig, "", "config `file` (YAML); env "+EnvConfig+
				"; default config.yaml in the user config directory, if it exists; \"\" reads none")
			continue
		}
		s, ok := byFlag[name]
		if !ok {
			panic("configs: unknown flag name " + name)
		}
		if _, dup := f.values[name]; dup {
			panic("configs: flag --" + name + " registered twice")
		}
		fd := fields[s.key]
		v := &flagValue{typ: fd.typ, isBool: fd.typ.Kind() == reflect.Bool}
		f.values[name] = v
		fs.Var(v, name, flagUsage(s, reflect.ValueOf(def).FieldByIndex(fd.index)))
	}
	return f
}

// flagUsage is a flag's help: its own line, then where else the same setting comes from.
func flagUsage(s setting, def reflect.Value) string {
	dflt := s.defaultText
	if dflt == "" {
		dflt = formatValue(def)
	}
	where := []string{"default " + dflt}
	if s.env != "" {
		where = append(where, "env "+s.env)
	}
	where = append(where, "config "+s.key)
	return fmt.Sprintf("%s (%s)", s.usage, strings.Join(where, "; "))
}

// flagValue is a flag.Value that checks its argument against the setting's type and keeps the text for Load.
type flagValue struct {
	typ    reflect.Type
	isBool bool
	raw    string
}

// String implements flag.Value. It returns "" for an unset flag, so that PrintDefaults doesn't show a default that
// the config file or the environment may change; the usage text says the real default.
func (v *flagValue) String() string {
	if v == nil {
		return ""
	}
	return v.raw
}

// Set implements flag.Value.
func (v *flagValue) Set(s string) error {
	if err := setFromString(reflect.New(v.typ).Elem(), s); err != nil {
		return err
	}
	v.raw = s
	return nil
}

// IsBoolFlag lets a boolean flag be given as --no-auth, without a value.
func (v *flagValue) IsBoolFlag() bool { return v.isBool }
