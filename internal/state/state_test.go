package state

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// store is what both implementations provide.
type store interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, key string) error
	PutChoices(ctx context.Context, user string, ids []string, ttl time.Duration) error
	Choices(ctx context.Context, user string) ([]string, error)
	Count(ctx context.Context, key string, window time.Duration) (int64, error)
}

var (
	_ store = (*Memory)(nil)
	_ store = (*Redis)(nil)
)

func stores(t *testing.T) map[string]store {
	srv := redistest.Start(t)
	r, err := NewRedis(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return map[string]store{"memory": NewMemory(time.Now), "redis": r}
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

// TestRedisOutage stops Redis: operations fail fast with an error (the
// callers then answer without it), and work again once it is back.
func TestRedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	r, err := NewRedis(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	if _, err := r.Claim(ctx, "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	start := time.Now()
	if _, err := r.Claim(ctx, "b", time.Minute); err == nil {
		t.Error("claim succeeded with Redis down")
	}
	if r.Ping(ctx) == nil {
		t.Error("ping succeeded with Redis down")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("failing took %v; it must fail fast", took)
	}
	srv.Restart(t)
	var ok bool
	for i := 0; i < 50 && !ok; i++ { // the pool reconnects on its own
		ok, err = r.Claim(ctx, "c", time.Minute)
		time.Sleep(20 * time.Millisecond)
	}
	if !ok || err != nil {
		t.Errorf("claim after restart = %v, %v", ok, err)
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

func TestNewRedisBadURL(t *testing.T) {
	if _, err := NewRedis("http://nope"); err == nil {
		t.Error("NewRedis accepted a non-redis URL")
	}
}
