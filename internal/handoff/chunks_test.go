package handoff

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// records returns n records of the given length each (the last byte a newline), back to back,
// and their ends.
func records(n, size int) ([]byte, []int) {
	var p []byte
	var ends []int
	for i := range n {
		p = append(p, bytes.Repeat([]byte{byte('a' + i%26)}, size-1)...)
		p = append(p, '\n')
		ends = append(ends, len(p))
	}
	return p, ends
}

func TestWriteChunks(t *testing.T) {
	pipe := func(ends []int) func(i, start int) int {
		return func(i, start int) int { return PipeChunk(ends, i, start) }
	}
	for _, tc := range []struct {
		name       string
		n, size    int
		fail       func(call int, p []byte) (int, error) // nil: every write succeeds
		wantWrites []int                                 // bytes of each write call
		wantFailed int
	}{
		{"small records share a write", 100, 100, nil, []int{4000, 4000, 2000}, 0},
		{"exactly PipeBuf", 2, PipeBuf / 2, nil, []int{PipeBuf}, 0},
		{"a record over PipeBuf goes alone", 3, PipeBuf + 1, nil, []int{PipeBuf + 1, PipeBuf + 1, PipeBuf + 1}, 0},
		{"cut short: whole ones count, the cut one fails, the rest one a write", 10, 100,
			func(call int, p []byte) (int, error) {
				if call == 0 {
					return 250, errors.New("short")
				}
				return len(p), nil
			},
			[]int{1000, 100, 100, 100, 100, 100, 100, 100}, 1},
		{"stopped after a failure", 10, 100,
			func(call int, p []byte) (int, error) { return 0, io.ErrClosedPipe },
			[]int{1000}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ends := records(tc.n, tc.size)
			var writes []int
			var out []byte
			write := func(b []byte) (int, error) {
				call := len(writes)
				writes = append(writes, len(b))
				n, err := len(b), error(nil)
				if tc.fail != nil {
					n, err = tc.fail(call, b)
				}
				out = append(out, b[:n]...)
				return n, err
			}
			stop := func() bool { return tc.wantFailed == tc.n } // the closed case
			failed, err := WriteChunks(p, ends, pipe(ends), write, stop)
			if failed != tc.wantFailed || (failed > 0) != (err != nil) {
				t.Errorf("failed %d, err %v; want %d failed", failed, err, tc.wantFailed)
			}
			if !slices.Equal(writes, tc.wantWrites) {
				t.Errorf("writes of %v bytes, want %v", writes, tc.wantWrites)
			}
			if tc.fail == nil && !bytes.Equal(out, p) {
				t.Error("the records did not arrive as given")
			}
		})
	}
}

// TestChunkedPipe: through a Writer, records to a pipe arrive whole and in order, and the
// Writer's Target still has the pipe's descriptor (what terminal detection looks at).
func TestChunkedPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := make(chan string, 1)
	go func() { b, _ := io.ReadAll(r); got <- string(b) }()
	if _, ok := Chunked(w).(BatchWriter); !ok {
		t.Fatal("Chunked is not a BatchWriter: the Writer would pass one record a write")
	}
	g := New(Chunked(w), Options{})
	if fd, ok := g.Target().(interface{ Fd() uintptr }); !ok || fd.Fd() != w.Fd() {
		t.Errorf("Target has no Fd, or not the pipe's")
	}
	var want strings.Builder
	for i := range 500 {
		line := strings.Repeat(string(rune('a'+i%26)), 1+i%300) + "\n"
		want.WriteString(line)
		if _, err := g.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if !g.Flush(context.Background()) {
		t.Fatal("Flush did not finish")
	}
	g.Close()
	w.Close()
	if s := <-got; s != want.String() {
		t.Errorf("the pipe got %d bytes, want %d, or not in order", len(s), want.Len())
	}
}
