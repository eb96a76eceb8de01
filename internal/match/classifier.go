package match

import (
	"math"
	"math/rand/v2"
)

// The third opinion. Cosine similarity says how close a question is to an
// intent's examples, naive Bayes how likely its words are under each
// intent; neither learns which words tell one intent from its siblings.
// A multinomial logistic regression over the same weighted terms, trained
// on the examples when the index is built, does: its probability for the
// best candidate is evidence for the confidence ("belief").

// The training's constants. A catalogue of more than classifierMaxIntents
// intents (training would take seconds), or whose model would hold more
// than classifierMaxWeights weights (8 MB), has none: its questions carry
// no belief, and `madoguchi test --sweep` fits the confidence without it.
// The shipped catalogue's takes 0.7 MB.
const (
	classifierEpochs     = 12
	classifierRate       = 0.5
	classifierL2         = 1e-4
	classifierMaxIntents = 200
	classifierMaxWeights = 1 << 21
)

// classifier is the model: per term, one weight per intent (term-major, so
// that a question's terms read consecutive memory), and per intent a bias.
type classifier struct {
	classes int
	w       []float32
	b       []float32
}

// trainClassifier fits the model on docs (each a unit-length term vector)
// labelled with their intents, by stochastic gradient descent in a fixed
// shuffled order: the same catalogue gives the same model.
func trainClassifier(docs [][]termWeight, labels []int32, classes, vocab int) classifier {
	m := classifier{classes: classes, w: make([]float32, vocab*classes), b: make([]float32, classes)}
	if len(docs) == 0 || classes < 2 {
		return m
	}
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(1, 2))
	p := make([]float32, classes)
	for epoch := range classifierEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := float32(classifierRate / (1 + 0.3*float64(epoch)))
		decay := 1 - rate*classifierL2
		for _, d := range order {
			m.probabilities(docs[d], p)
			p[labels[d]]--
			for _, t := range docs[d] {
				row := m.w[int(t.term)*classes : int(t.term+1)*classes]
				for c := range row {
					row[c] = row[c]*decay - rate*p[c]*t.w
				}
			}
			for c := range m.b {
				m.b[c] -= rate * p[c]
			}
		}
	}
	return m
}

// probabilities fills p with the model's probability of each intent for
// the unit-length term vector v.
func (m *classifier) probabilities(v []termWeight, p []float32) {
	copy(p, m.b)
	n := m.classes
	for _, t := range v {
		row := m.w[int(t.term)*n : int(t.term+1)*n]
		p := p[:len(row)] // one bounds check, not one per intent
		for c, w := range row {
			p[c] += w * t.w
		}
	}
	softmax(p)
}

// softmax turns logits into probabilities in place.
func softmax(p []float32) {
	top := p[0]
	for _, v := range p {
		top = max(top, v)
	}
	var sum float32
	for c, v := range p {
		p[c] = float32(math.Exp(float64(v - top)))
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// beliefs fills s.belief with the classifier's probability of each intent
// for the question's telling terms in s.query; all zero when the index has
// no classifier or the question no telling term.
func (x *Index) beliefs(s *scratch) {
	clear(s.belief)
	if x.classifier.classes == 0 {
		return
	}
	s.vec = s.vec[:0]
	var sq float32
	for _, q := range s.query {
		if x.telling(q) {
			s.vec = append(s.vec, termWeight{q.id, q.w})
			sq += q.w * q.w
		}
	}
	if sq == 0 {
		return
	}
	n := float32(math.Sqrt(float64(sq)))
	for i := range s.vec {
		s.vec[i].w /= n
	}
	x.classifier.probabilities(s.vec, s.belief)
}
