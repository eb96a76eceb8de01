package bot

import (
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func TestWriteText(t *testing.T) {
	b := New(match.New(shipped(t)))
	r := b.Choose("forward-change", catalogue.English)
	var s strings.Builder
	WriteText(&s, r)
	got := s.String()
	if want := "■ " + r.Title + "\n" + r.Text + "\n"; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
	for _, l := range r.Links {
		if want := "→ " + l.Label + ": " + l.URL + "\n"; !strings.Contains(got, want) {
			t.Errorf("got %q, want the link line %q", got, want)
		}
	}
	for i, ch := range r.Related {
		if !strings.Contains(got, ") "+ch.Label+"\n") {
			t.Errorf("got %q, want related question %d %q numbered", got, i, ch.Label)
		}
	}
}
