package line

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

func TestFeedbackItems(t *testing.T) {
	if got := feedbackItems(bot.Reply{}); got != nil {
		t.Errorf("items without feedback: %v", got)
	}
	r := bot.Reply{Feedback: &bot.Feedback{Token: "id.t.ja.mac", Helpful: "解決しました", NotHelpful: "解決しない"}}
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

// TestQuickRepliesFeedbackFirst: the 👍/👎 pair comes first, then the
// related questions, at most 13 in all; an answer without related
// questions still gets the pair.
func TestQuickRepliesFeedbackFirst(t *testing.T) {
	fb := &bot.Feedback{Token: "id.t.ja.mac", Helpful: "解決しました", NotHelpful: "解決しない"}
	var related []bot.Choice
	for i := range 15 {
		related = append(related, bot.Choice{ID: fmt.Sprintf("intent-%d", i), Label: fmt.Sprintf("質問 %d", i)})
	}
	tests := []struct {
		name  string
		r     bot.Reply
		items int
		third string // the third item's postback data, "" for none
	}{
		{"feedback and related", bot.Reply{Lang: "ja", Feedback: fb, Related: related}, maxQuickReplies, postbackData("intent-0", "ja")},
		{"feedback only", bot.Reply{Lang: "ja", Feedback: fb}, 2, ""},
		{"related only", bot.Reply{Lang: "ja", Related: related[:3]}, 3, postbackData("intent-2", "ja")},
		{"neither", bot.Reply{Lang: "ja"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qr := quickReplies(tt.r)
			if tt.items == 0 {
				if qr != nil {
					t.Fatalf("got %d quick replies, want none", len(qr.Items))
				}
				return
			}
			if qr == nil || len(qr.Items) != tt.items {
				t.Fatalf("got %v, want %d items", qr, tt.items)
			}
			if tt.r.Feedback != nil {
				for i, want := range []bool{true, false} {
					if _, good, ok := parseFeedback(qr.Items[i].Action.(*messaging_api.PostbackAction).Data); !ok || good != want {
						t.Errorf("item %d is not the feedback button good=%v", i, want)
					}
				}
			}
			if tt.third != "" {
				if got := qr.Items[2].Action.(*messaging_api.PostbackAction).Data; got != tt.third {
					t.Errorf("third item %q, want %q", got, tt.third)
				}
			}
		})
	}
	// The buttons go under the card of an answer.
	msgs := render(bot.Reply{Lang: "ja", Decision: "answer", Title: "題", Text: "本文", Feedback: fb})
	if fm, ok := msgs[len(msgs)-1].(*messaging_api.FlexMessage); !ok || fm.QuickReply == nil || len(fm.QuickReply.Items) != 2 {
		t.Errorf("answer card without the feedback quick replies: %#v", msgs[len(msgs)-1])
	}
}
