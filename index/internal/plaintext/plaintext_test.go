package plaintext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFromHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text unchanged", "Hello there", "Hello there"},
		{"paragraphs become lines", "<p>Hi Anna,</p><p>Your refund is on its way.</p>", "Hi Anna,\nYour refund is on its way."},
		{"br is a line break", "one<br>two<br/>three", "one\ntwo\nthree"},
		{"inline tags vanish without gluing words", "a <b>bold</b> <i>move</i>", "a bold move"},
		{"inline tags between letters keep them together", "re<b>fund</b>", "refund"},
		{"named entities", "Tom &amp; Jerry &lt;3 &quot;cheese&quot;", `Tom & Jerry <3 "cheese"`},
		{"numeric entities", "it&#39;s &#x263A;", "it's ☺"},
		{"nbsp is a space", "a&nbsp;b\u00a0c", "a b c"},
		{"link keeps its text", `see <a href="https://x.test/a?b=1&amp;c=2" title="x > y">the docs</a>.`, "see the docs."},
		{"script and style dropped", "<style>p{color:red}</style>Hi<script>alert('x<y')</script> there", "Hi there"},
		{"comment dropped", "a<!-- secret -->b", "ab"},
		{"stray less-than kept", "if a < b and c<3 then", "if a < b and c<3 then"},
		{"unterminated tag kept as text", "price <b", "price <b"},
		{"white space collapsed", "  lots \t of\n\n space  ", "lots of space"},
		{"leading block tag adds nothing", "<div><p>text</p></div>", "text"},
		{"empty", "", ""},
		{"only tags", "<p></p><br>", ""},
		{"invalid utf-8 replaced", "a\xffb", "a\uFFFDb"},
		{"non-ascii kept", "<p>Zoë &amp; Søren</p>", "Zoë & Søren"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := String(tc.in); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFromHTML_AppendsToDst(t *testing.T) {
	got := string(FromHTML([]byte("prefix:"), "<p> body </p>"))
	if got != "prefix:body" {
		t.Errorf("got %q, want %q", got, "prefix:body")
	}
}

func TestPreview(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"line one\nline two", 40, "line one line two"},
		{"the quick brown fox jumps", 12, "the quick…"},
		{"ééééééé", 5, "éé…"},
	}
	for _, tc := range tests {
		if got := Preview(tc.in, tc.max); got != tc.want {
			t.Errorf("Preview(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func FuzzFromHTML(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "a<b", "<a href='>'>x</a>", "&amp;&#39;&#x;", "<script>x", "<!--", "<\xff>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("valid input %q gave invalid UTF-8 %q", s, out)
		}
		if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
			t.Fatalf("white space not collapsed: %q", out)
		}
		if len(out) > 4*len(s)+8 {
			t.Fatalf("output %d bytes for %d bytes of input", len(out), len(s))
		}
	})
}
