package index

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// dirLock is the exclusive claim of one process on a data directory. bbolt allows one process per file and, by
// default, waits forever for the file lock; bleve's scorch does the same with its own root file. Taking our own
// non-blocking lock first turns "another process has it" into an immediate ErrLocked that names the holder, instead
// of a hang.
//
// The lock is an OS advisory lock (flock on Unix) on <dir>/lock, so it disappears with its process however that
// process ends: a kill -9 never leaves a stale lock behind. The file holds the owner's pid, for the error message
// only.
type dirLock struct {
	f *os.File
}

const lockFile = "lock"

// lockDir takes the lock of dir or returns an error matching ErrLocked.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := tryLock(f); err != nil {
		_ = f.Close()
		if !errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if pid := readPID(path); pid > 0 {
			return nil, fmt.Errorf("data directory %s is in use by pid %d: %w", dir, pid, ErrLocked)
		}
		return nil, fmt.Errorf("data directory %s is in use by another process: %w", dir, ErrLocked)
	}
	// Record our pid for the next process's error message. Truncate first: a shorter pid must not leave digits of
	// the previous owner's behind.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil {
		return 0
	}
	return pid
}

// release gives the lock up. The file stays: removing it would race with a process that has just opened it.
func (l *dirLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
