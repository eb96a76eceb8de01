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
	r := bot.Reply{Feedback: &bot.Feedback{Token: "id.t.en.mac", Helpful: "Solved", NotHelpful: "Not solved"}}
	b := feedbackBlock(r)
	data, _ := json.Marshal(b)
	for _, want := range []string{`"action_id":"feedback-good"`, `"action_id":"feedback-bad"`, `"text":"Solved"`, `"text":"Not solved"`, `"style":"primary"`, "fb:good:id.t.en.mac"} {
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

// TestBlocksFeedbackBeforeStaffLine: an answer with feedback ends with the
// 👍/👎 pair, then the staff context line; one without has no pair.
func TestBlocksFeedbackBeforeStaffLine(t *testing.T) {
	fb := &bot.Feedback{Token: "id.t.en.mac", Helpful: "Solved", NotHelpful: "Not solved"}
	ids := func(bl []slack.Block) []string {
		var out []string
		for _, b := range bl {
			out = append(out, string(b.ID()))
		}
		return out
	}
	r := bot.Reply{Lang: "en", Intent: "imap", Title: "IMAP", Text: "Use IMAP."}
	got := ids(blocks(r, true))
	if strings.Contains(strings.Join(got, " "), "feedback") {
		t.Errorf("blocks %v of a reply without feedback have the pair", got)
	}
	r.Feedback = fb
	got = ids(blocks(r, true))
	if n := len(got); n < 2 || got[n-2] != "feedback" || got[n-1] != "staff" {
		t.Errorf("blocks %v, want ... feedback staff", got)
	}
}

// TestThreadOfClick: a click is answered where the clicked message is: in
// its thread, under a channel message, or in a direct message itself.
func TestThreadOfClick(t *testing.T) {
	tests := []struct {
		name, channel, containerThread, msgThread, msgTS, want string
	}{
		{"channel, top level", "C1", "", "", "1.0", "1.0"},
		{"channel, in a thread", "C1", "0.5", "0.5", "1.0", "0.5"},
		{"direct message", "D1", "", "", "1.0", ""},
		{"direct message, in a thread", "D1", "", "0.5", "1.0", "0.5"},
	}
	for _, tt := range tests {
		var cb slack.InteractionCallback
		cb.Channel.ID, cb.Container.ThreadTs = tt.channel, tt.containerThread
		cb.Message.ThreadTimestamp, cb.Message.Timestamp = tt.msgThread, tt.msgTS
		if got := threadOfClick(cb); got != tt.want {
			t.Errorf("%s: got thread %q, want %q", tt.name, got, tt.want)
		}
	}
}
