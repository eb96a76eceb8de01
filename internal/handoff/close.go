package handoff

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Close ends the user's conversation at their request and returns the
// text telling them the bot answers again, with the rating question when
// staff helped them (see rating).
func (h *Handoff) Close(ctx context.Context, u UserRef) (Reply, error) {
	t, ok, err := h.o.Store.ByUser(ctx, h.handle(u))
	if err != nil {
		return Reply{}, fmt.Errorf("handoff close: %w", err)
	}
	text := h.o.Settings().Texts.Closed.In(u.Lang)
	if !ok {
		return Reply{Text: text}, nil
	}
	closed, err := h.close(ctx, t, "", ReasonUser)
	if err != nil {
		return Reply{}, err
	}
	if !closed { // staff or the sweeper closed it first, and asked
		return Reply{Text: text}, nil
	}
	t.Lang = u.Lang
	return h.withRating(t, text), nil
}

// close closes t once (whichever replica or button gets there first),
// updates the ticket, and tells the user unless they closed it themselves,
// asking for a rating in the same push when staff helped them and the
// messenger can ask (see rating).
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
	h.switchMenu(ctx, t, false)
	var errs []error
	if err := h.o.Desk.UpdateTicket(ctx, t.Desk, t.view(false)); err != nil {
		errs = append(errs, fmt.Errorf("update ticket: %w", err))
	}
	note := Note{Staff: by}
	var tell catalogue.Text
	tx := h.o.Settings().Texts
	switch reason {
	case ReasonUser:
		note.Text = "ユーザーが会話を終了しました。 / The user ended the conversation."
	case ReasonStaff:
		note.Text, tell = fmt.Sprintf("%[1]s が会話を終了しました。 / Closed by %[1]s.", StaffPlaceholder), tx.ClosedByStaff
	case ReasonInactivity:
		note.Text, tell = "しばらくやり取りがないため終了しました。 / Closed after inactivity.", tx.ClosedInactive
	}
	if s := tell.In(t.Lang); s != "" {
		if err := h.tell(ctx, t, s, "close:"+t.ID); err != nil {
			h.metrics.pushFailures.Inc()
			note.Text += " ⚠️ ユーザーへの通知は届きませんでした。 / The user could not be told: " + err.Error()
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

// tell pushes the closing text to t's user, with the rating question
// when they are to be asked and the messenger can ask.
func (h *Handoff) tell(ctx context.Context, t Ticket, text, key string) error {
	asker, ok := h.o.Messenger.(Asker)
	if !ok {
		return h.push(ctx, t, text, key)
	}
	r := h.withRating(t, text)
	if len(r.Buttons) == 0 {
		return h.push(ctx, t, text, key)
	}
	mu := h.lock(t)
	mu.Lock()
	defer mu.Unlock()
	return asker.PushButtons(ctx, t.To, r, t.Lang, key)
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
