package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/intercom-replica/intercom-replica/index/internal/table"
	"github.com/intercom-replica/intercom-replica/query"
)

// A table snapshot is a kind's column table written to <dir>/table.<kind>, so that Open loads it in a few
// sequential reads instead of rebuilding it from every stored row (seconds at a hundred thousand records). It is
// derived state, like the full-text index: the store stays the truth, and a snapshot is loaded only when it
// provably matches the store. It is written when the replica closes (if the table changed since the one on disk)
// and after Open had to rebuild the table, always to a temporary file that is synced and then renamed over the old
// one, so a crash leaves either the old snapshot or the new, never a part.
//
// Layout: a header (magic, snapshot format, table layout version, row version, the store's id, the store
// sequence and live record count the table reflects, padding to 56 bytes), the table's payload
// (table.WriteSnapshot, which holds a checksum per slice and one of the rest), then a trailer: the payload's length
// and a CRC-32C of the header. Open loads a snapshot only when all of these agree with this program and the store;
// otherwise it logs why and rebuilds from the rows, then writes a fresh one. Every write to the store advances its
// sequence, so a snapshot taken before a write (a kill -9 after it, say) is recognised as behind.
//
// A loaded snapshot stays mapped into memory while the replica is open (the table's slices are views of it, see
// table.LoadSnapshot): its pages live in the page cache, not the Go heap, and opening reads only what the table
// checks for consistency (a third of the bytes). The rest (ids, hit summaries, timestamps and numbers) is verified
// against its checksums after Open returns (Replica.verifyTables): a mismatch there stops the kind's table from
// answering until it is rebuilt from the rows. Rewriting a snapshot renames a new file over it, which leaves the
// mapped (now unlinked) file intact.

const (
	snapshotMagic = "IRTABLE\x00"
	// snapshotFormat names the header and trailer above; table.SnapshotVersion and rowVersion name the payload.
	// 2: the payload's checksums replace the one over the whole file.
	snapshotFormat  = 2
	snapshotHeader  = 8 + 4 + 4 + 4 + storeIDLen + 8 + 8 + 4 // padded so the payload starts 8-byte aligned
	snapshotTrailer = 8 + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func snapshotPath(dir string, kind query.Kind) string {
	return filepath.Join(dir, "table."+string(kind))
}

func appendSnapshotHeader(b []byte, st tableState) []byte {
	b = append(b, snapshotMagic...)
	b = binary.LittleEndian.AppendUint32(b, snapshotFormat)
	b = binary.LittleEndian.AppendUint32(b, table.SnapshotVersion)
	b = binary.LittleEndian.AppendUint32(b, rowVersion)
	b = append(b, st.storeID...)
	b = binary.LittleEndian.AppendUint64(b, st.seq)
	b = binary.LittleEndian.AppendUint64(b, st.live)
	return append(b, 0, 0, 0, 0)
}

// errNoSnapshot is loadSnapshot's answer when there is no snapshot file at all.
var errNoSnapshot = errors.New("no snapshot")

// loadSnapshot loads kind's table from its snapshot if the snapshot's header, counts and the slices the table
// checks are intact and it reflects exactly the store state st; pending is what is left to verify (the caller
// must, before trusting the table for long or writing it out again). The table stays in the file, mapped into
// memory (mapFile): call release once the table (and pending) is no longer used. Any other outcome is an error
// saying why (errNoSnapshot when there is none): the caller rebuilds instead.
func loadSnapshot(path string, st tableState) (t *table.Table, pending *table.Unverified, release func() error, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, errNoSnapshot
	}
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, nil, err
	}
	size := fi.Size()
	if size < snapshotHeader+snapshotTrailer {
		return nil, nil, nil, fmt.Errorf("truncated: %d bytes", size)
	}
	data, unmap, err := mapFile(f, size)
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if err != nil {
			_ = unmap()
		}
	}()
	head := data[:snapshotHeader]
	if !bytes.HasPrefix(head, []byte(snapshotMagic)) {
		return nil, nil, nil, errors.New("not a table snapshot")
	}
	le := binary.LittleEndian
	if format, tv, rv := le.Uint32(head[8:]), le.Uint32(head[12:]), le.Uint32(head[16:]); format != snapshotFormat ||
		tv != table.SnapshotVersion || rv != rowVersion {
		return nil, nil, nil, fmt.Errorf("written in another format (snapshot %d, table %d, rows %d; this program writes %d, %d, %d)",
			format, tv, rv, snapshotFormat, table.SnapshotVersion, rowVersion)
	}
	body, trailer := data[:size-snapshotTrailer], data[size-snapshotTrailer:]
	payload := body[snapshotHeader:]
	if le.Uint64(trailer) != uint64(len(payload)) {
		return nil, nil, nil, fmt.Errorf("payload of %d bytes, the trailer says %d", len(payload), le.Uint64(trailer))
	}
	id := head[20 : 20+storeIDLen]
	seq, live := le.Uint64(head[20+storeIDLen:]), le.Uint64(head[28+storeIDLen:])
	switch {
	case !bytes.Equal(id, st.storeID):
		return nil, nil, nil, errors.New("taken from another store")
	case seq != st.seq:
		return nil, nil, nil, fmt.Errorf("the store changed since it was taken (snapshot at sequence %d, store at %d)", seq, st.seq)
	case live != st.live:
		return nil, nil, nil, fmt.Errorf("holds %d live records, the store %d", live, st.live)
	}
	if crc32.Checksum(head, castagnoli) != le.Uint32(trailer[8:]) {
		return nil, nil, nil, errors.New("checksum mismatch in the header")
	}
	t, pending, err = table.LoadSnapshot(payload)
	if err != nil {
		return nil, nil, nil, err
	}
	if uint64(t.Len()) != st.live {
		return nil, nil, nil, fmt.Errorf("table holds %d rows, the store %d live records", t.Len(), st.live)
	}
	return t, pending, unmap, nil
}

// writeSnapshot writes t, which reflects store state st, as the snapshot at path: to a temporary file beside it,
// synced, then renamed over the old snapshot, and the directory synced.
func writeSnapshot(path string, t *table.Table, st tableState) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	head := appendSnapshotHeader(nil, st)
	if _, err := bw.Write(head); err != nil {
		return err
	}
	cw := &countingWriter{w: bw}
	if err := t.WriteSnapshot(cw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	trailer := binary.LittleEndian.AppendUint64(nil, uint64(cw.n))
	trailer = binary.LittleEndian.AppendUint32(trailer, crc32.Checksum(head, castagnoli))
	if _, err := f.Write(trailer); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// removeSnapshotTemps removes temporary snapshot files a crash left in dir.
func removeSnapshotTemps(dir string) {
	tmps, _ := filepath.Glob(filepath.Join(dir, "table.*.tmp"))
	for _, p := range tmps {
		_ = os.Remove(p)
	}
}

// syncDir makes a rename in dir durable where the platform allows it (not on Windows, where it is not needed).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
