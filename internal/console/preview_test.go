package console

import (
	"slices"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// TestPreviews draws replies from the adapters' real payloads.
func TestPreviews(t *testing.T) {
	t.Parallel()
	answer := bot.Reply{Decision: match.Answer, Title: "転送先の変更", Text: "Outlookの設定で変更できます。",
		Links: []bot.Link{{Label: "手順", URL: "https://example.ac.jp/a"}}, Related: []bot.Choice{{ID: "b", Label: "転送を止める"}}, RelatedLabel: "関連"}
	clarify := bot.Reply{Decision: match.Clarify, Text: "どれですか？", Choices: []bot.Choice{{ID: "a", Label: "転送"}, {ID: bot.NoneChoice, Label: "どれでもない"}}}
	tests := []struct {
		name                     string
		reply                    bot.Reply
		lineHas, quick, slackHas []string
	}{
		{"answer", answer, []string{"title:転送先の変更", "text:Outlookの設定で変更できます。", "button:手順"}, []string{"転送を止める"}, []string{"title:転送先の変更", "button:手順"}},
		{"clarify", clarify, []string{"text:どれですか？"}, []string{"転送", "どれでもない"}, []string{"text:どれですか？", "button:どれでもない"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lj, err := payload(line.Preview(tt.reply))
			if err != nil {
				t.Fatal(err)
			}
			bs := lineBubbles(lj)
			if len(bs) == 0 {
				t.Fatalf("no LINE bubble from %s", lj)
			}
			var got []string
			for _, p := range bs[0].Parts {
				got = append(got, p.Kind+":"+p.Text)
			}
			for _, w := range tt.lineHas {
				if !slices.Contains(got, w) {
					t.Errorf("LINE parts %q lack %q", got, w)
				}
			}
			if q := bs[len(bs)-1].Quick; !containsAll(q, tt.quick) {
				t.Errorf("LINE quick replies %q, want %q", q, tt.quick)
			}
			sj, err := payload(slack.Preview(tt.reply))
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, p := range slackParts(sj) {
				got = append(got, p.Kind+":"+p.Text)
			}
			for _, w := range tt.slackHas {
				if !slices.Contains(got, w) {
					t.Errorf("Slack parts %q lack %q", got, w)
				}
			}
		})
	}
	if lineBubbles([]byte("not json")) != nil || slackParts([]byte(`[{"type":"actions","elements":[1]}]`)) == nil {
		t.Error("bad payloads: want nothing drawn for non-JSON, no panic on odd elements")
	}
}

func containsAll(list, want []string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}
