package record

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30d", 30 * 24 * time.Hour, true},
		{"36h", 36 * time.Hour, true},
		{"0d", 0, true},
		{"90m", 90 * time.Minute, true},
		{"d", 0, false},
		{"-1d", 0, false},
		{"-1h", 0, false},
		{"1.5d", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAge(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseAge(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

// TestOpenExisting: a SQLite file that is not there is named in the error
// and not created; one that is there opens.
func TestOpenExisting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "missing.db"), filepath.Join(dir, "no/such/dir.db")} {
		db, err := OpenExisting(ctx, path, "")
		if err == nil {
			db.Close()
			t.Fatalf("OpenExisting(%s): got no error, want one", path)
		}
		if want := "no record of questions at " + path; !strings.Contains(err.Error(), want) {
			t.Errorf("OpenExisting(%s): got %q, want it to contain %q", path, err, want)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("the directory holds %v (%v), want nothing created", entries, err)
	}
	path := filepath.Join(dir, "there.db")
	db, err := Open(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = OpenExisting(ctx, path, "")
	if err != nil {
		t.Fatalf("OpenExisting(%s) of a record Open made: %v", path, err)
	}
	db.Close()
}

// TestConfirmPurge: the question names the cutoff and the database; only
// y or yes (any case, spaces around) deletes.
func TestConfirmPurge(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, filepath.Join(t.TempDir(), "record.db"))
	cutoff := time.Date(2026, 12, 1, 9, 30, 0, 0, time.FixedZone("JST", 9*3600))
	for _, tc := range []struct {
		answer string
		want   bool
	}{{"y\n", true}, {" YES \n", true}, {"yes", true}, {"n\n", false}, {"\n", false}, {"", false}, {"yep\n", false}} {
		var prompt strings.Builder
		if got := db.ConfirmPurge(&prompt, strings.NewReader(tc.answer), cutoff); got != tc.want {
			t.Errorf("answer %q: got %v, want %v", tc.answer, got, tc.want)
		}
		if want := "Delete every question recorded before 2026-12-01 00:30:00 (" + db.Where + "), including some less than a week old? [y/N] "; prompt.String() != want {
			t.Errorf("got prompt %q, want %q", prompt.String(), want)
		}
	}
}

// TestWritePurge: what was deleted, counted, with the cutoff in UTC.
func TestWritePurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openSQLite(t, filepath.Join(t.TempDir(), "record.db"))
	now := time.Now()
	rec := New(quiet(), db, Options{})
	rec.Record(question("old", "line:a", "古い質問", now.Add(-48*time.Hour)))
	rec.Record(question("new", "line:a", "新しい質問", now))
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	cutoff := now.Add(-24 * time.Hour)
	var out strings.Builder
	if err := db.WritePurge(ctx, &out, cutoff); err != nil {
		t.Fatal(err)
	}
	if want := "deleted 1 questions recorded before " + cutoff.UTC().Format(time.DateTime) + " (" + db.Where + ")\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
