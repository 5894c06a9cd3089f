package index

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Intercom is loose with JSON types: ids are strings in one place and numbers in another (admin_assignee_id is a
// number, teammates[].id a string), timestamps are numbers or null, and custom attributes are whatever the
// workspace stored. The flex types decode any of these without failing the whole record, because a record Intercom
// returned must be stored and searchable even when one field has an unexpected shape.

// flexString decodes a JSON string, number or boolean as its text; null and objects decode as absent ("").
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*s = flexString(b)
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*s = flexString(b)
	default:
		*s = ""
	}
	return nil
}

// flexInt decodes a JSON number (a fraction is truncated) or a string holding one; anything else is absent.
type flexInt struct {
	V     int64
	Valid bool
}

func (n *flexInt) UnmarshalJSON(b []byte) error {
	*n = flexInt{}
	if len(b) > 1 && b[0] == '"' {
		b = b[1 : len(b)-1]
	}
	if len(b) == 0 || !(b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		return nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = flexInt{V: v, Valid: true}
		return nil
	}
	if f, err := strconv.ParseFloat(string(b), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) &&
		math.Abs(f) < 1<<62 {
		*n = flexInt{V: int64(f), Valid: true}
	}
	return nil
}

// flexBool decodes a JSON boolean, or the strings "true"/"false"; anything else is absent.
type flexBool struct {
	V     bool
	Valid bool
}

func (v *flexBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*v = flexBool{V: true, Valid: true}
	case "false", `"false"`:
		*v = flexBool{V: false, Valid: true}
	default:
		*v = flexBool{}
	}
	return nil
}
