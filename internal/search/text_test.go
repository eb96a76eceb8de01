package search

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// TestWriteHits: one line per hit, the id padded to 22 columns, the
// title with the matched letters bracketed; a line saying so for none.
func TestWriteHits(t *testing.T) {
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	hits := Find(cat, "imap")
	var out bytes.Buffer
	WriteHits(&out, hits)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(hits) || len(hits) == 0 {
		t.Fatalf("got %d lines for %d hits:\n%s", len(lines), len(hits), out.String())
	}
	if want := fmt.Sprintf("%-22s %s", hits[0].Intent.ID, hits[0].Highlight("[", "]")); lines[0] != want || !strings.Contains(lines[0], "[") {
		t.Errorf("got %q, want %q", lines[0], want)
	}
	out.Reset()
	WriteHits(&out, nil)
	if got := out.String(); got != "no intent found\n" {
		t.Errorf("no hits: got %q", got)
	}
}
