// Package handoff hands a chat to the alumni office's staff and back: an
// alumnus who needs a person is offered the staff, consents, and from then
// on every message goes to a ticket thread at the staff's desk, while the
// staff's thread replies are pushed back to the chat, until either side or
// a quiet day closes it.
//
// The package knows the chat platform and the desk only as the two ports
// it defines, Messenger and Desk, and gives them plain text; the LINE and
// Slack adapters implement them and cmd/madoguchi wires them. Its state
// lives in a Store, in memory or in Redis so that several replicas share
// it, and every staff message is pushed once however often the desk
// delivers it.
//
// The files follow the conversation: user.go (offer, consent, start, the
// user's messages), limits.go (consent required, tickets per hour),
// staff.go (staff replies and buttons), close.go (closing and the
// sweeper), rating.go (the user's rating once staff helped), recent.go (what the ticket shows of the conversation before).
package handoff

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

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
	// Connected is set when the user is with staff after this reply (Start
	// opened a ticket, or one was open already), for the adapter to note
	// in the record that the question went to a person.
	Connected bool
}

// Button is a postback button.
type Button struct {
	Label string
	Data  string
}

// Options configure a Handoff. Store, Messenger, Desk, Settings and Key
// are required.
type Options struct {
	Store     Store
	Messenger Messenger
	Desk      Desk
	// Menus switches the user's chat menu while they talk with staff;
	// nil leaves menus alone.
	Menus Menus
	// Settings returns the current handoff settings (they change on reload).
	Settings func() catalogue.Handoff
	// Answers returns an intent's answer in a language, for "Send this
	// answer"; nil disables the button's effect.
	Answers func(intentID string, lang catalogue.Lang) (string, bool)
	// Journal keeps the moments of each conversation the office's figures
	// need (the record); nil keeps nothing.
	Journal Journal
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
	recent  *recentLog
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
	return &Handoff{o: o, metrics: newMetrics(o.Registerer), recent: newRecentLog(recentUsers, recentLife, o.Now)}, nil
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
