package filelog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// waitUntil polls cond every 10ms for up to d (a hang guard, not a timing assertion).
func waitUntil(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// The log file's directory deleted, or the file replaced by another, mid-run: the File notices
// (within CheckInterval), reopens the path, counts it and reports it; later records land in
// the new file, none in the unlinked one.
func TestDeletedOrReplacedFileReopened(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(t *testing.T, path string)
	}{
		{"directory deleted", func(t *testing.T, path string) {
			if err := os.RemoveAll(filepath.Dir(path)); err != nil {
				t.Fatal(err)
			}
		}},
		{"file replaced", func(t *testing.T, path string) {
			tmp := path + ".new"
			if err := os.WriteFile(tmp, []byte("other\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "logs", "app.log")
			var mu sync.Mutex
			var reported []error
			f := openT(t, path, &RotateOptions{CheckInterval: 20 * time.Millisecond, OnError: func(err error) {
				mu.Lock()
				defer mu.Unlock()
				reported = append(reported, err)
			}})
			if _, err := f.Write([]byte("before\n")); err != nil {
				t.Fatal(err)
			}
			tt.breakIt(t, path)
			if !waitUntil(30*time.Second, func() bool { return f.Stats().Replaced == 1 }) {
				t.Fatalf("the replaced file was not noticed: %+v", f.Stats())
			}
			if _, err := f.Write([]byte("after\n")); err != nil {
				t.Fatal(err)
			}
			got := readFile(t, path)
			if !strings.HasSuffix(got, "after\n") || strings.Contains(got, "before") {
				t.Fatalf("the file at the path holds %q", got)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(reported) != 1 || !errors.Is(reported[0], ErrReplaced) || !strings.Contains(reported[0].Error(), path) {
				t.Fatalf("reported %v", reported)
			}
			if st := f.Stats(); st.Reopens != 1 || st.WriteErrors != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// A FIFO nobody reads as the log path: Open fails at once with a clear error instead of
// blocking; with a reader it is written to as a non-regular file.
func TestFIFOPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := Open(path, nil)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, syscall.ENXIO) || !strings.Contains(err.Error(), "FIFO") || !strings.Contains(err.Error(), path) {
			t.Fatalf("Open of a FIFO without reader: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Open of a FIFO without reader blocked")
	}

	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f := openT(t, path, nil)
	if _, err := f.Write([]byte("through the fifo\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	var got []byte
	waitUntil(30*time.Second, func() bool {
		n, _ := r.Read(buf)
		got = append(got, buf[:max(n, 0)]...)
		return strings.Contains(string(got), "\n")
	})
	if string(got) != "through the fifo\n" {
		t.Fatalf("read %q from the FIFO", got)
	}
}
