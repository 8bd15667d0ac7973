package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/httplog"
	"github.com/logbridge/logbridge/otellog"
)

// The example's log categories. Each has its own level (DEMO_LOGGING="inference=debug,all=info")
// and reaches Loki as the log_category structured metadata field.
const (
	catServer    = "server"
	catInference = "inference"
	catSafety    = "safety"
	catTools     = "tools"
	catDriver    = "driver"
)

// categories lists every category the program declares.
var categories = []string{catServer, catInference, catSafety, catTools, catDriver}

// Logger names: the OTLP instrumentation scope of each logger. Only loggerMain logs outside a
// request (start-up, shutdown, the driver's summary), so only its records lack a trace id.
const (
	loggerMain      = "httpserver"
	loggerHTTP      = "httpserver.http"
	loggerInference = "httpserver.inference"
	loggerSafety    = "httpserver.safety"
	loggerTools     = "httpserver.tools"
	loggerDriver    = "httpserver.driver"
)

// Routes of the service.
const (
	routeChat   = "/v1/chat"
	routeStream = "/v1/chat/stream"
	routeHealth = "/healthz"
	routeLevels = "/debug/levels"
)

// maxBody bounds a request body.
const maxBody = 64 << 10

// chatRequest is the body of POST /v1/chat and POST /v1/chat/stream.
type chatRequest struct {
	Prompt string `json:"prompt"`
	// Tool, when set, is called before generation: "search", "calculator", or "broken" (which
	// always fails, for the error path).
	Tool string `json:"tool,omitempty"`
}

// chatResponse is the answer of POST /v1/chat.
type chatResponse struct {
	Reply      string `json:"reply"`
	Tokens     int    `json:"tokens"`
	ToolResult string `json:"tool_result,omitempty"`
	TraceID    string `json:"trace_id"`
}

// streamChunk is one server-sent event of POST /v1/chat/stream.
type streamChunk struct {
	Index int    `json:"index"`
	Text  string `json:"text"`
}

// errorResponse is the body of every 4xx and 5xx answer.
type errorResponse struct {
	Error   string `json:"error"`
	TraceID string `json:"trace_id,omitempty"`
}

// service is the fake chat service: every request goes through a safety check, an optional
// tool call and an "inference" step, each a child span with logs in its own category.
type service struct {
	http, inference, safety, tools *slog.Logger

	tracer  trace.Tracer
	tp      trace.TracerProvider
	latency time.Duration // simulated work per step
	metrics *inferenceMetrics
}

func newService(lb *otellog.Bridge, tp trace.TracerProvider, latency time.Duration) *service {
	s := &service{
		http:      lb.MustLogger(loggerHTTP, catServer),
		inference: lb.MustLogger(loggerInference, catInference),
		safety:    lb.MustLogger(loggerSafety, catSafety),
		tools:     lb.MustLogger(loggerTools, catTools),
		tracer:    tp.Tracer("github.com/logbridge/logbridge/examples/httpserver"),
		tp:        tp,
		latency:   latency,
	}
	var err error
	if s.metrics, err = newInferenceMetrics(otel.GetMeterProvider()); err != nil {
		s.inference.Warn("inference metrics unavailable", "error", err)
	}
	return s
}

// propagator carries the trace context between the driver and the service.
var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// handler returns the service's routes behind otelhttp (a server span per request, named
// after the route) and an access log. levels is mounted at /debug/levels.
func (s *service) handler(levels http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+routeChat, s.handleChat)
	mux.HandleFunc("POST "+routeStream, s.handleStream)
	mux.HandleFunc("GET "+routeHealth, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle(routeLevels, levels)
	// The access log and panic recovery, in the server category; health checks are not logged.
	logged := httplog.Handler(s.http, mux, &httplog.Options{Skip: func(r *http.Request) bool { return r.URL.Path == routeHealth }})
	return otelhttp.NewHandler(logged, "httpserver",
		otelhttp.WithTracerProvider(s.tp),
		otelhttp.WithPropagators(propagator),
		// Health checks (Docker's, every few seconds) would drown the traces.
		otelhttp.WithFilter(func(r *http.Request) bool { return r.URL.Path != routeHealth }),
	)
}

// handleChat answers a prompt in one JSON response.
func (s *service) handleChat(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, ok := s.admit(w, r)
	if !ok {
		return
	}
	var toolResult string
	if req.Tool != "" {
		var err error
		toolResult, err = s.callTool(ctx, req.Tool, req.Prompt)
		if errors.Is(err, errUnknownTool) {
			s.http.WarnContext(ctx, "unknown tool requested", "tool", req.Tool)
			writeError(ctx, w, http.StatusBadRequest, err.Error())
			return
		}
		if err != nil {
			s.fail(ctx, w, err)
			return
		}
	}
	reply, err := s.generate(ctx, req.Prompt, toolResult)
	if err != nil {
		s.fail(ctx, w, err)
		return
	}
	writeJSON(w, http.StatusOK, chatResponse{
		Reply: reply, Tokens: len(strings.Fields(reply)), ToolResult: toolResult, TraceID: traceID(ctx),
	})
}

// handleStream answers a prompt as server-sent events, a few words per event, logging each
// chunk.
func (s *service) handleStream(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, ok := s.admit(w, r)
	if !ok {
		return
	}
	reply, err := s.generate(ctx, req.Prompt, "")
	if err != nil {
		s.fail(ctx, w, err)
		return
	}
	chunks := chunkWords(reply, 3)

	ctx, span := s.tracer.Start(ctx, "inference.stream", trace.WithAttributes(attribute.Int("stream.chunks", len(chunks))))
	defer span.End()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	for i, text := range chunks {
		data, _ := json.Marshal(streamChunk{Index: i, Text: text})
		_, err := fmt.Fprintf(w, "data: %s\n\n", data)
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			s.inference.WarnContext(ctx, "client went away mid-stream", "chunk", i, "error", err)
			span.SetStatus(codes.Error, "client went away")
			return
		}
		span.AddEvent("chunk", trace.WithAttributes(attribute.Int("chunk.index", i)))
		s.inference.InfoContext(ctx, "stream chunk sent", "chunk", i, "of", len(chunks), "bytes", len(data))
		if err := pause(ctx, s.latency/4); err != nil {
			s.inference.WarnContext(ctx, "stream cancelled", "chunk", i, "error", err)
			return
		}
	}
	_, _ = fmt.Fprintf(w, "event: done\ndata: {\"chunks\":%d,\"trace_id\":%q}\n\n", len(chunks), traceID(ctx))
	_ = rc.Flush()
	s.inference.InfoContext(ctx, "[bold]stream[/bold] complete", "chunks", len(chunks))
}

// admit reads the request and runs the safety check; on a bad body (400) or a blocked prompt
// (422) it answers and returns false.
func (s *service) admit(w http.ResponseWriter, r *http.Request) (chatRequest, bool) {
	req, ok := s.readRequest(w, r)
	if !ok {
		return req, false
	}
	if rule := s.check(r.Context(), req.Prompt); rule != "" {
		writeError(r.Context(), w, http.StatusUnprocessableEntity, "prompt blocked by safety rule "+rule)
		return req, false
	}
	return req, true
}

// readRequest decodes the JSON body; on a bad one it answers 400 and returns false.
func (s *service) readRequest(w http.ResponseWriter, r *http.Request) (chatRequest, bool) {
	var req chatRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(&req)
	if err == nil && strings.TrimSpace(req.Prompt) == "" {
		err = errors.New("empty prompt")
	}
	if err != nil {
		s.http.WarnContext(r.Context(), "bad request body", "error", err)
		writeError(r.Context(), w, http.StatusBadRequest, "bad request: "+err.Error())
		return req, false
	}
	s.http.DebugContext(r.Context(), "chat request", "prompt_chars", len(req.Prompt), "tool", req.Tool)
	return req, true
}

// fail answers 500 for an error of a step and logs it at error level, with the error value
// (which the OTLP sink turns into exception.* attributes).
func (s *service) fail(ctx context.Context, w http.ResponseWriter, err error) {
	s.http.ErrorContext(ctx, "[red]chat failed[/red]", "error", err)
	writeError(ctx, w, http.StatusInternalServerError, "internal error")
}

// blockedWords are the fake safety rules: a prompt containing one is refused.
var blockedWords = []string{"password", "exploit", "malware"}

// check runs the fake safety classifier in a child span and returns the rule the prompt
// breaks, or "".
func (s *service) check(ctx context.Context, prompt string) string {
	ctx, span := s.tracer.Start(ctx, "safety.check")
	defer span.End()
	s.safety.DebugContext(ctx, "checking prompt", "rules", len(blockedWords))
	_ = pause(ctx, s.latency/2)
	lower := strings.ToLower(prompt)
	for _, w := range blockedWords {
		if strings.Contains(lower, w) {
			rule := "no-" + w
			span.SetAttributes(attribute.String("safety.verdict", "blocked"), attribute.String("safety.rule", rule))
			s.safety.WarnContext(ctx, "prompt [yellow]blocked[/yellow]", "rule", rule)
			return rule
		}
	}
	span.SetAttributes(attribute.String("safety.verdict", "allowed"))
	s.safety.InfoContext(ctx, "prompt allowed", "rules_checked", len(blockedWords))
	return ""
}

// errUnknownTool is the error of a call to a tool that does not exist.
var errUnknownTool = errors.New("unknown tool")

// errToolBackend is what the "broken" tool's backend always answers.
var errToolBackend = errors.New("dial tcp 127.0.0.1:7: connect: connection refused")

// callTool runs a fake tool in a child span.
func (s *service) callTool(ctx context.Context, name, prompt string) (string, error) {
	ctx, span := s.tracer.Start(ctx, "tools."+name, trace.WithAttributes(attribute.String("tool.name", name)))
	defer span.End()
	s.tools.InfoContext(ctx, "calling tool", "tool", name)
	if err := pause(ctx, s.latency); err != nil {
		return "", err
	}
	var result string
	var err error
	switch name {
	case "search":
		result = fmt.Sprintf("3 documents match %q", firstWords(prompt, 4))
	case "calculator":
		result = "42"
	case "broken":
		err = fmt.Errorf("tool %q: lookup backend: %w", name, errToolBackend)
	default:
		span.SetStatus(codes.Error, "unknown tool")
		return "", fmt.Errorf("%w %q (want search, calculator or broken)", errUnknownTool, name)
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		s.tools.ErrorContext(ctx, "tool call failed", "tool", name, "error", err)
		return "", err
	}
	s.tools.InfoContext(ctx, "tool answered", "tool", name, "result_chars", len(result))
	return result, nil
}

// generate is the fake model: it "thinks" for the configured latency and builds a reply from
// the prompt, in a child span with gen_ai.* attributes.
func (s *service) generate(ctx context.Context, prompt, toolResult string) (string, error) {
	ctx, span := s.tracer.Start(ctx, "inference.generate")
	defer span.End()
	start := time.Now()
	in := len(strings.Fields(prompt))
	s.inference.DebugContext(ctx, "prompt tokenized", "input_tokens", in)
	if err := pause(ctx, s.latency); err != nil {
		span.SetStatus(codes.Error, err.Error())
		return "", err
	}
	reply := "You asked about " + firstWords(prompt, 6) + ". logbridge puts this answer's logs next to its trace"
	if toolResult != "" {
		reply += " (tool said: " + toolResult + ")"
	}
	out := len(strings.Fields(reply))
	s.metrics.record(ctx, in, out, time.Since(start))
	span.SetAttributes(
		attribute.String("gen_ai.request.model", genAIModel),
		attribute.Int("gen_ai.usage.input_tokens", in),
		attribute.Int("gen_ai.usage.output_tokens", out),
	)
	s.inference.InfoContext(ctx, "generation [green]done[/green]", "model", genAIModel,
		"input_tokens", in, "output_tokens", out, "duration", time.Since(start))
	return reply, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(ctx context.Context, w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorResponse{Error: msg, TraceID: traceID(ctx)})
}

// traceID returns the id of the trace in ctx, or "".
func traceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return ""
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// firstWords returns the first n words of s.
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

// chunkWords splits s into pieces of n words.
func chunkWords(s string, n int) []string {
	f := strings.Fields(s)
	var out []string
	for len(f) > 0 {
		k := min(n, len(f))
		piece := strings.Join(f[:k], " ")
		f = f[k:]
		if len(f) > 0 {
			piece += " "
		}
		out = append(out, piece)
	}
	return out
}
