package markup

import (
	"testing"

	"github.com/logbridge/logbridge/internal/benchutil"
)

// On a shared machine, compare cpu-ns/op (the process's CPU time per operation, best with
// -cpu 1; see internal/benchutil) rather than ns/op.
var benchInputs = []struct{ name, s string }{
	{"plain", "GET /api/v1/users 200 in 3.2ms from 10.0.0.1 user=alice"},
	{"literal", "[INFO] user [admin] got list=[1, 2, 3]"},
	{"markup", "[bold red]failed[/] after [dim]3[/dim] tries"},
	{"rich", "[bold]request[/bold] [green]200[/green] [dim]GET[/dim] [link=https://example.com/t/4bf92f3577b34da6]/api/v1/users[/link] in [#ff8800]3.2ms[/]"},
}

// BenchmarkStrip strips the same message again and again: after the second call it comes
// from the cache. cache=off measures the parse itself (a message seen for the first time).
func BenchmarkStrip(b *testing.B) {
	for _, c := range []struct {
		cache string
		strip func(string) string
	}{{"on", Strip}, {"off", strip}} {
		for _, in := range benchInputs {
			b.Run("cache="+c.cache+"/"+in.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := benchutil.StartCPU()
				for b.Loop() {
					_ = c.strip(in.s)
				}
				cpu.Report(b)
			})
		}
	}
}

func BenchmarkAppendStrip(b *testing.B) {
	buf := make([]byte, 0, 1024)
	for _, c := range []struct {
		cache string
		strip func([]byte, string) []byte
	}{{"on", AppendStrip}, {"off", appendStrip}} {
		for _, in := range benchInputs {
			b.Run("cache="+c.cache+"/"+in.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := benchutil.StartCPU()
				for b.Loop() {
					buf = c.strip(buf[:0], in.s)
				}
				cpu.Report(b)
			})
		}
	}
}

func BenchmarkParse(b *testing.B) {
	segs := make([]Segment, 0, 32)
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := benchutil.StartCPU()
			for b.Loop() {
				segs = Parse(segs[:0], in.s)
			}
			cpu.Report(b)
		})
	}
}

func BenchmarkAppendANSI(b *testing.B) {
	buf := make([]byte, 0, 1024)
	for _, p := range []struct {
		name string
		p    Profile
	}{{"16", ANSI16}, {"256", ANSI256}, {"truecolor", TrueColor}} {
		for _, in := range benchInputs {
			b.Run(p.name+"/"+in.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := benchutil.StartCPU()
				for b.Loop() {
					buf = AppendANSI(buf[:0], in.s, p.p)
				}
				cpu.Report(b)
			})
		}
	}
}

func BenchmarkParseStyle(b *testing.B) {
	b.ReportAllocs()
	cpu := benchutil.StartCPU()
	for b.Loop() {
		_, _ = ParseStyle("bold dark_orange3 on grey50")
	}
	cpu.Report(b)
}
