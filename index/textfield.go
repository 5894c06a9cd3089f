package index

import (
	"sync"

	bleveindex "github.com/blevesearch/bleve_index_api"
)

// textValues are the values of a document's text, each analysed once however many fields index it: the title,
// subject and opening message are indexed in textField's slots and on their own (mapping.go), from the same tokens.
// Analysis runs when bleve first asks a field for it (bleve analyses a batch's documents on every CPU).
type textValues struct {
	an     *enAnalyzer
	vals   []string
	once   sync.Once
	tokens []enToken // every value's, in order
	ends   []int     // value k's tokens end at ends[k]
}

func (tv *textValues) analysed(i int) []enToken {
	tv.once.Do(func() {
		n := 0
		for _, v := range tv.vals {
			n += len(v)
		}
		// A token per 8 bytes: the benchmark's text has one per 11 once stop words are dropped.
		tv.tokens, tv.ends = tv.an.analyzeAll(tv.vals, make([]enToken, 0, n/8+1), make([]int, 0, len(tv.vals)))
	})
	from := 0
	if i > 0 {
		from = tv.ends[i-1]
	}
	return tv.tokens[from:tv.ends[i]]
}

// textDocField is one English-analysed field of a bleve document with all its values: what bleve would make of
// one TextField per value (an array's elements, textField's slots), as zap merges them into the field's term
// frequencies, built in one map. Measured at 20k conversations, bleve's per-value fields, each with its own map
// merged into the first's, cost a sixth of the full-text index's CPU. TestMapping_DocumentsMatchMapping proves the
// index receives the same terms, frequencies, locations and lengths as from bleve's mapping.
type textDocField struct {
	name  string
	text  *textValues
	idx   []int      // the values of text this field holds, in order
	pos   [][]uint64 // their array positions (nil for a single value)
	plain uint64

	length int
	freqs  bleveindex.TokenFrequencies
}

// add appends value i of the field's text, with its array positions and plain text.
func (f *textDocField) add(i int, pos []uint64, v string) {
	f.idx = append(f.idx, i)
	f.pos = append(f.pos, pos)
	f.plain += uint64(len(v))
}

// textOptions are the bleve options of every English-analysed field (fieldMapping(valText)).
const textOptions = bleveindex.IndexField | bleveindex.IncludeTermVectors

func (f *textDocField) Name() string                                          { return f.name }
func (f *textDocField) ArrayPositions() []uint64                              { return nil }
func (f *textDocField) Options() bleveindex.FieldIndexingOptions              { return textOptions }
func (f *textDocField) Value() []byte                                         { return nil } // never stored
func (f *textDocField) NumPlainTextBytes() uint64                             { return f.plain }
func (f *textDocField) EncodedFieldType() byte                                { return 't' }
func (f *textDocField) AnalyzedLength() int                                   { return f.length }
func (f *textDocField) AnalyzedTokenFrequencies() bleveindex.TokenFrequencies { return f.freqs }

// Size estimates the field's memory, as bleve's fields do for its accounting.
func (f *textDocField) Size() int { return 64 + len(f.name) + int(f.plain) + 48*len(f.idx) }

// Analyze builds the field's term frequencies with a location per token, as analysis.TokenFrequency does for one
// value (freqs, positions, offsets and the value's array positions), appending the locations of later values to a
// term's as zap's merge does. The terms, locations and location lists are carved from three allocations: one per
// term and token was a third of the CPU analysis took.
func (f *textDocField) Analyze() {
	n := 0
	for _, i := range f.idx {
		n += len(f.text.analysed(i))
	}
	f.length = n
	f.freqs = make(bleveindex.TokenFrequencies, n)
	terms := make([]bleveindex.TokenFreq, 0, n) // never more terms than tokens: never reallocated
	locs := make([]bleveindex.TokenLocation, n)
	of := make([]*bleveindex.TokenFreq, n) // the term of each token
	next := 0
	for k, i := range f.idx {
		for _, tok := range f.text.analysed(i) {
			locs[next] = bleveindex.TokenLocation{ArrayPositions: f.pos[k], Start: tok.start, End: tok.end, Position: tok.pos}
			tf := f.freqs[tok.term]
			if tf == nil {
				terms = append(terms, bleveindex.TokenFreq{Term: tok.bytes})
				tf = &terms[len(terms)-1]
				f.freqs[tok.term] = tf
			}
			tf.SetFrequency(tf.Frequency() + 1)
			of[next] = tf
			next++
		}
	}
	lists := make([]*bleveindex.TokenLocation, n)
	for i := range terms {
		m := terms[i].Frequency()
		terms[i].Locations, lists = lists[:0:m], lists[m:]
	}
	for k, tf := range of {
		tf.Locations = append(tf.Locations, &locs[k])
	}
}
