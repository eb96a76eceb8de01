package slack

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack/slackevents"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func TestStripMentions(t *testing.T) {
	tests := map[string]string{
		"<@U0123ABC> パスワードを忘れました":  "パスワードを忘れました",
		"hi <@U1|madoguchi>, help": "hi  , help",
		"no mention":               "no mention",
	}
	for in, want := range tests {
		if got := stripMentions(in); got != want {
			t.Errorf("stripMentions(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestToQuestion(t *testing.T) {
	tests := []struct {
		name   string
		ev     any
		ok     bool
		thread string
	}{
		{"mention", &slackevents.AppMentionEvent{User: "U1", Text: "<@UB> hi", TimeStamp: "1.1", Channel: "C1"}, true, "1.1"},
		{"mention by a bot", &slackevents.AppMentionEvent{BotID: "B1", Text: "<@UB> hi"}, false, ""},
		// A direct message is answered in the conversation, not in a
		// thread under it; inside a thread, in that thread.
		{"direct message", &slackevents.MessageEvent{ChannelType: "im", User: "U1", Text: "hi", TimeStamp: "1.2"}, true, ""},
		{"direct message in a thread", &slackevents.MessageEvent{ChannelType: "im", User: "U1", Text: "hi", TimeStamp: "1.3", ThreadTimeStamp: "1.2"}, true, "1.2"},
		{"bot's own message", &slackevents.MessageEvent{ChannelType: "im", BotID: "B1", Text: "hi"}, false, ""},
		{"edit", &slackevents.MessageEvent{ChannelType: "im", SubType: "message_changed"}, false, ""},
		{"channel message without mention", &slackevents.MessageEvent{ChannelType: "channel", User: "U1", Text: "hi"}, false, ""},
		{"other event", &slackevents.ReactionAddedEvent{}, false, ""},
	}
	for _, tt := range tests {
		q, ok := toQuestion(tt.ev)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.name, ok, tt.ok)
		}
		if ok && (q.text != "hi" || q.thread != tt.thread) {
			t.Errorf("%s: question %+v, want text hi in thread %q", tt.name, q, tt.thread)
		}
	}
	q, _ := toQuestion(&slackevents.AppMentionEvent{Text: "x", TimeStamp: "2.0", ThreadTimeStamp: "1.0"})
	if q.thread != "1.0" {
		t.Errorf("a mention inside a thread is answered in thread %q, want 1.0", q.thread)
	}
}

func TestChoiceRoundTrip(t *testing.T) {
	if id, lang := parseChoice(choiceValue("imap", catalogue.English)); id != "imap" || lang != catalogue.English {
		t.Errorf("round trip = %s %s", id, lang)
	}
	if id, lang := parseChoice(""); id != bot.NoneChoice || lang != catalogue.Japanese {
		t.Errorf("empty value = %s %s, want none ja", id, lang)
	}
}

func TestChunksAndEscape(t *testing.T) {
	text := strings.Repeat("行の説明です。\n", 800)
	parts := escapedChunks(text, maxSectionText)
	if len(parts) < 2 {
		t.Fatalf("%d parts, want several", len(parts))
	}
	for _, p := range parts {
		if utf8.RuneCountInString(p) > maxSectionText {
			t.Errorf("part of %d characters", utf8.RuneCountInString(p))
		}
	}
	if got := strings.Join(parts, "\n"); strings.TrimSpace(got) != strings.TrimSpace(text) {
		t.Error("chunks lost text")
	}
	if got := escape("a <b> & c"); got != "a &lt;b&gt; &amp; c" {
		t.Errorf("escape = %q", got)
	}
}

func TestStaffLine(t *testing.T) {
	in := &catalogue.Intent{ID: "imap"}
	r := bot.Reply{Intent: "imap", Match: match.Result{Decision: match.Answer, Candidates: []match.Candidate{{Intent: in, Score: 0.71}}}}
	if got := staffLine(r); got != "intent `imap` · score 0.71" {
		t.Errorf("answer line = %q", got)
	}
	r = bot.Reply{Match: match.Result{Decision: match.Escalate}}
	if got := staffLine(r); got != "escalate · no candidate" {
		t.Errorf("escalate line = %q", got)
	}
	if got := staffLine(bot.Reply{Intent: "imap"}); got != "intent `imap` (chosen)" {
		t.Errorf("chosen line = %q", got)
	}
}
