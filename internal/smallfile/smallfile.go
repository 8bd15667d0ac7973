// Package smallfile reads the small files a setting names (a YAML configuration, PEM
// certificates and keys) without trusting the name: a path to a device such as /dev/zero, or
// to a file far larger than any such file, would otherwise be read until memory runs out, and
// a path to a named pipe would block the program's start until some writer opened it.
package smallfile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSize is the largest file Read accepts, in bytes: a logging configuration is a few
// kilobytes, and a bundle of every public certificate authority about 250 KB.
const MaxSize = 4 << 20

// ErrTooLarge is the error, wrapped, of a file over MaxSize.
var ErrTooLarge = errors.New("larger than 4 MiB, too large for a configuration or certificate file")

// ErrNotRegular is the error, wrapped, of a path that is not a regular file (a directory, a
// device, a named pipe or a socket), after following symbolic links.
var ErrNotRegular = errors.New("not a regular file")

// Read returns the contents of the regular file at path, of at most MaxSize bytes. A path
// that is not a regular file is refused before it is opened (so a named pipe never blocks);
// errors from the file system are returned as os.ReadFile returns them.
func Read(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%s)", ErrNotRegular, kind(fi.Mode()))
	}
	if fi.Size() > MaxSize {
		return nil, ErrTooLarge
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have grown since Stat, or been replaced: read one byte past the bound.
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, ErrTooLarge
	}
	return data, nil
}

// kind names the type of a file that is not regular.
func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.Type().String()
}
