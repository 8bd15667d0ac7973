package filelog

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/logbridge/logbridge/vocab"
)

func openT(t *testing.T, path string, opts *RotateOptions) *File {
	t.Helper()
	f, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOpenCreatesAndAppends(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "app.log")
	f := openT(t, path, nil)
	// Open really opens: the file exists before the first record.
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("file not created by Open: %v", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 || perm&0o600 != 0o600 {
		t.Errorf("new file mode %v, want 0600", perm)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm&0o007 != 0 {
		t.Errorf("new directory mode %v is open to others", perm)
	}
	l := slog.New(NewHandler(f, nil))
	l.Info("first")
	// The record reached the OS when Info returned: readable before any Sync or Close.
	if got := readFile(t, path); !strings.HasSuffix(got, " INFO first\n") {
		t.Fatalf("file holds %q right after the call", got)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f2 := openT(t, path, nil)
	slog.New(NewHandler(f2, nil)).Info("second")
	f2.Close()
	got := strings.Split(strings.TrimSuffix(readFile(t, path), "\n"), "\n")
	if len(got) != 2 || !strings.HasSuffix(got[0], "first") || !strings.HasSuffix(got[1], "second") {
		t.Fatalf("not appended: %q", got)
	}
	if st := f2.Stats(); st.Writes != 1 || st.WriteErrors != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestOpenModeNeverWorldReadable(t *testing.T) {
	for _, tc := range []struct {
		mode, want fs.FileMode
	}{{0, 0o600}, {0o640, 0o640}, {0o644, 0o640}, {0o666, 0o660}, {0o600, 0o600}} {
		old := syscall.Umask(0) // the umask may only narrow the mode; 0 shows the mode itself
		path := filepath.Join(t.TempDir(), "app.log")
		f, err := Open(path, &RotateOptions{Mode: tc.mode, MaxSizeMB: 1})
		if err != nil {
			syscall.Umask(old)
			t.Fatal(err)
		}
		// Rotation creates the next file with the same mode.
		err = f.Rotate()
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
		if len(matches) != 2 {
			t.Fatalf("want the file and one backup, got %v", matches)
		}
		for _, m := range matches {
			fi, err := os.Stat(m)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tc.want {
				t.Errorf("Mode %v: %s has mode %v, want %v", tc.mode, filepath.Base(m), fi.Mode().Perm(), tc.want)
			}
		}
	}
}

// checkOpenError checks that err names path and has the cause want.
func checkOpenError(t *testing.T, err error, path string, want error, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Open(%s) succeeded", path)
	}
	if !errors.Is(err, want) {
		t.Errorf("error %q is not %v", err, want)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), text) {
		t.Errorf("error %q does not name the path %s and the cause %q", err, path, text)
	}
}

func TestOpenUnwritable(t *testing.T) {
	t.Run("directory", func(t *testing.T) {
		path := t.TempDir()
		_, err := Open(path, nil)
		checkOpenError(t, err, path, syscall.EISDIR, "is a directory")
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("the directory was touched: %v", err)
		}
	})
	t.Run("parent is a file", func(t *testing.T) {
		parent := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(parent, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(parent, "sub", "app.log")
		_, err := Open(path, nil)
		checkOpenError(t, err, path, syscall.ENOTDIR, "not a directory")
	})
	t.Run("empty path", func(t *testing.T) {
		if _, err := Open("", nil); err == nil {
			t.Fatal("Open(\"\") succeeded")
		}
	})
	t.Run("sysfs rejects files", func(t *testing.T) {
		// A file system that refuses new files even to root: sysfs answers EACCES.
		if _, err := os.Stat("/sys/kernel"); err != nil {
			t.Skip("no /sys/kernel")
		}
		path := "/sys/kernel/logbridge-filelog-test.log"
		_, err := Open(path, nil)
		checkOpenError(t, err, path, fs.ErrPermission, "permission denied")
	})
	t.Run("permission denied", func(t *testing.T) {
		// Root bypasses permission bits, so the check runs with the file-system user ID of
		// nobody on one locked OS thread (setfsuid affects only the calling thread).
		dir := t.TempDir()
		for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
			os.Chmod(d, 0o755)
		}
		locked := filepath.Join(dir, "locked")
		if err := os.Mkdir(locked, 0o700); err != nil {
			t.Fatal(err)
		}
		existing := filepath.Join(dir, "existing.log")
		if err := os.WriteFile(existing, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{filepath.Join(locked, "app.log"), filepath.Join(locked, "sub", "app.log"), existing} {
			err := asNobody(t, func() error {
				f, err := Open(path, nil)
				if err == nil {
					f.Close()
				}
				return err
			})
			checkOpenError(t, err, path, fs.ErrPermission, "permission denied")
		}
	})
	t.Run("read-only file system", testOpenReadOnlyFS)
}

// asNobody runs f on a locked OS thread whose file-system user ID is nobody's (65534).
func asNobody(t *testing.T, f func() error) error {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch the file-system user ID")
	}
	errc := make(chan error, 1)
	go func() {
		// The thread stays locked and is discarded when this goroutine ends.
		runtime.LockOSThread()
		syscall.Syscall(syscall.SYS_SETFSUID, 65534, 0, 0)
		if cur, _, _ := syscall.Syscall(syscall.SYS_SETFSUID, 65534, 0, 0); cur != 65534 {
			errc <- errSkip
			return
		}
		errc <- f()
	}()
	err := <-errc
	if err == errSkip {
		t.Skip("setfsuid not permitted here")
	}
	return err
}

var errSkip = errors.New("skip")

// testOpenReadOnlyFS mounts a read-only tmpfs in a private mount namespace of a child process
// (the test binary itself) and opens a log file on it there.
func testOpenReadOnlyFS(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a private mount namespace")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReadOnlyFSChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "FILELOG_RO_CHILD="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	if err != nil && (errors.Is(err, syscall.EPERM) || strings.Contains(string(out), "mount: operation not permitted")) {
		t.Skipf("no private mount namespace here: %v %s", err, out)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestReadOnlyFSChild") {
		t.Fatalf("child did not run:\n%s", out)
	}
	t.Logf("child:\n%s", out)
}

// TestReadOnlyFSChild is the child half of the read-only file system test; it runs only as a
// child of testOpenReadOnlyFS, in its own mount namespace.
func TestReadOnlyFSChild(t *testing.T) {
	dir := os.Getenv("FILELOG_RO_CHILD")
	if dir == "" {
		t.Skip("runs as the child of TestOpenUnwritable/read-only_file_system")
	}
	if err := syscall.Mount("none", dir, "tmpfs", syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("mount: %v", err)
	}
	for _, path := range []string{filepath.Join(dir, "app.log"), filepath.Join(dir, "sub", "app.log")} {
		_, err := Open(path, nil)
		checkOpenError(t, err, path, syscall.EROFS, "read-only file system")
		t.Logf("Open(%s): %v", path, err)
	}
}

// TestDiskFull writes to /dev/full, which fails every write with ENOSPC: Handle returns the
// error and the File counts it.
func TestDiskFull(t *testing.T) {
	f := openT(t, "/dev/full", nil)
	h := NewHandler(f, nil)
	for i := range 3 {
		err := h.Handle(context.Background(), slog.NewRecord(testTime, slog.LevelInfo, "m"+strconv.Itoa(i), 0))
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "/dev/full") {
			t.Fatalf("Handle: %v, want ENOSPC naming /dev/full", err)
		}
	}
	st := f.Stats()
	if st.WriteErrors != 3 || st.Writes != 0 || !errors.Is(st.LastError, syscall.ENOSPC) {
		t.Fatalf("stats %+v", st)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("Close of a device: %v", err)
	}

	// Directly on an *os.File, too.
	w, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := NewHandler(w, &Options{Format: vocab.FormatJSON}).Handle(context.Background(), slog.NewRecord(testTime, slog.LevelInfo, "m", 0)); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Handle: %v, want ENOSPC", err)
	}
}

func TestClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f := openT(t, path, nil)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, err := f.Write([]byte("x\n"))
	if !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Write after Close: %v", err)
	}
	if st := f.Stats(); st.WriteErrors != 0 || st.Writes != 0 { // nothing is counted after Close
		t.Fatalf("stats %+v", st)
	}
	if err := f.Reopen(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Reopen after Close: %v", err)
	}
	if err := f.Sync(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Sync after Close: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// readRecords reads every line of the log files in dir (rotated backups, gzipped or not,
// and the current file).
func readRecords(t *testing.T, dir string) (lines []string, files int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		var r io.Reader
		fh, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		r = fh
		if strings.HasSuffix(e.Name(), ".gz") {
			zr, err := gzip.NewReader(fh)
			if err != nil {
				t.Fatalf("%s: %v", e.Name(), err)
			}
			r = zr
		}
		data, err := io.ReadAll(r)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if len(data) > 0 && data[len(data)-1] != '\n' {
			t.Fatalf("%s does not end with a whole line", e.Name())
		}
		files++
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}
	return lines, files
}

// waitCompressed waits (bounded) until lumberjack's background goroutine has compressed every
// backup, so the files can be read and the directory removed.
func waitCompressed(t *testing.T, dir, current string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		entries, _ := os.ReadDir(dir)
		pending := 0
		for _, e := range entries {
			if e.Name() != current && !strings.HasSuffix(e.Name(), ".gz") {
				pending++
			}
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backups still not compressed after a minute", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRotationConcurrent writes from 16 goroutines across several rotations and finds every
// record exactly once, whole, in the files.
func TestRotationConcurrent(t *testing.T) {
	for _, compress := range []bool{false, true} {
		t.Run("compress="+strconv.FormatBool(compress), func(t *testing.T) {
			dir := t.TempDir()
			f := openT(t, filepath.Join(dir, "app.log"), &RotateOptions{MaxSizeMB: 1, Compress: compress})
			root := slog.New(NewHandler(f, nil).WithLogger("app", "core"))
			const goroutines, perG = 16, 1500 // about 5 MB: 4 to 5 rotations at 1 MB
			pad := strings.Repeat("p", 120)
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					l := root.With("g", g)
					for i := range perG {
						if err := l.Handler().Handle(context.Background(), record(i, pad)); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if compress {
				waitCompressed(t, dir, "app.log")
			}
			lines, files := readRecords(t, dir)
			if files < 4 {
				t.Errorf("only %d files: not enough rotations", files)
			}
			seen := make(map[string]int, goroutines*perG)
			for _, line := range lines {
				p, err := parseTextLine(line)
				if err != nil {
					t.Fatalf("%v: %q", err, line)
				}
				g, _ := p.attr("g")
				i, _ := p.attr("i")
				if v, _ := p.attr("pad"); v != pad || p.Msg != "record "+i {
					t.Fatalf("damaged line %q", line)
				}
				seen[g+"/"+i]++
			}
			for g := range goroutines {
				for i := range perG {
					if n := seen[fmt.Sprintf("%d/%d", g, i)]; n != 1 {
						t.Fatalf("record %d/%d found %d times", g, i, n)
					}
				}
			}
			if len(lines) != goroutines*perG {
				t.Fatalf("%d lines, want %d", len(lines), goroutines*perG)
			}
			if st := f.Stats(); st.Writes != goroutines*perG || st.WriteErrors != 0 {
				t.Fatalf("stats %+v", st)
			}
			t.Logf("%d records in %d files", len(lines), files)
		})
	}
}

func record(i int, pad string) slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "record "+strconv.Itoa(i), 0)
	r.AddAttrs(slog.Int("i", i), slog.String("pad", pad))
	return r
}

// TestReopen is the logrotate hand-over: rename the file, reopen, and new records go to a new
// file at the path while the renamed file keeps the old ones.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	f := openT(t, path, nil)
	l := slog.New(NewHandler(f, nil))
	l.Info("before")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	l.Info("still old") // until the reopen, the renamed file gets the records
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	l.Info("after")
	f.Close()
	old, cur := readFile(t, path+".1"), readFile(t, path)
	if !strings.Contains(old, "before") || !strings.Contains(old, "still old") || strings.Contains(old, "after") {
		t.Errorf("renamed file: %q", old)
	}
	if !strings.Contains(cur, "after") || strings.Contains(cur, "before") {
		t.Errorf("new file: %q", cur)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("reopened file mode %v", fi.Mode().Perm())
	}
	if st := f.Stats(); st.Reopens != 1 || st.ReopenErrors != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestReopenFailureKeepsFile checks that a reopen that cannot open the path keeps writing to
// the file it had, and counts the failure.
func TestReopenFailureKeepsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	f := openT(t, path, nil)
	l := slog.New(NewHandler(f, nil))
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil { // the path is now a directory
		t.Fatal(err)
	}
	err := f.Reopen()
	checkOpenError(t, err, path, syscall.EISDIR, "is a directory")
	l.Info("kept")
	if got := readFile(t, path+".1"); !strings.Contains(got, "kept") {
		t.Errorf("record lost after a failed reopen: %q", got)
	}
	if st := f.Stats(); st.ReopenErrors != 1 || st.Writes != 1 || !errors.Is(st.LastError, syscall.EISDIR) {
		t.Errorf("stats %+v", st)
	}
}

// TestSIGHUP sends SIGHUP to the test process after ReopenOnSignal has caught it, and waits
// (bounded) for the reopen.
func TestSIGHUP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errs []error
	var mu sync.Mutex
	f := openT(t, path, &RotateOptions{OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.ReopenOnSignal(ctx) // SIGHUP is caught when this returns: the process does not die
	l := slog.New(NewHandler(f, nil))
	l.Info("before")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for f.Stats().Reopens == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no reopen 30s after SIGHUP")
		}
		time.Sleep(5 * time.Millisecond)
	}
	l.Info("after")
	if old, cur := readFile(t, path+".1"), readFile(t, path); !strings.Contains(old, "before") || !strings.Contains(cur, "after") || strings.Contains(cur, "before") {
		t.Fatalf("old %q, new %q", old, cur)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
}

func TestRotateOption(t *testing.T) {
	// ReopenOnSIGHUP wires the signal at Open; Close stops it.
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	f := openT(t, path, &RotateOptions{ReopenOnSIGHUP: true})
	slog.New(NewHandler(f, nil)).Info("x")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for f.Stats().Reopens == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no reopen 30s after SIGHUP")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no new file at the path: %v", err)
	}
}

func TestNonRegularFile(t *testing.T) {
	f := openT(t, "/dev/null", &RotateOptions{MaxSizeMB: 1})
	line := []byte(strings.Repeat("x", 1<<19) + "\n")
	for range 4 { // 2 MB: a regular file would have rotated
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSync(t *testing.T) {
	f := openT(t, filepath.Join(t.TempDir(), "app.log"), nil)
	slog.New(NewHandler(f, nil)).Info("x")
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if st := f.Stats(); st.SyncErrors != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestRotateQuickly rotates many times in a row: every record must survive, although
// lumberjack names backups by the millisecond.
func TestRotateQuickly(t *testing.T) {
	dir := t.TempDir()
	f := openT(t, filepath.Join(dir, "app.log"), nil)
	l := slog.New(NewHandler(f, nil))
	const n = 30
	for i := range n {
		l.Info("record", "i", i)
		if err := f.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	lines, files := readRecords(t, dir)
	if len(lines) != n || files != n+1 {
		t.Fatalf("%d records in %d files, want %d in %d", len(lines), files, n, n+1)
	}
}
