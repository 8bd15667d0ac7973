package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/testkit"
)

// EnvPrometheus names the variable that holds the Prometheus binary the stack test runs;
// unset, it is prometheus on PATH (Debian's package, which scripts/install-prometheus.sh
// installs).
const envPrometheus = "LOGBRIDGE_PROMETHEUS"

// prometheusConfig is the stack's Prometheus configuration, which the test runs too.
const prometheusConfig = "prometheus/prometheus.yml"

// Bounds of the waits around Prometheus. They only bound loops that stop as soon as their
// condition holds.
const (
	promStartTimeout = time.Minute
	promStopTimeout  = 30 * time.Second
	promPollEvery    = 100 * time.Millisecond
)

// prometheus is a Prometheus server run by a test on 127.0.0.1, with the remote-write
// receiver on, as the stack runs it.
type prometheus struct {
	base   string // http://127.0.0.1:PORT
	client *http.Client
}

// startPrometheus runs the Prometheus binary with the stack's configuration, its storage in
// a temporary directory, listening on a free 127.0.0.1 port, and waits until it is ready. It
// is stopped when the test ends; its log is printed if the test failed.
func startPrometheus(t *testing.T) *prometheus {
	t.Helper()
	bin := os.Getenv(envPrometheus)
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("prometheus"); err != nil {
			t.Fatalf("no prometheus binary on PATH (run scripts/install-prometheus.sh, or set %s): %v", envPrometheus, err)
		}
	}
	cfg, err := filepath.Abs(prometheusConfig)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin,
		"--config.file="+cfg,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--web.enable-remote-write-receiver",
		"--log.level=warn",
	)
	cmd.Dir = dir
	var out testkit.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(promStopTimeout):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("prometheus log:\n%s", out.String())
		}
	})
	p := &prometheus{base: "http://" + addr, client: &http.Client{Timeout: 10 * time.Second}}
	deadline := time.Now().Add(promStartTimeout)
	for {
		resp, err := p.client.Get(p.base + "/-/ready")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-done:
			t.Fatalf("prometheus exited before it was ready:\n%s", out.String())
		case <-time.After(promPollEvery):
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready within %s:\n%s", promStartTimeout, out.String())
		}
	}
}

// writeURL is the address of the remote-write receiver.
func (p *prometheus) writeURL() string { return p.base + "/api/v1/write" }

// series is one element of an instant query's vector.
type series struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"` // [unix time, "value"]
}

// query runs an instant PromQL query through the HTTP API and returns its vector.
func (p *prometheus) query(ctx context.Context, expr string) ([]series, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/api/v1/query",
		strings.NewReader(url.Values{"query": {expr}}.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status    string `json:"status"`
		ErrorType string `json:"errorType"`
		Error     string `json:"error"`
		Data      struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("query %q: status %s: %v", expr, resp.Status, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s: %s", expr, body.ErrorType, body.Error)
	}
	if body.Data.ResultType != "vector" {
		return nil, fmt.Errorf("query %q: result type %s, want a vector", expr, body.Data.ResultType)
	}
	var out []series
	if err := json.Unmarshal(body.Data.Result, &out); err != nil {
		return nil, fmt.Errorf("query %q: %v", expr, err)
	}
	return out, nil
}

// errNoData says a query ran but found no series.
var errNoData = errors.New("no series")

// waitQuery runs expr until it returns at least one series, for at most timeout, and returns
// them, or the last error (errNoData when the query ran and found nothing).
func (p *prometheus) waitQuery(expr string, timeout time.Duration) ([]series, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		res, err := p.query(ctx, expr)
		if err == nil && len(res) > 0 {
			return res, nil
		}
		if err == nil {
			err = errNoData
		} else if !errors.Is(err, context.DeadlineExceeded) && strings.Contains(err.Error(), "bad_data") {
			return nil, err // a query Prometheus cannot parse does not get better
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(promPollEvery * 5):
		}
	}
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
