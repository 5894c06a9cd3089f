package index

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"

	"github.com/intercom-replica/intercom-replica/query"
)

// Records are stored compressed with zstd (github.com/klauspost/compress), each an independent frame so that Get
// decompresses one record only. Intercom's JSON repeats the same keys and much the same values from record to
// record, which one record alone cannot exploit: so once a kind has dictSamples records, a dictionary is built
// from them (zstd.BuildDict: the samples' statistics, and the first dictHistory bytes of them as history) and
// stored in the replica bucket in the same transaction as the first records compressed with it. Measured on the
// benchmark's conversations (3.9 KB of JSON each): 1,518 B per record without a dictionary, 888 B with one.
//
// A frame names its dictionary by id, so the decoder, which knows every stored dictionary, needs nothing else.
// Records written before a kind had a dictionary keep their frames, and records written before compression (store
// schema 1: no zstd flag in the envelope) keep their raw JSON: both stay readable as they are.

const (
	// dictSamples is how many records of a kind a dictionary is built from (the first ones written).
	dictSamples = 256
	// dictHistory bounds the dictionary's history (the content a record's frame may refer back to).
	dictHistory = 110 << 10
)

// dictID is the zstd dictionary id of kind's dictionary: each kind its own, since a frame names its dictionary
// by id. (Companies once shared the conversations' id; their stores still decode, each kind with its own decoder.)
func dictID(kind query.Kind) uint32 {
	switch kind {
	case query.KindConversation:
		return 0x49520001
	case query.KindContact:
		return 0x49520002
	case query.KindCompany:
		return 0x49520003
	case query.KindArticle:
		return 0x49520004
	case query.KindTicket:
		return 0x49520005
	}
	return 0x495200ff // a kind without a row never learns a dictionary (learn skips records without a doc)
}

func dictKey(kind query.Kind) []byte { return []byte("zstd_dict." + string(kind)) }

// codec compresses and decompresses records. It is safe for concurrent use.
type codec struct {
	// dec holds each kind's decoder, knowing that kind's dictionary alone: a frame names its dictionary by id,
	// and stores written before each kind had an id of its own hold two dictionaries under one id.
	dec atomic.Pointer[map[query.Kind]*zstd.Decoder]

	mu      sync.Mutex
	dicts   map[query.Kind][]byte
	unsaved map[query.Kind]bool          // dictionaries not yet in the store: every write stores them until one commits
	noDict  map[query.Kind]bool          // building a dictionary failed: compress without
	enc     map[query.Kind]*zstd.Encoder // built lazily: an encoder holds a few MB
	samples map[query.Kind][][]byte      // records of kinds without a dictionary yet, for building one
}

func newCodec(dicts map[query.Kind][]byte) (*codec, error) {
	c := &codec{dicts: dicts, unsaved: map[query.Kind]bool{}, noDict: map[query.Kind]bool{},
		enc: map[query.Kind]*zstd.Encoder{}, samples: map[query.Kind][][]byte{}}
	if err := c.newDecoder(); err != nil {
		return nil, err
	}
	return c, nil
}

// newDecoder replaces the decoders with ones that know the dictionaries in dicts: one per kind with a dictionary,
// and one without any (key "") for the frames written before their kind had one. The caller holds mu (or owns
// c). It runs at open and when a kind learns its dictionary.
func (c *codec) newDecoder() error {
	decs := make(map[query.Kind]*zstd.Decoder, len(c.dicts)+1)
	for kind, d := range c.dicts {
		dec, err := zstd.NewReader(nil, zstd.WithDecoderDicts(d), zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true))
		if err != nil {
			return fmt.Errorf("zstd decoder for %s: %w", kind.Plural(), err)
		}
		decs[kind] = dec
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true))
	if err != nil {
		return fmt.Errorf("zstd decoder: %w", err)
	}
	decs[""] = dec
	c.dec.Store(&decs)
	return nil
}

// decompress returns the JSON of a compressed record of kind, in a new slice.
func (c *codec) decompress(kind query.Kind, frame []byte) ([]byte, error) {
	decs := *c.dec.Load()
	dec := decs[kind]
	if dec == nil {
		dec = decs[""]
	}
	out, err := dec.DecodeAll(frame, nil)
	if err != nil {
		return nil, fmt.Errorf("decompress record: %w", err)
	}
	return out, nil
}

// encoder returns kind's encoder, with its dictionary if it has one.
func (c *codec) encoder(kind query.Kind) (*zstd.Encoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.enc[kind]; e != nil {
		return e, nil
	}
	// The fastest level: with a dictionary it compresses the benchmark's conversations as well as the default
	// level (894 against 890 bytes), in about half the time.
	opts := []zstd.EOption{zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(2),
		zstd.WithWindowSize(1 << 20), zstd.WithEncoderCRC(false)}
	if d := c.dicts[kind]; d != nil {
		opts = append(opts, zstd.WithEncoderDict(d))
	}
	e, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	c.enc[kind] = e
	return e, nil
}

// compress returns raw compressed with kind's encoder, or nil when compressing would not make it smaller (a tiny
// record is then stored as it is).
func (c *codec) compress(kind query.Kind, raw []byte) ([]byte, error) {
	e, err := c.encoder(kind)
	if err != nil {
		return nil, err
	}
	out := e.EncodeAll(raw, make([]byte, 0, len(raw)/2))
	if len(out) >= len(raw) {
		return nil, nil
	}
	return out, nil
}

// learn builds a dictionary for every kind that has none once it has seen dictSamples records of it, taking
// samples from recs (records about to be written). A new dictionary is used at once and stays unsaved until a
// write that stores it commits (unsavedDicts, savedDicts). The caller holds the replica's writeMu.
func (c *codec) learn(recs []prepared) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range recs {
		p := &recs[i]
		k := p.rec.Kind
		if p.doc == nil || c.dicts[k] != nil || c.noDict[k] || len(c.samples[k]) >= dictSamples {
			continue
		}
		c.samples[k] = append(c.samples[k], bytes.Clone(p.rec.Raw))
	}
	changed := false
	for k, samples := range c.samples {
		if len(samples) < dictSamples {
			continue
		}
		delete(c.samples, k)
		var hist []byte
		for _, s := range samples {
			if len(hist)+len(s) > dictHistory {
				break
			}
			hist = append(hist, s...)
		}
		// Built for the level records are compressed at. The default (best) level's encoder copies its 32 MB match
		// table for every sample: 1.2 of the 12.3 CPU seconds of a 22k-record build, for the same 1,918 B per record.
		d, err := zstd.BuildDict(zstd.BuildDictOptions{ID: dictID(k), Contents: samples, History: hist,
			Offsets: [3]int{1, 4, 8}, Level: zstd.SpeedFastest})
		if err != nil || len(hist) == 0 {
			c.noDict[k] = true // a dictionary is an optimisation: records compress without one
			continue
		}
		c.dicts[k], c.unsaved[k], changed = d, true, true
		if e := c.enc[k]; e != nil {
			_ = e.Close()
			delete(c.enc, k)
		}
	}
	if !changed {
		return nil
	}
	return c.newDecoder()
}

// unsavedDicts returns the dictionaries the store does not hold yet, for the caller's write transaction.
func (c *codec) unsavedDicts() map[query.Kind][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[query.Kind][]byte{}
	for k := range c.unsaved {
		out[k] = c.dicts[k]
	}
	return out
}

// savedDicts records that a committed transaction stored these dictionaries.
func (c *codec) savedDicts(dicts map[query.Kind][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range dicts {
		delete(c.unsaved, k)
	}
}

// loadDicts reads the stored dictionaries from the replica bucket's values.
func loadDicts(get func(key []byte) []byte) map[query.Kind][]byte {
	out := map[query.Kind][]byte{}
	for _, k := range query.Kinds() {
		if d := get(dictKey(k)); len(d) > 0 {
			out[k] = bytes.Clone(d)
		}
	}
	return out
}
