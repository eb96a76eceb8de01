package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

var _ handoff.Desk = (*Desk)(nil)

// Desk is the staff's handoff channel: the handoff's Desk port. Tickets
// are Block Kit messages with Take, Close and "Send this answer" buttons;
// the conversation runs in each ticket's thread.
type Desk struct {
	api     *slack.Client
	channel string
	retries int
	maxWait time.Duration
}

// NewDesk returns a Desk posting to channel (an id such as C0123…) with
// the bot token; apiURL overrides the Web API base (ending with a slash).
func NewDesk(token secret.Secret, apiURL, channel string) *Desk {
	var opts []slack.Option
	if apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(apiURL))
	}
	return &Desk{api: slack.New(token.Reveal(), opts...), channel: channel, retries: 3, maxWait: 30 * time.Second}
}

// Check verifies at startup that the bot can work in the channel, and
// otherwise says how to fix it.
func (d *Desk) Check(ctx context.Context) error {
	if strings.HasPrefix(d.channel, "#") || d.channel == "" {
		return fmt.Errorf("SLACK_HANDOFF_CHANNEL must be the channel's id (C0123…, in the channel's details), not %q", d.channel)
	}
	me, err := d.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack auth.test: %w", err)
	}
	ch, err := d.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: d.channel})
	if err != nil {
		if strings.Contains(err.Error(), "channel_not_found") {
			return fmt.Errorf("SLACK_HANDOFF_CHANNEL %s: channel not found; check the id, and for a private channel invite the bot first (in the channel: /invite @%s)", d.channel, me.User)
		}
		return fmt.Errorf("slack conversations.info %s: %w", d.channel, err)
	}
	if !ch.IsMember {
		return fmt.Errorf("the bot @%s is not a member of #%s (SLACK_HANDOFF_CHANNEL); invite it there with /invite @%s", me.User, ch.Name, me.User)
	}
	return nil
}

// PostTicket posts a new ticket to the channel.
func (d *Desk) PostTicket(ctx context.Context, v handoff.View) (handoff.DeskRef, error) {
	var ref handoff.DeskRef
	err := d.retry(ctx, func() error {
		ch, ts, err := d.api.PostMessageContext(ctx, d.channel,
			slack.MsgOptionText(ticketSummary(v), false), slack.MsgOptionBlocks(ticketBlocks(v)...))
		ref = handoff.DeskRef{Channel: ch, TS: ts}
		return err
	})
	if err != nil {
		return handoff.DeskRef{}, fmt.Errorf("slack post ticket: %w", err)
	}
	return ref, nil
}

// UpdateTicket rewrites a ticket to show its state.
func (d *Desk) UpdateTicket(ctx context.Context, ref handoff.DeskRef, v handoff.View) error {
	err := d.retry(ctx, func() error {
		_, _, _, err := d.api.UpdateMessageContext(ctx, ref.Channel, ref.TS,
			slack.MsgOptionText(ticketSummary(v), false), slack.MsgOptionBlocks(ticketBlocks(v)...))
		return err
	})
	if err != nil {
		return fmt.Errorf("slack update ticket: %w", err)
	}
	return nil
}

// Post writes a note in a ticket's thread: its text escaped, so that a
// user's words are never read as markup, and its staff member mentioned.
func (d *Desk) Post(ctx context.Context, ref handoff.DeskRef, n handoff.Note) error {
	text := noteText(n)
	err := d.retry(ctx, func() error {
		_, _, err := d.api.PostMessageContext(ctx, ref.Channel, slack.MsgOptionText(text, false), slack.MsgOptionTS(ref.TS))
		return err
	})
	if err != nil {
		return fmt.Errorf("slack post in thread: %w", err)
	}
	return nil
}

// noteText is a note in mrkdwn.
func noteText(n handoff.Note) string {
	s := escape(n.Text)
	if n.Staff != "" {
		s = strings.ReplaceAll(s, handoff.StaffPlaceholder, "<@"+escape(n.Staff)+">")
	}
	return s
}

// Plain is a staff message as a user reading lang sees it (plain text).
func (d *Desk) Plain(markup string, lang catalogue.Lang) string { return plainText(markup, lang) }

// React adds a reaction; one already there counts as added.
func (d *Desk) React(ctx context.Context, channel, ts, emoji string) error {
	err := d.retry(ctx, func() error {
		err := d.api.AddReactionContext(ctx, emoji, slack.NewRefToMessage(channel, ts))
		if err != nil && err.Error() == "already_reacted" {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("slack add reaction: %w", err)
	}
	return nil
}

// retry runs call again when Slack rate-limits it, waiting as told.
func (d *Desk) retry(ctx context.Context, call func() error) error {
	for attempt := 0; ; attempt++ {
		err := call()
		var rl *slack.RateLimitedError
		if err == nil || !errors.As(err, &rl) || attempt >= d.retries {
			return err
		}
		select {
		case <-time.After(min(rl.RetryAfter, d.maxWait)):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ticketSummary is the notification text of a ticket.
func ticketSummary(v handoff.View) string {
	return fmt.Sprintf("問い合わせ / Handoff %s (%s, %s): %s", v.Handle, v.Platform, v.Lang, ticketState(v))
}

// ticketState says where the ticket stands, in both languages.
func ticketState(v handoff.View) string {
	if v.Status == handoff.StatusOpen {
		if v.Taker != "" {
			return fmt.Sprintf("🟢 対応中 <@%s> / open, taken by <@%s>", v.Taker, v.Taker)
		}
		return "🟢 受付中 / open"
	}
	switch v.Reason {
	case handoff.ReasonStaff:
		return fmt.Sprintf("⚪ 終了 <@%s> / closed by <@%s>", v.ClosedBy, v.ClosedBy)
	case handoff.ReasonInactivity:
		return "⚪ 終了（無応答） / closed after inactivity"
	default:
		return "⚪ 終了（ユーザー） / closed by the user"
	}
}

// Slack limits a section's text to 3,000 characters; the recent
// conversation is cut well below that.
const maxRecent = 2500

// maxGuesses bounds the "Send this answer" choices on a ticket.
const maxGuesses = 5

func ticketBlocks(v handoff.View) []slack.Block {
	md := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	lang := "日本語"
	if v.Lang == catalogue.English {
		lang = "English"
	}
	who := "`" + v.Handle + "`"
	if v.Name != "" {
		who += " " + escape(v.Name)
	}
	head := fmt.Sprintf("*問い合わせ / Handoff* %s\n%s · %s · %s", who, v.Platform, lang, ticketState(v))
	blocks := []slack.Block{slack.NewSectionBlock(md(head), nil, nil)}
	if v.OutOfHours {
		blocks = append(blocks, slack.NewContextBlock("", md("受付時間外に届きました / Arrived out of office hours")))
	}
	if len(v.Recent) > 0 {
		var b strings.Builder
		b.WriteString("*最近の会話 / Recent conversation*\n")
		for _, e := range v.Recent {
			b.WriteString("> 👤 " + ticketLine(e.User) + "\n")
			if e.Bot != "" {
				b.WriteString("🤖 " + ticketLine(e.Bot) + "\n")
			}
		}
		blocks = append(blocks, slack.NewSectionBlock(md(clipText(b.String(), maxRecent)), nil, nil))
	}
	open := v.Status == handoff.StatusOpen
	if open && len(v.Guesses) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", md("ボットの候補 / The bot's best guesses")))
		// A message holds at most 50 blocks; staff need the best few.
		for _, g := range v.Guesses[:min(len(v.Guesses), maxGuesses)] {
			btn := slack.NewButtonBlockElement(handoff.ActionSend, v.ID+" "+g.IntentID, plain("この回答を送る / Send this answer"))
			blocks = append(blocks, slack.NewSectionBlock(md(escape(g.Title)+" (`"+g.IntentID+"`)"), nil, slack.NewAccessory(btn)))
		}
	}
	if open {
		take := slack.NewButtonBlockElement(handoff.ActionTake, v.ID, plain("担当する / Take"))
		take.Style = slack.StylePrimary
		closeBtn := slack.NewButtonBlockElement(handoff.ActionClose, v.ID, plain("終了 / Close"))
		closeBtn.Style = slack.StyleDanger
		closeBtn.Confirm = slack.NewConfirmationBlockObject(plain("終了しますか？ / Close?"),
			plain("ユーザーに終了を知らせます。 / The user will be told the conversation has ended."),
			plain("終了 / Close"), plain("戻る / Back"))
		blocks = append(blocks, slack.NewActionBlock("madoguchi_handoff_actions", take, closeBtn))
		blocks = append(blocks, slack.NewContextBlock("", md("スレッドの返信はユーザーに届きます。`//` で始まる返信は内部メモです。 / Thread replies go to the user; replies starting with `//` are internal notes.")))
	}
	return blocks
}

func ticketLine(s string) string { return escape(strings.Join(strings.Fields(s), " ")) }

// clipText shortens s to at most n characters, marking the cut.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// HandoffList answers "/madoguchi handoffs": the open conversations, oldest
// first, each with its state, age, quiet time and thread.
func HandoffList(vs []handoff.View, now time.Time) string {
	if len(vs) == 0 {
		return "対応中の問い合わせはありません。 / No open handoffs."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*対応中の問い合わせ / Open handoffs: %d*\n", len(vs))
	for _, v := range vs {
		opened, last := sinceText(now.Sub(v.Opened)), sinceText(now.Sub(v.Activity))
		fmt.Fprintf(&b, "• `%s` %s · %s · 開始 %s前 / opened %s ago · 最終 %s前 / last %s ago · <#%s> %s\n",
			v.Handle, v.Platform, ticketState(v), opened, opened, last, last, v.Desk.Channel, v.Desk.TS)
	}
	return b.String()
}

// sinceText writes a duration the way people say it: 5m, 3h, 2d.
func sinceText(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
