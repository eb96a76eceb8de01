package catalogue

import (
	"strings"
	"testing"
)

func TestSatisfactionSettings(t *testing.T) {
	hours := "  hours:\n    mon: \"09:00-17:00\"\n"
	for _, tc := range []struct {
		name, block string
		ask         bool
		levels      int
		question    string
		problem     string
	}{
		{name: "absent: asked on three levels", ask: true, levels: 3, question: DefaultSatisfaction().Question.EN},
		{name: "turned off", block: "  satisfaction:\n    ask: false\n", ask: false, levels: 3, question: DefaultSatisfaction().Question.EN},
		{name: "five levels, own question", block: "  satisfaction:\n    levels: 5\n    question: {ja: どうでしたか, en: How was it}\n", ask: true, levels: 5, question: "How was it"},
		{name: "four levels", block: "  satisfaction:\n    levels: 4\n", ask: true, levels: 3, question: DefaultSatisfaction().Question.EN, problem: "levels must be 3 or 5"},
		{name: "unknown field", block: "  satisfaction:\n    comment: true\n", ask: true, levels: 3, question: DefaultSatisfaction().Question.EN, problem: `unknown field "comment"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ps := ParseSettings("s.yaml", settingsWith(t, hours+tc.block+handoffTexts))
			got := s.Handoff.Satisfaction
			if got.Ask != tc.ask || got.Levels != tc.levels || got.Question.EN != tc.question {
				t.Errorf("got ask %v levels %d question %q, want %v %d %q", got.Ask, got.Levels, got.Question.EN, tc.ask, tc.levels, tc.question)
			}
			var msgs []string
			for _, p := range ps {
				msgs = append(msgs, p.Msg)
			}
			switch {
			case tc.problem == "" && len(ps) > 0:
				t.Errorf("got problems %q, want none", msgs)
			case tc.problem != "" && (len(ps) != 1 || !strings.Contains(ps[0].Msg, tc.problem)):
				t.Errorf("got problems %q, want one saying %q", msgs, tc.problem)
			}
		})
	}
}
