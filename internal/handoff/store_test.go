package handoff

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// stores runs f against the in-memory store; internal/redis runs the same
// tests on its store.
func stores(t *testing.T, f func(t *testing.T, s Store, clk *clock)) {
	t.Run("memory", func(t *testing.T) {
		clk := &clock{now: monday10}
		f(t, NewMemory(clk.Now), clk)
	})
}

func TestStore(t *testing.T) {
	stores(t, func(t *testing.T, s Store, _ *clock) {
		ctx := context.Background()
		tk := Ticket{ID: "t1", Handle: "h1", Platform: "line", To: "Uraw", Lang: catalogue.English,
			Desk: DeskRef{"C1", "1.1"}, Status: StatusOpen, Opened: monday10, Activity: monday10,
			Recent: []Exchange{{User: "q", Bot: "a"}}, Guesses: []Guess{{IntentID: "i", Title: "T"}}}
		if err := s.Create(ctx, tk); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.ByUser(ctx, "h1")
		if err != nil || !ok || got.ID != "t1" || got.To != "Uraw" || got.Lang != catalogue.English ||
			!got.Opened.Equal(monday10) || len(got.Recent) != 1 || got.Guesses[0].Title != "T" {
			t.Fatalf("ByUser = %+v, %v, %v", got, ok, err)
		}
		if got, ok, _ := s.ByThread(ctx, DeskRef{"C1", "1.1"}); !ok || got.ID != "t1" {
			t.Errorf("ByThread = %+v, %v", got, ok)
		}
		if _, ok, _ := s.ByThread(ctx, DeskRef{"C1", "9.9"}); ok {
			t.Error("ByThread found an unknown thread")
		}
		later := monday10.Add(time.Hour)
		s.Touch(ctx, "t1", later)
		s.Touch(ctx, "t1", monday10) // older: ignored
		s.Take(ctx, "t1", "USTAFF")
		s.Touch(ctx, "missing", later)
		if got, _, _ := s.Get(ctx, "t1"); !got.Activity.Equal(later) || got.Taker != "USTAFF" {
			t.Errorf("after touch and take: activity %v taker %q", got.Activity, got.Taker)
		}
		if _, ok, _ := s.Get(ctx, "missing"); ok {
			t.Error("touch created a missing ticket")
		}
		for i, want := range []bool{true, false} {
			if first, err := s.FirstReply(ctx, "t1", later); err != nil || first != want {
				t.Errorf("FirstReply #%d = %v, %v; want %v", i, first, err, want)
			}
		}
		if open, err := s.Open(ctx); err != nil || len(open) != 1 {
			t.Errorf("Open = %d tickets, %v; want 1", len(open), err)
		}
		for i, want := range []bool{true, false} {
			if closed, err := s.CloseTicket(ctx, "t1", "USTAFF", ReasonStaff, later); err != nil || closed != want {
				t.Errorf("CloseTicket #%d = %v, %v; want %v", i, closed, err, want)
			}
		}
		if _, ok, _ := s.ByUser(ctx, "h1"); ok {
			t.Error("ByUser finds a closed ticket")
		}
		if got, ok, _ := s.ByThread(ctx, DeskRef{"C1", "1.1"}); !ok || got.Status != StatusClosed || got.Reason != ReasonStaff || got.ClosedBy != "USTAFF" ||
			got.To != "" || len(got.Recent) != 0 {
			t.Errorf("closed ticket by thread = %+v, %v", got, ok)
		}
		if open, _ := s.Open(ctx); len(open) != 0 {
			t.Errorf("Open after close = %d, want 0", len(open))
		}
		for i, want := range []bool{true, false} {
			if ok, err := s.Claim(ctx, "k", time.Minute); err != nil || ok != want {
				t.Errorf("Claim #%d = %v, %v; want %v", i, ok, err, want)
			}
		}
		s.Release(ctx, "k")
		if ok, _ := s.Claim(ctx, "k", time.Minute); !ok {
			t.Error("Claim after Release refused")
		}
	})
}

// TestConcurrentStarts: a user tapping "Connect" on two replicas at once
// gets one ticket.
func TestConcurrentStarts(t *testing.T) {
	stores(t, func(t *testing.T, s Store, clk *clock) {
		f := newFixture(t, s, clk)
		if _, err := f.h.Consent(context.Background(), alice); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.h.Start(context.Background(), alice); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got := len(f.desk.tickets); got != 1 {
			t.Errorf("got %d tickets, want 1", got)
		}
		if open, _ := s.Open(context.Background()); len(open) != 1 {
			t.Errorf("got %d open tickets, want 1", len(open))
		}
	})
}
