package catalogue

import "fmt"

// RecommendedExamples is how many examples per language the README asks
// admins to write: fewer still load, but the matcher has too little to
// go on.
const RecommendedExamples = 8

// Advice lists what is allowed but worth improving in a valid catalogue,
// in the same form as Problems, so that lint can warn without failing:
// the intents with few examples, then each draft and what it still needs.
func Advice(c *Catalogue) Problems {
	var ps Problems
	for _, in := range c.Intents {
		for _, l := range Langs {
			if n := len(in.Examples.In(l)); n < RecommendedExamples {
				ps = append(ps, Problem{File: in.File,
					Msg:   fmt.Sprintf("%d examples (%s); write %d or more, the ways people really ask, so the matcher can tell this intent from others", n, l, RecommendedExamples),
					MsgJA: fmt.Sprintf("例文 (%s) が %d 件です。ほかのインテントと区別できるよう、実際の尋ね方を %d 件以上書いてください", l, n, RecommendedExamples)})
			}
		}
	}
	return append(ps.sorted(), draftAdvice(c.Drafts)...)
}
