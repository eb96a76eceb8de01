package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/reload"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// clusterView is a review cluster with what its forms need.
type clusterView struct {
	*review.Cluster
	Key        string
	Preselect  string
	ExamplesJA string
	ExamplesEN string
}

type choice struct{ ID, Title string }

type reviewData struct {
	periodData
	Clusters []clusterView
	Intents  []choice
}

// clusterKey names a cluster by its texts, so that a form applies to the
// questions the admin saw, not to whatever cluster now has that place.
func clusterKey(c *review.Cluster) string {
	texts := slices.Clone(c.Texts)
	slices.Sort(texts)
	sum := sha256.Sum256([]byte(strings.Join(texts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

func (c *Console) clusters(r *http.Request, days int) ([]*review.Cluster, int, string) {
	es, _, status, msg := c.entries(r, days)
	if msg != "" {
		return nil, status, msg
	}
	return review.Review(c.o.Bot.Index(), es), http.StatusOK, ""
}

func (c *Console) reviewPage(w http.ResponseWriter, r *http.Request, s *session) {
	days, ok := period(r)
	if !ok {
		c.fail(w, r, s, http.StatusBadRequest, translator(r).S("err.period"), nil)
		return
	}
	cs, status, msg := c.clusters(r, days)
	lang := translator(r).lang
	d := reviewData{periodData: periodData{days, periods}}
	for _, in := range c.o.Bot.Index().Catalogue().Intents {
		d.Intents = append(d.Intents, choice{in.ID, in.Title.In(lang)})
	}
	for _, cl := range cs {
		v := clusterView{Cluster: cl, Key: clusterKey(cl), Preselect: cl.Intent}
		if v.Preselect == "" {
			v.Preselect = cl.Nearest
		}
		ja, en := splitLangs(cl.Texts)
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

// outcome is what a change came to: the page to show and its status.
type outcome struct {
	status int
	p      page
}

// refused is a change refused, with lint's file:line sentences if any.
func refused(status int, msg string, problems []string) outcome {
	return outcome{status, page{Error: msg, Data: appliedData{Problems: problems}}}
}

// refuse shows at once why a change was refused.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, s *session, status int, msg string, problems []string) {
	o := refused(status, msg, problems)
	c.render(w, r, s, o.status, "applied", o.p)
}

// reviewApply adds a cluster's questions to the examples of the intent
// the admin chose. The change is made and checked (lint, leave-one-out) in
// a copy of the intents; only when it passes and the audit log has it are
// the files replaced and the bot reloaded, or, for a read-only directory,
// the changed file offered for download.
func (c *Console) reviewApply(w http.ResponseWriter, r *http.Request, s *session) {
	tr := translator(r)
	days, ok := period(r)
	if !ok {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.period"), nil)
		return
	}
	if c.o.Audit == nil {
		c.refuse(w, r, s, http.StatusForbidden, tr.S("err.noaudit"), nil)
		return
	}
	intent := r.PostFormValue("intent")
	if c.o.Bot.Index().Catalogue().Intent(intent) == nil {
		c.refuse(w, r, s, http.StatusBadRequest, tr.S("err.nointent"), nil)
		return
	}
	cs, status, msg := c.clusters(r, days)
	if msg != "" {
		c.refuse(w, r, s, status, msg, nil)
		return
	}
	key := r.PostFormValue("key")
	i := slices.IndexFunc(cs, func(cl *review.Cluster) bool { return clusterKey(cl) == key })
	if i < 0 {
		c.refuse(w, r, s, http.StatusConflict, tr.S("err.cluster"), nil)
		return
	}
	cl := *cs[i]
	cl.Suggestion, cl.Intent = review.AddExamples, intent
	c.background(w, r, s, func(ctx context.Context) outcome {
		c.changing.Lock()
		defer c.changing.Unlock()
		tmp, err := copyIntents(c.o.IntentsDir)
		if err != nil {
			c.o.Logger.Error("console: copy the intents", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		defer os.RemoveAll(tmp)
		a, err := review.Apply(tmp, []*review.Cluster{&cl})
		if err != nil {
			return refused(http.StatusUnprocessableEntity, tr.S("err.lint"), problemLines(err, tmp))
		}
		d := appliedData{Added: a.Added, Figures: []figure{
			{tr.S("loo"), pct1(a.Before.LeaveOneOut.Accuracy()), pct1(a.After.LeaveOneOut.Accuracy())},
			{tr.S("loo.wrong"), pct1(a.Before.LeaveOneOut.WrongRate()), pct1(a.After.LeaveOneOut.WrongRate())},
			{tr.S("reviewed"), fmt.Sprintf("%d / %d", a.Before.Suggested, a.Before.Reviewed), fmt.Sprintf("%d / %d", a.After.Suggested, a.After.Reviewed)},
		}}
		what := fmt.Sprintf("added %d examples to %s: %q", a.Added, intent, cl.Texts)
		return c.commit(ctx, tr, s, a.Files, "review.add-examples", what, d)
	})
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
	return outcome{http.StatusOK, page{Data: d}}
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

func pct1(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

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

// reviewNew writes a new intent from the form, after lint and the
// leave-one-out test passed on a copy of the intents with it.
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
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, file, 0o644); err != nil {
			c.o.Logger.Error("console: write the new intent", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		after, err := catalogue.Load(tmp)
		if err != nil {
			return refused(http.StatusUnprocessableEntity, tr.S("err.lint"), problemLines(err, tmp))
		}
		before, err := leaveOneOut(ctx, c.o.Bot.Index().Catalogue())
		if err != nil {
			c.o.Logger.Error("console: leave-one-out", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		a, err := leaveOneOut(ctx, after)
		if err != nil {
			c.o.Logger.Error("console: leave-one-out", "err", err)
			return refused(http.StatusInternalServerError, tr.S("err.write"), nil)
		}
		d := appliedData{Added: len(exJA) + len(exEN), Figures: []figure{
			{tr.S("loo"), pct1(before.Accuracy()), pct1(a.Accuracy())},
			{tr.S("loo.wrong"), pct1(before.WrongRate()), pct1(a.WrongRate())},
		}}
		return c.commit(ctx, tr, s, []string{path}, "review.new-intent", fmt.Sprintf("created intent %s with %d examples", id, d.Added), d)
	})
}

// leaveOneOut runs the leave-one-out test of a catalogue.
func leaveOneOut(ctx context.Context, cat *catalogue.Catalogue) (evaluate.Report, error) {
	if err := ctx.Err(); err != nil {
		return evaluate.Report{}, err
	}
	loo, _, err := evaluate.LeaveOneOut(cat)
	if err != nil {
		return evaluate.Report{}, fmt.Errorf("leave-one-out: %w", err)
	}
	return evaluate.Summarize(loo), nil
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
