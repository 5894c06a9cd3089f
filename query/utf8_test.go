package query

import "testing"

// TestParse_InvalidUTF8: text that is not UTF-8 can match nothing a record holds, and the analyzer would read it
// as stray pieces of words: the query is refused, saying where. Before, q:"\xff" matched every record.
func TestParse_InvalidUTF8(t *testing.T) {
	for dsl, want := range map[string]string{
		"object_type:conversations q:\"\xff\"":     "query is not valid UTF-8: byte 29 (0xff) is not part of a character; send text as UTF-8",
		"object_type:conversations q:ref\xffund":   "query is not valid UTF-8: byte 31 (0xff) is not part of a character; send text as UTF-8",
		"object_type:contacts email:a\xc3@b.com":   "query is not valid UTF-8: byte 28 (0xc3) is not part of a character; send text as UTF-8",
		"object_type:contacts ca.\xfe:1":           "query is not valid UTF-8: byte 24 (0xfe) is not part of a character; send text as UTF-8",
		"object_type:contacts starting_after:\x80": "query is not valid UTF-8: byte 36 (0x80) is not part of a character; send text as UTF-8",
	} {
		wantParseError(t, dsl, want)
	}
	// The structured filters and the builder check too.
	_, err := ContactFilter{Email: "a\xffb"}.Query(fuzzNow)
	if want := "the value of email is not valid UTF-8: byte 1 (0xff) is not part of a character; send text as UTF-8"; err == nil || err.Error() != want {
		t.Errorf("filter error %v; want %s", err, want)
	}
}
