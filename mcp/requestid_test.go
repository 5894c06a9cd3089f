package mcp

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// requestIDCases are messages with what badRequestID says of them: "" when nothing, else a part of its answer.
var requestIDCases = []struct{ msg, want string }{
	{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, `"id" is null`},
	{` { "method" : "ping" , "id" : null } `, `"id" is null`},
	{`{"jsonrpc":"2.0","Id":null,"method":"ping"}`, `"id" is null`},
	{`{"jsonrpc":"2.0","\u0069d":null,"method":"ping"}`, `"id" is null`},
	{`{"jsonrpc":"2.0","id":null,"METHOD":"ping"}`, `"id" is null`},
	{`{"jsonrpc":"2.0","id":{"x":[1,"}"]},"method":"ping"}`, "an object"},
	{`{"jsonrpc":"2.0","id":[],"method":"ping"}`, "an array"},
	{`{"jsonrpc":"2.0","id":false,"method":"ping"}`, "a boolean"},
	{`{"jsonrpc":"2.0","id":1e3,"method":"ping"}`, "not an integer"},
	{`{"jsonrpc":"2.0","id":-0.5,"method":"ping"}`, "not an integer"},
	{`{"jsonrpc":"2.0","id":1,"id":null,"method":"ping"}`, `"id" is null`},
	{`{"jsonrpc":"2.0","id":null,"id":1,"method":"ping"}`, ""}, // encoding/json keeps the last
	{`{"jsonrpc":"2.0","id":"x\"y\\","method":"ping"}`, ""},
	{`{"jsonrpc":"2.0","id":12,"method":"ping"}`, ""},
	{`{"jsonrpc":"2.0","id":-12,"method":"tools/call","params":{"id":null,"s":"\"id\":null"}}`, ""},
	{`{"jsonrpc":"2.0","method":"notifications/initialized"}`, ""},
	{`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`, ""}, // a response may have a null id
	{`{"jsonrpc":"2.0","id":null,"method":null}`, ""},
	{`{"jsonrpc":"2.0","ids":null,"method":"ping"}`, ""},
	{`{"jsonrpc":"2.0","id":null,"method":"ping"`, ""}, // not JSON: mcp-go answers it
	{`{"jsonrpc":"2.0","id":null,"method":"ping"} x`, ""},
	{`{"jsonrpc":"2.0","id":null "method":"ping"}`, ""},
	{`{"jsonrpc":"2.0","id":"unterminated,"method":"ping"}`, ""},
	{`{}`, ""},
	{``, ""},
	{`null`, ""},
}

func TestBadRequestID(t *testing.T) {
	t.Parallel()
	for _, tc := range requestIDCases {
		got := badRequestID([]byte(tc.msg))
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.msg, got, tc.want)
		}
		if got != "" && !strings.Contains(got, "must be a string or an integer") {
			t.Errorf("%s: %q does not say what an id must be", tc.msg, got)
		}
	}
}

// FuzzScanMessageHead: what the scan finds in a JSON object is what encoding/json, which mcp-go decodes messages
// with, finds there.
func FuzzScanMessageHead(f *testing.F) {
	for _, tc := range requestIDCases {
		f.Add([]byte(tc.msg))
	}
	f.Add([]byte(`{"ıd":null,"method":"ping"}`))
	f.Add([]byte(`{"id":"\\","method":"a\"b"}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		head, ok := scanMessageHead(msg)
		var decoded struct {
			ID     json.RawMessage `json:"id"`
			Method json.RawMessage `json:"method"`
		}
		object := json.Unmarshal(msg, &decoded) == nil && bytes.HasPrefix(bytes.TrimLeft(msg, " \t\r\n"), []byte("{"))
		if object != ok {
			if ok && !json.Valid(msg) {
				return // the scan does not validate what it skips: mcp-go answers such a message
			}
			t.Fatalf("%q: scanned %v, decoded %v", msg, ok, object)
		}
		if !ok {
			return
		}
		if !bytes.Equal(head.id, decoded.ID) {
			t.Errorf("%q: id %q, decoded %q", msg, head.id, decoded.ID)
		}
		if want := decoded.Method != nil && string(decoded.Method) != "null"; head.hasMethod != want {
			t.Errorf("%q: has a method %v, decoded %q", msg, head.hasMethod, decoded.Method)
		}
	})
}

// BenchmarkBadRequestID is the check every request to /mcp and /message pays.
func BenchmarkBadRequestID(b *testing.B) {
	msg := []byte(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"search","arguments":{"query":"object_type:conversations state:closed q:\"refund\" limit:20"},"_meta":{"progressToken":7}}}`)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if badRequestID(msg) != "" {
			b.Fatal("refused")
		}
	}
}
