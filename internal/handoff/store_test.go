package handoff

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// stores runs f against the in-memory store and a Redis store on a real
// redis-server.
func stores(t *testing.T, f func(t *testing.T, s Store, clk *clock)) {
	t.Run("memory", func(t *testing.T) {
		clk := &clock{now: monday10}
		f(t, NewMemory(clk.Now), clk)
	})
	t.Run("redis", func(t *testing.T) {
		srv := redistest.Start(t)
		r, err := NewRedis(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		f(t, r, &clock{now: monday10})
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

// TestReplicasShareRedis runs two Handoff instances, as two replicas, on
// one redis-server: a conversation opened on one is served by the other,
// and a staff event that reaches both, several times, is pushed once.
func TestReplicasShareRedis(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	clk := &clock{now: monday10}
	msg := &messenger{}
	dsk := &desk{}
	replica := func() *fixture {
		r, err := NewRedis(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		f := newFixture(t, r, clk)
		// Both replicas talk to the same LINE and Slack.
		f.h.o.Messenger, f.h.o.Desk, f.msg, f.desk = msg, dsk, msg, dsk
		return f
	}
	a, b := replica(), replica()
	tk := a.start(t, alice)
	if active, err := b.h.Active(ctx, alice); err != nil || !active {
		t.Fatalf("replica b: Active = %v, %v", active, err)
	}
	if r, err := b.h.Start(ctx, alice); err != nil || r.Text != "joined" {
		t.Errorf("start on b = %q, %v; want joined", r.Text, err)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := a.h
			if i%2 == 1 {
				h = b.h
			}
			if err := h.FromStaff(ctx, staff(tk, "2000.1", "one answer")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(msg.got()); got != 1 {
		t.Errorf("got %d pushes, want 1", got)
	}
	if got := dsk.reacted("2000.1"); len(got) != 1 {
		t.Errorf("reactions = %v, want one ✅", got)
	}
	// A replica restarted (a new client, nothing in memory) carries on.
	c := replica()
	if err := c.h.FromStaff(ctx, staff(tk, "2000.2", "second answer")); err != nil {
		t.Fatal(err)
	}
	if got := len(msg.got()); got != 2 {
		t.Errorf("after restart: %d pushes, want 2", got)
	}
	// Two replicas sweeping at once close the conversation once.
	clk.Add(25 * time.Hour)
	var n [2]int
	wg.Add(2)
	for i, h := range []*Handoff{a.h, b.h} {
		go func() {
			defer wg.Done()
			n[i], _ = h.Sweep(ctx)
		}()
	}
	wg.Wait()
	if n[0]+n[1] != 1 {
		t.Errorf("sweeps closed %v, want 1 in all", n)
	}
	if got := len(msg.got()); got != 3 {
		t.Errorf("after sweep: %d pushes, want 3 (one close notice)", got)
	}
}

// TestRedisOutage: with Redis down, a staff message fails with an error
// (for the adapter to log and Slack to see) rather than a panic or a push.
func TestRedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	r, err := NewRedis(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f := newFixture(t, r, nil)
	tk := f.start(t, alice)
	srv.Stop()
	ctx := context.Background()
	if err := f.h.FromStaff(ctx, staff(tk, "2000.1", "hello")); err == nil {
		t.Error("FromStaff with Redis down: no error")
	}
	if _, err := f.h.Active(ctx, alice); err == nil {
		t.Error("Active with Redis down: no error")
	}
	if got := len(f.msg.got()); got != 0 {
		t.Errorf("pushed %d with Redis down, want 0", got)
	}
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
