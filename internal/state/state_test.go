package state

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stores are the implementations in this package; internal/redis runs
// the same tests on its State.
func stores(*testing.T) map[string]*Memory {
	return map[string]*Memory{"memory": NewMemory(time.Now)}
}

func TestStores(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
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
		})
	}
}

// TestClaimRace claims one key from many goroutines (replicas): exactly
// one wins.
func TestClaimRace(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
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
		})
	}
}

func TestMemorySweepsExpired(t *testing.T) {
	now := time.Unix(0, 0)
	m := NewMemory(func() time.Time { return now })
	ctx := context.Background()
	for i := range 100 {
		m.Claim(ctx, string(rune('a'+i%26))+string(rune(i)), time.Second)
	}
	now = now.Add(2 * time.Minute)
	m.Claim(ctx, "late", time.Second)
	if n := m.Len(); n != 1 {
		t.Errorf("%d entries after expiry and a sweep, want 1", n)
	}
}
