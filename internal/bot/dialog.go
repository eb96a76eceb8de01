package bot

import (
	"context"
	"strconv"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/redact"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// Store is what a Dialog remembers per user: state.Memory for one replica,
// redis.State for several.
type Store interface {
	// PutChoices remembers what was offered to user, for ttl.
	PutChoices(ctx context.Context, user string, ids []string, ttl time.Duration) error
	// Choices returns what was last offered to user, or nil.
	Choices(ctx context.Context, user string) ([]string, error)
	// Count adds one to key's counter for the current window and returns it.
	Count(ctx context.Context, key string, window time.Duration) (int64, error)
}

// How long a clarifying question's choices can be picked by number, and
// the rate-limit window.
const (
	choicesTTL = 10 * time.Minute
	rateWindow = time.Minute
)

// maxChoiceBytes is the longest text read as a choice's number: a few
// digits, full-width as a phone may type them, with spaces around.
const maxChoiceBytes = 32

// Dialog adds memory of each user to a Bot: a clarifying question can be
// answered by typing the number of a choice, and each user may send at most
// a set number of messages a minute.
type Dialog struct {
	bot   *Bot
	store Store
	limit int64
	// onError is told of store failures; the dialog carries on without
	// the store rather than fail the user.
	onError func(op string, err error)
	// rec records questions (nil: nothing is recorded); key signs the
	// feedback buttons; now is the clock of records and buttons.
	rec      Recorder
	key      []byte
	now      func() time.Time
	versions versions
}

// NewDialog returns a dialog over b. limit is the messages per minute a user
// may send (0: no limit); onError (may be nil) hears of store failures.
// Options add a Recorder (WithRecorder).
func NewDialog(b *Bot, store Store, limit int, onError func(op string, err error), opts ...Option) *Dialog {
	if onError == nil {
		onError = func(string, error) {}
	}
	d := &Dialog{bot: b, store: store, limit: int64(limit), onError: onError}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Bot returns the bot the dialog talks through.
func (d *Dialog) Bot() *Bot { return d.bot }

// Message answers a user's text. user identifies the user across messages
// (pseudonymised by the caller). A reply with Silent set must not be sent.
// A panic while answering, in the matcher or the store, is recovered: the
// reply is then the escalation (see Bot.OnPanic).
func (d *Dialog) Message(ctx context.Context, user, text string) (r Reply) {
	lang := LangOf(text)
	defer d.bot.recovered("message", lang, &r)
	if d.limit > 0 {
		n, err := d.store.Count(ctx, "rate:"+user, rateWindow)
		if err != nil {
			d.onError("count", err)
		}
		switch {
		case n == d.limit+1:
			return Reply{Decision: match.Escalate, Lang: lang, Limited: true, Text: d.bot.Index().Catalogue().Settings.Messages.RateLimited.In(lang)}
		case n > d.limit+1:
			return Reply{Decision: match.Escalate, Lang: lang, Limited: true, Silent: true}
		}
	}
	if r, ok := d.forget(ctx, user, text, lang); ok {
		return r
	}
	if r, ok := d.picked(ctx, user, text); ok {
		d.record(user, text, KindChoice, &r)
		return r
	}
	r = d.bot.Ask(text)
	d.record(user, text, KindQuestion, &r)
	warnPassword(d.bot.Index().Catalogue(), text, &r)
	// The language is kept even without choices, so that a number sent
	// later is answered in the language of the chat.
	offered := []string{string(r.Lang)}
	if r.Decision == match.Clarify {
		for _, c := range r.Choices {
			offered = append(offered, c.ID)
		}
	}
	if err := d.store.PutChoices(ctx, user, offered, choicesTTL); err != nil {
		d.onError("put choices", err)
	}
	return r
}

// warnPassword puts the password warning before the reply to a message
// that seems to give a password (the record keeps only redact.Withheld of
// it): the user is told it was not kept, never to send one, and to change
// it.
func warnPassword(cat *catalogue.Catalogue, text string, r *Reply) {
	if !redact.HasPassword(text) {
		return
	}
	w := cat.Settings.Record.WithDefaults().PasswordWarning.In(r.Lang)
	if r.Text == "" {
		r.Text = w
		return
	}
	r.Text = w + "\n\n" + r.Text
}

// picked answers a number typed after a clarifying question with the choice
// it names.
func (d *Dialog) picked(ctx context.Context, user, text string) (Reply, bool) {
	if len(text) > maxChoiceBytes {
		return Reply{}, false
	}
	n, err := strconv.Atoi(textnorm.Normalize(text))
	if err != nil || n < 1 {
		return Reply{}, false
	}
	offered, err := d.store.Choices(ctx, user)
	if err != nil {
		d.onError("choices", err)
		return Reply{}, false
	}
	if n >= len(offered) { // offered[0] is the language
		// Nothing to pick: a bare number is not a question, so show what
		// can be asked, in the chat's language (Japanese, the office's,
		// when nothing was said before).
		lang := catalogue.Japanese
		if len(offered) > 0 {
			lang = catalogue.Lang(offered[0])
		}
		return d.bot.Menu(lang), true
	}
	if err := d.store.PutChoices(ctx, user, nil, choicesTTL); err != nil {
		d.onError("put choices", err)
	}
	return d.bot.Choose(offered[n], catalogue.Lang(offered[0])), true
}
