package review

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// Choice is a question the admin chose to add to an intent's examples.
type Choice struct {
	Intent string
	Text   string
	// IDs are the recorded questions it stands for, marked applied once
	// written.
	IDs []string
}

// ParseNumbers reads a list of suggestion numbers such as "1,4,7".
func ParseNumbers(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a suggestion number", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("no suggestion number given")
	}
	return out, nil
}

// Choose returns the numbered suggestions the admin chose, in the order
// given; a number the review does not show is an error naming it.
func Choose(clusters []*Cluster, numbers []int) ([]Choice, error) {
	byNumber := map[int]*Item{}
	for _, c := range clusters {
		for _, it := range c.Items {
			if it.Number > 0 {
				byNumber[it.Number] = it
			}
		}
	}
	var out []Choice
	var unknown []string
	seen := map[int]bool{}
	for _, n := range numbers {
		it := byNumber[n]
		if it == nil {
			unknown = append(unknown, strconv.Itoa(n))
			continue
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, Choice{Intent: it.Intent, Text: it.Text, IDs: it.IDs})
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("no suggestion numbered %s: the review shows suggestions 1 to %d", strings.Join(unknown, ", "), len(byNumber))
	}
	return out, nil
}

// Figures measure a catalogue before or after a change.
type Figures struct {
	// LeaveOneOut is the leave-one-out test over the examples the
	// catalogue had before the change (the added ones are not measured
	// against themselves).
	LeaveOneOut evaluate.Report
	// Sets are the labelled query sets given to Plan, by name.
	Sets map[string]evaluate.Report
	// Suggested counts the chosen questions answered with the intent they
	// were added to, out of Reviewed.
	Suggested int
	Reviewed  int
}

// QuerySet is a labelled set of questions a change must not make worse
// (`madoguchi test`'s query files).
type QuerySet struct {
	Name  string
	Cases []evaluate.Case
}

// Shift is a recorded question that the change would answer differently.
type Shift struct {
	Text          string
	Before, After string // "answer <id>", "clarify", "escalate"
	// OffTopic is set when the question was escalated rightly, to a topic
	// handled elsewhere, and would now be answered or asked back about.
	OffTopic bool
}

// Change is a planned edit of the intents: what it adds, its effect on
// the record and the figures, and why it should not be written, if so.
// Nothing is written until Write.
type Change struct {
	Choices []Choice
	// Added counts the examples added (a text an intent has is skipped).
	Added int
	// NewIntent is the new intent file's name, for PlanIntent.
	NewIntent string
	// Files are the changed intent files' new contents, by base name.
	Files         map[string][]byte
	Before, After Figures
	Shifts        []Shift
	// Refusals are the reasons not to write it: a rightly escalated
	// question answered, a floor missed, a figure lower, a suggestion
	// for an intent that is not an FAQ answer. Write refuses unless
	// forced.
	Refusals []string
}

// Plan adds the chosen questions to their intents' examples in a copy of
// the intents in dir and measures the effect: lint, the recorded
// questions answered differently, leave-one-out and the query sets. A
// question that looks personal is an error: it must be edited first.
func Plan(dir string, entries []record.Entry, choices []Choice, sets []QuerySet) (*Change, error) {
	ch := &Change{Choices: choices, Files: map[string][]byte{}}
	cat, err := catalogue.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("the intents in %s do not load: %w", dir, err)
	}
	var reviewed []evaluate.Case
	for _, c := range choices {
		if why := Personal(c.Text); why != "" {
			return nil, fmt.Errorf("%q cannot be added as an example: %s; edit it first", c.Text, why)
		}
		in := cat.Intent(c.Intent)
		if in == nil {
			return nil, fmt.Errorf("%q: there is no intent %q", c.Text, c.Intent)
		}
		if !Suggestable(in) {
			ch.Refusals = append(ch.Refusals, fmt.Sprintf("%s is not an FAQ answer (%s): questions are not added to it unless forced", in.ID, kindOf(in)))
		}
		name := filepath.Base(in.File)
		src, ok := ch.Files[name]
		if !ok {
			if src, err = os.ReadFile(in.File); err != nil {
				return nil, fmt.Errorf("read %s: %w", in.File, err)
			}
		}
		out, n, err := InsertExamples(src, bot.LangOf(c.Text), []string{c.Text})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.File, err)
		}
		ch.Files[name], ch.Added = out, ch.Added+n
		reviewed = append(reviewed, evaluate.Case{Query: c.Text, Accept: []string{c.Intent}, Kind: evaluate.InScope, Source: "review"})
	}
	if ch.Added == 0 {
		return ch, nil
	}
	if _, err := ch.try(dir, cat, entries, func(*catalogue.Catalogue) ([]evaluate.Case, error) { return reviewed, nil }, sets); err != nil {
		return nil, err
	}
	return ch, nil
}

// PlanIntent plans adding a new intent file (name, with data: an intent
// started from a group's skeleton) to the intents in dir, with the
// Kustomization beside them, if any, listing it, and measures it as Plan
// does. Its examples must not look personal.
func PlanIntent(dir string, entries []record.Entry, name string, data []byte, sets []QuerySet) (*Change, error) {
	cat, err := catalogue.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("the intents in %s do not load: %w", dir, err)
	}
	if filepath.Base(name) != name || filepath.Ext(name) != ".yaml" || strings.HasPrefix(name, "_") {
		return nil, fmt.Errorf("%q is not an intent file name (id.yaml)", name)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
		return nil, fmt.Errorf("%s already exists in %s", name, dir)
	}
	ch := &Change{Files: map[string][]byte{name: data}, NewIntent: name}
	if k, err := os.ReadFile(filepath.Join(dir, catalogue.KustomizationFile)); err == nil {
		if ch.Files[catalogue.KustomizationFile], err = AddToKustomization(k, name); err != nil {
			return nil, err
		}
	}
	examples := func(after *catalogue.Catalogue) ([]evaluate.Case, error) {
		var cases []evaluate.Case
		for _, in := range after.Intents {
			if filepath.Base(in.File) != name {
				continue
			}
			for _, ex := range append(slices.Clone(in.Examples.JA), in.Examples.EN...) {
				if why := Personal(ex); why != "" {
					return nil, fmt.Errorf("%s: %q cannot be an example: %s; edit it first", name, ex, why)
				}
				cases = append(cases, evaluate.Case{Query: ex, Accept: []string{in.ID}, Kind: evaluate.InScope, Source: name})
			}
		}
		ch.Added = len(cases)
		return cases, nil
	}
	if _, err := ch.try(dir, cat, entries, examples, sets); err != nil {
		return nil, err
	}
	return ch, nil
}

// try loads the intents in dir with the change's files in a temporary
// copy (lint, and the Kustomization's check when the change has one),
// then fills in the recorded questions answered differently, the figures
// before and after over the examples of the catalogue before and over
// reviewed (the cases the change is for, read from the changed
// catalogue), and the refusals.
func (ch *Change) try(dir string, cat *catalogue.Catalogue, entries []record.Entry, reviewed func(*catalogue.Catalogue) ([]evaluate.Case, error), sets []QuerySet) (*catalogue.Catalogue, error) {
	tmp, err := os.MkdirTemp("", "madoguchi-review")
	if err != nil {
		return nil, fmt.Errorf("try the change: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := copyYAML(dir, tmp, ch.Files); err != nil {
		return nil, err
	}
	after, err := catalogue.Load(tmp)
	if err != nil {
		var ps catalogue.Problems
		if errors.As(err, &ps) {
			return nil, fmt.Errorf("the changed intents fail lint, so nothing was written:\n%s", strings.ReplaceAll(ps.Error(), tmp+string(filepath.Separator), ""))
		}
		return nil, fmt.Errorf("the changed intents do not load, so nothing was written: %w", err)
	}
	if k, ok := ch.Files[catalogue.KustomizationFile]; ok {
		if err := os.WriteFile(filepath.Join(tmp, catalogue.KustomizationFile), k, 0o644); err != nil {
			return nil, fmt.Errorf("try the change: %w", err)
		}
		if ps := catalogue.KustomizationProblems(tmp); len(ps) > 0 {
			return nil, fmt.Errorf("the changed Kustomization fails lint --kustomize, so nothing was written:\n%s", strings.ReplaceAll(ps.Error(), tmp+string(filepath.Separator), ""))
		}
	}
	cases, err := reviewed(after)
	if err != nil {
		return nil, err
	}
	bx, ax := match.New(cat), match.New(after)
	ch.Shifts = shifts(bx, ax, entries)
	for _, s := range ch.Shifts {
		if s.OffTopic {
			ch.Refusals = append(ch.Refusals, fmt.Sprintf("%q was rightly escalated (asked, not ours) and would now get %s", s.Text, s.After))
		}
	}
	if ch.Before, err = measure(bx, cases, sets); err != nil {
		return nil, err
	}
	if ch.After, err = measure(ax, cases, sets); err != nil {
		return nil, err
	}
	ch.Refusals = append(ch.Refusals, lower(cat.Settings, ch.Before, ch.After)...)
	return after, nil
}

func kindOf(in *catalogue.Intent) string {
	if in.Handoff {
		return "the request for a person"
	}
	return string(in.Kind)
}

// shifts matches every recorded question (once per distinct text) before
// and after, and lists those decided differently.
func shifts(before, after *match.Index, entries []record.Entry) []Shift {
	var out []Shift
	seen := map[string]bool{}
	floor := before.Catalogue().Settings.Matching.Floor
	for _, e := range entries {
		k := textnorm.Normalize(e.Text)
		if e.Kind == bot.KindChoice || k == "" || seen[k] {
			continue
		}
		seen[k] = true
		b, a := before.Match(e.Text), after.Match(e.Text)
		if db, da := evaluate.Describe(b), evaluate.Describe(a); db != da {
			out = append(out, Shift{Text: e.Text, Before: db, After: da, OffTopic: notOurs(b, floor) && a.Decision != match.Escalate})
		}
	}
	return out
}

// measure runs the leave-one-out test over the examples other than the
// chosen questions (so that before and after measure the same examples),
// the query sets, and the chosen questions.
func measure(x *match.Index, reviewed []evaluate.Case, sets []QuerySet) (Figures, error) {
	loo, _, err := evaluate.LeaveOneOut(x.Catalogue())
	if err != nil {
		return Figures{}, fmt.Errorf("leave-one-out: %w", err)
	}
	added := map[string]bool{}
	for _, c := range reviewed {
		added[c.Query] = true
	}
	loo = slices.DeleteFunc(loo, func(o evaluate.Outcome) bool { return added[o.Query] })
	f := Figures{LeaveOneOut: evaluate.Summarize(loo), Reviewed: len(reviewed), Sets: map[string]evaluate.Report{}}
	for _, s := range sets {
		f.Sets[s.Name] = evaluate.Summarize(evaluate.Run(x, s.Cases))
	}
	for _, o := range evaluate.Run(x, reviewed) {
		if o.Verdict() == evaluate.Correct {
			f.Suggested++
		}
	}
	return f, nil
}

// lower lists the figures the change makes worse: a floor of `madoguchi
// test` missed that was met, fewer correct or more wrong answers.
func lower(s catalogue.Settings, before, after Figures) []string {
	var out []string
	check := func(name string, b, a evaluate.Report, floors catalogue.Floors) {
		was := map[string]bool{}
		for _, m := range b.Meets(floors) {
			was[m] = true
		}
		for _, m := range a.Meets(floors) {
			if !was[m] {
				out = append(out, fmt.Sprintf("%s: %s", name, m))
			}
		}
		if a.Correct < b.Correct {
			out = append(out, fmt.Sprintf("%s: answered correctly %d → %d", name, b.Correct, a.Correct))
		}
		if a.Wrong > b.Wrong {
			out = append(out, fmt.Sprintf("%s: answered wrongly %d → %d", name, b.Wrong, a.Wrong))
		}
		if a.Rejected < b.Rejected {
			out = append(out, fmt.Sprintf("%s: out-of-scope questions and requests for a person escalated %d → %d", name, b.Rejected, a.Rejected))
		}
	}
	check("leave-one-out", before.LeaveOneOut, after.LeaveOneOut, s.LeaveOneOut)
	names := make([]string, 0, len(before.Sets))
	for n := range before.Sets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		check(n, before.Sets[n], after.Sets[n], s.Test)
	}
	return out
}

// ErrRefused is returned by Write for a change with refusals, not forced.
var ErrRefused = errors.New("the change would make the catalogue worse; nothing was written")

// Write writes the changed files into dir, each in one step, and returns
// their paths. A change with refusals is written only when forced.
func (ch *Change) Write(dir string, force bool) ([]string, error) {
	if len(ch.Refusals) > 0 && !force {
		return nil, fmt.Errorf("%w:\n  %s", ErrRefused, strings.Join(ch.Refusals, "\n  "))
	}
	names := make([]string, 0, len(ch.Files))
	for name := range ch.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	var paths []string
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := writeFile(path, ch.Files[name]); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// copyYAML copies dir's YAML files into tmp, with changed contents where
// given, and the changed YAML files dir does not have yet.
func copyYAML(dir, tmp string, changed map[string][]byte) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	for name := range changed {
		if path := filepath.Join(dir, name); filepath.Ext(name) == ".yaml" && !slices.Contains(files, path) {
			files = append(files, path)
		}
	}
	for _, f := range files {
		name := filepath.Base(f)
		data, ok := changed[name]
		if !ok {
			if data, err = os.ReadFile(f); err != nil {
				return fmt.Errorf("read %s: %w", f, err)
			}
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return fmt.Errorf("try the change: %w", err)
		}
	}
	return nil
}

// writeFile replaces path in one step (a temporary file renamed over it),
// so that a running bot's watcher never reads half a file; a new file is
// created readable by all.
func writeFile(path string, data []byte) error {
	perm := os.FileMode(0o644)
	info, err := os.Stat(path)
	switch {
	case err == nil:
		perm = info.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Pending drops the questions an admin already applied or dismissed
// (marks, by question id), so that a group leaves the review once done
// and comes back only with new questions.
func Pending(entries []record.Entry, marks map[string]record.ReviewMark) []record.Entry {
	if len(marks) == 0 {
		return entries
	}
	out := make([]record.Entry, 0, len(entries))
	for _, e := range entries {
		if _, done := marks[e.ID]; !done {
			out = append(out, e)
		}
	}
	return out
}

// Marks are the review marks for the chosen questions, applied by who at
// the given time.
func Marks(choices []Choice, who string, at time.Time) []record.ReviewMark {
	return marks(choices, who, at, record.Applied)
}

// Dismissals are the review marks for suggestions the admin does not
// want, dismissed by who at the given time.
func Dismissals(choices []Choice, who string, at time.Time) []record.ReviewMark {
	return marks(choices, who, at, record.Dismissed)
}

func marks(choices []Choice, who string, at time.Time, action string) []record.ReviewMark {
	var out []record.ReviewMark
	for _, c := range choices {
		for _, id := range c.IDs {
			m := record.ReviewMark{QuestionID: id, At: at, Who: who, Action: action}
			if action == record.Applied {
				m.Intent = c.Intent
			}
			out = append(out, m)
		}
	}
	return out
}
