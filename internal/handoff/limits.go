package handoff

import (
	"context"
	"fmt"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// consentLife is how long a shown consent text stays valid for a start:
// long enough to read it, short enough that a start button in an old
// message shows it again.
const consentLife = 30 * time.Minute

// ticketWindow is the window TicketsPerHour counts in.
const ticketWindow = time.Hour

func consentKey(handle string) string { return "consent:" + handle }

// showConsent records that the user with handle was shown the consent
// text now.
func (h *Handoff) showConsent(ctx context.Context, handle string) error {
	// Release first, so that the consent counts from now, not from an
	// earlier showing.
	if err := h.o.Store.Release(ctx, consentKey(handle)); err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	if _, err := h.o.Store.Claim(ctx, consentKey(handle), consentLife); err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// consented reports whether the user with handle was shown the consent
// text within consentLife. When not, it records that it is shown now: the
// caller shows it.
func (h *Handoff) consented(ctx context.Context, handle string) (bool, error) {
	// A claim that succeeds means there was none: no consent was shown.
	fresh, err := h.o.Store.Claim(ctx, consentKey(handle), consentLife)
	if err != nil {
		return false, fmt.Errorf("check consent: %w", err)
	}
	return !fresh, nil
}

// takeSlot takes one of the user's TicketsPerHour slots, each held for an
// hour from when it was taken, so that at most that many tickets open in
// any hour; ok is false when all are held. slot names the one taken, to
// give it back when no ticket opens after all.
func (h *Handoff) takeSlot(ctx context.Context, handle string, set catalogue.Handoff) (slot string, ok bool, err error) {
	n := set.TicketsPerHour
	if n <= 0 {
		n = catalogue.DefaultTicketsPerHour
	}
	for i := range n {
		key := fmt.Sprintf("tickets:%s:%d", handle, i)
		took, err := h.o.Store.Claim(ctx, key, ticketWindow)
		if err != nil {
			return "", false, fmt.Errorf("count tickets: %w", err)
		}
		if took {
			return key, true, nil
		}
	}
	return "", false, nil
}

// tooMany is the refusal beyond TicketsPerHour; a catalogue built in code
// may have none written.
func tooMany(set catalogue.Handoff) catalogue.Text {
	if t := set.Texts.TooMany; t.JA != "" && t.EN != "" {
		return t
	}
	return catalogue.DefaultTooMany
}
