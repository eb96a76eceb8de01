package evaluate

import (
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// FitConfidence learns which evidence speaks for a right answer: here the
// runner-up's closeness alone tells right from wrong (a close runner-up is
// the right one), so the fitted model answers the clear leads, asks back
// the close calls and the held-out figures are perfect.
func TestFitConfidence(t *testing.T) {
	a := &catalogue.Intent{ID: "a"}
	b := &catalogue.Intent{ID: "b"}
	var set []Outcome
	for i := 0; i < 200; i++ {
		q := string(rune(0x4e00 + i))
		second := 0.1 + float64(i%5)/100 // a clear lead: a is right
		accept := "a"
		if i%2 == 1 {
			second = 0.48 + float64(i%5)/100 // a close call: b is right
			accept = "b"
		}
		set = append(set, Outcome{
			Case:   Case{Query: q, Kind: InScope, Accept: []string{accept}, Source: "t"},
			Result: match.Result{Candidates: []match.Candidate{{Intent: a, Score: 0.5}, {Intent: b, Score: second}}},
		})
	}
	base := catalogue.Thresholds{Floor: 0.2}
	got := FitConfidence(set, base)
	if !got.Confidence.On() || got.Floor != base.Floor {
		t.Fatalf("fitted %s, want a confidence model with floor 0.2", got)
	}
	if w := got.Confidence.Weights["runner_up"]; w >= 0 {
		t.Errorf("runner_up weighs %.3f, want below 0 (a close runner-up speaks against the best)", w)
	}
	held, _ := CrossValidate([][]Outcome{set}, 5, Calibrate(base))
	r := Summarize(held[0])
	if r.Correct != 100 || r.Wrong != 0 {
		t.Errorf("held out: %d correct, %d wrong of %d; want 100 correct (the clear leads), 0 wrong", r.Correct, r.Wrong, r.InScope)
	}
	for _, o := range held[0] {
		if o.Result.Confidence <= 0 || o.Result.Confidence >= 1 {
			t.Fatalf("%q has confidence %.3f, want a probability", o.Query, o.Result.Confidence)
		}
	}
}

// The pair model learns when one of two related intents is surely right:
// close calls between a and b (either may be wanted) are answered with
// both, while close calls that are mostly words no intent uses (questions
// about something else) are not answered at all, and clear leads are
// answered alone.
func TestFitPair(t *testing.T) {
	a := &catalogue.Intent{ID: "a", Related: []string{"b"}}
	b := &catalogue.Intent{ID: "b", Related: []string{"a"}}
	var set []Outcome
	for i := 0; i < 300; i++ {
		q := string(rune(0x4e00 + i))
		o := Outcome{
			Case:   Case{Query: q, Kind: InScope, Accept: []string{"a"}, Source: "t"},
			Result: match.Result{Candidates: []match.Candidate{{Intent: a, Score: 0.5}, {Intent: b, Score: 0.1 + float64(i%5)/100}}},
		}
		switch i % 3 {
		case 1: // a close call, either wanted
			o.Result.Candidates[1].Score = 0.45 + float64(i%5)/100
			if i%2 == 0 {
				o.Accept = []string{"b"}
			}
		case 2: // a close call about something else
			o.Result.Candidates[1].Score = 0.45 + float64(i%5)/100
			o.Kind, o.Accept = OutOfScope, nil
			o.Result.Evidence.Unknown = 0.7
		}
		set = append(set, o)
	}
	base := catalogue.Thresholds{Floor: 0.2}
	got := FitConfidence(set, base)
	if c := got.Confidence; c.Pair <= 0 || len(c.PairWeights) == 0 {
		t.Fatalf("fitted %s: want a pair model", got)
	}
	held, _ := CrossValidate([][]Outcome{set}, 5, Calibrate(base))
	r := Summarize(held[0])
	if r.Correct != r.InScope || r.Paired != 100 || r.NotAnswered != r.OutOfScope {
		t.Errorf("held out: %d of %d correct (%d as pairs), %d of %d off-topic not answered; want all correct, 100 pairs, none answered",
			r.Correct, r.InScope, r.Paired, r.NotAnswered, r.OutOfScope)
	}
}
