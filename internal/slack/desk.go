package slack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

var _ handoff.Desk = (*Desk)(nil)

// Desk is the staff's handoff channel: the handoff's Desk port. Tickets
// are Block Kit messages with Take, Close and "Send this answer" buttons;
// the conversation runs in each ticket's thread.
type Desk struct {
	api     *Client
	channel string
}

// NewDesk returns a Desk posting to channel (an id such as C0123…) through
// c, the app's one client.
func NewDesk(c *Client, channel string) *Desk {
	return &Desk{api: c, channel: channel}
}

// ChannelError says that the bot cannot work in the handoff channel as it
// is set up (SLACK_HANDOFF_CHANNEL names no channel the bot is in): no
// retry can help, and the sentence says how to fix it.
type ChannelError struct{ Err error }

// Error is the sentence saying what is wrong and how to fix it.
func (e *ChannelError) Error() string { return e.Err.Error() }

// Unwrap returns Slack's answer, or the sentence itself.
func (e *ChannelError) Unwrap() error { return e.Err }

// Rejected marks the error as one that retrying will not cure.
func (e *ChannelError) Rejected() bool { return true }

// Check verifies at startup that the bot can work in the channel, and
// otherwise says how to fix it. What retrying cannot cure (a refused token,
// a wrong channel id, a channel without the bot, any other refusal from
// Slack) is a *RejectedError or a *ChannelError; a failure that may pass
// (the network, a 5xx, a rate limit) is returned as it is.
func (d *Desk) Check(ctx context.Context) error {
	if strings.HasPrefix(d.channel, "#") || d.channel == "" {
		return &ChannelError{fmt.Errorf("SLACK_HANDOFF_CHANNEL must be the channel's id (C0123…, in the channel's details), not %q", d.channel)}
	}
	me, err := d.api.authTest(ctx)
	if err != nil {
		if rej := rejection("SLACK_BOT_TOKEN", err); rej != nil {
			return rej
		}
		return refused(fmt.Errorf("slack auth.test: %w", err))
	}
	ch, err := d.api.conversationInfo(ctx, d.channel)
	switch {
	case slackError(err) == "channel_not_found":
		return &ChannelError{fmt.Errorf("SLACK_HANDOFF_CHANNEL %s: channel not found; check the id, and for a private channel invite the bot first (in the channel: /invite @%s)", d.channel, me.User)}
	case err != nil:
		return refused(fmt.Errorf("slack conversations.info %s: %w", d.channel, err))
	case !ch.IsMember:
		return &ChannelError{fmt.Errorf("the bot @%s is not a member of #%s (SLACK_HANDOFF_CHANNEL); invite it there with /invite @%s", me.User, ch.Name, me.User)}
	}
	return nil
}

// refused is err as a *ChannelError when Slack's answer will not change,
// and err itself when trying again may pass.
func refused(err error) error {
	if retryable(err) {
		return err
	}
	return &ChannelError{err}
}

// PostTicket posts a new ticket to the channel.
func (d *Desk) PostTicket(ctx context.Context, v handoff.View) (handoff.DeskRef, error) {
	ch, ts, err := d.api.postMessage(ctx, d.channel, slack.MsgOptionText(ticketSummary(v), false), slack.MsgOptionBlocks(ticketBlocks(v)...))
	if err != nil {
		return handoff.DeskRef{}, fmt.Errorf("slack post ticket: %w", err)
	}
	return handoff.DeskRef{Channel: ch, TS: ts}, nil
}

// UpdateTicket rewrites a ticket to show its state.
func (d *Desk) UpdateTicket(ctx context.Context, ref handoff.DeskRef, v handoff.View) error {
	err := d.api.updateMessage(ctx, ref.Channel, ref.TS, slack.MsgOptionText(ticketSummary(v), false), slack.MsgOptionBlocks(ticketBlocks(v)...))
	if err != nil {
		return fmt.Errorf("slack update ticket: %w", err)
	}
	return nil
}

// Post writes a note in a ticket's thread: its text escaped, so that a
// user's words are never read as markup, and its staff member mentioned.
func (d *Desk) Post(ctx context.Context, ref handoff.DeskRef, n handoff.Note) error {
	if _, _, err := d.api.postMessage(ctx, ref.Channel, slack.MsgOptionText(noteText(n), false), slack.MsgOptionTS(ref.TS)); err != nil {
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
	err := d.api.addReaction(ctx, emoji, slack.NewRefToMessage(channel, ts))
	if err != nil && slackError(err) != "already_reacted" {
		return fmt.Errorf("slack add reaction: %w", err)
	}
	return nil
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
			b.WriteString(recentUserPrefix + ticketLine(e.User) + "\n")
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
		blocks = append(blocks, slack.NewActionBlock("madoguchi_handoff_actions", take, closeBtn, draftButton(v.ID)))
		blocks = append(blocks, slack.NewContextBlock("", md("スレッドの返信はユーザーに届きます。`//` で始まる返信は内部メモです。 / Thread replies go to the user; replies starting with `//` are internal notes.")))
	} else {
		// A closed conversation is when its answer is worth keeping.
		blocks = append(blocks, slack.NewActionBlock("madoguchi_handoff_draft", draftButton(v.ID)))
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
