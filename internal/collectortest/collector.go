package collectortest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/testkit"
)

const (
	// startTimeout bounds the wait for a started collector to be ready.
	startTimeout = 60 * time.Second
	// stopGrace is how long Stop waits after SIGTERM before it kills.
	stopGrace = 10 * time.Second
	// killWait is how long to wait for the process to exit after SIGKILL.
	killWait = 10 * time.Second
	// pollInterval is the pause between two checks in every wait loop.
	pollInterval = 20 * time.Millisecond
	// readyMarker is the line the collector logs once every component runs.
	readyMarker = "Everything is ready"
	// startAttempts is how often Start tries again, on fresh ports, when the
	// collector could not bind the ports it was given (another process took
	// them between the pick and the bind).
	startAttempts = 3
)

// Option changes how [Start] configures the collector.
type Option func(*options)

type options struct {
	httpPort, grpcPort      int
	headerName, headerValue string
	headerCount             int
	batch                   bool
	extra                   []string
}

// WithRequiredHeader makes the OTLP receiver (http and grpc) refuse every
// request that lacks the header name with exactly value: HTTP answers 401 and
// gRPC Unauthenticated. It uses the bearertokenauth extension with a custom
// header and no scheme, so value is compared whole ("Bearer x" for a bearer
// token). One header can be required per collector.
func WithRequiredHeader(name, value string) Option {
	return func(o *options) {
		o.headerName, o.headerValue = name, value
		o.headerCount++
	}
}

// WithPorts fixes the receiver's ports on 127.0.0.1 instead of free ones, for
// a test that needs a known address before the collector runs. A zero port is
// still picked free. [Collector.Restart] always reuses the ports of the first
// run, fixed or not.
func WithPorts(httpPort, grpcPort int) Option {
	return func(o *options) { o.httpPort, o.grpcPort = httpPort, grpcPort }
}

// WithBatchProcessor puts a batch processor (timeout 50ms) before the file
// exporters, as production pipelines have. The receiver then acknowledges
// records before they are in the file, so records in the batch are lost when
// the collector is killed.
func WithBatchProcessor() Option {
	return func(o *options) { o.batch = true }
}

// WithConfig adds a YAML configuration that the collector merges over the
// generated one (it is passed as a second --config file): maps merge key by
// key, lists are replaced. Use it to add a component or change a setting.
func WithConfig(yaml string) Option {
	return func(o *options) { o.extra = append(o.extra, yaml) }
}

// Collector is a running (or stopped) collector process started by [Start].
// Its methods are safe for concurrent use.
type Collector struct {
	t        testing.TB
	bin      string
	dir      string
	opts     options
	httpPort int
	grpcPort int
	extra    []string // paths of the WithConfig files
	stderr   testkit.SyncBuffer

	mu     sync.Mutex // guards proc, run and config
	proc   *process
	run    int
	config string

	readMu     sync.Mutex // guards the readers below
	logTails   []*tail
	traceTails []*tail
	logs       []LogRecord
	spans      []Span
}

type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // exit status, set before done is closed
}

// Start builds the collector binary if needed, starts a collector for the
// test and waits until it accepts OTLP on both ports. The collector is stopped
// when the test ends, and its log is printed into the test log if the test
// failed. Start fails the test when the collector cannot be built or started.
func Start(t testing.TB, opts ...Option) *Collector {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.headerCount > 1 {
		t.Fatalf("collectortest: WithRequiredHeader given %d times; the receiver takes one authenticator, so one header", o.headerCount)
	}
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	c := &Collector{t: t, bin: bin, dir: t.TempDir(), opts: o}
	t.Cleanup(func() {
		c.Stop()
		if t.Failed() {
			t.Logf("collectortest: collector log (files in %s):\n%s", c.dir, c.stderr.String())
		}
	})
	for i, y := range o.extra {
		p := filepath.Join(c.dir, fmt.Sprintf("extra-%d.yaml", i))
		if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
			t.Fatalf("collectortest: %v", err)
		}
		c.extra = append(c.extra, p)
	}
	fixed := o.httpPort != 0 && o.grpcPort != 0
	for attempt := 1; ; attempt++ {
		c.httpPort, c.grpcPort, err = pickPorts(o.httpPort, o.grpcPort)
		if err == nil {
			err = c.launch()
		}
		if err == nil {
			return c
		}
		if fixed || attempt == startAttempts || !errors.Is(err, errPortInUse) {
			break
		}
	}
	t.Fatalf("collectortest: starting the collector: %v\ncollector log:\n%s", err, c.stderr.String())
	return nil
}

// HTTPEndpoint returns the base URL of the OTLP/HTTP receiver,
// "http://127.0.0.1:PORT"; the logs path is HTTPEndpoint()+"/v1/logs".
func (c *Collector) HTTPEndpoint() string {
	return "http://127.0.0.1:" + strconv.Itoa(c.httpPort)
}

// GRPCEndpoint returns the address of the OTLP/gRPC receiver, "127.0.0.1:PORT".
func (c *Collector) GRPCEndpoint() string {
	return "127.0.0.1:" + strconv.Itoa(c.grpcPort)
}

// PID returns the process ID of the running collector, 0 if it is not running.
func (c *Collector) PID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil || c.proc.cmd.Process == nil {
		return 0
	}
	return c.proc.cmd.Process.Pid
}

// Dir returns the directory holding the collector's configuration and the
// files it exports to.
func (c *Collector) Dir() string { return c.dir }

// ConfigPath returns the generated configuration file of the current (or
// last) run.
func (c *Collector) ConfigPath() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.config
}

// Stderr returns what the collector has logged so far, over all its runs.
func (c *Collector) Stderr() string { return c.stderr.String() }

// Stop ends the collector gracefully: SIGTERM, which makes it flush and shut
// down, then SIGKILL if it has not exited within 10s. Stopping a stopped
// collector does nothing.
func (c *Collector) Stop() { c.halt(syscall.SIGTERM, stopGrace) }

// Kill ends the collector at once with SIGKILL, as a crash would, and waits
// for the process to be gone. Killing a stopped collector does nothing.
func (c *Collector) Kill() { c.halt(os.Kill, 0) }

// Restart stops the collector if it runs, then starts it again on the same
// ports and waits until it is ready. Records received before stay readable.
func (c *Collector) Restart() error {
	c.Stop()
	if err := c.launch(); err != nil {
		return fmt.Errorf("collectortest: restarting the collector: %w", err)
	}
	return nil
}

// Logs returns every log record the collector has written so far, over all
// its runs, in the order received. A malformed complete line in the file fails
// the test (t.Errorf) and is skipped; a partly written last line waits for the
// rest.
func (c *Collector) Logs() []LogRecord {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	c.refreshLogs()
	return slices.Clone(c.logs)
}

// Spans returns every span the collector has written so far, over all its
// runs, in the order received.
func (c *Collector) Spans() []Span {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	c.refreshSpans()
	return slices.Clone(c.spans)
}

// WaitLogs waits until the collector has written at least n log records and
// returns all it has; it fails the test (t.Fatalf) when timeout passes first.
// Call it from the test's goroutine.
func (c *Collector) WaitLogs(t testing.TB, n int, timeout time.Duration) []LogRecord {
	t.Helper()
	return waitFor(t, c, n, timeout, "log records", func() []LogRecord { c.refreshLogs(); return c.logs })
}

// WaitSpans waits until the collector has written at least n spans and
// returns all it has; it fails the test (t.Fatalf) when timeout passes first.
// Call it from the test's goroutine.
func (c *Collector) WaitSpans(t testing.TB, n int, timeout time.Duration) []Span {
	t.Helper()
	return waitFor(t, c, n, timeout, "spans", func() []Span { c.refreshSpans(); return c.spans })
}

// waitFor polls read (called under c.readMu) until it returns at least n items, and
// returns a copy of them; it fails the test when timeout passes first.
func waitFor[T any](t testing.TB, c *Collector, n int, timeout time.Duration, what string, read func() []T) []T {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c.readMu.Lock()
		items := read()
		got := len(items)
		if got >= n {
			out := slices.Clone(items)
			c.readMu.Unlock()
			return out
		}
		c.readMu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("collectortest: %d %s arrived within %s, want at least %d", got, what, timeout, n)
		}
		time.Sleep(pollInterval)
	}
}

// refreshLogs parses the lines appended to the logs files since the last call.
// c.readMu must be held.
func (c *Collector) refreshLogs() {
	for _, tl := range c.logTails {
		tl.read(c.t, func(line []byte) error {
			recs, err := parseLogsLine(line)
			c.logs = append(c.logs, recs...)
			return err
		})
	}
}

// refreshSpans parses the lines appended to the traces files since the last
// call. c.readMu must be held.
func (c *Collector) refreshSpans() {
	for _, tl := range c.traceTails {
		tl.read(c.t, func(line []byte) error {
			spans, err := parseTracesLine(line)
			c.spans = append(c.spans, spans...)
			return err
		})
	}
}

var errPortInUse = errors.New("port in use")

// launch writes the configuration of a new run, starts the process and waits
// until it is ready.
func (c *Collector) launch() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc != nil {
		return errors.New("collector already running")
	}
	c.run++
	files := map[string]string{}
	for _, sig := range []string{"logs", "traces", "metrics"} {
		files[sig] = filepath.Join(c.dir, fmt.Sprintf("%s-%d.jsonl", sig, c.run))
	}
	cfg, err := json.MarshalIndent(c.configMap(files), "", "  ")
	if err != nil {
		return err
	}
	c.config = filepath.Join(c.dir, fmt.Sprintf("config-%d.yaml", c.run))
	// JSON is YAML: the collector reads this file as it reads any config.
	if err := os.WriteFile(c.config, cfg, 0o644); err != nil {
		return err
	}
	c.readMu.Lock()
	c.logTails = append(c.logTails, &tail{path: files["logs"]})
	c.traceTails = append(c.traceTails, &tail{path: files["traces"]})
	c.readMu.Unlock()

	args := []string{"--config=" + c.config}
	for _, p := range c.extra {
		args = append(args, "--config="+p)
	}
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = collectorEnv()
	setProcAttr(cmd)
	fmt.Fprintf(&c.stderr, "--- run %d: %s %s (http %d, grpc %d)\n", c.run, c.bin, strings.Join(args, " "), c.httpPort, c.grpcPort)
	logStart := c.stderr.Len()
	cmd.Stdout = &c.stderr
	cmd.Stderr = &c.stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()

	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-p.done:
			log := c.stderr.From(logStart)
			if strings.Contains(log, "address already in use") {
				return fmt.Errorf("%w: collector exited: %v", errPortInUse, p.err)
			}
			return fmt.Errorf("collector exited before it was ready: %v", p.err)
		default:
		}
		if strings.Contains(c.stderr.From(logStart), readyMarker) &&
			accepts(c.httpPort) && accepts(c.grpcPort) {
			c.proc = p
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-p.done
			return fmt.Errorf("collector not ready within %s", startTimeout)
		}
		time.Sleep(pollInterval)
	}
}

// halt sends sig to the running process, waits up to grace for it to exit,
// then kills it.
func (c *Collector) halt(sig os.Signal, grace time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.proc
	if p == nil {
		return
	}
	c.proc = nil
	if err := p.cmd.Process.Signal(sig); err != nil {
		_ = p.cmd.Process.Kill()
	}
	if grace > 0 {
		select {
		case <-p.done:
			return
		case <-time.After(grace):
			c.t.Errorf("collectortest: collector did not stop within %s of %v; killing it", grace, sig)
			_ = p.cmd.Process.Kill()
		}
	}
	select {
	case <-p.done:
	case <-time.After(killWait):
		c.t.Errorf("collectortest: collector pid %d still running %s after SIGKILL", p.cmd.Process.Pid, killWait)
	}
}

// configMap is the generated collector configuration.
func (c *Collector) configMap(files map[string]string) map[string]any {
	type m = map[string]any
	proto := func(port int) m {
		p := m{"endpoint": "127.0.0.1:" + strconv.Itoa(port)}
		if c.opts.headerName != "" {
			p["auth"] = m{"authenticator": "bearertokenauth"}
		}
		return p
	}
	cfg := m{
		"receivers": m{"otlp": m{"protocols": m{
			"http": proto(c.httpPort),
			"grpc": proto(c.grpcPort),
		}}},
	}
	exporters := m{}
	pipelines := m{}
	processors := []string{}
	if c.opts.batch {
		cfg["processors"] = m{"batch": m{"timeout": "50ms"}}
		processors = []string{"batch"}
	}
	for sig, path := range files {
		name := "file/" + sig
		exporters[name] = m{
			"path":   path,
			"format": "json",
			// The default writer has rotation on (at 100 MiB, which would
			// move the file from under the reader) and writes each request
			// straight to the file; flush_interval only matters without it.
			"rotation":       m{"max_megabytes": 1 << 20, "max_backups": 1},
			"flush_interval": "100ms",
		}
		pipelines[sig] = m{
			"receivers":  []string{"otlp"},
			"processors": processors,
			"exporters":  []string{name},
		}
	}
	cfg["exporters"] = exporters
	service := m{
		"telemetry": m{
			"metrics": m{"level": "none"},
			"logs":    m{"level": "info"},
		},
		"pipelines": pipelines,
	}
	if c.opts.headerName != "" {
		cfg["extensions"] = m{"bearertokenauth": m{
			"header": c.opts.headerName,
			"scheme": "",
			// tokens, not token: a single token goes through a resolver that
			// keeps only its first word, a list is compared whole.
			"tokens": []string{c.opts.headerValue},
		}}
		service["extensions"] = []string{"bearertokenauth"}
	}
	cfg["service"] = service
	return cfg
}

// pickPorts returns the given ports, with free 127.0.0.1 ports for those that
// are zero.
func pickPorts(httpPort, grpcPort int) (int, int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	pick := func(p *int) error {
		if *p != 0 {
			return nil
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ls = append(ls, l) // held open until both are picked, so they differ
		*p = l.Addr().(*net.TCPAddr).Port
		return nil
	}
	if err := pick(&httpPort); err != nil {
		return 0, 0, err
	}
	if err := pick(&grpcPort); err != nil {
		return 0, 0, err
	}
	return httpPort, grpcPort, nil
}

// accepts reports whether something accepts connections on 127.0.0.1:port.
func accepts(port int) bool {
	conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// tail reads a file's complete lines incrementally.
type tail struct {
	path string
	off  int64
}

// read calls fn for each complete line appended since the last call. A line
// fn fails on is reported with t.Errorf and skipped; an unfinished last line is
// left for the next call.
func (tl *tail) read(t testing.TB, fn func(line []byte) error) {
	f, err := os.Open(tl.path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("collectortest: %v", err)
		}
		return
	}
	defer f.Close()
	if _, err := f.Seek(tl.off, io.SeekStart); err != nil {
		t.Errorf("collectortest: %v", err)
		return
	}
	data, err := io.ReadAll(f)
	if err != nil {
		t.Errorf("collectortest: %v", err)
		return
	}
	end := bytes.LastIndexByte(data, '\n')
	if end < 0 {
		return
	}
	data = data[:end+1]
	tl.off += int64(len(data))
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		line := bytes.TrimSpace(data[:i])
		data = data[i+1:]
		if len(line) == 0 {
			continue
		}
		if err := fn(line); err != nil {
			t.Errorf("collectortest: malformed line in %s: %v: %.200s", tl.path, err, line)
		}
	}
}
