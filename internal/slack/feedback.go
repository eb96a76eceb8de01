package slack

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// actionFeedback prefixes the action ids of the solved / not solved
// buttons.
const actionFeedback = "feedback"

// feedbackBlock is the solved / not solved pair offered after an answer that carries
// Feedback (nil otherwise); the renderer appends it to the answer's
// blocks. A click comes back as a block action that clickedFeedback
// reads, and the adapter hands it to Dialog.Feedback with the clicker's
// user key: only the asker's click counts.
func feedbackBlock(r bot.Reply) slack.Block {
	f := r.Feedback
	if f == nil {
		return nil
	}
	// The office's words ("Solved" / "Not solved") on the buttons, the
	// first marked as the answer hoped for.
	good := slack.NewButtonBlockElement(actionFeedback+"-good", bot.FeedbackData(f.Token, true), plain(f.Helpful)).WithStyle(slack.StylePrimary)
	bad := slack.NewButtonBlockElement(actionFeedback+"-bad", bot.FeedbackData(f.Token, false), plain(f.NotHelpful))
	return slack.NewActionBlock("feedback", good, bad)
}

// clickedFeedback returns the token and verdict of a feedback button
// click; ok is false for any other interaction.
func clickedFeedback(cb slack.InteractionCallback) (token string, good, ok bool) {
	for _, act := range cb.ActionCallback.BlockActions {
		if strings.HasPrefix(act.ActionID, actionFeedback) {
			return bot.ParseFeedbackData(act.Value)
		}
	}
	return "", false, false
}
