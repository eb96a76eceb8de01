package search

import (
	"fmt"
	"io"
)

// WriteHits writes one line per hit: the intent's id, then its title with
// the matched letters in brackets; "no intent found" for none.
func WriteHits(w io.Writer, hits []Hit) {
	if len(hits) == 0 {
		fmt.Fprintln(w, "no intent found")
		return
	}
	for _, h := range hits {
		fmt.Fprintf(w, "%-22s %s\n", h.Intent.ID, h.Highlight("[", "]"))
	}
}
