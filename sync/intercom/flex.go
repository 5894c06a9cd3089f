package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Intercom's payloads do not always match the types of its own schema: the spec's examples send conversation part
// ids as numbers where the schema says strings, team_assignee_id arrives as an integer, null, or (in older payloads) a
// string, and admin ids are numbers in some places and strings in others. The wire structs decode those fields through
// flexString and flexInt, which accept every such spelling; the typed models expose plain Go types.

// flexString decodes a JSON string, number or null (as "").
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*s = flexString(b) // the number's own spelling, e.g. 123 -> "123"
	default:
		return fmt.Errorf("intercom: want a string or number, got %.20s", b)
	}
	return nil
}

// flexInt decodes a JSON integer, an integral float (1.7e9), a string holding an integer, or null (as 0).
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*n = 0
			return nil
		}
		b = []byte(s)
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return fmt.Errorf("intercom: want an integer, got %.20s", b)
	}
	*n = flexInt(f)
	return nil
}
