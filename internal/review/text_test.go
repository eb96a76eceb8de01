package review

import (
	"strings"
	"testing"
)

func TestWriteEmpty(t *testing.T) {
	tests := []struct {
		name  string
		write func(*strings.Builder)
		want  string
	}{
		{"clusters", func(w *strings.Builder) { WriteClusters(w, nil) }, "No question was escalated, asked back or disliked.\n"},
		{"change", func(w *strings.Builder) { WriteChange(w, &Change{}) }, "Nothing to write: the intents already have these examples.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w strings.Builder
			tt.write(&w)
			if got := w.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIndentLines(t *testing.T) {
	if got, want := indentLines("a\nb\n", "  "), "  a\n  b\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
