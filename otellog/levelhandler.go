package otellog

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/vocab"
)

// maxSpecBody bounds the request body of a level change.
const maxSpecBody = 64 << 10

// LevelsState is what the level handler shows: the spec in force and every category's effective
// level.
type LevelsState struct {
	// Spec is the level spec in force, in the form SetLevels and <PREFIX>_LOGGING take.
	Spec string `json:"spec"`
	// Root is the level of uncategorized records.
	Root string `json:"root"`
	// Categories maps every declared or used category to its effective level.
	Categories map[string]string `json:"categories"`
	// Warnings lists the pieces of the last change that were ignored (only in PUT answers).
	Warnings []string `json:"warnings,omitempty"`
}

type levelHandler struct{ c *core }

// ServeHTTP shows the levels on GET and changes them on PUT or POST, like zap's AtomicLevel:
//
//	GET  -> 200 {"spec": "all=info,root=warn,core=debug", "root": "warn", "categories": {...}}
//	PUT  body "core=debug,server=warn" (any content type: curl --data sends it as a form),
//	     {"spec": "..."} (application/json) or spec=... (a form field)
//	     -> 200 with the new state and the "warnings" of pieces ignored,
//	     400 when no piece of the spec was valid.
//
// It has no authentication of its own: mount it where only operators reach it.
func (h levelHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.writeState(w, http.StatusOK, nil)
	case http.MethodPut, http.MethodPost:
		spec, err := readSpec(r)
		if err != nil {
			h.writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		levels, diags := config.ParseLevels(spec, "HTTP "+r.Method)
		catDiags := h.c.reg.apply(levels)
		diags = append(diags, catDiags...)
		var warnings []string
		for _, d := range diags {
			warnings = append(warnings, d.Error())
		}
		// Refuse a change that applied nothing, so a typo is not taken for success.
		applied := boolInt(levels.HasAll) + boolInt(levels.HasRoot) + len(levels.Pairs) - len(catDiags)
		if applied == 0 {
			if len(warnings) == 0 {
				warnings = []string{"empty spec: want e.g. core=debug,all=warn"}
			}
			h.writeState(w, http.StatusBadRequest, warnings)
			return
		}
		h.c.rep.write(-1, slog.LevelInfo, "levels changed over HTTP", slog.String("spec", spec), slog.String("remote", r.RemoteAddr))
		h.writeState(w, http.StatusOK, warnings)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, POST")
		h.writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; GET the levels or PUT a spec")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readSpec takes the spec from the body: {"spec": "..."} for application/json, the spec form
// field when a form has one, and otherwise the body itself, whatever its content type (curl
// --data sends "core=debug,all=warn" as a form; a form body without a spec field is taken as
// the spec, percent-decoded).
func readSpec(r *http.Request) (string, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxSpecBody))
	if err != nil {
		return "", errString("cannot read the body: " + err.Error())
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var req struct {
			Spec *string `json:"spec"`
		}
		if err := json.Unmarshal(body, &req); err != nil || req.Spec == nil {
			return "", errString(`want a JSON body like {"spec": "core=debug,all=warn"}`)
		}
		return *req.Spec, nil
	case "application/x-www-form-urlencoded":
		if form, err := url.ParseQuery(string(body)); err == nil && form.Has("spec") {
			return form.Get("spec"), nil
		}
		if spec, err := url.QueryUnescape(string(body)); err == nil {
			return spec, nil
		}
	}
	return string(body), nil
}

type errString string

func (e errString) Error() string { return string(e) }

func (h levelHandler) state() LevelsState {
	settings, levels := h.c.reg.snapshot()
	st := LevelsState{Spec: settings.Spec(), Root: vocab.LevelKey(settings.Root), Categories: make(map[string]string, len(levels))}
	for _, name := range slices.Sorted(maps.Keys(levels)) {
		st.Categories[name] = vocab.LevelKey(levels[name])
	}
	return st
}

func (h levelHandler) writeState(w http.ResponseWriter, status int, warnings []string) {
	st := h.state()
	st.Warnings = warnings
	writeJSON(w, status, st)
}

func (h levelHandler) writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
