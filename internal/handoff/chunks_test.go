package handoff

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
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
			write := func(b []byte, _ int) (int, error) {
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

// TestChunkedSlowReaderNotStalled: a console that takes its lines slowly but steadily (a slow
// terminal) is not declared stalled while one long batch is written: each chunk counts as
// progress. The pipe holds one chunk; the reader takes a chunk every 20 ms, so the second
// batch (about 190 KB, 47 chunks) takes about a second, well over the 300 ms bound, while no
// chunk takes more than a few times 20 ms.
func TestChunkedSlowReaderNotStalled(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, PipeBuf); err != nil {
		t.Skipf("cannot shrink the pipe: %v", err)
	}
	if _, err := w.Write(bytes.Repeat([]byte("-"), PipeBuf)); err != nil { // full: the first chunk waits for the reader
		t.Fatal(err)
	}
	var stalls atomic.Int64
	g := New(Chunked(w), Options{Bound: 300 * time.Millisecond, OnStall: func(int) { stalls.Add(1) }})
	line := append(bytes.Repeat([]byte("x"), 999), '\n')
	const n = 200
	for range n {
		if _, err := g.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan int, 1)
	go func() {
		total := 0
		buf := make([]byte, PipeBuf)
		for {
			time.Sleep(20 * time.Millisecond)
			k, err := r.Read(buf)
			total += k
			if err != nil {
				got <- total
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard
	defer cancel()
	if !g.Flush(ctx) {
		t.Fatal("Flush did not finish")
	}
	g.Close()
	w.Close()
	if total := <-got; total != PipeBuf+n*len(line) {
		t.Errorf("the reader got %d bytes, want %d", total, PipeBuf+n*len(line))
	}
	if s := stalls.Load(); s != 0 {
		t.Errorf("declared stalled %d times while every chunk went through", s)
	}
	if d := g.Dropped(); d != 0 {
		t.Errorf("%d records dropped", d)
	}
}
