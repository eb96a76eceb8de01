package evaluate

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Suite is what `madoguchi test` measures of a catalogue: its examples
// leave-one-out, each labelled query file, the stricter leave-one-out
// (without the keywords only the held-out example mentions) and the
// keywords that do not tell intents apart.
type Suite struct {
	cat        *catalogue.Catalogue
	Thresholds catalogue.Thresholds // the catalogue's
	Sets       []Set                // the leave-one-out examples first, then each query file
	Strict     []Outcome            // the stricter leave-one-out: reported, no floor
	Shared     []SharedKeyword
}

// Measure runs the suite on x's catalogue and the labelled query files:
// each file's intent ids must be the catalogue's.
func Measure(x *match.Index, files []string) (Suite, error) {
	cat := x.Catalogue()
	loo, strict, err := LeaveOneOut(cat)
	if err != nil {
		return Suite{}, err
	}
	s := Suite{
		cat:        cat,
		Thresholds: cat.Settings.Matching,
		Sets:       []Set{{Name: "leave-one-out examples", Outcomes: loo, Floors: cat.Settings.LeaveOneOut}},
		Strict:     strict,
	}
	for _, f := range files {
		cases, err := ReadQueryFile(f)
		if err != nil {
			return Suite{}, err
		}
		if err := CheckIDs(cases, cat); err != nil {
			return Suite{}, err
		}
		s.Sets = append(s.Sets, Set{Name: filepath.Base(f), Outcomes: Run(x, cases), Floors: cat.Settings.Test})
	}
	s.Shared = SharedKeywords(x)
	return s, nil
}

// ReadQueryFile reads the labelled query file at path (see ReadQueries).
func ReadQueryFile(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadQueries(f, path)
}

// ReportOptions says how much WriteReport prints.
type ReportOptions struct {
	// Verbose lists every question not answered correctly, not only the
	// wrong answers and the requests for a person.
	Verbose bool
	// Folds cross-validates the thresholds in that many folds over all the
	// sets together; 0 or 1 leaves it out.
	Folds int
}

// WriteReport prints the suite for an admin: the thresholds, each set's
// figures and failures, the stricter leave-one-out, the cross-validated
// figures and the shared keywords, then PASS, or FAIL with the floors
// missed. It returns the floors missed, as "set: sentence"; none when the
// suite passes.
func (s Suite) WriteReport(w io.Writer, o ReportOptions) (missed []string) {
	fmt.Fprintf(w, "thresholds: %s\n", s.Thresholds)
	for _, set := range s.Sets {
		r := Summarize(set.Outcomes)
		writeSet(w, set.Name, r, o.Verbose)
		for _, m := range r.Meets(set.Floors) {
			missed = append(missed, set.Name+": "+m)
		}
	}
	writeInScope(w, "leave-one-out examples, each without the keywords only it mentions (stricter; no floor)", Summarize(s.Strict))
	if o.Folds > 1 {
		s.writeCrossValidation(w, o.Folds)
	}
	writeSharedKeywords(w, s.Shared)
	if len(missed) > 0 {
		fmt.Fprintln(w, "\nFAIL")
		for _, m := range missed {
			fmt.Fprintln(w, "  "+m)
		}
		return missed
	}
	fmt.Fprintln(w, "\nPASS")
	return nil
}

// writeSet prints one set's figures and the questions it got wrong (with
// verbose, every question not answered correctly).
func writeSet(w io.Writer, name string, r Report, verbose bool) {
	writeInScope(w, name, r)
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
			fmt.Fprintf(w, "    %q → %s\n", o.Query, strings.TrimPrefix(Describe(o.Result), "answer "))
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
		if !verbose && (v != Wrong || o.Kind == OutOfScope) && !o.Result.Handoff && o.Kind != Handoff {
			continue // wrong answers to out-of-scope questions are listed above
		}
		want := strings.Join(o.Accept, ",")
		if o.Kind != InScope {
			want = "escalate"
		}
		fmt.Fprintf(w, "  %-9s %q want %s, got %s\n", v.label(), o.Query, want, withCandidates(o.Result))
	}
}

// writeInScope prints a report's name and its figures on in-scope
// questions, if it has any.
func writeInScope(w io.Writer, name string, r Report) {
	fmt.Fprintf(w, "\n%s\n", name)
	if r.InScope == 0 {
		return
	}
	paired := ""
	if r.Paired > 0 {
		paired = fmt.Sprintf("; %d of them with a related answer beside the right one", r.Paired)
	}
	fmt.Fprintf(w, "  answered correctly  %5.1f%%  (%d of %d%s)\n", 100*r.Accuracy(), r.Correct, r.InScope, paired)
	fmt.Fprintf(w, "  answered wrongly    %5.1f%%  (%d)\n", 100*r.WrongRate(), r.Wrong)
	fmt.Fprintf(w, "  asked back          %5d\n", r.Clarified)
	fmt.Fprintf(w, "  escalated           %5d\n", r.Escalated)
	fmt.Fprintf(w, "  right intent first  %5.1f%%  (whatever the decision)\n", 100*r.TopRate())
}

// writeSharedKeywords lists keywords that other intents' examples use too,
// for admins to reconsider; they do not fail the suite.
func writeSharedKeywords(w io.Writer, shared []SharedKeyword) {
	if len(shared) == 0 {
		return
	}
	fmt.Fprintln(w, "\nkeywords that other intents' examples also use (they cannot tell those intents apart):")
	for _, k := range shared {
		fmt.Fprintf(w, "  %s: %q also in %s\n", k.Intent, k.Keyword, strings.Join(k.Others, ", "))
	}
}

// label is how a report names a verdict.
func (v Verdict) label() string {
	return [...]string{"ok", "WRONG", "asked", "escalated"}[v]
}

// withCandidates is a match result in one line: the decision, the intent
// answered (or "handoff") and the candidates with their scores.
func withCandidates(r match.Result) string {
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

// writeCrossValidation prints each set's figures with every question
// decided by thresholds chosen on the other folds, and the separation
// (AUROC) of in-scope from out-of-scope questions by the top score.
func (s Suite) writeCrossValidation(w io.Writer, k int) {
	all := make([][]Outcome, len(s.Sets))
	for i, set := range s.Sets {
		all[i] = set.Outcomes
	}
	held, chosen := CrossValidate(all, k, chooser(s.Thresholds))
	fmt.Fprintf(w, "\ncross-validated: thresholds chosen on %d of %d folds of all the sets together, figures on the fold left out\n", k-1, k)
	for i, set := range s.Sets {
		r := Summarize(held[i])
		line := fmt.Sprintf("  %-24s correct %5.1f%%", set.Name, 100*r.Accuracy())
		if r.Paired > 0 {
			line += fmt.Sprintf(" (%.1f%% as two related answers)", 100*ratio(r.Paired, r.InScope))
		}
		line += fmt.Sprintf("  wrong %4.1f%%", 100*r.WrongRate())
		if r.OutOfScope > 0 {
			line += fmt.Sprintf("  out of scope not answered %5.1f%%", 100*r.OutRejection())
		}
		if r.Handoffs > 0 {
			line += fmt.Sprintf("  person %d of %d", r.Heard, r.Handoffs)
		}
		if auc, ok := AUROC(held[i]); ok {
			line += fmt.Sprintf("  AUROC %.3f", auc)
		}
		fmt.Fprintln(w, line)
	}
	for f, t := range chosen {
		fmt.Fprintf(w, "  fold %d: %s\n", f+1, t)
	}
}

// chooser is how thresholds are chosen for a catalogue whose thresholds
// are shipped: a confidence model fitted when they have one, the best of
// the grid of score rules otherwise.
func chooser(shipped catalogue.Thresholds) func([]Outcome) catalogue.Thresholds {
	if shipped.Confidence.On() {
		return Calibrate(shipped)
	}
	return Grid(ThresholdGrid())
}

// WriteSweep chooses the thresholds that do best on all the sets together
// (see chooser) and prints them with each set's figures under them. Figures on
// the sets they were chosen on overstate: the cross-validated ones are the
// estimate.
func (s Suite) WriteSweep(w io.Writer) {
	var all []Outcome
	for _, set := range s.Sets {
		all = append(all, set.Outcomes...)
	}
	t := chooser(s.Thresholds)(all)
	fmt.Fprintf(w, "thresholds chosen on all the sets: %s\n", t)
	if c := t.Confidence; c.On() {
		fmt.Fprintf(w, "  confidence:\n    sure: %.2f\n    ask: %.2f\n", c.Sure, c.Ask)
		if c.Pair > 0 {
			fmt.Fprintf(w, "    pair: %.2f\n    pair_ratio: %.2f\n", c.Pair, c.PairRatio)
		}
		writeWeights(w, "weights", c.Weights)
		if c.Pair > 0 {
			writeWeights(w, "pair_weights", c.PairWeights)
		}
	}
	for _, set := range s.Sets {
		r := Summarize(Redecide(set.Outcomes, t))
		fmt.Fprintf(w, "  %-24s correct %5.1f%%  wrong %4.1f%%  out of scope not answered %5.1f%%  (on the sets chosen on: not an estimate)\n",
			set.Name, 100*r.Accuracy(), 100*r.WrongRate(), 100*r.OutRejection())
	}
}

// writeWeights prints a confidence model's weights as the settings file
// writes them, under key.
func writeWeights(w io.Writer, key string, weights map[string]float64) {
	fmt.Fprintf(w, "    %s:\n", key)
	for _, name := range catalogue.ConfidenceEvidence {
		fmt.Fprintf(w, "      %s: %g\n", name, weights[name])
	}
}

// Snapshot records the suite's catalogue and decisions (TakeSnapshot), to
// compare the next run with.
func (s Suite) Snapshot(now time.Time) Snapshot { return TakeSnapshot(s.cat, s.Sets, now) }

// maxChanges is how many changed decisions WriteChanges lists.
const maxChanges = 30

// WriteChanges names what moved since the last passing run: the intents
// whose examples changed and the questions decided differently.
func WriteChanges(w io.Writer, now, last Snapshot) {
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
