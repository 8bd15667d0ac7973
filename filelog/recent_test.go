package filelog

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/vocab"
)

// TestRecentCaches logs records that differ only in what the per-state caches remember (the
// message, its format, the span), one after the other so that they meet the same pooled state,
// and checks that each line has its own message and ids, never the remembered ones.
func TestRecentCaches(t *testing.T) {
	span := func(t0, s0 byte) context.Context {
		return trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: trace.TraceID{t0, 1}, SpanID: trace.SpanID{s0, 2}, TraceFlags: trace.FlagsSampled}))
	}
	var text, js bytes.Buffer
	th := slog.New(NewHandler(&text, nil))
	jh := slog.New(NewHandler(&js, &Options{Format: vocab.FormatJSON}))
	steps := []struct {
		json      bool
		ctx       context.Context
		msg, want string
	}{
		{false, span(0xa, 0xb), "[bold]same[/] message", `INFO same message trace_id=0a010000000000000000000000000000 span_id=0b02000000000000`},
		{false, span(0xa, 0xb), "[bold]same[/] message", `INFO same message trace_id=0a010000000000000000000000000000 span_id=0b02000000000000`},
		{true, span(0xa, 0xb), "[bold]same[/] message", `"msg":"same message","trace_id":"0a010000000000000000000000000000","span_id":"0b02000000000000"`},
		{false, span(0xa, 0xc), "[bold]same[/] message", `span_id=0c02000000000000`},
		{false, span(0xd, 0xc), "[bold]same[/] message", `trace_id=0d010000000000000000000000000000 span_id=0c02000000000000`},
		{false, context.Background(), "[bold]same[/] messagE", "INFO same messagE\n"},
		{false, context.Background(), " lead", `INFO " lead"` + "\n"},
		{false, context.Background(), "lead", "INFO lead\n"},
		{false, context.Background(), "other", "INFO other\n"},
		{true, context.Background(), "other", `"msg":"other"}`},
		{false, context.Background(), `say "hi"`, `INFO "say \"hi\""` + "\n"},
		{true, context.Background(), `say "hi"`, `"msg":"say \"hi\""}`},
		{false, context.Background(), `say "hi"`, `INFO "say \"hi\""` + "\n"},
		{false, context.Background(), strings.Repeat("long ", 60), `INFO "` + strings.Repeat("long ", 60) + `"`},
		{false, context.Background(), strings.Repeat("long ", 60)[:295] + "!", "INFO " + strings.Repeat("long ", 60)[:295] + "!\n"},
	}
	for i, st := range steps {
		buf, l := &text, th
		if st.json {
			buf, l = &js, jh
		}
		buf.Reset()
		l.InfoContext(st.ctx, st.msg)
		if !strings.Contains(buf.String(), st.want) {
			t.Errorf("step %d: %q\nwant it to contain %q", i, buf.String(), st.want)
		}
	}
}
