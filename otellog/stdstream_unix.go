//go:build unix

package otellog

import (
	"context"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// ownDescriptor returns w as a descriptor of the bridge's own when w is the process's standard
// output or error (descriptor 1 or 2), and a function that closes it: a close-on-exec
// duplicate, same terminal or pipe. The Go runtime ends the process with SIGPIPE when a write
// to descriptor 1 or 2 meets a pipe nobody reads any more (a `| head` that exited, a log
// shipper that died); on any other descriptor the write fails with EPIPE, which the console's
// hand-off counts and reports like any failed write, and the service goes on. Any other
// writer, or a failed dup, is returned as it is, with a nil function.
func ownDescriptor(w io.Writer) (io.Writer, func(context.Context) error) {
	f, ok := w.(*os.File)
	if !ok || f.Fd() != 1 && f.Fd() != 2 {
		return w, nil
	}
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return w, nil
	}
	own := os.NewFile(uintptr(fd), f.Name())
	return own, func(context.Context) error { return own.Close() }
}
