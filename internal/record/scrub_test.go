package record

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/redact"
)

// TestForgetLeavesNothingReadable reads the database's own files after a
// forget-me and a purge: the text of the deleted questions must be in no
// byte of them, while the kept questions' text is (which shows that the
// search would find it).
func TestForgetLeavesNothingReadable(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			db := be.open(t)
			ctx := context.Background()
			now := time.Now().Truncate(time.Millisecond)
			old := now.Add(-100 * 24 * time.Hour)
			// The recorder purges at start too; with a long retention that
			// purge, whenever its goroutine runs, leaves the old questions
			// to the explicit Purge below.
			keep := func() time.Duration { return 10 * 365 * 24 * time.Hour }
			rec := New(quiet(), db, Options{Now: func() time.Time { return now }, PurgeEvery: time.Hour, Retention: keep})
			// Enough rows to fill several pages, so that deletes free
			// whole pages as well as cells within pages.
			const perUser = 150
			users := []struct {
				key, marker string
				at          time.Time
			}{
				{"line:forgotten", "canaryforgotten", now},
				{"line:kept", "canarykept", now},
				{"slack:old", "canarypurged", old},
			}
			for _, u := range users {
				for i := range perUser {
					id := fmt.Sprintf("%s-%d", u.marker, i)
					rec.Record(question(id, u.key, fmt.Sprintf("ログインできない %s 卒業生です %s", u.marker, u.marker), u.at.Add(time.Duration(i)*time.Millisecond)))
				}
			}
			if err := rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := rec.Forget(ctx, "line:forgotten"); err != nil || n != perUser {
				t.Fatalf("Forget = %d, %v; want %d, nil", n, err, perUser)
			}
			if n, err := db.Purge(ctx, now.Add(-90*24*time.Hour)); err != nil || n != perUser {
				t.Fatalf("Purge = %d, %v; want %d, nil", n, err, perUser)
			}
			if err := rec.Close(ctx); err != nil {
				t.Fatal(err)
			}
			files := databaseFiles(t, db)
			for _, c := range []struct {
				marker string
				want   bool
			}{{"canaryforgotten", false}, {"canarypurged", false}, {"canarykept", true}} {
				var in []string
				for path, data := range files {
					if bytes.Contains(data, []byte(c.marker)) {
						in = append(in, filepath.Base(path))
					}
				}
				if got := len(in) > 0; got != c.want {
					t.Errorf("%q readable in the database files: got %v (%v), want %v", c.marker, got, in, c.want)
				}
			}
		})
	}
}

// databaseFiles returns the bytes of the files that hold the questions
// table: for SQLite the database, its write-ahead log and shared-memory
// index; for PostgreSQL the table's heap file, after a checkpoint has
// written every page to it.
func databaseFiles(t *testing.T, db *DB) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	var paths []string
	if db.postgres {
		var dir, rel string
		if _, err := db.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
			t.Fatal(err)
		}
		if err := db.db.QueryRowContext(ctx, "SELECT current_setting('data_directory'), pg_relation_filepath('questions')").Scan(&dir, &rel); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Join(dir, rel))
	} else {
		var file string
		if err := db.db.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, file, file+"-wal", file+"-shm")
	}
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out[p] = data
	}
	return out
}

// TestRecorderWithholdsPasswords: a question that gives a password is
// stored as redact.Withheld, so neither the password nor the ID next to
// it reaches the database's files; other personal data is replaced.
func TestRecorderWithholdsPasswords(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			db := be.open(t)
			ctx := context.Background()
			now := time.Now().Truncate(time.Millisecond)
			rec := New(quiet(), db, Options{})
			rec.Record(question("pw", "line:aa", "IDはu123456a、パスワードはsakura2024です。入れません", now))
			rec.Record(question("pii", "line:aa", "卒業生の山田太郎です。電話は090ー1234ー5678です", now.Add(time.Second)))
			if err := rec.Close(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := db.Entries(ctx, now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{redact.Withheld, "卒業生の<name>です。電話は<phone>です"}
			if len(got) != len(want) {
				t.Fatalf("%d entries, want %d", len(got), len(want))
			}
			for i, e := range got {
				if e.Text != want[i] {
					t.Errorf("entry %s text = %q, want %q", e.ID, e.Text, want[i])
				}
			}
			for path, data := range databaseFiles(t, db) {
				for _, leak := range []string{"sakura2024", "u123456a", "山田太郎", "1234ー5678"} {
					if bytes.Contains(data, []byte(leak)) {
						t.Errorf("%s holds %q", filepath.Base(path), leak)
					}
				}
			}
		})
	}
}
