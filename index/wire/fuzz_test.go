package wire

import (
	"encoding/json"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzInt checks Int against exact rational arithmetic: whatever the JSON, decoding never fails, and a valid Int
// holds exactly the integer the number (or the string holding one) spells.
func FuzzInt(f *testing.F) {
	for _, s := range []string{`5`, `1.5`, `1.7e9`, `"12"`, `"1e3"`, `null`, `-0.0`, `9223372036854775807`,
		`9223372036854775808`, `1234567890123456789.5`, `1e-5`, `"0x10"`, `"05"`, `{"a":[1,null]}`, `true`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		var n Int
		if err := json.Unmarshal([]byte(in), &n); err != nil {
			t.Fatalf("Int(%s): %v", in, err)
		}
		num := strings.TrimSpace(in)
		if strings.HasPrefix(num, `"`) {
			var s string
			if json.Unmarshal([]byte(num), &s) != nil {
				t.Fatalf("Int(%s): the test could not read the string", in)
			}
			num = s
		}
		want, ok := exactInt(num)
		if n.Valid != ok || (ok && n.V != want) {
			t.Errorf("Int(%s) = %+v; want valid=%v %d", in, n, ok, want)
		}
	})
}

// exactInt is the oracle: the value of a JSON number literal as an int64, when it is an integer in range. Numbers
// with exponents too large to expand cheaply are far outside int64 unless zero.
func exactInt(s string) (int64, bool) {
	if s == "" || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) || !json.Valid([]byte(s)) {
		return 0, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 400 || e < -400 {
			r, ok := new(big.Rat).SetString(s[:i])
			return 0, ok && r.Sign() == 0 && err == nil
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// FuzzRecords decodes any JSON as a conversation and a contact: no panic, and a decode that succeeds is
// deterministic.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","updated_at":1.5,"open":"true","source":{"author":null},"conversation_parts":{"conversation_parts":[null,{"id":7,"body":null}]}}`,
		`{"id":5,"tags":{"data":null},"avatar":"x","location":null,"custom_attributes":{"a":{"b":[null]}}}`,
		`{"statistics":{"time_to_assignment":1e400},"contacts":{"contacts":[{"id":{"x":1}}]}}`,
		`{"source":"x"}`, `null`, `[]`, `"x"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var c1, c2 Conversation
		if json.Unmarshal([]byte(in), &c1) == nil {
			if err := json.Unmarshal([]byte(in), &c2); err != nil {
				t.Fatalf("second decode failed: %v", err)
			}
		}
		var k Contact
		_ = json.Unmarshal([]byte(in), &k)
	})
}

// FuzzString checks String's reading of a JSON string, the fast path for plain strings included, against
// encoding/json's: the same text for every valid JSON string.
func FuzzString(f *testing.F) {
	for _, s := range []string{`"plain"`, `"caf\u00e9"`, `"café"`, `"a\"b"`, `"tab\there"`, `"\ud83d\ude00"`, "\"\xff\xfe\"",
		"\"\xe2\x80\"", `""`, `"<p>Hi, I was <b>double</b> charged</p>"`, "\"\u2028\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) || !strings.HasPrefix(in, `"`) {
			return
		}
		var want string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("encoding/json refused the valid %q: %v", in, err)
		}
		var s String
		if err := s.UnmarshalJSON([]byte(in)); err != nil || string(s) != want {
			t.Errorf("String(%q) = %q, %v; want %q", in, s, err, want)
		}
	})
}

// FuzzReadStored holds ReadStored to encoding/json's reading: for any valid JSON, the text snippets read
// (ConversationText, TicketText) are the same, and both accept or both refuse it.
func FuzzReadStored(f *testing.F) {
	for _, s := range []string{
		`{"title":"Refund","source":{"subject":"<b>x</b>","body":"<p>double charged</p>"},"conversation_parts":{"conversation_parts":[{"body":"a"},{"body":null},{"body":3}]}}`,
		`{"TITLE":"upper","Title":"mixed","title":"lower"}`, `{"title":"a","title":"b"}`, `{"title":"caf\u00e9 \ud83d\ude00"}`,
		"{\"title\":\"\xff\xfe\"}", `{"source":[]}`, `{"conversation_parts":{"conversation_parts":{}}}`, `[]`, `null`, `"x"`,
		`{"ticket_attributes":{"_default_title_":"T","_default_description_":1.5e3},"ticket_parts":{"ticket_parts":[{"body":"b"}]}}`,
		`{"title":true,"source":{"body":{"x":1}}}`, `{"title":"\u0000\u001f"}`,
		`{"id":"1","created_at":1.7e9,"state":"open","custom_attributes":{"a":[1,{"b":null}]},"tags":{"tags":[{"id":"1","name":"vip"}]},"conversation_parts":{"conversation_parts":[{"id":"p","part_type":"comment","author":{"type":"admin","id":"7"},"attachments":[{"name":"f"}]}],"total_count":1},"statistics":{"time_to_admin_reply":"60"},"linked_objects":{"data":[{"type":"ticket","id":"2"}]}}`,
		`{"id":7,"ticket_type":{"id":"1","name":"Bug"},"ticket_state":{"category":"submitted"},"ticket_attributes":{"x":[1,2],"_default_title_":"t"},"admin_assignee_id":"0","open":"true","ticket_parts":{"ticket_parts":[{"updated_attribute_data":{"attribute":{"label":"L"},"value":{"label":[1]}}}]}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		sameReading[ConversationText](t, in)
		sameReading[TicketText](t, in)
		// The records fetch and get show whole.
		sameReading[Conversation](t, in)
		sameReading[Ticket](t, in)
	})
}

// sameReading fails t unless ReadStored reads in as a T exactly as encoding/json does: both accept it with equal
// values, or both refuse it.
func sameReading[T any](t *testing.T, in string) {
	t.Helper()
	var want, got T
	werr, gerr := json.Unmarshal([]byte(in), &want), ReadStored([]byte(in), &got)
	if (werr == nil) != (gerr == nil) || (werr == nil && !reflect.DeepEqual(want, got)) {
		t.Errorf("%T of %q: encoding/json %+v, %v; ReadStored %+v, %v", want, in, want, werr, got, gerr)
	}
}
