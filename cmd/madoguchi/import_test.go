package main

import (
	"os"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestImportCommand runs import as the README shows it: the flag before
// or after the documents, a second run changing nothing, broken rows
// reported at file:line with exit status 1, a missing --out a usage error.
func TestImportCommand(t *testing.T) {
	t.Parallel()
	const (
		en     = "../../internal/faqimport/testdata/faq-en.md"
		ja     = "../../internal/faqimport/testdata/faq-ja.csv"
		broken = "../../internal/faqimport/testdata/broken.csv"
	)
	// Into a copy of the shipped intents, as the README does it.
	dir := testkit.CopyIntents(t, os.DirFS(intentsDir))
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"new", []string{"import", en, "--out", dir, ja}, 0, []string{
			en + ": 3 items: 3 new drafts, 0 updated, 0 unchanged, 0 published (left alone)",
			ja + ": 3 items: 3 new drafts,",
			"pasuwado-wasure.yaml",
			"'madoguchi lint " + dir + "' says what each still needs",
		}},
		{"again", []string{"import", "--out", dir, en, ja}, 0, []string{
			en + ": 3 items: 0 new drafts, 0 updated, 3 unchanged",
			ja + ": 3 items: 0 new drafts, 0 updated, 3 unchanged",
		}},
		{"lint lists the drafts", []string{"lint", dir}, 0, []string{
			"pasuwado-wasure.yaml: draft, not answered until finished",
			"no problems, 6 drafts (not answered)",
		}},
		{"broken rows", []string{"import", "--out", dir, broken}, 1, []string{
			broken + ":3: the question is empty",
			"7 problems; the other items were imported",
		}},
		{"no out", []string{"import", en}, 2, []string{"--out DIR is required"}},
		{"no files", []string{"import", "--out", dir}, 2, []string{"name at least one FAQ document"}},
	}
	for _, tt := range tests {
		out, errOut, code := runEnv(t, nil, tt.args...)
		if code != tt.code {
			t.Fatalf("%s: got exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.name, code, tt.code, out, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(out+errOut, w) {
				t.Errorf("%s: output lacks %q:\n%s%s", tt.name, w, out, errOut)
			}
		}
	}
}
