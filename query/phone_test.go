package query

import (
	"testing"
)

// TestParse_PhoneByDigits: a phone number's value keeps what was written (Raw, which String prints and Intercom
// is sent) and compares by its digits (Str), the form the replica's phone columns hold.
func TestParse_PhoneByDigits(t *testing.T) {
	for _, tc := range []struct {
		dsl, str, print string
	}{
		{`object_type:contacts phone:"+91 98037 48241"`, "919803748241", `phone:"+91 98037 48241"`},
		{`object_type:contacts phone:+919803748241`, "919803748241", `phone:+919803748241`},
		{`object_type:contacts phone:"(0)30-123.45"`, "03012345", `phone:(0)30-123.45`},
		{`object_type:contacts phone:starts_with:+91`, "91", `phone:starts_with:+91`},
		{`object_type:contacts formatted_phone:"+33 1 23 45 67 89"`, "33123456789", `formatted_phone:"+33 1 23 45 67 89"`},
	} {
		q := mustParse(t, tc.dsl)
		v := q.Terms[0].Values[0]
		if v.Str != tc.str || q.Terms[0].String() != tc.print {
			t.Errorf("%s: Str %q, printed %s; want %q, %s", tc.dsl, v.Str, q.Terms[0], tc.str, tc.print)
		}
		checkRoundTrip(t, q)
	}
	for dsl, want := range map[string]string{
		`object_type:contacts phone:abc`:            `phone compares the digits of phone numbers; "abc" has none (at byte 27: abc)`,
		`object_type:contacts phone:contains:"+ -"`: `phone compares the digits of phone numbers; "+ -" has none (at byte 36: "+ -")`,
	} {
		wantParseError(t, dsl, want)
	}
	// The structured filter compares the same way.
	q, err := ContactFilter{Phone: "+91 98037 48241"}.Query(fuzzNow)
	if err != nil || q.Terms[0].Values[0].Str != "919803748241" {
		t.Errorf("filter: %v, %v", q.Terms, err)
	}
}

func TestPhoneDigits(t *testing.T) {
	for in, want := range map[string]string{
		"+91 98037 48241":      "919803748241",
		"+1 (555) 010-0.1":     "155501001",
		"":                     "",
		"n/a":                  "",
		"+44 20 7946 0958 x12": "4420794609581" + "2",
		"٣٤٥":                  "",
	} {
		if got := PhoneDigits(in); got != want {
			t.Errorf("PhoneDigits(%q) = %q; want %q", in, got, want)
		}
	}
}
