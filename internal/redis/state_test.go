package redis

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// TestState runs the state store's contract (as internal/state's memory
// store keeps it) on a real redis-server.
func TestState(t *testing.T) {
	ctx := context.Background()
	s := open(t, redistest.Start(t).URL()).State()
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

	for want := int64(1); want <= 3; want++ {
		if n, err := s.Count(ctx, "rate:u1", 100*time.Millisecond); n != want || err != nil {
			t.Fatalf("count = %d, %v; want %d", n, err, want)
		}
	}
	time.Sleep(150 * time.Millisecond)
	if n, _ := s.Count(ctx, "rate:u1", time.Minute); n != 1 {
		t.Errorf("count after the window = %d, want 1", n)
	}
}

// TestStateClaimRace claims one key from many goroutines (replicas):
// exactly one wins.
func TestStateClaimRace(t *testing.T) {
	s := open(t, redistest.Start(t).URL()).State()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := s.Claim(context.Background(), "race", time.Minute); ok && err == nil {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d claims won, want 1", wins.Load())
	}
}

// TestStateOutage stops Redis: operations fail fast with an error (the
// callers then answer without it), and work again once it is back.
func TestStateOutage(t *testing.T) {
	srv := redistest.Start(t)
	c := open(t, srv.URL())
	r := c.State()
	ctx := context.Background()
	if _, err := r.Claim(ctx, "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	start := time.Now()
	if _, err := r.Claim(ctx, "b", time.Minute); err == nil {
		t.Error("claim succeeded with Redis down")
	}
	if c.Ping(ctx) == nil {
		t.Error("ping succeeded with Redis down")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("failing took %v; it must fail fast", took)
	}
	srv.Restart(t)
	var ok bool
	var err error
	for i := 0; i < 50 && !ok; i++ { // the pool reconnects on its own
		ok, err = r.Claim(ctx, "c", time.Minute)
		time.Sleep(20 * time.Millisecond)
	}
	if !ok || err != nil {
		t.Errorf("claim after restart = %v, %v", ok, err)
	}
}

func TestOpenBadURL(t *testing.T) {
	if _, err := Open("http://nope"); err == nil {
		t.Error("Open accepted a non-redis URL")
	}
}
