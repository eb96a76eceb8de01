package handoff

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"
)

// StaffMessage is a message a staff member wrote in a ticket's thread. The
// adapter decides what that is (a person, not a bot; a reply in a thread
// of the desk, not an edit) and passes nothing else.
type StaffMessage struct {
	// Channel and TS identify the message; every delivery of it, the
	// desk's retries included, carries the same pair. ThreadTS is its
	// thread.
	Channel  string
	ThreadTS string
	TS       string
	UserID   string
	// Text is in the desk's markup; Desk.Plain makes it the user's text.
	Text string
}

// Action is a button a staff member pressed on a ticket.
type Action struct {
	// Kind is ActionTake, ActionClose or ActionSend.
	Kind     string
	TicketID string
	// IntentID is the answer to send, for ActionSend.
	IntentID string
	// Staff is the staff member's desk user id.
	Staff string
	// Channel and MessageTS locate the message holding the button, where
	// notes about a stale button go.
	Channel   string
	MessageTS string
}

// dedupTTL is how long a delivered staff message is remembered; Slack
// retries within minutes.
const dedupTTL = 24 * time.Hour

// FromStaff pushes a staff member's thread message to the user and reacts
// ✅ when delivered or ⚠️ with a note when not. A message starting with //
// is an internal note and stays at the desk. A message delivered again (a
// Slack retry, another replica, a second event for the same message) is
// pushed once: the first delivery claims the message in the store (SET
// NX), and its push is keyed by the message, so the platform too accepts
// it once. Problems the staff can fix (a closed or unknown ticket) are
// told in the thread; the error is for failures of the store or the desk.
func (h *Handoff) FromStaff(ctx context.Context, m StaffMessage) error {
	if strings.HasPrefix(strings.TrimSpace(m.Text), "//") {
		return nil
	}
	// The message, not the event, is what must be pushed once: a Slack
	// retry repeats the event id and the message's ts, and a message that
	// also mentions the bot comes as a second event with the same ts.
	key := m.Channel + "/" + m.TS
	first, err := h.o.Store.Claim(ctx, "staff:"+key, dedupTTL)
	if err != nil {
		return fmt.Errorf("handoff from staff: dedup: %w", err)
	}
	if !first {
		return nil
	}
	ref := DeskRef{Channel: m.Channel, TS: m.ThreadTS}
	t, ok, err := h.o.Store.ByThread(ctx, ref)
	if err != nil {
		h.o.Store.Release(context.WithoutCancel(ctx), "staff:"+key)
		return fmt.Errorf("handoff from staff: find ticket: %w", err)
	}
	switch {
	case !ok:
		return h.refuse(ctx, ref, m.TS, "この スレッドは問い合わせ（チケット）ではないか、記録が残っていません。ユーザーには送信していません。 / This thread is not a handoff ticket (or it has expired); nothing was sent to the user.")
	case t.Status == StatusClosed:
		return h.refuse(ctx, ref, m.TS, "この問い合わせは終了しています。ユーザーには送信していません。 / This conversation is closed; nothing was sent to the user.")
	}
	text := h.o.Desk.Plain(m.Text, t.Lang)
	if text == "" {
		return h.refuse(ctx, ref, m.TS, "送信する文章がありません（メンションだけのメッセージは送りません）。 / Nothing to send: the message has no text once mentions are removed.")
	}
	if err := h.push(ctx, t, text, key); err != nil {
		h.metrics.pushFailures.Inc()
		h.o.Log.Warn("handoff push failed", "ticket", t.ID, "err", err)
		return h.refuse(ctx, ref, m.TS, "ユーザーに届けられませんでした（ブロックされている可能性があります）。 / Not delivered to the user: "+err.Error())
	}
	now := h.o.Now()
	h.metrics.relayed.WithLabelValues("to_user").Inc()
	h.markRead(ctx, t)
	if first, err := h.o.Store.FirstReply(ctx, t.ID, now); err == nil && first {
		h.metrics.firstReply.Observe(now.Sub(t.Opened).Seconds())
		h.journalReply(t, now)
	}
	if err := h.o.Store.Touch(ctx, t.ID, now); err != nil {
		h.o.Log.Warn("handoff touch failed", "ticket", t.ID, "err", err)
	}
	if err := h.o.Desk.React(ctx, m.Channel, m.TS, ReactDelivered); err != nil {
		return fmt.Errorf("handoff from staff: react: %w", err)
	}
	return nil
}

// journalReply notes the first staff reply to t in the journal.
func (h *Handoff) journalReply(t Ticket, now time.Time) {
	if h.o.Journal != nil {
		h.o.Journal.TicketReplied(t.ID, t.Opened, now)
	}
}

// refuse marks a staff message ⚠️ and says why in the thread.
func (h *Handoff) refuse(ctx context.Context, ref DeskRef, ts, why string) error {
	errReact := h.o.Desk.React(ctx, ref.Channel, ts, ReactFailed)
	errPost := h.o.Desk.Post(ctx, ref, Note{Text: "⚠️ " + why})
	if err := errors.Join(errReact, errPost); err != nil {
		return fmt.Errorf("handoff: tell staff: %w", err)
	}
	return nil
}

func (h *Handoff) note(ctx context.Context, ref DeskRef, n Note) {
	if err := h.o.Desk.Post(context.WithoutCancel(ctx), ref, n); err != nil {
		h.o.Log.Warn("handoff note failed", "err", err)
	}
}

// push sends text to the ticket's user, after whatever this replica pushed
// to them before.
func (h *Handoff) push(ctx context.Context, t Ticket, text, key string) error {
	mu := h.lock(t)
	mu.Lock()
	defer mu.Unlock()
	return h.o.Messenger.Push(ctx, t.To, text, key)
}

// lock is the stripe that serialises t's pushes.
func (h *Handoff) lock(t Ticket) *sync.Mutex {
	f := fnv.New32a()
	f.Write([]byte(t.ID))
	return &h.locks[f.Sum32()%uint32(len(h.locks))]
}

// StaffAction handles a ticket button: take it, close it, or send one of
// the bot's answers to the user. A stale button gets a note in the thread.
func (h *Handoff) StaffAction(ctx context.Context, a Action) error {
	where := DeskRef{Channel: a.Channel, TS: a.MessageTS}
	t, ok, err := h.o.Store.Get(ctx, a.TicketID)
	if err != nil {
		return fmt.Errorf("handoff action: find ticket: %w", err)
	}
	switch {
	case !ok:
		return h.o.Desk.Post(ctx, where, Note{Text: "⚠️ この問い合わせの記録はもうありません。 / This ticket no longer exists."})
	case t.Status == StatusClosed:
		return h.o.Desk.Post(ctx, where, Note{Text: "⚠️ この問い合わせは終了しています。 / This conversation is already closed."})
	}
	switch a.Kind {
	case ActionTake:
		if err := h.o.Store.Take(ctx, t.ID, a.Staff); err != nil {
			return fmt.Errorf("handoff take: %w", err)
		}
		t.Taker = a.Staff
		h.markRead(ctx, t)
		return h.o.Desk.UpdateTicket(ctx, t.Desk, t.view(false))
	case ActionClose:
		_, err := h.close(ctx, t, a.Staff, ReasonStaff)
		return err
	case ActionSend:
		return h.sendAnswer(ctx, t, a)
	}
	return h.o.Desk.Post(ctx, t.Desk, Note{Text: fmt.Sprintf("⚠️ 不明なボタンです。 / Unknown button %q.", a.Kind)})
}

// sendAnswer pushes one of the bot's answers on a staff member's behalf.
// A double click within a minute sends it once.
func (h *Handoff) sendAnswer(ctx context.Context, t Ticket, a Action) error {
	if h.o.Answers == nil {
		return h.o.Desk.Post(ctx, t.Desk, Note{Text: "⚠️ 回答を送る機能は設定されていません。 / Sending answers is not set up."})
	}
	text, ok := h.o.Answers(a.IntentID, t.Lang)
	if !ok {
		return h.o.Desk.Post(ctx, t.Desk, Note{Text: fmt.Sprintf("⚠️ 回答 %q は見つかりません。 / The answer %q no longer exists.", a.IntentID, a.IntentID)})
	}
	key := "send:" + t.ID + ":" + a.IntentID
	if first, err := h.o.Store.Claim(ctx, key, time.Minute); err != nil {
		return fmt.Errorf("handoff send answer: %w", err)
	} else if !first {
		return nil
	}
	if err := h.push(ctx, t, text, key+":"+h.o.Now().Truncate(time.Minute).Format(time.RFC3339)); err != nil {
		h.metrics.pushFailures.Inc()
		return h.o.Desk.Post(ctx, t.Desk, Note{Text: "⚠️ 回答を届けられませんでした。 / The answer was not delivered: " + err.Error()})
	}
	h.metrics.relayed.WithLabelValues("to_user").Inc()
	h.markRead(ctx, t)
	now := h.o.Now()
	if first, err := h.o.Store.FirstReply(ctx, t.ID, now); err == nil && first {
		h.metrics.firstReply.Observe(now.Sub(t.Opened).Seconds())
		h.journalReply(t, now)
	}
	if err := h.o.Store.Touch(ctx, t.ID, now); err != nil {
		return fmt.Errorf("handoff send answer: %w", err)
	}
	return h.o.Desk.Post(ctx, t.Desk, Note{Staff: a.Staff, Text: fmt.Sprintf("✅ %[1]s が回答 %[2]q を送りました。 / %[1]s sent the answer %[2]q.", StaffPlaceholder, a.IntentID)})
}
