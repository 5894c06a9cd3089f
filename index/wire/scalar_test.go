package wire

import (
	"encoding/json"
	"testing"
)

// The cases marked "disagreed" decoded differently in the three copies this package replaced: the client's refused
// them (an error that failed the whole page), the index's and the tools' truncated fractions or read words as 0.

func TestInt_Decoding(t *testing.T) {
	tests := []struct {
		in   string
		want Int
	}{
		{`5`, Int{5, true}},
		{`-3`, Int{-3, true}},
		{`0`, Int{0, true}},
		{`-0`, Int{0, true}},
		{`null`, Int{}},
		{`1.7e9`, Int{1700000000, true}},              // an integral float spells an integer exactly
		{`1700000000.0`, Int{1700000000, true}},       // as Intercom sends some timestamps
		{`"5017691"`, Int{5017691, true}},             // team_assignee_id as a string
		{`"1e3"`, Int{1000, true}},                    // a string holding an integral float
		{`9223372036854775807`, Int{1<<63 - 1, true}}, // the int64 bounds are exact
		{`-9223372036854775808`, Int{-1 << 63, true}},
		{`4611686018427387904.0`, Int{1 << 62, true}}, // disagreed: the index refused 2^62 as a float, the client took it
		{`1.5`, Int{}},                                // disagreed: a fraction is neither truncated (index, tools: 1) nor an error (client)
		{`-1.5`, Int{}},                               // disagreed: truncation made it -1
		{`0.5`, Int{}},                                // disagreed: truncation made it 0, a valid timestamp of 1970
		{`"1.5"`, Int{}},                              // disagreed: the index read 1
		{`1e300`, Int{}},                              // disagreed: beyond int64 (the client refused, the others left it out)
		{`9223372036854775808`, Int{}},                // 2^63: one past int64
		{`-9223372036854775809`, Int{}},               // one before
		{`1e19`, Int{}},
		{`1e18`, Int{1e18, true}},
		{`10e-1`, Int{1, true}},
		{`0.0001e4`, Int{1, true}},
		{`-0.0`, Int{0, true}},
		{`1234567890123456789.5`, Int{}}, // float64 would round it to an integer: the digits decide
		{`1.0000000000000000001`, Int{}},
		{`1e-5`, Int{}},
		{`1e999999999`, Int{}},
		{`1e99999999999999999999`, Int{}},
		{`"x"`, Int{}},         // disagreed: the client refused a word
		{`"yesterday"`, Int{}}, // disagreed
		{`""`, Int{}},
		{`" 5"`, Int{}}, // a string must hold exactly a JSON number
		{`"05"`, Int{}},
		{`"+5"`, Int{}},
		{`"5 "`, Int{}},
		{`"0x10"`, Int{}}, // strconv would read hex floats, NaN and Infinity; JSON has none of them
		{`"NaN"`, Int{}},
		{`"Infinity"`, Int{}},
		{`"-Inf"`, Int{}},
		{`"1_000"`, Int{}},
		{`"\"5\""`, Int{}},
		{`true`, Int{}}, // disagreed: the client refused
		{`false`, Int{}},
		{`{}`, Int{}}, // disagreed: the client refused
		{`{"v":5}`, Int{}},
		{`[5]`, Int{}},
	}
	for _, tc := range tests {
		var n Int
		if err := json.Unmarshal([]byte(tc.in), &n); err != nil || n != tc.want {
			t.Errorf("Int(%s) = %+v, %v; want %+v", tc.in, n, err, tc.want)
		}
	}
}

func TestString_Decoding(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"abc"`, "abc"},
		{`"\u00e9"`, "é"},
		{`""`, ""},
		{`123`, "123"}, // conversation part ids arrive as numbers
		{`-4`, "-4"},
		{`1.5e3`, "1.5e3"}, // a number keeps its own spelling
		{`12345678901234567890123`, "12345678901234567890123"},
		{`null`, ""},
		{`true`, "true"}, // disagreed: the client refused a boolean
		{`false`, "false"},
		{`{}`, ""},         // disagreed: the client refused an object
		{`{"id":"1"}`, ""}, // an object where text belongs is absent, not its JSON
		{`[]`, ""},         // disagreed
		{`["a"]`, ""},
	}
	for _, tc := range tests {
		var s String
		if err := json.Unmarshal([]byte(tc.in), &s); err != nil || string(s) != tc.want {
			t.Errorf("String(%s) = %q, %v; want %q", tc.in, s, err, tc.want)
		}
	}
}

func TestBool_Decoding(t *testing.T) {
	tests := []struct {
		in   string
		want Bool
	}{
		{`true`, Bool{true, true}},
		{`false`, Bool{false, true}},
		{`"true"`, Bool{true, true}}, // disagreed: the client refused a string
		{`"false"`, Bool{false, true}},
		{`null`, Bool{}},
		{`"yes"`, Bool{}}, // disagreed: the client refused it
		{`"TRUE"`, Bool{}},
		{`1`, Bool{}},
		{`0`, Bool{}},
		{`{}`, Bool{}},
		{`[true]`, Bool{}},
	}
	for _, tc := range tests {
		var b Bool
		if err := json.Unmarshal([]byte(tc.in), &b); err != nil || b != tc.want {
			t.Errorf("Bool(%s) = %+v, %v; want %+v", tc.in, b, err, tc.want)
		}
	}
}

func TestAvatar_Decoding(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"type":"avatar","image_url":"https://x/a.png"}`, "https://x/a.png"},
		{`{"image_url":null}`, ""},
		{`{}`, ""},
		{`"https://x/b.png"`, "https://x/b.png"}, // older API versions
		{`null`, ""},
		{`5`, ""},
		{`[]`, ""},
	}
	for _, tc := range tests {
		var a Avatar
		if err := json.Unmarshal([]byte(tc.in), &a); err != nil || string(a) != tc.want {
			t.Errorf("Avatar(%s) = %q, %v; want %q", tc.in, a, err, tc.want)
		}
	}
}
