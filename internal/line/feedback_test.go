package line

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

func TestFeedbackItems(t *testing.T) {
	if got := feedbackItems(bot.Reply{}); got != nil {
		t.Errorf("items without feedback: %v", got)
	}
	r := bot.Reply{Feedback: &bot.Feedback{Token: "id.t.ja.mac", Helpful: "👍 解決しました", NotHelpful: "👎 解決しません"}}
	items := feedbackItems(r)
	if len(items) != 2 {
		t.Fatalf("%d items, want 2", len(items))
	}
	for i, want := range []bool{true, false} {
		data, _ := json.Marshal(items[i])
		if !strings.Contains(string(data), `"type":"action"`) {
			t.Errorf("item %d lacks type action: %s", i, data)
		}
		pb := items[i].Action.(*messaging_api.PostbackAction)
		if len(pb.Data) > 300 {
			t.Errorf("postback data of %d bytes, LINE allows 300", len(pb.Data))
		}
		tok, good, ok := parseFeedback(pb.Data)
		if !ok || good != want || tok != "id.t.ja.mac" {
			t.Errorf("item %d data %q read as %q %v %v", i, pb.Data, tok, good, ok)
		}
	}
	if _, _, ok := parseFeedback(postbackData("help", "ja")); ok {
		t.Error("a choice's postback read as feedback")
	}
}
