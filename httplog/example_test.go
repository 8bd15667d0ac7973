package httplog_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/logbridge/logbridge/httplog"
)

// The access log and the recovery around a ServeMux. (In a service, pass a logger of the
// "server" category from otellog, and wrap the result in otelhttp.NewHandler.)
func Example() {
	// A handler that drops the time and the duration, so that the output is stable.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("item " + r.PathValue("id")))
	})
	h := httplog.Handler(logger, mux, nil)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/7", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nothing", nil))
	// Output:
	// level=INFO msg="request served" http.request.method=GET http.route="GET /items/{id}" url.path=/items/7 http.response.status_code=200 http.response.body.size=6
	// level=WARN msg="request served" http.request.method=GET http.route="" url.path=/nothing http.response.status_code=404 http.response.body.size=19
}
