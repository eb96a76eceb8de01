package redact

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// devSetsVar names the environment variable that points at labelled query
// files (a glob) kept outside the repository, such as an office's
// development sets; without it the test skips, so that it reads nothing
// outside the repository unless asked to (.ci/run asks).
const devSetsVar = "MADOGUCHI_DEV_QUERIES"

// TestDevSetsStayReadable measures how many ordinary questions redaction
// alters: review needs the question as asked, so at most 2% of the
// development sets' questions may lose a word (full-width letters folded
// to ASCII do not count).
func TestDevSetsStayReadable(t *testing.T) {
	glob := os.Getenv(devSetsVar)
	if glob == "" {
		t.Skipf("%s is not set: no query files to measure", devSetsVar)
	}
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("%s=%q names no files", devSetsVar, glob)
	}
	total, altered := 0, 0
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
				continue
			}
			_, q, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			total++
			if got := Text(q); got != norm.NFKC.String(q) {
				altered++
				t.Logf("%s: altered: %q", filepath.Base(path), got)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	share := float64(altered) / float64(total)
	t.Logf("%d of %d questions altered (%.1f%%)", altered, total, 100*share)
	if share > 0.02 {
		t.Errorf("altered %d of %d questions (%.1f%%), want at most 2%%", altered, total, 100*share)
	}
}
