package index

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/intercom-replica/intercom-replica/index/internal/synth"
	"github.com/intercom-replica/intercom-replica/query"
)

// hostileText is text that the English analyser's fast path must analyse exactly as bleve does: apostrophes of
// every kind, digits with separators, URLs, emails, mixed scripts, CJK, emoji, joiners, combining marks, controls.
var hostileText = []string{
	"", " ", "a", "A", "_", "__", "'", "''", "'s", "a's", "A'S", "John's", "johns'", "it's a dog's life",
	"don't can't won't I'm you're they've we'd", "rock 'n' roll", "'quoted'", "\"double\" \"quotes\"",
	"The the THE a an and are as at be but by for if in into is it no not of on or such that their then there",
	"3.14 1,000,000 1,000.50 2024-01-05 10:30:00 1;2 1'2 1.a a.1 a1.b 1a.b a_1 1_a _1_ a__b a_.b a._b",
	"e.g. i.e. U.S.A. a..b a.b. .a. ... ,,, ;;; ::: a:b:c http://example.com/path?q=1&r=2#frag",
	"https://app.intercom.com/a/inbox/abc123/inbox/conversation/215480000000021",
	"john.smith+tag@example.co.uk <mailto:x@y.z> @mention #hashtag $100 50% 3x 4th 1st 22nd",
	"refund request: REFUND-REQUEST refunding refunded refunds Refunds' refunds's",
	"line one\nline two\r\nline three\rfour\x0bfive\x0csix\ttab\x00nul\x7fdel",
	"café naïve résumé Zoë façade", "don’t it’s John’s ＇s Ｊｏｈｎ＇ｓ", "‘single’ “double” «guillemets»",
	"中文测试 日本語のテキスト カタカナ ひらがな 한국어 텍스트", "mixed中文english日本語123",
	"emoji 😀 👍🏽 👨‍👩‍👧 🇬🇧 ❤️ thumbs👍up", "zero\u200bwidth\u200cnon\u200djoiner", "soft\u00adhyphen",
	"combining e\u0301 a\u0300b", "Ⱥ Ⱦ ΣΑΣ σοφός ΣΟΦΟΣ İstanbul ǅ ß ẞ", "Ελληνικά русский текст עברית עב\"ר עב'ר العربية ١٢٣",
	"\xff\xfe invalid \xc3 utf8 \xe2\x80", "tab\tseparated\tvalues", "a\u00a0nbsp\u2028ls\u2029ps\u0085nel",
	"x\u0301y", "1\u0301 2", "_\u0301_", "a'\u0301b", "a.\u200db", "ｆｕｌｌｗｉｄｔｈ １２３", "a·b", "a‧b",
	"\u0301leading mark", "trailing mark\u0301", "trailing apostrophe'", "'leading", "a''b", "a'.b", "1.,2",
}

// diffAnalysis returns how an.analyze(v) differs from bleve's analysis of v, or "" if it does not.
func diffAnalysis(an *enAnalyzer, bleve analysis.Analyzer, v string) string {
	got := an.analyze(v, nil)
	want := bleve.Analyze([]byte(v))
	var b strings.Builder
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			t := got[i]
			g = fmt.Sprintf("%q %d-%d @%d", t.term, t.start, t.end, t.pos)
			if string(t.bytes) != t.term {
				g += fmt.Sprintf(" (bytes %q)", t.bytes)
			}
		}
		if i < len(want) {
			t := want[i]
			w = fmt.Sprintf("%q %d-%d @%d", t.Term, t.Start, t.End, t.Position)
		}
		if g != w {
			fmt.Fprintf(&b, "\n  token %d: got %s, bleve %s", i, g, w)
		}
	}
	return b.String()
}

// checkAnalysis fails t for every value of vals that the fast path analyses differently from bleve.
func checkAnalysis(t *testing.T, vals []string) {
	t.Helper()
	s, err := newSchema(query.KindConversation)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, v := range vals {
		if d := diffAnalysis(s.words, s.en, v); d != "" {
			t.Errorf("%q:%s", v, d)
			if bad++; bad > 10 {
				t.Fatal("too many differences")
			}
		}
	}
}

func TestEnglishAnalysis_MatchesBleve(t *testing.T) {
	t.Parallel()
	t.Run("hostile", func(t *testing.T) {
		t.Parallel()
		vals := append([]string(nil), hostileText...)
		// Each twice in one value, and concatenated with its neighbours, so words meet separators of all kinds.
		for i, v := range hostileText {
			vals = append(vals, v+" "+v, v+hostileText[(i+1)%len(hostileText)])
		}
		checkAnalysis(t, vals)
	})
	t.Run("synthetic corpus", func(t *testing.T) {
		t.Parallel()
		g := synth.New(benchSeed)
		var vals []string
		for i := range 300 {
			for kind, raw := range map[query.Kind][]byte{
				query.KindConversation: g.Conversation(i, nil).JSON, query.KindContact: g.Contact(i, nil).JSON} {
				d, err := extract(kind, raw)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range d.fields {
					if f.typ == valText {
						vals = append(vals, f.strs...)
					}
				}
			}
		}
		if len(vals) < 1000 {
			t.Fatalf("only %d text values in the corpus", len(vals))
		}
		checkAnalysis(t, vals)
	})
	t.Run("every short ASCII string", func(t *testing.T) {
		t.Parallel()
		// Every string of up to four characters over one character of each word-break class ASCII has (letters of
		// both cases, digit, connector, the mid-word and mid-number separators, quotes, space, newlines, other).
		const alphabet = "aS1_.,;:'\" -\n\x0b"
		vals := []string{""}
		prev := []string{""}
		for range 4 {
			var next []string
			for _, p := range prev {
				for _, c := range alphabet {
					next = append(next, p+string(c))
				}
			}
			vals = append(vals, next...)
			prev = next
		}
		checkAnalysis(t, vals)
	})
	t.Run("random ASCII", func(t *testing.T) {
		t.Parallel()
		rng := rand.New(rand.NewPCG(1, 2))
		const alphabet = "abSs1 9_.,;:'\"-/@\n\r\t#$%&()*+<=>?[\\]^`{|}~\x00\x0b\x0c\x7f"
		vals := make([]string, 20000)
		for i := range vals {
			b := make([]byte, 1+rng.IntN(16))
			for j := range b {
				b[j] = alphabet[rng.IntN(len(alphabet))]
			}
			vals[i] = string(b)
		}
		checkAnalysis(t, vals)
	})
}

// opaqueAnalyzer hides an analyzer's tokenizer and filters, as a bleve whose English analyzer were built otherwise.
type opaqueAnalyzer struct{ analysis.Analyzer }

// TestEnglishAnalysis_OpaqueAnalyzerIsUsedAsIs checks that the fast path of an analyzer it cannot take apart
// analyses everything through that analyzer.
func TestEnglishAnalysis_OpaqueAnalyzerIsUsedAsIs(t *testing.T) {
	t.Parallel()
	s, err := newSchema(query.KindConversation)
	if err != nil {
		t.Fatal(err)
	}
	an := newEnAnalyzer(opaqueAnalyzer{s.en})
	if an.tokenizer != nil {
		t.Fatal("the fast path took an analyzer of unknown shape apart")
	}
	for _, v := range hostileText {
		if d := diffAnalysis(an, s.en, v); d != "" {
			t.Errorf("%q:%s", v, d)
		}
	}
}

// TestEnglishAnalysis_CacheIsBounded checks that the word cache stays within its bound however many distinct words
// it sees, and that words analysed once it is full are still right.
func TestEnglishAnalysis_CacheIsBounded(t *testing.T) {
	t.Parallel()
	s, err := newSchema(query.KindConversation)
	if err != nil {
		t.Fatal(err)
	}
	c := newWordCache()
	var toks []enToken
	for i := range 3 * maxCachedWords {
		word := "zz" + strings.Map(func(r rune) rune { return r - '0' + 'a' }, strconv.Itoa(i)) // a letter per digit
		v := "Refunding " + word + "'s"
		toks = s.words.analyzeWith(c, v, toks[:0])
		if len(c.m) > maxCachedWords {
			t.Fatalf("after %d words the cache holds %d, more than %d", i+1, len(c.m), maxCachedWords)
		}
		want := s.en.Analyze([]byte(v))
		if len(toks) != 2 || len(want) != 2 || toks[0].term != "refund" || toks[1].term != string(want[1].Term) {
			t.Fatalf("%q analysed as %+v", v, toks)
		}
	}
}

func FuzzEnglishAnalysis(f *testing.F) {
	for _, v := range hostileText {
		f.Add(v)
	}
	s, err := newSchema(query.KindConversation)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if d := diffAnalysis(s.words, s.en, v); d != "" {
			t.Errorf("%q:%s", v, d)
		}
	})
}

// BenchmarkEnglishAnalysis compares bleve's English analyzer with its fast path on the text of 5,000 synthetic
// conversations (32,000 distinct words), with caches empty at the start of each run or kept from the last.
func BenchmarkEnglishAnalysis(b *testing.B) {
	s, err := newSchema(query.KindConversation)
	if err != nil {
		b.Fatal(err)
	}
	g := synth.New(benchSeed)
	var vals []string
	bytes := 0
	for i := range 5000 {
		d, err := extract(query.KindConversation, g.Conversation(i, nil).JSON)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range d.fields {
			if f.typ == valText {
				vals = append(vals, f.strs...)
				for _, v := range f.strs {
					bytes += len(v)
				}
			}
		}
	}
	b.Run("bleve", func(b *testing.B) {
		b.SetBytes(int64(bytes))
		for b.Loop() {
			for _, v := range vals {
				s.en.Analyze([]byte(v))
			}
		}
	})
	for _, warm := range []bool{false, true} {
		b.Run(fmt.Sprintf("fast/warm=%v", warm), func(b *testing.B) {
			b.SetBytes(int64(bytes))
			var toks []enToken
			an := newEnAnalyzer(s.en)
			for b.Loop() {
				if !warm {
					an = newEnAnalyzer(s.en)
				}
				for _, v := range vals {
					toks = an.analyze(v, toks[:0])
				}
			}
		})
	}
}
