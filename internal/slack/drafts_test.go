package slack

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// draftSaver is a fake record of drafts.
type draftSaver struct {
	mu     sync.Mutex
	drafts []handoff.Draft
}

func (s *draftSaver) SaveDraft(_ context.Context, d handoff.Draft) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drafts = append(s.drafts, d)
	return true, nil
}

// scriptThread makes the fake Slack answer conversations.replies with a
// ticket thread: the ticket (its recent conversation), a relayed user
// message, an internal note, a staff reply and another bot note.
func scriptThread(t *testing.T, r *staffRig, thread string) {
	t.Helper()
	root := map[string]any{"type": "message", "bot_id": "B1", "ts": thread, "text": "Handoff",
		"blocks": []any{map[string]any{"type": "section", "block_id": "r", "text": map[string]any{"type": "mrkdwn",
			"text": "*最近の会話 / Recent conversation*\n> 👤 I can&lt;not&gt; log in\n🤖 Login help\n"}}}}
	msgs := []any{root,
		map[string]any{"type": "message", "bot_id": "B1", "ts": "2.0", "text": "💬 my new phone &amp; OUMail"},
		map[string]any{"type": "message", "user": "USTAFF", "ts": "2.1", "text": "// looks like MFA"},
		map[string]any{"type": "message", "user": "USTAFF", "ts": "2.2", "text": "Set up the *authenticator* again: <https://example.ac.jp/mfa|guide>"},
		map[string]any{"type": "message", "bot_id": "B1", "ts": "2.3", "text": "✅ sent"},
	}
	body, err := json.Marshal(map[string]any{"ok": true, "messages": msgs, "has_more": false})
	if err != nil {
		t.Fatal(err)
	}
	r.api.Answer("conversations.replies", func(int) (int, string) { return 200, string(body) })
}

func shortcut(channel, thread, ts, user, bot, staff string) slack.InteractionCallback {
	cb := slack.InteractionCallback{Type: slack.InteractionTypeMessageAction, CallbackID: ShortcutDraft, TriggerID: "trig-" + ts,
		User: slack.User{ID: staff}, Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: channel}}}}
	cb.Message.Timestamp, cb.Message.ThreadTimestamp, cb.Message.User, cb.Message.BotID = ts, thread, user, bot
	return cb
}

// TestDraftShortcut: the shortcut on a staff reply in a ticket thread, by
// a member of the staff channel, saves the user's words before it and the
// reply as plain text; on anything else it saves nothing.
func TestDraftShortcut(t *testing.T) {
	r := newStaffRig(t, "USTAFF")
	thread := r.open(t)
	scriptThread(t, r, thread)
	sv := &draftSaver{}
	r.a.EnableDrafts(r.h.Drafts(sv, NewDesk(r.a.api, "CDESK")))
	for _, tc := range []struct {
		name  string
		cb    slack.InteractionCallback
		saved int
	}{
		{"the bot's note", shortcut("CDESK", thread, "2.3", "", "B1", "USTAFF"), 0},
		{"a top-level message", shortcut("CDESK", "", "3.0", "USTAFF", "", "USTAFF"), 0},
		{"another channel", shortcut("COTHER", "9.0", "9.1", "USTAFF", "", "USTAFF"), 0},
		{"not a member", shortcut("CDESK", thread, "2.2", "USTAFF", "", "UOUTSIDER"), 0},
		{"a staff reply", shortcut("CDESK", thread, "2.2", "USTAFF", "", "USTAFF"), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, ok := r.a.draftShortcut(tc.cb)
			if !ok {
				t.Fatal("the shortcut was not recognised")
			}
			if err := r.a.shortcutDraft(context.Background(), tc.cb, req); err != nil {
				t.Fatal(err)
			}
			if got := len(sv.drafts); got != tc.saved {
				t.Errorf("got %d drafts, want %d", got, tc.saved)
			}
		})
	}
	if len(sv.drafts) != 1 {
		t.FailNow()
	}
	d := sv.drafts[0]
	wantQs := []string{"I can<not> log in", "my new phone & OUMail"}
	if !slices.Equal(d.Questions, wantQs) || d.Answer != "Set up the authenticator again: guide https://example.ac.jp/mfa" || d.Source != "CDESK/2.2" {
		t.Errorf("got draft %+v, want questions %q and the reply as plain text", d, wantQs)
	}
	if got := last(r.api, "chat.postMessage"); !strings.Contains(got.Get("text"), "saved this reply as an FAQ draft") || got.Get("thread_ts") != thread {
		t.Errorf("got note %q in %q, want the draft saved in the ticket thread", got.Get("text"), got.Get("thread_ts"))
	}
	if _, ok := r.a.draftShortcut(slack.InteractionCallback{Type: slack.InteractionTypeMessageAction, CallbackID: "other"}); ok {
		t.Error("another shortcut was taken for the draft shortcut")
	}
}

// TestDraftButton: the ticket's button saves the latest staff reply.
func TestDraftButton(t *testing.T) {
	r := newStaffRig(t, "USTAFF")
	thread := r.open(t)
	scriptThread(t, r, thread)
	sv := &draftSaver{}
	r.a.EnableDrafts(r.h.Drafts(sv, NewDesk(r.a.api, "CDESK")))
	cb := slack.InteractionCallback{User: slack.User{ID: "USTAFF"},
		Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "CDESK"}}}}
	cb.Container.MessageTs = thread
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: handoff.ActionDraft, Value: "any"}}
	act, ok := r.a.clickedHandoff(cb)
	if !ok {
		t.Fatal("the draft button was not recognised")
	}
	if err := r.a.staffAction(context.Background(), act); err != nil {
		t.Fatal(err)
	}
	if len(sv.drafts) != 1 || sv.drafts[0].Source != "CDESK/2.2" {
		t.Errorf("got drafts %+v, want the reply 2.2", sv.drafts)
	}
}
