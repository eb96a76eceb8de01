package review

import (
	"fmt"
	"io"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// CatalogueDraft is an unfinished intent (madoguchi import writes them) for the
// admins to finish: the bot does not answer from it until they do.
type CatalogueDraft struct {
	ID     string
	File   string
	Title  catalogue.Text
	Source catalogue.Source
	// Needs says, in English and Japanese, what the draft still needs
	// before its "draft: true" line may go; empty when it is ready.
	Needs []catalogue.Problem
}

// Drafts lists the catalogue's drafts with what each still needs.
func CatalogueDrafts(c *catalogue.Catalogue) []CatalogueDraft {
	out := make([]CatalogueDraft, 0, len(c.Drafts))
	for _, in := range c.Drafts {
		out = append(out, CatalogueDraft{ID: in.ID, File: in.File, Title: in.Title, Source: in.Source, Needs: catalogue.Unfinished(in)})
	}
	return out
}

// WriteCatalogueDrafts prints the drafts for admins, after the clusters: a draft
// may answer what the clusters show was asked.
func WriteCatalogueDrafts(w io.Writer, drafts []CatalogueDraft) {
	if len(drafts) == 0 {
		return
	}
	fmt.Fprintf(w, "Drafts to finish (%d): the bot does not answer from them yet.\n", len(drafts))
	for _, d := range drafts {
		title := d.Title.JA
		if title == "" {
			title = d.Title.EN
		}
		from := ""
		if d.Source.File != "" {
			from = fmt.Sprintf(" (from %s, item %s)", d.Source.File, d.Source.Item)
		}
		fmt.Fprintf(w, "  %s: %s%s\n", d.File, title, from)
		if len(d.Needs) == 0 {
			fmt.Fprintln(w, `     ready: delete its "draft: true" line to publish it`)
		}
		for _, p := range d.Needs {
			if p.Line > 0 {
				fmt.Fprintf(w, "     line %d: %s\n", p.Line, p.Msg)
			} else {
				fmt.Fprintf(w, "     %s\n", p.Msg)
			}
		}
	}
	fmt.Fprintln(w)
}
