package console

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// StaffDrafts are the FAQ drafts staff saved from handoff tickets
// (record.DB), shown "from staff" until an admin publishes or discards
// them.
type StaffDrafts interface {
	Drafts(ctx context.Context) ([]record.Draft, error)
	Draft(ctx context.Context, id string) (record.Draft, bool, error)
	DeleteDraft(ctx context.Context, id string) (bool, error)
}

var _ StaffDrafts = (*record.DB)(nil)

// draftView is a draft with what its form needs: the questions as one
// example a line, and the staff's answer in its language's box.
type draftView struct {
	record.Draft
	Examples           string
	AnswerJA, AnswerEN string
	// Other is the language the admin writes (the one staff did not).
	Other catalogue.Lang
}

type draftsData struct {
	Drafts  []draftView
	Intents []choice
}

// draftsPage lists the drafts from staff, each with the form that
// publishes it into an existing intent or a new one.
func (c *Console) draftsPage(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	if c.o.Drafts == nil {
		c.render(w, r, s, http.StatusOK, "drafts", page{Error: tr.S("err.norecord"), Data: draftsData{}})
		return
	}
	ds, err := c.o.Drafts.Drafts(r.Context())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, tr.S("err.readrecord"), err)
		return
	}
	var d draftsData
	for _, in := range c.o.Bot.Index().Catalogue().Intents {
		d.Intents = append(d.Intents, choice{in.ID, in.Title.In(tr.lang)})
	}
	for _, dr := range ds {
		v := draftView{Draft: dr, Examples: strings.Join(dr.Questions, "\n"), Other: catalogue.English}
		if dr.Lang == catalogue.English {
			v.AnswerEN, v.Other = dr.Answer, catalogue.Japanese
		} else {
			v.AnswerJA = dr.Answer
		}
		d.Drafts = append(d.Drafts, v)
	}
	c.render(w, r, s, http.StatusOK, "drafts", page{Data: d})
}

// draftChange reads the publish form: into an existing intent (its
// examples, and its answer when "replace" is ticked) or a new intent.
func draftChange(r *http.Request, cat *catalogue.Catalogue, tr tr) (review.DraftChange, string) {
	ch := review.DraftChange{Examples: lines(r.PostFormValue("examples")), New: r.PostFormValue("mode") == "new"}
	answer := catalogue.Text{JA: strings.TrimSpace(r.PostFormValue("answer_ja")), EN: strings.TrimSpace(r.PostFormValue("answer_en"))}
	bothAnswers := answer.JA != "" && answer.EN != ""
	switch {
	case len(ch.Examples) == 0:
		return ch, tr.S("err.dr.examples")
	case ch.New:
		ch.Intent = strings.TrimSpace(r.PostFormValue("id"))
		ch.Title = catalogue.Text{JA: strings.TrimSpace(r.PostFormValue("title_ja")), EN: strings.TrimSpace(r.PostFormValue("title_en"))}
		ch.Answer = answer
		switch {
		case !intentID.MatchString(ch.Intent):
			return ch, tr.S("err.id")
		case cat.Intent(ch.Intent) != nil:
			return ch, tr.S("err.exists")
		case ch.Title.JA == "" || ch.Title.EN == "" || !bothAnswers:
			return ch, tr.S("err.fields")
		}
	default:
		ch.Intent = r.PostFormValue("intent")
		if cat.Intent(ch.Intent) == nil {
			return ch, tr.S("err.nointent")
		}
		if r.PostFormValue("replace") == "on" {
			if !bothAnswers {
				return ch, tr.S("err.dr.answers")
			}
			ch.Answer = answer
		}
	}
	return ch, ""
}

// draftPublish publishes a draft as the admin chose, after lint and the
// figures passed on a copy of the intents, as every change in the
// console; the draft goes once the change is made.
func (c *Console) draftPublish(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	if c.o.Audit == nil || c.o.Drafts == nil {
		c.refuse(w, r, s, http.StatusForbidden, tr.S("err.noaudit"), nil)
		return
	}
	id := r.PathValue("id")
	override := r.PostFormValue("override") == "1"
	ch, msg := draftChange(r, c.o.Bot.Index().Catalogue(), tr)
	if msg != "" {
		c.refuse(w, r, s, http.StatusBadRequest, msg, nil)
		return
	}
	c.background(w, r, s, func(ctx context.Context) outcome {
		c.changing.Lock()
		defer c.changing.Unlock()
		// Under the lock: another admin may have published it meanwhile.
		if _, ok, err := c.o.Drafts.Draft(ctx, id); err != nil {
			c.o.Logger.Error("console: read a draft", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.readrecord"), nil)
		} else if !ok {
			return refused(http.StatusConflict, tr.S("err.dr.gone"), nil)
		}
		tmp, err := copyIntents(c.o.IntentsDir)
		if err != nil {
			c.o.Logger.Error("console: copy the intents", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		defer os.RemoveAll(tmp)
		plan, err := review.PlanDraft(tmp, nil, ch, nil)
		if err != nil {
			return refused(http.StatusUnprocessableEntity, tr.S("err.lint"), problemLines(err, tmp))
		}
		if len(plan.Refusals) > 0 && !override {
			return refused(http.StatusConflict, tr.S("err.worse"), plan.Refusals)
		}
		files, err := plan.Write(tmp, true)
		if err != nil {
			c.o.Logger.Error("console: write the change", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		d := appliedData{Added: plan.Added, Figures: changeFigures(tr, plan)}
		what := fmt.Sprintf("published draft %s from staff into %s (new %v, answer replaced %v): %d examples", id, ch.Intent, ch.New, ch.Answer != (catalogue.Text{}), plan.Added)
		if override && len(plan.Refusals) > 0 {
			what += fmt.Sprintf(" (overriding %d refusals)", len(plan.Refusals))
		}
		out := c.commit(ctx, tr, s, files, "drafts.publish", what, d)
		if out.status == http.StatusOK {
			if _, err := c.o.Drafts.DeleteDraft(ctx, id); err != nil {
				c.o.Logger.Error("console: a published draft was not removed", "draft", id, "err", err)
			}
		}
		return out
	})
}

// draftDiscard removes a draft the admin does not want, audited first.
func (c *Console) draftDiscard(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	if c.o.Audit == nil || c.o.Drafts == nil {
		c.refuse(w, r, s, http.StatusForbidden, tr.S("err.noaudit"), nil)
		return
	}
	id := r.PathValue("id")
	if err := c.audit(r.Context(), s, "drafts.discard", "discarded draft "+id+" from staff"); err != nil {
		c.o.Logger.Error("console: audit", "err", err)
		c.refuse(w, r, s, http.StatusInternalServerError, tr.S("err.audit"), nil)
		return
	}
	if _, err := c.o.Drafts.DeleteDraft(r.Context(), id); err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, tr.S("err.readrecord"), err)
		return
	}
	http.Redirect(w, r, "/drafts", http.StatusSeeOther)
}
