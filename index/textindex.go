package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// textIndex is the bleve index of one kind. Every batch written to it carries, in the same bleve batch, the store
// sequence it brings the index up to (internal key internalSeq): after a crash the index is exactly at some sequence,
// and catching up means replaying the change log after it.
type textIndex struct {
	path   string
	idx    bleve.Index
	schema *schema
}

var (
	internalSeq     = []byte("replica.seq")
	internalMapping = []byte("replica.mapping")
)

// errStaleIndex reports an index that must be rebuilt: missing, unreadable, built under another mapping version,
// or never completed.
var errStaleIndex = errors.New("index needs a rebuild")

// openTextIndex opens the index at path. It returns an error matching errStaleIndex when the index is missing,
// cannot be opened (a kill -9 while bleve created it leaves a torn index_meta.json), was built under another
// mapping version, or lacks a sequence: the index is derived data, and the caller rebuilds it from the store.
func openTextIndex(path string, s *schema) (*textIndex, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is missing: %w", path, errStaleIndex)
	}
	// Never unsafe_batch here: should an index ever carry it in its stored options, acknowledged batches would
	// return before they are durable.
	idx, err := bleve.OpenUsing(path, s.runtimeConfig(false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %v: %w", path, err, errStaleIndex)
	}
	ti := &textIndex{path: path, idx: idx, schema: s}
	v, err := idx.GetInternal(internalMapping)
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("read index %s: %w", path, err)
	}
	if string(v) != mappingVersion {
		_ = idx.Close()
		return nil, fmt.Errorf("%s has mapping version %q, want %q: %w", path, v, mappingVersion, errStaleIndex)
	}
	return ti, nil
}

// createTextIndex creates an empty index at path (which must not exist). With bulk set, batches are not made
// durable one by one (scorch's unsafe_batch): only for a rebuild, which is redone from the store if interrupted.
// The option is given when opening, never at creation: bleve stores creation options in the index, and an index
// that kept unsafe_batch would lose acknowledged writes in a crash long after its rebuild.
func createTextIndex(path string, s *schema, bulk bool) (*textIndex, error) {
	idx, err := bleve.NewUsing(path, s.mapping, scorch.Name, scorch.Name, maps.Clone(s.scorch)) // bleve adds to it
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	// bleve creates the directory 0700 but its index_meta.json 0666 less the umask: every file of the replica is
	// 0600. Scorch's own files (root.bolt, segments) are created 0600.
	for p, mode := range map[string]os.FileMode{path: 0o700, filepath.Join(path, "index_meta.json"): 0o600} {
		if err := os.Chmod(p, mode); err != nil {
			_ = idx.Close()
			return nil, fmt.Errorf("create index %s: %w", path, err)
		}
	}
	if bulk {
		if err := idx.Close(); err != nil {
			return nil, err
		}
		if idx, err = bleve.OpenUsing(path, s.runtimeConfig(true)); err != nil {
			return nil, fmt.Errorf("open index %s: %w", path, err)
		}
	}
	return &textIndex{path: path, idx: idx, schema: s}, nil
}

// runtimeConfig returns the options a kind's index is opened with.
func (s *schema) runtimeConfig(unsafeBatch bool) map[string]interface{} {
	cfg := map[string]interface{}{"unsafe_batch": unsafeBatch}
	maps.Copy(cfg, s.scorch)
	return cfg
}

// neverMerge are scorch options under which segments are never merged (nor their deleted documents dropped): for
// tests of searches over many segments holding deleted documents.
func neverMerge() map[string]interface{} {
	return map[string]interface{}{"scorchMergePlanOptions": map[string]interface{}{
		"MaxSegmentsPerTier": 1 << 20, "SegmentsPerTier": 1 << 20, "FloorSegmentSize": 1}}
}

// seq returns the store sequence the index reflects.
func (ti *textIndex) seq() (uint64, error) {
	v, err := ti.idx.GetInternal(internalSeq)
	if err != nil {
		return 0, fmt.Errorf("read index sequence: %w", err)
	}
	if len(v) != 8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(v), nil
}

// write indexes docs and deletes ids in one bleve batch (so atomically); with mark it also records that the index
// now reflects store sequence seq, under the current mapping version.
func (ti *textIndex) write(docs []*doc, deletes []string, seq uint64, mark bool, persisted func(error)) error {
	b := ti.idx.NewBatch()
	for _, d := range docs {
		if err := b.IndexAdvanced(ti.schema.document(d)); err != nil {
			return fmt.Errorf("index %s: %w", d.id, err)
		}
	}
	for _, id := range deletes {
		b.Delete(id)
	}
	if mark {
		b.SetInternal(internalSeq, binary.BigEndian.AppendUint64(nil, seq))
		b.SetInternal(internalMapping, []byte(mappingVersion))
	}
	if persisted != nil {
		b.SetPersistedCallback(persisted)
	}
	if err := ti.idx.Batch(b); err != nil {
		return fmt.Errorf("write index batch: %w", err)
	}
	return nil
}

func (ti *textIndex) close() error {
	if ti == nil || ti.idx == nil {
		return nil
	}
	err := ti.idx.Close()
	ti.idx = nil
	return err
}

// dirSize returns the bytes of the files under path.
func dirSize(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// allOrds returns the ordinal of every document in the index by id, read from doc values (for Check: it reads the
// whole index). A document without an ordinal maps to -1; an id seen twice is reported in dups; a document whose
// ordinal in cache differs from its doc value is reported in stale.
func (ti *textIndex) allOrds(ctx context.Context, cache *ordCache) (ords map[string]int64, dups, stale []string, err error) {
	adv, err := ti.idx.Advanced()
	if err != nil {
		return nil, nil, nil, err
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, nil, nil, err
	}
	defer rd.Close()
	all, err := rd.DocIDReaderAll()
	if err != nil {
		return nil, nil, nil, err
	}
	defer all.Close()
	dvr, err := rd.DocValueReader([]string{ordField})
	if err != nil {
		return nil, nil, nil, err
	}
	view, _, err := cache.view(rd)
	if err != nil {
		return nil, nil, nil, err
	}
	ords = map[string]int64{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		iid, err := all.Next()
		if err != nil {
			return nil, nil, nil, err
		}
		if iid == nil {
			return ords, dups, stale, nil
		}
		id, err := rd.ExternalID(iid)
		if err != nil {
			return nil, nil, nil, err
		}
		ord := int64(-1)
		err = dvr.VisitDocValues(iid, func(_ string, term []byte) {
			if o, ok := parseOrdTerm(term); ok {
				ord = int64(o)
			}
		})
		if err != nil {
			return nil, nil, nil, err
		}
		if _, seen := ords[id]; seen {
			dups = append(dups, id)
		}
		ords[id] = ord
		if view != nil {
			if got, ok := view.ord(iid); !ok || int64(got) != ord {
				stale = append(stale, id)
			}
		}
	}
}
