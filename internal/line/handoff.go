package line

import (
	"context"
	"errors"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/redact"
)

// handoffLink is the adapter's side of the staff handoff.
type handoffLink struct {
	h *handoff.Handoff
}

// EnableHandoff lets users of one-to-one chats talk to the office's staff:
// every escalation offers it, and while a user's conversation with staff is
// open their messages go to staff instead of to the bot. Call it before
// the queue starts handling events.
func (a *Adapter) EnableHandoff(h *handoff.Handoff) {
	a.ho = &handoffLink{h: h}
}

// maxGuessesKept bounds the bot's guesses offered on a ticket.
const maxGuessesKept = 3

// langSep separates a handoff button's data from the language it was
// offered in: LINE sends the data back verbatim, and the core's texts
// must come in the user's language.
const langSep = "|"

// handoffUser is the handoff's view of the event's sender; ok is false when
// the handoff is off or the sender is unknown.
func (a *Adapter) handoffUser(src webhook.SourceInterface, lang catalogue.Lang) (handoff.UserRef, bool) {
	if a.ho == nil {
		return handoff.UserRef{}, false
	}
	id := sourceUser(src)
	if id == "" {
		return handoff.UserRef{}, false
	}
	return handoff.UserRef{Platform: platform, ID: id, Lang: lang, Group: isGroup(src)}, true
}

// handoffText passes a one-to-one chat's text to staff while the user's
// conversation with them is open; done is false when the bot answers it.
func (a *Adapter) handoffText(ctx context.Context, qe intake.Event, e webhook.MessageEvent, text string) (done bool, err error) {
	u, ok := a.handoffUser(e.Source, bot.LangOf(text))
	if !ok || u.Group {
		return false, nil
	}
	// The token is kept before staff can see the message, so that taking
	// the ticket or replying to it marks it read.
	a.keepReadToken(ctx, u, qe.Payload)
	r, herr := a.ho.h.FromUser(ctx, u, text)
	return a.handoffDone(ctx, qe, e.ReplyToken, e.Source, u.Lang, r, herr)
}

// handoffNonText notes a sticker, image… in the ticket while the user's
// conversation with staff is open; done is false when the bot answers it.
func (a *Adapter) handoffNonText(ctx context.Context, qe intake.Event, e webhook.MessageEvent) (done bool, err error) {
	if a.ho == nil {
		return false, nil
	}
	u, ok := a.handoffUser(e.Source, catalogue.Japanese)
	if !ok || u.Group {
		return false, nil
	}
	if lang, ok := a.ho.h.LastLang(u); ok {
		u.Lang = lang
	}
	kind := "message"
	if e.Message != nil {
		kind = e.Message.GetType()
	}
	a.keepReadToken(ctx, u, qe.Payload)
	r, herr := a.ho.h.FromUserNonText(ctx, u, kind)
	return a.handoffDone(ctx, qe, e.ReplyToken, e.Source, u.Lang, r, herr)
}

// handoffDone sends the handoff's reply. ErrNotActive leaves the message
// to the bot; any other failure is logged (without the message) and
// answered with the office's contact, so the user is never left waiting.
func (a *Adapter) handoffDone(ctx context.Context, qe intake.Event, token string, src webhook.SourceInterface, lang catalogue.Lang, r handoff.Reply, err error) (bool, error) {
	switch {
	case errors.Is(err, handoff.ErrNotActive):
		return false, nil
	case err != nil:
		a.metrics.Failures.WithLabelValues(platform, "handoff").Inc()
		a.log.Warn("handoff failed; answered with the office contact", "event_id", qe.ID, "user", a.hashID(sourceUser(src)), "err", err)
		return true, a.deliver(ctx, qe, token, src, a.messages(a.officeContact(lang)))
	}
	if msgs := handoffMessages(r, lang); msgs != nil {
		return true, a.deliver(ctx, qe, token, src, msgs)
	}
	return true, nil
}

// handoffPostback answers the handoff's buttons: the offer, start, cancel,
// end, and the rating after a conversation closed.
func (a *Adapter) handoffPostback(ctx context.Context, qe intake.Event, e webhook.PostbackEvent) error {
	data, l, _ := strings.Cut(e.Postback.Data, langSep)
	lang := catalogue.Japanese
	if l == string(catalogue.English) {
		lang = catalogue.English
	}
	u, ok := a.handoffUser(e.Source, lang)
	if !ok {
		// A button from before the handoff was turned off.
		return a.deliver(ctx, qe, e.ReplyToken, e.Source, a.messages(a.officeContact(lang)))
	}
	var r handoff.Reply
	var err error
	switch data {
	case handoff.PostbackConsent:
		r, err = a.ho.h.Consent(ctx, u)
	case handoff.PostbackStart:
		if a.ho.h.WantsName() && !u.Group {
			u.Name = a.displayName(ctx, u.ID)
		}
		r, err = a.ho.h.Start(ctx, u)
		if err == nil && r.Connected && a.dialog != nil {
			// Marking the same question again (a second tap) changes nothing.
			a.dialog.HandedOff(platform + ":" + a.hashID(u.ID))
		}
	case handoff.PostbackCancel:
		r = a.ho.h.Cancel(lang)
	case handoff.PostbackEnd:
		r, err = a.ho.h.Close(ctx, u)
	default:
		if ticket, score, levels, ok := handoff.ParseRate(data); ok {
			r, err = a.ho.h.Rate(ctx, u, ticket, score, levels)
			break
		}
		err = errors.New("unknown handoff button " + data)
	}
	_, derr := a.handoffDone(ctx, qe, e.ReplyToken, e.Source, lang, r, err)
	return derr
}

// officeContact is the bot's answer to a request for a person (the
// catalogue's handoff intent: the office's contact), what a user gets when
// the staff cannot be reached through the chat.
func (a *Adapter) officeContact(lang catalogue.Lang) bot.Reply {
	for _, in := range a.bot.Index().Catalogue().Intents {
		if in.Handoff {
			return a.bot.Choose(in.ID, lang)
		}
	}
	return a.bot.Choose(bot.NoneChoice, lang)
}

// displayName is the user's LINE display name, or "" when LINE does not
// give it (the ticket then shows the handle only).
func (a *Adapter) displayName(ctx context.Context, userID string) string {
	name, err := a.api.displayName(ctx, userID)
	if err != nil {
		a.log.Warn("handoff: profile not read; the ticket shows the handle only", "err", err)
	}
	return name
}

// handoffMessages renders the handoff's reply: a text with its buttons as
// quick-reply postbacks; nil when there is nothing to send.
func handoffMessages(r handoff.Reply, lang catalogue.Lang) []messaging_api.MessageInterface {
	if r.Text == "" {
		return nil
	}
	parts := split(r.Text, maxTextUnits)
	msgs := make([]messaging_api.MessageInterface, 0, min(len(parts), maxMessages))
	for _, p := range parts[:min(len(parts), maxMessages)] {
		msgs = append(msgs, &messaging_api.TextMessage{Text: p})
	}
	if len(r.Buttons) > 0 {
		qr := &messaging_api.QuickReply{}
		for _, b := range r.Buttons[:min(len(r.Buttons), maxQuickReplies)] {
			qr.Items = append(qr.Items, handoffItem(b, lang))
		}
		setQuickReply(msgs[len(msgs)-1], qr)
	}
	return msgs
}

func handoffItem(b handoff.Button, lang catalogue.Lang) messaging_api.QuickReplyItem {
	return messaging_api.QuickReplyItem{
		Type: "action", // the SDK leaves it empty; LINE requires it
		Action: &messaging_api.PostbackAction{
			Label:       truncate(b.Label, maxQuickReplyLabel),
			Data:        b.Data + langSep + string(lang),
			DisplayText: truncate(b.Label, maxDisplayText),
		},
	}
}

// withOffer adds the "ask the office staff" button to an escalation (a
// reply carrying the office's contact and no answer) in a one-to-one
// chat, beside the office's link. It also notes the exchange for the
// ticket, should the user take the offer.
func (a *Adapter) withOffer(src webhook.SourceInterface, question string, r bot.Reply, msgs []messaging_api.MessageInterface) []messaging_api.MessageInterface {
	if a.ho == nil || isGroup(src) || len(msgs) == 0 {
		return msgs
	}
	user := sourceUser(src)
	if user == "" {
		return msgs
	}
	if question != "" {
		a.ho.h.Remember(handoff.UserRef{Platform: platform, ID: user, Lang: r.Lang}, exchangeOf(question, r), guessesOf(r))
	}
	if r.Decision != match.Escalate || r.Contact == nil {
		return msgs
	}
	item := handoffItem(a.ho.h.Offer(r.Lang), r.Lang)
	last := msgs[len(msgs)-1]
	var qr *messaging_api.QuickReply
	switch m := last.(type) {
	case *messaging_api.TextMessage:
		qr = m.QuickReply
	case *messaging_api.FlexMessage:
		qr = m.QuickReply
	}
	if qr == nil {
		qr = &messaging_api.QuickReply{}
	}
	// The offer goes first: it is what the user is most likely to want.
	qr.Items = append([]messaging_api.QuickReplyItem{item}, qr.Items...)
	qr.Items = qr.Items[:min(len(qr.Items), maxQuickReplies)]
	setQuickReply(last, qr)
	return msgs
}

// exchangeOf is how the ticket shows a question and the bot's reply: the
// answer's title, or the first line of what it said. The question is
// redacted, as in the record: the ticket is stored (in Redis, for a while
// after it closes), and staff can ask for what they need.
func exchangeOf(question string, r bot.Reply) handoff.Exchange {
	said := r.Title
	if said == "" {
		said, _, _ = strings.Cut(r.Text, "\n")
	}
	return handoff.Exchange{User: truncate(redact.Text(question), 300), Bot: truncate(said, 120)}
}

// guessesOf are the bot's best candidates for a question, offered to staff
// as answers to send: the answered intent first, then the other
// candidates. A request for a person has none (its candidates match the
// request, not the need), so the question before it keeps its guesses.
func guessesOf(r bot.Reply) []handoff.Guess {
	if r.Match.Handoff {
		return nil
	}
	var gs []handoff.Guess
	seen := map[string]bool{}
	add := func(id, title string) {
		if len(gs) < maxGuessesKept && !seen[id] {
			seen[id] = true
			gs = append(gs, handoff.Guess{IntentID: id, Title: title})
		}
	}
	if r.Intent != "" {
		add(r.Intent, r.Title)
	}
	for _, c := range r.Match.Candidates {
		if c.Intent != nil && !c.Intent.Handoff {
			add(c.Intent.ID, c.Intent.Title.In(r.Lang))
		}
	}
	return gs
}
