package evaluate

import (
	"fmt"
	"io"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// WriteExplanation prints how x's matcher read the question q, for an
// admin (`madoguchi ask --explain`): how it was read and normalised, the
// terms and their weights, each candidate's scores, the confidence's
// evidence when the thresholds have a confidence model, and the decision.
func WriteExplanation(w io.Writer, x *match.Index, q string) {
	e := x.Explain(q)
	if e.Read != q {
		fmt.Fprintf(w, "read as: %q (romaji as kana)\n", e.Read)
	}
	if e.Context != "" {
		fmt.Fprintf(w, "asking: %q\ncontext (counts half): %q\n", e.Asking, e.Context)
	}
	if len(e.KnownNames) > 0 {
		fmt.Fprintf(w, "names some intents mention: %s\n", strings.Join(e.KnownNames, ", "))
	}
	fmt.Fprintf(w, "normalised: %q\n", e.Normalized)
	for _, c := range e.Corrections {
		fmt.Fprintf(w, "read %q as %q\n", c[0], c[1])
	}
	fmt.Fprint(w, "terms:")
	for _, t := range e.Terms {
		if t.Unknown {
			fmt.Fprintf(w, " %s(?)", t.Text)
		} else {
			fmt.Fprintf(w, " %s(%.2f)", t.Text, t.Weight)
		}
	}
	fmt.Fprintln(w)
	if len(e.UnknownSubjects) > 0 {
		fmt.Fprintf(w, "unknown subject: %s\n", strings.Join(e.UnknownSubjects, ", "))
	}
	for _, c := range e.Candidates {
		fmt.Fprintf(w, "  %-22s %.3f  (closest example %.3f: %q; all examples %.3f; keyword %v; naive Bayes support %.1f; classifier %.2f) matched: %s\n",
			c.Intent, c.Score, c.Best, c.BestExample, c.Pooled, c.Keyword, c.Support, c.Belief, strings.Join(c.Matched, " "))
		if c.SubjectFactor < 1 {
			fmt.Fprintf(w, "  %-22s score ×%.2f for the subject", "", c.SubjectFactor)
			if len(c.Foreign) > 0 {
				fmt.Fprintf(w, " (names it never mentions: %s)", strings.Join(c.Foreign, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	if t := x.Catalogue().Settings.Matching; t.Confidence.On() && len(e.Result.Candidates) > 0 {
		f := match.Features(e.Result)
		fmt.Fprint(w, "evidence (value × weight):")
		for i, name := range catalogue.ConfidenceEvidence {
			if wt := t.Confidence.Weights[name]; f[i] != 0 && wt != 0 {
				fmt.Fprintf(w, " %s %.2f×%.2f", name, f[i], wt)
			}
		}
		fmt.Fprintf(w, "\nconfidence that %s is right: %.2f\n", e.Result.Candidates[0].Intent.ID, e.Result.Confidence)
		if c := e.Result.Candidates; t.Confidence.Pair > 0 && match.Pairable(c, t.Confidence.PairRatio) {
			fmt.Fprintf(w, "related runner-up: chance that %s or %s is right: %.2f\n", c[0].Intent.ID, c[1].Intent.ID, match.EitherProbability(t.Confidence, f))
		}
	}
	decision := string(e.Result.Decision)
	if also := e.Result.Also(); also != nil {
		decision += " with " + also.ID + " too"
	}
	fmt.Fprintf(w, "decision: %s (%s)\n\n", decision, x.Catalogue().Settings.Matching)
}
