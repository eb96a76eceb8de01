package slack

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

func TestTicketThreadRouting(t *testing.T) {
	a := &Adapter{ho: &deskLink{channel: "CDESK"}}
	off := &Adapter{}
	msg := func(channel, thread, ts, bot, subtype string) *slackevents.MessageEvent {
		return &slackevents.MessageEvent{Channel: channel, ThreadTimeStamp: thread, TimeStamp: ts, BotID: bot, SubType: subtype, User: "US", Text: "hi"}
	}
	tests := []struct {
		name             string
		data             any
		inThread, relays bool
	}{
		{"staff reply in a ticket thread", msg("CDESK", "1.0", "2.0", "", ""), true, true},
		{"the bot's own note", msg("CDESK", "1.0", "2.0", "B1", ""), true, false},
		{"an edit", msg("CDESK", "1.0", "2.0", "", "message_changed"), true, false},
		{"a reply also sent to the channel", msg("CDESK", "1.0", "2.0", "", "thread_broadcast"), true, true},
		{"a reply with a file", msg("CDESK", "1.0", "2.0", "", "file_share"), true, true},
		{"a deletion", msg("CDESK", "1.0", "2.0", "", "message_deleted"), true, false},
		{"a top-level message in the channel", msg("CDESK", "", "2.0", "", ""), false, false},
		{"a thread's parent", msg("CDESK", "2.0", "2.0", "", ""), false, false},
		{"a thread in another channel", msg("COTHER", "1.0", "2.0", "", ""), false, false},
		{"a mention in a ticket thread", &slackevents.AppMentionEvent{Channel: "CDESK", ThreadTimeStamp: "1.0", TimeStamp: "2.0", User: "US"}, true, false},
		{"a mention elsewhere", &slackevents.AppMentionEvent{Channel: "C1", TimeStamp: "2.0", User: "US"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.inTicketThread(tt.data); got != tt.inThread {
				t.Errorf("in a ticket thread: got %v, want %v", got, tt.inThread)
			}
			if _, got := a.staffMessage(tt.data); got != tt.relays {
				t.Errorf("relayed: got %v, want %v", got, tt.relays)
			}
			if off.inTicketThread(tt.data) {
				t.Errorf("with the handoff off, a message counts as a ticket's")
			}
		})
	}
}

func TestClickedHandoff(t *testing.T) {
	a := &Adapter{ho: &deskLink{channel: "CDESK"}}
	cb := slack.InteractionCallback{User: slack.User{ID: "USTAFF"}, Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "CDESK"}}},
		Container: slack.Container{MessageTs: "1.0"}}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: handoff.ActionSend, Value: "T1 forgot-id-password"}}
	got, ok := a.clickedHandoff(cb)
	want := handoff.Action{Kind: handoff.ActionSend, TicketID: "T1", IntentID: "forgot-id-password", Staff: "USTAFF", Channel: "CDESK", MessageTS: "1.0"}
	if !ok || got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "choose-0", Value: "x|ja"}}
	if _, ok := a.clickedHandoff(cb); ok {
		t.Errorf("a choice button was read as a ticket button")
	}
}
