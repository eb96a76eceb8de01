package slack

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// deskLink is the adapter's side of the staff handoff: thread replies in
// the handoff channel go to the user, and the ticket buttons act on the
// ticket, for the channel's members only.
type deskLink struct {
	h       *handoff.Handoff
	channel string
	members *members
	drafts  *handoff.Drafts // nil unless EnableDrafts was called
}

// EnableHandoff routes the handoff channel's thread messages and the
// tickets' buttons to h, and answers "/madoguchi handoffs" there. Call it
// before the queue starts handling events.
func (a *Adapter) EnableHandoff(h *handoff.Handoff, channel string) {
	a.ho = &deskLink{h: h, channel: channel,
		members: newMembers(a.api, channel, memberTTL, time.Now)}
}

// inTicketThread reports whether an inner event is a message in a thread of
// the handoff channel. Such a message is the staff talking to a user (or
// the bot's own note), never a question for the bot, even when it
// mentions the bot.
func (a *Adapter) inTicketThread(data any) bool {
	if a.ho == nil {
		return false
	}
	switch e := data.(type) {
	case *slackevents.MessageEvent:
		return e.Channel == a.ho.channel && e.ThreadTimeStamp != "" && e.ThreadTimeStamp != e.TimeStamp
	case *slackevents.AppMentionEvent:
		return e.Channel == a.ho.channel && e.ThreadTimeStamp != "" && e.ThreadTimeStamp != e.TimeStamp
	}
	return false
}

// relayed are the message subtypes a person writes: a plain message, one
// also sent to the channel, and one with files (whose text is relayed; the
// files are not).
var relayed = map[string]bool{"": true, "thread_broadcast": true, "file_share": true}

// staffMessage is a person's message in a ticket thread; ok is false for
// the bot's own posts, edits, deletions and mention events (the message
// event of the same message is the one relayed). This is the one place
// that decides what a staff message is; the handoff trusts it.
func (a *Adapter) staffMessage(data any) (handoff.StaffMessage, bool) {
	e, ok := data.(*slackevents.MessageEvent)
	if !ok || !a.inTicketThread(data) || e.BotID != "" || !relayed[e.SubType] || e.User == "" {
		return handoff.StaffMessage{}, false
	}
	return handoff.StaffMessage{Channel: e.Channel, ThreadTS: e.ThreadTimeStamp, TS: e.TimeStamp,
		UserID: e.User, Text: e.Text}, true
}

// Notes to the staff about what the adapter did not do.
const (
	noteNotMember    = "⚠️ このチャンネルのメンバー以外からの返信は、ユーザーに送りません。 / Only members of this channel can write to the user; this reply was not sent."
	noteNoMembers    = "⚠️ チャンネルのメンバーを確認できなかったため、ユーザーに送っていません。少し待ってから、もう一度送ってください。 / Not sent to the user: the channel's members could not be checked. Please send it again in a moment."
	noteFilesNotSent = "⚠️ 添付ファイルはユーザーに送られません。必要なら内容を文章かリンクで送ってください。 / Attached files are not sent to the user; send their content as text or a link."
)

// fromStaff relays a ticket thread's message to the user, if a member of
// the staff channel wrote it. A failure is logged and counted (the
// handoff has already told the staff in the thread when it could); the
// message's text is never logged.
func (a *Adapter) fromStaff(ctx context.Context, data any) error {
	m, ok := a.staffMessage(data)
	if !ok {
		return nil
	}
	member, err := a.ho.members.has(ctx, m.UserID)
	switch {
	case err != nil:
		a.metrics.Failures.WithLabelValues(platform, "handoff").Inc()
		a.log.Warn("handoff: staff message not relayed: members unknown", "channel", m.Channel, "ts", m.TS, "err", err)
		a.tellStaff(ctx, m.Channel, m.ThreadTS, m.TS, noteNoMembers)
		return ctx.Err()
	case !member:
		a.metrics.Events.WithLabelValues(platform, "refused").Inc()
		a.log.Warn("handoff: reply from outside the staff channel not relayed", "channel", m.Channel, "ts", m.TS)
		a.tellStaff(ctx, m.Channel, m.ThreadTS, m.TS, noteNotMember)
		return nil
	}
	if err := a.ho.h.FromStaff(ctx, m); err != nil {
		a.metrics.Failures.WithLabelValues(platform, "handoff").Inc()
		a.log.Warn("handoff: staff message not handled", "channel", m.Channel, "ts", m.TS, "err", err)
		return ctx.Err()
	}
	if e := data.(*slackevents.MessageEvent); e.SubType == "file_share" {
		// LINE gets text only: say so, or staff believe the file went.
		_, _, err := a.api.postMessage(ctx, m.Channel, slack.MsgOptionTS(m.ThreadTS), slack.MsgOptionText(noteFilesNotSent, false))
		if err != nil {
			a.log.Warn("handoff: file note not posted", "channel", m.Channel, "ts", m.TS, "err", err)
		}
	}
	return nil
}

// tellStaff marks the message at ts ⚠️ and says why in its thread, as far
// as Slack lets it.
func (a *Adapter) tellStaff(ctx context.Context, channel, thread, ts, note string) {
	if err := a.api.addReaction(ctx, handoff.ReactFailed, slack.NewRefToMessage(channel, ts)); err != nil {
		a.log.Warn("handoff: reaction not added", "channel", channel, "ts", ts, "err", err)
	}
	if _, _, err := a.api.postMessage(ctx, channel, slack.MsgOptionTS(thread), slack.MsgOptionText(note, false)); err != nil {
		a.log.Warn("handoff: note not posted", "channel", channel, "ts", ts, "err", err)
	}
}

// clickedHandoff reads a ticket button's click; ok is false for any other
// interaction.
func (a *Adapter) clickedHandoff(cb slack.InteractionCallback) (handoff.Action, bool) {
	if a.ho == nil {
		return handoff.Action{}, false
	}
	for _, act := range cb.ActionCallback.BlockActions {
		switch act.ActionID {
		case handoff.ActionTake, handoff.ActionClose, handoff.ActionSend, handoff.ActionDraft:
			ticket, intent, _ := strings.Cut(act.Value, " ")
			channel := cb.Channel.ID
			if channel == "" {
				channel = cb.Container.ChannelID
			}
			ts := cb.Container.MessageTs
			if ts == "" {
				ts = cb.Message.Timestamp
			}
			return handoff.Action{Kind: act.ActionID, TicketID: ticket, IntentID: intent, Staff: cb.User.ID,
				Channel: channel, MessageTS: ts}, true
		}
	}
	return handoff.Action{}, false
}

// staffAction runs a ticket button pressed in the staff channel by one of
// its members; any other press is refused, counted and logged.
func (a *Adapter) staffAction(ctx context.Context, act handoff.Action) error {
	if act.Channel != a.ho.channel {
		a.metrics.Events.WithLabelValues(platform, "refused").Inc()
		a.log.Warn("handoff: ticket button outside the staff channel refused", "channel", act.Channel, "action", act.Kind)
		return nil
	}
	member, err := a.ho.members.has(ctx, act.Staff)
	switch {
	case err != nil:
		a.metrics.Failures.WithLabelValues(platform, "handoff").Inc()
		a.log.Warn("handoff: ticket button not handled: members unknown", "action", act.Kind, "ticket", act.TicketID, "err", err)
		return ctx.Err()
	case !member:
		a.metrics.Events.WithLabelValues(platform, "refused").Inc()
		a.log.Warn("handoff: ticket button from outside the staff channel refused", "action", act.Kind, "ticket", act.TicketID)
		return nil
	}
	if act.Kind == handoff.ActionDraft {
		return a.draft(ctx, handoff.DraftRequest{Ticket: handoff.DeskRef{Channel: act.Channel, TS: act.MessageTS}, Staff: act.Staff})
	}
	if err := a.ho.h.StaffAction(ctx, act); err != nil {
		a.metrics.Failures.WithLabelValues(platform, "handoff").Inc()
		a.log.Warn("handoff: ticket button not handled", "action", act.Kind, "ticket", act.TicketID, "err", err)
		return ctx.Err()
	}
	return nil
}

// handoffs answers "/madoguchi handoffs": the open conversations, shown
// only in the staff channel and to its members, since the list links
// into it and names who took what.
func (a *Adapter) handoffs(ctx context.Context, cmd slack.SlashCommand) string {
	if a.ho == nil {
		return "The staff handoff is not set up (SLACK_HANDOFF_CHANNEL and the handoff block of intents/_settings.yaml)."
	}
	if cmd.ChannelID != a.ho.channel {
		return "この一覧はスタッフ用チャンネルでのみ表示できます。 / The open handoffs are listed only in the staff channel."
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second) // the command is answered within Slack's 3 s
	defer cancel()
	member, err := a.ho.members.has(ctx, cmd.UserID)
	if err != nil {
		a.log.Warn("handoff: open list refused: members unknown", "err", err)
		return "⚠️ 一覧を読めませんでした。 / The list could not be read; try again in a moment."
	}
	if !member {
		return "この一覧はスタッフ用チャンネルのメンバーだけが見られます。 / Only members of the staff channel can list the open handoffs."
	}
	vs, err := a.ho.h.Open(ctx)
	if err != nil {
		a.log.Warn("handoff: open list failed", "err", err)
		return "⚠️ 一覧を読めませんでした。 / The list could not be read; try again in a moment."
	}
	return HandoffList(vs, time.Now())
}
