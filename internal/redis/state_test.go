package redis

import (
	"context"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/state/statetest"
)

// TestState runs the state store's contract (internal/state/statetest)
// on a real redis-server.
func TestState(t *testing.T) {
	statetest.Run(t, open(t, redistest.Start(t).URL()).State())
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
