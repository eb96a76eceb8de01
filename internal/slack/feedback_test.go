package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

func TestFeedbackBlock(t *testing.T) {
	if b := feedbackBlock(bot.Reply{}); b != nil {
		t.Errorf("a block without feedback: %v", b)
	}
	r := bot.Reply{Feedback: &bot.Feedback{Token: "id.t.en.mac", Helpful: "👍 Helpful", NotHelpful: "👎 Not helpful"}}
	b := feedbackBlock(r)
	data, _ := json.Marshal(b)
	for _, want := range []string{`"action_id":"feedback-good"`, `"action_id":"feedback-bad"`, "👍 Helpful", "fb:good:id.t.en.mac"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("block %s lacks %s", data, want)
		}
	}
	for _, tt := range []struct {
		action, value string
		good, ok      bool
	}{
		{"feedback-good", bot.FeedbackData("tok", true), true, true},
		{"feedback-bad", bot.FeedbackData("tok", false), false, true},
		{"choose-0", "help", false, false},
	} {
		var cb slack.InteractionCallback
		cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: tt.action, Value: tt.value}}
		tok, good, ok := clickedFeedback(cb)
		if ok != tt.ok || good != tt.good || ok && tok != "tok" {
			t.Errorf("%s: %q %v %v, want good %v ok %v", tt.action, tok, good, ok, tt.good, tt.ok)
		}
	}
}
