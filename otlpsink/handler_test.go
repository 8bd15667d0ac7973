package otlpsink_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/logbridge/logbridge/internal/markup"
	"github.com/logbridge/logbridge/otlpsink"
	"github.com/logbridge/logbridge/vocab"
)

type point struct{ X, Y int }

type color int

func (c color) String() string { return [...]string{"red", "green"}[c] }

type token string

// LogValue hides the token, as a LogValuer does.
func (token) LogValue() slog.Value { return slog.StringValue("***") }

type user struct{ id, name string }

func (u user) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", u.id), slog.String("name", u.name))
}

type panicValuer struct{}

func (panicValuer) LogValue() slog.Value { panic("valuer boom") }

type nilPtrErr struct{ msg string }

func (e *nilPtrErr) Error() string { return e.msg } // panics on a nil *nilPtrErr

type typedErr struct{}

func (typedErr) Error() string     { return "typed" }
func (typedErr) ErrorType() string { return "my.Type" }

func TestHandlerAttributes(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	loop := []any{nil}
	loop[0] = loop
	n := 7

	tests := []struct {
		name  string
		opts  *otlpsink.Options
		with  func(h *otlpsink.Handler) slog.Handler
		f     func(l *slog.Logger)
		want  map[string]any // all attributes of the record
		check func(t *testing.T, r sdklog.Record)
	}{
		{
			name: "kinds",
			f: func(l *slog.Logger) {
				l.Info("m",
					slog.String("s", "x"), slog.Int("i", -3), slog.Uint64("u", 7),
					slog.Uint64("ubig", math.MaxUint64), slog.Float64("f", 1.5), slog.Bool("b", true),
					slog.Duration("d", 2*time.Second), slog.Time("t", time.Unix(1, 5)),
				)
			},
			want: map[string]any{
				"s": "x", "i": int64(-3), "u": int64(7), "ubig": float64(math.MaxUint64), "f": 1.5,
				"b": true, "d": 2.0, "t": int64(1e9 + 5), "log.level": "info",
			},
		},
		{
			name: "any values",
			f: func(l *slog.Logger) {
				l.Info("m",
					"nil", nil, "ints", []int{1, 2}, "strs", []string{"a"}, "map", map[string]int{"k": 1},
					"bytes", []byte("hi"), "struct", point{1, 2}, "ptr", &n, "nilptr", (*int)(nil),
					"complex", complex(1, 2), "enum", color(1), "u8", uint8(9), "i32", int32(-9),
					"f32", float32(0.5), "time", time.Unix(2, 0), "dur", time.Millisecond,
					"attr", attribute.StringValue("raw"), "cyclic", cyclic, "loop", loop,
					"intmap", map[int]string{3: "c"},
				)
			},
			want: map[string]any{
				"nil": nil, "ints": []any{int64(1), int64(2)}, "strs": []any{"a"},
				"map": map[string]any{"k": int64(1)}, "bytes": []byte("hi"), "struct": "{X:1 Y:2}",
				"ptr": int64(7), "nilptr": nil, "complex": map[string]any{"r": 1.0, "i": 2.0},
				"enum": "green", "u8": int64(9), "i32": int64(-9), "f32": 0.5, "time": int64(2e9),
				"dur": 0.001, "attr": "raw", "cyclic": "<max-depth-exceeded>",
				"loop": "<max-depth-exceeded>", "intmap": map[string]any{"3": "c"}, "log.level": "info",
			},
		},
		{
			name: "groups",
			f: func(l *slog.Logger) {
				l.Info("m", slog.Group("g", "a", 1, slog.Group("h", "b", 2)), slog.Group("empty"),
					slog.Group("", "inlined", true))
			},
			want: map[string]any{
				"g":       map[string]any{"a": int64(1), "h": map[string]any{"b": int64(2)}},
				"inlined": true, "log.level": "info",
			},
		},
		{
			name: "WithAttrs and WithGroup",
			with: func(h *otlpsink.Handler) slog.Handler {
				return h.WithAttrs([]slog.Attr{slog.String("top", "t")}).WithGroup("req").
					WithAttrs([]slog.Attr{slog.Int("id", 1)}).WithGroup("inner").WithGroup("empty")
			},
			f: func(l *slog.Logger) { l.Info("m", "a", 2) },
			want: map[string]any{
				"top":       "t",
				"req":       map[string]any{"id": int64(1), "inner": map[string]any{"empty": map[string]any{"a": int64(2)}}},
				"log.level": "info",
			},
		},
		{
			name: "empty groups are not output",
			with: func(h *otlpsink.Handler) slog.Handler {
				return h.WithGroup("req").WithAttrs([]slog.Attr{slog.Int("id", 1)}).WithGroup("inner")
			},
			f:    func(l *slog.Logger) { l.Info("m") },
			want: map[string]any{"req": map[string]any{"id": int64(1)}, "log.level": "info"},
		},
		{
			name: "LogValuer resolved",
			f: func(l *slog.Logger) {
				l.Info("m", "tok", token("secret"), "user", user{"1", "ann"})
			},
			want: map[string]any{
				"tok": "***", "user": map[string]any{"id": "1", "name": "ann"}, "log.level": "info",
			},
		},
		{
			name: "panicking LogValuer and Error are contained",
			f: func(l *slog.Logger) {
				l.Info("m", "v", panicValuer{}, slog.Group("g", "e", (*nilPtrErr)(nil)))
			},
			check: func(t *testing.T, r sdklog.Record) {
				a := attrs(&r)
				if v, _ := a["v"].(string); !strings.Contains(v, "LogValue panicked") {
					t.Errorf("v = %q, want the panic", v)
				}
				if v, _ := a["g"].(map[string]any)["e"].(string); !strings.Contains(v, "!PANIC in Error") {
					t.Errorf("g.e = %q, want !PANIC in Error", v)
				}
			},
		},
		{
			name: "error becomes exception, attribute kept",
			f:    func(l *slog.Logger) { l.Error("m", "err", errors.New("boom")) },
			want: map[string]any{
				"err": "boom", "exception.message": "boom", "exception.type": "*errors.errorString",
				"log.level": "error",
			},
		},
		{
			name: "last error wins, as in otelslog",
			with: func(h *otlpsink.Handler) slog.Handler {
				return h.WithAttrs([]slog.Attr{slog.Any("conn", fs.ErrClosed)})
			},
			f: func(l *slog.Logger) { l.Error("m", "cause", typedErr{}) },
			want: map[string]any{
				"conn": "file already closed", "cause": "typed", "exception.message": "typed",
				"exception.type": "my.Type", "log.level": "error",
			},
		},
		{
			name: "handler error alone",
			with: func(h *otlpsink.Handler) slog.Handler {
				return h.WithGroup("g").WithAttrs([]slog.Attr{slog.Any("conn", fmt.Errorf("dial: %w", fs.ErrClosed))})
			},
			f: func(l *slog.Logger) { l.Error("m") },
			want: map[string]any{
				"g": map[string]any{"conn": "dial: file already closed"}, "exception.message": "dial: file already closed",
				"exception.type": "*errors.errorString", "log.level": "error",
			},
		},
		{
			name: "caller's exception attributes are kept",
			f: func(l *slog.Logger) {
				l.Error("m", "exception.type", "Mine", "err", errors.New("boom"))
			},
			want: map[string]any{
				"exception.type": "Mine", "err": "boom", "exception.message": "boom", "log.level": "error",
			},
		},
		{
			name: "duplicate keys: first position, last value",
			with: func(h *otlpsink.Handler) slog.Handler {
				return h.WithAttrs([]slog.Attr{slog.Int("a", 1), slog.Int("b", 1), slog.Int("a", 2)})
			},
			f: func(l *slog.Logger) {
				l.Info("m", "b", 2, "c", 1, "c", 2, "log.level", "forged", slog.Group("g", "x", 1, "x", 2))
			},
			want: map[string]any{
				"a": int64(2), "b": int64(2), "c": int64(2), "g": map[string]any{"x": int64(2)},
				"log.level": "info",
			},
			check: func(t *testing.T, r sdklog.Record) {
				if got, want := keys(&r), []string{"log.level", "a", "b", "c", "g"}; !reflect.DeepEqual(got, want) {
					t.Errorf("keys = %q, want %q", got, want)
				}
			},
		},
		{
			name: "many unique keys",
			f: func(l *slog.Logger) {
				var args []any
				for i := range 40 {
					args = append(args, fmt.Sprintf("k%02d", i), i)
				}
				args = append(args, "k00", "last")
				l.Info("m", args...)
			},
			check: func(t *testing.T, r sdklog.Record) {
				a := attrs(&r)
				if len(a) != 41 || a["k00"] != "last" || a["k39"] != int64(39) {
					t.Errorf("got %d attributes, k00=%v k39=%v", len(a), a["k00"], a["k39"])
				}
				if ks := keys(&r); ks[0] != "log.level" || ks[1] != "k00" {
					t.Errorf("first keys %q, want log.level, k00 (first position kept)", ks[:2])
				}
			},
		},
		{
			name: "ours survive the attribute count limit",
			with: func(h *otlpsink.Handler) slog.Handler { return h.WithLogger("l", "cat") },
			f: func(l *slog.Logger) {
				var args []any
				for i := range 300 {
					args = append(args, fmt.Sprint("k", i), i)
				}
				l.Info("m", args...)
			},
			check: func(t *testing.T, r sdklog.Record) {
				a := attrs(&r)
				if a["log.level"] != "info" || a["log.category"] != "cat" || r.DroppedAttributes() == 0 {
					t.Errorf("level %v category %v dropped %d; want ours kept, the caller's overflow dropped",
						a["log.level"], a["log.category"], r.DroppedAttributes())
				}
			},
		},
		{
			name: "empty key and empty attr dropped",
			f:    func(l *slog.Logger) { l.Info("m", slog.Attr{}, slog.Int("", 3), "ok", 1) },
			want: map[string]any{"ok": int64(1), "log.level": "info"},
		},
		{
			name: "markup in values is data",
			f:    func(l *slog.Logger) { l.Info("m", "v", "[bold]x[/]") },
			want: map[string]any{"v": "[bold]x[/]", "log.level": "info"},
		},
		{
			name: "category",
			with: func(h *otlpsink.Handler) slog.Handler {
				early := h.WithAttrs([]slog.Attr{slog.String("log.category", "early"), slog.String("log.level", "x")})
				return early.(*otlpsink.Handler).WithLogger("shop/cart", "core").
					WithAttrs([]slog.Attr{slog.String("log.category", "late")})
			},
			f:    func(l *slog.Logger) { l.Warn("m", "log.category", "forged") },
			want: map[string]any{"log.category": "core", "log.level": "warn"},
			check: func(t *testing.T, r sdklog.Record) {
				if got := r.InstrumentationScope().Name; got != "shop/cart" {
					t.Errorf("scope %q, want shop/cart", got)
				}
			},
		},
		{
			name: "default scope, no category",
			f:    func(l *slog.Logger) { l.Info("m") },
			want: map[string]any{"log.level": "info"},
			check: func(t *testing.T, r sdklog.Record) {
				if got := r.InstrumentationScope().Name; got != otlpsink.DefaultScopeName {
					t.Errorf("scope %q, want %q", got, otlpsink.DefaultScopeName)
				}
			},
		},
		{
			name: "critical",
			f:    func(l *slog.Logger) { l.Log(context.Background(), vocab.LevelCritical, "m") },
			want: map[string]any{"log.level": "critical"},
			check: func(t *testing.T, r sdklog.Record) {
				if r.Severity() != log.SeverityFatal || r.SeverityText() != "CRITICAL" {
					t.Errorf("severity %v %q", r.Severity(), r.SeverityText())
				}
			},
		},
		{
			name: "source",
			opts: &otlpsink.Options{AddSource: true},
			f:    func(l *slog.Logger) { l.Info("m") },
			check: func(t *testing.T, r sdklog.Record) {
				a := attrs(&r)
				if f, _ := a["code.file.path"].(string); !strings.HasSuffix(f, "handler_test.go") {
					t.Errorf("code.file.path = %q", f)
				}
				if f, _ := a["code.function.name"].(string); !strings.Contains(f, "TestHandlerAttributes") {
					t.Errorf("code.function.name = %q", f)
				}
				if l, _ := a["code.line.number"].(int64); l <= 0 {
					t.Errorf("code.line.number = %v", a["code.line.number"])
				}
			},
		},
		{
			name: "ReplaceAttr",
			opts: &otlpsink.Options{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				switch {
				case a.Key == "password":
					return slog.Attr{}
				case a.Key == "x":
					return slog.String(strings.Join(groups, ".")+".x", a.Value.String())
				}
				return a
			}},
			with: func(h *otlpsink.Handler) slog.Handler { return h.WithGroup("g") },
			f: func(l *slog.Logger) {
				l.Info("m", "password", "p", "x", 1, slog.Group("h", "x", 2), "tok", token("t"))
			},
			want: map[string]any{
				"g":         map[string]any{"g.x": "1", "h": map[string]any{"g.h.x": "2"}, "tok": "***"},
				"log.level": "info",
			},
		},
	}
	for _, tt := range tests {
		for _, s := range sinks(t, tt.opts) {
			t.Run(tt.name+"/"+s.name, func(t *testing.T) {
				var h slog.Handler = s.h
				if tt.with != nil {
					h = tt.with(s.h)
				}
				r := logOne(t, s, h, tt.f)
				if tt.want != nil {
					if got := attrs(&r); !reflect.DeepEqual(got, tt.want) {
						t.Errorf("attributes\n got %#v\nwant %#v", got, tt.want)
					}
				}
				if tt.check != nil {
					tt.check(t, r)
				}
			})
		}
	}
}

// TestHandlerRecordFields checks the fields an OTLP record carries natively.
func TestHandlerRecordFields(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, span := tp.Tracer("t").Start(context.Background(), "op")
	defer span.End()
	sc := span.SpanContext()

	levels := []struct {
		level slog.Level
		sev   log.Severity
		text  string
	}{
		{slog.LevelDebug - 8, log.SeverityTrace1, "DEBUG-8"},
		{slog.LevelDebug, log.SeverityDebug, "DEBUG"},
		{slog.LevelInfo, log.SeverityInfo, "INFO"},
		{slog.LevelInfo + 2, log.SeverityInfo3, "INFO+2"},
		{slog.LevelWarn, log.SeverityWarn, "WARNING"},
		{slog.LevelError, log.SeverityError, "ERROR"},
		{vocab.LevelCritical, log.SeverityFatal, "CRITICAL"},
		{vocab.LevelCritical + 20, log.SeverityFatal4, "CRITICAL+20"},
	}
	msg := "[bold red]failed[/] after [dim]3[/dim] tries [admin] :x:"
	for _, s := range sinks(t, &otlpsink.Options{Level: slog.Level(-100)}) {
		for _, lv := range levels {
			t.Run(s.name+"/"+lv.text, func(t *testing.T) {
				before := time.Now()
				r := logOne(t, s, s.h, func(l *slog.Logger) { l.Log(ctx, lv.level, msg) })
				if r.Severity() != lv.sev || r.SeverityText() != lv.text {
					t.Errorf("severity %v %q, want %v %q", r.Severity(), r.SeverityText(), lv.sev, lv.text)
				}
				if got := attrs(&r)["log.level"]; got != vocab.LevelKey(lv.level) {
					t.Errorf("log.level %v, want %q", got, vocab.LevelKey(lv.level))
				}
				if got, want := r.Body().AsString(), "failed after 3 tries [admin] \u274c"; got != want || got != markup.Strip(msg) {
					t.Errorf("body %q, want %q", got, want)
				}
				if r.TraceID() != sc.TraceID() || r.SpanID() != sc.SpanID() || r.TraceFlags() != sc.TraceFlags() {
					t.Errorf("trace %v/%v/%v, want %v/%v/%v", r.TraceID(), r.SpanID(), r.TraceFlags(),
						sc.TraceID(), sc.SpanID(), sc.TraceFlags())
				}
				if r.Timestamp().Before(before) || r.ObservedTimestamp().Before(r.Timestamp()) {
					t.Errorf("timestamp %v observed %v, logged after %v", r.Timestamp(), r.ObservedTimestamp(), before)
				}
			})
		}
	}
}

// TestHandlerNoSpan checks that a record logged without a span has no trace context.
func TestHandlerNoSpan(t *testing.T) {
	for _, s := range sinks(t, nil) {
		r := logOne(t, s, s.h, func(l *slog.Logger) { l.Info("m") })
		if r.TraceID().IsValid() || r.SpanID().IsValid() {
			t.Errorf("%s: trace %v span %v, want none", s.name, r.TraceID(), r.SpanID())
		}
		var nilCtx context.Context
		r = logOne(t, s, s.h, func(l *slog.Logger) { l.InfoContext(nilCtx, "m") }) // a nil ctx must not panic
		if r.TraceID().IsValid() {
			t.Errorf("%s: trace with nil ctx", s.name)
		}
	}
}

// TestFastPathMatchesSDK checks that the fast path builds the record the SDK's Logger.Emit
// builds, field by field: same resource, scope, limits, attributes.
func TestFastPathMatchesSDK(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(rec),
		otlpsink.WithProcessorOptions(otlpsink.WithScheduleDelay(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown(ctx) }()
	// The same provider, but a handler that does not know it: wrapped, it takes the SDK path.
	wrapped := struct{ log.LoggerProvider }{p.Provider()}
	pairs := [][2]slog.Handler{
		{otlpsink.NewHandler(p.Provider(), nil).WithLogger("cmp", "c"), otlpsink.NewHandler(wrapped, nil).WithLogger("cmp", "c")},
		{otlpsink.NewHandler(p.Provider(), nil), otlpsink.NewHandler(wrapped, nil)},
	}

	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(ctx) }()
	sctx, span := tp.Tracer("t").Start(ctx, "op")
	defer span.End()
	for _, level := range []slog.Level{slog.LevelWarn, slog.LevelInfo + 2, vocab.LevelCritical} {
		for _, pair := range pairs {
			rec.reset()
			r := slog.NewRecord(time.Now(), level, "msg", 0)
			r.AddAttrs(slog.String("a", "b"), slog.Any("err", errors.New("x")), slog.Group("g", "k", 1),
				slog.Int("n1", 1), slog.Int("n2", 2), slog.Int("n3", 3))
			for _, h := range pair {
				if err := h.Handle(sctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.ForceFlush(ctx); err != nil {
				t.Fatal(err)
			}
			got := rec.records()
			if len(got) != 2 {
				t.Fatalf("got %d records, want 2", len(got))
			}
			if a, b := got[0], got[1]; !reflect.DeepEqual(a, b) {
				t.Errorf("level %v: fast path record differs from the SDK's:\nfast %+v\n sdk %+v", level, a, b)
			}
		}
	}
}

// TestHandlerMatchesSDKErrors checks exception.type and exception.message against the SDK's
// own derivation from log.Record.SetErr (what otelslog calls for an error-valued attribute)
// for several kinds of error.
func TestHandlerMatchesSDKErrors(t *testing.T) {
	ctx := context.Background()
	errs := []error{
		errors.New("plain"), fmt.Errorf("wrapped: %w", fs.ErrNotExist), fmt.Errorf("two: %w %w", fs.ErrClosed, fs.ErrExist),
		typedErr{}, &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}, context.DeadlineExceeded,
		fmt.Errorf("nil inside: %w", nil),
	}
	refRec := &recorder{}
	ref := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(refRec)))
	defer func() { _ = ref.Shutdown(ctx) }()
	refLogger := ref.Logger("ref")
	for _, s := range sinks(t, nil) {
		for _, e := range errs {
			refRec.reset()
			var r log.Record
			r.SetErr(e)
			refLogger.Emit(ctx, r)
			want := attrs(&refRec.records()[0])
			got := attrs(new(logOne(t, s, s.h, func(l *slog.Logger) { l.Error("m", "err", e) })))
			for _, k := range []string{"exception.message", "exception.type"} {
				if got[k] != want[k] {
					t.Errorf("%s: %T %v: %s = %q, the SDK derives %q", s.name, e, e, k, got[k], want[k])
				}
			}
		}
	}
}

func TestSlogtest(t *testing.T) {
	for _, s := range sinks(t, nil) {
		t.Run(s.name, func(t *testing.T) {
			slogtest.Run(t, func(*testing.T) slog.Handler {
				s.rec.reset()
				return s.h
			}, func(t *testing.T) map[string]any {
				s.flush()
				recs := s.rec.records()
				if len(recs) != 1 {
					t.Fatalf("got %d records, want 1", len(recs))
				}
				r := recs[0]
				m := attrs(&r)
				delete(m, "log.level")
				if !r.Timestamp().IsZero() {
					m[slog.TimeKey] = r.Timestamp()
				}
				m[slog.LevelKey] = r.SeverityText()
				m[slog.MessageKey] = r.Body().AsString()
				return m
			})
		})
	}
}

// TestHandlerEnabled checks the level and a provider that is off.
func TestHandlerEnabled(t *testing.T) {
	ctx := context.Background()
	lv := new(slog.LevelVar)
	lv.Set(slog.LevelWarn)
	for _, s := range sinks(t, &otlpsink.Options{Level: lv}) {
		if s.h.Enabled(ctx, slog.LevelInfo) || !s.h.Enabled(ctx, slog.LevelWarn) {
			t.Errorf("%s: Enabled does not follow the level", s.name)
		}
	}
	if h := otlpsink.NewHandler(sdklog.NewLoggerProvider(), nil); h.Enabled(ctx, slog.LevelError) {
		t.Error("enabled on a provider without processors")
	}
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(&recorder{}))
	if err != nil {
		t.Fatal(err)
	}
	h := otlpsink.NewHandler(p.Provider(), nil)
	if !h.Enabled(ctx, slog.LevelInfo) {
		t.Error("not enabled on a running pipeline")
	}
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if !h.Enabled(ctx, slog.LevelError) {
		t.Error("not enabled after Shutdown: a record logged then would be in no counter")
	}
	_ = h.Handle(ctx, slog.NewRecord(time.Now(), slog.LevelError, "late", 0))
	if st := p.Stats(); st.DroppedShutdown != 1 || st.Undelivered() != 1 {
		t.Errorf("a record after Shutdown: %+v, want it counted as DroppedShutdown", st)
	}
}

// TestHandlerPanickingReplaceAttr checks that a panic in ReplaceAttr is shown as the
// attribute's value and the record is still emitted, as the console and the file sink do.
// (Handle returning the panic as an error lost the record: slog.Logger ignores that error.)
func TestHandlerPanickingReplaceAttr(t *testing.T) {
	rep := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "a" {
			panic("rep")
		}
		return a
	}
	for _, s := range sinks(t, &otlpsink.Options{ReplaceAttr: rep}) {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
		r.AddAttrs(slog.Int("a", 1), slog.Int("b", 2))
		if err := s.h.Handle(context.Background(), r); err != nil {
			t.Errorf("%s: err = %v", s.name, err)
		}
		s.flush()
		recs := s.rec.records()
		if len(recs) != 1 {
			t.Fatalf("%s: %d records, want 1", s.name, len(recs))
		}
		got := attrs(&recs[0])
		if got["a"] != "!PANIC: rep" || got["b"] != int64(2) {
			t.Errorf("%s: attributes %v, want a=!PANIC: rep b=2", s.name, got)
		}
	}
}

// TestHandlerConcurrent shares one record and cloned handlers between goroutines (run with
// -race): the handler must neither modify nor retain the record, nor share state unsafely.
func TestHandlerConcurrent(t *testing.T) {
	for _, s := range sinks(t, nil) {
		base := s.h.WithAttrs([]slog.Attr{slog.String("base", "b")}).WithGroup("g")
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "shared", 0)
		r.AddAttrs(slog.Int("a", 1), slog.Any("err", errors.New("e")), slog.Group("grp", "x", 1))
		const goroutines, each = 8, 200
		var wg sync.WaitGroup
		for i := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := base.(*otlpsink.Handler).WithLogger(fmt.Sprint("l", i%3), "c").WithAttrs([]slog.Attr{slog.Int("i", i)})
				for range each {
					if err := h.Handle(context.Background(), r); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		s.flush()
		recs := s.rec.records()
		if len(recs) != goroutines*each {
			t.Errorf("%s: %d records, want %d", s.name, len(recs), goroutines*each)
		}
		for _, rec := range recs {
			g, _ := attrs(&rec)["g"].(map[string]any)
			if g["a"] != int64(1) || g["i"] == nil || attrs(&rec)["base"] != "b" {
				t.Fatalf("%s: bad record %v", s.name, attrs(&rec))
			}
		}
		if r.NumAttrs() != 3 {
			t.Errorf("record modified: %d attrs", r.NumAttrs())
		}
	}
}

// TestHandlerZeroTime: a record without a time has no timestamp, and is observed now.
func TestHandlerZeroTime(t *testing.T) {
	for _, s := range sinks(t, nil) {
		before := time.Now()
		r := logOne(t, s, s.h, func(l *slog.Logger) {
			_ = l.Handler().Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "timeless", 0))
		})
		if !r.Timestamp().IsZero() || r.ObservedTimestamp().Before(before) {
			t.Errorf("%s: timestamp %v observed %v, want none and now", s.name, r.Timestamp(), r.ObservedTimestamp())
		}
	}
}
