package handoff

import (
	"context"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Messenger pushes text to a user of the chat platform (LINE).
type Messenger interface {
	// Push sends text to the user with platform id to, cut to the
	// platform's limits as it needs. key names this delivery: it is the
	// same for every attempt of it, on every replica, so that the platform
	// accepts it once; a push the platform already accepted is a success.
	Push(ctx context.Context, to, text, key string) error
}

// Desk is where staff work on tickets (a Slack channel). Everything the
// handoff gives it is plain text; the desk writes it in its own markup.
type Desk interface {
	// PostTicket posts a new ticket and returns where it is.
	PostTicket(ctx context.Context, v View) (DeskRef, error)
	// UpdateTicket rewrites the ticket message to show its new state.
	UpdateTicket(ctx context.Context, ref DeskRef, v View) error
	// Post writes a note in the ticket's thread.
	Post(ctx context.Context, ref DeskRef, n Note) error
	// React adds an emoji reaction (a name such as "white_check_mark") to
	// the message at ts.
	React(ctx context.Context, channel, ts, emoji string) error
	// Plain is a staff message's text (in the desk's markup) as the user
	// reads it, in lang: plain text that names no one at the desk.
	Plain(markup string, lang catalogue.Lang) string
}

// StaffPlaceholder marks where a Note names its staff member.
const StaffPlaceholder = "{staff}"

// Note is plain text for a ticket's thread: nothing in Text is read as
// the desk's markup (a user's "<!channel>" stays text), except that
// StaffPlaceholder names the staff member Staff, the way the desk names
// people.
type Note struct {
	Text  string
	Staff string
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

// Journal keeps what the office's figures need of the conversations with
// staff (internal/record implements it): when one opened, the first staff
// reply, and the user's rating after it closed. It names neither the
// staff member nor the user. Its methods queue the write and return.
type Journal interface {
	TicketOpened(id string, at time.Time)
	TicketReplied(id string, opened, at time.Time)
	Rated(id string, score, levels int, at time.Time)
}

// Asker is a Messenger that can also push a text with one-tap answers
// (LINE quick replies): with it, the handoff asks the user for a rating
// after staff helped them. key names the delivery, as for Push.
type Asker interface {
	PushButtons(ctx context.Context, to string, r Reply, lang catalogue.Lang, key string) error
}
