package plaintext

import (
	"slices"
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
		{"table cells are lines", "<table><tr><td>Order</td><td>123</td></tr></table>", "Order\n123"},
		{"every paragraph-level element separates words", "a<figure>b</figure>c<dl>d<dt>e</dl><body>f", "a\nb\nc\nd\ne\nf"},
		{"list items are lines", "<ul><li>one</li><li>two</li></ul>", "one\ntwo"},
		{"malformed attributes", "<p>see <a =>here</a>", "see here"},
		{"upper-case tag with a bare =", "x<A=>y", "xy"},
		{"processing instruction dropped", `<?xml:namespace prefix = o ns = "urn:x" />Hi<o:p></o:p>`, "Hi"},
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

// FuzzRenderings checks both renderings of any input: neither panics; the words rendering is always valid UTF-8 and
// the readable one is whenever the input is; white space is normalised as documented; neither grows the text by
// more than a constant factor; and on text without markup (printable ASCII, no "<" or "&") both keep exactly the
// words of the input.
func FuzzRenderings(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "a<b", "<a href='>'>x</a>", "&amp;&#39;&#x;", "<script>x", "<!--", "<\xff>",
		"<p>see <a =>here</a>", "<A=>", `<a href="x" =>y</a>`, "<li><img src=x>", "<table><tr><td>a<td>b", "<a href=u>x<a href=v>y</a></a>",
		"line one\n\n\nline two", "<?xml x?>a<o:p>b</o:p>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := String(s)
		if !utf8.ValidString(words) {
			t.Fatalf("words of %q: invalid UTF-8 %q", s, words)
		}
		if strings.HasPrefix(words, " ") || strings.HasSuffix(words, " ") || strings.Contains(words, "  ") ||
			strings.HasPrefix(words, "\n") || strings.HasSuffix(words, "\n") || strings.Contains(words, "\n\n") {
			t.Fatalf("words of %q: white space not collapsed: %q", s, words)
		}
		if len(words) > 4*len(s)+8 {
			t.Fatalf("words: %d bytes for %d bytes of input", len(words), len(s))
		}

		readable := Readable(s)
		if utf8.ValidString(s) && !utf8.ValidString(readable) {
			t.Fatalf("readable of valid input %q: invalid UTF-8 %q", s, readable)
		}
		if readable != strings.TrimSpace(readable) || strings.Contains(readable, "\n\n\n") {
			t.Fatalf("readable of %q: untrimmed or more than one blank line: %q", s, readable)
		}
		if len(readable) > 4*len(s)+8 {
			t.Fatalf("readable: %d bytes for %d bytes of input", len(readable), len(s))
		}

		if plainASCII(s) {
			want := strings.Fields(s)
			if got := strings.Fields(words); !slices.Equal(got, want) {
				t.Fatalf("words of plain text %q: %q, want the words %q", s, words, want)
			}
			if got := strings.Fields(readable); !slices.Equal(got, want) {
				t.Fatalf("readable of plain text %q: %q, want the words %q", s, readable, want)
			}
		}
	})
}

// plainASCII reports whether s is printable ASCII and white space, without markup or character references.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<' || c == '&':
			return false
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c < 0x20 || c >= 0x7f:
			return false
		}
	}
	return true
}

func TestReadable(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "  Hello   there \n\n\n\n again ", "Hello there\n\nagain"},
		{"paragraphs and breaks", "<p>Hi team,</p><p>The app crashes.<br>Every time.</p>", "Hi team,\n\nThe app crashes.\nEvery time."},
		{"entities", "<p>Tom &amp; Jerry &lt;3 &quot;cheese&quot; &#8364;5&nbsp;off</p>", "Tom & Jerry <3 \"cheese\" €5 off"},
		{"link with label", `<p>See <a href="https://example.com/help?a=1&amp;b=2">the help page</a> now.</p>`, "See the help page (https://example.com/help?a=1&b=2) now."},
		{"link whose label is the URL", `<a href="https://x.io">https://x.io</a>`, "https://x.io"},
		{"mailto link", `write to <a href="mailto:a@b.com">a@b.com</a>`, "write to a@b.com"},
		{"empty link label", `<a href="https://x.io/file.pdf"></a>`, "https://x.io/file.pdf"},
		{"javascript link dropped", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"image", `<img src="https://cdn/x.png" alt="screenshot">`, "[image: screenshot] (https://cdn/x.png)"},
		{"list", "<p>Steps:</p><ul><li>one</li><li> two</li></ul>", "Steps:\n\n- one\n- two"},
		{"script and style dropped", "<style>p{}</style><p>text</p><script>alert('x')</script>", "text"},
		{"comment dropped", "a<!-- hidden -->b", "ab"},
		{"stray less-than is text", "if a < b then <b>bold</b>", "if a < b then bold"},
		{"unterminated tag keeps text", "price <5 dollars", "price <5 dollars"},
		{"attribute with > inside quotes", `<a title="a>b" href="https://q">q</a>`, "q (https://q)"},
		// Malformed attributes: the scanner used to index past the end of "<a =>" and panic.
		{"attribute without a name", "<p>see <a =>here</a>", "see here"},
		{"upper-case tag with a bare =", "<A=>x</A>", "x"},
		{"attribute names are any text", `<a =href="u" href='v'>x</a>`, "x (v)"},
		{"unquoted attribute value", `<a HREF=https://q/a?b=1>q</a>`, "q (https://q/a?b=1)"},
		{"unterminated quoted value", `<a href="https://q>q</a>`, "<a href=\"https://q>q"},
		{"table cells on one line", "<table><tr><td>Order</td><td>123</td></tr><tr><td>Total</td><td>$5</td></tr></table>", "Order 123\n\nTotal $5"},
		{"image in a list item", `<ul><li><img src="x.png"></li></ul>`, "- [image] (x.png)"},
		{"processing instruction dropped", `<?xml:namespace prefix = o ns = "urn:x" />Hi<o:p></o:p>`, "Hi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Readable(tc.in); got != tc.want {
				t.Errorf("Readable(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}
