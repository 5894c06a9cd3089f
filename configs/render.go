package configs

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// EffectiveYAML renders the configuration as a config file would hold it, every key with its current value and a
// comment saying where the value came from, secrets shown as [Redacted]. It is what `status` and troubleshooting
// print; it never contains a secret.
func (c *Config) EffectiveYAML() string {
	var b strings.Builder
	b.WriteString("# Effective configuration of intercom-replica (secrets redacted).\n")
	if c.file != "" {
		fmt.Fprintf(&b, "# Config file: %s\n", c.file)
	} else {
		b.WriteString("# Config file: none\n")
	}
	c.writeYAML(&b, func(s setting, indent string) {}, func(s setting) string { return c.Source(s.key) })
	return b.String()
}

// EffectiveMap returns the configuration as nested maps keyed like the config file, with durations as strings
// ("5m") and secrets as [Redacted] (or "" when unset), for JSON output such as `status --json`.
func (c *Config) EffectiveMap() map[string]any {
	var walk func(v reflect.Value) map[string]any
	walk = func(v reflect.Value) map[string]any {
		m := map[string]any{}
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			fv := v.Field(i)
			m[name] = plainValue(fv)
			if isSection(fv.Type()) {
				m[name] = walk(fv)
			}
		}
		return m
	}
	return walk(reflect.ValueOf(c).Elem())
}

// plainValue converts a value to what JSON should show.
func plainValue(v reflect.Value) any {
	switch {
	case v.Type() == reflect.TypeFor[Secret]():
		return v.Interface().(Secret).redacted()
	case v.Type() == reflect.TypeFor[[]Secret]():
		out := make([]string, v.Len())
		for i := range out {
			out[i] = v.Index(i).Interface().(Secret).redacted()
		}
		return out
	case v.Type() == reflect.TypeFor[time.Duration]():
		return formatValue(v)
	case v.Kind() == reflect.Struct:
		return nil // a section; the caller walks it
	}
	return v.Interface()
}

// writeYAML writes every key of c in struct order. before is called ahead of each key (for documentation); source,
// when not nil, gives the trailing comment of each value.
func (c *Config) writeYAML(b *strings.Builder, before func(s setting, indent string), source func(s setting) string) {
	byKey := settingsByKey()
	v := reflect.ValueOf(c).Elem()
	afterSection := false
	for i, f := range configFields() {
		s := byKey[f.key]
		depth := strings.Count(f.key, ".")
		indent := strings.Repeat("  ", depth)
		if source == nil && (i == 0 || !afterSection) {
			b.WriteString("\n") // the documented form separates entries, but keeps a section's first with it
		}
		afterSection = f.section
		before(s, indent)
		_, name := splitKey(f.key)
		if f.section {
			fmt.Fprintf(b, "%s%s:\n", indent, name)
			continue
		}
		fmt.Fprintf(b, "%s%s: %s", indent, name, formatValue(v.FieldByIndex(f.index)))
		if source != nil {
			fmt.Fprintf(b, "  # %s", source(s))
		}
		b.WriteString("\n")
	}
}

// yamlScalar renders a string as a YAML scalar, quoted only when YAML needs it ("2.16", '@every 1m').
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
