package line

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func TestPreview(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
		want  []string
	}{
		{"answer", bot.Reply{Decision: match.Answer, Title: "転送先の変更", Text: "Outlookで変更できます。"}, []string{`"type": "flex"`, "転送先の変更"}},
		{"clarify", bot.Reply{Decision: match.Clarify, Text: "どれですか？", Choices: []bot.Choice{{ID: "a", Label: "A"}, {ID: bot.NoneChoice, Label: "どれでもない"}}},
			[]string{`"type": "text"`, `"quickReply"`, "どれでもない"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.MarshalIndent(Preview(tt.reply), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			var msgs []map[string]any
			if err := json.Unmarshal(b, &msgs); err != nil || len(msgs) == 0 {
				t.Fatalf("got %s (%v), want a JSON array of messages", b, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("preview lacks %s:\n%s", w, b)
				}
			}
		})
	}
}
