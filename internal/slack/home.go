package slack

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/oumail-alumni/madoguchi/internal/figures"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// HomeSource gives the staff's Home tab its figures (*figures.HomeFigures
// reads them from the record).
type HomeSource interface {
	Home(ctx context.Context, now time.Time) (Home, error)
}

// Home is what the Home tab shows besides the open handoffs: the
// record's figures (figures.HomeFigures reads them).
type Home = figures.Home

// HomeGroup is one group of questions that went wrong.
type HomeGroup = figures.HomeGroup

// Block Kit's limits for a Home tab, besides render.go's
// (https://api.slack.com/reference/block-kit): a view holds at most 100
// blocks, a header's text 150 characters, a button's URL 3,000.
const (
	maxViewBlocks = 100
	maxHeaderText = 150
	maxButtonURL  = 3000
)

// How much of the lists the Home tab shows: well within maxViewBlocks.
const (
	homeHandoffs = 40
	homeGroups   = 5
	homeExample  = 200
)

// home is the adapter's Home tab: its source and the workspace's URL,
// for links to ticket threads, read once from auth.test.
type home struct {
	src HomeSource
	now func() time.Time

	mu      sync.Mutex
	teamURL string
}

// EnableHome publishes the Home tab when a user opens it (app_home_opened
// → views.publish): to members of the handoff channel, the open handoffs,
// today's figures and the largest unanswered groups from src; to anyone
// else, a sentence saying it is for the office's staff. Call it before the
// queue starts handling events.
func (a *Adapter) EnableHome(src HomeSource) {
	a.home = &home{src: src, now: time.Now}
}

// homeOpened returns the user who opened the app's Home tab ("" for any
// other event, or with the Home tab off).
func (a *Adapter) homeOpened(data any) string {
	e, ok := data.(*slackevents.AppHomeOpenedEvent)
	if !ok || a.home == nil || e.Tab != "home" {
		return ""
	}
	return e.User
}

// publishHome publishes user's Home tab. What cannot be read (the
// members, the figures) is said in the view; only a failed publish is
// an error, and only when ctx ended.
func (a *Adapter) publishHome(ctx context.Context, user string) error {
	now := a.home.now()
	staff := false
	var note string
	if a.ho != nil {
		member, err := a.ho.members.has(ctx, user)
		if err != nil {
			a.log.Warn("home: members unknown", "err", err)
			note = "⚠️ スタッフ用チャンネルのメンバーを確認できませんでした。少し待ってから開き直してください。 / The staff channel's members could not be checked; open the tab again in a moment."
		}
		staff = member
	}
	var blocks []slack.Block
	if staff {
		// staffHome stays well within the limit (a test checks it); a
		// view past it would be refused whole.
		blocks = a.staffHome(ctx, now)
		blocks = blocks[:min(len(blocks), maxViewBlocks)]
	} else {
		if note == "" {
			note = "このホームはスタッフ用チャンネルのメンバー向けです。質問はメッセージタブで送ってください。 / This home is for the members of the staff channel. Ask your questions in the Messages tab."
		}
		blocks = []slack.Block{slack.NewSectionBlock(mrkdwn(note), nil, nil)}
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	err := a.api.call(ctx, "views.publish", a.api.retries, func(ctx context.Context) error {
		_, err := a.api.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
	if err != nil {
		a.metrics.Failures.WithLabelValues(platform, "home").Inc()
		a.log.Warn("home: not published", "err", err)
		return ctx.Err()
	}
	return nil
}

// staffHome is the staff's Home tab: open handoffs, today's figures, the
// largest unanswered groups.
func (a *Adapter) staffHome(ctx context.Context, now time.Time) []slack.Block {
	blocks := []slack.Block{
		header("窓口 madoguchi"),
		slack.NewContextBlock("", mrkdwn(fmt.Sprintf("更新 / Updated <!date^%d^{date_short_pretty} {time}|%s>", now.Unix(), now.UTC().Format("2006-01-02 15:04 UTC")))),
	}
	if a.ho != nil {
		vs, err := a.ho.h.Open(ctx)
		if err != nil {
			a.log.Warn("home: open handoffs not read", "err", err)
			blocks = append(blocks, header("対応中の問い合わせ / Open handoffs"), slack.NewSectionBlock(mrkdwn("⚠️ 読めませんでした。 / Could not be read."), nil, nil))
		} else {
			blocks = append(blocks, a.handoffBlocks(ctx, vs, now)...)
		}
	}
	h, err := a.home.src.Home(ctx, now)
	if err != nil {
		a.log.Warn("home: figures not read", "err", err)
		return append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("⚠️ 今日の数字を読めませんでした。 / Today's figures could not be read."), nil, nil))
	}
	return append(blocks, figureBlocks(h)...)
}

// handoffBlocks list the open handoffs, oldest first: age, who took it,
// a link to its thread.
func (a *Adapter) handoffBlocks(ctx context.Context, vs []handoff.View, now time.Time) []slack.Block {
	blocks := []slack.Block{slack.NewDividerBlock(), header(fmt.Sprintf("対応中の問い合わせ / Open handoffs: %d", len(vs)))}
	if len(vs) == 0 {
		return append(blocks, slack.NewSectionBlock(mrkdwn("ありません。 / None."), nil, nil))
	}
	team := a.teamURL(ctx)
	for _, v := range vs[:min(len(vs), homeHandoffs)] {
		who := "未担当 / not taken"
		if v.Taker != "" {
			who = "<@" + escape(v.Taker) + ">"
		}
		link := "<#" + escape(v.Desk.Channel) + ">"
		if team != "" {
			link = fmt.Sprintf("<%sarchives/%s/p%s|スレッド / thread>", team, v.Desk.Channel, strings.ReplaceAll(v.Desk.TS, ".", ""))
		}
		age := sinceText(now.Sub(v.Opened))
		text := fmt.Sprintf("`%s` %s · %s前 / %s ago · %s · %s", escape(v.Handle), escape(v.Platform), age, age, who, link)
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(clipText(text, maxSectionText)), nil, nil))
	}
	if more := len(vs) - homeHandoffs; more > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("ほか %d 件（/madoguchi handoffs） / %d more (/madoguchi handoffs)", more, more))))
	}
	return blocks
}

// figureBlocks are today's figures and the largest unanswered groups.
func figureBlocks(h Home) []slack.Block {
	rate := func(n int) string {
		if h.Questions == 0 {
			return "—"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(h.Questions))
	}
	self := "—（未計測 / not measured）"
	if h.SelfResolved != nil {
		self = fmt.Sprintf("%.0f%%", 100**h.SelfResolved)
	}
	fields := []*slack.TextBlockObject{
		mrkdwn(fmt.Sprintf("*質問 / Questions*\n%d", h.Questions)),
		mrkdwn(fmt.Sprintf("*回答率 / Answer rate*\n%s", rate(h.Answered))),
		mrkdwn(fmt.Sprintf("*自己解決率（7日） / Self-resolution (7 days)*\n%s", self)),
		mrkdwn(fmt.Sprintf("*窓口案内 / Escalations*\n%d", h.Escalated)),
	}
	blocks := []slack.Block{slack.NewDividerBlock(), header("今日 / Today"), slack.NewSectionBlock(nil, fields, nil),
		slack.NewDividerBlock(), header("答えられなかった質問 / Largest unanswered groups")}
	if len(h.Groups) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("ありません。 / None lately."), nil, nil))
	}
	for _, g := range h.Groups[:min(len(h.Groups), homeGroups)] {
		text := fmt.Sprintf("*%d×* %s", g.Count, escape(clipText(strings.Join(strings.Fields(g.Example), " "), homeExample)))
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, nil))
	}
	if h.ReviewURL != "" && len(h.ReviewURL) <= maxButtonURL {
		btn := slack.NewButtonBlockElement("madoguchi_home_review", "review", slack.NewTextBlockObject(slack.PlainTextType, "コンソールで見直す / Review in the console", false, false))
		btn.URL = h.ReviewURL
		blocks = append(blocks, slack.NewActionBlock("madoguchi_home_links", btn))
	}
	return blocks
}

// teamURL is the workspace's URL ("https://x.slack.com/"), read once;
// "" while auth.test fails (the links then name the channel only).
func (a *Adapter) teamURL(ctx context.Context) string {
	a.home.mu.Lock()
	defer a.home.mu.Unlock()
	if a.home.teamURL == "" {
		me, err := a.api.authTest(ctx)
		if err != nil {
			a.log.Warn("home: workspace URL unknown", "err", err)
			return ""
		}
		a.home.teamURL = me.URL
	}
	return a.home.teamURL
}

func header(s string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clipText(s, maxHeaderText), false, false))
}
