//go:build unix

package index

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// makePrivate keeps the data directory private to its user: the directory itself and every directory under index/
// 0700, and the files the replica writes (the store, the lock, everything under index/) 0600. Files are created
// that way, but an existing directory keeps its mode (one made 0777 by hand, or under umask 000 by another
// program), bleve creates its index_meta.json 0666 less the umask, and older versions left those as they were.
// Whatever had group or other bits is tightened, with a warning saying what changed; what cannot be changed (a
// directory the user does not own) is warned about. Nothing else in the directory is touched.
func makePrivate(dir string, log *slog.Logger) {
	var changed, failed []string
	fix := func(path string, want fs.FileMode) {
		info, err := os.Lstat(path)
		if err != nil || info.Mode()&fs.ModeSymlink != 0 || info.Mode().Perm()&0o077 == 0 {
			return
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "." {
			rel = "the directory itself"
		}
		if err := os.Chmod(path, want); err != nil {
			failed = append(failed, fmt.Sprintf("%s (mode %04o): %v", rel, info.Mode().Perm(), err))
			return
		}
		changed = append(changed, fmt.Sprintf("%s %04o → %04o", rel, info.Mode().Perm(), want))
	}
	fix(dir, 0o700)
	fix(filepath.Join(dir, storeFile), 0o600)
	fix(filepath.Join(dir, lockFile), 0o600)
	_ = filepath.WalkDir(filepath.Join(dir, indexDir), func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil // gone meanwhile, or unreadable: opening the index reports what matters
		case d.IsDir():
			fix(path, 0o700)
		case d.Type().IsRegular():
			fix(path, 0o600)
		}
		return nil
	})
	if len(changed) > 0 {
		log.Warn("other users had access to the data directory; made it private to this user",
			"data_dir", dir, "changed", strings.Join(changed, ", "))
	}
	if len(failed) > 0 {
		log.Warn("other users have access to the data directory and its mode could not be changed: chmod it to 0700 yourself",
			"data_dir", dir, "not_changed", strings.Join(failed, "; "))
	}
}
