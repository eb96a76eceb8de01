package redis

import (
	"context"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// TestHandoffReadTokens checks on a real redis-server that an open
// ticket keeps its latest token, gives it once, and that a closed or
// unknown ticket keeps none.
func TestHandoffReadTokens(t *testing.T) {
	s := open(t, redistest.Start(t).URL()).Handoff()
	ctx := context.Background()
	tk := handoff.Ticket{ID: "t1", Handle: "h1", Platform: "line", To: "Uraw",
		Desk: handoff.DeskRef{Channel: "C1", TS: "1.1"}, Status: handoff.StatusOpen, Opened: monday10, Activity: monday10}
	if err := s.Create(ctx, tk); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name, set, id, want string
		close               bool
	}{
		{name: "none yet", id: "t1", want: ""},
		{name: "latest wins", set: "tok-2", id: "t1", want: "tok-2"},
		{name: "taken once", id: "t1", want: ""},
		{name: "unknown ticket", set: "tok-3", id: "missing", want: ""},
		{name: "closed ticket", set: "tok-4", id: "t1", want: "", close: true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.close {
				if _, err := s.CloseTicket(ctx, "t1", "USTAFF", handoff.ReasonStaff, monday10.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			if st.name == "latest wins" {
				if err := s.SetReadToken(ctx, st.id, "tok-1"); err != nil {
					t.Fatal(err)
				}
			}
			if st.set != "" {
				if err := s.SetReadToken(ctx, st.id, st.set); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.TakeReadToken(ctx, st.id)
			if err != nil || got != st.want {
				t.Errorf("TakeReadToken = %q, %v; want %q", got, err, st.want)
			}
		})
	}
	if m, _ := s.c.c.HGetAll(ctx, ticketKey("missing")).Result(); len(m) != 0 {
		t.Errorf("a token for an unknown ticket created it: %v", m)
	}
}
