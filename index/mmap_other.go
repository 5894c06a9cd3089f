//go:build !unix

package index

import (
	"io"
	"os"
)

// mapFile reads the file into memory (this platform gets no private mapping: see mmap_unix.go).
func mapFile(f *os.File, size int64) (data []byte, release func() error, err error) {
	data = make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}
