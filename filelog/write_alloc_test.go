package filelog

import (
	"os"
	"path/filepath"
	"testing"
)

// A File's Write allocates nothing, for a regular (rotated) file and for a device.
func TestFileWriteAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	for _, path := range []string{filepath.Join(t.TempDir(), "a.log"), os.DevNull} {
		f, err := Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		line := []byte("2026-11-23T19:57:02.123Z INFO bench:0 core: hello\n")
		if n := testing.AllocsPerRun(100, func() { _, _ = f.Write(line) }); n != 0 {
			t.Errorf("%s: %v allocs per Write", path, n)
		}
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}
}
