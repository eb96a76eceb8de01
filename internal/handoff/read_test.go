package handoff

import (
	"context"
	"slices"
	"sync"
	"testing"
)

// readMessenger is the fake messenger that also marks messages read.
type readMessenger struct {
	messenger
	mu     sync.Mutex
	marked []string
}

func (m *readMessenger) MarkRead(_ context.Context, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.marked = append(m.marked, token)
	return nil
}

func (m *readMessenger) got() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.marked)
}

// TestMarkRead: the latest token of the user's messages is marked read
// when staff take the ticket or reply, once per token, and not after close.
func TestMarkRead(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	rm := &readMessenger{}
	f.h.o.Messenger = rm
	tk := f.start(t, alice)
	take := Action{Kind: ActionTake, TicketID: tk.ID, Staff: "USTAFF", Channel: tk.Desk.Channel, MessageTS: tk.Desk.TS}
	steps := []struct {
		name   string
		tokens []string
		do     func() error
		want   []string
	}{
		{"take with nothing to mark", nil, func() error { return f.h.StaffAction(ctx, take) }, nil},
		{"take marks the latest", []string{"tok-1", "tok-2"}, func() error { return f.h.StaffAction(ctx, take) }, []string{"tok-2"}},
		{"reply with nothing new", nil, func() error { return f.h.FromStaff(ctx, staff(tk, "2.1", "hello")) }, []string{"tok-2"}},
		{"reply marks a new one", []string{"tok-3"}, func() error { return f.h.FromStaff(ctx, staff(tk, "2.2", "more")) }, []string{"tok-2", "tok-3"}},
		{"closed keeps none", nil, func() error {
			if _, err := f.h.Close(ctx, alice); err != nil {
				return err
			}
			return f.h.KeepReadToken(ctx, alice, "tok-4")
		}, []string{"tok-2", "tok-3"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			for _, tok := range st.tokens {
				if err := f.h.KeepReadToken(ctx, alice, tok); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			if got := rm.got(); !slices.Equal(got, st.want) {
				t.Errorf("got marked %q, want %q", got, st.want)
			}
		})
	}
	if tok, _ := f.store.(ReadTokens).TakeReadToken(ctx, tk.ID); tok != "" {
		t.Errorf("a closed ticket kept token %q", tok)
	}
}
