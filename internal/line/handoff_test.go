package line

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// handoffAdapter is an adapter with the handoff on, over the shipped
// catalogue; nothing in these tests reaches LINE or Slack.
func handoffAdapter(t *testing.T) (*Adapter, *bot.Bot) {
	t.Helper()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMessenger(testClient(t, "token", "http://127.0.0.1:1", 0))
	h, err := handoff.New(handoff.Options{Store: handoff.NewMemory(nil), Messenger: m, Desk: &countingDesk{},
		Settings: func() catalogue.Handoff { return cat.Settings.Handoff }, Key: []byte("test-key-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	a := &Adapter{cfg: Config{ChannelSecret: "secret"}}
	a.EnableHandoff(h)
	return a, bot.New(match.New(cat))
}

func quickItems(m messaging_api.MessageInterface) []string {
	var qr *messaging_api.QuickReply
	switch m := m.(type) {
	case *messaging_api.TextMessage:
		qr = m.QuickReply
	case *messaging_api.FlexMessage:
		qr = m.QuickReply
	}
	if qr == nil {
		return nil
	}
	var out []string
	for _, it := range qr.Items {
		out = append(out, it.Action.(*messaging_api.PostbackAction).Data)
	}
	return out
}

func TestWithOffer(t *testing.T) {
	a, b := handoffAdapter(t)
	user := webhook.UserSource{UserId: "U1"}
	group := webhook.GroupSource{GroupId: "G1", UserId: "U1"}
	offer := handoff.PostbackConsent + "|ja"
	tests := []struct {
		name      string
		src       webhook.SourceInterface
		reply     bot.Reply
		wantOffer bool
	}{
		{"request for a person", user, b.Ask("担当者と話したい"), true},
		{"none of these", user, b.Choose(bot.NoneChoice, catalogue.Japanese), true},
		{"out of scope", user, b.Ask("今日の天気は？"), true},
		{"an answer", user, b.Ask("パスワードを忘れました"), false},
		{"a clarifying question", user, b.Ask("変更したい"), false},
		{"escalation in a group", group, b.Choose(bot.NoneChoice, catalogue.Japanese), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := a.withOffer(tt.src, "q", tt.reply, render(tt.reply))
			items := quickItems(msgs[len(msgs)-1])
			got := len(items) > 0 && items[0] == offer
			if got != tt.wantOffer {
				t.Errorf("offer shown: got %v, want %v (items %v)", got, tt.wantOffer, items)
			}
			if len(items) > maxQuickReplies {
				t.Errorf("%d quick replies, LINE takes at most %d", len(items), maxQuickReplies)
			}
		})
	}
	// The offer comes in the reply's language.
	r := b.Choose(bot.NoneChoice, catalogue.English)
	msgs := a.withOffer(user, "", r, render(r))
	if items := quickItems(msgs[len(msgs)-1]); len(items) == 0 || items[0] != handoff.PostbackConsent+"|en" {
		t.Errorf("English escalation offers %v", items)
	}
}

func TestExchangeRedactsAndClips(t *testing.T) {
	ex := exchangeOf("メールは taro@example.com 電話 090-1234-5678 です", bot.Reply{Text: "first line\nsecond"})
	if strings.Contains(ex.User, "taro@example.com") || strings.Contains(ex.User, "1234") {
		t.Errorf("ticket keeps %q, want the address and number redacted", ex.User)
	}
	if ex.Bot != "first line" {
		t.Errorf("bot side %q, want the reply's first line", ex.Bot)
	}
	if ex := exchangeOf(strings.Repeat("あ", 400), bot.Reply{Title: "T"}); units(ex.User) > 300 || ex.Bot != "T" {
		t.Errorf("long question kept %d units, bot %q", units(ex.User), ex.Bot)
	}
}

func TestHandoffMessages(t *testing.T) {
	if msgs := handoffMessages(handoff.Reply{}, catalogue.Japanese); msgs != nil {
		t.Errorf("an empty reply sends %d messages, want none", len(msgs))
	}
	r := handoff.Reply{Text: strings.Repeat("長", 12000), Buttons: []handoff.Button{{Label: "終了する", Data: handoff.PostbackEnd}}}
	msgs := handoffMessages(r, catalogue.English)
	if len(msgs) != 3 {
		t.Fatalf("%d messages for 12,000 units, want 3", len(msgs))
	}
	for i, m := range msgs {
		if n := units(m.(*messaging_api.TextMessage).Text); n > maxTextUnits {
			t.Errorf("message %d has %d units", i, n)
		}
	}
	if items := quickItems(msgs[2]); len(items) != 1 || items[0] != handoff.PostbackEnd+"|en" {
		t.Errorf("buttons %v, want the end button with the language", items)
	}
}

func TestDisplayName(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/v2/bot/profile/U1" {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Not found"}`))
			return
		}
		w.Write([]byte(`{"userId":"U1","displayName":"山田 花子"}`))
	}))
	defer srv.Close()
	a := &Adapter{api: testClient(t, "token", srv.URL, 0), log: slog.New(slog.DiscardHandler)}
	for id, want := range map[string]string{"U1": "山田 花子", "U2": ""} {
		if got := a.displayName(t.Context(), id); got != want {
			t.Errorf("display name of %s = %q, want %q", id, got, want)
		}
	}
}
