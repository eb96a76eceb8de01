package evaluate

import (
	"path/filepath"
	"reflect"
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
