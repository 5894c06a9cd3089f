package mcp

import (
	"encoding/json"
	"testing"
)

// TestAttributesLine_TimesReadAsTimes: a contact's other attributes that are Intercom times (Unix seconds, *_at)
// read as dates, as every other time on the card does; other numbers stay numbers and strings stay quoted data.
func TestAttributesLine_TimesReadAsTimes(t *testing.T) {
	got := attributesLine(map[string]any{
		"last_email_clicked_at": json.Number("1732902490"),
		"session_count":         json.Number("12"),
		"browser":               "chrome",
		"unsubscribed_at":       json.Number("0"),
	})
	want := `browser: "chrome"; last_email_clicked_at: 2024-11-29 17:48 UTC; session_count: 12; unsubscribed_at: 0`
	if got != want {
		t.Errorf("attributesLine =\n %s\nwant\n %s", got, want)
	}
}
