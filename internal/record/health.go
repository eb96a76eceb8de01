package record

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// The record's health, for /readyz and the madoguchi_record_healthy
// metric: whether writes reach the database at its path.
//
// SQLite keeps writing to a file that was deleted or replaced while open:
// the rows then go where nobody can read them. The recorder checks the
// file before each batch (a stat, five times a second at most) and, when
// the path no longer names the file it has open, closes its connections
// and opens the path again (a new, empty record when the file was deleted;
// the replacement when it was replaced), so that the rows that follow go
// to a file that can be read.

// dbFile is the SQLite file a DB has open, to notice when its path names
// another file, or none.
type dbFile struct {
	path string
	mu   sync.Mutex
	info os.FileInfo // of the file opened
	wal  os.FileInfo // of its write-ahead log when last seen (nil: none)
}

// watchFile returns the watch of the file at path, or nil when there is
// no file there to watch (an in-memory database).
func watchFile(path string) *dbFile {
	info, err := os.Stat(path)
	if err != nil {
		return nil
	}
	f := &dbFile{path: path, info: info}
	f.wal, _ = os.Stat(path + "-wal")
	return f
}

// removeOwnWAL deletes the write-ahead log (and shared memory) that the
// connections to a moved file left behind: SQLite does not checkpoint a
// file that was deleted or renamed, so its log stays at the path's name,
// and the next file opened there would read the old file's pages from it.
// A log that is not the one last seen with the old file (one restored
// with a replacement) is left alone.
func (f *dbFile) removeOwnWAL() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	now, err := os.Stat(f.path + "-wal")
	if err != nil || f.wal == nil || !os.SameFile(f.wal, now) {
		return nil
	}
	for _, p := range []string{f.path + "-wal", f.path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the old file's %s: %w", p, err)
		}
	}
	return nil
}

// Reasons a file is opened again.
const (
	fileDeleted  = "deleted"
	fileReplaced = "replaced"
)

// changed reports why the path no longer names the file opened ("" when it
// still does).
func (f *dbFile) changed() (string, error) {
	now, err := os.Stat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return fileDeleted, nil
	}
	if err != nil {
		return "", fmt.Errorf("check the record's file: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !os.SameFile(f.info, now) {
		return fileReplaced, nil
	}
	// SQLite deletes the log when its last connection closes and makes a
	// new one later: keep the one in use.
	if wal, err := os.Stat(f.path + "-wal"); err == nil {
		f.wal = wal
	}
	return "", nil
}

// reopenWait bounds how long reopening waits for the connections to the
// old file to close (readers in flight).
const reopenWait = 5 * time.Second

// checkFile reopens the SQLite file when its path no longer names the file
// open; it returns why it did ("" when it did not need to). Nothing new may
// open the path while a connection to the old file is open (they would
// share its -wal and -shm files), so the idle connections are closed first
// and the ones in use awaited; a PostgreSQL record has nothing to check.
func (d *DB) checkFile(ctx context.Context) (string, error) {
	if d.file == nil {
		return "", nil
	}
	why, err := d.file.changed()
	if why == "" || err != nil {
		return "", err
	}
	d.db.SetMaxIdleConns(0)
	defer d.db.SetMaxIdleConns(2) // database/sql's default
	deadline := time.Now().Add(reopenWait)
	for d.db.Stats().OpenConnections > 0 {
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the record's file was %s: its connections are still in use", why)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := d.file.removeOwnWAL(); err != nil {
		return "", fmt.Errorf("the record's file was %s: %w", why, err)
	}
	if err := d.migrate(ctx); err != nil {
		return "", fmt.Errorf("the record's file was %s: open %s again: %w", why, d.file.path, err)
	}
	info, err := os.Stat(d.file.path)
	if err != nil {
		return "", fmt.Errorf("the record's file was %s: open %s again: %w", why, d.file.path, err)
	}
	d.file.mu.Lock()
	d.file.info, d.file.wal = info, nil
	d.file.mu.Unlock()
	return why, nil
}

// healthWindow is how long drops and a reopened file keep the record
// degraded.
const healthWindow = time.Minute

// Health is the record's state, for /readyz.
type Health struct {
	// Status is ok; degraded when writes were dropped or the file was
	// reopened within the last minute; failing when the last write failed
	// or the file could not be opened again.
	Status string `json:"status"`
	// Dropped is how many writes were dropped within the last minute.
	Dropped int64 `json:"dropped_last_minute"`
	// Reopened is how often the file was deleted or replaced and opened
	// again since the start.
	Reopened int64 `json:"reopened"`
	// Problem is the latest problem, with its time.
	Problem string `json:"problem,omitempty"`
}

// Health statuses.
const (
	StatusOK       = "ok"
	StatusDegraded = "degraded"
	StatusFailing  = "failing"
)

// health tracks what Health reports.
type health struct {
	mu          sync.Mutex
	windowStart time.Time // of the drops counted in windowDrops
	windowDrops int64
	lastDrop    time.Time
	reopened    int64
	lastReopen  time.Time
	failing     bool // the last write or reopen failed
	problem     string
}

func (h *health) dropped(now time.Time, reason string, n int, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if now.Sub(h.windowStart) >= healthWindow {
		h.windowStart, h.windowDrops = now, 0
	}
	h.windowDrops += int64(n)
	h.lastDrop = now
	h.problem = fmt.Sprintf("%s: %d writes dropped (%s)", now.UTC().Format(time.RFC3339), n, reason)
	if err != nil {
		h.failing = true
		h.problem += ": " + err.Error()
	}
}

func (h *health) wrote() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failing = false
}

func (h *health) reopen(now time.Time, why string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reopened++
	h.lastReopen = now
	h.failing = false
	h.problem = fmt.Sprintf("%s: the file was %s; opened its path again", now.UTC().Format(time.RFC3339), why)
}

func (h *health) fail(now time.Time, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failing = true
	h.problem = now.UTC().Format(time.RFC3339) + ": " + err.Error()
}

func (h *health) report(now time.Time) Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	hl := Health{Status: StatusOK, Reopened: h.reopened, Problem: h.problem}
	if now.Sub(h.windowStart) < healthWindow {
		hl.Dropped = h.windowDrops
	}
	switch {
	case h.failing:
		hl.Status = StatusFailing
	case now.Sub(h.lastDrop) < healthWindow || now.Sub(h.lastReopen) < healthWindow:
		hl.Status = StatusDegraded
	}
	return hl
}

// Health reports whether the record's writes reach its database.
func (r *Recorder) Health() Health { return r.health.report(r.opts.Now()) }

// watchFile is run by the writer before each batch: it opens the SQLite
// file again when it was deleted or replaced, and logs it at error level
// (each failure to do so once, not at every batch).
func (r *Recorder) watchFile() {
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout+reopenWait)
	defer cancel()
	why, err := r.db.checkFile(ctx)
	switch {
	case err != nil:
		if r.health.report(r.opts.Now()).Status != StatusFailing {
			r.logger.Error("record: the database file cannot be opened again; questions are not recorded", "db", r.db.Where, "err", err)
		}
		r.health.fail(r.opts.Now(), err)
	case why != "":
		r.health.reopen(r.opts.Now(), why)
		r.opts.Reopened()
		r.logger.Error("record: the database file was "+why+" while open; its path is open again and new questions go there",
			"db", r.db.Where)
	}
}
