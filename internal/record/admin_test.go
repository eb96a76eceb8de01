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
