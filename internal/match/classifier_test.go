package match

import (
	"math"
	"slices"
	"testing"
)

// The classifier learns which terms tell intents apart: a term shared by
// both intents says little, a term only one intent uses decides; its
// probabilities sum to one, and the same examples give the same model.
func TestClassifierLearnsTellingTerms(t *testing.T) {
	// Terms: 0 shared by both intents, 1 only intent 0's, 2 only intent 1's.
	unit := func(ts ...int32) []termWeight {
		v := make([]termWeight, len(ts))
		for i, id := range ts {
			v[i] = termWeight{id, float32(1 / math.Sqrt(float64(len(ts))))}
		}
		return v
	}
	docs := [][]termWeight{unit(0, 1), unit(1), unit(0, 1), unit(0, 2), unit(2), unit(0, 2)}
	labels := []int32{0, 0, 0, 1, 1, 1}
	m := trainClassifier(docs, labels, 2, 3)
	p := make([]float32, 2)
	tests := []struct {
		name  string
		terms []termWeight
		want  int
		least float32
	}{
		{"intent 0's own term", unit(1), 0, 0.8},
		{"intent 1's own term", unit(2), 1, 0.8},
		{"the shared term and intent 1's", unit(0, 2), 1, 0.7},
	}
	for _, tt := range tests {
		m.probabilities(tt.terms, p)
		if got := p[tt.want]; got < tt.least {
			t.Errorf("%s: probability of intent %d is %.2f, want at least %.2f", tt.name, tt.want, got, tt.least)
		}
		if sum := p[0] + p[1]; math.Abs(float64(sum)-1) > 1e-5 {
			t.Errorf("%s: probabilities sum to %v, want 1", tt.name, sum)
		}
	}
	m.probabilities(unit(0), p)
	if d := math.Abs(float64(p[0] - p[1])); d > 0.2 {
		t.Errorf("the shared term alone: probabilities %.2f and %.2f, want close", p[0], p[1])
	}
	again := trainClassifier(docs, labels, 2, 3)
	if !slices.Equal(m.w, again.w) || !slices.Equal(m.b, again.b) {
		t.Error("the same examples gave two different models")
	}
}

// On the shipped catalogue the classifier backs the intent a plain
// question is about, and it has no opinion on a question with no known
// term.
func TestShippedBelief(t *testing.T) {
	x := shippedIndex(t)
	r := x.Match("How do I forward my mail to two addresses at once?")
	if len(r.Candidates) == 0 || r.Candidates[0].Intent.ID != "forward-multiple" {
		t.Fatalf("candidates %v, want forward-multiple first", r.Candidates)
	}
	if b := r.Candidates[0].Belief; b < 0.5 {
		t.Errorf("classifier's probability for forward-multiple is %.2f, want at least 0.5", b)
	}
	for _, c := range x.Match("xyzzy plugh").Candidates {
		if c.Belief != 0 {
			t.Errorf("%s: belief %.2f for a question with no known term, want 0", c.Intent.ID, c.Belief)
		}
	}
}

// A catalogue too large for the classifier has none, and its questions
// carry no belief; a small one has one.
func TestClassifierOnlyForSmallCatalogues(t *testing.T) {
	tests := []struct {
		intents int
		want    bool
	}{
		{40, true},
		{classifierMaxIntents + 1, false},
	}
	for _, tt := range tests {
		x := New(generated(t, tt.intents))
		if got := x.classifier.classes > 0; got != tt.want {
			t.Errorf("%d intents: classifier %v, want %v", tt.intents, got, tt.want)
		}
		r := x.Match(generatedQueries(1)[0])
		if len(r.Candidates) == 0 {
			t.Fatalf("%d intents: no candidate for a generated question", tt.intents)
		}
		if got := r.Candidates[0].Belief > 0; got != tt.want {
			t.Errorf("%d intents: belief %.2f, want one: %v", tt.intents, r.Candidates[0].Belief, tt.want)
		}
	}
}
