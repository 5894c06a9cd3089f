package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"

	bolt "go.etcd.io/bbolt"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
)

// A row is the part of a doc the column table needs: every non-text field (keyword values as Intercom spelled
// them: the table folds them for comparison and keeps the spelling for display), a presence mark for each text
// field, and the hit summary. Rows are stored in bbolt beside the
// records so that opening a replica loads the table in seconds without decoding any record's JSON.
//
// Encoding: version byte; the record's ordinal (4 bytes, big-endian, at a fixed place so the writer can fill it in
// after encoding); varint updated_at; uvarint field count; per field: uvarint field number, type byte, value (keyword:
// uvarint count then length-prefixed strings; int: varint; float: 8 bytes IEEE; bool: 1 byte; text: nothing);
// then the summary (summary.go). Field numbers index a per-kind name table that only grows and is stored in the
// replica bucket, so a name costs its bytes once per store rather than once per row.

// rowVersion changes whenever what a row holds changes (extraction, summary or this encoding); rows of another
// version are recomputed from the records at open. 3: the phone columns hold digits (phoneColumn). 4: contacts no
// longer hold tag and company name columns (their records list both by id only). The full-text
// index does not hold keyword fields (mapping.go), so mappingVersion stays. 5: keyword values are no longer
// lower-cased (group keys show them as Intercom wrote them). 6: conversations hold linked_ticket_ids, and
// summaries the fields of articles and tickets (summaryVersion 2). 7: articles' summaries hold their collections
// (summaryVersion 3).
const rowVersion = 7

// rowOrdAt is where a row holds the record's ordinal.
const rowOrdAt = 1

// setRowOrd fills in a row's ordinal.
func setRowOrd(row []byte, ord uint32) { binary.BigEndian.PutUint32(row[rowOrdAt:], ord) }

// fieldNames numbers field names for one kind. Names are only ever added; rows written by concurrent batches
// may add names while another batch commits, hence the lock.
type fieldNames struct {
	mu    sync.Mutex
	names []string
	ids   map[string]uint32
	saved int // names known to be in the store
}

func decodeFieldNames(b []byte) (*fieldNames, error) {
	fn := &fieldNames{ids: map[string]uint32{}}
	d := decoder{b: b}
	for len(d.b) > 0 && d.err == nil {
		name := d.str()
		fn.ids[name] = uint32(len(fn.names))
		fn.names = append(fn.names, name)
	}
	fn.saved = len(fn.names)
	return fn, d.err
}

func (fn *fieldNames) id(name string) uint32 {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if id, ok := fn.ids[name]; ok {
		return id
	}
	id := uint32(len(fn.names))
	fn.ids[name] = id
	fn.names = append(fn.names, name)
	return id
}

// list returns the names numbered so far.
func (fn *fieldNames) list() []string {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	return fn.names[:len(fn.names):len(fn.names)]
}

// unsaved returns the encoded table if it has names the store lacks, and how many names it holds.
func (fn *fieldNames) unsaved() ([]byte, int) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if len(fn.names) == fn.saved {
		return nil, 0
	}
	var b []byte
	for _, n := range fn.names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	return b, len(fn.names)
}

// committed records that the first n names are in the store.
func (fn *fieldNames) committed(n int) {
	fn.mu.Lock()
	fn.saved = max(fn.saved, n)
	fn.mu.Unlock()
}

// saveFieldNames writes the name tables that gained names, inside the caller's transaction, and returns what to
// call once the transaction has committed.
func (s *store) saveFieldNames(rb *bolt.Bucket) (func(), error) {
	var after []func()
	for kind, fn := range s.fields {
		b, n := fn.unsaved()
		if b == nil {
			continue
		}
		if err := rb.Put(fieldNamesKey(kind), b); err != nil {
			return nil, fmt.Errorf("save row field names: %w", err)
		}
		after = append(after, func() { fn.committed(n) })
	}
	return func() {
		for _, f := range after {
			f()
		}
	}, nil
}

// encodeRow encodes the row of d, numbering field names with fn.
func encodeRow(d *doc, fn *fieldNames) []byte {
	b := make([]byte, 0, 512)
	b = append(b, rowVersion)
	b = binary.BigEndian.AppendUint32(b, d.ord)
	b = binary.AppendVarint(b, d.updatedAt)
	b = binary.AppendUvarint(b, uint64(len(d.fields)))
	for i := range d.fields {
		f := &d.fields[i]
		b = binary.AppendUvarint(b, uint64(fn.id(f.name)))
		b = append(b, byte(f.typ))
		switch f.typ {
		case valKeyword:
			b = binary.AppendUvarint(b, uint64(len(f.strs)))
			for _, s := range f.strs {
				b = binary.AppendUvarint(b, uint64(len(s)))
				b = append(b, s...)
			}
		case valInt:
			b = binary.AppendVarint(b, f.num)
		case valFloat:
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(f.fnum))
		case valBool:
			if f.b {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	}
	return appendSummary(b, &d.sum)
}

var errRowVersion = errors.New("row of another version")

// rowDecoder decodes stored rows for the column table, reusing its buffers from row to row: loading a million rows
// at Open must not allocate a million slices.
type rowDecoder struct {
	names  []string
	values []table.Value
	strs   []string
}

func newRowDecoder(fn *fieldNames) *rowDecoder { return &rowDecoder{names: fn.list()} }

// decode decodes row b of record id. The Row's strings are views of id and b (no copies) and its slices are the
// decoder's: the Row is valid until the next call and while id and b are, which is exactly what table.Put needs
// (it copies what it keeps).
func (rd *rowDecoder) decode(id, b []byte) (table.Row, error) {
	if len(b) < rowOrdAt+4 || b[0] != rowVersion {
		return table.Row{}, errRowVersion
	}
	ord := binary.BigEndian.Uint32(b[rowOrdAt:])
	d := decoder{b: b[rowOrdAt+4:]}
	updatedAt := d.varint()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return table.Row{}, errShort
	}
	rd.values, rd.strs = rd.values[:0], rd.strs[:0]
	row := table.Row{ID: view(id), UpdatedAt: updatedAt, Ord: ord}
	for i := uint64(0); i < n && d.err == nil; i++ {
		num := d.uvarint()
		typ := valueType(d.byte())
		if num >= uint64(len(rd.names)) {
			return table.Row{}, fmt.Errorf("row field %d: no such field name", num)
		}
		v := table.Value{Col: rd.names[num]}
		switch typ {
		case valKeyword:
			v.Type = table.Keyword
			k := d.uvarint()
			if k > uint64(len(d.b)) {
				return table.Row{}, errShort
			}
			start := len(rd.strs)
			for j := uint64(0); j < k && d.err == nil; j++ {
				rd.strs = append(rd.strs, view(d.bytes()))
			}
			v.Strs = rd.strs[start:len(rd.strs):len(rd.strs)]
		case valText:
			v.Type = table.Presence
		case valInt:
			v.Type = table.Int
			v.Int = d.varint()
		case valFloat:
			v.Type = table.Float
			if len(d.b) < 8 {
				return table.Row{}, errShort
			}
			v.Float = math.Float64frombits(binary.BigEndian.Uint64(d.b))
			d.b = d.b[8:]
		case valBool:
			v.Type = table.Bool
			v.Bool = d.byte() != 0
		default:
			return table.Row{}, fmt.Errorf("row field %s: unknown type %d", v.Col, typ)
		}
		rd.values = append(rd.values, v)
	}
	if d.err != nil {
		return table.Row{}, d.err
	}
	row.Values = rd.values
	row.Summary = d.b
	return row, nil
}

// view returns b as a string without copying; see rowDecoder.decode for when that is safe.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// tableRow is the table row of d, built directly (the write path; decodeRow is the load path).
func tableRow(d *doc, sum []byte) table.Row {
	row := table.Row{ID: d.id, UpdatedAt: d.updatedAt, Ord: d.ord, Values: make([]table.Value, 0, len(d.fields)),
		Summary: sum}
	for i := range d.fields {
		f := &d.fields[i]
		v := table.Value{Col: f.name}
		switch f.typ {
		case valKeyword:
			v.Type, v.Strs = table.Keyword, f.strs
		case valText:
			v.Type = table.Presence
		case valInt:
			v.Type, v.Int = table.Int, f.num
		case valFloat:
			v.Type, v.Float = table.Float, f.fnum
		case valBool:
			v.Type, v.Bool = table.Bool, f.b
		}
		row.Values = append(row.Values, v)
	}
	return row
}
