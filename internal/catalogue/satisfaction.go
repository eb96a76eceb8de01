package catalogue

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// Satisfaction is the one question an alumnus gets after staff helped
// them (a conversation with a staff reply, once closed): a rating of
// Levels steps, one tap, no comment. It is optional in the handoff
// block; without it the question is asked with DefaultSatisfaction.
type Satisfaction struct {
	// Ask turns the question on (true unless the settings say false).
	Ask bool
	// Levels is 3 or 5: how many steps the rating has.
	Levels int
	// Question is asked after the conversation closed; Thanks answers a
	// rating.
	Question Text
	Thanks   Text
}

// DefaultSatisfaction is what an absent satisfaction block means.
func DefaultSatisfaction() Satisfaction {
	return Satisfaction{
		Ask:      true,
		Levels:   3,
		Question: Text{JA: "今回のスタッフの対応はいかがでしたか？ 当てはまるものを一つお選びください。", EN: "How was the help you got from our staff? Please tap one."},
		Thanks:   Text{JA: "ご回答ありがとうございました。今後の対応に役立てます。", EN: "Thank you. Your answer helps us improve."},
	}
}

// satisfaction reads the optional handoff satisfaction block over the
// defaults.
func (w *walker) satisfaction(n *yaml.Node) Satisfaction {
	s := DefaultSatisfaction()
	w.fields(n, "handoff satisfaction", []field{
		{"ask", false, func(v *yaml.Node) { s.Ask = w.boolean(v, "handoff satisfaction ask") }},
		{"levels", false, func(v *yaml.Node) {
			i, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil || (i != 3 && i != 5) {
				w.addJA(v, "handoff satisfaction levels must be 3 or 5", "handoff satisfaction levels には 3 か 5 を書いてください")
				return
			}
			s.Levels = i
		}},
		{"question", false, func(v *yaml.Node) { s.Question = w.text(v, "handoff satisfaction question") }},
		{"thanks", false, func(v *yaml.Node) { s.Thanks = w.text(v, "handoff satisfaction thanks") }},
	})
	return s
}
