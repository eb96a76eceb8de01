package line

import (
	"context"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// EnableRichMenus lets the adapter give each user the rich menu in the
// language they write (see Menus.Follow). The menus' own buttons (help,
// office hours) are answered whether or not it is called. Call it before
// the queue starts handling events.
func (a *Adapter) EnableRichMenus(m *Menus) {
	a.menus = m
}

// followMenu gives the sender of a one-to-one chat's text the main menu in
// the language the bot answered in. A failure is logged: the answer went
// out all the same.
func (a *Adapter) followMenu(ctx context.Context, src webhook.SourceInterface, lang catalogue.Lang) {
	if a.menus == nil || isGroup(src) {
		return
	}
	user := sourceUser(src)
	if user == "" {
		return
	}
	if err := a.menus.Follow(ctx, user, lang); err != nil {
		a.metrics.Failures.WithLabelValues(platform, "rich menu").Inc()
		a.log.Warn("rich menu: the user's menu was not switched", "user", a.hashID(user), "lang", lang, "err", err)
	}
}

// menuPostback answers the rich menu's own buttons: the help menu and the
// office's hours; done is false for any other postback.
func (a *Adapter) menuPostback(ctx context.Context, qe intake.Event, e webhook.PostbackEvent) (done bool, err error) {
	data, l, _ := strings.Cut(e.Postback.Data, langSep)
	lang := catalogue.Japanese
	if l == string(catalogue.English) {
		lang = catalogue.English
	}
	switch data {
	case postbackMenuHelp:
		return true, a.deliver(ctx, qe, e.ReplyToken, e.Source, a.messages(a.bot.Menu(lang)))
	case postbackMenuHours:
		set := a.bot.Index().Catalogue().Settings.Handoff
		if !set.Configured {
			// A menu from before the handoff block was removed.
			return true, a.deliver(ctx, qe, e.ReplyToken, e.Source, a.messages(a.officeContact(lang)))
		}
		text := handoff.DescribeHours(set, time.Now(), lang)
		return true, a.deliver(ctx, qe, e.ReplyToken, e.Source, []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: text}})
	}
	return false, nil
}
