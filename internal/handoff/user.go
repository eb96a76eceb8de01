package handoff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Offer is the button offered with every escalation.
func (h *Handoff) Offer(lang catalogue.Lang) Button {
	return Button{Label: h.o.Settings().Texts.Offer.In(lang), Data: PostbackConsent}
}

// Consent answers the offer button: who will read the messages, what never
// to send, and buttons to start or cancel. Showing it is what Start
// requires before it opens a ticket.
func (h *Handoff) Consent(ctx context.Context, u UserRef) (Reply, error) {
	tx := h.o.Settings().Texts
	if u.Group {
		return Reply{Text: tx.Group.In(u.Lang)}, nil
	}
	handle := h.handle(u)
	if _, ok, err := h.o.Store.ByUser(ctx, handle); err != nil {
		return Reply{}, fmt.Errorf("handoff consent: %w", err)
	} else if ok {
		return h.joined(u.Lang), nil
	}
	if err := h.showConsent(ctx, handle); err != nil {
		return Reply{}, fmt.Errorf("handoff consent: %w", err)
	}
	return h.consentReply(u.Lang), nil
}

func (h *Handoff) consentReply(lang catalogue.Lang) Reply {
	tx := h.o.Settings().Texts
	return Reply{Text: tx.Consent.In(lang), Buttons: []Button{
		{Label: tx.Start.In(lang), Data: PostbackStart},
		{Label: tx.Cancel.In(lang), Data: PostbackCancel},
	}}
}

func (h *Handoff) joined(lang catalogue.Lang) Reply {
	return Reply{Text: h.o.Settings().Texts.Joined.In(lang), Buttons: []Button{h.endButton(lang)}, Connected: true}
}

// Cancel answers the consent's cancel button.
func (h *Handoff) Cancel(lang catalogue.Lang) Reply {
	return Reply{Text: h.o.Settings().Texts.Cancelled.In(lang)}
}

func (h *Handoff) endButton(lang catalogue.Lang) Button {
	return Button{Label: h.o.Settings().Texts.End.In(lang), Data: PostbackEnd}
}

// Start opens a conversation with staff: it posts a ticket with the
// remembered recent conversation and the bot's guesses, and returns the
// confirmation for the user, with the next opening time when the office
// is closed. A user who already has one open joins it. A user who was not
// shown the consent text lately (a start button from an old message, a
// forged postback) gets it now instead of a ticket, and a user who opened
// TicketsPerHour tickets within the hour is politely refused.
func (h *Handoff) Start(ctx context.Context, u UserRef) (Reply, error) {
	set := h.o.Settings()
	tx := set.Texts
	if u.Group {
		return Reply{Text: tx.Group.In(u.Lang)}, nil
	}
	if u.Platform == "" || u.ID == "" {
		return Reply{}, errors.New("handoff start: the user has no platform id to answer to")
	}
	handle := h.handle(u)
	if _, ok, err := h.o.Store.ByUser(ctx, handle); err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	} else if ok {
		return h.joined(u.Lang), nil
	}
	if ok, err := h.consented(ctx, handle); err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	} else if !ok {
		h.metrics.refused.WithLabelValues("no_consent").Inc()
		return h.consentReply(u.Lang), nil
	}
	// Two taps (or two replicas) starting at once open one ticket.
	lock := "start:" + handle
	if ok, err := h.o.Store.Claim(ctx, lock, time.Minute); err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	} else if !ok {
		return h.joined(u.Lang), nil
	}
	defer h.o.Store.Release(context.WithoutCancel(ctx), lock)
	// Another start may have finished between the first look and the claim.
	if _, ok, err := h.o.Store.ByUser(ctx, handle); err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	} else if ok {
		return h.joined(u.Lang), nil
	}
	slot, ok, err := h.takeSlot(ctx, handle, set)
	if err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	}
	if !ok {
		h.metrics.refused.WithLabelValues("limit").Inc()
		h.o.Log.Info("handoff refused: tickets per hour reached", "handle", handle, "platform", u.Platform)
		return Reply{Text: tooMany(set).In(u.Lang)}, nil
	}
	t, closed, err := h.openTicket(ctx, u, handle, set)
	if err != nil {
		// No ticket was opened: the attempt does not count.
		h.o.Store.Release(context.WithoutCancel(ctx), slot)
		return Reply{}, err
	}
	// The consent was for this ticket; the next one needs it again.
	if err := h.o.Store.Release(ctx, consentKey(handle)); err != nil {
		h.o.Log.Warn("handoff: consent not cleared", "ticket", t.ID, "err", err)
	}
	h.switchMenu(ctx, t, true)
	text := tx.Opened.In(u.Lang)
	if closed {
		text += "\n" + h.outOfHours(set, t.Opened, u.Lang)
	}
	return Reply{Text: text, Buttons: []Button{h.endButton(u.Lang)}, Connected: true}, nil
}

// openTicket posts the ticket at the desk and saves it; closed reports
// that the office was closed when it opened.
func (h *Handoff) openTicket(ctx context.Context, u UserRef, handle string, set catalogue.Handoff) (t Ticket, closed bool, err error) {
	now := h.o.Now()
	t = Ticket{ID: uuid.NewString(), Handle: handle, Platform: u.Platform, To: u.ID, Lang: u.Lang,
		Status: StatusOpen, Opened: now, Activity: now}
	if r, ok := h.recent.get(handle); ok {
		t.Recent, t.Guesses = r.exchanges, r.guesses
	}
	if set.ShowName {
		t.Name = u.Name
	}
	closed = !NewHours(set).IsOpen(now)
	ref, err := h.o.Desk.PostTicket(ctx, t.view(closed))
	if err != nil {
		return Ticket{}, false, fmt.Errorf("handoff start: post ticket: %w", err)
	}
	t.Desk = ref
	if err := h.o.Store.Create(ctx, t); err != nil {
		// The ticket is at the desk but not in the store: say so there,
		// so staff do not answer into a thread that leads nowhere.
		h.note(ctx, ref, Note{Text: "⚠️ この問い合わせを保存できませんでした。返信はユーザーに届きません。 / This ticket could not be saved; replies will not reach the user."})
		return Ticket{}, false, fmt.Errorf("handoff start: save ticket: %w", err)
	}
	h.metrics.opened.Inc()
	if h.o.Journal != nil {
		h.o.Journal.TicketOpened(t.ID, now)
	}
	h.o.Log.Info("handoff opened", "ticket", t.ID, "handle", handle, "platform", u.Platform, "out_of_hours", closed)
	return t, closed, nil
}

// outOfHours says when the office opens next.
func (h *Handoff) outOfHours(set catalogue.Handoff, now time.Time, lang catalogue.Lang) string {
	next, ok := NewHours(set).Next(now)
	when := "—"
	if ok {
		when = formatNext(next, lang)
	}
	return strings.ReplaceAll(set.Texts.OutOfHours.In(lang), "{next}", when)
}

// Active reports whether u has an open conversation with staff; while it
// does, the adapter passes their messages here instead of to the bot.
func (h *Handoff) Active(ctx context.Context, u UserRef) (bool, error) {
	if u.Group {
		return false, nil
	}
	_, ok, err := h.o.Store.ByUser(ctx, h.handle(u))
	if err != nil {
		return false, fmt.Errorf("handoff active: %w", err)
	}
	return ok, nil
}

// endWords end a conversation when sent on their own.
var endWords = map[string]bool{"終了": true, "end": true, "しゅうりょう": true, "終わり": true}

// FromUser passes a user's text to the ticket thread. The reply is a short
// receipt at most once per ReceiptEvery, otherwise empty (send nothing);
// when the desk cannot be reached it asks the user to send it again.
// The end word closes the conversation instead. ErrNotActive means the
// user has no open conversation.
func (h *Handoff) FromUser(ctx context.Context, u UserRef, text string) (Reply, error) {
	t, err := h.open(ctx, u)
	if err != nil {
		return Reply{}, err
	}
	if endWords[strings.ToLower(strings.TrimSpace(text))] {
		return h.Close(ctx, u)
	}
	if err := h.o.Desk.Post(ctx, t.Desk, Note{Text: UserNotePrefix + text}); err != nil {
		return h.notSent(t, u.Lang, err), nil
	}
	h.metrics.relayed.WithLabelValues("to_staff").Inc()
	return h.receipt(ctx, t, u.Lang), nil
}

// FromUserNonText notes in the thread that the user sent something other
// than text (kind: "sticker", "image", …), which is not relayed.
func (h *Handoff) FromUserNonText(ctx context.Context, u UserRef, kind string) (Reply, error) {
	t, err := h.open(ctx, u)
	if err != nil {
		return Reply{}, err
	}
	note := fmt.Sprintf("(ユーザーが%sを送りました。転送されません / The user sent a %s, which is not relayed)", kind, kind)
	if err := h.o.Desk.Post(ctx, t.Desk, Note{Text: note}); err != nil {
		return h.notSent(t, u.Lang, err), nil
	}
	return Reply{Text: h.o.Settings().Texts.NonText.In(u.Lang)}, nil
}

// notSent tells the user their message did not reach the desk, so that
// they send it again rather than wait for an answer that cannot come.
func (h *Handoff) notSent(t Ticket, lang catalogue.Lang, err error) Reply {
	h.o.Log.Warn("handoff: user message not posted to the desk", "ticket", t.ID, "err", err)
	return Reply{Text: h.o.Settings().Texts.NotSent.In(lang)}
}

func (h *Handoff) open(ctx context.Context, u UserRef) (Ticket, error) {
	if u.Group {
		return Ticket{}, ErrNotActive
	}
	t, ok, err := h.o.Store.ByUser(ctx, h.handle(u))
	if err != nil {
		return Ticket{}, fmt.Errorf("handoff: find conversation: %w", err)
	}
	if !ok {
		return Ticket{}, ErrNotActive
	}
	if err := h.o.Store.Touch(ctx, t.ID, h.o.Now()); err != nil {
		return Ticket{}, fmt.Errorf("handoff: record activity: %w", err)
	}
	return t, nil
}

// receipt returns the receipt text unless one was sent within ReceiptEvery.
func (h *Handoff) receipt(ctx context.Context, t Ticket, lang catalogue.Lang) Reply {
	set := h.o.Settings()
	every := set.ReceiptEvery
	if every <= 0 {
		every = 5 * time.Minute
	}
	ok, err := h.o.Store.Claim(ctx, "receipt:"+t.ID, every)
	if err != nil || !ok {
		// The message reached staff; a missing receipt is no reason to fail.
		return Reply{}
	}
	s := set.Texts.Receipt.In(lang)
	if now := h.o.Now(); !NewHours(set).IsOpen(now) {
		s += "\n" + h.outOfHours(set, now, lang)
	}
	return Reply{Text: s, Buttons: []Button{h.endButton(lang)}}
}
