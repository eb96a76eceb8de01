package catalogue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSyntaxGolden parses each intent file under testdata/syntax, each
// broken in one way an admin breaks YAML, and compares the problems in
// English and in Japanese with the golden files beside it.
func TestSyntaxGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/syntax/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, ps := ParseIntent(path, data)
			if len(ps) == 0 {
				t.Fatalf("%s: no problems, want its syntax mistake reported", path)
			}
			for _, l := range Langs {
				got := ps.In(l) + "\n"
				golden := strings.TrimSuffix(path, ".yaml") + "." + string(l) + ".golden"
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
					t.Errorf("problems (%s) differ from %s:\ngot:\n%s\nwant:\n%s", l, golden, got, want)
				}
			}
		})
	}
}

// TestScanSyntaxValid: the line checks find nothing in valid files, the
// shipped catalogue's and the test catalogues' (blocks of text with
// colons, lists in brackets, items holding fields).
func TestScanSyntaxValid(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../intents/*.yaml", "testdata/valid/*.yaml", "testdata/extreme/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("found %d files, want the shipped catalogue's and the test catalogues'", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if is := scanSyntax(data); is != nil {
			t.Errorf("%s:%d:%d: got %q, want no problem in a valid file", f, is.line, is.col, is.en)
		}
	}
}
