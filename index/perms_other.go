//go:build !unix

package index

import "log/slog"

// makePrivate does nothing where file modes do not say who may read a file (Windows: the data directory is under
// the user's profile, whose access list already keeps other users out).
func makePrivate(dir string, log *slog.Logger) {}
