package evaluate

import (
	"math"
	"slices"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Fitting the confidence. The model is a logistic regression of "the best
// candidate is right" on the evidence (match.Features), fitted by gradient
// descent on standardised evidence with a little L2 regularisation (it
// keeps weights of rare evidence small), then its thresholds chosen by
// Utility like the score rules'. Questions that escalate whatever the
// confidence (a request for a person, an out-of-scope intent on top, a top
// score under the floor) take no part in fitting.

// The fitting's constants: measured 5-fold cross-validated, more steps or
// less regularisation change no figure by more than a question.
const (
	fitSteps = 300
	fitRate  = 2.0
	fitL2    = 0.01
)

// Calibrate returns a chooser for CrossValidate that fits a confidence
// model on the outcomes and keeps base's floor.
func Calibrate(base catalogue.Thresholds) func([]Outcome) catalogue.Thresholds {
	return func(outcomes []Outcome) catalogue.Thresholds { return FitConfidence(outcomes, base) }
}

// FitConfidence fits the confidence model on outcomes and chooses its
// thresholds with the highest Utility: Sure and Ask, then Pair and
// PairRatio (answering two related intents instead of asking back), then
// Sure and Ask again beside those; the floor is base's.
func FitConfidence(outcomes []Outcome, base catalogue.Thresholds) catalogue.Thresholds {
	t := base
	t.Confidence = catalogue.Confidence{
		Weights:     fitWeights(outcomes, base.Floor, func(o Outcome) (bool, bool) { return true, accepted(o, 0) }),
		PairWeights: fitWeights(outcomes, base.Floor, eitherRight),
	}
	scratch := make([]Outcome, len(outcomes))
	best := -math.MaxFloat64
	try := func(c catalogue.Thresholds) {
		copy(scratch, outcomes)
		for j := range scratch {
			scratch[j].Result.Apply(c)
		}
		if u := Utility(scratch); u > best {
			best, t = u, c
		}
	}
	thresholds := func() {
		from := t
		for sure := 0.30; sure <= 0.981; sure += 0.02 {
			for ask := 0.0; ask <= sure && ask <= 0.601; ask += 0.03 {
				c := from
				c.Confidence.Sure, c.Confidence.Ask = round2(sure), round2(ask)
				try(c)
			}
		}
	}
	thresholds()
	from := t
	for pair := 0.30; pair <= 0.981; pair += 0.04 {
		for _, ratio := range pairRatios {
			c := from
			c.Confidence.Pair, c.Confidence.PairRatio = round2(pair), ratio
			try(c)
		}
	}
	if t.Confidence.Pair > 0 {
		thresholds()
	}
	return t
}

// pairRatios are the runner-up's least scores, over the best's, that
// FitConfidence tries for answering two related intents.
var pairRatios = []float64{0.5, 0.7, 0.85}

// accepted reports whether the candidate at position i of o's result is
// an accepted intent of an in-scope question.
func accepted(o Outcome, i int) bool {
	c := o.Result.Candidates
	return o.Kind == InScope && i < len(c) && slices.Contains(o.Accept, c[i].Intent.ID)
}

// eitherRight is what the pair model learns: whether one of the two best
// candidates is right, for the questions whose two best could be answered
// together (match.Pairable at the lowest ratio tried).
func eitherRight(o Outcome) (use, y bool) {
	if !match.Pairable(o.Result.Candidates, pairRatios[0]) {
		return false, false
	}
	return true, accepted(o, 0) || accepted(o, 1)
}

// fitWeights fits a logistic model's weights, one per kind of evidence, on
// the outcomes that label uses, to what it says of each. Questions that
// escalate whatever the confidence (at floor) take no part.
func fitWeights(outcomes []Outcome, floor float64, label func(Outcome) (use, y bool)) map[string]float64 {
	const n = match.NumEvidence
	var xs [][n]float64
	var ys []float64
	for _, o := range outcomes {
		if o.Kind == Handoff || match.EscalatesAnyway(o.Result.Candidates, o.Result.Handoff, floor) {
			continue
		}
		use, y := label(o)
		if !use {
			continue
		}
		xs = append(xs, match.Features(o.Result))
		ys = append(ys, 0)
		if y {
			ys[len(ys)-1] = 1
		}
	}
	weights := make(map[string]float64, n)
	if len(xs) == 0 {
		return weights
	}
	// Standardise (bias aside) so that one step size suits every evidence.
	var mean, sd [n]float64
	for _, x := range xs {
		for j := 1; j < n; j++ {
			mean[j] += x[j]
		}
	}
	m := float64(len(xs))
	for j := 1; j < n; j++ {
		mean[j] /= m
	}
	for _, x := range xs {
		for j := 1; j < n; j++ {
			sd[j] += (x[j] - mean[j]) * (x[j] - mean[j])
		}
	}
	sd[0] = 1
	for j := 1; j < n; j++ {
		if sd[j] = math.Sqrt(sd[j] / m); sd[j] == 0 {
			sd[j] = 1
		}
	}
	z := make([][n]float64, len(xs))
	for i, x := range xs {
		z[i][0] = 1
		for j := 1; j < n; j++ {
			z[i][j] = (x[j] - mean[j]) / sd[j]
		}
	}
	var w [n]float64
	for step := 0; step < fitSteps; step++ {
		var g [n]float64
		for i, zi := range z {
			s := 0.0
			for j := range n {
				s += w[j] * zi[j]
			}
			d := 1/(1+math.Exp(-s)) - ys[i]
			for j := range n {
				g[j] += d * zi[j]
			}
		}
		for j := range n {
			g[j] /= m
			if j > 0 {
				g[j] += fitL2 * w[j]
			}
			w[j] -= fitRate * g[j]
		}
	}
	// Back to the evidence as the matcher computes it.
	bias := w[0]
	for j := 1; j < n; j++ {
		raw := w[j] / sd[j]
		bias -= raw * mean[j]
		weights[catalogue.ConfidenceEvidence[j]] = round3(raw)
	}
	weights[catalogue.ConfidenceEvidence[0]] = round3(bias)
	return weights
}

// round2 and round3 keep the printed settings short; the figures do not
// move by rounding at these places.
func round2(f float64) float64 { return math.Round(f*100) / 100 }
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
