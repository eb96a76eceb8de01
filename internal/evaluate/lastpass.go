package evaluate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// What moved since the last passing run. When `madoguchi test` misses a
// floor after an admin's change, the figures alone do not say why; the
// intents whose examples changed and the questions decided differently
// since the last run that passed do. A passing run keeps a Snapshot (in
// the user's cache, keyed by the catalogue's directory); a failing one
// compares with it.

// Snapshot is what one run of `madoguchi test` decided.
type Snapshot struct {
	When time.Time `json:"when"`
	// Intents maps each intent's id to a digest of its examples.
	Intents map[string]string `json:"intents"`
	// Decisions maps each question (its set and text) to what was decided.
	Decisions map[string]string `json:"decisions"`
}

// Set is one named set of outcomes, and the floors it must meet.
type Set struct {
	Name     string
	Outcomes []Outcome
	Floors   catalogue.Floors
}

// TakeSnapshot records the catalogue's examples and every decision.
func TakeSnapshot(cat *catalogue.Catalogue, sets []Set, now time.Time) Snapshot {
	s := Snapshot{When: now.UTC(), Intents: map[string]string{}, Decisions: map[string]string{}}
	for _, in := range cat.Intents {
		h := sha256.New()
		for _, lang := range []catalogue.Lang{catalogue.Japanese, catalogue.English} {
			for _, ex := range in.Examples.In(lang) {
				fmt.Fprintf(h, "%s\x00%s\x00", lang, ex)
			}
		}
		s.Intents[in.ID] = hex.EncodeToString(h.Sum(nil)[:8])
	}
	for _, set := range sets {
		for _, o := range set.Outcomes {
			s.Decisions[set.Name+"\x00"+o.Query] = Describe(o.Result)
		}
	}
	return s
}

// Describe says what was decided: "answer <id>" ("answer <id> and <id>"
// for two related answers), "clarify", "escalate".
func Describe(r match.Result) string {
	if r.Decision == match.Answer {
		if also := r.Also(); also != nil {
			return "answer " + r.Intent().ID + " and " + also.ID
		}
		return "answer " + r.Intent().ID
	}
	return string(r.Decision)
}

// Change is a question decided differently from the last passing run.
type Change struct {
	Set, Query, Before, After string
}

// Compare lists the intents added, removed or with changed examples, and
// the questions decided differently, since last.
func (s Snapshot) Compare(last Snapshot) (intents []string, changes []Change) {
	for id, h := range s.Intents {
		if last.Intents[id] != h {
			intents = append(intents, id)
		}
	}
	for id := range last.Intents {
		if _, ok := s.Intents[id]; !ok {
			intents = append(intents, id+" (removed)")
		}
	}
	for key, d := range s.Decisions {
		before, ok := last.Decisions[key]
		if !ok || before == d {
			continue
		}
		set, query, _ := strings.Cut(key, "\x00")
		changes = append(changes, Change{set, query, before, d})
	}
	slices.Sort(intents)
	slices.SortFunc(changes, func(a, b Change) int {
		if c := strings.Compare(a.Set, b.Set); c != 0 {
			return c
		}
		return strings.Compare(a.Query, b.Query)
	})
	return intents, changes
}

// SnapshotPath is where the last passing run of the catalogue in dir is
// kept: in the cache directory cache, one file per catalogue directory.
func SnapshotPath(cache, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(cache, "madoguchi", "last-pass-"+hex.EncodeToString(sum[:6])+".json"), nil
}

// LoadSnapshot reads a snapshot; ok is false when there is none.
func LoadSnapshot(path string) (s Snapshot, ok bool, err error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, false, fmt.Errorf("read the last passing run %s: %w", path, err)
	}
	return s, true, nil
}

// Save writes the snapshot to path, replacing the one there.
func (s Snapshot) Save(path string) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// CachePath is where the last passing run of the catalogue in dir is kept
// in the user's cache directory ($XDG_CACHE_HOME, else ~/.cache, as getenv
// reads them), or "" when there is none.
func CachePath(getenv func(string) string, dir string) string {
	cache := getenv("XDG_CACHE_HOME")
	if cache == "" && getenv("HOME") != "" {
		cache = filepath.Join(getenv("HOME"), ".cache")
	}
	if cache == "" {
		return ""
	}
	p, err := SnapshotPath(cache, dir)
	if err != nil {
		return ""
	}
	return p
}

// Remember keeps a passing run at memory ("" keeps nothing) to compare
// the next with; a failing run writes to w what moved since the last
// passing one kept there (WriteChanges). What cannot be read or kept is
// a warning, written to warn.
func (s Suite) Remember(w, warn io.Writer, memory string, passed bool, now time.Time) {
	snap := s.Snapshot(now)
	if !passed {
		if last, ok, err := LoadSnapshot(memory); err != nil {
			fmt.Fprintln(warn, "warning:", err)
		} else if ok {
			WriteChanges(w, snap, last)
		}
		return
	}
	if memory != "" {
		if err := snap.Save(memory); err != nil {
			fmt.Fprintln(warn, "warning: could not keep this run to compare the next with:", err)
		}
	}
}
