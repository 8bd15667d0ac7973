package console_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/vocab"
)

// noTime removes the time column, so the output is the same on every run.
func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && groups == nil {
		return slog.Attr{}
	}
	return a
}

func Example() {
	h := console.NewHandler(os.Stdout, &console.Options{
		Level:       slog.LevelDebug,
		Color:       vocab.ColorNever, // a terminal would get color; this output is checked
		Width:       72,               // a terminal's own width is followed; a pipe gets none
		ReplaceAttr: noTime,
	})
	logger := slog.New(h.WithLogger("myapp.db", "core"))

	logger.Debug("connected to [bold]primary[/] in 3ms", "host", "db-1", "pool", 8)
	logger.With("query", "SELECT 1").Warn("slow query", "took", 1500*time.Millisecond)
	logger.Error("query failed", "err", fmt.Errorf("query users: %w", io.ErrUnexpectedEOF))
	// Output:
	// DEBUG    connected to primary in 3ms host=db-1 pool=8      core myapp.db
	// WARNING  slow query query="SELECT 1" took=1.5s             core myapp.db
	// ERROR    query failed err="query users: unexpected EOF"    core myapp.db
	//          err: query users
	//               └─ unexpected EOF
}

// With a width, long messages wrap under the message column.
func ExampleOptions_width() {
	logger := slog.New(console.NewHandler(os.Stdout, &console.Options{
		Width:       50,
		ReplaceAttr: noTime,
		Env:         []string{}, // decide color from this, not the process environment: none
	}))
	logger.Info("a message long enough to need more than one line at fifty columns", "attempt", 3)
	// Output:
	// INFO     a message long enough to need more than
	//          one line at fifty columns attempt=3
}

// The category and logger name go in the right-hand column when there is a width, after the
// body when there is none (here).
func ExampleHandler_WithLogger() {
	h := console.NewHandler(os.Stdout, &console.Options{Color: vocab.ColorNever, ReplaceAttr: noTime})
	db := slog.New(h.WithLogger("myapp.db", "core"))
	web := slog.New(h.WithLogger("myapp.http", "server"))
	db.Info("pool ready")
	web.InfoContext(context.Background(), "listening", "addr", ":8080")
	// Output:
	// INFO     pool ready  core myapp.db
	// INFO     listening addr=:8080  server myapp.http
}
