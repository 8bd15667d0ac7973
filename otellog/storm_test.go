package otellog

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logbridge/logbridge/config"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// stormCore is a core with two JSON sinks, storm control on the fake clock, and rates set.
func stormCore(t *testing.T, clock *fakeClock, interval time.Duration, rates string) (*core, *buffer, *buffer) {
	t.Helper()
	a, b := &buffer{}, &buffer{}
	c := testCore(t, "all=debug", jsonSink("a", a, slog.LevelDebug, true), jsonSink("b", b, slog.LevelDebug, false))
	c.storm.clock, c.storm.interval = clock.now, interval
	parsed, diags := config.ParseRates(rates, "test")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if diags := c.storm.layer(c.reg, parsed, "test"); len(diags) > 0 {
		t.Fatal(diags)
	}
	return c, a, b
}

// summaryCount returns the "suppressed" count of a summary record, or -1 if rec is none.
func summaryCount(t *testing.T, rec map[string]any) int {
	t.Helper()
	msg, _ := rec["msg"].(string)
	if !strings.HasPrefix(msg, "suppressed ") {
		return -1
	}
	n, ok := rec["suppressed"].(float64)
	if !ok {
		t.Fatalf("summary without a count: %v", rec)
	}
	return int(n)
}

// TestStorm: 100,000 identical errors in one second with a limit of 10/s. The sinks receive
// the burst allowance and what the rate refills, plus summaries; delivered + summed up ==
// logged, exactly, and equals Stats; a distinct record in the middle is never suppressed.
func TestStorm(t *testing.T) {
	const (
		total    = 100_000
		step     = 10 * time.Microsecond // total * step = 1 s
		interval = 250 * time.Millisecond
	)
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c, a, b := stormCore(t, clock, interval, "core=10/s")
	log := mustLogger(t, c, "db", "core")
	other := mustLogger(t, c, "disk", "server") // no rate: never limited
	for i := range total {
		log.Error("connection refused", "attempt", i)
		if i == total/2 {
			log.Error("disk nearly full", "free_mb", 12)
			log.Warn("connection refused", "attempt", i) // same text, other level: its own template
			other.Error("connection refused", "attempt", i)
		}
		clock.advance(step)
	}
	during := len(a.records(t))
	clock.advance(stormQuiet)
	c.storm.sweep() // the storm passed: its summary
	recs := a.records(t)
	if got := len(b.records(t)); got != len(recs) {
		t.Fatalf("sink b got %d records, sink a %d", got, len(recs))
	}

	var delivered, summed, summaries, distinct, warn, otherCat int
	for _, r := range recs {
		switch n := summaryCount(t, r); {
		case n >= 0:
			summaries++
			summed += n
			if want := fmt.Sprintf("suppressed %s records like: connection refused", groupThousands(uint64(n))); r["msg"] != want || r["level"] != "ERROR" {
				t.Errorf("summary %v, want msg %q at ERROR", r, want)
			}
		case r["msg"] == "disk nearly full":
			distinct++
		case r["logger"] == "disk":
			otherCat++
		case r["level"] == "WARN":
			warn++
		case r["msg"] == "connection refused" && r["logger"] == "db":
			delivered++
		default:
			t.Errorf("unexpected record %v", r)
		}
	}
	if distinct != 1 || warn != 1 || otherCat != 1 {
		t.Errorf("records of other templates or categories: distinct=%d warn=%d other category=%d, want 1 each", distinct, warn, otherCat)
	}
	// The burst (10) plus what 10/s refills in the second the storm lasts (10, give or take one
	// for rounding).
	if delivered < 19 || delivered > 21 {
		t.Errorf("delivered %d of the storm, want the burst of 10 plus about 10", delivered)
	}
	if delivered+summed != total {
		t.Errorf("delivered %d + summarized %d = %d, want %d", delivered, summed, delivered+summed, total)
	}
	t.Logf("%d records of the storm delivered, %d suppressed in %d summaries", delivered, summed, summaries)
	st := c.storm.suppressed()
	if st["core"] != uint64(summed) || len(st) != 1 {
		t.Errorf("Suppressed = %v, want core=%d only", st, summed)
	}
	// One summary per interval while the storm lasts (1 s / 250 ms), and the last as it passes.
	if summaries < 4 || summaries > 5 {
		t.Errorf("%d summaries, want 4 or 5", summaries)
	}
	if during >= len(recs) {
		t.Errorf("no summary when the storm passed (%d records before the sweep, %d after)", during, len(recs))
	}
}

// TestStormOffByDefault: without rates, identical records all pass and nothing is counted.
func TestStormOffByDefault(t *testing.T) {
	a := &buffer{}
	c := testCore(t, "all=debug", jsonSink("a", a, slog.LevelDebug, true))
	log := mustLogger(t, c, "db", "core")
	for range 1000 {
		log.Error("connection refused")
	}
	if got := len(a.records(t)); got != 1000 || c.storm.on.Load() || c.storm.suppressed() != nil {
		t.Errorf("got %d records, on=%v, suppressed=%v; want 1000, off, none", got, c.storm.on.Load(), c.storm.suppressed())
	}
}

// TestStormRates: the settings per category, sub-category fallback, root, "all" and runtime
// changes.
func TestStormRates(t *testing.T) {
	for _, tc := range []struct {
		rates string
		cat   string
		want  int // records of 100 identical ones that pass at one instant
	}{
		{"core=5", "core", 5},
		{"core=5/s:20", "core", 20},
		{"core=5", "core::db", 5},
		{"core=5,core::db=off", "core::db", 100},
		{"core=5", "server", 100},
		{"all=3", "server", 3},
		{"all=3,server=off", "server", 100},
		{"root=2", "", 2},
		{"uncategorized=2", "", 2},
		{"all=3,root=off", "", 100},
	} {
		t.Run(tc.rates+"/"+tc.cat, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(0, 0)}
			c, a, _ := stormCore(t, clock, time.Hour, tc.rates)
			log := mustLogger(t, c, "x", tc.cat)
			for range 100 {
				log.Error("same")
			}
			if got := len(a.records(t)); got != tc.want {
				t.Errorf("%d passed, want %d", got, tc.want)
			}
		})
	}
}

// TestStormSetRates: rates changed at runtime apply at once; the summary of the storm in
// progress is written first; unknown categories are named.
func TestStormSetRates(t *testing.T) {
	t.Setenv("DEMO_LOG_RATE", "core=1/s:2")
	path := filepath.Join(t.TempDir(), "app.log")
	t.Setenv("DEMO_LOG_FILE", path)
	t.Setenv("DEMO_LOG_FORMAT", "json")
	t.Setenv("OTEL_SDK_DISABLED", "true")
	lb, _ := setup(t, WithEnvPrefix("DEMO"))
	if got := lb.Rates(); got != "all=off,core=1/s:2" {
		t.Errorf("Rates() = %q", got)
	}
	log := lb.MustLogger("db", "core")
	for range 50 {
		log.Error("connection refused")
	}
	if err := lb.SetRates("core=off"); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		log.Error("connection refused")
	}
	err := lb.SetRates("nosuch=5,core=fast")
	if err == nil || !strings.Contains(err.Error(), "unknown category nosuch") || !strings.Contains(err.Error(), `"core=fast"`) {
		t.Errorf("SetRates error = %v, want one naming nosuch and core=fast", err)
	}
	suppressed := lb.Stats().Suppressed["core"]
	if err := lb.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var delivered, summed int
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		switch {
		case strings.Contains(line, `"msg":"suppressed `):
			var n int
			if _, err := fmt.Sscanf(line[strings.Index(line, `"suppressed":`):], `"suppressed":%d`, &n); err != nil {
				t.Fatalf("summary %s: %v", line, err)
			}
			summed += n
		case strings.Contains(line, `"msg":"connection refused"`):
			delivered++
		}
	}
	// The first 50: the burst of 2 (and maybe one more, if the loop took a second), the rest
	// suppressed and summed up when the rates changed; the next 50 all pass.
	if delivered < 52 || delivered > 53 || delivered+summed != 100 || uint64(summed) != suppressed {
		t.Errorf("delivered %d, summarized %d, Stats %d; want 52 delivered, 100 in all", delivered, summed, suppressed)
	}
}

// TestRatesFromConfig: the rate spec from YAML, overridden per category by the env var.
func TestRatesFromConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(file, []byte("rate: core=5/s:10,server=1/s\nrate_key: site\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DEMO_LOG_RATE", "server=2/s:4")
	t.Setenv("OTEL_SDK_DISABLED", "true")
	lb, _ := setup(t, WithEnvPrefix("DEMO"), WithConfigFile(file))
	if got, want := lb.Rates(), "all=off,core=5/s:10,server=2/s:4"; got != want || !lb.core.storm.bySite {
		t.Errorf("Rates() = %q (by site %v), want %q by site", got, lb.core.storm.bySite, want)
	}
}

// TestStormKeysBounded: past stormMaxKeys templates in a category, records pass unlimited,
// and buckets that are full again are forgotten by the sweep.
func TestStormKeysBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	c, a, _ := stormCore(t, clock, time.Hour, "core=1/s:1")
	log := mustLogger(t, c, "x", "core")
	for i := range stormMaxKeys + 10 {
		log.Error(fmt.Sprint("msg ", i))
	}
	log.Error("msg 0") // tracked: suppressed
	log.Error(fmt.Sprint("msg ", stormMaxKeys+5))
	log.Error(fmt.Sprint("msg ", stormMaxKeys+5)) // not tracked: passes
	if got, want := len(a.records(t)), stormMaxKeys+12; got != want {
		t.Errorf("%d records, want %d", got, want)
	}
	clock.advance(2 * stormQuiet)
	c.storm.sweep() // writes the summary of "msg 0"
	if got := a.messages(t); got[len(got)-1] != "suppressed 1 record like: msg 0" {
		t.Errorf("last record %q, want the summary of msg 0", got[len(got)-1])
	}
	c.storm.sweep() // every bucket full again: forgotten
	cat := c.storm.category("core")
	cat.mu.Lock()
	n := len(cat.keys)
	cat.mu.Unlock()
	if n != 0 {
		t.Errorf("%d buckets left after the sweep, want 0", n)
	}
}

// TestStormConcurrent: loggers (and clones of them) in several goroutines, the rates changed
// and swept meanwhile: every record is delivered or summed up in exactly one summary, and the
// summaries add up to Stats.
func TestStormConcurrent(t *testing.T) {
	const workers, perWorker = 4, 5000
	a := &buffer{}
	c := testCore(t, "all=debug", jsonSink("a", a, slog.LevelDebug, true))
	c.storm.interval = time.Millisecond
	go c.storm.run()
	if diags := c.storm.layer(c.reg, mustRates(t, "core=1000/s:5"), "test"); len(diags) > 0 {
		t.Fatal(diags)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			log := mustLogger(t, c, "db", "core").With("worker", w)
			for i := range perWorker {
				log.Error("connection refused", "i", i)
			}
		})
	}
	wg.Go(func() {
		for i := range 50 {
			spec := "core=1000/s:5"
			if i%2 == 1 {
				spec = "core=10/s"
			}
			c.storm.layer(c.reg, mustRates(t, spec), "test")
			c.storm.sweep()
		}
	})
	wg.Wait()
	c.storm.close()
	var delivered, summed int
	for _, r := range a.records(t) {
		if n := summaryCount(t, r); n >= 0 {
			summed += n
		} else {
			delivered++
		}
	}
	if delivered+summed != workers*perWorker || uint64(summed) != c.storm.suppressed()["core"] {
		t.Errorf("delivered %d + summarized %d = %d, want %d; Stats %d", delivered, summed, delivered+summed,
			workers*perWorker, c.storm.suppressed()["core"])
	}
}

func mustRates(t *testing.T, spec string) config.RateSettings {
	t.Helper()
	r, diags := config.ParseRates(spec, "test")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return r
}

// TestStormCheckAllocs: storm control on, not triggered, allocates nothing per record (nor
// does the fan-out more than without it).
func TestStormCheckAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	c := testCore(t, "all=debug", &sink{name: "discard", handler: slog.NewTextHandler(io.Discard, nil)})
	log := mustLogger(t, c, "x", "core")
	logOnce := func() { log.Info("request served", "a", 1, "b", "x") }
	before := testing.AllocsPerRun(1000, logOnce)
	c.storm.install(config.RateSettings{Default: config.Rate{PerSecond: 1e9, Burst: 1e9}})
	if after := testing.AllocsPerRun(1000, logOnce); after > before || c.storm.suppressed() != nil {
		t.Errorf("allocs per record %v with storm control on, %v without (suppressed %v)", after, before, c.storm.suppressed())
	}
}

// TestStormBySite: with the rate per call site, a storm of messages formatted with their data
// is limited as one; another call site logging the same text is not held back.
func TestStormBySite(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	c, a, _ := stormCore(t, clock, time.Hour, "core=1/s:5")
	c.storm.bySite = true
	log := mustLogger(t, c, "x", "core")
	for i := range 1000 {
		log.Error(fmt.Sprintf("request %d failed", i))
	}
	for i := range 3 {
		log.Error(fmt.Sprintf("request %d failed", i)) // another call site
	}
	c.storm.retire(*c.storm.cats.Load())
	var want []string
	for i := range 5 {
		want = append(want, fmt.Sprintf("request %d failed", i))
	}
	want = append(want, "request 0 failed", "request 1 failed", "request 2 failed", "suppressed 995 records like: request 0 failed")
	if got := a.messages(t); !slices.Equal(got, want) {
		t.Errorf("messages %q, want %q", got, want)
	}
}
