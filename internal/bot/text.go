package bot

import (
	"fmt"
	"io"
	"strings"
)

// WriteText renders a reply as plain text, as a user would read it in a
// terminal: numbered choices (a number picks one, as a button would),
// links, the office's contact and related questions.
func WriteText(w io.Writer, r Reply) {
	if r.Title != "" {
		fmt.Fprintf(w, "■ %s\n", r.Title)
	}
	fmt.Fprintln(w, r.Text)
	n := 0
	for _, ch := range r.Choices {
		n++
		fmt.Fprintf(w, "  %d) %s\n", n, ch.Label)
	}
	for _, l := range r.Links {
		fmt.Fprintf(w, "→ %s: %s\n", l.Label, l.URL)
	}
	if ct := r.Contact; ct != nil {
		fmt.Fprintf(w, "\n%s: %s\n  %s\n", ct.Label, ct.Name, ct.URL)
		for _, extra := range []string{ct.Email, ct.Phone} {
			if extra != "" {
				fmt.Fprintf(w, "  %s\n", extra)
			}
		}
		fmt.Fprintln(w, indent(ct.Details, "  "))
	}
	if len(r.Related) > 0 {
		fmt.Fprintf(w, "\n%s:\n", r.RelatedLabel)
		for _, ch := range r.Related {
			n++
			fmt.Fprintf(w, "  %d) %s\n", n, ch.Label)
		}
	}
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
