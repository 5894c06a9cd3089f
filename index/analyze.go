package index

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
)

// foldedEnglish returns bleve's English analyzer en with every token folded to ASCII after it is lower-cased
// (foldFilter): "Martínez", "MARTINEZ" and "martinez" are one term, as are "café" and "cafe" and the full-width
// "ｒｅｆｕｎｄ" and "refund". Stop words and the stemmer then see the folded word. Folding per token keeps each
// token's offsets those of the original text, which snippets highlight; bleve's asciifolding character filter
// would fold the text before it is cut into words and shift every offset after a folded letter.
func foldedEnglish(en analysis.Analyzer) (*analysis.DefaultAnalyzer, error) {
	d, ok := en.(*analysis.DefaultAnalyzer)
	if !ok || d.CharFilters != nil || d.Tokenizer == nil {
		return nil, fmt.Errorf("bleve's English analyzer is a %T, not a tokenizer and token filters", en)
	}
	for i, f := range d.TokenFilters {
		if _, ok := f.(*lowercase.LowerCaseFilter); ok {
			filters := make([]analysis.TokenFilter, 0, len(d.TokenFilters)+1)
			filters = append(filters, d.TokenFilters[:i+1]...)
			filters = append(filters, foldFilter{asciifolding.New()})
			filters = append(filters, d.TokenFilters[i+1:]...)
			return &analysis.DefaultAnalyzer{Tokenizer: d.Tokenizer, TokenFilters: filters}, nil
		}
	}
	return nil, fmt.Errorf("bleve's English analyzer has no lower-case filter to fold after")
}

// foldFilter folds the letters of each token that are not ASCII to their ASCII forms where they have one (é → e,
// ß → ss, ø → o, full-width letters to ASCII), with bleve's asciifolding table (Lucene's ASCIIFoldingFilter).
// Letters without one (Cyrillic, CJK) stay as they are.
type foldFilter struct {
	fold *asciifolding.AsciiFoldingFilter
}

func (f foldFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, t := range ts {
		if !isASCII(t.Term) {
			t.Term = f.fold.Filter(t.Term)
		}
	}
	return ts
}

// enAnalyzer analyses the text the index writes exactly as bleve's English analyzer (schema.en) does — the same
// terms, byte offsets and positions — for less CPU: it was a sixth of Apply's (20k conversations).
//
//   - Tokens: a value of ASCII only is split into words here (asciiWordEnd), as the unicode tokenizer's UAX #29
//     word segmenter splits ASCII; any other value goes through the tokenizer itself.
//   - Terms: the English token filters (possessive, lower case, stop words, Porter stemmer) act on one token at a
//     time and are pure, so each distinct word goes through them once per cache, and later occurrences take the
//     cached term. Each analysis takes a cache of its own (no lock while analysing) from a free list holding one
//     per CPU (at most maxCaches): a sync.Pool, which the garbage collector empties, lost them often enough that a
//     build missed 28 % of its words. A cache that holds maxCachedWords takes no more (the words seen first are the
//     frequent ones), so the caches hold at most about maxCaches × 5 MB while the replica is open.
//
// TestEnglishAnalysis_MatchesBleve and FuzzEnglishAnalysis compare it with bleve's analyzer.
type enAnalyzer struct {
	an        analysis.Analyzer // the analyzer this one matches, for values it does not take apart itself
	tokenizer analysis.Tokenizer
	filters   []analysis.TokenFilter
	caches    chan *wordCache // the free list
}

// maxCaches bounds the word caches an analyzer keeps between analyses.
const maxCaches = 4

// maxCachedWords bounds each word cache: the vocabulary of thousands of conversations (the benchmark's 20,000 hold
// 45,000 distinct words, most of them rare).
const maxCachedWords = 1 << 15

// wordCache maps a word as the tokenizer cut it to its term.
type wordCache struct{ m map[string]cachedWord }

func newWordCache() *wordCache { return &wordCache{m: make(map[string]cachedWord, 1024)} }

// cachedWord is a word's term (both forms, so neither is allocated per token), or stop for a stop word.
type cachedWord struct {
	word  string // the word, a copy: a cache must not hold on to the text it came from
	term  string
	bytes []byte
	stop  bool
}

// enToken is one token of English-analysed text, as bleve's analysis.Token has it.
type enToken struct {
	term       string
	bytes      []byte // term's bytes, shared by every token of the word: never written
	start, end int    // byte offsets in the value
	pos        int    // position, from 1, counting stop words
}

// newEnAnalyzer returns the fast path of an, which must be the English analyzer. If an is not a tokenizer and
// token filters (so a later bleve changed it), every value goes through an itself.
func newEnAnalyzer(an analysis.Analyzer) *enAnalyzer {
	a := &enAnalyzer{an: an}
	if d, ok := an.(*analysis.DefaultAnalyzer); ok && d.CharFilters == nil && d.Tokenizer != nil {
		a.tokenizer, a.filters = d.Tokenizer, d.TokenFilters
	}
	a.caches = make(chan *wordCache, min(runtime.GOMAXPROCS(0), maxCaches))
	return a
}

// analyze appends the tokens of v to out.
func (a *enAnalyzer) analyze(v string, out []enToken) []enToken {
	out, _ = a.analyzeAll([]string{v}, out, nil)
	return out
}

// analyzeAll appends the tokens of each value of vals to out, and where each value's tokens end to ends.
func (a *enAnalyzer) analyzeAll(vals []string, out []enToken, ends []int) ([]enToken, []int) {
	if a.tokenizer == nil {
		for _, v := range vals {
			for _, t := range a.an.Analyze([]byte(v)) {
				out = append(out, enToken{term: string(t.Term), bytes: t.Term, start: t.Start, end: t.End, pos: t.Position})
			}
			ends = append(ends, len(out))
		}
		return out, ends
	}
	var c *wordCache
	select {
	case c = <-a.caches:
	default:
		c = newWordCache()
	}
	for _, v := range vals {
		out = a.analyzeWith(c, v, out)
		ends = append(ends, len(out))
	}
	select {
	case a.caches <- c:
	default: // more analyses ran at once than the list keeps
	}
	return out, ends
}

// analyzeWith is analyze with the word cache c.
func (a *enAnalyzer) analyzeWith(c *wordCache, v string, out []enToken) []enToken {
	if !isASCII(v) {
		for _, t := range a.tokenizer.Tokenize([]byte(v)) {
			out = a.add(c, out, string(t.Term), t.Start, t.End, t.Position)
		}
		return out
	}
	pos := 0
	for i := 0; i < len(v); {
		if wordClass(v[i])&(classLetter|classDigit|classConnector) == 0 {
			i++
			continue
		}
		end := asciiWordEnd(v, i)
		pos++
		out = a.add(c, out, v[i:end], i, end, pos)
		i = end
	}
	return out
}

// add appends the token of word (at v[start:end], position pos) to out, unless it is a stop word.
func (a *enAnalyzer) add(c *wordCache, out []enToken, word string, start, end, pos int) []enToken {
	w, ok := c.m[word]
	if !ok {
		w = a.term(word)
		if len(c.m) < maxCachedWords {
			c.m[w.word] = w
		}
	}
	if w.stop {
		return out
	}
	return append(out, enToken{term: w.term, bytes: w.bytes, start: start, end: end, pos: pos})
}

// term runs word through the analyzer's token filters.
func (a *enAnalyzer) term(word string) cachedWord {
	tok := analysis.Token{Term: []byte(word), Start: 0, End: len(word), Position: 1, Type: analysis.AlphaNumeric}
	ts := analysis.TokenStream{&tok}
	for _, f := range a.filters {
		ts = f.Filter(ts)
	}
	word = strings.Clone(word)
	if len(ts) == 0 {
		return cachedWord{word: word, stop: true}
	}
	b := append([]byte(nil), ts[0].Term...)
	return cachedWord{word: word, term: string(b), bytes: b}
}

// isASCII reports whether v holds only ASCII bytes.
func isASCII[T ~string | ~[]byte](v T) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return false
		}
	}
	return true
}

// The word-break classes of ASCII characters (Unicode's WordBreakProperty, as the segmenter's tables have them).
const (
	classLetter    = 1 << iota // ALetter: A-Z a-z
	classDigit                 // Numeric: 0-9
	classConnector             // ExtendNumLet: _
	classMidLetter             // joins two letters: MidLetter (:), MidNumLet (.), Single_Quote (')
	classMidNum                // joins two digits: MidNum (, ;), MidNumLet (.), Single_Quote (')
)

// wordClass is the word-break class of an ASCII byte; 0 for every character that is never part of a word.
func wordClass(b byte) uint8 {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z':
		return classLetter
	case '0' <= b && b <= '9':
		return classDigit
	}
	switch b {
	case '_':
		return classConnector
	case ':':
		return classMidLetter
	case '.', '\'':
		return classMidLetter | classMidNum
	case ',', ';':
		return classMidNum
	}
	return 0
}

// asciiWordEnd returns the end of the word starting at v[i] (a letter, digit or connector) in v (ASCII only), as
// UAX #29 and the segmenter bound it: letters, digits and connectors in any order (WB5, WB8–WB10, WB13a/b), and
// one separator between two letters (WB6/7: ':', '.', '\”) or two digits (WB11/12: ',', ';', '.', '\”).
func asciiWordEnd(v string, i int) int {
	j := i + 1
	for j < len(v) {
		c := wordClass(v[j])
		if c&(classLetter|classDigit|classConnector) != 0 {
			j++
			continue
		}
		if j+1 < len(v) {
			prev, next := wordClass(v[j-1]), wordClass(v[j+1])
			if c&classMidLetter != 0 && prev == classLetter && next == classLetter ||
				c&classMidNum != 0 && prev == classDigit && next == classDigit {
				j += 2
				continue
			}
		}
		break
	}
	return j
}
