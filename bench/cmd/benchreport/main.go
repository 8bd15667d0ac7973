// Command benchreport reads the output of logbridge's benchmark program (go test -bench over
// ./bench/, any -count) and prints the ratios of logbridge against its peers, measured in the
// same run, next to the goals of issue 19, with pass or fail. With -o it also writes the table,
// with the date and the machine, as a Markdown page.
//
//	go test -run '^$' -bench . -benchmem -count 5 -cpu 1 ./bench/ > bench/results.txt
//	go run ./bench/cmd/benchreport -o docs/benchmarks.md bench/results.txt
//
// Each benchmark's value is the median over its runs. Ratios are logbridge / peer in the
// metric chosen with -metric (default cpu-ns/op, the process's CPU time per call, which a
// loaded machine disturbs less than ns/op; ns/op when a result has no cpu-ns/op); the E2E case
// compares delivered records per second, higher being better.
package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// kind is how a goal is checked.
type kind int

const (
	perCall kind = iota // ours/peer in CPU time <= maxRatio, allocs/op <= the baseline's
	scaling             // ours' records/s with 2 goroutines / with 1 >= minRatio (peer: the same for the peer)
	e2e                 // ours' delivered/s / the ceiling's >= minRatio, nothing lost
	memory              // ours' B/record <= the peer's * maxRatio
)

// goal is one row of issue 19's table.
type goal struct {
	kind     kind
	name     string  // what is compared
	ours     string  // benchmark name of logbridge's side (scaling: its 2-goroutine case)
	peer     string  // benchmark name of the peer (scaling: the peer's 2-goroutine case; e2e: the ceiling)
	maxRatio float64 // ours/peer must be <= this (perCall, memory)
	minRatio float64 // must be >= this (scaling, e2e)
	// base is the benchmark whose allocs/op are the most allowed (perCall): the call's own
	// (the disabled call for a rejected record, slog.Logger with a handler that does nothing
	// otherwise), or the peer's where the goal is adding none to it; baseLabel names it.
	base      string
	baseLabel string
	paired    string // BenchmarkPaired case whose "ratio" is checked, when the results have it
}

// shapes are the record shapes of every per-call goal (the attrs= key) and how a row names them.
var shapes = []struct{ key, label string }{
	{"request", "request record"}, {"5", "5 attrs"}, {"10", "10 attrs"}, {"40", "40 attrs"},
}

// goals are issue 19's goals: each per-call case on each record shape, the 2-goroutine
// scaling of the fan-out, delivery against the collector's ceiling on both protocols, and the
// memory of an outage.
var goals = func() []goal {
	cases := []struct {
		name, bench, peer, paired string
		max                       float64
		rejected                  bool // the allocation baseline is the disabled call
		againstPeer               bool // the allocation baseline is the peer (no allocations added to it)
	}{
		{"console vs tint", "BenchmarkConsole", "tint", "console", 0.5, false, false},
		{"file text vs slog.TextHandler", "BenchmarkFile/format=text", "slog", "file", 0.6, false, false},
		{"file JSON vs slog.JSONHandler", "BenchmarkFile/format=json", "slog", "filejson", 0.7, false, false},
		{"OTLP vs otelslog+BatchProcessor", "BenchmarkOTLP", "otelslog", "otlp", 0.45, false, false},
		// The same with the real exporters sending to a real collector: what a service pays,
		// exports included (the case above has a no-op exporter on both sides).
		{"OTLP to a real collector vs otelslog+BatchProcessor+otlploghttp", "BenchmarkOTLPCollector", "otelslog", "", 0.45, false, false},
		{"fan-out vs NewMultiHandler(tint, TextHandler, otelslog)", "BenchmarkFanout", "multi", "fanout", 0.45, false, false},
		{"fan-out to a real collector vs NewMultiHandler(tint, TextHandler, otelslog+otlploghttp)", "BenchmarkFanoutCollector", "multi", "", 0.45, false, false},
		{"rejected call vs slog's disabled call", "BenchmarkRejected", "slog", "rejected", 1.05, true, false},
		// Issue 13: the hand-offs that keep a blocked writer from holding up the calls must not
		// slow the calls while the writers keep up: no slower, within the 5% that the rejected
		// call's goal also leaves to the noise of taking turns on a shared machine (single runs
		// of this case spread 0.90-1.12).
		{"fan-out with hand-offs vs writing on the caller's goroutine", "BenchmarkHandoff", "caller-writes", "handoff", 1.05, false, true},
	}
	var gs []goal
	for _, c := range cases {
		for _, sh := range shapes {
			peer := c.bench + "/impl=" + c.peer + "/attrs=" + sh.key
			base, baseLabel := "BenchmarkFloor/impl=enabled/attrs="+sh.key, "the call's own"
			switch {
			case c.rejected:
				base = "BenchmarkFloor/impl=discard/attrs=" + sh.key
			case c.againstPeer:
				base, baseLabel = peer, "the peer's"
			}
			g := goal{kind: perCall, name: c.name + ", " + sh.label,
				ours:     c.bench + "/impl=logbridge/attrs=" + sh.key,
				peer:     peer,
				maxRatio: c.max, base: base, baseLabel: baseLabel}
			if c.paired != "" { // not paired: the separate runs' ratio is checked
				g.paired = "BenchmarkPaired/case=" + c.paired + "/attrs=" + sh.key
			}
			gs = append(gs, g)
		}
	}
	gs = append(gs, goal{kind: scaling, name: "fan-out, 2 goroutines / 1 (request record)",
		ours: "BenchmarkConcurrent/impl=logbridge/goroutines=2", peer: "BenchmarkConcurrent/impl=multi/goroutines=2", minRatio: 1.6})
	for _, proto := range []string{"http", "grpc"} {
		gs = append(gs, goal{kind: e2e, name: "end-to-end to the real collector over " + proto + ", % of its ceiling",
			ours: "BenchmarkE2E/proto=" + proto + "/impl=logbridge", peer: "BenchmarkE2E/proto=" + proto + "/impl=ceiling", minRatio: 0.8})
	}
	gs = append(gs, goal{kind: memory, name: "memory per record held in a 1,000,000-record outage vs the SDK's BatchProcessor",
		ours: "BenchmarkMemory/impl=logbridge", peer: "BenchmarkMemory/impl=sdk-batch", maxRatio: 1.0})
	return gs
}()

// results holds every value of every benchmark, by name then unit, in the order read.
type results struct {
	values map[string]map[string][]float64
	order  []string          // benchmark names as first seen
	header map[string]string // goos, goarch, cpu, pkg
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads `go test -bench` output: lines "BenchmarkName[-P] N value unit value unit...".
func parse(r io.Reader) (*results, error) {
	res := &results{values: map[string]map[string][]float64{}, header: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, "Benchmark") && !strings.Contains(k, " ") {
			if _, seen := res.header[k]; !seen {
				res.header[k] = strings.TrimSpace(v)
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		m := res.values[name]
		if m == nil {
			m = map[string][]float64{}
			res.values[name] = m
			res.order = append(res.order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			m[f[i+1]] = append(m[f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(res.order) == 0 {
		return nil, errors.New("no benchmark results in the input")
	}
	return res, nil
}

// stat is the median of a benchmark's values in one unit, with their range.
type stat struct {
	med, min, max float64
	n             int
}

func (res *results) get(name, unit string) (stat, bool) {
	vs := res.values[name][unit]
	if len(vs) == 0 {
		return stat{}, false
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{med: med, min: s[0], max: s[len(s)-1], n: len(s)}, true
}

// spread is the half-range of the values around the median, in percent (benchstat's ± is
// a confidence interval; this is simpler and wider).
func (s stat) spread() string {
	if s.n < 2 || s.med == 0 {
		return ""
	}
	return fmt.Sprintf(" ±%.0f%%", 100*math.Max(s.max-s.med, s.med-s.min)/s.med)
}

// ratio returns ours/peer in unit: the median of the per-run ratios when both have one value
// per run (make bench runs the program several times with -count 1, so the i-th values of
// both were measured seconds apart, under the same load), else the ratio of the medians. It
// also returns the range of the per-run ratios ("" for a ratio of medians).
func (res *results) ratio(ours, peer, unit string) (float64, string) {
	o, p := res.values[ours][unit], res.values[peer][unit]
	if len(o) == 0 || len(p) == 0 {
		return math.NaN(), ""
	}
	if len(o) != len(p) || len(o) < 2 {
		om, _ := res.get(ours, unit)
		pm, _ := res.get(peer, unit)
		return om.med / pm.med, ""
	}
	rs := make([]float64, len(o))
	for i := range o {
		rs[i] = o[i] / p[i]
	}
	slices.Sort(rs)
	med := rs[len(rs)/2]
	if len(rs)%2 == 0 {
		med = (rs[len(rs)/2-1] + rs[len(rs)/2]) / 2
	}
	return med, fmt.Sprintf("%.2f-%.2f", rs[0], rs[len(rs)-1])
}

// metricFor returns the metric used for a pair: the wanted one if both sides have it.
func (res *results) metricFor(want string, names ...string) string {
	for _, n := range names {
		if _, ok := res.get(n, want); !ok {
			return "ns/op"
		}
	}
	return want
}

type row struct {
	name, ours, peer, ratio, goal, allocs, verdict string
	pass, missing                                  bool
}

func evaluate(res *results, g goal, metric string) row {
	switch g.kind {
	case scaling:
		return evaluateScaling(res, g)
	case e2e:
		return evaluateE2E(res, g)
	case memory:
		return evaluateMemory(res, g)
	}
	r := row{name: g.name}
	m := res.metricFor(metric, g.ours, g.peer)
	o, ok1 := res.get(g.ours, m)
	p, ok2 := res.get(g.peer, m)
	if !ok1 || !ok2 {
		return notRun(r)
	}
	ratio, rng := res.ratio(g.ours, g.peer, m)
	r.ours = fmt.Sprintf("%s%s", ns(o.med), o.spread())
	r.peer = fmt.Sprintf("%s%s", ns(p.med), p.spread())
	r.ratio = fmt.Sprintf("%.2fx%s (%s)", ratio, paren(rng), m)
	if pr, ok := res.get(g.paired, "ratio"); ok && g.paired != "" {
		// Measured taking turns under the same load: the figure the goal is checked with.
		ratio = pr.med
		r.ratio = fmt.Sprintf("**%.2fx** (paired, runs %.2f-%.2f; apart: %.2fx%s)", pr.med, pr.min, pr.max, ratio2(res, g, m), paren(rng))
	}
	r.pass = ratio <= g.maxRatio
	a, okA := res.get(g.ours, "allocs/op")
	base, okB := res.get(g.base, "allocs/op")
	if okB {
		r.goal = fmt.Sprintf("<= %sx, <= %g allocs (%s)", fmtNum(g.maxRatio), base.max, g.baseLabel)
	} else {
		r.goal = fmt.Sprintf("<= %sx, no added allocs (baseline %s not run)", fmtNum(g.maxRatio), g.base)
	}
	if !okA || !okB {
		r.allocs = "?"
		r.pass = false
		r.verdict = verdict(r.pass)
		return r
	}
	added := a.max - base.max
	r.allocs = fmt.Sprintf("%s (%s %s", fmtNum(a.max), strings.TrimPrefix(g.baseLabel, "the "), fmtNum(base.max))
	if added > 0 {
		r.allocs += fmt.Sprintf(", **+%s**", fmtNum(added))
	}
	if pa, ok := res.get(g.peer, "allocs/op"); ok && g.peer != g.base {
		r.allocs += ", peer " + fmtNum(pa.max)
	}
	r.allocs += ")"
	r.pass = r.pass && added <= 0
	r.verdict = verdict(r.pass)
	return r
}

// evaluateScaling checks the throughput of 2 goroutines against 1 (g.ours and g.peer are
// the 2-goroutine benchmarks; the 1-goroutine ones have goroutines=1), per run.
func evaluateScaling(res *results, g goal) row {
	r := row{name: g.name, allocs: "-"}
	one := func(name string) string { return strings.Replace(name, "goroutines=2", "goroutines=1", 1) }
	o2, ok1 := res.get(g.ours, "records/s")
	o1, ok2 := res.get(one(g.ours), "records/s")
	if !ok1 || !ok2 {
		return notRun(r)
	}
	ratio, rng := res.ratio(g.ours, one(g.ours), "records/s")
	r.ours = fmt.Sprintf("%s/s with 2, %s/s with 1", human(o2.med), human(o1.med))
	r.peer = "-"
	peerNote := ""
	if p2, ok := res.get(g.peer, "records/s"); ok {
		if p1, ok := res.get(one(g.peer), "records/s"); ok {
			pr, _ := res.ratio(g.peer, one(g.peer), "records/s")
			r.peer = fmt.Sprintf("%s/s with 2, %s/s with 1", human(p2.med), human(p1.med))
			peerNote = fmt.Sprintf("; peer %.2fx", pr)
		}
	}
	r.ratio = fmt.Sprintf("%.2fx%s (records/s, 2 goroutines / 1%s)", ratio, paren(rng), peerNote)
	alt := func(name string) string { return strings.Replace(name, "goroutines=2", "goroutines=alternating", 1) }
	if a, ok := res.get(alt(g.ours), "scaling"); ok {
		// Measured in alternating phases under the same load: the figure the goal is checked with.
		if pa, ok := res.get(alt(g.peer), "scaling"); ok {
			peerNote = fmt.Sprintf("; peer %.2fx", pa.med)
		}
		r.ratio = fmt.Sprintf("**%.2fx** (alternating, runs %.2f-%.2f%s; apart: %.2fx%s)", a.med, a.min, a.max, peerNote, ratio, paren(rng))
		c1, ok1 := res.get(alt(g.ours), "cpu-ns/op-1")
		c2, ok2 := res.get(alt(g.ours), "cpu-ns/op-2")
		k2, ok3 := res.get(alt(g.ours), "cores-2")
		if ok1 && ok2 && ok3 {
			// Whether the code or the machine bound it: CPU per record rising with 2 goroutines
			// is contention; fewer than 2 cores got is the machine's other tenants.
			r.ratio += fmt.Sprintf("; CPU per record %s with 1, %s with 2; cores got with 2: %.2f", ns(c1.med), ns(c2.med), k2.med)
		}
		if st, ok := res.get(alt(g.ours), "steal-%"); ok {
			// The hypervisor's share: of the machine's 2 CPUs, 2 x (1 - steal) were there to get.
			r.ratio += fmt.Sprintf("; steal (the hypervisor's share of the machine's CPU time) %.0f%%", st.med)
		}
		ratio = a.med
	}
	r.goal = fmt.Sprintf(">= %.1fx", g.minRatio)
	r.pass = ratio >= g.minRatio
	r.verdict = verdict(r.pass)
	return r
}

// evaluateE2E checks logbridge's delivered/s against the ceiling's, measured in the same
// run, and that neither lost a record.
func evaluateE2E(res *results, g goal) row {
	r := row{name: g.name, allocs: "-"}
	o, ok1 := res.get(g.ours, "delivered/s")
	p, ok2 := res.get(g.peer, "delivered/s")
	if !ok1 || !ok2 {
		return notRun(r)
	}
	lost, _ := res.get(g.ours, "lost/op")
	peerLost, _ := res.get(g.peer, "lost/op")
	od, _ := res.get(g.ours, "delivered/op")
	pd, _ := res.get(g.peer, "delivered/op")
	ratio, _ := res.ratio(g.ours, g.peer, "delivered/s")
	rng := percentRange(res, g.ours, g.peer, "delivered/s")
	r.ours = fmt.Sprintf("%s/s%s (%s of %s delivered)", human(o.med), o.spread(), human(od.med), human(od.med+lost.med))
	r.peer = fmt.Sprintf("ceiling %s/s%s (%s of %s delivered)", human(p.med), p.spread(), human(pd.med), human(pd.med+peerLost.med))
	r.ratio = fmt.Sprintf("%.0f%%%s (delivered/s)", 100*ratio, paren(rng))
	// Where the CPU time went in each contender's bursts: whether logbridge's run was bound by
	// the CPUs it shares with the collector (no idle time left) and by whose CPU time.
	for _, side := range []struct{ label, name string }{{"logbridge", g.ours}, {"ceiling", g.peer}} {
		col, ok1 := res.get(side.name, "collector-cpu-ns/record")
		own, ok2 := res.get(side.name, "cpu-ns/record")
		idle, ok3 := res.get(side.name, "idle-%")
		if ok1 && ok2 && ok3 {
			r.ratio += fmt.Sprintf("; %s run: CPU per record %s in the collector, %s in the sender, machine %.0f%% idle",
				side.label, ns(col.med), ns(own.med), idle.med)
		}
	}
	r.goal = fmt.Sprintf(">= %.0f%% of the ceiling, 100%% delivered", 100*g.minRatio)
	r.pass = ratio >= g.minRatio && lost.max == 0 && peerLost.max == 0
	r.verdict = verdict(r.pass)
	return r
}

// pairedTurn is " of <n> ms", the length of BenchmarkPaired's turns as the results report it
// (turn-ms), or "" if they do not.
func pairedTurn(res *results) string {
	for _, name := range res.order {
		if t, ok := res.get(name, "turn-ms"); ok && strings.HasPrefix(name, "BenchmarkPaired/") {
			return fmt.Sprintf(" of %.0f ms", t.med)
		}
	}
	return ""
}

// percentRange is the range of the per-run ratios ours/peer in unit as percentages, "a%-b%",
// or "" when the runs do not pair up.
func percentRange(res *results, ours, peer, unit string) string {
	o, p := res.values[ours][unit], res.values[peer][unit]
	if len(o) != len(p) || len(o) < 2 {
		return ""
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range o {
		r := o[i] / p[i]
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	return fmt.Sprintf("%.0f%%-%.0f%%", 100*lo, 100*hi)
}

// evaluateMemory checks logbridge's heap per held record against the peer's.
func evaluateMemory(res *results, g goal) row {
	r := row{name: g.name, allocs: "-"}
	o, ok1 := res.get(g.ours, "B/record")
	p, ok2 := res.get(g.peer, "B/record")
	if !ok1 || !ok2 {
		return notRun(r)
	}
	oh, _ := res.get(g.ours, "heap-MiB")
	ph, _ := res.get(g.peer, "heap-MiB")
	on, _ := res.get(g.ours, "held/op")
	pn, _ := res.get(g.peer, "held/op")
	r.ours = fmt.Sprintf("%.0f B/record (heap +%.0f MiB, %s held)", o.med, oh.med, human(on.med))
	r.peer = fmt.Sprintf("%.0f B/record (heap +%.0f MiB, %s held)", p.med, ph.med, human(pn.med))
	ratio := o.med / p.med
	r.ratio = fmt.Sprintf("%.2fx (B/record)", ratio)
	r.goal = fmt.Sprintf("<= %.1fx the SDK's", g.maxRatio)
	r.pass = ratio <= g.maxRatio
	r.verdict = verdict(r.pass)
	return r
}

func notRun(r row) row {
	r.missing = true
	r.verdict = "not run"
	return r
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ratio2 is the ratio of the separate benchmarks (see results.ratio).
func ratio2(res *results, g goal, m string) float64 {
	r, _ := res.ratio(g.ours, g.peer, m)
	return r
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (runs: " + s + ")"
}

func verdict(pass bool) string {
	if pass {
		return "PASS"
	}
	return "FAIL"
}

func ns(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.2f µs", v/1e3)
	}
	return fmt.Sprintf("%.1f ns", v)
}

func human(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// pairs lists every (case, ours, peer) the results hold, for the full table: each benchmark
// of a logbridge contender (impl=logbridge...) against each peer with the same other keys.
func pairs(res *results) [][3]string {
	var out [][3]string
	for _, name := range res.order {
		impl := implOf(name)
		if !strings.HasPrefix(impl, "logbridge") {
			continue
		}
		label := strings.Replace(name, "/impl="+impl, "", 1)
		if impl != "logbridge" {
			label += " (" + impl + ")"
		}
		for _, other := range res.order {
			peer := implOf(other)
			if peer == "" || strings.HasPrefix(peer, "logbridge") {
				continue
			}
			if strings.Replace(other, "/impl="+peer, "/impl="+impl, 1) == name {
				out = append(out, [3]string{label, name, other})
			}
		}
	}
	return out
}

func implOf(name string) string {
	_, after, _ := strings.Cut(name, "/impl=")
	impl, _, _ := strings.Cut(after, "/")
	return impl
}

func main() {
	out := flag.String("o", "", "also write the report as Markdown to this file")
	metric := flag.String("metric", "cpu-ns/op", "metric for the ratios: cpu-ns/op or ns/op")
	strict := flag.Bool("strict", false, "exit with status 1 when a goal is missed")
	notes := flag.String("notes", "", "append this Markdown file (what bounds the ratios) to the -o report")
	readme := flag.String("readme", "", "also replace the table between the bench markers of this file (README.md)")
	cmdline := flag.String("cmd", "", "the command that produced the results, for the report")
	elapsed := flag.String("elapsed", "", "how long the run took, for the report")
	flag.Parse()
	var in io.Reader = os.Stdin
	if flag.NArg() > 0 {
		f, err := os.Open(flag.Arg(0))
		if err != nil {
			fatal(err)
		}
		defer f.Close()
		in = f
	}
	res, err := parse(in)
	if err != nil {
		fatal(err)
	}

	var rows []row
	failed := false
	for _, g := range goals {
		r := evaluate(res, g, *metric)
		rows = append(rows, r)
		failed = failed || !r.pass
	}

	var b strings.Builder
	fmt.Fprintf(&b, "## Goals (issue 19)\n\n")
	fmt.Fprintf(&b, "Times: median of each benchmark's runs (± the farthest run from it), from the separate benchmarks\n"+
		"(Benchmark<case>/impl=...). Ratio: logbridge / peer in CPU time from BenchmarkPaired, where the two take turns%s\n"+
		"under the same load (median of the runs, their range); \"apart\" is the same ratio from\n"+
		"the separate benchmarks (median of per-run ratios). Allocations: the most of any run of the separate benchmarks,\n"+
		"against the call's own (BenchmarkFloor on the same record: impl=discard, a disabled call, for a rejected record;\n"+
		"impl=enabled, slog.Logger in front of a handler that does nothing, otherwise): a sink may add none. E2E: logbridge's\n"+
		"delivered/s as a share of the ceiling's (a raw sender posting pre-encoded requests of the same records to the same\n"+
		"collector build, in the same run), with each run's CPU time per record delivered in the collector and in the\n"+
		"sending process (logbridge's, or the raw sender's) and the machine's idle share (CPU time nobody used).\n"+
		"Memory: live heap per record held during an outage.\n\n", pairedTurn(res))
	fmt.Fprintf(&b, "| case | logbridge | peer | ratio | goal | allocs/op | result |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.name, r.ours, r.peer, r.ratio, r.goal, r.allocs, r.verdict)
	}
	fmt.Fprintf(&b, "\n## Every case\n\n")
	fmt.Fprintf(&b, "| benchmark | peer | logbridge %[1]s | peer %[1]s | ratio | logbridge ns/op | peer ns/op | logbridge B/op, allocs/op | peer B/op, allocs/op |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n", *metric)
	for _, p := range pairs(res) {
		ours, peer := p[1], p[2]
		if strings.HasPrefix(p[0], "BenchmarkE2E") {
			o, _ := res.get(ours, "delivered/s")
			q, _ := res.get(peer, "delivered/s")
			ol, _ := res.get(ours, "lost/op")
			ql, _ := res.get(peer, "lost/op")
			ratio, _ := res.ratio(ours, peer, "delivered/s")
			fmt.Fprintf(&b, "| %s | %s | %s delivered/s%s | %s delivered/s%s | %.2fx | lost/op %s | lost/op %s | | |\n",
				p[0], implOf(peer), human(o.med), o.spread(), human(q.med), q.spread(), ratio, human(ol.med), human(ql.med))
			continue
		}
		if strings.HasPrefix(p[0], "BenchmarkMemory") {
			o, _ := res.get(ours, "B/record")
			q, _ := res.get(peer, "B/record")
			oh, _ := res.get(ours, "heap-MiB")
			qh, _ := res.get(peer, "heap-MiB")
			fmt.Fprintf(&b, "| %s | %s | %.0f B/record | %.0f B/record | %.2fx | heap +%.0f MiB | heap +%.0f MiB | | |\n",
				p[0], implOf(peer), o.med, q.med, o.med/q.med, oh.med, qh.med)
			continue
		}
		m := res.metricFor(*metric, ours, peer)
		o, _ := res.get(ours, m)
		q, _ := res.get(peer, m)
		on, _ := res.get(ours, "ns/op")
		qn, _ := res.get(peer, "ns/op")
		ratio, _ := res.ratio(ours, peer, m)
		fmt.Fprintf(&b, "| %s | %s | %s%s | %s%s | %.2fx | %s | %s | %s | %s |\n", p[0], implOf(peer), ns(o.med), o.spread(), ns(q.med), q.spread(), ratio,
			ns(on.med), ns(qn.med), mem(res, ours), mem(res, peer))
	}
	var floor []string
	for _, name := range res.order {
		if strings.HasPrefix(name, "BenchmarkFloor/") {
			floor = append(floor, name)
		}
	}
	if len(floor) > 0 {
		fmt.Fprintf(&b, "\nslog.Logger's own cost (BenchmarkFloor: discard = rejected in Enabled, enabled = a handler that does nothing):\n\n")
		fmt.Fprintf(&b, "| benchmark | %s | ns/op | B/op, allocs/op |\n| --- | --- | --- | --- |\n", *metric)
		for _, name := range floor {
			m := res.metricFor(*metric, name)
			v, _ := res.get(name, m)
			n, _ := res.get(name, "ns/op")
			fmt.Fprintf(&b, "| %s | %s%s | %s | %s |\n", name, ns(v.med), v.spread(), ns(n.med), mem(res, name))
		}
	}

	fmt.Print(b.String())
	if failed {
		fmt.Println("\nSome goals were missed (see bench/notes.md for what bounds them).")
	}
	if *out != "" {
		var page strings.Builder
		fmt.Fprintf(&page, "# Benchmarks\n\n")
		fmt.Fprintf(&page, "Generated by `make bench` (bench/cmd/benchreport from bench/results.txt); do not edit by hand.\n\n")
		fmt.Fprintf(&page, "- date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
		fmt.Fprintf(&page, "- machine: %s, %s/%s, %d CPUs%s\n", cmp.Or(res.header["cpu"], "unknown CPU"), cmp.Or(res.header["goos"], runtime.GOOS),
			cmp.Or(res.header["goarch"], runtime.GOARCH), runtime.NumCPU(), loadavg())
		fmt.Fprintf(&page, "- Go: %s\n", runtime.Version())
		if *cmdline != "" {
			fmt.Fprintf(&page, "- command: `%s`\n", *cmdline)
		}
		if *elapsed != "" {
			fmt.Fprintf(&page, "- the run took: %s\n", *elapsed)
		}
		fmt.Fprintf(&page, "- ratios use **%s** (the process's CPU time per call, background goroutines included; "+
			"ns/op is also shown: on a shared machine it counts time spent waiting for a CPU)\n\n", *metric)
		page.WriteString(b.String())
		if *notes != "" {
			text, err := os.ReadFile(*notes)
			if err != nil {
				fatal(err)
			}
			page.WriteString("\n")
			page.Write(text)
		}
		if err := os.WriteFile(*out, []byte(page.String()), 0o644); err != nil {
			fatal(err)
		}
	}
	if *readme != "" {
		if err := updateReadme(*readme, rows, res); err != nil {
			fatal(err)
		}
	}
	if failed && *strict {
		os.Exit(1)
	}
}

func mem(res *results, name string) string {
	bs, ok1 := res.get(name, "B/op")
	as, ok2 := res.get(name, "allocs/op")
	if !ok1 || !ok2 {
		return ""
	}
	return fmt.Sprintf("%.0f B, %g", bs.med, as.max)
}

// loadavg returns ", load average a b c (when the report was made)" from /proc/loadavg, or "".
func loadavg() string {
	if l := loadValues(); l != "" {
		return ", load average " + l + " (when the report was made)"
	}
	return ""
}

// loadValues returns the three load averages of /proc/loadavg, "a b c", or "".
func loadValues() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(2)
}

// The README's benchmark table lives between these markers; -readme rewrites it.
const (
	readmeStart = "<!-- bench:start (written by make bench; do not edit) -->"
	readmeEnd   = "<!-- bench:end -->"
)

// readmeLoad is the load average for the README's table: "; load average a b c at the end".
func readmeLoad() string {
	if l := loadValues(); l != "" {
		return "; load average " + l + " at the end"
	}
	return ""
}

// updateReadme replaces the text between the markers in path with a short goals table.
func updateReadme(path string, rows []row, res *results) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(data)
	i := strings.Index(text, readmeStart)
	j := strings.Index(text, readmeEnd)
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %q ... %q markers", path, readmeStart, readmeEnd)
	}
	var b strings.Builder
	b.WriteString(readmeStart + "\n")
	fmt.Fprintf(&b, "Measured %s on %s (%d CPUs, -cpu 1%s), everything in the same run. Per call: logbridge / peer in CPU time,\n"+
		"allocations against the call's own (slog's call on the same record with a handler that does nothing); fan-out\n"+
		"scaling: records/s with 2 goroutines / 1; end-to-end (GOMAXPROCS the CPUs, as a service runs): records/s as a\n"+
		"share of the collector's own ceiling;\n"+
		"memory: heap per record held in an outage / the SDK's BatchProcessor's. Details: docs/benchmarks.md.\n\n",
		time.Now().UTC().Format("2006-01-02"), cmp.Or(res.header["cpu"], "an unknown CPU"), runtime.NumCPU(), readmeLoad())
	b.WriteString("| case | ratio | goal | allocs/op | result |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		ratio, _, _ := strings.Cut(r.ratio, " (")
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.name, strings.Trim(ratio, "*"), r.goal, r.allocs, r.verdict)
	}
	b.WriteString("\n")
	text = text[:i] + b.String() + text[j:]
	return os.WriteFile(path, []byte(text), 0o644)
}
