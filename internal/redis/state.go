package redis

import (
	"context"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// State is the state store shared between replicas: which events were
// handled, the choices last offered to each user, and rate counts. Each
// operation is atomic in Redis, so two replicas racing on one redelivered
// event claim it once.
type State struct{ c *Client }

var (
	_ bot.Store      = (*State)(nil)
	_ intake.Claimer = (*State)(nil)
)

// stateTimeout bounds one state operation, retry included: the bot
// answers without Redis rather than wait for it.
const stateTimeout = 500 * time.Millisecond

// State returns the state store on c.
func (c *Client) State() *State { return &State{c: c} }

// Claim sets key if absent for ttl and reports whether this call set it.
func (s *State) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	return s.c.claim(ctx, claimPrefix+key, ttl)
}

// Release deletes a claim.
func (s *State) Release(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	return s.c.release(ctx, claimPrefix+key)
}

// PutChoices remembers the choices offered to user, for ttl.
func (s *State) PutChoices(ctx context.Context, user string, ids []string, ttl time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	if err := s.c.c.Set(ctx, choicesPrefix+user, strings.Join(ids, "\n"), ttl).Err(); err != nil {
		return fmt.Errorf("redis put choices: %w", err)
	}
	return nil
}

// Choices returns the choices last offered to user, or nil.
func (s *State) Choices(ctx context.Context, user string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	v, err := s.c.c.Get(ctx, choicesPrefix+user).Result()
	if isNil(err) || err == nil && v == "" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redis get choices: %w", err)
	}
	return strings.Split(v, "\n"), nil
}

// Count increments key's counter and starts its window if new (INCR and
// PEXPIRE NX in one transaction), and returns the count.
func (s *State) Count(ctx context.Context, key string, window time.Duration) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	k := countPrefix + key
	var incr *goredis.IntCmd
	_, err := s.c.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		incr = p.Incr(ctx, k)
		// PEXPIRE, not go-redis's ExpireNX, which rounds to whole seconds.
		p.Do(ctx, "PEXPIRE", k, window.Milliseconds(), "NX")
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("redis count: %w", err)
	}
	return incr.Val(), nil
}
