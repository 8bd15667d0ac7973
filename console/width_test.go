package console

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/clipperhouse/displaywidth"
)

// TestWidthTable renders the records of widthCases at 40, 46, 48, 50, 60 and 80 columns:
// the message at one column (22, or 2 on its own lines below 46), the right-hand text beside
// the first line when there is room and after the body when not, words split only when
// wider than the column, error chains one node per error, and no line past the width.
func TestWidthTable(t *testing.T) {
	for _, c := range widthTable {
		var wc *widthCase
		for i := range widthCases {
			if widthCases[i].name == c.name {
				wc = &widthCases[i]
			}
		}
		t.Run(c.name+"/"+itoa(c.width), func(t *testing.T) {
			var buf bytes.Buffer
			o := &Options{Width: c.width, Env: noColorEnv}
			if wc.source {
				o.AddSource, o.ReplaceAttr = true, fixedSource
			}
			wc.f(slog.New(fixedTime{NewHandler(&buf, o)}))
			got := buf.String()
			for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if w := displaywidth.String(line); w > c.width {
					t.Errorf("line %d columns wide: %q", w, line)
				}
			}
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

var widthTable = []struct {
	name  string
	width int
	want  string
}{
	{"quickstart record", 40, `14:05:06.789 INFO     …quickstart.engine
  engine ready on device cuda:0
  batch_size=32 dtype=bf16
`},
	{"quickstart record", 46, `14:05:06.789 INFO     engine ready on device
                      cuda:0 batch_size=32
                      dtype=bf16
                      core quickstart.engine
`},
	{"quickstart record", 48, `14:05:06.789 INFO     engine ready on device
                      cuda:0 batch_size=32
                      dtype=bf16
                      core quickstart.engine
`},
	{"quickstart record", 50, `14:05:06.789 INFO     engine ready on device
                      cuda:0 batch_size=32
                      dtype=bf16
                      core quickstart.engine
`},
	{"quickstart record", 60, `14:05:06.789 INFO     engine ready on device cuda:0
                      batch_size=32 dtype=bf16
                      core quickstart.engine
`},
	{"quickstart record", 80, `14:05:06.789 INFO     engine ready on device cuda:0       core quickstart.engine
                      batch_size=32 dtype=bf16
`},
	// The combining accent joins the space before it (no column more), U+FE0F makes it two.
	{"names starting with a joiner", 80, "14:05:06.789 INFO     ready n=1" + strings.Repeat(" ", 37) + "\u0301core \ufe0fengine\n"},
	{"names starting with a joiner", 40, "14:05:06.789 INFO" + strings.Repeat(" ", 11) + "\u0301core \ufe0fengine\n  ready n=1\n"},
	{"with source", 40, `14:05:06.789 INFO     app/server.go:228
  engine ready on device cuda:0
  batch_size=32 dtype=bf16
`},
	{"with source", 46, `14:05:06.789 INFO     engine ready on device
                      cuda:0 batch_size=32
                      dtype=bf16
                      …ngine app/server.go:228
`},
	{"with source", 48, `14:05:06.789 INFO     engine ready on device
                      cuda:0 batch_size=32
                      dtype=bf16
                      ….engine app/server.go:228
`},
	{"with source", 50, `14:05:06.789 INFO     engine ready on device
                      cuda:0 batch_size=32
                      dtype=bf16
                      …rt.engine app/server.go:228
`},
	{"with source", 60, `14:05:06.789 INFO     engine ready on device cuda:0
                      batch_size=32 dtype=bf16
                      …e quickstart.engine app/server.go:228
`},
	{"with source", 80, `14:05:06.789 INFO     engine ready on device cuda:0  …t.engine app/server.go:228
                      batch_size=32 dtype=bf16
`},
	{"long logger name and URL", 40, `14:05:06.789 WARNING  …ts.reconciliation
  slow upstream, see
  https://status.example.com/incidents/2
  024-03-09/payments-api for details
  waited=1.5s
`},
	{"long logger name and URL", 46, `14:05:06.789 WARNING  slow upstream, see
                      https://status.example.c
                      om/incidents/2024-03-09/
                      payments-api for details
                      waited=1.5s
                      …payments.reconciliation
`},
	{"long logger name and URL", 48, `14:05:06.789 WARNING  slow upstream, see
                      https://status.example.com
                      /incidents/2024-03-09/paym
                      ents-api for details
                      waited=1.5s
                      …r payments.reconciliation
`},
	{"long logger name and URL", 50, `14:05:06.789 WARNING  slow upstream, see
                      https://status.example.com/i
                      ncidents/2024-03-09/payments
                      -api for details waited=1.5s
                      …ger payments.reconciliation
`},
	{"long logger name and URL", 60, `14:05:06.789 WARNING  slow upstream, see
                      https://status.example.com/incidents/2
                      024-03-09/payments-api for details
                      waited=1.5s
                      …lling::ledger payments.reconciliation
`},
	{"long logger name and URL", 80, `14:05:06.789 WARNING  slow upstream, see             …er payments.reconciliation
                      https://status.example.com/incidents/2024-03-09/payments-a
                      pi for details waited=1.5s
`},
	{"long logger name with source", 40, `14:05:06.789 INFO     app/server.go:228
  request served status=200
`},
	{"long logger name with source", 46, `14:05:06.789 INFO     request served
                      status=200
                      …ation app/server.go:228
`},
	{"long logger name with source", 48, `14:05:06.789 INFO     request served status=200
                      …liation app/server.go:228
`},
	{"long logger name with source", 50, `14:05:06.789 INFO     request served status=200
                      …ciliation app/server.go:228
`},
	{"long logger name with source", 60, `14:05:06.789 INFO     request served status=200
                      …ents.reconciliation app/server.go:228
`},
	{"long logger name with source", 80, `14:05:06.789 INFO     request served status=200      …iliation app/server.go:228
`},
	{"error tree", 40, `14:05:06.789 ERROR    …r quickstart.http
  upstream unavailable error="fetch
  quota: call billing: dial tcp
  10.0.0.9:443: connect: connection
  refused"
  error: fetch quota
         └─ call billing
            └─ dial tcp 10.0.0.9:443:
               connect: connection
               refused
`},
	{"error tree", 46, `14:05:06.789 ERROR    upstream unavailable
                      error="fetch quota: call
                      billing: dial tcp
                      10.0.0.9:443: connect:
                      connection refused"
                      server quickstart.http
                      error: fetch quota
                             └─ call billing
                                └─ dial tcp
                                   10.0.0.9:44
                                   3: connect:
                                   connection
                                   refused
`},
	{"error tree", 48, `14:05:06.789 ERROR    upstream unavailable
                      error="fetch quota: call
                      billing: dial tcp
                      10.0.0.9:443: connect:
                      connection refused"
                      server quickstart.http
                      error: fetch quota
                             └─ call billing
                                └─ dial tcp
                                   10.0.0.9:443:
                                   connect:
                                   connection
                                   refused
`},
	{"error tree", 50, `14:05:06.789 ERROR    upstream unavailable
                      error="fetch quota: call
                      billing: dial tcp
                      10.0.0.9:443: connect:
                      connection refused"
                      server quickstart.http
                      error: fetch quota
                             └─ call billing
                                └─ dial tcp
                                   10.0.0.9:443:
                                   connect:
                                   connection
                                   refused
`},
	{"error tree", 60, `14:05:06.789 ERROR    upstream unavailable error="fetch
                      quota: call billing: dial tcp
                      10.0.0.9:443: connect: connection
                      refused"  server quickstart.http
                      error: fetch quota
                             └─ call billing
                                └─ dial tcp 10.0.0.9:443:
                                   connect: connection
                                   refused
`},
	{"error tree", 80, `14:05:06.789 ERROR    upstream unavailable error="fetch   server quickstart.http
                      quota: call billing: dial tcp 10.0.0.9:443: connect:
                      connection refused"
                      error: fetch quota
                             └─ call billing
                                └─ dial tcp 10.0.0.9:443: connect: connection
                                   refused
`},
	{"joined errors", 40, `14:05:06.789 ERROR    …r quickstart.http
  upstream unavailable error="dial tcp
  10.0.0.9:443: connection
  refused\nretry budget exhausted"
  error: ├─ dial tcp 10.0.0.9:443:
         │  connection refused
         └─ retry budget exhausted
`},
	{"joined errors", 46, `14:05:06.789 ERROR    upstream unavailable
                      error="dial tcp
                      10.0.0.9:443: connection
                      refused\nretry budget
                      exhausted"
                      server quickstart.http
                      error: ├─ dial tcp
                             │  10.0.0.9:443:
                             │  connection
                             │  refused
                             └─ retry budget
                                exhausted
`},
	{"joined errors", 48, `14:05:06.789 ERROR    upstream unavailable
                      error="dial tcp
                      10.0.0.9:443: connection
                      refused\nretry budget
                      exhausted"
                      server quickstart.http
                      error: ├─ dial tcp
                             │  10.0.0.9:443:
                             │  connection
                             │  refused
                             └─ retry budget
                                exhausted
`},
	{"joined errors", 50, `14:05:06.789 ERROR    upstream unavailable
                      error="dial tcp
                      10.0.0.9:443: connection
                      refused\nretry budget
                      exhausted"
                      server quickstart.http
                      error: ├─ dial tcp
                             │  10.0.0.9:443:
                             │  connection refused
                             └─ retry budget
                                exhausted
`},
	{"joined errors", 60, `14:05:06.789 ERROR    upstream unavailable error="dial tcp
                      10.0.0.9:443: connection
                      refused\nretry budget exhausted"
                      server quickstart.http
                      error: ├─ dial tcp 10.0.0.9:443:
                             │  connection refused
                             └─ retry budget exhausted
`},
	{"joined errors", 80, `14:05:06.789 ERROR    upstream unavailable error="dial    server quickstart.http
                      tcp 10.0.0.9:443: connection refused\nretry budget
                      exhausted"
                      error: ├─ dial tcp 10.0.0.9:443: connection refused
                             └─ retry budget exhausted
`},
}
