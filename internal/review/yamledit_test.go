package review

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestInsertExamples adds examples to intent files and compares them with
// the golden files beside them: comments, blank lines and quoting stay.
func TestInsertExamples(t *testing.T) {
	t.Parallel()
	add := map[catalogue.Lang][]string{
		catalogue.Japanese: {"受信箱がいっぱい", "容量がいっぱいになったらどうなる", "メール: 受信できない"},
		catalogue.English:  {"inbox is full", "How large is my mailbox?", "Inbox: full?", "it's #1"},
	}
	files, err := filepath.Glob("testdata/yamledit/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, lang := range catalogue.Langs {
				var n int
				if data, n, err = InsertExamples(data, lang, add[lang]); err != nil {
					t.Fatal(err)
				}
				total += n
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test -update): %v", err)
			}
			if string(data) != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", data, want)
			}
			in, ps := catalogue.ParseIntent(f, data)
			if len(ps) > 0 {
				t.Fatalf("the result does not parse: %v", ps)
			}
			for _, lang := range catalogue.Langs {
				got := in.Examples.In(lang)
				for _, w := range add[lang] {
					if !contains(got, w) {
						t.Errorf("%s examples %q lack %q", lang, got, w)
					}
				}
			}
			if total == 0 {
				t.Error("nothing added")
			}
		})
	}
}

// TestInsertExamplesKeepsEveryLine: in a block list, the file is the old
// file with lines inserted, nothing else.
func TestInsertExamplesKeepsEveryLine(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("testdata/yamledit/mailbox-quota.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, n, err := InsertExamples(src, catalogue.English, []string{"inbox is full", "what happens when my mailbox is full"})
	if err != nil || n != 1 {
		t.Fatalf("added %d, %v; want 1 (the other is already there)", n, err)
	}
	old, got := strings.Split(string(src), "\n"), strings.Split(string(out), "\n")
	if len(got) != len(old)+1 {
		t.Fatalf("%d lines, want %d", len(got), len(old)+1)
	}
	j := 0
	for _, l := range got {
		if j < len(old) && l == old[j] {
			j++
		}
	}
	if j != len(old) {
		t.Errorf("line %d of the old file was changed or lost:\n%s", j+1, out)
	}
}

func TestInsertExamplesErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"examples: [", "id: x\n", "examples:\n  ja: hello\n", "- a list\n"} {
		if _, _, err := InsertExamples([]byte(src), catalogue.Japanese, []string{"x"}); err == nil {
			t.Errorf("InsertExamples(%q) gave no error", src)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestAddToKustomization(t *testing.T) {
	const src = `# comment
kind: Kustomization
configMapGenerator:
  - name: madoguchi-intents
    files:
      - _settings.yaml
      - forward-change.yaml
      - mailbox-quota.yaml # keep
`
	tests := []struct {
		name, want string
	}{
		{"library.yaml", "      - forward-change.yaml\n      - library.yaml\n      - mailbox-quota.yaml # keep\n"},
		{"zzz.yaml", "      - mailbox-quota.yaml # keep\n      - zzz.yaml\n"},
		{"access.yaml", "      - _settings.yaml\n      - access.yaml\n      - forward-change.yaml\n"},
		{"forward-change.yaml", "      - forward-change.yaml\n      - mailbox-quota.yaml # keep\n"},
	}
	for _, tt := range tests {
		got, err := AddToKustomization([]byte(src), tt.name)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !strings.Contains(string(got), tt.want) || !strings.HasPrefix(string(got), "# comment\nkind: Kustomization\n") {
			t.Errorf("%s: got\n%s\nwant it to contain\n%s", tt.name, got, tt.want)
		}
		if n := strings.Count(string(got), tt.name); n != 1 {
			t.Errorf("%s listed %d times", tt.name, n)
		}
	}
	if _, err := AddToKustomization([]byte("kind: Kustomization\n"), "a.yaml"); err == nil {
		t.Error("a Kustomization without configMapGenerator was accepted")
	}
}
