package redact

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// sample is one message of testdata/corpus.tsv.
type sample struct {
	kind, text string
	// parts are the personal parts that must be gone; none for a near
	// miss, which must come out unchanged.
	parts []string
}

func readCorpus(t *testing.T) []sample {
	t.Helper()
	f, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("corpus.tsv:%d: %d columns, want 3", n, len(cols))
		}
		s := sample{kind: cols[0], text: strings.ReplaceAll(cols[1], `\n`, "\n")}
		for _, p := range strings.Split(cols[2], " | ") {
			if p = strings.TrimSpace(p); p != "" {
				s.parts = append(s.parts, norm.NFKC.String(p))
			}
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpus measures redaction on the corpus: at least 98% of the
// personal parts must be removed, and every near miss (a question that
// only looks personal) must stay as it was.
func TestCorpus(t *testing.T) {
	samples := readCorpus(t)
	if len(samples) < 150 {
		t.Fatalf("corpus has %d samples, want at least 150", len(samples))
	}
	type tally struct{ parts, removed int }
	kinds := map[string]*tally{}
	var all tally
	for _, s := range samples {
		got := Text(s.text)
		if len(s.parts) == 0 {
			if want := norm.NFKC.String(s.text); got != want {
				t.Errorf("near miss altered: Text(%q) = %q, want it unchanged", s.text, got)
			}
			continue
		}
		k := kinds[s.kind]
		if k == nil {
			k = &tally{}
			kinds[s.kind] = k
		}
		for _, p := range s.parts {
			k.parts++
			all.parts++
			if strings.Contains(got, p) {
				t.Logf("%s: %q kept in Text(%q) = %q", s.kind, p, s.text, got)
				continue
			}
			k.removed++
			all.removed++
		}
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("%-8s %d of %d personal parts removed", k, kinds[k].removed, kinds[k].parts)
	}
	share := float64(all.removed) / float64(all.parts)
	t.Logf("all      %d of %d personal parts removed (%.1f%%), %d samples", all.removed, all.parts, 100*share, len(samples))
	if share < 0.98 {
		t.Errorf("removed %d of %d personal parts (%.1f%%), want at least 98%%", all.removed, all.parts, 100*share)
	}
}

// TestPasswordWithheld: a message that gives a password is replaced as a
// whole, so that the ID or address next to it goes too.
func TestPasswordWithheld(t *testing.T) {
	for _, s := range readCorpus(t) {
		if s.kind != "password" {
			continue
		}
		if got := Text(s.text); got != Withheld {
			t.Errorf("Text(%q) = %q, want %q", s.text, got, Withheld)
		}
		if !HasPassword(s.text) {
			t.Errorf("HasPassword(%q) = false, want true", s.text)
		}
	}
}
