package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// queryFiles collects repeated --queries flags.
type queryFiles []string

func (q *queryFiles) String() string     { return strings.Join(*q, ",") }
func (q *queryFiles) Set(s string) error { *q = append(*q, s); return nil }

// evalSet is one named set of outcomes and the floors it must meet.
type evalSet struct {
	name     string
	outcomes []evaluate.Outcome
	floors   catalogue.Floors
}

func runTest(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dirFlag := c.intentsFlag(fs)
	var files queryFiles
	fs.Var(&files, "queries", "a labelled query `file` (TSV: intent ids, tab, question); may be repeated")
	sweep := fs.Bool("sweep", false, "choose the thresholds that do best on all these sets together and print them")
	folds := fs.Int("folds", 5, "cross-validate the thresholds in `k` folds over all the sets (0: off)")
	verbose := fs.Bool("v", false, "list every question not answered correctly, not only wrong answers")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := intentsArg(fs, *dirFlag)
	if err != nil {
		return err
	}
	x, err := c.load(dir)
	if err != nil {
		return err
	}
	cat := x.Catalogue()
	loo, strict, err := evaluate.LeaveOneOut(cat)
	if err != nil {
		return err
	}
	sets := []evalSet{{"leave-one-out examples", loo, cat.Settings.LeaveOneOut}}
	for _, f := range files {
		cases, err := readCases(f)
		if err != nil {
			return err
		}
		if err := evaluate.CheckIDs(cases, cat); err != nil {
			return err
		}
		sets = append(sets, evalSet{filepath.Base(f), evaluate.Run(x, cases), cat.Settings.Test})
	}
	if *sweep {
		printSweep(c.stdout, sets, cat.Settings.Matching)
		return nil
	}
	fmt.Fprintf(c.stdout, "thresholds: %s\n", cat.Settings.Matching)
	var failed []string
	for _, s := range sets {
		r := evaluate.Summarize(s.outcomes)
		printReport(c.stdout, s.name, r, *verbose)
		for _, m := range r.Meets(s.floors) {
			failed = append(failed, s.name+": "+m)
		}
	}
	printInScope(c.stdout, "leave-one-out examples, each without the keywords only it mentions (stricter; no floor)", evaluate.Summarize(strict))
	if *folds > 1 {
		printCrossValidation(c.stdout, sets, *folds, cat.Settings.Matching)
	}
	printSharedKeywords(c.stdout, evaluate.SharedKeywords(x))
	var named []evaluate.Set
	for _, s := range sets {
		named = append(named, evaluate.Set{Name: s.name, Outcomes: s.outcomes})
	}
	snap := evaluate.TakeSnapshot(cat, named, time.Now())
	memory := snapshotPath(c.getenv, dir)
	if len(failed) > 0 {
		fmt.Fprintln(c.stdout, "\nFAIL")
		for _, f := range failed {
			fmt.Fprintln(c.stdout, "  "+f)
		}
		if last, ok, err := evaluate.LoadSnapshot(memory); err != nil {
			fmt.Fprintln(c.stderr, "warning:", err)
		} else if ok {
			printChanges(c.stdout, snap, last)
		}
		return failError{"quality floors missed"}
	}
	fmt.Fprintln(c.stdout, "\nPASS")
	if memory != "" {
		if err := snap.Save(memory); err != nil {
			fmt.Fprintln(c.stderr, "warning: could not keep this run to compare the next with:", err)
		}
	}
	return nil
}

// snapshotPath is where the last passing run of the catalogue in dir is
// kept: the user's cache directory ($XDG_CACHE_HOME, else ~/.cache), or ""
// when there is none.
func snapshotPath(getenv env, dir string) string {
	cache := getenv("XDG_CACHE_HOME")
	if cache == "" && getenv("HOME") != "" {
		cache = filepath.Join(getenv("HOME"), ".cache")
	}
	if cache == "" {
		return ""
	}
	p, err := evaluate.SnapshotPath(cache, dir)
	if err != nil {
		return ""
	}
	return p
}

// maxChanges is how many changed decisions a failing run lists.
const maxChanges = 30

// printChanges names what moved since the last passing run: the intents
// whose examples changed and the questions decided differently.
func printChanges(w io.Writer, now, last evaluate.Snapshot) {
	intents, changes := now.Compare(last)
	fmt.Fprintf(w, "\nsince the last passing run (%s):\n", last.When.Format("2006-01-02 15:04 MST"))
	if len(intents) == 0 && len(changes) == 0 {
		fmt.Fprintln(w, "  no intent's examples and no decision changed: the settings or the query files did")
		return
	}
	if len(intents) > 0 {
		fmt.Fprintf(w, "  intents whose examples changed: %s\n", strings.Join(intents, ", "))
	}
	if len(changes) > 0 {
		fmt.Fprintf(w, "  %d questions decided differently:\n", len(changes))
	}
	for i, ch := range changes {
		if i == maxChanges {
			fmt.Fprintf(w, "    … and %d more\n", len(changes)-maxChanges)
			break
		}
		fmt.Fprintf(w, "    %s: %q  %s → %s\n", ch.Set, ch.Query, ch.Before, ch.After)
	}
}

func readCases(path string) ([]evaluate.Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return evaluate.ReadQueries(f, path)
}

func printReport(w io.Writer, name string, r evaluate.Report, verbose bool) {
	printInScope(w, name, r)
	if r.OutOfScope > 0 {
		fmt.Fprintf(w, "  out of scope not answered %5.1f%%  (%d of %d; %d escalated, the rest asked back or small talk)\n",
			100*r.OutRejection(), r.NotAnswered, r.OutOfScope, r.OutEscalated)
	}
	if r.Handoffs > 0 {
		fmt.Fprintf(w, "  requests for a person heard %5.1f%%  (%d of %d)\n", 100*r.HandoffRecall(), r.Heard, r.Handoffs)
	}
	if r.HandedOff > 0 {
		fmt.Fprintf(w, "  in-scope questions handed to a person %d\n", r.HandedOff)
	}
	if len(r.Answered) > 0 {
		fmt.Fprintln(w, "  out-of-scope questions answered (question → intent that answered):")
		for _, o := range r.Answered {
			fmt.Fprintf(w, "    %q → %s\n", o.Query, o.Result.Intent().ID)
		}
	}
	if len(r.Confusions) > 0 {
		fmt.Fprintln(w, "  confusions (wanted → answered):")
		for _, c := range r.Confusions {
			fmt.Fprintf(w, "    %d× %s → %s\n", c.N, c.Want, c.Got)
		}
	}
	for _, o := range r.Failures {
		v := o.Verdict()
		if !verbose && (v != evaluate.Wrong || o.Kind == evaluate.OutOfScope) && !o.Result.Handoff && o.Kind != evaluate.Handoff {
			continue // wrong answers to out-of-scope questions are listed above
		}
		want := strings.Join(o.Accept, ",")
		if o.Kind != evaluate.InScope {
			want = "escalate"
		}
		fmt.Fprintf(w, "  %-9s %q want %s, got %s\n", verdictName(v), o.Query, want, describe(o.Result))
	}
}

// printInScope prints a report's name and its figures on in-scope
// questions, if it has any.
func printInScope(w io.Writer, name string, r evaluate.Report) {
	fmt.Fprintf(w, "\n%s\n", name)
	if r.InScope == 0 {
		return
	}
	fmt.Fprintf(w, "  answered correctly  %5.1f%%  (%d of %d)\n", 100*r.Accuracy(), r.Correct, r.InScope)
	fmt.Fprintf(w, "  answered wrongly    %5.1f%%  (%d)\n", 100*r.WrongRate(), r.Wrong)
	fmt.Fprintf(w, "  asked back          %5d\n", r.Clarified)
	fmt.Fprintf(w, "  escalated           %5d\n", r.Escalated)
	fmt.Fprintf(w, "  right intent first  %5.1f%%  (whatever the decision)\n", 100*r.TopRate())
}

// printSharedKeywords lists keywords that other intents' examples use too,
// for admins to reconsider; they do not fail the test.
func printSharedKeywords(w io.Writer, shared []evaluate.SharedKeyword) {
	if len(shared) == 0 {
		return
	}
	fmt.Fprintln(w, "\nkeywords that other intents' examples also use (they cannot tell those intents apart):")
	for _, k := range shared {
		fmt.Fprintf(w, "  %s: %q also in %s\n", k.Intent, k.Keyword, strings.Join(k.Others, ", "))
	}
}

func verdictName(v evaluate.Verdict) string {
	return [...]string{"ok", "WRONG", "asked", "escalated"}[v]
}

func describe(r match.Result) string {
	var cands []string
	for _, c := range r.Candidates {
		cands = append(cands, fmt.Sprintf("%s %.2f", c.Intent.ID, c.Score))
	}
	if in := r.Intent(); in != nil {
		return fmt.Sprintf("%s %s [%s]", r.Decision, in.ID, strings.Join(cands, ", "))
	}
	if r.Handoff {
		return fmt.Sprintf("handoff [%s]", strings.Join(cands, ", "))
	}
	return fmt.Sprintf("%s [%s]", r.Decision, strings.Join(cands, ", "))
}

// printCrossValidation prints each set's figures with every question
// decided by thresholds chosen on the other folds, and the separation
// (AUROC) of in-scope from out-of-scope questions by the top score.
func printCrossValidation(w io.Writer, sets []evalSet, k int, shipped catalogue.Thresholds) {
	all := make([][]evaluate.Outcome, len(sets))
	for i, s := range sets {
		all[i] = s.outcomes
	}
	held, chosen := evaluate.CrossValidate(all, k, chooser(shipped))
	fmt.Fprintf(w, "\ncross-validated: thresholds chosen on %d of %d folds of all the sets together, figures on the fold left out\n", k-1, k)
	for i, s := range sets {
		r := evaluate.Summarize(held[i])
		line := fmt.Sprintf("  %-24s correct %5.1f%%  wrong %4.1f%%", s.name, 100*r.Accuracy(), 100*r.WrongRate())
		if r.OutOfScope > 0 {
			line += fmt.Sprintf("  out of scope not answered %5.1f%%", 100*r.OutRejection())
		}
		if r.Handoffs > 0 {
			line += fmt.Sprintf("  person %d of %d", r.Heard, r.Handoffs)
		}
		if auc, ok := evaluate.AUROC(held[i]); ok {
			line += fmt.Sprintf("  AUROC %.3f", auc)
		}
		fmt.Fprintln(w, line)
	}
	for f, t := range chosen {
		fmt.Fprintf(w, "  fold %d: %s\n", f+1, t)
	}
}

// chooser is how thresholds are chosen for a catalogue: a confidence model
// fitted when its settings have one, the best of the grid of score rules
// otherwise.
func chooser(shipped catalogue.Thresholds) func([]evaluate.Outcome) catalogue.Thresholds {
	if shipped.Confidence.On() {
		return evaluate.Calibrate(shipped)
	}
	return evaluate.Grid(evaluate.ThresholdGrid())
}

// printSweep chooses the thresholds that do best on all the sets together
// (evaluate.Choose) and prints them with each set's figures under them.
// Figures on the sets they were chosen on overstate: the cross-validated
// ones are the estimate.
func printSweep(w io.Writer, sets []evalSet, shipped catalogue.Thresholds) {
	var all []evaluate.Outcome
	for _, s := range sets {
		all = append(all, s.outcomes...)
	}
	t := chooser(shipped)(all)
	fmt.Fprintf(w, "thresholds chosen on all the sets: %s\n", t)
	if t.Confidence.On() {
		fmt.Fprintf(w, "  confidence:\n    sure: %.2f\n    ask: %.2f\n    weights:\n", t.Confidence.Sure, t.Confidence.Ask)
		for _, name := range catalogue.ConfidenceEvidence {
			fmt.Fprintf(w, "      %s: %g\n", name, t.Confidence.Weights[name])
		}
	}
	for _, s := range sets {
		r := evaluate.Summarize(evaluate.Redecide(s.outcomes, t))
		fmt.Fprintf(w, "  %-24s correct %5.1f%%  wrong %4.1f%%  out of scope not answered %5.1f%%  (on the sets chosen on: not an estimate)\n",
			s.name, 100*r.Accuracy(), 100*r.WrongRate(), 100*r.OutRejection())
	}
}
