package configs

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeFile applies a YAML config file to the loader's config and returns the keys it set, each with its
// "file:line". A file that is not YAML, or whose top level is not a mapping, is an error returned at once; every
// problem with a key (unknown, defined twice, a bad value) is collected as a *FieldError and decoding goes on, so
// that one run reports them all.
//
// yaml.v3's own strict mode (Decoder.KnownFields) also rejects unknown keys, but its errors give a line and a Go
// type name ("field regoin not found in type configs.Intercom"), not the dotted key, and it stops at the first bad
// value. Walking the node tree gives the key, the line, a suggestion and every error at once.
func decodeFile(data []byte, path string, l *loader) (map[string]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	set := map[string]string{}
	if len(doc.Content) == 0 {
		return set, nil // empty, or only comments
	}
	root := resolveAlias(doc.Content[0])
	if isNull(root) {
		return set, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config file %s:%d: want a mapping of keys (key: value) at the top level, not %s",
			path, root.Line, describe(root))
	}
	d := fileDecoder{path: path, l: l, set: set}
	d.mapping(root, reflect.ValueOf(l.cfg).Elem(), "")
	return set, nil
}

type fileDecoder struct {
	path string
	l    *loader
	set  map[string]string
}

func (d *fileDecoder) where(n *yaml.Node) string { return fmt.Sprintf("%s:%d", d.path, n.Line) }

// mapping applies the keys of a mapping node to the struct v, whose keys are under prefix.
func (d *fileDecoder) mapping(n *yaml.Node, v reflect.Value, prefix string) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], resolveAlias(n.Content[i+1])
		key := prefix + k.Value
		if line, dup := seen[k.Value]; dup {
			d.l.fail(key, d.where(k), fmt.Errorf("defined twice (first at line %d)", line))
			continue
		}
		seen[k.Value] = k.Line
		f, ok := d.l.fields[key]
		if !ok || k.Kind != yaml.ScalarNode {
			d.l.fail(key, d.where(k), unknownKey(key))
			continue
		}
		if isNull(val) {
			continue // "key:" with no value keeps the default
		}
		fv := v.FieldByIndex(f.index[len(f.index)-1:])
		if f.section {
			if val.Kind != yaml.MappingNode {
				d.l.fail(key, d.where(val), fmt.Errorf("is a section: want a mapping of its keys, not %s", describe(val)))
				continue
			}
			d.mapping(val, fv, key+".")
			continue
		}
		if err := d.value(f, val, fv); err != nil {
			d.l.fail(key, d.where(val), err)
			continue
		}
		d.set[key] = d.where(val)
	}
}

// value stores a scalar or a list of scalars.
func (d *fileDecoder) value(f field, n *yaml.Node, v reflect.Value) error {
	s := d.l.settings[f.key]
	if f.typ.Kind() != reflect.Slice {
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("want a single value, not %s", describe(n))
		}
		raw := n.Value
		if s.path {
			p, err := expandHome(raw, d.l.goos, d.l.getenv)
			if err != nil {
				return err
			}
			raw = relativeTo(p, d.path)
		}
		return setFromString(v, raw)
	}
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("want a list, e.g. [a, b], not %s", describe(n))
	}
	items := reflect.MakeSlice(f.typ, 0, len(n.Content))
	for i, item := range n.Content {
		item = resolveAlias(item)
		if item.Kind != yaml.ScalarNode || isNull(item) {
			return fmt.Errorf("item %d: want a single value, not %s", i+1, describe(item))
		}
		e := reflect.New(f.typ.Elem()).Elem()
		if err := setFromString(e, item.Value); err != nil {
			return fmt.Errorf("item %d: %w", i+1, err)
		}
		items = reflect.Append(items, e)
	}
	v.Set(items)
	return nil
}

// unknownKey explains an unknown key, suggesting the known key it most likely meant.
func unknownKey(key string) error {
	if s := suggest(key); s != "" {
		return fmt.Errorf("%w; did you mean %s?", ErrUnknownKey, s)
	}
	parent, _ := splitKey(key)
	valid := childKeys(parent)
	for i, k := range valid {
		_, valid[i] = splitKey(k)
	}
	return fmt.Errorf("%w; valid keys here: %s", ErrUnknownKey, strings.Join(valid, ", "))
}

// suggest returns the known key that an unknown one most likely meant: the same name in another section (a key
// put at the wrong level), or a sibling within a small edit distance (a typo); "" if none is close.
func suggest(key string) string {
	parent, name := splitKey(key)
	for _, f := range configFields() {
		if _, n := splitKey(f.key); n == name && f.key != key {
			return f.key
		}
	}
	best, bestDist := "", max(1, len(name)/3)+1
	for _, k := range childKeys(parent) {
		_, n := splitKey(k)
		if dist := editDistance(name, n); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	return best
}

// splitKey splits "a.b.c" into "a.b" and "c".
func splitKey(key string) (parent, name string) {
	if i := strings.LastIndex(key, "."); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// describe names a node's kind for an error message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "null"
		}
		return "a single value" // never the value itself: it may be a secret
	}
	return "an alias"
}
