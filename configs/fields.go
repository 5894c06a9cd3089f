package configs

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// field is one key of Config found by reflection over its yaml tags.
type field struct {
	key     string       // dotted YAML path
	index   []int        // for reflect.Value.FieldByIndex
	typ     reflect.Type // the Go type of the value
	section bool         // a nested struct of further keys
}

// isSection reports whether t is a section of the config (a nested struct), as opposed to a value.
func isSection(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t != reflect.TypeFor[Secret]()
}

// configFields lists every key of Config, sections included, depth first in declaration order.
func configFields() []field {
	var out []field
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
			if !sf.IsExported() || name == "" || name == "-" {
				continue
			}
			f := field{key: prefix + name, index: append(append([]int(nil), index...), i), typ: sf.Type}
			f.section = isSection(sf.Type)
			out = append(out, f)
			if f.section {
				walk(sf.Type, f.key+".", f.index)
			}
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return out
}

// fieldsByKey indexes configFields() by key.
func fieldsByKey() map[string]field {
	m := make(map[string]field)
	for _, f := range configFields() {
		m[f.key] = f
	}
	return m
}

// childKeys returns the keys directly under prefix ("" for the top level), for suggestions.
func childKeys(prefix string) []string {
	var out []string
	for _, f := range configFields() {
		parent := ""
		if i := strings.LastIndex(f.key, "."); i >= 0 {
			parent = f.key[:i]
		}
		if parent == prefix {
			out = append(out, f.key)
		}
	}
	return out
}

// setFromString parses s as a value of v's type and stores it. Lists are comma-separated (blank items dropped);
// that is how INTERCOM_REPLICA_TOKENS lists tokens. The error says what was wrong without repeating a secret.
func setFromString(v reflect.Value, s string) error {
	switch v.Type() {
	case reflect.TypeFor[Secret]():
		v.Set(reflect.ValueOf(NewSecret(s)))
		return nil
	case reflect.TypeFor[time.Duration]():
		d, err := parseDuration(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not true or false: %q", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("not a whole number: %q", s)
		}
		v.SetInt(n)
	case reflect.Slice:
		items := reflect.MakeSlice(v.Type(), 0, 0)
		for item := range strings.SplitSeq(s, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			if err := setFromString(e, item); err != nil {
				return err
			}
			items = reflect.Append(items, e)
		}
		v.Set(items)
	default:
		return fmt.Errorf("configs: no parser for %s", v.Type()) // a programming error, caught by the tests
	}
	return nil
}

// parseDuration is time.ParseDuration with an error that says what a duration looks like.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("not a duration: %q (want a number with a unit, e.g. 90s, 5m, 1h30m)", s)
	}
	return d, nil
}

// formatValue renders a value the way the example file and the effective configuration show it: YAML, with
// durations in their shortest form and secrets redacted.
func formatValue(v reflect.Value) string {
	switch v.Type() {
	case reflect.TypeFor[Secret]():
		s := v.Interface().(Secret)
		if s.IsZero() {
			return `""`
		}
		return Redacted
	case reflect.TypeFor[time.Duration]():
		return formatDuration(time.Duration(v.Int()))
	}
	switch v.Kind() {
	case reflect.String:
		return yamlScalar(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Slice:
		items := make([]string, v.Len())
		for i := range items {
			items[i] = formatValue(v.Index(i))
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	return fmt.Sprint(v.Interface())
}

// formatDuration drops the zero tails time.Duration.String adds: 5m0s is 5m, 24h0m0s is 24h.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
