package textenc

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// The benchmarks put each hand-written piece beside the standard library call it replaces:
//
//	go test -run '^$' -bench . -benchmem ./internal/textenc/

var sink []byte

const benchText = "request handled for user alice in region eu-west-1 with status ok"

// BenchmarkSpan: the word-at-a-time scan against a byte-at-a-time table loop.
func BenchmarkSpan(b *testing.B) {
	b.Run("words", func(b *testing.B) {
		for b.Loop() {
			if Printable.Span(benchText, 0) != len(benchText) {
				b.Fatal("span")
			}
		}
	})
	b.Run("bytes", func(b *testing.B) {
		for b.Loop() {
			i := 0
			for i < len(benchText) && Printable.in[benchText[i]] {
				i++
			}
			if i != len(benchText) {
				b.Fatal("span")
			}
		}
	})
}

// BenchmarkQuote: AppendQuoted against strconv.AppendQuote (same output).
func BenchmarkQuote(b *testing.B) {
	buf := make([]byte, 0, 256)
	b.Run("textenc", func(b *testing.B) {
		for b.Loop() {
			sink = AppendQuoted(buf[:0], benchText)
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for b.Loop() {
			sink = strconv.AppendQuote(buf[:0], benchText)
		}
	})
}

// BenchmarkTime: the hand-made timestamps against t.AppendFormat.
func BenchmarkTime(b *testing.B) {
	buf := make([]byte, 0, 64)
	t := time.Date(2026, 3, 29, 10, 11, 12, 345678901, time.Local)
	b.Run("millis", func(b *testing.B) {
		for b.Loop() {
			sink = AppendRFC3339Millis(buf[:0], t)
		}
	})
	b.Run("millis-format", func(b *testing.B) {
		for b.Loop() {
			sink = t.AppendFormat(buf[:0], millisLayout)
		}
	})
	b.Run("utc-nano", func(b *testing.B) {
		for b.Loop() {
			sink = AppendRFC3339(buf[:0], t, 0, Nano)
		}
	})
	b.Run("utc-nano-format", func(b *testing.B) {
		for b.Loop() {
			sink = t.UTC().AppendFormat(buf[:0], time.RFC3339Nano)
		}
	})
	b.Run("clock", func(b *testing.B) {
		for b.Loop() {
			sink = AppendClockMillis(buf[:0], t)
		}
	})
	b.Run("clock-format", func(b *testing.B) {
		for b.Loop() {
			sink = t.AppendFormat(buf[:0], "15:04:05.000")
		}
	})
}

// BenchmarkSource: the cache against runtime.CallersFrames.
func BenchmarkSource(b *testing.B) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	b.Run("cache", func(b *testing.B) {
		for b.Loop() {
			if SourceOf(pcs[0]).Line == 0 {
				b.Fatal("no line")
			}
		}
	})
	b.Run("frames", func(b *testing.B) {
		for b.Loop() {
			f, _ := runtime.CallersFrames(pcs[:]).Next()
			if f.Line == 0 {
				b.Fatal("no line")
			}
		}
	})
}
