package otellog

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/baggage"

	"github.com/logbridge/logbridge/internal/collectortest"
)

type requestKey struct{}

// otherKey is a context key WithContextAttrs functions do not look for.
type otherKey struct{}

// requestAttrs is the pattern WithContextAttrs documents: the attributes are made once per
// request and kept in the context, so taking them costs no allocation per record.
func requestAttrs(ctx context.Context) []slog.Attr {
	attrs, _ := ctx.Value(requestKey{}).([]slog.Attr)
	return attrs
}

func withBaggage(t *testing.T, ctx context.Context, kv ...string) context.Context {
	t.Helper()
	var members []baggage.Member
	for i := 0; i < len(kv); i += 2 {
		m, err := baggage.NewMemberRaw(kv[i], kv[i+1])
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
	}
	b, err := baggage.New(members...)
	if err != nil {
		t.Fatal(err)
	}
	return baggage.ContextWithBaggage(ctx, b)
}

// TestContextAttrsOnEverySink: attributes from WithContextAttrs and the allowed baggage keys
// (and only those) are on the record in the console, the file and at the real collector.
func TestContextAttrsOnEverySink(t *testing.T) {
	c := collectortest.Start(t)
	path := filepath.Join(t.TempDir(), "app.log")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", c.HTTPEndpoint())
	t.Setenv("TEST_LOG_FILE", path)
	t.Setenv("TEST_LOG_BAGGAGE", " tenant , user.id ")
	b, console := setup(t, WithContextAttrs(requestAttrs), WithInstallDefault(false))

	ctx := context.WithValue(context.Background(), requestKey{}, []slog.Attr{slog.String("request_id", "req-7")})
	ctx = withBaggage(t, ctx, "tenant", "acme", "user.id", "u42", "session", "s3cr3t")
	l := b.MustLogger("app", "core")
	l.InfoContext(ctx, "with context")
	l.Info("without context")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := b.Shutdown(shutdownCtx); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []struct{ name, text string }{{"console", console.String()}, {"file", string(data)}} {
		var with, without string
		for line := range strings.SplitSeq(out.text, "\n") {
			switch {
			case strings.Contains(line, "with context"):
				with = line
			case strings.Contains(line, "without context"):
				without = line
			}
		}
		for _, want := range []string{"request_id=req-7", "tenant=acme", "user.id=u42"} {
			if !strings.Contains(with, want) {
				t.Errorf("%s: %q lacks %s", out.name, with, want)
			}
		}
		if strings.Contains(with, "s3cr3t") || strings.Contains(without, "req-7") || strings.Contains(without, "acme") {
			t.Errorf("%s: baggage not allowed, or attributes without a context:\n%s\n%s", out.name, with, without)
		}
	}
	recs := c.WaitLogs(t, 2, time.Minute)
	for _, r := range recs {
		switch r.Body {
		case "with context":
			if r.Attributes["request_id"] != "req-7" || r.Attributes["tenant"] != "acme" || r.Attributes["user.id"] != "u42" {
				t.Errorf("OTLP attributes %v, want request_id, tenant and user.id", r.Attributes)
			}
			if _, ok := r.Attributes["session"]; ok {
				t.Errorf("OTLP: baggage member not allowed was sent: %v", r.Attributes)
			}
		case "without context":
			if _, ok := r.Attributes["request_id"]; ok {
				t.Errorf("OTLP: context attribute without a context: %v", r.Attributes)
			}
		}
	}
}

func TestContextAttrsPanicContained(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	b, console := setup(t, WithInstallDefault(false), WithContextAttrs(func(context.Context) []slog.Attr { panic("bad extractor") }))
	b.MustLogger("app", "core").InfoContext(context.WithValue(context.Background(), requestKey{}, 1), "still logged")
	if out := console.String(); !strings.Contains(out, "still logged") || !strings.Contains(out, "bad extractor") {
		t.Errorf("console:\n%s", out)
	}
}

// TestContextAttrsAllocs: taking attributes from a context costs no allocation when nothing
// is found (no value in the context, baggage without an allowed key).
func TestContextAttrsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations differ under -race")
	}
	ctx := withBaggage(t, context.WithValue(context.Background(), otherKey{}, 1), "session", "s")
	c := newContextAttrs([]func(context.Context) []slog.Attr{requestAttrs}, []string{"tenant", "user.id"})
	var r slog.Record
	if n := testing.AllocsPerRun(100, func() {
		r = slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)
		c.add(ctx, &r)
	}); n != 0 || r.NumAttrs() != 0 {
		t.Errorf("%v allocations, %d attributes; want none", n, r.NumAttrs())
	}
}
