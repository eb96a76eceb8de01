package match

import "math"

// The second opinion. Cosine similarity ranks the intents well but scores
// sibling intents (how to sign in, cannot sign in) close together, and a
// close call is asked back. A multinomial naive Bayes model over the same
// weighted terms errs on other questions than the cosine does; when it ranks
// one of the close candidates first by a clear lead, that one is answered
// (see Decide). Measured leave-one-out on the shipped examples: 86.9%
// answered correctly without it, 90.1% with support 2, 91.0% with overrule
// 2.5 too; wrong answers 1.2% → 2.1% → 2.4%.

// bayesAlpha is the additive smoothing of the term counts: a term an intent
// never uses counts as this fraction of one use. Measured with support 2 on
// the stricter leave-one-out (see evaluate.LeaveOneOut): 0.05 →
// 87.1%, 0.1 → 87.2%, 0.2 → 86.1%, 1 → 82.5%.
const bayesAlpha = 0.1

// bayesPosting is an intent that uses a term, with how much likelier the term
// is under that intent than under one that never uses it: log((n+α)/α).
type bayesPosting struct {
	intent int32
	lift   float32
}

// bayes is the naive Bayes model: per intent, the term counts of all its
// examples and titles, each weighted by its kind.
type bayes struct {
	base     []float64        // per intent: log P(term) of a term it never uses
	postings [][]bayesPosting // per term: the intents that use it
}

// newBayes counts the terms of the pooled documents; vocab is the number of
// distinct terms.
func newBayes(docs []builderDoc, intents, vocab int) bayes {
	m := bayes{base: make([]float64, intents), postings: make([][]bayesPosting, vocab)}
	total := make([]float64, intents)
	for _, d := range docs {
		if !d.pooled {
			continue
		}
		for _, e := range d.tf {
			n := float64(e.n * kindWeight[e.kind])
			total[d.intent] += n
			m.postings[e.term] = append(m.postings[e.term], bayesPosting{d.intent, float32(math.Log((n + bayesAlpha) / bayesAlpha))})
		}
	}
	for i, t := range total {
		m.base[i] = math.Log(bayesAlpha / (t + bayesAlpha*float64(vocab)))
	}
	return m
}

// bayesFirst returns the intent the naive Bayes model ranks first for the
// question whose terms are in s.query, and its log-likelihood lead over the
// next; a lead of 0 when the question has no known, telling term. Handoff
// intents take no part: a request for a person escalates whatever the scores.
func (x *Index) bayesFirst(s *scratch) (int32, float64) {
	lp := s.loglik
	clear(lp)
	var w float64 // the question's weight in known, telling terms
	for _, q := range s.query {
		if !x.telling(q) {
			continue
		}
		w += float64(q.w)
		for _, p := range x.bayes.postings[q.id] {
			lp[p.intent] += float64(q.w * p.lift)
		}
	}
	if w == 0 {
		return -1, 0
	}
	best, first, next := int32(-1), math.Inf(-1), math.Inf(-1)
	for i, l := range lp {
		l += w * x.bayes.base[i]
		switch {
		case x.cat.Intents[i].Handoff:
		case l > first:
			best, first, next = int32(i), l, first
		case l > next:
			next = l
		}
	}
	if best < 0 || math.IsInf(next, -1) {
		return best, 0
	}
	return best, first - next
}
