package reliability

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/internal/testkit"
)

// TestShutdownSummary: after some records were delivered, Shutdown's one summary line on the
// console accounts for the rest by their fate: refused by the backend (failed_refused), or sent
// and left unanswered at the deadline (outcome_unknown, not counted as undelivered, and then
// said as such rather than as a loss).
func TestShutdownSummary(t *testing.T) {
	const delivered, after = 10, 20
	col := collectortest.Start(t)
	cases := []struct {
		name  string
		fault fault
		level string
		msg   string
		want  []string
	}{
		{"refused", fault{httpStatus: 401, grpcCode: codes.Unauthenticated, message: "who-are-you"},
			"ERROR", "OTLP records not delivered ", []string{"undelivered=20 ", "emitted=30 ", "exported=10 ", "failed_refused=20 ", "failed_export=0 "}},
		{"unanswered", fault{hold: true},
			"WARNING", "OTLP export unanswered at shutdown: 20 log records sent, arrival unknown ", []string{"undelivered=0 ", "emitted=30 ", "exported=10 ", "failed_refused=0 ", "outcome_unknown=20 "}},
	}
	for _, c := range cases {
		for _, proto := range deliveryProtocols {
			t.Run(c.name+"/"+proto, func(t *testing.T) {
				px := startOTLPProxy(t, col, func(call, _, _ int) fault {
					if call == 0 {
						return pass
					}
					return c.fault
				})
				clearEnv(t, map[string]string{
					"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
					"OTEL_EXPORTER_OTLP_ENDPOINT": px.endpoint(proto),
					"OTEL_SERVICE_NAME":           "summary",
					"OTEL_BLRP_SCHEDULE_DELAY":    "50",
				})
				var con testkit.SyncBuffer
				lb := setupReporting(t, &con)
				l := lb.MustLogger("svc.summary", "core")
				for i := range delivered {
					l.Info("served request", "seq", i)
				}
				if !waitFor(time.Minute, func() bool { return lb.Stats().OTLP.Exported == delivered }) {
					t.Fatalf("the first %d records were not exported: %+v", delivered, lb.Stats().OTLP)
				}
				for i := delivered; i < delivered+after; i++ {
					l.Info("served request", "seq", i)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				_ = lb.Shutdown(ctx)
				line := ""
				for l := range strings.SplitSeq(con.String(), "\n") {
					if strings.Contains(l, c.msg) || strings.Contains(l, "OTLP records not delivered") {
						if line != "" {
							t.Errorf("a second summary line: %q", l)
						}
						line = l + " "
					}
				}
				if line == "" {
					t.Fatalf("no summary line on the console:\n%s", tail(con.String()))
				}
				for _, w := range append(c.want, c.level+" ", c.msg) {
					if !strings.Contains(line, w) {
						t.Errorf("summary %q lacks %q", line, w)
					}
				}
			})
		}
	}
}
