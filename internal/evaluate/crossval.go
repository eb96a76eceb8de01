package evaluate

import (
	"hash/fnv"
	"path/filepath"
	"slices"
	"sort"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Choosing thresholds without fitting what is reported. A threshold chosen
// on a set and then measured on that set reads better than it will do on
// the next question: the last round of tuning read 90% on the set it was
// tuned on and 72% on a new one. CrossValidate chooses thresholds on all
// folds but one and decides the held-out fold's questions with them, so
// that every figure it yields was measured on questions that took no part
// in choosing.

// Utility weighs outcomes when thresholds are chosen: a correct answer
// counts 1 (PairWorth when it comes with a related one), a wrong one (an
// in-scope question answered with the wrong intent, or an out-of-scope
// question answered at all) costs WrongCost;
// asking back and escalating count 0. A wrong confident answer is worse
// than an honest escalation.
const WrongCost = 3

// ChoiceWorth is what asking back is worth: a little when the right intent
// is among the choices of an in-scope question (one more tap), a little
// less than nothing when the question was not ours (a "did you mean" for
// "what time is it?" wastes the user's time). It is what makes the floor
// under which the bot escalates rather than asks a choice of measurement.
const ChoiceWorth = 0.25

// PairWorth is what an answer of two related intents (match.Pair) is
// worth when one of them is right: less than the one right answer (the
// user reads one they did not need), more than a choice (they need no
// tap, and read the answer at once).
const PairWorth = 0.75

// Utility is the sum of the outcomes' worth (see WrongCost, ChoiceWorth).
func Utility(outcomes []Outcome) float64 {
	u := 0.0
	for _, o := range outcomes {
		switch o.Verdict() {
		case Correct:
			switch {
			case o.Kind != InScope:
			case o.Result.Also() != nil:
				u += PairWorth
			default:
				u++
			}
		case Wrong:
			u -= WrongCost
		case Clarified:
			if o.Kind != InScope {
				u -= ChoiceWorth
				break
			}
			for _, c := range o.Result.Choices {
				if slices.Contains(o.Accept, c.Intent.ID) {
					u += ChoiceWorth
					break
				}
			}
		}
	}
	return u
}

// ThresholdGrid lists the thresholds that Choose and CrossValidate try.
func ThresholdGrid() []catalogue.Thresholds {
	var grid []catalogue.Thresholds
	for _, support := range []float64{0, 2, 3} {
		for _, overrule := range []float64{0, 4} {
			for answer := 0.10; answer <= 0.40001; answer += 0.02 {
				for margin := 0.0; margin <= 0.40001; margin += 0.04 {
					for floor := 0.06; floor <= answer+1e-9; floor += 0.04 {
						grid = append(grid, catalogue.Thresholds{Answer: answer, Margin: margin, Floor: floor, Support: support, Overrule: overrule})
					}
				}
			}
		}
	}
	return grid
}

// Choose returns the thresholds of grid with the highest Utility on the
// outcomes (the first of equals, so that the choice is deterministic).
func Choose(outcomes []Outcome, grid []catalogue.Thresholds) catalogue.Thresholds {
	best, bestU := grid[0], 0.0
	scratch := make([]Outcome, len(outcomes))
	for i, t := range grid {
		copy(scratch, outcomes)
		for j := range scratch {
			scratch[j].Result.Apply(t)
		}
		if u := Utility(scratch); i == 0 || u > bestU {
			best, bestU = t, u
		}
	}
	return best
}

// Grid returns a chooser for CrossValidate that picks the best thresholds
// of grid (see Choose).
func Grid(grid []catalogue.Thresholds) func([]Outcome) catalogue.Thresholds {
	return func(outcomes []Outcome) catalogue.Thresholds { return Choose(outcomes, grid) }
}

// Fold returns the fold (0 to k-1) a case belongs to, from a hash of its
// source and question: the same case is in the same fold on every run,
// whichever directory its file is named from ("../faq/q.tsv:3" and
// "/srv/faq/q.tsv:3" are one source).
func Fold(c Case, k int) int {
	h := fnv.New32a()
	h.Write([]byte(filepath.Base(c.Source)))
	h.Write([]byte{0})
	h.Write([]byte(c.Query))
	return int(h.Sum32() % uint32(k))
}

// CrossValidate splits the union of the sets into k folds and decides each
// fold's outcomes with the thresholds choose finds on the other folds
// (Grid: the best of a grid of score rules; Calibrate: a fitted
// confidence). It returns the sets with every outcome so decided, and the
// thresholds chosen for each fold.
func CrossValidate(sets [][]Outcome, k int, choose func([]Outcome) catalogue.Thresholds) ([][]Outcome, []catalogue.Thresholds) {
	held := make([][]Outcome, len(sets))
	for i, s := range sets {
		held[i] = make([]Outcome, len(s))
	}
	chosen := make([]catalogue.Thresholds, k)
	for f := 0; f < k; f++ {
		var train []Outcome
		for _, s := range sets {
			for _, o := range s {
				if Fold(o.Case, k) != f {
					train = append(train, o)
				}
			}
		}
		t := choose(train)
		chosen[f] = t
		for i, s := range sets {
			for j, o := range s {
				if Fold(o.Case, k) == f {
					o.Result.Apply(t)
					held[i][j] = o
				}
			}
		}
	}
	return held, chosen
}

// AUROC is the area under the ROC curve of the FAQ confidence (see
// topScore) as a test of whether a question is in scope: the chance that
// an in-scope question scores above an out-of-scope one (ties count half).
// Requests for a person take no part, nor chat labelled as chat (a
// greeting whose accepted intent is small talk). ok is false when the
// outcomes lack either kind.
func AUROC(outcomes []Outcome) (auc float64, ok bool) {
	type scored struct {
		score float64
		in    bool
	}
	var all []scored
	nIn, nOut := 0, 0
	for _, o := range outcomes {
		switch o.Kind {
		case InScope:
			if c := o.Result.Candidates; len(c) > 0 && c[0].Intent.IsSmallTalk() && slices.Contains(o.Accept, c[0].Intent.ID) {
				continue // chat labelled as chat: no FAQ question
			}
			nIn++
			all = append(all, scored{topScore(o.Result), true})
		case OutOfScope:
			nOut++
			all = append(all, scored{topScore(o.Result), false})
		}
	}
	if nIn == 0 || nOut == 0 {
		return 0, false
	}
	sort.Slice(all, func(i, j int) bool { return all[i].score < all[j].score })
	// Mann-Whitney: the sum of the in-scope ranks, ties given their mean.
	rankSum := 0.0
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].score == all[i].score {
			j++
		}
		mean := float64(i+j+1) / 2 // ranks i+1 … j
		for m := i; m < j; m++ {
			if all[m].in {
				rankSum += mean
			}
		}
		i = j
	}
	u := rankSum - float64(nIn)*float64(nIn+1)/2
	return u / (float64(nIn) * float64(nOut)), true
}

// topScore is the confidence, or without a confidence model the score, of
// the best FAQ candidate: an out-of-scope, handoff or small-talk intent on
// top says the question is not an FAQ (a greeting answered by a greeting
// is no OUMail answer), so it counts 0.
func topScore(r match.Result) float64 {
	for _, c := range r.Candidates {
		if c.Intent.IsOutOfScope() || c.Intent.Handoff || c.Intent.IsSmallTalk() {
			return 0
		}
		if r.Confidence > 0 {
			return r.Confidence
		}
		return c.Score
	}
	return 0
}
