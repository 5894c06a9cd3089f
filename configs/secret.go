package configs

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Redacted is what every rendering of a set Secret shows instead of its value.
const Redacted = "REDACTED"

// Secret holds a credential (an Intercom access token, a webhook client secret, a local bearer token) so that it
// cannot be printed by accident. Every way Go renders a value (String, GoString, every fmt verb, slog, JSON, YAML,
// text marshalling) shows [Redacted] for a set secret and "" for an empty one; only [Secret.Reveal] returns the
// value. The zero Secret is empty.
//
// The value is in an unexported field, so a Secret is only safe inside exported fields or on its own: fmt prints an
// unexported struct field without calling its methods.
type Secret struct {
	value string
}

// NewSecret returns a Secret holding value.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the secret's value. Call it only where the value must leave the program: an Authorization header
// sent to Intercom, an HMAC key, a constant-time comparison.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty. yaml.v3 uses it for omitempty.
func (s Secret) IsZero() bool { return s.value == "" }

// redacted is the one place that decides what a secret looks like when rendered.
func (s Secret) redacted() string {
	if s.value == "" {
		return ""
	}
	return Redacted
}

// String implements fmt.Stringer without revealing the value.
func (s Secret) String() string { return s.redacted() }

// GoString implements fmt.GoStringer (the %#v verb) without revealing the value.
func (s Secret) GoString() string { return fmt.Sprintf("configs.Secret(%q)", s.redacted()) }

// Format implements fmt.Formatter so that no verb (%x, %q, %d, ...) reaches the value.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, s.GoString())
	case verb == 'q':
		fmt.Fprintf(f, "%q", s.redacted())
	default:
		fmt.Fprint(f, s.redacted())
	}
}

// LogValue implements slog.LogValuer without revealing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

// MarshalJSON implements json.Marshaler without revealing the value.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.redacted()) }

// MarshalText implements encoding.TextMarshaler without revealing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// MarshalYAML implements yaml.Marshaler without revealing the value.
func (s Secret) MarshalYAML() (any, error) { return s.redacted(), nil }
