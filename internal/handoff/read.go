package handoff

import (
	"context"
	"fmt"
)

// ReadMarker marks a user's messages read on the chat platform, as the
// platform's own chat does when a person opens it (LINE's 既読). The
// handoff uses it when the Messenger implements it.
type ReadMarker interface {
	// MarkRead marks the message that carried token, and every earlier
	// message of the same chat, read.
	MarkRead(ctx context.Context, token string) error
}

// ReadTokens keeps the latest mark-as-read token of each open ticket. The
// handoff uses it when the Store implements it; a closed ticket's token
// goes with the ticket.
type ReadTokens interface {
	// SetReadToken keeps token as the ticket's latest (a later one
	// replaces it); it does nothing for a ticket that is not stored.
	SetReadToken(ctx context.Context, id, token string) error
	// TakeReadToken returns the ticket's token and forgets it, so that
	// the same messages are marked once; "" when there is none.
	TakeReadToken(ctx context.Context, id string) (string, error)
}

// KeepReadToken notes the mark-as-read token of a message u sent into
// their open conversation with staff, so that the messages are marked
// read when a staff member takes the ticket or replies. It does nothing
// when u has no open conversation, when the message had no token, or when
// the store or the messenger cannot keep or use tokens.
func (h *Handoff) KeepReadToken(ctx context.Context, u UserRef, token string) error {
	tokens, ok := h.o.Store.(ReadTokens)
	if _, marks := h.o.Messenger.(ReadMarker); !ok || !marks || token == "" || u.Group {
		return nil
	}
	t, open, err := h.o.Store.ByUser(ctx, h.handle(u))
	if err != nil {
		return fmt.Errorf("handoff read token: %w", err)
	}
	if !open {
		return nil
	}
	if err := tokens.SetReadToken(ctx, t.ID, token); err != nil {
		return fmt.Errorf("handoff read token: %w", err)
	}
	return nil
}

// markRead marks the ticket's user's messages read, when a token waits.
// Failing to is logged, never an error: the reply itself went out (the
// platform client counts every call, failures too).
func (h *Handoff) markRead(ctx context.Context, t Ticket) {
	tokens, ok := h.o.Store.(ReadTokens)
	marker, marks := h.o.Messenger.(ReadMarker)
	if !ok || !marks {
		return
	}
	token, err := tokens.TakeReadToken(ctx, t.ID)
	if err != nil {
		h.o.Log.Warn("handoff: read token not read", "ticket", t.ID, "err", err)
		return
	}
	if token == "" {
		return
	}
	if err := marker.MarkRead(ctx, token); err != nil {
		h.o.Log.Warn("handoff: messages not marked read", "ticket", t.ID, "err", err)
	}
}
