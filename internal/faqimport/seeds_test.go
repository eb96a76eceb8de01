package faqimport

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// seedsVar names the environment variable that points at an office's FAQ
// documents (a glob) kept outside the repository; without it the test
// skips, so that it reads nothing outside the repository unless asked to
// (.ci/run asks, with the documents beside the clone).
const seedsVar = "MADOGUCHI_FAQ_SEEDS"

// seedItems is how many FAQ items each known document has, counted by
// hand.
var seedItems = map[string]int{
	"000_792ed57d9e973b32.txt": 23, // the OUMail FAQ, Japanese, a PDF's text
	"002_a7a72038886d46c7.txt": 3,  // the sign-in troubleshooting page, English
}

// TestSeedDocuments imports the office's own FAQ documents: one draft per
// item, each draft with every address its item gives, and no address of
// the document lost.
func TestSeedDocuments(t *testing.T) {
	glob := os.Getenv(seedsVar)
	if glob == "" {
		t.Skipf("%s is not set: no FAQ documents to import", seedsVar)
	}
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("%s=%q names no files", seedsVar, glob)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			items := readSample(t, path)
			if want, ok := seedItems[filepath.Base(path)]; ok && len(items) != want {
				t.Errorf("got %d items, want %d", len(items), want)
			}
			dir := t.TempDir()
			res, err := Import(dir, items)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Written) != len(items) {
				t.Fatalf("wrote %d drafts for %d items", len(res.Written), len(items))
			}
			onDrafts := map[string]bool{}
			links, unanswered := 0, 0
			for i, p := range res.Written {
				in := parse(t, p)
				if !in.Draft || in.Source.Item != items[i].Key || in.Examples.In(items[i].Lang)[0] != items[i].Question {
					t.Errorf("%s: got draft %v, source %+v, first example %q; want a draft of item %s", filepath.Base(p), in.Draft, in.Source, in.Examples.In(items[i].Lang), items[i].Key)
				}
				// The file's links, as written (lint refuses http and
				// mailto links until the admin decides).
				fileData, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				var got, want []string
				for _, l := range items[i].Links {
					want = append(want, l.URL)
					if strings.Contains(string(fileData), "url: "+l.URL+"\n") {
						got = append(got, l.URL)
					}
					onDrafts[l.URL] = true
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: got links %q, want %q", filepath.Base(p), got, want)
				}
				links += len(want)
				if items[i].Answer == "" {
					unanswered++
				}
			}
			lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
			joinURLs(lines)
			var lost []string
			for _, u := range urls(strings.Join(lines, "\n")) {
				if !onDrafts[u] {
					lost = append(lost, u)
				}
			}
			if len(lost) > 0 {
				t.Errorf("addresses of the document on no draft: %q", lost)
			}
			t.Logf("%d items, %d drafts, %d links on them; %d drafts without an answer (the PDF's columns put it elsewhere)", len(items), len(res.Written), links, unanswered)
		})
	}
}
