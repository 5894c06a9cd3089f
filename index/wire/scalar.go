package wire

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// String is a text field: a JSON string, or the spelling of a number or boolean (123 reads "123"). Null, objects
// and lists decode as "" (absent).
type String string

// UnmarshalJSON decodes b by the package's rule; it never fails on valid JSON.
func (s *String) UnmarshalJSON(b []byte) error {
	*s = ""
	switch {
	case len(b) == 0:
	case b[0] == '"':
		if v, ok := plainString(b); ok {
			*s = String(v)
			break
		}
		var v string
		if json.Unmarshal(b, &v) == nil {
			*s = String(v)
		}
	case isNumberStart(b[0]), string(b) == "true", string(b) == "false":
		*s = String(b)
	}
	return nil
}

// plainString returns the text of the JSON string literal b when it has no escapes to undo: no backslash, no
// control character, valid UTF-8 (which json would replace). Most of a record's strings are such, and decoding
// them through json.Unmarshal again was a fifth of reading a conversation (FuzzString checks the two agree).
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	ascii := true
	for _, c := range in {
		switch {
		case c < 0x20 || c == '"' || c == '\\':
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if !ascii && !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// Int is an integer field (a timestamp in Unix seconds, a count, a numeric id). Valid is false when the field was
// absent, null, or not an integer (see the package documentation).
type Int struct {
	V     int64
	Valid bool
}

// UnmarshalJSON decodes b by the package's rule; it never fails on valid JSON.
func (n *Int) UnmarshalJSON(b []byte) error {
	*n = Int{}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil || !json.Valid([]byte(s)) {
			return nil // not a JSON number inside: "05", "+5", " 5" are no more numbers than "x"
		}
		b = []byte(s)
	}
	if len(b) == 0 || !isNumberStart(b[0]) {
		return nil
	}
	if v, ok := integral(string(b)); ok {
		*n = Int{V: v, Valid: true}
	}
	return nil
}

// integral returns the value of a JSON number literal when it is an integer within int64: "5", "-3", and also the
// integral floats "1.7e9" and "5.0". It works on the decimal digits, so no value is rounded on the way: a fraction,
// however close to an integer (1234567890123456789.5), is refused, and so is anything that is not a JSON number.
func integral(s string) (int64, bool) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, true
	}
	if !json.Valid([]byte(s)) || s == "" || !isNumberStart(s[0]) {
		return 0, false
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil {
			return 0, false // an exponent beyond int: far outside int64 (or a zero spelled oddly)
		}
		mant, exp = s[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	point := len(digits) - len(frac) + exp // digits[:point] is the integer part
	if digits == "" {
		return 0, true // 0.0, 0e5
	}
	if point < len(digits) {
		if point < 0 || strings.Trim(digits[point:], "0") != "" {
			return 0, false // a fraction
		}
		digits = digits[:point]
	}
	if point > 19 {
		return 0, false // more digits than int64 has
	}
	digits += strings.Repeat("0", point-len(digits))
	if neg {
		digits = "-" + digits
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	return v, err == nil
}

// Bool is a boolean field: true or false, also sent as the strings "true" and "false". Valid is false for anything
// else.
type Bool struct {
	V     bool
	Valid bool
}

// UnmarshalJSON decodes b by the package's rule; it never fails on valid JSON.
func (v *Bool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*v = Bool{V: true, Valid: true}
	case "false", `"false"`:
		*v = Bool{V: false, Valid: true}
	default:
		*v = Bool{}
	}
	return nil
}

// Avatar is a contact's avatar as its image URL: Intercom sends an object {"image_url": ...}, null, or (older API
// versions) a bare string.
type Avatar string

// UnmarshalJSON decodes b by the package's rule; it never fails on valid JSON.
func (a *Avatar) UnmarshalJSON(b []byte) error {
	*a = ""
	if len(b) > 0 && b[0] == '{' {
		var obj struct {
			ImageURL String `json:"image_url"`
		}
		if json.Unmarshal(b, &obj) == nil {
			*a = Avatar(obj.ImageURL)
		}
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '"' && json.Unmarshal(b, &s) == nil {
		*a = Avatar(s)
	}
	return nil
}

func isNumberStart(c byte) bool { return c == '-' || (c >= '0' && c <= '9') }
