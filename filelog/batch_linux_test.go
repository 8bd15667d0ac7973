package filelog

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestWriteBatch: a batch goes out whole when it fits; a batch that would pass the rotation
// size is rotated between two records (no record split across files); a record that fails
// fails alone, the records after it are still written; failures are counted per record, and
// nothing is counted after Close.
func TestWriteBatch(t *testing.T) {
	line := strings.Repeat("x", 300<<10-1) + "\n" // 300 KiB: four pass 1 MiB
	huge := strings.Repeat("h", 2<<20-1) + "\n"   // 2 MiB: never fits a 1 MiB file
	for _, tc := range []struct {
		name       string
		path       func(dir string) string
		opts       *RotateOptions
		records    []string
		close      bool
		wantErr    error
		wantFailed int
		wantWrites uint64
		wantLines  int
		wantFiles  int
	}{
		{name: "fits", path: inDir, records: repeat(20, "a record\n"), wantWrites: 20,
			wantLines: 20, wantFiles: 1},
		{name: "rotates between records", path: inDir, opts: &RotateOptions{MaxSizeMB: 1},
			records: repeat(6, line), wantWrites: 6, wantLines: 6, wantFiles: 2},
		{name: "a record too large fails alone", path: inDir, opts: &RotateOptions{MaxSizeMB: 1},
			records: []string{"before\n", huge, "after 1\n", "after 2\n"}, wantErr: errAny,
			wantFailed: 1, wantWrites: 3, wantLines: 3, wantFiles: 1},
		{name: "device", path: func(string) string { return os.DevNull },
			records: repeat(100, strings.Repeat("y", 99)+"\n"), wantWrites: 100},
		{name: "disk full", path: func(string) string { return "/dev/full" },
			records: repeat(5, "a record\n"), wantErr: syscall.ENOSPC, wantFailed: 5},
		{name: "closed", path: inDir, records: repeat(3, "a record\n"), close: true,
			wantErr: ErrClosed, wantFailed: 3, wantFiles: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f := openT(t, tc.path(dir), tc.opts)
			if tc.close {
				f.Close()
			}
			var p []byte
			var ends []int
			for _, r := range tc.records {
				p = append(p, r...)
				ends = append(ends, len(p))
			}
			failed, err := f.WriteBatch(p, ends)
			if (err != nil) != (tc.wantErr != nil) || tc.wantErr != errAny && !errors.Is(err, tc.wantErr) {
				t.Fatalf("WriteBatch: %v, want %v", err, tc.wantErr)
			}
			if failed != tc.wantFailed {
				t.Errorf("%d records failed, want %d", failed, tc.wantFailed)
			}
			wantErrors := uint64(tc.wantFailed)
			if tc.close {
				wantErrors = 0
			}
			if st := f.Stats(); st.Writes != tc.wantWrites || st.WriteErrors != wantErrors {
				t.Errorf("stats %+v, want %d writes, %d errors", st, tc.wantWrites, wantErrors)
			}
			if tc.wantFiles == 0 {
				return
			}
			f.Close()
			lines, files := readRecords(t, dir)
			if files != tc.wantFiles {
				t.Errorf("%d files, want %d", files, tc.wantFiles)
			}
			if len(lines) != tc.wantLines {
				t.Errorf("%d lines, want %d", len(lines), tc.wantLines)
			}
			for _, l := range lines {
				if !slices.Contains(tc.records, l+"\n") {
					t.Fatalf("damaged line of %d bytes", len(l))
				}
			}
		})
	}
}

// errAny in a test's wantErr accepts any error.
var errAny = errors.New("any error")

func repeat(n int, rec string) []string { return slices.Repeat([]string{rec}, n) }

func inDir(dir string) string { return filepath.Join(dir, "app.log") }
