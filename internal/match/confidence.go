package match

import (
	"math"
	"slices"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// The confidence. A score says how close a question is to an intent's
// examples; it does not say how likely the answer is right: 0.4 is sure
// when the runner-up scores 0.1 and the second model agrees, and a guess
// when the runner-up scores 0.38 or half the question is about a company's
// mailbox. The confidence weighs all the evidence in one logistic model
// (catalogue.Confidence), fitted and its thresholds chosen by
// cross-validation (evaluate.FitConfidence): a probability, so that one
// threshold answers, one asks back, and the admin reads them as such.
//
// Measured 5-fold cross-validated on all the development sets together
// against the score rules it replaces (answer, margin, support): about the
// same share answered correctly, a few points more off-topic questions not
// answered (dev-queries-3: 88% → 93%), and a higher AUROC on most sets.

// NumEvidence is how much evidence the confidence weighs: the length of
// catalogue.ConfidenceEvidence.
const NumEvidence = 22

// Features returns the evidence the confidence weighs for the best
// candidate of r, in the order of catalogue.ConfidenceEvidence.
func Features(r Result) [NumEvidence]float64 {
	var f [NumEvidence]float64
	f[0] = 1
	c := r.Candidates
	if len(c) == 0 {
		return f
	}
	top := max(c[0].Score, 1e-6)
	f[1] = c[0].Score
	if len(c) > 1 {
		// A runner-up the answer itself offers as a related question is
		// one tap away: it weighs apart from an unrelated one.
		if related(c[0].Intent, c[1].Intent) {
			f[18] = c[1].Score / top
		} else {
			f[2] = c[1].Score / top
		}
	}
	if len(c) > 2 {
		f[3] = c[2].Score / top
	}
	if !c[0].Doubt {
		// The second model reads the same words, not the subject: it
		// backs "Gmailの差出人名" as firmly as "差出人名".
		f[4] = math.Log1p(max(c[0].Support, 0))
		f[5] = flag(c[0].Support > 0)
	}
	f[6] = flag(c[0].Keyword)
	f[7] = flag(c[0].Doubt)
	f[8] = flag(c[0].Intent.IsSmallTalk())
	ev := r.Evidence
	f[9] = ev.Unknown
	f[10] = float64(min(ev.Names, 3))
	f[11] = ev.OutOfScope
	f[12] = ev.OutOfScope / top
	f[13] = math.Log1p(float64(ev.Terms))
	f[14] = flag(ev.Context)
	f[15] = flag(r.Lang == catalogue.Japanese)
	f[16] = flag(ev.Ours)
	f[17] = c[0].Closest
	f[19] = c[0].Belief
	if len(c) > 1 {
		f[20] = c[1].Belief
	}
	if !ev.Ours {
		// A question that names the service is about it, however much its
		// words resemble another service's ("OUMailのパスワードを忘れました").
		f[21] = ev.OutOfScopeBelief
	}
	return f
}

// Probability is the confidence model c's chance that evidence f speaks
// for a right answer.
func Probability(c catalogue.Confidence, f [NumEvidence]float64) float64 {
	return logistic(c.Weights, f)
}

// EitherProbability is the pair model's chance (c.PairWeights) that one of
// the two best candidates is right, for evidence f (see Pair).
func EitherProbability(c catalogue.Confidence, f [NumEvidence]float64) float64 {
	return logistic(c.PairWeights, f)
}

// logistic is the logistic model of weights applied to evidence f.
func logistic(weights map[string]float64, f [NumEvidence]float64) float64 {
	z := 0.0
	for i, name := range catalogue.ConfidenceEvidence {
		z += weights[name] * f[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// related reports whether a or b lists the other as a related question.
func related(a, b *catalogue.Intent) bool {
	return slices.Contains(a.Related, b.ID) || slices.Contains(b.Related, a.ID)
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
