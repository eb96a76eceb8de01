// Package statetest is the contract every state store keeps (event
// claims, the choices offered, rate counts), written once and run by each
// implementation's tests: the memory store in internal/state, Redis in
// internal/redis. Only tests import it.
package statetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// Store is the state store's two ports: the adapters' event claims and
// the dialog's memory.
type Store interface {
	intake.Claimer
	bot.Store
}

// Run runs the contract on s. Its subtests use keys of their own and run
// in parallel; the expiries are real (a store's own clock, or Redis's),
// so it sleeps a few hundred milliseconds.
func Run(t *testing.T, s Store) {
	ctx := context.Background()
	t.Run("claim", func(t *testing.T) {
		t.Parallel()
		if ok, err := s.Claim(ctx, "ev1", time.Minute); !ok || err != nil {
			t.Fatalf("first claim = %v, %v; want true", ok, err)
		}
		if ok, _ := s.Claim(ctx, "ev1", time.Minute); ok {
			t.Error("second claim succeeded")
		}
		if err := s.Release(ctx, "ev1"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.Claim(ctx, "ev1", time.Minute); !ok {
			t.Error("claim after release failed")
		}
		if ok, _ := s.Claim(ctx, "short", 50*time.Millisecond); !ok {
			t.Fatal("claim failed")
		}
		time.Sleep(120 * time.Millisecond)
		if ok, _ := s.Claim(ctx, "short", time.Minute); !ok {
			t.Error("claim not expired after its ttl")
		}
	})
	t.Run("choices", func(t *testing.T) {
		t.Parallel()
		if got, _ := s.Choices(ctx, "u1"); got != nil {
			t.Errorf("choices before any = %v", got)
		}
		s.PutChoices(ctx, "u1", []string{"ja", "a", "b"}, time.Minute)
		if got, _ := s.Choices(ctx, "u1"); len(got) != 3 || got[2] != "b" {
			t.Errorf("choices = %v", got)
		}
		s.PutChoices(ctx, "u1", nil, time.Minute)
		if got, _ := s.Choices(ctx, "u1"); got != nil {
			t.Errorf("cleared choices = %v", got)
		}
	})
	t.Run("count", func(t *testing.T) {
		t.Parallel()
		for want := int64(1); want <= 3; want++ {
			if n, err := s.Count(ctx, "rate:u1", 100*time.Millisecond); n != want || err != nil {
				t.Fatalf("count = %d, %v; want %d", n, err, want)
			}
		}
		time.Sleep(150 * time.Millisecond)
		if n, _ := s.Count(ctx, "rate:u1", time.Minute); n != 1 {
			t.Errorf("count after the window = %d, want 1", n)
		}
	})
	// Many goroutines (replicas) claim one key: exactly one wins.
	t.Run("claim race", func(t *testing.T) {
		t.Parallel()
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := s.Claim(ctx, "race", time.Minute); ok && err == nil {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d claims won, want 1", wins.Load())
		}
	})
}
