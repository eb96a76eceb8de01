package line

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/state"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// menuRig is an adapter over the shipped catalogue with the handoff and
// the rich menus on, talking to a fake LINE where the shipped menus were
// applied.
type menuRig struct {
	a    *Adapter
	cat  *catalogue.Catalogue
	fake *testkit.LINE
	ids  map[string]string // "main en" → rich menu id
	n    int
}

func newMenuRig(t *testing.T) *menuRig {
	t.Helper()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	fake := testkit.NewLINE(t)
	c := testClient(t, "token", fake.URL, 1)
	applied, err := c.ApplyRichMenus(context.Background(), cat.Settings.RichMenu, Images{Main: pngImage(t, 2500, 1686, blue), Staff: pngImage(t, 2500, 843, blue)})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, m := range applied.Created {
		ids[m.Kind+" "+string(m.Lang)] = m.ID
	}
	menus := NewMenus(c, nil)
	h, err := handoff.New(handoff.Options{Store: handoff.NewMemory(nil), Messenger: NewMessenger(c), Desk: &countingDesk{},
		Settings: func() catalogue.Handoff { return cat.Settings.Handoff }, Key: []byte("test-key-0123456789"), Menus: menus})
	if err != nil {
		t.Fatal(err)
	}
	b := bot.New(match.New(cat))
	a := &Adapter{log: slog.New(slog.DiscardHandler), dialog: bot.NewDialog(b, state.NewMemory(time.Now), 0, nil), bot: b, api: c,
		metrics: metrics.New(prometheus.NewRegistry()), cfg: Config{ChannelSecret: "secret"}, cards: newCardCache()}
	a.cfg.defaults()
	a.EnableHandoff(h)
	a.EnableRichMenus(menus)
	return &menuRig{a: a, cat: cat, fake: fake, ids: ids}
}

// handle passes an event from user to the adapter and returns the body of
// its reply ("" when it did not reply).
func (r *menuRig) handle(t *testing.T, user string, ev func(token string, src webhook.UserSource) webhook.EventInterface) string {
	t.Helper()
	r.n++
	token := fmt.Sprintf("token-%d", r.n)
	if err := r.a.process(context.Background(), intake.Event{ID: token, Received: time.Now()}, ev(token, webhook.UserSource{UserId: user})); err != nil {
		t.Fatal(err)
	}
	for _, c := range r.fake.Calls(testkit.LINEReplyPath) {
		if c.Body["replyToken"] == token {
			return string(c.Raw)
		}
	}
	return ""
}

func (r *menuRig) postback(t *testing.T, user, data string) string {
	t.Helper()
	return r.handle(t, user, func(token string, src webhook.UserSource) webhook.EventInterface {
		return webhook.PostbackEvent{ReplyToken: token, Source: src, Postback: &webhook.PostbackContent{Data: data}}
	})
}

func (r *menuRig) text(t *testing.T, user, text string) string {
	t.Helper()
	return r.handle(t, user, func(token string, src webhook.UserSource) webhook.EventInterface {
		return webhook.MessageEvent{ReplyToken: token, Source: src, Message: webhook.TextMessageContent{Text: text}}
	})
}

// TestRichMenuPostbacks taps every button of the shipped menus, in both
// languages: an intent's button answers it, help shows the help menu,
// staff offers the staff (the consent), hours tells the office's hours,
// end ends the conversation with staff.
func TestRichMenuPostbacks(t *testing.T) {
	r := newMenuRig(t)
	set := r.cat.Settings
	for _, menu := range []struct {
		name string
		m    catalogue.Menu
	}{{"main", set.RichMenu.Main}, {"staff", set.RichMenu.Staff}} {
		for _, lang := range catalogue.Langs {
			for i, area := range menu.m.Areas {
				name := fmt.Sprintf("%s %s %d %s", menu.name, lang, i, area.Action)
				t.Run(name, func(t *testing.T) {
					act := menuAction(area, lang)
					if area.Action == catalogue.MenuURL {
						if u := act.(*messaging_api.UriAction); u.Uri != area.URL || u.Label != area.Label.In(lang) {
							t.Errorf("got %+v, want a link to %s labelled %q", u, area.URL, area.Label.In(lang))
						}
						return
					}
					pb := act.(*messaging_api.PostbackAction)
					if pb.DisplayText != area.Label.In(lang) {
						t.Errorf("got display text %q, want the label %q", pb.DisplayText, area.Label.In(lang))
					}
					var want string
					switch area.Action {
					case catalogue.MenuAnswer:
						want = r.cat.Intent(area.Intent).Title.In(lang)
					case catalogue.MenuHelp:
						// Small talk: its answer, without a title.
						want, _, _ = strings.Cut(r.cat.Intent("help").Answer.In(lang), "\n")
					case catalogue.MenuStaff:
						want, _, _ = strings.Cut(set.Handoff.Texts.Consent.In(lang), "\n")
					case catalogue.MenuHours:
						want = map[catalogue.Lang]string{catalogue.Japanese: "受付時間 (Asia/Tokyo)", catalogue.English: "Office hours (Asia/Tokyo)"}[lang]
					case catalogue.MenuEnd:
						want = set.Handoff.Texts.Closed.In(lang)
					}
					if got := r.postback(t, "U-tapper", pb.Data); !strings.Contains(got, want) {
						t.Errorf("got reply %s, want one containing %q", got, want)
					}
				})
			}
		}
	}
}

// TestRichMenuHandoffSwitch: an English writer gets the English menu; a
// conversation with staff shows the staff menu in the user's language and
// gives the bot's menu back when it ends; a Japanese writer keeps the
// default and costs no call until the staff menu. Every call is checked
// against LINE's OpenAPI file.
func TestRichMenuHandoffSwitch(t *testing.T) {
	r := newMenuRig(t)
	spec := lineSpec(t)
	step := func(what, user, want string) {
		t.Helper()
		if got := r.fake.RichMenuOf(user); got != want {
			t.Errorf("%s: %s has menu %q, want %q", what, user, got, want)
		}
	}
	en, ja := "U-english", "U-japanese"
	if reply := r.text(t, en, "How do I sign in?"); reply == "" {
		t.Fatal("no reply to the question")
	}
	step("english question", en, r.ids["main en"])
	r.postback(t, en, handoff.PostbackConsent+"|en")
	opened, _, _ := strings.Cut(r.cat.Settings.Handoff.Texts.Opened.EN, ".")
	if reply := r.postback(t, en, handoff.PostbackStart+"|en"); !strings.Contains(reply, opened) {
		t.Fatalf("start: got %s, want the opened text", reply)
	}
	step("with staff", en, r.ids["staff en"])
	r.text(t, en, "Hello, I changed my phone")
	step("writing to staff", en, r.ids["staff en"])
	r.postback(t, en, handoff.PostbackEnd+"|en")
	step("conversation ended", en, r.ids["main en"])
	r.text(t, en, "パスワードを忘れました")
	step("writing japanese", en, "")

	before := len(r.fake.Calls(""))
	r.text(t, ja, "パスワードを忘れました")
	if calls := len(r.fake.Calls("")) - before; calls != 1 {
		t.Errorf("a japanese question made %d calls, want 1 (the reply)", calls)
	}
	step("japanese question", ja, "")
	r.postback(t, ja, handoff.PostbackConsent+"|ja")
	r.postback(t, ja, handoff.PostbackStart+"|ja")
	step("with staff", ja, r.ids["staff ja"])
	r.text(t, ja, "終了")
	step("ended with the end word", ja, "")
	noProblems(t, checkCalls(spec, r.fake.Calls("")))
}

// TestRichMenuNoMenus: with no menus applied in LINE, Menus lists them
// once and links nobody.
func TestRichMenuNoMenus(t *testing.T) {
	fake := testkit.NewLINE(t)
	m := NewMenus(testClient(t, "token", fake.URL, 1), nil)
	ctx := context.Background()
	for _, err := range []error{
		m.Follow(ctx, "U1", catalogue.English),
		m.WithStaff(ctx, "line", "U1", catalogue.English),
		m.WithBot(ctx, "line", "U1", catalogue.English),
		m.WithStaff(ctx, "slack", "U1", catalogue.English),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if w := writes(fake.Calls("")); len(w) > 0 || fake.Count(testkit.LINERichMenuListPath) != 1 {
		t.Errorf("got writes %v and %d lists, want none and 1", w, fake.Count(testkit.LINERichMenuListPath))
	}
}
