//go:build unix

package index

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the file's size bytes into memory, private and writable: pages are read from the file when first
// touched (from the page cache, outside the Go heap), and a write to one copies that page for this process only,
// never reaching the file. release unmaps it; nothing may use the bytes after.
func mapFile(f *os.File, size int64) (data []byte, release func() error, err error) {
	if size == 0 || int64(int(size)) != size {
		return nil, nil, fmt.Errorf("cannot map %d bytes", size)
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, fmt.Errorf("map %s: %w", f.Name(), err)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
