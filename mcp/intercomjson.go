package mcp

import (
	"bytes"
	"encoding/json"
)

// attributeValue decodes a custom attribute's raw JSON for output: numbers keep their exact digits (json.Number),
// strings (also inside lists and objects, such as custom object references) are sanitized.
func attributeValue(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return sanitizeValue(v)
}

func sanitizeValue(v any) any {
	switch t := v.(type) {
	case string:
		return Sanitize(t)
	case []any:
		for i := range t {
			t[i] = sanitizeValue(t[i])
		}
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[Sanitize(k)] = sanitizeValue(e)
		}
		return out
	}
	return v
}
