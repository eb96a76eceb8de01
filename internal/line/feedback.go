package line

import (
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// feedbackItems are the 「解決しました」/「解決しない」 (solved / not
// solved) quick-reply postbacks offered after an answer that carries
// Feedback (none otherwise). The renderer puts them first among the quick
// replies (LINE shows at most 13); a click comes back as a postback whose
// data parseFeedback reads, and the adapter hands it to Dialog.Feedback
// ("not solved" is answered with the office's contact and the offer of
// the staff).
func feedbackItems(r bot.Reply) []messaging_api.QuickReplyItem {
	f := r.Feedback
	if f == nil {
		return nil
	}
	item := func(label string, good bool) messaging_api.QuickReplyItem {
		return messaging_api.QuickReplyItem{
			Type: "action", // the SDK leaves it empty; LINE requires it
			Action: &messaging_api.PostbackAction{
				Label:       truncate(label, maxQuickReplyLabel),
				Data:        bot.FeedbackData(f.Token, good),
				DisplayText: label,
			},
		}
	}
	return []messaging_api.QuickReplyItem{item(f.Helpful, true), item(f.NotHelpful, false)}
}

// parseFeedback reads a feedback postback's data; ok is false for a
// choice's.
func parseFeedback(data string) (token string, good, ok bool) {
	return bot.ParseFeedbackData(data)
}
