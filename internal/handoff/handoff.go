// Package handoff hands a chat to the alumni office's staff and back: an
// alumnus who needs a person is offered the staff, consents, and from then
// on every message goes to a ticket thread at the staff's desk, while the
// staff's thread replies are pushed back to the chat, until either side or
// a quiet day closes it.
//
// The package knows the chat platform and the desk only as the two ports
// it defines, Messenger and Desk; the LINE and Slack adapters implement
// them and cmd/madoguchi wires them. Its state lives in a Store, in memory
// or in Redis so that several replicas share it, and every staff message
// is pushed once however often Slack delivers it.
package handoff

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Messenger pushes text to a user of the chat platform (LINE).
type Messenger interface {
	// Push sends up to MaxPerPush texts of at most MaxText UTF-16 units to
	// the user with platform id to. retryKey is the same for every attempt
	// of one push, so the platform accepts it once; a push the platform
	// already accepted is a success.
	Push(ctx context.Context, to string, texts []string, retryKey string) error
}

// Desk is where staff work on tickets (a Slack channel).
type Desk interface {
	// PostTicket posts a new ticket and returns where it is.
	PostTicket(ctx context.Context, v View) (DeskRef, error)
	// UpdateTicket rewrites the ticket message to show its new state.
	UpdateTicket(ctx context.Context, ref DeskRef, v View) error
	// Post writes text in the ticket's thread.
	Post(ctx context.Context, ref DeskRef, text string) error
	// React adds an emoji reaction (a name such as "white_check_mark") to
	// the message at ts.
	React(ctx context.Context, channel, ts, emoji string) error
}

// View is what the desk shows of a ticket; it holds no raw user id.
type View struct {
	ID       string
	Handle   string
	Name     string
	Platform string
	Lang     catalogue.Lang
	Desk     DeskRef
	Status   Status
	Taker    string
	ClosedBy string
	Reason   Reason
	Opened   time.Time
	Activity time.Time
	// OutOfHours is set on a ticket opened while the office was closed.
	OutOfHours bool
	Recent     []Exchange
	Guesses    []Guess
}

func (t Ticket) view(outOfHours bool) View {
	return View{ID: t.ID, Handle: t.Handle, Name: t.Name, Platform: t.Platform, Lang: t.Lang, Desk: t.Desk,
		Status: t.Status, Taker: t.Taker, ClosedBy: t.ClosedBy, Reason: t.Reason, Opened: t.Opened,
		Activity: t.Activity, OutOfHours: outOfHours, Recent: t.Recent, Guesses: t.Guesses}
}

// Postback data of the handoff's buttons; adapters route data starting
// with PostbackPrefix to the handoff.
const (
	PostbackPrefix  = "madoguchi:handoff:"
	PostbackConsent = PostbackPrefix + "consent"
	PostbackStart   = PostbackPrefix + "start"
	PostbackCancel  = PostbackPrefix + "cancel"
	PostbackEnd     = PostbackPrefix + "end"
)

// Action ids of the ticket's buttons at the desk; the button's value is
// the ticket id (and, for ActionSend, the id after a space is the intent).
const (
	ActionTake  = "madoguchi_handoff_take"
	ActionClose = "madoguchi_handoff_close"
	ActionSend  = "madoguchi_handoff_send"
)

// Reactions on a staff message: delivered, or not.
const (
	ReactDelivered = "white_check_mark"
	ReactFailed    = "warning"
)

// ErrNotActive is returned for a user message when the user has no open
// conversation with staff; the adapter then lets the bot answer.
var ErrNotActive = errors.New("no open conversation with staff")

// UserRef is a chat user as the adapter knows them.
type UserRef struct {
	Platform string
	// ID is the platform's id of the user, used only to push to them.
	ID string
	// Name is the display name, shown to staff only when the settings
	// allow it.
	Name  string
	Lang  catalogue.Lang
	Group bool
}

// Reply is what the adapter sends back to the user: a text and buttons
// whose Data the adapter hands back as a postback.
type Reply struct {
	Text    string
	Buttons []Button
}

// Button is a postback button.
type Button struct {
	Label string
	Data  string
}

// StaffMessage is a message a staff member wrote in a desk thread. The
// adapter passes only human messages (no bot_id, no subtype).
type StaffMessage struct {
	// Channel and TS identify the message; every delivery of it, Slack's
	// retries included, carries the same pair. ThreadTS is its thread.
	Channel  string
	ThreadTS string
	TS       string
	UserID   string
	Text     string
	// BotID is set on messages a bot wrote (the handoff's own notes among
	// them); they are never relayed.
	BotID string
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

// Options configure a Handoff. Store, Messenger, Desk, Settings and Key
// are required.
type Options struct {
	Store     Store
	Messenger Messenger
	Desk      Desk
	// Settings returns the current handoff settings (they change on reload).
	Settings func() catalogue.Handoff
	// Answers returns an intent's answer in a language, for "Send this
	// answer"; nil disables the button's effect.
	Answers func(intentID string, lang catalogue.Lang) (string, bool)
	// Key keys the pseudonymous handles shown to staff.
	Key []byte
	// Now is the clock (time.Now when nil).
	Now        func() time.Time
	Log        *slog.Logger
	Registerer prometheus.Registerer
}

// Handoff runs conversations between users and staff.
type Handoff struct {
	o       Options
	metrics *metrics
	// locks serialise the pushes of one ticket so its messages arrive in
	// the order this replica handles them; a ticket takes the stripe its id
	// hashes to, so nothing has to be forgotten when it closes.
	locks [1024]sync.Mutex
}

// New checks the options and returns a Handoff.
func New(o Options) (*Handoff, error) {
	switch {
	case o.Store == nil, o.Messenger == nil, o.Desk == nil, o.Settings == nil:
		return nil, errors.New("handoff: Store, Messenger, Desk and Settings are required")
	case len(o.Key) < 16:
		return nil, errors.New("handoff: Key must be at least 16 bytes")
	case !o.Settings().Configured:
		return nil, errors.New("handoff: the settings file has no handoff block (hours and texts)")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Handoff{o: o, metrics: newMetrics(o.Registerer)}, nil
}

// handle is the user's pseudonym: a keyed hash, short enough to read out.
func (h *Handoff) handle(u UserRef) string {
	m := hmac.New(sha256.New, h.o.Key)
	m.Write([]byte(u.Platform + "\x00" + u.ID))
	return strings.ToLower(base32.StdEncoding.EncodeToString(m.Sum(nil))[:10])
}

// Handle returns the pseudonym staff see for u, for logs that must tell
// users apart without naming them.
func (h *Handoff) Handle(u UserRef) string { return h.handle(u) }

// WantsName reports whether tickets show the user's display name, so that
// the adapter fetches the profile only then.
func (h *Handoff) WantsName() bool { return h.o.Settings().ShowName }

// Offer is the button offered with every escalation.
func (h *Handoff) Offer(lang catalogue.Lang) Button {
	return Button{Label: h.o.Settings().Texts.Offer.In(lang), Data: PostbackConsent}
}

// Consent answers the offer button: who will read the messages, what never
// to send, and buttons to start or cancel.
func (h *Handoff) Consent(ctx context.Context, u UserRef) (Reply, error) {
	tx := h.o.Settings().Texts
	if u.Group {
		return Reply{Text: tx.Group.In(u.Lang)}, nil
	}
	if _, ok, err := h.o.Store.ByUser(ctx, h.handle(u)); err != nil {
		return Reply{}, fmt.Errorf("handoff consent: %w", err)
	} else if ok {
		return Reply{Text: tx.Joined.In(u.Lang), Buttons: []Button{h.endButton(u.Lang)}}, nil
	}
	return Reply{Text: tx.Consent.In(u.Lang), Buttons: []Button{
		{Label: tx.Start.In(u.Lang), Data: PostbackStart},
		{Label: tx.Cancel.In(u.Lang), Data: PostbackCancel},
	}}, nil
}

// Cancel answers the consent's cancel button.
func (h *Handoff) Cancel(lang catalogue.Lang) Reply {
	return Reply{Text: h.o.Settings().Texts.Cancelled.In(lang)}
}

func (h *Handoff) endButton(lang catalogue.Lang) Button {
	return Button{Label: h.o.Settings().Texts.End.In(lang), Data: PostbackEnd}
}

// Start opens a conversation with staff: it posts a ticket with the recent
// conversation and the bot's guesses, and returns the confirmation for the
// user, with the next opening time when the office is closed. A user who
// already has one open joins it.
func (h *Handoff) Start(ctx context.Context, u UserRef, recent []Exchange, guesses []Guess) (Reply, error) {
	set := h.o.Settings()
	tx := set.Texts
	if u.Group {
		return Reply{Text: tx.Group.In(u.Lang)}, nil
	}
	if u.Platform == "" || u.ID == "" {
		return Reply{}, errors.New("handoff start: the user has no platform id to answer to")
	}
	handle := h.handle(u)
	joined := Reply{Text: tx.Joined.In(u.Lang), Buttons: []Button{h.endButton(u.Lang)}}
	if _, ok, err := h.o.Store.ByUser(ctx, handle); err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	} else if ok {
		return joined, nil
	}
	// Two taps (or two replicas) starting at once open one ticket.
	lock := "start:" + handle
	if ok, err := h.o.Store.Claim(ctx, lock, time.Minute); err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	} else if !ok {
		return joined, nil
	}
	defer h.o.Store.Release(context.WithoutCancel(ctx), lock)
	// Another start may have finished between the first look and the claim.
	if _, ok, err := h.o.Store.ByUser(ctx, handle); err != nil {
		return Reply{}, fmt.Errorf("handoff start: %w", err)
	} else if ok {
		return joined, nil
	}

	now := h.o.Now()
	t := Ticket{ID: uuid.NewString(), Handle: handle, Platform: u.Platform, To: u.ID, Lang: u.Lang,
		Status: StatusOpen, Opened: now, Activity: now, Recent: recent, Guesses: guesses}
	if set.ShowName {
		t.Name = u.Name
	}
	hours := NewHours(set)
	closed := !hours.IsOpen(now)
	ref, err := h.o.Desk.PostTicket(ctx, t.view(closed))
	if err != nil {
		return Reply{}, fmt.Errorf("handoff start: post ticket: %w", err)
	}
	t.Desk = ref
	if err := h.o.Store.Create(ctx, t); err != nil {
		// The ticket is at the desk but not in the store: say so there,
		// so staff do not answer into a thread that leads nowhere.
		h.note(ctx, ref, "⚠️ この問い合わせを保存できませんでした。返信はユーザーに届きません。 / This ticket could not be saved; replies will not reach the user.")
		return Reply{}, fmt.Errorf("handoff start: save ticket: %w", err)
	}
	h.metrics.opened.Inc()
	h.o.Log.Info("handoff opened", "ticket", t.ID, "handle", handle, "platform", u.Platform, "out_of_hours", closed)
	text := tx.Opened.In(u.Lang)
	if closed {
		text += "\n" + h.outOfHours(set, now, u.Lang)
	}
	return Reply{Text: text, Buttons: []Button{h.endButton(u.Lang)}}, nil
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
	if err := h.o.Desk.Post(ctx, t.Desk, "💬 "+escape(text)); err != nil {
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
	if err := h.o.Desk.Post(ctx, t.Desk, note); err != nil {
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

// escape keeps a user's text from being read as Slack markup (a mention
// of @channel, a fake link).
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// dedupTTL is how long a delivered staff event id is remembered; Slack
// retries within minutes.
const dedupTTL = 24 * time.Hour

// FromStaff pushes a staff member's thread message to the user, split at
// LINE's limits, and reacts ✅ when delivered or ⚠️ with a note when not.
// A message starting with // is an internal note and stays at the desk. A
// message delivered again (a Slack retry, another replica, a second event
// for the same message) is pushed once: the first delivery claims the
// message in the store (SET NX), and its pushes carry X-Line-Retry-Keys
// derived from the message, so LINE too accepts each once.
// Problems the staff can fix (a closed or unknown ticket) are told in the
// thread; the error is for failures of the store or the desk.
func (h *Handoff) FromStaff(ctx context.Context, m StaffMessage) error {
	if m.ThreadTS == "" || m.ThreadTS == m.TS || m.BotID != "" {
		return nil // not a person writing in a ticket thread
	}
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
	text := Plain(m.Text)
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
	if first, err := h.o.Store.FirstReply(ctx, t.ID, now); err == nil && first {
		h.metrics.firstReply.Observe(now.Sub(t.Opened).Seconds())
	}
	if err := h.o.Store.Touch(ctx, t.ID, now); err != nil {
		h.o.Log.Warn("handoff touch failed", "ticket", t.ID, "err", err)
	}
	if err := h.o.Desk.React(ctx, m.Channel, m.TS, ReactDelivered); err != nil {
		return fmt.Errorf("handoff from staff: react: %w", err)
	}
	return nil
}

// refuse marks a staff message ⚠️ and says why in the thread.
func (h *Handoff) refuse(ctx context.Context, ref DeskRef, ts, why string) error {
	errReact := h.o.Desk.React(ctx, ref.Channel, ts, ReactFailed)
	errPost := h.o.Desk.Post(ctx, ref, "⚠️ "+why)
	if err := errors.Join(errReact, errPost); err != nil {
		return fmt.Errorf("handoff: tell staff: %w", err)
	}
	return nil
}

func (h *Handoff) note(ctx context.Context, ref DeskRef, text string) {
	if err := h.o.Desk.Post(context.WithoutCancel(ctx), ref, text); err != nil {
		h.o.Log.Warn("handoff note failed", "err", err)
	}
}

// retryNamespace roots the push retry keys, so that one Slack message
// always maps to the same X-Line-Retry-Key, whichever replica pushes it.
var retryNamespace = uuid.MustParse("0b8e5c1e-7a3f-4f0e-9a57-6d2a1c4b9e10")

// RetryKey is the push retry key of part i of the delivery named key.
func RetryKey(key string, i int) string {
	return uuid.NewSHA1(retryNamespace, fmt.Appendf(nil, "%s/%d", key, i)).String()
}

// push sends text to the ticket's user in order, in as many calls as
// LINE's limits need.
func (h *Handoff) push(ctx context.Context, t Ticket, text, key string) error {
	f := fnv.New32a()
	f.Write([]byte(t.ID))
	mu := &h.locks[f.Sum32()%uint32(len(h.locks))]
	mu.Lock()
	defer mu.Unlock()
	for i, b := range batches(Split(text, MaxText)) {
		if err := h.o.Messenger.Push(ctx, t.To, b, RetryKey(key, i)); err != nil {
			return err
		}
	}
	return nil
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
		return h.o.Desk.Post(ctx, where, "⚠️ この問い合わせの記録はもうありません。 / This ticket no longer exists.")
	case t.Status == StatusClosed:
		return h.o.Desk.Post(ctx, where, "⚠️ この問い合わせは終了しています。 / This conversation is already closed.")
	}
	switch a.Kind {
	case ActionTake:
		if err := h.o.Store.Take(ctx, t.ID, a.Staff); err != nil {
			return fmt.Errorf("handoff take: %w", err)
		}
		t.Taker = a.Staff
		return h.o.Desk.UpdateTicket(ctx, t.Desk, t.view(false))
	case ActionClose:
		_, err := h.close(ctx, t, a.Staff, ReasonStaff)
		return err
	case ActionSend:
		return h.sendAnswer(ctx, t, a)
	}
	return h.o.Desk.Post(ctx, t.Desk, fmt.Sprintf("⚠️ 不明なボタンです。 / Unknown button %q.", a.Kind))
}

// sendAnswer pushes one of the bot's answers on a staff member's behalf.
// A double click within a minute sends it once.
func (h *Handoff) sendAnswer(ctx context.Context, t Ticket, a Action) error {
	if h.o.Answers == nil {
		return h.o.Desk.Post(ctx, t.Desk, "⚠️ 回答を送る機能は設定されていません。 / Sending answers is not set up.")
	}
	text, ok := h.o.Answers(a.IntentID, t.Lang)
	if !ok {
		return h.o.Desk.Post(ctx, t.Desk, fmt.Sprintf("⚠️ 回答 %q は見つかりません。 / The answer %q no longer exists.", a.IntentID, a.IntentID))
	}
	key := "send:" + t.ID + ":" + a.IntentID
	if first, err := h.o.Store.Claim(ctx, key, time.Minute); err != nil {
		return fmt.Errorf("handoff send answer: %w", err)
	} else if !first {
		return nil
	}
	if err := h.push(ctx, t, text, key+":"+h.o.Now().Truncate(time.Minute).Format(time.RFC3339)); err != nil {
		h.metrics.pushFailures.Inc()
		return h.o.Desk.Post(ctx, t.Desk, "⚠️ 回答を届けられませんでした。 / The answer was not delivered: "+err.Error())
	}
	h.metrics.relayed.WithLabelValues("to_user").Inc()
	now := h.o.Now()
	if first, err := h.o.Store.FirstReply(ctx, t.ID, now); err == nil && first {
		h.metrics.firstReply.Observe(now.Sub(t.Opened).Seconds())
	}
	if err := h.o.Store.Touch(ctx, t.ID, now); err != nil {
		return fmt.Errorf("handoff send answer: %w", err)
	}
	return h.o.Desk.Post(ctx, t.Desk, fmt.Sprintf("✅ <@%s> が回答 %q を送りました。 / <@%s> sent the answer %q.", a.Staff, a.IntentID, a.Staff, a.IntentID))
}

// Close ends the user's conversation at their request and returns the
// text telling them the bot answers again.
func (h *Handoff) Close(ctx context.Context, u UserRef) (Reply, error) {
	t, ok, err := h.o.Store.ByUser(ctx, h.handle(u))
	if err != nil {
		return Reply{}, fmt.Errorf("handoff close: %w", err)
	}
	if ok {
		if _, err := h.close(ctx, t, "", ReasonUser); err != nil {
			return Reply{}, err
		}
	}
	return Reply{Text: h.o.Settings().Texts.Closed.In(u.Lang)}, nil
}

// close closes t once (whichever replica or button gets there first),
// updates the ticket, and tells the user unless they closed it themselves.
func (h *Handoff) close(ctx context.Context, t Ticket, by string, reason Reason) (bool, error) {
	now := h.o.Now()
	closed, err := h.o.Store.CloseTicket(ctx, t.ID, by, reason, now)
	if err != nil {
		return false, fmt.Errorf("handoff close: %w", err)
	}
	if !closed {
		return false, nil
	}
	h.metrics.closed.WithLabelValues(string(reason)).Inc()
	h.o.Log.Info("handoff closed", "ticket", t.ID, "handle", t.Handle, "reason", reason)
	t.Status, t.ClosedBy, t.Reason, t.Closed = StatusClosed, by, reason, now
	var errs []error
	if err := h.o.Desk.UpdateTicket(ctx, t.Desk, t.view(false)); err != nil {
		errs = append(errs, fmt.Errorf("update ticket: %w", err))
	}
	var note string
	var tell catalogue.Text
	tx := h.o.Settings().Texts
	switch reason {
	case ReasonUser:
		note = "ユーザーが会話を終了しました。 / The user ended the conversation."
	case ReasonStaff:
		note, tell = fmt.Sprintf("<@%s> が会話を終了しました。 / Closed by <@%s>.", by, by), tx.ClosedByStaff
	case ReasonInactivity:
		note, tell = "しばらくやり取りがないため終了しました。 / Closed after inactivity.", tx.ClosedInactive
	}
	if s := tell.In(t.Lang); s != "" {
		if err := h.push(ctx, t, s, "close:"+t.ID); err != nil {
			h.metrics.pushFailures.Inc()
			note += " ⚠️ ユーザーへの通知は届きませんでした。 / The user could not be told: " + err.Error()
		}
	}
	if err := h.o.Desk.Post(ctx, t.Desk, note); err != nil {
		errs = append(errs, fmt.Errorf("post note: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return true, fmt.Errorf("handoff close %s: %w", t.ID, err)
	}
	return true, nil
}

// Sweep closes the conversations nobody wrote in for the inactivity
// timeout and returns how many it closed. Call it every few minutes; two
// replicas sweeping at once close each conversation once.
func (h *Handoff) Sweep(ctx context.Context) (int, error) {
	limit := h.o.Settings().Inactivity
	if limit <= 0 {
		limit = 24 * time.Hour
	}
	open, err := h.o.Store.Open(ctx)
	if err != nil {
		return 0, fmt.Errorf("handoff sweep: %w", err)
	}
	now := h.o.Now()
	n := 0
	var errs []error
	for _, t := range open {
		if now.Sub(t.Activity) < limit {
			continue
		}
		closed, err := h.close(ctx, t, "", ReasonInactivity)
		if err != nil {
			errs = append(errs, err)
		}
		if closed {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// Open lists the open conversations, oldest first, for the staff's
// "/madoguchi handoffs" command.
func (h *Handoff) Open(ctx context.Context) ([]View, error) {
	ts, err := h.o.Store.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("handoff open list: %w", err)
	}
	vs := make([]View, len(ts))
	for i, t := range ts {
		vs[i] = t.view(false)
	}
	return vs, nil
}

// RunSweeper calls Sweep every interval until ctx ends; run it in its own
// goroutine on every replica (the store makes concurrent sweeps safe).
func (h *Handoff) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := h.Sweep(ctx); err != nil {
				h.o.Log.Warn("handoff sweep failed", "closed", n, "err", err)
			} else if n > 0 {
				h.o.Log.Info("handoff sweep", "closed", n)
			}
		}
	}
}
