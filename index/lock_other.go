//go:build !unix

package index

import (
	"errors"
	"os"
)

// On systems without flock the directory lock is a no-op and bbolt's own file lock (opened with a timeout)
// detects a second process; the error then cannot name the holder's pid.

var errWouldBlock = errors.New("lock held")

func tryLock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
