package main

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// hostile is text a customer could write that a terminal would obey rather than show: an OSC 52 clipboard write, a
// screen clear, a colour, a bell, a backspace, a carriage return hiding what came before it, and a bidi override.
const hostile = "Invoice\x1b]52;c;cHduZWQ=\x07 \x1b[2J\x1b[31mrefund\x1b[0m\x08\x08 paid\rOK \u202ereversed\u202c"

// TestCLI_CustomerTextReachesNoTerminalControls prints hostile customer text through every command that shows
// records on a terminal, and checks that no control character (but line breaks and tabs) or bidi override reaches it.
func TestCLI_CustomerTextReachesNoTerminalControls(t *testing.T) {
	t.Parallel()
	dir := shortDir(t)
	r, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) }
	esc := func(s string) string { // as JSON escapes it
		var b strings.Builder
		for _, r := range q(s) {
			if r < 0x20 {
				b.WriteString(`\u00` + string("0123456789abcdef"[r>>4]) + string("0123456789abcdef"[r&15]))
				continue
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	b := index.Batch{Records: []index.Record{
		{Kind: query.KindConversation, ID: "1", Raw: []byte(`{"type":"conversation","id":"1","created_at":1700000000,"updated_at":1700000000,"state":"open","title":"` + esc(hostile) + `","source":{"type":"conversation","body":"<p>` + esc(hostile) + `</p>","author":{"type":"user","id":"c1","name":"` + esc(hostile) + `","email":"x@example.com"}},"tags":{"type":"tag.list","tags":[{"type":"tag","id":"9","name":"` + esc(hostile) + `"}]}}`)},
		{Kind: query.KindContact, ID: "c1", Raw: []byte(`{"type":"contact","id":"c1","role":"user","name":"` + esc(hostile) + `","email":"x@example.com","created_at":1700000000,"updated_at":1700000000,"custom_attributes":{"tier":"` + esc(hostile) + `"}}`)},
	}}
	if _, err := r.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	e := newUserEnv(t)
	for _, args := range [][]string{
		{"search", "object_type:conversations q:paid"},
		{"search", "object_type:conversations state:open"},
		{"search", "object_type:contacts role:user"},
		{"search", "object_type:contacts ca.tier:gold"}, // the note lists the values held
		{"report", "--by", "ca.tier", "object_type:contacts"},
		{"get", "conversation_1"},
		{"get", "contact_c1"},
		{"report", "--by", "tag", "object_type:conversations"},
	} {
		out, _ := e.mustRun(t, append(args, "--config", "", "--data-dir", dir)...)
		for i, r := range out {
			if (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Errorf("%s: prints %U at byte %d: %q", strings.Join(args, " "), r, i, out[max(0, i-20):min(len(out), i+20)])
				break
			}
		}
	}
}
