package faqimport

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportFiles: each document's line of counts and the drafts it
// wrote, then either the hint to lint or the problems of every document
// (returned too, the other items written all the same).
func TestImportFiles(t *testing.T) {
	dir := t.TempDir()
	en, ja, broken := filepath.Join("testdata", "faq-en.md"), filepath.Join("testdata", "faq-ja.csv"), filepath.Join("testdata", "broken.csv")
	for _, tc := range []struct {
		name     string
		files    []string
		problems int
		want     []string
	}{
		{"new", []string{en, ja}, 0, []string{
			en + ": 3 items: 3 new drafts, 0 updated, 0 unchanged, 0 published (left alone)\n  new      ",
			ja + ": 3 items: 3 new drafts,",
			"pasuwado-wasure.yaml\n",
			"The bot does not answer from drafts. 'madoguchi lint " + dir + "' says what each still needs.\n",
		}},
		{"again", []string{en}, 0, []string{en + ": 3 items: 0 new drafts, 0 updated, 3 unchanged, 0 published (left alone)\nThe bot"}},
		{"broken rows", []string{broken}, 7, []string{
			broken + ":3: the question is empty",
			"\n7 problems; the other items were imported: fix these and import again\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			ps, err := ImportFiles(&out, dir, tc.files)
			if err != nil || len(ps) != tc.problems {
				t.Fatalf("got %d problems, %v; want %d", len(ps), err, tc.problems)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("got\n%s\nwant %q in it", out.String(), w)
				}
			}
		})
	}
	if _, err := ImportFiles(&bytes.Buffer{}, dir, []string{filepath.Join("testdata", "missing.csv")}); err == nil || !strings.HasPrefix(err.Error(), "read testdata/missing.csv: ") {
		t.Errorf("a missing document: got %v, want a read error naming it", err)
	}
}
