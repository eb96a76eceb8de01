package record

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ids reads the question ids of the record at path through a connection
// of its own, as the console or `madoguchi stats` would.
func ids(t *testing.T, path string) []string {
	t.Helper()
	db := openSQLite(t, path)
	es, err := db.Entries(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}

// TestFileDeletedOrReplaced deletes or replaces the SQLite file under a
// running recorder: it notices at its next batch, opens the path again,
// and the rows that follow are in the file a reader opens; its health says
// degraded and counts the reopening.
func TestFileDeletedOrReplaced(t *testing.T) {
	now := time.Now().Truncate(time.Millisecond)
	tests := []struct {
		name string
		// act changes the file at path; it may record questions of its
		// own in a replacement.
		act  func(t *testing.T, path string)
		want []string // the question ids a reader finds afterwards
	}{
		{"deleted", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, []string{"after-0", "after-1", "after-2"}},
		{"deleted with its -wal and -shm", func(t *testing.T, path string) {
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
		}, []string{"after-0", "after-1", "after-2"}},
		{"replaced by a restored copy", func(t *testing.T, path string) {
			other := filepath.Join(t.TempDir(), "restored.db")
			db, err := Open(context.Background(), other, "")
			if err != nil {
				t.Fatal(err)
			}
			rec := New(quiet(), db, Options{})
			rec.Record(question("restored", "line:rr", "復元した質問", now))
			rec.Close(context.Background())
			db.Close()
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}, []string{"after-0", "after-1", "after-2", "restored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "record.db")
			db := openSQLite(t, path)
			var reopened atomic.Int32
			rec := New(quiet(), db, Options{Reopened: func() { reopened.Add(1) }})
			ctx := context.Background()
			defer rec.Close(ctx)
			for i := range 3 {
				rec.Record(question(fmt.Sprint("before-", i), "line:aa", "質問", now))
			}
			if err := rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if got := rec.Health(); got.Status != StatusOK || got.Reopened != 0 {
				t.Fatalf("health before = %+v, want ok", got)
			}
			tt.act(t, path)
			for i := range 3 {
				rec.Record(question(fmt.Sprint("after-", i), "line:aa", "質問", now))
			}
			if err := rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if got := ids(t, path); !slices.Equal(got, tt.want) {
				t.Errorf("a reader of %s finds %v, want %v", filepath.Base(path), got, tt.want)
			}
			h := rec.Health()
			if h.Status != StatusDegraded || h.Reopened != 1 || !strings.Contains(h.Problem, strings.Fields(tt.name)[0]) {
				t.Errorf("health after = %+v, want degraded, reopened once, saying %s", h, strings.Fields(tt.name)[0])
			}
			if got := reopened.Load(); got != 1 {
				t.Errorf("Reopened called %d times, want 1", got)
			}
			if rec.Dropped() != 0 {
				t.Errorf("dropped %d writes, want 0", rec.Dropped())
			}
		})
	}
}

// TestLockedDatabaseDropsReported holds the SQLite write lock from another
// connection: the recorder's batches fail and are dropped, its health says
// failing with the count; once the lock is gone and a batch is written it
// says degraded, and ok a minute later.
func TestLockedDatabaseDropsReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "record.db")
	db := openSQLite(t, path)
	var mu sync.Mutex
	clock := time.Now().Truncate(time.Millisecond)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	var dropped atomic.Int64
	rec := New(quiet(), db, Options{Timeout: 200 * time.Millisecond, Now: now, Dropped: func(_ string, n int) { dropped.Add(int64(n)) }})
	ctx := context.Background()
	defer rec.Close(ctx)

	locker, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		rec.Record(question(fmt.Sprint("locked-", i), "line:aa", "質問", now()))
	}
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if h := rec.Health(); h.Status != StatusFailing || h.Dropped != 4 || !strings.Contains(h.Problem, "4 writes dropped") {
		t.Errorf("health while locked = %+v, want failing with 4 dropped", h)
	}
	if got := dropped.Load(); got != 4 {
		t.Errorf("Dropped heard of %d writes, want 4", got)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	rec.Record(question("unlocked", "line:aa", "質問", now()))
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if h := rec.Health(); h.Status != StatusDegraded || h.Dropped != 4 {
		t.Errorf("health after the lock = %+v, want degraded with 4 dropped in the last minute", h)
	}
	mu.Lock()
	clock = clock.Add(healthWindow)
	mu.Unlock()
	if h := rec.Health(); h.Status != StatusOK || h.Dropped != 0 {
		t.Errorf("health a minute later = %+v, want ok with none dropped", h)
	}
	if got := ids(t, path); !slices.Equal(got, []string{"unlocked"}) {
		t.Errorf("record holds %v, want only the question written after the lock", got)
	}
}
