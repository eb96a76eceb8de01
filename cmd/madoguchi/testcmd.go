package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
	sweep := fs.Bool("sweep", false, "search the thresholds that would do best on these sets and print them")
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
		printSweep(c.stdout, sets)
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
	printSharedKeywords(c.stdout, evaluate.SharedKeywords(x))
	if len(failed) > 0 {
		fmt.Fprintln(c.stdout, "\nFAIL")
		for _, f := range failed {
			fmt.Fprintln(c.stdout, "  "+f)
		}
		return failError{"quality floors missed"}
	}
	fmt.Fprintln(c.stdout, "\nPASS")
	return nil
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

// printSweep tries a grid of thresholds on the scored sets and prints the
// best: those that meet each set's wrong-answer ceiling and rejection floor,
// ranked by their lowest accuracy across sets, then by the fewest wrong
// answers.
func printSweep(w io.Writer, sets []evalSet) {
	type row struct {
		t      catalogue.Thresholds
		minAcc float64
		wrong  int
		accs   []float64
	}
	var rows []row
	for _, t := range thresholdGrid() {
		rw := row{t: t, minAcc: 1}
		ok := true
		for _, s := range sets {
			r := evaluate.Summarize(evaluate.Redecide(s.outcomes, t))
			if r.WrongRate() > s.floors.MaxWrong || r.OutRejection() < s.floors.MinRejection {
				ok = false
				break
			}
			rw.accs = append(rw.accs, r.Accuracy())
			rw.minAcc = min(rw.minAcc, r.Accuracy())
			rw.wrong += r.Wrong
		}
		if ok {
			rows = append(rows, rw)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].minAcc != rows[j].minAcc {
			return rows[i].minAcc > rows[j].minAcc
		}
		return rows[i].wrong < rows[j].wrong
	})
	if len(rows) == 0 {
		fmt.Fprintln(w, "no thresholds meet the wrong-answer ceiling and rejection floor on every set")
		return
	}
	fmt.Fprintln(w, "best thresholds (meeting every set's wrong-answer ceiling and rejection floor):")
	for _, r := range rows[:min(15, len(rows))] {
		var accs []string
		for i, a := range r.accs {
			accs = append(accs, fmt.Sprintf("%s %.1f%%", sets[i].name, 100*a))
		}
		fmt.Fprintf(w, "  answer %.2f  margin %.2f  floor %.2f  support %.1f  overrule %.1f   wrong %d   %s\n",
			r.t.Answer, r.t.Margin, r.t.Floor, r.t.Support, r.t.Overrule, r.wrong, strings.Join(accs, ", "))
	}
}

// thresholdGrid lists the thresholds a sweep tries.
func thresholdGrid() []catalogue.Thresholds {
	var grid []catalogue.Thresholds
	for _, support := range []float64{0, 1.5, 2, 2.5, 3} {
		for _, overrule := range []float64{0, 2.5, 3, 4} {
			for answer := 0.10; answer <= 0.50001; answer += 0.02 {
				for margin := 0.0; margin <= 0.40001; margin += 0.02 {
					for floor := 0.06; floor <= answer+1e-9; floor += 0.02 {
						grid = append(grid, catalogue.Thresholds{Answer: answer, Margin: margin, Floor: floor, Support: support, Overrule: overrule})
					}
				}
			}
		}
	}
	return grid
}
