package console

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// newIntentForm is the new-intent form: what the admin typed, shown
// again with the reason when it is refused, so that nothing typed is lost.
type newIntentForm struct {
	T tr
	// Suffix keeps the form's element ids apart on a page of several.
	Suffix string
	Days   string
	ID     string

	TitleJA, TitleEN       string
	ExamplesJA, ExamplesEN string
	AnswerJA, AnswerEN     string
	// Problems are lint's, in the page's language.
	Problems []string
}

// MaxTitle is the longest title, in UTF-16 units as lint and the
// browser's maxlength count.
func (newIntentForm) MaxTitle() int { return catalogue.MaxTitleLen }

// MaxAnswer is the longest answer, likewise.
func (newIntentForm) MaxAnswer() int { return catalogue.MaxAnswerLen }

func readNewIntentForm(r *http.Request) newIntentForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return newIntentForm{T: translator(r), Days: v("days"), ID: v("id"), TitleJA: v("title_ja"), TitleEN: v("title_en"),
		ExamplesJA: r.PostFormValue("examples_ja"), ExamplesEN: r.PostFormValue("examples_en"), AnswerJA: v("answer_ja"), AnswerEN: v("answer_en")}
}

// check says why the form cannot become an intent, with the status to
// answer: what can be known at once (the id, missing fields, and lint's
// rules for one file: the titles' and answers' lengths, markup, an empty
// language). The checks across intents and the figures run in the
// background afterwards.
func (c *Console) check(f *newIntentForm) (int, string) {
	tr := f.T
	switch {
	case !intentID.MatchString(f.ID):
		return http.StatusBadRequest, tr.S("err.id")
	case f.TitleJA == "" || f.TitleEN == "" || f.AnswerJA == "" || f.AnswerEN == "" || len(lines(f.ExamplesJA))+len(lines(f.ExamplesEN)) == 0:
		return http.StatusBadRequest, tr.S("err.fields")
	}
	name := f.ID + ".yaml"
	if _, err := os.Stat(filepath.Join(c.o.IntentsDir, name)); err == nil || c.o.Bot.Index().Catalogue().Intent(f.ID) != nil {
		return http.StatusConflict, tr.S("err.exists")
	}
	file, err := catalogue.IntentFile(f.ID, catalogue.Text{JA: f.TitleJA, EN: f.TitleEN}, catalogue.Text{JA: f.AnswerJA, EN: f.AnswerEN},
		lines(f.ExamplesJA), lines(f.ExamplesEN))
	if err != nil {
		c.o.Logger.Error("console: write the new intent's file", "err", err)
		return http.StatusBadRequest, tr.S("err.fields")
	}
	if _, ps := catalogue.ParseIntent(name, file); len(ps) > 0 {
		f.Problems = lintLines(ps, tr.lang)
		return http.StatusUnprocessableEntity, tr.S("err.lint")
	}
	return http.StatusOK, ""
}

// newIntent checks the new-intent form at once and, when it is refused,
// shows it again as typed with the reason; a form that passes goes on to
// reviewNew, which makes the change in the background.
func (c *Console) newIntent(w http.ResponseWriter, r *http.Request, s *session) {
	f := readNewIntentForm(r)
	if status, msg := c.check(&f); msg != "" {
		c.render(w, r, s, status, "newintent", page{Error: msg, Data: f})
		return
	}
	c.reviewNew(w, r, s)
}
