package match

import (
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func TestEvidenceNames(t *testing.T) {
	if got := len(catalogue.ConfidenceEvidence); got != NumEvidence {
		t.Fatalf("catalogue names %d kinds of evidence, the matcher computes %d", got, NumEvidence)
	}
}

// The confidence decides when the thresholds carry a model: sure answers,
// ask asks back, below escalates; the hard rules (a person asked for, an
// out-of-scope intent on top, a score under the floor) still escalate.
func TestDecideByConfidence(t *testing.T) {
	a := &catalogue.Intent{ID: "a"}
	b := &catalogue.Intent{ID: "b"}
	oos := &catalogue.Intent{ID: "o", Kind: catalogue.OutOfScope}
	thr := catalogue.Thresholds{Floor: 0.2, Confidence: catalogue.Confidence{Weights: map[string]float64{"bias": 1}, Sure: 0.8, Ask: 0.3}}
	two := []Candidate{{Intent: a, Score: 0.5}, {Intent: b, Score: 0.45}}
	tests := []struct {
		name       string
		cands      []Candidate
		handoff    bool
		confidence float64
		want       Decision
		choices    int
	}{
		{"sure", two, false, 0.9, Answer, 0},
		{"close runner-up, still sure", two, false, 0.8, Answer, 0},
		{"unsure", two, false, 0.5, Clarify, 2},
		{"unlikely", two, false, 0.2, Escalate, 0},
		{"sure but asked for a person", two, true, 0.99, Escalate, 0},
		{"sure but under the floor", []Candidate{{Intent: a, Score: 0.1}}, false, 0.99, Escalate, 0},
		{"out of scope on top", []Candidate{{Intent: oos, Score: 0.6}, {Intent: a, Score: 0.3}}, false, 0.99, Escalate, 0},
		{"sure but names what the intent never mentions", []Candidate{{Intent: a, Score: 0.5, Doubt: true}, {Intent: b, Score: 0.2}}, false, 0.99, Clarify, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, choices, _ := Decide(tt.cands, tt.handoff, tt.confidence, thr)
			if got != tt.want || len(choices) != tt.choices {
				t.Errorf("Decide = %s with %d choices, want %s with %d", got, len(choices), tt.want, tt.choices)
			}
		})
	}
}

// More evidence for the answer raises the probability; evidence against
// lowers it; with no weights it is a coin toss.
func TestProbability(t *testing.T) {
	c := catalogue.Confidence{Weights: map[string]float64{"bias": -1, "top": 4, "runner_up": -3}}
	r := Result{Candidates: []Candidate{{Intent: &catalogue.Intent{ID: "a"}, Score: 0.6}, {Intent: &catalogue.Intent{ID: "b"}, Score: 0.3}}}
	clear := Probability(c, Features(r))
	r.Candidates[1].Score = 0.58
	close := Probability(c, Features(r))
	if !(clear > close) {
		t.Errorf("a clear lead gives %.3f, a close runner-up %.3f: want the lead surer", clear, close)
	}
	if p := Probability(catalogue.Confidence{}, Features(r)); p != 0.5 {
		t.Errorf("no weights gives %.3f, want 0.5", p)
	}
}

// On the shipped catalogue the result carries its confidence, and a plain
// question is surer than one about a company's mailbox.
func TestShippedConfidence(t *testing.T) {
	x := shippedIndex(t)
	if !x.thr.Confidence.On() {
		t.Skip("the shipped settings have no confidence model")
	}
	ours := x.Match("I forgot my OUMail password")
	other := x.Match("my company gave me a new laptop and the shared drive password expired")
	if ours.Confidence <= 0 || ours.Confidence > 1 {
		t.Fatalf("confidence %.3f, want a probability", ours.Confidence)
	}
	if !(ours.Confidence > other.Confidence) {
		t.Errorf("OUMail question %.3f, company question %.3f: want the first surer", ours.Confidence, other.Confidence)
	}
}
