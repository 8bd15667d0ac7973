package filelog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/logbridge/logbridge/internal/handoff"
)

// RotateOptions configure a [File]. The zero value (and a nil *RotateOptions) rotates at
// 100 MB, keeps every backup uncompressed and creates files with mode 0600.
type RotateOptions struct {
	// MaxSizeMB is the size in megabytes (MiB) a file may reach before it is rotated; 0 means
	// 100. A record is never split: the file is rotated before the write that would pass it.
	// (A single record larger than this cannot be written: its write fails and is counted.)
	MaxSizeMB int
	// MaxBackups is how many rotated files to keep; 0 keeps all (MaxAgeDays may still remove).
	MaxBackups int
	// MaxAgeDays removes rotated files older than this many days; 0 never removes by age.
	MaxAgeDays int
	// Compress gzips rotated files (in the background, after rotation).
	Compress bool
	// LocalTime uses local time in the names of rotated files instead of UTC.
	LocalTime bool
	// Mode is the permission of files this package creates; 0 means 0600. The bits for
	// others are always cleared: a log file is never world-readable. (0640 gives a log group
	// read access.) An existing file keeps its mode, and rotation carries it over.
	Mode fs.FileMode
	// CheckInterval is how often the path is looked at to notice that the file being written
	// was deleted or replaced (its directory removed, a logrotate without a signal): the file
	// is then reopened at the path (created again, with its directory), counted in
	// FileStats.Replaced and passed to OnError as an error wrapping ErrReplaced. 0 means every
	// second; a negative value never looks. Only a regular file is watched.
	CheckInterval time.Duration
	// ReopenOnSIGHUP makes Open call ReopenOnSignal(context.Background()) on the file: each
	// SIGHUP reopens the path, until Close.
	ReopenOnSIGHUP bool
	// OnError, if set, is called with errors that no caller sees otherwise: a failed reopen
	// triggered by a signal, and a failed sync of a rotated file. They are counted in Stats
	// either way. It may be called while the File's lock is held: it must not write to the File
	// (report through another sink), and should return quickly.
	OnError func(error)
}

// File is a log file opened by path: an io.Writer that appends each Write to the file with one
// write system call (no user-space buffer), rotates it by size through lumberjack, and can be
// reopened for an external logrotate. Its methods are safe for concurrent use.
//
// A path that is not a regular file when opened (a character device such as /dev/stderr or
// /dev/full, a FIFO) is written to as it is: it is never rotated or synced.
type File struct {
	path    string
	mode    fs.FileMode
	max     int64 // rotation size in bytes
	opts    RotateOptions
	onError func(error)

	mu      sync.Mutex
	closed  bool
	lj      *lumberjack.Logger // nil for a non-regular file
	plain   *os.File           // the non-regular file, when lj is nil
	cur     *os.File           // an fd on the file lj writes, for Sync
	size    int64              // our count of lj's size, to see when it rotates
	rotated time.Time          // a time just after lumberjack's last rotation (as far as we know)
	stop    chan struct{}      // closed by Close, stops signal watchers
	pending sync.WaitGroup     // syncs of rotated files in flight

	writes       atomic.Uint64
	writeErrors  atomic.Uint64
	reopens      atomic.Uint64
	reopenErrors atomic.Uint64
	syncErrors   atomic.Uint64
	replaced     atomic.Uint64
	lastErr      atomic.Pointer[error]
}

var _ io.WriteCloser = (*File)(nil)

// FileStats counts what happened to a [File]'s writes, so that no failure goes unnoticed.
type FileStats struct {
	Writes       uint64 // successful writes (records)
	WriteErrors  uint64 // failed writes: records that did not reach the file, whole or in part
	Reopens      uint64 // successful reopens (Reopen, signals)
	ReopenErrors uint64 // failed reopens; the file in use before stays in use
	SyncErrors   uint64 // failed syncs (Sync, Close, rotated files)
	Replaced     uint64 // times the file was found deleted or replaced at its path and reopened
	LastError    error  // the most recent error of any kind, nil if none
}

// ErrClosed is returned (wrapped, with the path) by writes to a closed File.
var ErrClosed = errors.New("log file is closed")

// ErrReplaced is wrapped by the error passed to RotateOptions.OnError when the file being
// written was found deleted or replaced at its path, and was reopened.
var ErrReplaced = errors.New("log file was deleted or replaced")

// Open opens the log file at path for appending, creating it (mode RotateOptions.Mode, 0600 by
// default) and its missing parent directories (0750), and returns it ready to write.
//
// Open really opens the file, so an unwritable path fails here, with an error that names the
// path and the cause, rather than at the first record: a missing permission (fs.ErrPermission),
// a directory (syscall.EISDIR), a parent that is a file (syscall.ENOTDIR), a read-only file
// system (syscall.EROFS). The cause is wrapped: test it with errors.Is.
func Open(path string, opts *RotateOptions) (*File, error) {
	if path == "" {
		return nil, errors.New("filelog: no log file path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("filelog: log file %s: %w", path, err)
	}
	f := &File{path: abs, stop: make(chan struct{})}
	if opts != nil {
		f.opts = *opts
	}
	f.onError = f.opts.OnError
	f.mode = f.opts.Mode.Perm() &^ 0o007
	if f.opts.Mode == 0 {
		f.mode = 0o600
	}
	f.max = 100 << 20
	if f.opts.MaxSizeMB > 0 {
		f.max = int64(f.opts.MaxSizeMB) << 20
	}
	if err := f.open(); err != nil {
		return nil, err
	}
	if f.opts.ReopenOnSIGHUP {
		f.ReopenOnSignal(context.Background())
	}
	if f.opts.CheckInterval >= 0 {
		interval := f.opts.CheckInterval
		if interval == 0 {
			interval = time.Second
		}
		go f.watch(interval)
	}
	return f, nil
}

// Path returns the absolute path of the file.
func (f *File) Path() string { return f.path }

// pathError formats an error naming the file and the cause.
func (f *File) pathError(what string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if pe.Path == f.path {
			return fmt.Errorf("filelog: %s %s: %w", what, f.path, pe.Err)
		}
		return fmt.Errorf("filelog: %s %s: %s %s: %w", what, f.path, pe.Op, pe.Path, pe.Err)
	}
	return fmt.Errorf("filelog: %s %s: %w", what, f.path, err)
}

// probe creates the parent directories and the file if missing and checks that the path can
// be opened for writing. It returns the opened file and whether it is a regular file.
func (f *File) probe() (*os.File, bool, error) {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o750); err != nil {
		return nil, false, f.pathError("cannot create the directory of log file", err)
	}
	flags := os.O_WRONLY | os.O_APPEND | os.O_CREATE
	if fi, err := os.Stat(f.path); err == nil && fi.Mode()&fs.ModeNamedPipe != 0 {
		// Opening a FIFO for writing blocks until a process opens it for reading: open it
		// non-blocking, which fails at once (ENXIO) when none does.
		flags |= syscall.O_NONBLOCK
	}
	fd, err := os.OpenFile(f.path, flags, f.mode)
	if errors.Is(err, syscall.ENXIO) {
		return nil, false, f.pathError("cannot open log file (a FIFO no process reads)", err)
	}
	if err != nil {
		return nil, false, f.pathError("cannot open log file", err)
	}
	fi, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, false, f.pathError("cannot stat log file", err)
	}
	return fd, fi.Mode().IsRegular(), nil
}

// open (re)opens the file; f.mu is held (or f is not shared yet). On failure the previous state
// is kept.
func (f *File) open() error {
	fd, regular, err := f.probe()
	if err != nil {
		return err
	}
	if !regular {
		if f.plain != nil {
			f.plain.Close()
		}
		if f.lj != nil { // the path was a regular file before
			f.retire(f.cur)
			f.lj.Close()
		}
		f.plain, f.cur, f.lj = fd, nil, nil
		return nil
	}
	fd.Close()
	if f.lj == nil {
		f.lj = &lumberjack.Logger{
			Filename:   f.path,
			MaxSize:    int(f.max >> 20),
			MaxBackups: f.opts.MaxBackups,
			MaxAge:     f.opts.MaxAgeDays,
			Compress:   f.opts.Compress,
			LocalTime:  f.opts.LocalTime,
		}
	} else if err := f.lj.Close(); err != nil {
		f.noteSyncError(f.pathError("cannot close log file", err), true)
	}
	// An empty write makes lumberjack open the file now (it would at the first record).
	if _, err := f.lj.Write(nil); err != nil {
		return f.pathError("cannot open log file", err)
	}
	f.swapCur()
	if f.plain != nil {
		f.plain.Close()
		f.plain = nil
	}
	return nil
}

// swapCur opens an fd on the file now at the path (the one lumberjack has just opened) for
// Sync, and syncs and closes the previous one in the background.
func (f *File) swapCur() {
	old := f.cur
	f.cur, f.size = nil, 0
	if fd, err := os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND, 0); err == nil {
		f.cur = fd
		if fi, err := fd.Stat(); err == nil {
			f.size = fi.Size()
		}
	}
	f.retire(old)
}

// retire syncs and closes fd (a file no longer written, if not nil) in the background; Close
// waits for it.
func (f *File) retire(fd *os.File) {
	if fd == nil {
		return
	}
	f.pending.Add(1)
	go func() {
		defer f.pending.Done()
		if err := fd.Sync(); err != nil {
			f.noteSyncError(f.pathError("cannot sync rotated log file", err), true)
		}
		fd.Close()
	}()
}

// spaceRotations keeps rotations at least a millisecond apart: lumberjack names a backup by
// the time of the rotation in milliseconds, and a second rotation within the same millisecond
// would overwrite the first backup (natefinch/lumberjack#34). It only ever waits when
// rotations come faster than that.
func (f *File) spaceRotations() {
	if d := time.Since(f.rotated); d >= 0 && d < time.Millisecond {
		time.Sleep(time.Millisecond - d)
	}
}

// Write appends p to the file with one write system call; lumberjack rotates the file first if
// p would take it past MaxSizeMB. The error, if any, names the path; it is also counted.
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	n, err := f.writeLocked(p)
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return n, err // nothing written, nothing counted: the file is no longer in use
	}
	if err != nil {
		f.writeErrors.Add(1)
		f.noteLastErr(err)
		return n, err
	}
	f.writes.Add(1)
	return n, nil
}

// WriteBatch appends len(ends) records to the file, record i being p[ends[i-1]:ends[i]] (from 0
// for the first; the last end is len(p)), with as few write system calls as it can: the records
// that fit before the rotation size go in one write, and the file is rotated between two
// records, never inside one; to a file that is not a regular file (a pipe, a device) they go in
// whole records of up to 4 KiB together, which a pipe takes in one piece each. After a failed
// write the records left go one write each, as with Write. It returns how many records did not
// reach the file whole, and the last error; the records are counted as Write counts them.
// (The hand-off of otellog's file sink passes the records it queued on this way.)
func (f *File) WriteBatch(p []byte, ends []int) (failed int, err error) {
	f.mu.Lock()
	failed, err = f.writeBatchLocked(p, ends)
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return failed, err // nothing written, nothing counted, as in Write
	}
	f.writes.Add(uint64(len(ends) - failed))
	if err != nil {
		f.writeErrors.Add(uint64(failed))
		f.noteLastErr(err)
	}
	return failed, err
}

// writeBatchLocked writes the records of p (see WriteBatch); f.mu is held.
func (f *File) writeBatchLocked(p []byte, ends []int) (failed int, err error) {
	next := func(i, start int) int { return handoff.PipeChunk(ends, i, start) }
	if f.lj != nil { // those that fit; if record i does not, writeLocked rotates before it
		next = func(i, start int) int {
			j := i + 1
			for j < len(ends) && f.size+int64(ends[j]-start) <= f.max {
				j++
			}
			return j
		}
	}
	write := func(chunk []byte, _ int) (int, error) { return f.writeLocked(chunk) }
	return handoff.WriteChunks(p, ends, next, write, func() bool { return f.closed })
}

func (f *File) writeLocked(p []byte) (int, error) {
	if f.closed {
		return 0, fmt.Errorf("filelog: write %s: %w", f.path, ErrClosed)
	}
	if f.lj == nil {
		n, err := f.plain.Write(p)
		if err != nil {
			err = f.pathError("cannot write log file", err)
		}
		return n, err
	}
	rotates := f.size+int64(len(p)) > f.max && int64(len(p)) <= f.max
	if rotates {
		f.spaceRotations()
	}
	n, err := f.lj.Write(p)
	f.size += int64(n)
	if rotates {
		f.rotated = time.Now() // after lumberjack took the time for the backup's name
		f.swapCur()
	}
	if err != nil {
		err = f.pathError("cannot write log file", err)
	}
	return n, err
}

// Sync commits the file's contents to stable storage (fsync). Close syncs too.
func (f *File) Sync() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("filelog: sync %s: %w", f.path, ErrClosed)
	}
	return f.syncLocked()
}

func (f *File) syncLocked() error {
	if f.cur == nil {
		return nil
	}
	if err := f.cur.Sync(); err != nil {
		err = f.pathError("cannot sync log file", err)
		f.noteSyncError(err, false)
		return err
	}
	return nil
}

// noteLastErr records err as the most recent error. It takes its own copy of err, so that a
// caller's err variable is not moved to the heap on every call, errors or not (Write is on
// the hot path).
func (f *File) noteLastErr(err error) {
	f.lastErr.Store(&err)
}

// noteSyncError counts err; notify passes it to OnError too (for errors no caller sees).
func (f *File) noteSyncError(err error, notify bool) {
	f.syncErrors.Add(1)
	f.lastErr.Store(&err)
	if notify && f.onError != nil {
		f.onError(err)
	}
}

// Reopen closes the file and opens the path again: after an external logrotate has renamed
// the file, new records go to a new file at the path. It first checks that the path can be
// opened; if not, it returns the error (naming the path and the cause) and keeps writing to the
// file it had.
func (f *File) Reopen() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("filelog: reopen %s: %w", f.path, ErrClosed)
	}
	if err := f.open(); err != nil {
		f.reopenErrors.Add(1)
		f.lastErr.Store(&err)
		return err
	}
	f.reopens.Add(1)
	return nil
}

// watch looks at the path every interval until Close, and reopens it when the file written is
// no longer there (see RotateOptions.CheckInterval).
func (f *File) watch(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-t.C:
			if err := f.checkReplaced(); err != nil && f.onError != nil {
				f.onError(err)
			}
		}
	}
}

// checkReplaced reopens the file if the one written is no longer at the path, and returns
// the error to report (wrapping ErrReplaced, and the reopen's error if it failed), or nil.
func (f *File) checkReplaced() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || f.lj == nil || f.cur == nil {
		return nil
	}
	held, err := f.cur.Stat()
	if err != nil {
		return nil
	}
	now, err := os.Stat(f.path)
	if err == nil && os.SameFile(held, now) {
		return nil
	}
	f.replaced.Add(1)
	if err := f.open(); err != nil {
		f.reopenErrors.Add(1)
		f.lastErr.Store(&err)
		return fmt.Errorf("%w; reopening it failed: %w", f.pathError("log file", ErrReplaced), err)
	}
	f.reopens.Add(1)
	return f.pathError("log file", fmt.Errorf("%w; reopened it", ErrReplaced))
}

// Rotate rotates the file now, as if it had reached MaxSizeMB: the file is renamed with a
// timestamp and a new file is created at the path. A non-regular file is not rotated.
func (f *File) Rotate() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("filelog: rotate %s: %w", f.path, ErrClosed)
	}
	if f.lj == nil {
		return nil
	}
	f.spaceRotations()
	err := f.lj.Rotate()
	f.rotated = time.Now() // after lumberjack took the time for the backup's name
	if err != nil {
		return f.pathError("cannot rotate log file", err)
	}
	f.swapCur()
	return nil
}

// ReopenOnSignal reopens the file each time the process receives one of sigs (SIGHUP when none
// are given), until ctx is done or the file is closed: the way an external logrotate
// ("postrotate kill -HUP") hands over. The signals are being caught when it returns. Failed
// reopens are counted and passed to RotateOptions.OnError. Once it stops, the signals' previous
// handling applies again (for SIGHUP, unless the program catches it elsewhere, the default:
// the process ends).
func (f *File) ReopenOnSignal(ctx context.Context, sigs ...os.Signal) {
	if len(sigs) == 0 {
		sigs = []os.Signal{syscall.SIGHUP}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		defer signal.Stop(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-f.stop:
				return
			case <-ch:
				if err := f.Reopen(); err != nil && f.onError != nil && !errors.Is(err, ErrClosed) {
					f.onError(err)
				}
			}
		}
	}()
}

// Close syncs and closes the file and stops ReopenOnSignal. Later writes fail with ErrClosed;
// closing again returns nil.
//
// lumberjack's background goroutine for compression and removal of old backups is not
// stopped by it (natefinch/lumberjack#56): each File leaves one idle goroutine behind, so open a
// log file once per process rather than per task.
func (f *File) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	close(f.stop)
	var errs []error
	if err := f.syncLocked(); err != nil {
		errs = append(errs, err)
	}
	if f.cur != nil {
		f.cur.Close()
		f.cur = nil
	}
	if f.lj != nil {
		if err := f.lj.Close(); err != nil {
			errs = append(errs, f.pathError("cannot close log file", err))
		}
	}
	if f.plain != nil {
		if err := f.plain.Close(); err != nil {
			errs = append(errs, f.pathError("cannot close log file", err))
		}
		f.plain = nil
	}
	f.mu.Unlock()
	f.pending.Wait()
	return errors.Join(errs...)
}

// Stats returns the counts of writes, reopens and their failures so far.
func (f *File) Stats() FileStats {
	st := FileStats{
		Writes:       f.writes.Load(),
		WriteErrors:  f.writeErrors.Load(),
		Reopens:      f.reopens.Load(),
		ReopenErrors: f.reopenErrors.Load(),
		SyncErrors:   f.syncErrors.Load(),
		Replaced:     f.replaced.Load(),
	}
	if p := f.lastErr.Load(); p != nil {
		st.LastError = *p
	}
	return st
}
