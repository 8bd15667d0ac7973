//go:build unix

package smallfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("#", size)), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small, atMax, over := write("small", 10), write("max", MaxSize), write("over", MaxSize+1)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		size       int
		err        error  // errors.Is
		text       string // a substring of the error
	}{
		{"small file", small, 10, nil, ""},
		{"symbolic link to a file", link, 10, nil, ""},
		{"at the bound", atMax, MaxSize, nil, ""},
		{"past the bound", over, 0, ErrTooLarge, "larger than 4 MiB"},
		{"missing", filepath.Join(dir, "nope"), 0, fs.ErrNotExist, ""},
		{"directory", dir, 0, ErrNotRegular, "a directory"},
		{"named pipe, no writer", fifo, 0, ErrNotRegular, "a named pipe"},
		{"endless device", "/dev/zero", 0, ErrNotRegular, "a device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				data []byte
				err  error
			}
			done := make(chan result, 1)
			go func() {
				data, err := Read(tc.path)
				done <- result{data, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(30 * time.Second): // hang guard: a pipe must not block
				t.Fatalf("Read(%s) still blocked after 30 s", tc.path)
			}
			if tc.err == nil {
				if r.err != nil || len(r.data) != tc.size {
					t.Fatalf("Read = %d bytes, %v; want %d bytes", len(r.data), r.err, tc.size)
				}
				return
			}
			if !errors.Is(r.err, tc.err) || !strings.Contains(errString(r.err), tc.text) || r.data != nil {
				t.Fatalf("Read = %d bytes, %v; want an error that is %v and says %q", len(r.data), r.err, tc.err, tc.text)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
