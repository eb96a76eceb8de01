package handoff

import (
	"context"
	"sync"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// stores runs f against the in-memory store. The store's own contract is
// handofftest's (store_contract_test.go), which Redis runs too.
func stores(t *testing.T, f func(t *testing.T, s Store, clk *testkit.Clock)) {
	t.Run("memory", func(t *testing.T) {
		clk := testkit.NewClock(monday10)
		f(t, NewMemory(clk.Now), clk)
	})
}

// TestConcurrentStarts: a user tapping "Connect" on two replicas at once
// gets one ticket.
func TestConcurrentStarts(t *testing.T) {
	stores(t, func(t *testing.T, s Store, clk *testkit.Clock) {
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
