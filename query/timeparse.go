package query

import (
	"strconv"
	"strings"
	"time"
)

// Bounds on timestamps: Intercom's data starts in 2011, and a value past 9999-12-31 is a mistake (often
// milliseconds written where seconds are expected).
const (
	// MaxUnixSeconds is the latest timestamp a query accepts, 9999-12-31T23:59:59Z.
	MaxUnixSeconds = 253402300799
	msThreshold    = 100000000000 // 1e11 s is the year 5138; anything larger is almost certainly milliseconds
)

// timestampHelp is the part of every timestamp error that says what is accepted.
const timestampHelp = "Unix seconds (1735689600), a date (2025-01-31, midnight UTC), RFC 3339 (2025-01-31T09:30:00Z), " +
	"a time before now (30m, 24h, 7d, 2w), today or yesterday"

// parseTimestamp reads a timestamp written as Unix seconds, a date (UTC midnight), RFC 3339 (a missing offset
// means UTC), a relative time before now (90s, 30m, 24h, 7d, 2w), "now", "today" or "yesterday" (UTC midnights).
// It returns Unix seconds, and a reason the text is not a timestamp when it is not.
func parseTimestamp(s string, now func() time.Time) (int64, string) {
	if s == "" {
		return 0, "empty"
	}
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > MaxUnixSeconds {
			if err == nil && n >= msThreshold {
				return 0, "looks like milliseconds; divide by 1000 for Unix seconds"
			}
			return 0, "out of range"
		}
		return n, ""
	}
	if n, ok := relativeSeconds(s); ok {
		return inRange(now().Unix() - n)
	}
	switch strings.ToLower(s) {
	case "now":
		return inRange(now().Unix())
	case "today":
		return inRange(midnight(now()).Unix())
	case "yesterday":
		return inRange(midnight(now()).Unix() - 86400)
	}
	if len(s) == len("2006-01-02") {
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return inRange(t.Unix())
		}
		return 0, "not a valid date"
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return inRange(t.Unix())
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return inRange(t.Unix())
	}
	if t, err := time.Parse("2006-01-02T15:04", s); err == nil {
		return inRange(t.Unix())
	}
	return 0, "not a timestamp"
}

func inRange(n int64) (int64, string) {
	if n < 0 || n > MaxUnixSeconds {
		return 0, "out of range: before 1970 or after 9999"
	}
	return n, ""
}

// midnight returns the start of t's day in UTC.
func midnight(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// relativeSeconds reads a duration written as a whole number and a unit (s, m, h, d, w), such as 7d, and
// returns it in seconds.
func relativeSeconds(s string) (int64, bool) {
	if len(s) < 2 || !isDigits(s[:len(s)-1]) {
		return 0, false
	}
	var unit int64
	switch s[len(s)-1] {
	case 's', 'S':
		unit = 1
	case 'm', 'M':
		unit = 60
	case 'h', 'H':
		unit = 3600
	case 'd', 'D':
		unit = 86400
	case 'w', 'W':
		unit = 7 * 86400
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	// 200 years is more than any real query; the bound keeps the arithmetic far from overflow.
	if err != nil || n > 200*365*86400/unit {
		return 0, false
	}
	return n * unit, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatTimestamp writes Unix seconds as RFC 3339 in UTC, the canonical Str of a timestamp Value.
func formatTimestamp(n int64) string {
	return time.Unix(n, 0).UTC().Format(time.RFC3339)
}
