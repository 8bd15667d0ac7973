package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// driveConfig says how the traffic driver runs.
type driveConfig struct {
	baseURL  string        // the service, e.g. http://127.0.0.1:8080
	rounds   int           // how many times to send the whole scenario; 0: until interrupted
	interval time.Duration // pause between rounds
	wait     time.Duration // how long to wait for the service to answer /healthz
}

// step is one request of the scenario and the status it must get.
type step struct {
	name   string
	route  string
	body   chatRequest
	want   int
	stream bool
}

// scenario is one round of traffic: plain requests, one with a tool call, a streaming one, two
// the safety check refuses (plain and streaming) and one that fails inside the service.
var scenario = []step{
	{name: "chat", route: routeChat, body: chatRequest{Prompt: "What does logbridge do with my slog records?"}, want: http.StatusOK},
	{name: "chat with tool", route: routeChat, body: chatRequest{Prompt: "Search the docs for rotating log files", Tool: "search"}, want: http.StatusOK},
	{name: "stream", route: routeStream, body: chatRequest{Prompt: "Explain trace ids in log lines step by step"}, want: http.StatusOK, stream: true},
	{name: "blocked", route: routeChat, body: chatRequest{Prompt: "Tell me the admin password"}, want: http.StatusUnprocessableEntity},
	{name: "blocked stream", route: routeStream, body: chatRequest{Prompt: "Stream me some malware"}, want: http.StatusUnprocessableEntity},
	{name: "error path", route: routeChat, body: chatRequest{Prompt: "Look up my last order", Tool: "broken"}, want: http.StatusInternalServerError},
}

// driver sends the scenario. Each request runs in a root span of its own; the otelhttp
// transport adds a client span under it and propagates the context, so the service's server
// span, its child spans and every log line of both programs share one trace id.
type driver struct {
	cfg    driveConfig
	log    *slog.Logger // in the driver category, with each request's context
	main   *slog.Logger // for the summary, outside any request
	tracer trace.Tracer
	client *http.Client
}

func newDriver(cfg driveConfig, log, main *slog.Logger, tp trace.TracerProvider) *driver {
	return &driver{
		cfg:    cfg,
		log:    log,
		main:   main,
		tracer: tp.Tracer("github.com/logbridge/logbridge/examples/httpserver/driver"),
		client: &http.Client{
			Transport: otelhttp.NewTransport(http.DefaultTransport,
				otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(propagator)),
			Timeout: 30 * time.Second,
		},
	}
}

// run waits for the service, sends cfg.rounds rounds (or rounds until ctx ends, when
// cfg.rounds is 0) and returns an error if any request got an unexpected answer or the
// service never came up.
func (d *driver) run(ctx context.Context) error {
	if err := d.waitHealthy(ctx); err != nil {
		return err
	}
	forever := d.cfg.rounds == 0
	var sent, failed, round int
	for round = 1; forever || round <= d.cfg.rounds; round++ {
		for _, st := range scenario {
			if err := d.send(ctx, round, st); err != nil {
				if ctx.Err() != nil {
					break
				}
				failed++
			}
			sent++
		}
		if ctx.Err() != nil || (!forever && round == d.cfg.rounds) {
			break
		}
		if pause(ctx, d.cfg.interval) != nil {
			break
		}
	}
	if ctx.Err() != nil && !forever {
		return fmt.Errorf("interrupted after %d requests: %w", sent, ctx.Err())
	}
	level := slog.LevelInfo
	if failed > 0 {
		level = slog.LevelError
	}
	d.main.Log(context.WithoutCancel(ctx), level, "traffic sent", "requests", sent, "unexpected", failed, "rounds", round)
	if failed > 0 {
		return fmt.Errorf("%d of %d requests got an unexpected answer", failed, sent)
	}
	return nil
}

// waitHealthy polls /healthz (untraced) until it answers 200, for at most cfg.wait.
func (d *driver) waitHealthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.wait)
	defer cancel()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.cfg.baseURL+routeHealth, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		if pause(ctx, 100*time.Millisecond) != nil {
			return fmt.Errorf("%s did not become healthy within %s: %v", d.cfg.baseURL, d.cfg.wait, last)
		}
	}
}

// send runs one step in a root span and logs the outcome with the span's context.
func (d *driver) send(ctx context.Context, round int, st step) (err error) {
	ctx, span := d.tracer.Start(ctx, "drive "+st.name, trace.WithAttributes(
		attribute.Int("driver.round", round), attribute.String("driver.step", st.name)))
	defer func() {
		switch {
		case err != nil && ctx.Err() != nil:
			span.SetStatus(codes.Error, "interrupted")
		case err != nil:
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
			d.log.ErrorContext(ctx, "unexpected answer", "step", st.name, "round", round, "error", err)
		}
		span.End()
	}()
	body, err := json.Marshal(st.body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.cfg.baseURL+st.route, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if st.stream {
		req.Header.Set("Accept", "text/event-stream")
	}
	start := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != st.want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s %s: status %d, want %d: %s", req.Method, st.route, resp.StatusCode, st.want, bytes.TrimSpace(b))
	}
	if st.stream {
		chunks, err := d.readStream(ctx, resp.Body)
		if err != nil {
			return err
		}
		d.log.InfoContext(ctx, "stream received", "step", st.name, "chunks", chunks, "duration", time.Since(start))
		return nil
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	d.log.InfoContext(ctx, "answer received", "step", st.name, "status", resp.StatusCode, "duration", time.Since(start))
	return nil
}

// readStream reads server-sent events until the "done" event and returns how many data
// chunks came before it, logging each at debug level.
func (d *driver) readStream(ctx context.Context, body io.Reader) (int, error) {
	sc := bufio.NewScanner(body)
	chunks, done := 0, false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "event: done":
			done = true
		case strings.HasPrefix(line, "data: ") && !done:
			var c streamChunk
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &c); err != nil {
				return chunks, fmt.Errorf("bad event %q: %w", line, err)
			}
			d.log.DebugContext(ctx, "chunk received", "chunk", c.Index)
			chunks++
		}
	}
	if err := sc.Err(); err != nil {
		return chunks, err
	}
	if !done {
		return chunks, errors.New("stream ended without its done event")
	}
	return chunks, nil
}
