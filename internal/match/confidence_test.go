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

// Two related intents that both fit are answered together when the pair
// model is sure one of them is right; not when they are unrelated, the
// runner-up scores far below, one is in doubt or a topic handled
// elsewhere, or the pair model is off or unsure.
func TestPair(t *testing.T) {
	a := &catalogue.Intent{ID: "a", Related: []string{"b"}}
	b := &catalogue.Intent{ID: "b"}
	u := &catalogue.Intent{ID: "u"}
	oos := &catalogue.Intent{ID: "o", Kind: catalogue.OutOfScope, Related: []string{"a"}}
	sure := catalogue.Confidence{PairWeights: map[string]float64{"bias": 3}, Pair: 0.9, PairRatio: 0.5} // chance 0.95
	unsure := sure
	unsure.PairWeights = map[string]float64{"bias": 1} // chance 0.73
	off := sure
	off.Pair = 0
	tests := []struct {
		name  string
		cands []Candidate
		c     catalogue.Confidence
		want  bool
	}{
		{"related and close", []Candidate{{Intent: a, Score: 0.4}, {Intent: b, Score: 0.35}}, sure, true},
		{"listed the other way round", []Candidate{{Intent: b, Score: 0.4}, {Intent: a, Score: 0.35}}, sure, true},
		{"unrelated", []Candidate{{Intent: a, Score: 0.4}, {Intent: u, Score: 0.35}}, sure, false},
		{"runner-up far below", []Candidate{{Intent: a, Score: 0.4}, {Intent: b, Score: 0.1}}, sure, false},
		{"runner-up in doubt", []Candidate{{Intent: a, Score: 0.4}, {Intent: b, Score: 0.35, Doubt: true}}, sure, false},
		{"runner-up handled elsewhere", []Candidate{{Intent: a, Score: 0.4}, {Intent: oos, Score: 0.35}}, sure, false},
		{"pair model unsure", []Candidate{{Intent: a, Score: 0.4}, {Intent: b, Score: 0.35}}, unsure, false},
		{"pair model off", []Candidate{{Intent: a, Score: 0.4}, {Intent: b, Score: 0.35}}, off, false},
		{"one candidate", []Candidate{{Intent: a, Score: 0.4}}, sure, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Result{Candidates: tt.cands}
			if got := Pair(tt.cands, tt.c, Features(r)); got != tt.want {
				t.Errorf("Pair = %v, want %v", got, tt.want)
			}
		})
	}
}

// Apply answers a pair where the single confidence would ask back: the
// result's Intent is the best, Also the runner-up, and no choices remain;
// a sure single answer has no Also.
func TestApplyPair(t *testing.T) {
	a := &catalogue.Intent{ID: "a", Related: []string{"b"}}
	b := &catalogue.Intent{ID: "b", Related: []string{"a"}}
	thr := catalogue.Thresholds{Floor: 0.1, Confidence: catalogue.Confidence{
		Weights: map[string]float64{"bias": 0}, Sure: 0.8, Ask: 0.3, // chance 0.5: asked back
		PairWeights: map[string]float64{"bias": 3}, Pair: 0.9, PairRatio: 0.5,
	}}
	r := Result{Candidates: []Candidate{{Intent: a, Score: 0.4}, {Intent: b, Score: 0.35}}}
	r.Apply(thr)
	if r.Decision != Answer || r.Intent() != a || r.Also() != b || len(r.Choices) != 0 {
		t.Fatalf("got %s, intent %v, also %v, %d choices; want answer a with b", r.Decision, r.Intent(), r.Also(), len(r.Choices))
	}
	thr.Confidence.Pair = 0
	r.Apply(thr)
	if r.Decision != Clarify || r.Also() != nil {
		t.Errorf("without the pair model: %s, also %v; want clarify", r.Decision, r.Also())
	}
	thr.Confidence.Weights = map[string]float64{"bias": 3}
	thr.Confidence.Pair = 0.9
	r.Apply(thr)
	if r.Decision != Answer || r.Also() != nil {
		t.Errorf("sure of the best: %s, also %v; want the best alone", r.Decision, r.Also())
	}
}
