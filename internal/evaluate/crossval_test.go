package evaluate

import (
	"math"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// outcome makes an outcome whose one candidate scores score.
func outcome(kind Kind, query string, in *catalogue.Intent, score float64) Outcome {
	return Outcome{
		Case:   Case{Query: query, Kind: kind, Accept: []string{in.ID}, Source: "t"},
		Result: match.Result{Candidates: []match.Candidate{{Intent: in, Score: score}}},
	}
}

func TestAUROC(t *testing.T) {
	faq := &catalogue.Intent{ID: "faq"}
	for _, tt := range []struct {
		name      string
		in, out   []float64
		want      float64
		wantValid bool
	}{
		{"separated", []float64{0.6, 0.7}, []float64{0.1, 0.2}, 1, true},
		{"reversed", []float64{0.1}, []float64{0.9}, 0, true},
		{"ties count half", []float64{0.5}, []float64{0.5}, 0.5, true},
		{"one of four pairs wrong", []float64{0.3, 0.8}, []float64{0.1, 0.4}, 0.75, true},
		{"no out-of-scope", []float64{0.3}, nil, 0, false},
	} {
		var os []Outcome
		for i, s := range tt.in {
			os = append(os, outcome(InScope, string(rune('a'+i)), faq, s))
		}
		for i, s := range tt.out {
			os = append(os, outcome(OutOfScope, string(rune('A'+i)), faq, s))
		}
		got, ok := AUROC(os)
		if ok != tt.wantValid || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: AUROC = %.3f, %v; want %.3f, %v", tt.name, got, ok, tt.want, tt.wantValid)
		}
	}
}

// A greeting answered by small talk is no FAQ answer: off topic, it counts
// 0 however high its score; labelled as chat, it takes no part.
func TestAUROCChat(t *testing.T) {
	faq := &catalogue.Intent{ID: "faq"}
	hello := &catalogue.Intent{ID: "hello", Kind: catalogue.SmallTalk}
	os := []Outcome{
		outcome(InScope, "q", faq, 0.5),
		outcome(OutOfScope, "hi", hello, 0.99),
		outcome(InScope, "good morning", hello, 0.01), // chat labelled as chat
	}
	if got, ok := AUROC(os); !ok || got != 1 {
		t.Errorf("AUROC = %.3f, %v; want 1 (the greeting counts 0, the labelled one takes no part)", got, ok)
	}
}

// TestCrossValidateHoldsOut checks that each fold is decided by thresholds
// chosen without it: a fold whose questions alone would pull the choice
// elsewhere is decided as the other folds want.
func TestCrossValidateHoldsOut(t *testing.T) {
	faq := &catalogue.Intent{ID: "faq"}
	var set []Outcome
	for i := 0; i < 200; i++ {
		q := string(rune(0x4e00 + i))
		if i%2 == 0 {
			set = append(set, outcome(InScope, q, faq, 0.3+float64(i%10)/100))
		} else {
			set = append(set, outcome(OutOfScope, q, faq, 0.1+float64(i%10)/100))
		}
	}
	grid := []catalogue.Thresholds{{Answer: 0.25, Floor: 0.2}, {Answer: 0.05, Floor: 0.05}}
	held, chosen := CrossValidate([][]Outcome{set}, 5, Grid(grid))
	if len(chosen) != 5 {
		t.Fatalf("got %d folds' thresholds, want 5", len(chosen))
	}
	for f, c := range chosen {
		if c.String() != grid[0].String() {
			t.Errorf("fold %d chose %v, want %v (it separates the two kinds)", f+1, c, grid[0])
		}
	}
	r := Summarize(held[0])
	if r.Accuracy() != 1 || r.OutRejection() != 1 {
		t.Errorf("held-out figures %.2f correct, %.2f not answered; want 1, 1", r.Accuracy(), r.OutRejection())
	}
	for i, o := range held[0] {
		if o.Query != set[i].Query {
			t.Fatalf("held-out outcome %d is %q, want %q: the order must be kept", i, o.Query, set[i].Query)
		}
	}
}

func TestFoldIsStable(t *testing.T) {
	c := Case{Query: "パスワードを忘れた", Source: "a.tsv"}
	f := Fold(c, 5)
	for i := 0; i < 3; i++ {
		if g := Fold(c, 5); g != f || g < 0 || g >= 5 {
			t.Fatalf("Fold = %d, then %d; want the same fold in [0, 5)", f, g)
		}
	}
}

func TestFoldIgnoresDirectory(t *testing.T) {
	// A query file named from another directory (CI runs from the
	// repository, an admin from anywhere) keeps every case in its fold, so
	// the cross-validated figures do not depend on how the path is written.
	for _, q := range []string{"パスワードを忘れた", "forgot my password", "転送したい", "mfa reset"} {
		rel := Fold(Case{Query: q, Source: "../faq/q.tsv:3"}, 5)
		abs := Fold(Case{Query: q, Source: "/srv/office/faq/q.tsv:3"}, 5)
		if rel != abs {
			t.Errorf("%q: fold %d from a relative path, %d from an absolute one", q, rel, abs)
		}
	}
}
