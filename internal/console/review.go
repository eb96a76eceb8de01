package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/reload"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// clusterView is a review cluster with what its forms need.
type clusterView struct {
	*review.Cluster
	// Items are its questions, each with its form fields' key.
	Items      []itemView
	ExamplesJA string
	ExamplesEN string
}

// itemView is one question of a cluster: a checkbox (never preselected),
// the text as it will be written (editable: a personal one must be edited
// before it can be added), and the intent, the suggestion's if any.
type itemView struct {
	*review.Item
	Key string
}

type choice struct{ ID, Title string }

// maxNotOurs bounds the questions asked, not ours, that a review page
// lists: nothing is done with them here, they are material to read.
const maxNotOurs = 100

// clustersPerPage bounds a review page: each cluster lists every one of
// its questions, and the page one list of intents.
const clustersPerPage = 10

type reviewData struct {
	periodData
	Clusters []clusterView
	// NotOurs are the questions asked that the catalogue rightly does
	// not answer (the first maxNotOurs), of NotOursTotal.
	NotOurs      []string
	NotOursTotal int
	Intents      []choice
	// Page is this page (1-based) of Pages.
	Page, Pages int
	PrevPage    int
	NextPage    int
}

// itemKey names a question in the forms by its first recorded question,
// so that a form applies to the question the admin saw.
func itemKey(it *review.Item) string { return it.IDs[0] }

// Marks keeps what admins did with reviewed questions (record.DB).
type Marks interface {
	ReviewMarks(ctx context.Context, since time.Time) (map[string]record.ReviewMark, error)
	MarkReviewed(ctx context.Context, marks []record.ReviewMark) error
}

var _ Marks = (*record.DB)(nil)

// clusters reviews the period's record, without the questions already
// applied or dismissed; it also returns the whole record, for a change's
// effect.
func (c *Console) clusters(r *http.Request, days int) ([]*review.Cluster, []record.Entry, int, string) {
	es, since, status, msg := c.entries(r, days)
	if msg != "" {
		return nil, nil, status, msg
	}
	pending := es
	if c.o.Marks != nil {
		marks, err := c.o.Marks.ReviewMarks(r.Context(), since)
		if err != nil {
			c.o.Logger.Error("console: read the review marks", "err", err)
			return nil, nil, http.StatusInternalServerError, translator(r).S("err.readrecord")
		}
		pending = review.Pending(es, marks)
	}
	return review.Review(c.o.Bot.Index(), pending), es, http.StatusOK, ""
}

func (c *Console) reviewPage(w http.ResponseWriter, r *http.Request, s *session) {
	days, ok := period(r)
	if !ok {
		c.fail(w, r, s, http.StatusBadRequest, translator(r).S("err.period"), nil)
		return
	}
	cs, _, status, msg := c.clusters(r, days)
	lang := translator(r).lang
	d := reviewData{periodData: periodData{days, periods}}
	for _, in := range c.o.Bot.Index().Catalogue().Intents {
		d.Intents = append(d.Intents, choice{in.ID, in.Title.In(lang)})
	}
	var shown []*review.Cluster
	for _, cl := range cs {
		if cl.Suggestion == review.OutOfScope {
			d.NotOursTotal += len(cl.Texts)
			d.NotOurs = append(d.NotOurs, cl.Texts[:min(len(cl.Texts), maxNotOurs-len(d.NotOurs))]...)
			continue
		}
		shown = append(shown, cl)
	}
	per := c.perPage
	d.Pages = max(1, (len(shown)+per-1)/per)
	d.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	d.Page = min(max(d.Page, 1), d.Pages)
	if d.Page > 1 {
		d.PrevPage = d.Page - 1
	}
	if d.Page < d.Pages {
		d.NextPage = d.Page + 1
	}
	for _, cl := range shown[min((d.Page-1)*per, len(shown)):min(d.Page*per, len(shown))] {
		v := clusterView{Cluster: cl}
		var texts []string
		for _, it := range cl.Items {
			v.Items = append(v.Items, itemView{Item: it, Key: itemKey(it)})
			if it.Personal == "" {
				texts = append(texts, it.Text)
			}
		}
		ja, en := splitLangs(texts)
		v.ExamplesJA, v.ExamplesEN = strings.Join(ja, "\n"), strings.Join(en, "\n")
		d.Clusters = append(d.Clusters, v)
	}
	c.render(w, r, s, status, "review", page{Error: msg, Data: d})
}

func splitLangs(texts []string) (ja, en []string) {
	for _, t := range texts {
		if bot.LangOf(t) == catalogue.English {
			en = append(en, t)
		} else {
			ja = append(ja, t)
		}
	}
	return ja, en
}

// figure is one line of the before/after table.
type figure struct {
	Name          string
	Before, After string
}

// appliedData is the outcome of a change.
type appliedData struct {
	Files    []string
	Added    int
	Figures  []figure
	ReadOnly bool
	Download string
	Reload   *reload.Status
	Problems []string
}

// outcome is what a change came to: the page to show, its status, and
// its template ("applied" when empty).
type outcome struct {
	status int
	p      page
	tmpl   string
}

// refused is a change refused, with lint's file:line sentences if any.
func refused(status int, msg string, problems []string) outcome {
	return outcome{status: status, p: page{Error: msg, Data: appliedData{Problems: problems}}}
}

// refuse shows at once why a change was refused.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, s *session, status int, msg string, problems []string) {
	o := refused(status, msg, problems)
	c.render(w, r, s, o.status, "applied", o.p)
}

// reviewForm reads a review form: the period, and the checked questions
// (pick) as choices, each with its text as edited (text.KEY) and, when
// intents is set, its intent (intent.KEY). A question that looks personal
// is refused until edited. It shows the refusal itself and returns false.
func (c *Console) reviewForm(w http.ResponseWriter, r *http.Request, s *session, intents bool) ([]review.Choice, []record.Entry, bool) {
	tr := translator(r)
	days, ok := period(r)
	if !ok {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.period"), nil)
		return nil, nil, false
	}
	if c.o.Audit == nil {
		c.refuse(w, r, s, http.StatusForbidden, tr.S("err.noaudit"), nil)
		return nil, nil, false
	}
	keys := r.PostForm["pick"]
	if len(keys) == 0 {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.nopick"), nil)
		return nil, nil, false
	}
	cs, es, status, msg := c.clusters(r, days)
	if msg != "" {
		c.refuse(w, r, s, status, msg, nil)
		return nil, nil, false
	}
	byKey := map[string]*review.Item{}
	for _, cl := range cs {
		for _, it := range cl.Items {
			byKey[itemKey(it)] = it
		}
	}
	var choices []review.Choice
	for _, key := range keys {
		it := byKey[key]
		if it == nil {
			c.refuse(w, r, s, http.StatusConflict, tr.S("err.cluster"), nil)
			return nil, nil, false
		}
		ch := review.Choice{Text: strings.Join(strings.Fields(r.PostFormValue("text."+key)), " "), IDs: it.IDs}
		if ch.Text == "" {
			ch.Text = it.Text
		}
		if intents {
			ch.Intent = r.PostFormValue("intent." + key)
			if c.o.Bot.Index().Catalogue().Intent(ch.Intent) == nil {
				c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.nointent"), []string{ch.Text})
				return nil, nil, false
			}
			if why := review.Personal(ch.Text); why != "" {
				c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.personal"), []string{ch.Text + ": " + why})
				return nil, nil, false
			}
		}
		choices = append(choices, ch)
	}
	return choices, es, true
}

// planData is a change's effect, shown before it is written, with the
// form that writes it.
type planData struct {
	Days     int
	Choices  []review.Choice
	Added    int
	Shifts   []review.Shift
	Figures  []figure
	Refusals []string
}

// changeFigures are a change's figures before and after.
func changeFigures(tr tr, ch *review.Change) []figure {
	b, a := ch.Before, ch.After
	return []figure{
		{tr.S("loo"), fmt.Sprintf("%d / %d", b.LeaveOneOut.Correct, b.LeaveOneOut.InScope), fmt.Sprintf("%d / %d", a.LeaveOneOut.Correct, a.LeaveOneOut.InScope)},
		{tr.S("loo.wrong"), fmt.Sprintf("%d / %d", b.LeaveOneOut.Wrong, b.LeaveOneOut.InScope), fmt.Sprintf("%d / %d", a.LeaveOneOut.Wrong, a.LeaveOneOut.InScope)},
		{tr.S("reviewed"), fmt.Sprintf("%d / %d", b.Suggested, b.Reviewed), fmt.Sprintf("%d / %d", a.Suggested, a.Reviewed)},
	}
}

// reviewCheck shows what adding the checked questions would do, before
// anything is written: the recorded questions answered differently
// (before → after), the figures, and why it is refused, if it is; its
// page carries the form that writes it.
func (c *Console) reviewCheck(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	choices, es, ok := c.reviewForm(w, r, s, true)
	if !ok {
		return
	}
	days, _ := period(r)
	c.background(w, r, s, func(ctx context.Context) outcome {
		if err := ctx.Err(); err != nil {
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		ch, err := review.Plan(c.o.IntentsDir, es, choices, nil)
		if err != nil {
			return refused(http.StatusUnprocessableEntity, tr.S("err.lint"), problemLines(err, c.o.IntentsDir))
		}
		d := planData{Days: days, Choices: choices, Added: ch.Added, Shifts: ch.Shifts, Figures: changeFigures(tr, ch), Refusals: ch.Refusals}
		return outcome{status: http.StatusOK, p: page{Data: d}, tmpl: "reviewplan"}
	})
}

// reviewApply adds the checked questions to the examples of the intents
// the admin chose. The change is made and checked (lint, the effect on
// the record, leave-one-out) in a copy of the intents; a change that
// makes the catalogue worse is refused unless the admin overrides it
// explicitly. Only when it passes and the audit log has it are the files
// replaced, the bot reloaded (or, for a read-only directory, the changed
// file offered for download) and the questions marked applied, so that
// they leave the review.
func (c *Console) reviewApply(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	choices, es, ok := c.reviewForm(w, r, s, true)
	if !ok {
		return
	}
	override := r.PostFormValue("override") == "1"
	c.background(w, r, s, func(ctx context.Context) outcome {
		c.changing.Lock()
		defer c.changing.Unlock()
		tmp, err := copyIntents(c.o.IntentsDir)
		if err != nil {
			c.o.Logger.Error("console: copy the intents", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		defer os.RemoveAll(tmp)
		ch, err := review.Plan(tmp, es, choices, nil)
		if err != nil {
			return refused(http.StatusUnprocessableEntity, tr.S("err.lint"), problemLines(err, tmp))
		}
		if len(ch.Refusals) > 0 && !override {
			return refused(http.StatusConflict, tr.S("err.worse"), ch.Refusals)
		}
		files, err := ch.Write(tmp, true)
		if err != nil {
			c.o.Logger.Error("console: write the change", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		d := appliedData{Added: ch.Added, Figures: changeFigures(tr, ch)}
		var what []string
		for _, ch := range choices {
			what = append(what, ch.Intent+" ← 「"+ch.Text+"」")
		}
		detail := fmt.Sprintf("added %d examples: %s", ch.Added, strings.Join(what, ", "))
		if override && len(ch.Refusals) > 0 {
			detail += fmt.Sprintf(" (overriding %d refusals)", len(ch.Refusals))
		}
		out := c.commit(ctx, tr, s, files, "review.add-examples", detail, d)
		if out.status == http.StatusOK && c.o.Marks != nil {
			if err := c.o.Marks.MarkReviewed(ctx, review.Marks(choices, s.user, c.o.Now())); err != nil {
				c.o.Logger.Error("console: mark the applied questions", "err", err)
			}
		}
		return out
	})
}

// reviewDismiss marks the checked questions as looked at and not wanted:
// they leave the review.
func (c *Console) reviewDismiss(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	choices, _, ok := c.reviewForm(w, r, s, false)
	if !ok {
		return
	}
	if c.o.Marks == nil {
		c.refuse(w, r, s, http.StatusForbidden, tr.S("err.noaudit"), nil)
		return
	}
	if err := c.o.Marks.MarkReviewed(r.Context(), review.Dismissals(choices, s.user, c.o.Now())); err != nil {
		c.o.Logger.Error("console: mark the dismissed questions", "err", err)
		c.refuse(w, r, s, http.StatusInternalServerError, tr.S("err.write"), nil)
		return
	}
	if err := c.audit(r.Context(), s, "review.dismiss", fmt.Sprintf("dismissed %d questions", len(choices))); err != nil {
		c.o.Logger.Error("console: audit", "err", err)
	}
	days, _ := period(r)
	http.Redirect(w, r, fmt.Sprintf("/review?days=%d", days), http.StatusSeeOther)
}

// commit writes the changed files (paths in a temporary copy) into the
// intents directory and reloads, or keeps them for download when the
// directory is read-only; the audit log has the change first. The caller
// holds c.changing.
func (c *Console) commit(ctx context.Context, tr tr, s *session, files []string, action, what string, d appliedData) outcome {
	d.ReadOnly = !c.writable(c.o.IntentsDir)
	if d.ReadOnly {
		what += " (read-only catalogue: offered as a download)"
	}
	if err := c.audit(ctx, s, action, what); err != nil {
		c.o.Logger.Error("console: audit", "err", err)
		return refused(http.StatusInternalServerError, tr.S("err.audit"), nil)
	}
	for _, f := range files {
		name := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			c.o.Logger.Error("console: read the changed file", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		d.Files = append(d.Files, name)
		if d.ReadOnly {
			d.Download = c.keepDownload(name, data)
			continue
		}
		if err := replaceFile(filepath.Join(c.o.IntentsDir, name), data); err != nil {
			c.o.Logger.Error("console: write the intents", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
	}
	if !d.ReadOnly && c.o.Reloader != nil {
		st := c.o.Reloader.Reload()
		d.Reload = &st
	}
	c.o.Logger.Info("console: change applied", "action", action, "files", d.Files, "read_only", d.ReadOnly)
	return outcome{status: http.StatusOK, p: page{Data: d}}
}

// problemLines turns an error from Apply or Load into lint's sentences,
// with the temporary copy's path taken out.
func problemLines(err error, tmp string) []string {
	var ps catalogue.Problems
	if errors.As(err, &ps) {
		var out []string
		for _, p := range ps {
			out = append(out, strings.ReplaceAll(p.String(), tmp+string(filepath.Separator), ""))
		}
		return out
	}
	return strings.Split(strings.ReplaceAll(err.Error(), tmp+string(filepath.Separator), ""), "\n")
}

// intentID is what an intent id may be: it becomes a file name.
var intentID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// lines splits a textarea into its non-empty lines.
func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// reviewNew writes a new intent from the form (and lists it in the
// Kustomization beside the intents), after lint and the measures of
// review.PlanIntent passed on a copy of the intents with it: a change
// that makes the catalogue worse needs the admin's explicit override.
func (c *Console) reviewNew(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	if c.o.Audit == nil {
		c.refuse(w, r, s, http.StatusForbidden, tr.S("err.noaudit"), nil)
		return
	}
	id := strings.TrimSpace(r.PostFormValue("id"))
	if !intentID.MatchString(id) {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.id"), nil)
		return
	}
	title := catalogue.Text{JA: strings.TrimSpace(r.PostFormValue("title_ja")), EN: strings.TrimSpace(r.PostFormValue("title_en"))}
	answer := catalogue.Text{JA: strings.TrimSpace(r.PostFormValue("answer_ja")), EN: strings.TrimSpace(r.PostFormValue("answer_en"))}
	exJA, exEN := lines(r.PostFormValue("examples_ja")), lines(r.PostFormValue("examples_en"))
	if title.JA == "" || title.EN == "" || answer.JA == "" || answer.EN == "" || len(exJA)+len(exEN) == 0 {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.fields"), nil)
		return
	}
	for _, ex := range append(slices.Clone(exJA), exEN...) {
		if why := review.Personal(ex); why != "" {
			c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.personal"), []string{ex + ": " + why})
			return
		}
	}
	name := id + ".yaml"
	if _, err := os.Stat(filepath.Join(c.o.IntentsDir, name)); err == nil || c.o.Bot.Index().Catalogue().Intent(id) != nil {
		c.refuse(w, r, s, http.StatusConflict, tr.S("err.exists"), nil)
		return
	}
	file, err := catalogue.IntentFile(id, title, answer, exJA, exEN)
	if err != nil {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.fields"), nil)
		return
	}
	days, ok := period(r)
	if !ok {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.period"), nil)
		return
	}
	es, _, status, msg := c.entries(r, days)
	if status != http.StatusOK {
		c.refuse(w, r, s, status, msg, nil)
		return
	}
	override := r.PostFormValue("override") == "1"
	c.background(w, r, s, func(ctx context.Context) outcome {
		c.changing.Lock()
		defer c.changing.Unlock()
		// Checked again under the lock: another change may have made it.
		if _, err := os.Stat(filepath.Join(c.o.IntentsDir, name)); err == nil {
			return refused(http.StatusConflict, tr.S("err.exists"), nil)
		}
		tmp, err := copyIntents(c.o.IntentsDir)
		if err != nil {
			c.o.Logger.Error("console: copy the intents", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		defer os.RemoveAll(tmp)
		// Linted and measured as review --write --new does, with the
		// Kustomization beside the intents (for Kubernetes) listing it.
		ch, err := review.PlanIntent(tmp, es, name, file, nil)
		if err != nil {
			return refused(http.StatusUnprocessableEntity, tr.S("err.lint"), problemLines(err, tmp))
		}
		if len(ch.Refusals) > 0 && !override {
			return refused(http.StatusConflict, tr.S("err.worse"), ch.Refusals)
		}
		files, err := ch.Write(tmp, true)
		if err != nil {
			c.o.Logger.Error("console: write the new intent", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		d := appliedData{Added: ch.Added, Figures: changeFigures(tr, ch)}
		detail := fmt.Sprintf("created intent %s with %d examples", id, d.Added)
		if override && len(ch.Refusals) > 0 {
			detail += fmt.Sprintf(" (overriding %d refusals)", len(ch.Refusals))
		}
		return c.commit(ctx, tr, s, files, "review.new-intent", detail, d)
	})
}

// copyIntents copies the intents directory's files into a new temporary
// directory, where a change is tried before it touches the served one.
func copyIntents(dir string) (string, error) {
	tmp, err := os.MkdirTemp("", "madoguchi-console")
	if err != nil {
		return "", err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		// A ConfigMap's files are symbolic links into a hidden directory:
		// follow them, skip the hidden entries themselves.
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // a directory
		}
		if err := os.WriteFile(filepath.Join(tmp, e.Name()), data, 0o644); err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
	}
	return tmp, nil
}

// writable reports whether files can be created in dir (a ConfigMap
// volume cannot).
func writable(dir string) bool {
	f, err := os.CreateTemp(dir, ".madoguchi-console-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// replaceFile replaces path in one step (a temporary file renamed over
// it), so that the reloader never reads half a file.
func replaceFile(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
