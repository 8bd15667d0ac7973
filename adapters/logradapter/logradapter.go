// Package logradapter gives libraries that log through github.com/go-logr/logr (controller
// runtime, many Kubernetes and OpenTelemetry packages) a logr.Logger that writes to a
// logbridge Bridge, through logr's own slog bridge (logr.FromSlogHandler).
//
// # Levels
//
// logr's V(n) becomes slog level -n (logr's rule for slog): V(0) is INFO, V(1) to V(3) lie
// between DEBUG and INFO (shown as DEBUG+3 to DEBUG+1), V(4) is DEBUG. A category at debug
// lets them all through; at info only V(0). Error is ERROR, with the error as "err".
//
// Only this package imports logr: the core packages do not depend on it.
package logradapter

import (
	"github.com/go-logr/logr"

	"github.com/logbridge/logbridge/otellog"
)

// New returns a logr.Logger whose records go to lb's logger called name in category (empty:
// uncategorized, under the root level). The category must be one lb knows (see
// otellog.Bridge.Logger).
func New(lb *otellog.Bridge, name, category string) (logr.Logger, error) {
	l, err := lb.Logger(name, category)
	if err != nil {
		return logr.Discard(), err
	}
	return logr.FromSlogHandler(l.Handler()), nil
}
