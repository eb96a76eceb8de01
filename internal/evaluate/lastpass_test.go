package evaluate

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSnapshotCompare(t *testing.T) {
	last := Snapshot{
		Intents:   map[string]string{"a": "1", "b": "2", "gone": "3"},
		Decisions: map[string]string{"s\x00q1": "answer a", "s\x00q2": "clarify", "s\x00q3": "escalate"},
	}
	now := Snapshot{
		Intents:   map[string]string{"a": "1", "b": "changed", "new": "4"},
		Decisions: map[string]string{"s\x00q1": "answer b", "s\x00q2": "clarify", "s\x00q4": "answer a"},
	}
	intents, changes := now.Compare(last)
	if want := []string{"b", "gone (removed)", "new"}; !reflect.DeepEqual(intents, want) {
		t.Errorf("intents %v, want %v", intents, want)
	}
	if want := []Change{{"s", "q1", "answer a", "answer b"}}; !reflect.DeepEqual(changes, want) {
		t.Errorf("changes %v, want %v (a new question is no change)", changes, want)
	}
}

func TestSnapshotSaveLoad(t *testing.T) {
	dir := t.TempDir()
	path, err := SnapshotPath(dir, "intents")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := LoadSnapshot(path); ok || err != nil {
		t.Fatalf("no snapshot yet: ok %v, err %v; want false, nil", ok, err)
	}
	s := Snapshot{When: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), Intents: map[string]string{"a": "1"}, Decisions: map[string]string{"s\x00q": "clarify"}}
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	got, ok, err := LoadSnapshot(path)
	if !ok || err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("loaded %+v, %v, %v; want %+v", got, ok, err, s)
	}
	if other, _ := SnapshotPath(dir, "other-intents"); other == path || filepath.Dir(other) != filepath.Dir(path) {
		t.Errorf("two catalogues share %s / %s: want one file each in the same folder", path, other)
	}
}

// TestCachePath: $XDG_CACHE_HOME, else ~/.cache, else nowhere.
func TestCachePath(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   map[string]string
		cache string
	}{
		{"XDG", map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x"},
		{"home", map[string]string{"HOME": "/h"}, "/h/.cache"},
		{"none", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CachePath(func(k string) string { return tc.env[k] }, "intents")
			want := ""
			if tc.cache != "" {
				want, _ = SnapshotPath(tc.cache, "intents")
			}
			if got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestRemember: a passing run is kept; a failing one then says what
// moved since it, and keeps nothing; a broken memory is a warning.
func TestRemember(t *testing.T) {
	s, err := Measure(fixtureIndex(t), []string{queryFile(t, "q.tsv", "forgot-password\tパスワードを忘れてしまいました\n")})
	if err != nil {
		t.Fatal(err)
	}
	memory := filepath.Join(t.TempDir(), "madoguchi", "last-pass.json")
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var out, warn bytes.Buffer
	s.Remember(&out, &warn, memory, false, now)
	if out.Len() > 0 || warn.Len() > 0 {
		t.Errorf("failing with nothing kept: got %q and warnings %q, want nothing", out.String(), warn.String())
	}
	s.Remember(&out, &warn, memory, true, now)
	if _, ok, err := LoadSnapshot(memory); !ok || err != nil || out.Len() > 0 || warn.Len() > 0 {
		t.Fatalf("passing: kept %v (%v), wrote %q and %q; want it kept silently", ok, err, out.String(), warn.String())
	}
	s.Remember(&out, &warn, memory, false, now.Add(time.Hour))
	if !strings.HasPrefix(out.String(), "\nsince the last passing run (2026-12-03 09:00 UTC):\n") || warn.Len() > 0 {
		t.Errorf("failing after a pass: got %q and warnings %q", out.String(), warn.String())
	}
	if err := os.WriteFile(memory, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	s.Remember(&out, &warn, memory, false, now)
	if out.Len() > 0 || !strings.HasPrefix(warn.String(), "warning: read the last passing run ") {
		t.Errorf("a broken memory: got %q and warnings %q, want a warning only", out.String(), warn.String())
	}
}
