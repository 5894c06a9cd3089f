package peer

import (
	"context"
	"log/slog"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// peerCheck returns a ConnContext hook that closes connections from processes of other users. The socket's 0600
// permissions already keep them out; this holds even if the file's mode or the directory's were loosened.
func peerCheck(log *slog.Logger) func(ctx context.Context, c net.Conn) context.Context {
	uid := os.Getuid()
	return func(ctx context.Context, c net.Conn) context.Context {
		uc, ok := c.(*net.UnixConn)
		if !ok {
			return ctx
		}
		raw, err := uc.SyscallConn()
		if err != nil {
			return ctx
		}
		var cred *unix.Ucred
		var cerr error
		if err := raw.Control(func(fd uintptr) {
			cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
		}); err != nil || cerr != nil || cred == nil {
			return ctx
		}
		if int(cred.Uid) != uid && cred.Uid != 0 {
			log.Warn("refusing a peer connection from another user", "uid", cred.Uid, "pid", cred.Pid)
			c.Close()
		}
		return ctx
	}
}
