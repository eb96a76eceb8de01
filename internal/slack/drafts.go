package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// ShortcutDraft is the callback id of the message shortcut "Save as FAQ
// draft" on a staff reply in a ticket thread (deploy/slack's manifests
// declare it).
const ShortcutDraft = "madoguchi_faq_draft"

var _ handoff.ThreadReader = (*Desk)(nil)

// threadLimit bounds how much of a ticket's thread a draft reads: one
// page of conversations.replies.
const threadLimit = 200

// Thread reads a ticket's thread back for an FAQ draft: the user's
// messages the bot relayed ("💬 …" notes, unescaped), the conversation
// the ticket showed from before (its "👤" lines), and the staff's
// messages, oldest first.
func (d *Desk) Thread(ctx context.Context, ref handoff.DeskRef) ([]handoff.ThreadMessage, error) {
	msgs, err := d.api.conversationReplies(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: ref.Channel, Timestamp: ref.TS, Limit: threadLimit})
	if err != nil {
		return nil, fmt.Errorf("slack read ticket thread: %w", err)
	}
	var out []handoff.ThreadMessage
	for _, m := range msgs {
		switch {
		case m.Timestamp == ref.TS:
			out = append(out, ticketQuestions(m)...)
		case m.BotID != "":
			if text, ok := strings.CutPrefix(m.Text, handoff.UserNotePrefix); ok {
				out = append(out, handoff.ThreadMessage{TS: m.Timestamp, FromUser: true, Text: unescaper.Replace(text)})
			}
		case m.User != "" && relayed[m.SubType]:
			out = append(out, handoff.ThreadMessage{TS: m.Timestamp, Staff: m.User, Text: m.Text})
		}
	}
	return out, nil
}

// recentUserPrefix starts a user's line in a ticket's recent conversation
// (ticketBlocks), which Thread reads back.
const recentUserPrefix = "> 👤 "

// ticketQuestions are the user's lines of the ticket message's recent
// conversation.
func ticketQuestions(m slack.Message) []handoff.ThreadMessage {
	var out []handoff.ThreadMessage
	for _, b := range m.Blocks.BlockSet {
		s, ok := b.(*slack.SectionBlock)
		if !ok || s.Text == nil {
			continue
		}
		for line := range strings.Lines(s.Text.Text) {
			if q, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), recentUserPrefix); ok {
				out = append(out, handoff.ThreadMessage{TS: m.Timestamp, FromUser: true, Text: unescaper.Replace(q)})
			}
		}
	}
	return out
}

// draftButton is the ticket's "Save as FAQ draft" button: it saves the
// latest staff reply of the thread.
func draftButton(ticket string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(handoff.ActionDraft, ticket,
		slack.NewTextBlockObject(slack.PlainTextType, "FAQ の下書きにする / Save as FAQ draft", false, false))
}

// EnableDrafts lets staff save replies on tickets as FAQ drafts (the
// ticket's button and the message shortcut ShortcutDraft). Call it after
// EnableHandoff and before the queue starts handling events.
func (a *Adapter) EnableDrafts(d *handoff.Drafts) {
	if a.ho != nil {
		a.ho.drafts = d
	}
}

// draftShortcut reads a "Save as FAQ draft" shortcut on a message; ok is
// false for any other interaction.
func (a *Adapter) draftShortcut(cb slack.InteractionCallback) (handoff.DraftRequest, bool) {
	if a.ho == nil || cb.Type != slack.InteractionTypeMessageAction || cb.CallbackID != ShortcutDraft {
		return handoff.DraftRequest{}, false
	}
	m := cb.Message
	return handoff.DraftRequest{Ticket: handoff.DeskRef{Channel: cb.Channel.ID, TS: m.ThreadTimestamp},
		ReplyTS: m.Timestamp, Staff: cb.User.ID}, true
}

// shortcutID identifies one use of a shortcut: every delivery of it
// carries the same trigger id.
func shortcutID(cb slack.InteractionCallback) string {
	h := sha256.Sum256([]byte(cb.CallbackID + "|" + cb.TriggerID + "|" + cb.ActionTs + "|" + cb.User.ID))
	return "shortcut-" + hex.EncodeToString(h[:12])
}

// Notes to the staff about a draft not saved.
const (
	noteDraftsOff     = "⚠️ FAQ の下書きは使えません（記録がオフです）。 / FAQ drafts are off (the record is off)."
	noteDraftNotReply = "⚠️ FAQ の下書きにできるのは、問い合わせスレッドのスタッフの返信だけです。 / Only a staff reply in a ticket's thread can be saved as an FAQ draft."
)

// shortcutDraft runs the shortcut for a member of the staff channel, on a
// staff reply in a ticket thread; anything else is refused, counted and
// logged (and, in the staff channel, told).
func (a *Adapter) shortcutDraft(ctx context.Context, cb slack.InteractionCallback, req handoff.DraftRequest) error {
	m := cb.Message
	inThread := req.Ticket.Channel == a.ho.channel && req.Ticket.TS != "" && req.Ticket.TS != req.ReplyTS
	if !inThread || m.BotID != "" || m.User == "" {
		a.metrics.Events.WithLabelValues(platform, "refused").Inc()
		a.log.Warn("handoff: draft shortcut on a message that is no staff reply in a ticket", "channel", req.Ticket.Channel)
		if req.Ticket.Channel == a.ho.channel {
			a.tellStaff(ctx, req.Ticket.Channel, threadOf(req.Ticket.TS, req.ReplyTS), req.ReplyTS, noteDraftNotReply)
		}
		return nil
	}
	member, err := a.ho.members.has(ctx, req.Staff)
	switch {
	case err != nil:
		a.metrics.Failures.WithLabelValues(platform, "handoff").Inc()
		a.log.Warn("handoff: draft not saved: members unknown", "channel", req.Ticket.Channel, "err", err)
		return ctx.Err()
	case !member:
		a.metrics.Events.WithLabelValues(platform, "refused").Inc()
		a.log.Warn("handoff: draft from outside the staff channel refused", "channel", req.Ticket.Channel)
		return nil
	}
	return a.draft(ctx, req)
}

// draft saves a draft a staff member asked for.
func (a *Adapter) draft(ctx context.Context, req handoff.DraftRequest) error {
	if a.ho.drafts == nil {
		if _, _, err := a.api.postMessage(ctx, req.Ticket.Channel, slack.MsgOptionTS(req.Ticket.TS), slack.MsgOptionText(noteDraftsOff, false)); err != nil {
			a.log.Warn("handoff: note not posted", "channel", req.Ticket.Channel, "err", err)
		}
		return nil
	}
	if err := a.ho.drafts.Save(ctx, req); err != nil {
		a.metrics.Failures.WithLabelValues(platform, "handoff").Inc()
		a.log.Warn("handoff: draft not saved", "channel", req.Ticket.Channel, "err", err)
		return ctx.Err()
	}
	return nil
}
