package handoff

import (
	"context"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Menus switches a chat user's menu (LINE's rich menu) while they talk
// with staff: the buttons to end the conversation and see the office's
// hours instead of the bot's topics. It is optional (Options.Menus). A
// switch that fails is logged and changes nothing else: the conversation
// opens and closes all the same.
type Menus interface {
	// WithStaff shows the user with platform id to the menu for talking
	// with staff, in lang.
	WithStaff(ctx context.Context, platform, to string, lang catalogue.Lang) error
	// WithBot gives the user back the bot's menu, in lang.
	WithBot(ctx context.Context, platform, to string, lang catalogue.Lang) error
}

// switchMenu shows the ticket's user the staff menu (staff) or the bot's.
func (h *Handoff) switchMenu(ctx context.Context, t Ticket, staff bool) {
	if h.o.Menus == nil {
		return
	}
	var err error
	if staff {
		err = h.o.Menus.WithStaff(ctx, t.Platform, t.To, t.Lang)
	} else {
		err = h.o.Menus.WithBot(ctx, t.Platform, t.To, t.Lang)
	}
	if err != nil {
		h.o.Log.Warn("handoff: the user's menu was not switched", "ticket", t.ID, "staff_menu", staff, "err", err)
	}
}
