package handoff

import (
	"io"
	"os"
)

// PipeBuf is the most bytes a write to a pipe takes in one piece (POSIX PIPE_BUF on Linux): a
// write of whole lines up to that size is never interleaved with another process's writes to
// the same pipe (a container's stderr collected with other programs', say).
const PipeBuf = 4096

// PipeChunk returns the end j of the records i..j-1 that go in one write to a pipe: those,
// starting at offset start, that fit in PipeBuf bytes together, and at least record i however
// long it is. ends are the records' end offsets, as in BatchWriter.WriteBatch.
func PipeChunk(ends []int, i, start int) int {
	j := i + 1
	for j < len(ends) && ends[j]-start <= PipeBuf {
		j++
	}
	return j
}

// WriteChunks writes the records of p (ends as in BatchWriter.WriteBatch) with one write call
// per chunk of whole records, next(i, start) giving the end of the chunk that begins with
// record i at offset start (PipeChunk, or a rule of the writer's own); write is told how many
// records the chunk holds. After a failed write the
// records left go one write each: those the failed write covered whole count as written, the
// one it cut short (or that failed alone) as failed, the others are tried again. stop, checked
// after a failure, ends the batch with every record left failed (the writer was closed). It
// returns how many records failed and the last error. This is the one copy of that rule:
// filelog.File's WriteBatch and the console's Chunked writer use it.
func WriteChunks(p []byte, ends []int, next func(i, start int) int, write func(chunk []byte, records int) (int, error), stop func() bool) (failed int, err error) {
	one := false // after a failure: one record a write
	for i, start := 0, 0; i < len(ends); {
		j := i + 1 // records i..j-1 go in one write
		if !one {
			j = next(i, start)
		}
		n, werr := write(p[start:ends[j-1]], j-i)
		if werr == nil {
			i, start = j, ends[j-1]
			continue
		}
		err, one = werr, true
		if stop != nil && stop() {
			return failed + len(ends) - i, err
		}
		written, alone := start+n, j == i+1
		for i < j && ends[i] <= written { // written whole
			start = ends[i]
			i++
		}
		if i < j && (written > start || alone) { // cut short, or its own write failed
			failed++
			start = ends[i]
			i++
		} // (the others are tried again, one a write)
	}
	return failed, err
}

// Chunked returns f as a writer that a [Writer] passes its records on to in whole-record
// chunks of up to PipeBuf bytes (see PipeChunk and WriteChunks): for a console on a terminal
// or a pipe, one system call per chunk instead of one per record, and no line interleaved with
// another process's. Unlike a BatchWriter's batch, each chunk counts as progress when it is
// written (a slow terminal taking a long batch is not taken for a stalled one). It keeps f's
// Fd, so that the Writer's Target still has it (terminal detection).
func Chunked(f *os.File) io.Writer { return chunked{f} }

// chunked is what Chunked returns; Writer.drain recognizes it.
type chunked struct{ f *os.File }

// Write passes p on as it is.
func (c chunked) Write(p []byte) (int, error) { return c.f.Write(p) }

// Fd returns f's file descriptor.
func (c chunked) Fd() uintptr { return c.f.Fd() }

// writeChunks passes the batch p, ends on to the Chunked writer in chunks, counting each
// chunk's records as written (attempted) as soon as its write returns, and each failed
// record's error to OnError.
func (g *Writer) writeChunks(p []byte, ends []int) {
	failed, err := WriteChunks(p, ends, func(i, start int) int { return PipeChunk(ends, i, start) },
		func(chunk []byte, records int) (int, error) {
			n, err := g.write(chunk)
			g.writes.Add(uint64(records))
			return n, err
		}, nil)
	g.reportFailed(failed, err)
}
