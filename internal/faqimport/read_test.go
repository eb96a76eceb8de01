package faqimport

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestReadGolden reads every sample document under testdata and compares
// the items and problems found with the golden file beside it.
func TestReadGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		if filepath.Ext(path) == ".golden" {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			items, ps := Read(path, data)
			got := describe(items, ps)
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("items differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// describe writes items and problems as the golden files hold them.
func describe(items []Item, ps catalogue.Problems) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "== %s:%d item %q (%s)\n", it.File, it.Line, it.Key, it.Lang)
		fmt.Fprintf(&b, "Q: %s\n", it.Question)
		for _, m := range it.More {
			fmt.Fprintf(&b, "also: %s\n", m)
		}
		fmt.Fprintf(&b, "A: %s\n", strings.ReplaceAll(it.Answer, "\n", "\n   "))
		for _, l := range it.Links {
			fmt.Fprintf(&b, "link: %s [ja %q, en %q]\n", l.URL, l.Label.JA, l.Label.EN)
		}
	}
	for _, p := range ps {
		fmt.Fprintf(&b, "problem: %s\n", p)
	}
	return b.String()
}

// TestEncodings checks that a spreadsheet reads the same whichever way
// Excel saved it.
func TestEncodings(t *testing.T) {
	tests := []struct{ file, same string }{
		{"testdata/faq-ja-bom.csv", "testdata/faq-ja.csv"},
		{"testdata/faq-ja-sjis.csv", "testdata/faq-ja.csv"},
		{"testdata/faq-utf16.tsv", "testdata/faq.tsv"},
	}
	read := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		items, ps := Read(path, data)
		for i := range items {
			items[i].File = ""
		}
		return describe(items, ps)
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			if got, want := read(tt.file), read(tt.same); got != want {
				t.Errorf("got\n%s\nwant (as %s)\n%s", got, tt.same, want)
			}
		})
	}
}

// TestProblems checks that each broken document says what is wrong, and
// where.
func TestProblems(t *testing.T) {
	tests := []struct {
		file  string
		items int
		want  []string
	}{
		{"testdata/broken.csv", 2, []string{
			"testdata/broken.csv:3: the question is empty: write it, or delete the row",
			`testdata/broken.csv:4: the answer to "A question without its answer?" is empty: write it, or delete the row`,
			`testdata/broken.csv:5: a double quote (") is not closed, or a quoted cell has text after its closing quote; write a quote inside a cell as ""`,
			`testdata/broken.csv:6: language "fr" is not ja or en (日本語, English)`,
			`testdata/broken.csv:7: the URL column has "help", "page", not a web address; write each address in full (https://…), separated by spaces`,
			`testdata/broken.csv:8: the item "1" is also on line 2; give each row its own id and question`,
			`testdata/broken.csv:9: the row has 2 columns, the header 5: a separator (a comma) is missing, or a cell with a line break or a ',' is not in double quotes`,
		}},
		{"testdata/noheader.csv", 0, []string{
			`testdata/noheader.csv:1: no question column: the first row must name the columns, one of them "question" or "質問" (it has "Where do I sign in?", "At the sign-in page.")`,
			`testdata/noheader.csv:1: no answer column: the first row must name the columns, one of them "answer" or "回答" (it has "Where do I sign in?", "At the sign-in page.")`,
		}},
		{"testdata/notsjis.txt", 0, []string{
			"testdata/notsjis.txt:1: the text is neither UTF-8 nor Shift_JIS; save the file as UTF-8 (Excel: CSV UTF-8)",
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			items, ps := Read(tt.file, data)
			if len(items) != tt.items {
				t.Errorf("got %d items, want %d", len(items), tt.items)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
