package filelog_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/logbridge/logbridge/filelog"
	"github.com/logbridge/logbridge/vocab"
)

// fixedTime makes the examples' output stable: every record gets the same time.
func fixedTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Time(slog.TimeKey, time.Date(2026, 11, 23, 18, 57, 2, 123456789, time.UTC))
	}
	return a
}

func ExampleNewHandler() {
	h := filelog.NewHandler(os.Stdout, &filelog.Options{ReplaceAttr: fixedTime})
	logger := slog.New(h.WithLogger("server", "http"))

	logger.Info("[bold green]listening[/] on port 8080", "addr", ":8080")
	logger.Warn("slow request", slog.Group("req", "method", "GET", "path", "/a b"), "took", 1500*time.Millisecond)
	logger.Error("bad input\nforged line", "user", "eve\r\n2026-11-23T18:57:02.123Z INFO admin logged in")
	// Output:
	// 2026-11-23T18:57:02.123Z INFO server:27 http: listening on port 8080 addr=:8080
	// 2026-11-23T18:57:02.123Z WARNING server:28 http: slow request req.method=GET req.path="/a b" took=1.5s
	// 2026-11-23T18:57:02.123Z ERROR server:29 http: "bad input\nforged line" user="eve\r\n2026-11-23T18:57:02.123Z INFO admin logged in"
}

func ExampleNewHandler_json() {
	h := filelog.NewHandler(os.Stdout, &filelog.Options{Format: vocab.FormatJSON, ReplaceAttr: fixedTime})
	logger := slog.New(h.WithLogger("server", "http")).WithGroup("req")

	logger.Info("[dim]request[/dim] done", "status", 200, "path", "/api")
	// Output:
	// {"time":"2026-11-23T18:57:02.123Z","level":"INFO","logger":"server","log.category":"http","msg":"request done","req":{"status":200,"path":"/api"}}
}

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "filelog-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	// Missing directories are created; the file is created with mode 0600.
	f, err := filelog.Open(filepath.Join(dir, "logs", "app.log"), &filelog.RotateOptions{MaxSizeMB: 10, MaxBackups: 5})
	if err != nil {
		fmt.Println(err) // names the path and the cause
		return
	}
	logger := slog.New(filelog.NewHandler(f, &filelog.Options{ReplaceAttr: fixedTime}))
	logger.Info("started", "pid", 42)
	if err := f.Close(); err != nil { // Close syncs the file to disk
		fmt.Println(err)
	}

	data, _ := os.ReadFile(filepath.Join(dir, "logs", "app.log"))
	fmt.Print(string(data))
	fmt.Println(f.Stats().Writes, "written,", f.Stats().WriteErrors, "failed")

	_, err = filelog.Open(dir, nil)
	fmt.Println(err != nil)
	// Output:
	// 2026-11-23T18:57:02.123Z INFO started pid=42
	// 1 written, 0 failed
	// true
}

func ExampleFile_ReopenOnSignal() {
	f, err := filelog.Open("/var/log/myapp/app.log", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	// logrotate's postrotate script sends SIGHUP after renaming the file; new records then go
	// to a new file at the path. (Or set RotateOptions.ReopenOnSIGHUP.)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	f.ReopenOnSignal(ctx)
	slog.SetDefault(slog.New(filelog.NewHandler(f, nil)))
}
