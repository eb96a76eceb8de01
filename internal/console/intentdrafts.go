package console

import (
	"net/http"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// intentDraftRow is one draft on the drafts page, its needs in the page's
// language.
type intentDraftRow struct {
	review.CatalogueDraft
	Name  string
	Title string
	Needs []string
}

// intentDraftsPage lists the served directory's drafts (madoguchi import writes
// them) with what each still needs: the bot does not answer from them
// until an admin finishes them and deletes their "draft: true" line.
func (c *Console) intentDraftsPage(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	var rows []intentDraftRow
	for _, d := range review.CatalogueDrafts(c.o.Bot.Index().Catalogue()) {
		row := intentDraftRow{CatalogueDraft: d, Name: baseName(d.File), Title: d.Title.In(tr.lang)}
		if row.Title == "" {
			row.Title = d.Title.In(otherLang(tr.lang))
		}
		for _, p := range d.Needs {
			p.File = row.Name // the served directory's path says nothing to an admin
			row.Needs = append(row.Needs, p.In(tr.lang))
		}
		rows = append(rows, row)
	}
	c.render(w, r, s, http.StatusOK, "intent-drafts", page{Data: rows})
}

func otherLang(l catalogue.Lang) catalogue.Lang {
	if l == catalogue.Japanese {
		return catalogue.English
	}
	return catalogue.Japanese
}
