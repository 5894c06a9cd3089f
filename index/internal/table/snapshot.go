package table

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"
	"runtime"
	"slices"
	"sync/atomic"
	"unsafe"
)

// A snapshot is the table's state written out as it lies in memory, so that loading it costs no Put per row: the
// arenas, the per-slot slices and every column's slices, each as a length, its raw bytes (8-byte aligned) and a
// CRC-32C of them; the payload ends with a CRC-32C of everything else in it (counts, lengths, names, padding, the
// slices' checksums). A loaded table's slices are all views of the snapshot's bytes, so a caller that maps the
// file into memory gets a table that lives in the page cache, outside the Go heap, and loading reads only what it
// checks. Writes never extend those views in place (a full slice reallocates on append), but they do change
// existing elements (a deleted row's live bit, say): the mapping must be private and writable (copy on write).
// The hash indexes (ids, dictionary values) are written too, with their seeds. Freshness (which store state the
// snapshot reflects) is the caller's.
//
// Integrity is per slice, so that a large table is usable before every byte of it has been read: LoadSnapshot
// verifies the counts and every slice it checks for consistency or that a write may change in place, before the
// table is used; the bulk that only answers read (ids, hit summaries, timestamps and numbers, spellings) is left
// to Unverified.Verify, which the caller runs next (in the background) and must act on.

// SnapshotVersion names the payload layout below; a snapshot of another version must not be loaded. 3: keyword
// dictionaries hold their values' display spellings. 4: a checksum per slice and one of the rest; nothing copied.
const SnapshotVersion = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// byteOrderMark is written in the host's byte order: a snapshot is a memory image, readable only by a host of
// the same byte order.
const byteOrderMark uint32 = 0x01020304

// ErrSnapshot is returned (wrapped) by LoadSnapshot when the payload is malformed or of another layout.
var ErrSnapshot = errors.New("unusable table snapshot")

// WriteSnapshot writes the table's state to w. The table must not be in bulk-load mode (Defer without Compact).
func (t *Table) WriteSnapshot(w io.Writer) error {
	if t.deferred {
		return errors.New("table snapshot: table is bulk loading")
	}
	sw := snapWriter{w: w}
	sw.u32(byteOrderMark)
	sw.u32(SnapshotVersion)
	sw.u64(uint64(t.nLive))
	sw.u64(uint64(t.sortedEnd))
	sw.arena(t.ids)
	sw.hashIndex(t.byID)
	writeSlice(&sw, t.updated)
	writeSlice(&sw, t.live)
	sw.arena(t.summaries)
	writeSlice(&sw, t.slotOrd)
	writeSlice(&sw, t.ordSlot)
	writeSlice(&sw, t.tail)
	names := make([]string, 0, len(t.cols))
	for name := range t.cols {
		names = append(names, name)
	}
	slices.Sort(names)
	sw.u64(uint64(len(names)))
	for _, name := range names {
		c := t.cols[name]
		sw.bytes([]byte(name))
		var flags uint32
		if c.multi {
			flags |= 1
		}
		if c.noBitmaps {
			flags |= 2
		}
		if c.dict != nil {
			flags |= 4
		}
		sw.u32(uint32(c.typ))
		sw.u32(flags)
		if c.dict != nil {
			sw.bytes(c.dict.data)
			writeSlice(&sw, c.dict.starts)
			sw.hashIndex(c.dict.index)
			writeSlice(&sw, c.dict.spellCodes)
			sw.arena(c.dict.spellings)
		}
		writeSlice(&sw, c.codes)
		writeSlice(&sw, c.mstart)
		writeSlice(&sw, c.mlen)
		writeSlice(&sw, c.mvals)
		sw.u64(uint64(len(c.bitmaps)))
		for _, bm := range c.bitmaps {
			writeSlice(&sw, bm)
		}
		writeSlice(&sw, c.i32)
		writeSlice(&sw, c.i64)
		writeSlice(&sw, c.f64)
		writeSlice(&sw, c.present)
		writeSlice(&sw, c.bools)
	}
	binary.LittleEndian.PutUint32(sw.buf[:4], sw.meta)
	sw.raw(sw.buf[:4])
	return sw.err
}

// LoadSnapshot returns the table whose payload WriteSnapshot wrote into data, and the parts of it whose checksums
// are still to be verified (see above): until Verify says they match, the table may answer from damaged bytes.
// The table's slices are views of data, which must stay valid, unchanged by anyone else, and writable (see above)
// for as long as the table (or Verify) is used; it must be 8-byte aligned in memory. Errors match ErrSnapshot.
func LoadSnapshot(data []byte) (*Table, *Unverified, error) {
	if len(data) < 4 {
		return nil, nil, fmt.Errorf("%w: truncated: %d bytes", ErrSnapshot, len(data))
	}
	meta := binary.LittleEndian.Uint32(data[len(data)-4:])
	data = data[:len(data)-4]
	sr := &snapReader{data: data}
	if m := sr.u32(); sr.err == nil && m != byteOrderMark {
		return nil, nil, fmt.Errorf("%w: written on a host of another byte order", ErrSnapshot)
	}
	if v := sr.u32(); sr.err == nil && v != SnapshotVersion {
		return nil, nil, fmt.Errorf("%w: layout version %d, this program reads %d", ErrSnapshot, v, SnapshotVersion)
	}
	t := New()
	t.nLive = int(sr.u64())
	t.sortedEnd = uint32(sr.u64())
	t.ids = sr.arena(now) // id lookups (writes' included) compare these bytes
	t.byID = sr.hashIndex()
	t.updated = readSlice[int64](sr, later)
	t.live = readSlice[uint64](sr, now)
	t.summaries = sr.arena(later)
	t.slotOrd = readSlice[uint32](sr, now)
	t.ordSlot = readSlice[uint32](sr, now)
	t.tail = readSlice[uint32](sr, now)
	ncols := sr.u64()
	if sr.err == nil && ncols > uint64(len(data)) {
		sr.fail("column count %d", ncols)
	}
	for i := uint64(0); i < ncols && sr.err == nil; i++ {
		name := string(sr.bytes(now))
		c := &column{typ: Type(sr.u32())}
		flags := sr.u32()
		c.multi, c.noBitmaps = flags&1 != 0, flags&2 != 0
		if flags&4 != 0 {
			c.dict = newDict()
			c.dict.data = sr.bytes(now)
			c.dict.starts = readSlice[uint32](sr, now)
			c.dict.index = sr.hashIndex()
			c.dict.spellCodes = readSlice[uint32](sr, now)
			c.dict.spellings = sr.arena(later)
		}
		c.codes = readSlice[uint32](sr, now)
		c.mstart = readSlice[uint32](sr, now)
		c.mlen = readSlice[uint16](sr, now)
		c.mvals = readSlice[uint32](sr, now)
		if n := sr.u64(); sr.err == nil {
			if n > uint64(len(data)) {
				sr.fail("bitmap count %d", n)
				break
			}
			for range n {
				c.bitmaps = append(c.bitmaps, readSlice[uint64](sr, now))
			}
		}
		c.i32 = readSlice[int32](sr, later)
		c.i64 = readSlice[int64](sr, later)
		c.f64 = readSlice[float64](sr, later)
		c.present = readSlice[uint64](sr, now)
		c.bools = readSlice[uint8](sr, later)
		if sr.err == nil && (c.typ < Keyword || c.typ > Presence || (c.typ == Keyword) != (c.dict != nil)) {
			sr.fail("column %q: type %d", name, c.typ)
		}
		t.cols[name] = c
	}
	if sr.err == nil && sr.off != len(data) {
		sr.fail("%d bytes after the last column", len(data)-sr.off)
	}
	if sr.err == nil && sr.meta != meta {
		sr.fail("checksum mismatch in the counts and lengths")
	}
	if sr.err != nil {
		return nil, nil, sr.err
	}
	// The slices checked now are verified on every core while the table checks their consistency (about 300 MB
	// at a million conversations, read from the file for the first time); a checksum mismatch is the better
	// reason to report.
	workers := runtime.GOMAXPROCS(0)
	sums := make(chan error, workers)
	var next atomic.Int64
	for range workers {
		go func() {
			var err error
			for i := next.Add(1) - 1; i < int64(len(sr.now)) && err == nil; i = next.Add(1) - 1 {
				err = verifyParts(context.Background(), sr.now[i:i+1])
			}
			sums <- err
		}()
	}
	err := t.checkLoaded()
	var serr error
	for range workers {
		serr = cmp.Or(serr, <-sums)
	}
	if serr != nil {
		return nil, nil, serr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	return t, &Unverified{parts: sr.later}, nil
}

// Unverified is the part of a loaded snapshot whose checksums LoadSnapshot left unchecked.
type Unverified struct {
	parts []part
}

// part is a slice's bytes as loaded and the checksum written with them.
type part struct {
	b   []byte
	sum uint32
}

// Size returns the number of bytes Verify reads.
func (u *Unverified) Size() int {
	n := 0
	for _, p := range u.parts {
		n += len(p.b)
	}
	return n
}

// Verify checks the remaining checksums: nil when every byte is as written, an error matching ErrSnapshot when
// one is not (the table then answers from damaged bytes and must not be used), or ctx's error if it ends first.
// It only reads: it may run while the table answers and is written (writes never change these bytes in place).
func (u *Unverified) Verify(ctx context.Context) error { return verifyParts(ctx, u.parts) }

// verifyParts checks each part's checksum, in chunks so that ctx is looked at every few milliseconds.
func verifyParts(ctx context.Context, parts []part) error {
	const chunk = 4 << 20
	for _, p := range parts {
		sum := uint32(0)
		for off := 0; off < len(p.b); off += chunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			sum = crc32.Update(sum, castagnoli, p.b[off:min(off+chunk, len(p.b))])
		}
		if sum != p.sum {
			return fmt.Errorf("%w: checksum mismatch in a slice of %d bytes", ErrSnapshot, len(p.b))
		}
	}
	return nil
}

// checkLoaded checks that the loaded slices agree in length and that every index a search will use is in
// range, so that a snapshot that passed its checksum but was written wrong fails here rather than panicking later.
func (t *Table) checkLoaded() error {
	n := len(t.updated)
	switch {
	case t.ids.len() != n || t.summaries.len() != n || len(t.slotOrd) != n:
		return fmt.Errorf("%d slots, but %d ids, %d summaries, %d ordinals", n, t.ids.len(), t.summaries.len(),
			len(t.slotOrd))
	case !t.ids.valid() || !t.summaries.valid():
		return errors.New("arena offsets out of order")
	case len(t.live) != (n+63)/64 || t.live.count() != t.nLive:
		return fmt.Errorf("live set of %d words holding %d rows, want %d words and %d rows", len(t.live),
			t.live.count(), (n+63)/64, t.nLive)
	case int(t.sortedEnd) > n || len(t.tail) != n-int(t.sortedEnd):
		return fmt.Errorf("sorted boundary %d and tail %d for %d slots", t.sortedEnd, len(t.tail), n)
	}
	for _, s := range t.tail {
		if int(s) >= n || s < t.sortedEnd {
			return fmt.Errorf("tail slot %d out of range", s)
		}
	}
	for s, o := range t.slotOrd {
		if t.live.has(uint32(s)) && (int(o) >= len(t.ordSlot) || t.ordSlot[o] != uint32(s)+1) {
			return fmt.Errorf("slot %d: ordinal %d does not point back", s, o)
		}
	}
	for o, s := range t.ordSlot {
		if s > uint32(n) {
			return fmt.Errorf("ordinal %d: slot %d out of range", o, s-1)
		}
	}
	if err := t.byID.check(n); err != nil {
		return fmt.Errorf("id index: %w", err)
	}
	for name, c := range t.cols {
		if err := c.check(n); err != nil {
			return fmt.Errorf("column %q: %w", name, err)
		}
		if c.dict != nil {
			if err := c.dict.index.check(c.dict.len() + 1); err != nil {
				return fmt.Errorf("column %q: dictionary index: %w", name, err)
			}
		}
	}
	return nil
}

// check verifies that every slice of a loaded column is within the table's slots and every code within its
// dictionary.
func (c *column) check(n int) error {
	words := (n + 63) / 64
	if len(c.codes) > n || len(c.mstart) > n || len(c.mlen) != len(c.mstart) || len(c.i32) > n || len(c.i64) > n ||
		len(c.f64) > n || len(c.bools) > n || len(c.present) > words || len(c.bitmaps) > maxBitmapCodes+1 {
		return errors.New("slices longer than the table")
	}
	if n := max(len(c.i32), len(c.i64), len(c.f64)); (c.typ == Int || c.typ == Float) && c.present.end() > n {
		return errors.New("value present past the end of its slice")
	}
	if c.dict == nil {
		return nil
	}
	d := c.dict
	if len(d.data) == 0 || d.data[len(d.data)-1] != 0 {
		return errors.New("dictionary data not NUL-terminated")
	}
	prev := uint32(0)
	for _, s := range d.starts {
		if s <= prev || int(s) >= len(d.data) || d.data[s-1] != 0 {
			return errors.New("dictionary starts out of order")
		}
		prev = s
	}
	codes := uint32(d.len())
	if len(d.spellCodes) != d.spellings.len() || !d.spellings.valid() {
		return fmt.Errorf("%d spelled codes, %d spellings", len(d.spellCodes), d.spellings.len())
	}
	prev = 0
	for _, code := range d.spellCodes {
		if code <= prev || code > codes {
			return fmt.Errorf("spelled code %d out of order or past the dictionary's %d", code, codes)
		}
		prev = code
	}
	for _, code := range c.codes {
		if code > codes {
			return fmt.Errorf("code %d past the dictionary's %d", code, codes)
		}
	}
	for _, code := range c.mvals {
		if code > codes {
			return fmt.Errorf("code %d past the dictionary's %d", code, codes)
		}
	}
	for s, l := range c.mlen {
		if uint64(c.mstart[s])+uint64(l) > uint64(len(c.mvals)) {
			return fmt.Errorf("slot %d: values past the end", s)
		}
	}
	for _, bm := range c.bitmaps {
		if len(bm) > words {
			return errors.New("bitmap longer than the table")
		}
	}
	return nil
}

// end returns one more than the largest member of b (0 when empty).
func (b bitset) end() int {
	for w := len(b) - 1; w >= 0; w-- {
		if b[w] != 0 {
			return w*64 + 64 - bits.LeadingZeros64(b[w])
		}
	}
	return 0
}

// valid reports whether the arena's offsets are in order and within its data.
func (a *arena) valid() bool {
	if len(a.offs) == 0 || a.offs[0] != 0 {
		return false
	}
	for i := 1; i < len(a.offs); i++ {
		if a.offs[i] < a.offs[i-1] {
			return false
		}
	}
	return int(a.offs[len(a.offs)-1]) == len(a.data)
}

// check verifies that a loaded index can be probed: a power-of-two size, at most half full (so a probe ends), and
// every value below n.
func (h *hashIndex) check(n int) error {
	size := len(h.slots)
	if size == 0 || size&(size-1) != 0 || h.count*2 > size {
		return fmt.Errorf("%d slots holding %d keys", size, h.count)
	}
	used := 0
	for _, v := range h.slots {
		if v > uint32(n) {
			return fmt.Errorf("value %d past %d", v-1, n)
		}
		if v != 0 {
			used++
		}
	}
	if used != h.count {
		return fmt.Errorf("%d slots used, %d keys counted", used, h.count)
	}
	return nil
}

type snapWriter struct {
	w    io.Writer
	n    int    // bytes written
	meta uint32 // CRC-32C of the bytes written by write (all but the slices' contents)
	err  error
	buf  [8]byte
}

// write writes b as part of what the payload's closing checksum covers.
func (sw *snapWriter) write(b []byte) {
	sw.meta = crc32.Update(sw.meta, castagnoli, b)
	sw.raw(b)
}

// raw writes b without adding it to the closing checksum.
func (sw *snapWriter) raw(b []byte) {
	if sw.err == nil && len(b) > 0 {
		_, sw.err = sw.w.Write(b)
		sw.n += len(b)
	}
}

// align pads the payload to a multiple of 8 bytes, so that a slice loaded in place is aligned for any element type.
func (sw *snapWriter) align() {
	var zero [8]byte
	sw.write(zero[:(8-sw.n%8)%8])
}

func (sw *snapWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(sw.buf[:4], v)
	sw.write(sw.buf[:4])
}

func (sw *snapWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(sw.buf[:], v)
	sw.write(sw.buf[:])
}

func (sw *snapWriter) bytes(b []byte) { writeSlice(sw, b) }

func (sw *snapWriter) hashIndex(h hashIndex) {
	sw.u64(h.seed)
	sw.u64(uint64(h.count))
	writeSlice(sw, h.slots)
}

func (sw *snapWriter) arena(a arena) {
	sw.bytes(a.data)
	writeSlice(sw, a.offs)
}

// writeSlice writes s's length, its elements' memory and their checksum.
func writeSlice[T any](sw *snapWriter, s []T) {
	sw.u64(uint64(len(s)))
	if len(s) > 0 {
		sw.align()
		b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
		sw.raw(b)
		sw.u32(crc32.Checksum(b, castagnoli))
	}
}

// verifyWhen says when a slice's checksum is verified: by LoadSnapshot (now: what checkLoaded reads, and what a
// write may change in place, which must be verified before it does), or by Unverified.Verify (later).
type verifyWhen bool

const (
	now   verifyWhen = false
	later verifyWhen = true
)

type snapReader struct {
	data  []byte
	off   int
	meta  uint32 // CRC-32C of the bytes taken (all but the slices' contents)
	now   []part // slices to verify before the table is used
	later []part // slices to verify after
	err   error
}

func (sr *snapReader) fail(format string, args ...any) {
	if sr.err == nil {
		sr.err = fmt.Errorf("%w: "+format, append([]any{ErrSnapshot}, args...)...)
	}
}

// take returns the next n bytes, adding them to the closing checksum.
func (sr *snapReader) take(n uint64) []byte {
	b := sr.takeRaw(n)
	sr.meta = crc32.Update(sr.meta, castagnoli, b)
	return b
}

// takeRaw returns the next n bytes.
func (sr *snapReader) takeRaw(n uint64) []byte {
	if sr.err != nil {
		return nil
	}
	if n > uint64(len(sr.data)-sr.off) {
		sr.fail("truncated: %d bytes wanted, %d left", n, len(sr.data)-sr.off)
		return nil
	}
	b := sr.data[sr.off : sr.off+int(n) : sr.off+int(n)]
	sr.off += int(n)
	return b
}

func (sr *snapReader) u32() uint32 {
	if b := sr.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (sr *snapReader) u64() uint64 {
	if b := sr.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (sr *snapReader) bytes(when verifyWhen) []byte { return readSlice[byte](sr, when) }

// hashIndex reads a hash index, verified now: inserts change its slots in place.
func (sr *snapReader) hashIndex() hashIndex {
	return hashIndex{seed: sr.u64(), count: int(sr.u64()), slots: readSlice[uint32](sr, now)}
}

// arena reads an arena whose data is verified when says; its offsets are verified now (checkLoaded reads them).
func (sr *snapReader) arena(when verifyWhen) arena {
	return arena{data: sr.bytes(when), offs: readSlice[uint32](sr, now)}
}

// readSlice returns the slice written by writeSlice, as a view of the payload whose capacity is its length (nil
// when empty), and queues its checksum for verification when says.
func readSlice[T any](sr *snapReader, when verifyWhen) []T {
	n := sr.u64()
	if sr.err != nil || n == 0 {
		return nil
	}
	sr.take(uint64((8 - sr.off%8) % 8))
	var zero T
	size := uint64(unsafe.Sizeof(zero))
	if n > uint64(len(sr.data))/size {
		sr.fail("slice of %d elements in a payload of %d bytes", n, len(sr.data))
		return nil
	}
	b := sr.takeRaw(n * size)
	sum := sr.u32()
	if b == nil || sr.err != nil {
		return nil
	}
	if when == later {
		sr.later = append(sr.later, part{b, sum})
	} else {
		sr.now = append(sr.now, part{b, sum})
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	if uintptr(p)%unsafe.Alignof(zero) != 0 {
		sr.fail("payload not aligned in memory")
		return nil
	}
	return unsafe.Slice((*T)(p), n)
}
