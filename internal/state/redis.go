package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis shares state between replicas. Each operation is atomic in Redis,
// so two replicas racing on one redelivered event claim it once.
type Redis struct {
	c      *redis.Client
	prefix string
}

// NewRedis connects to the server at url (redis://[:password@]host:port/db).
// Timeouts are short: the bot answers without Redis rather than wait for it.
func NewRedis(url string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opt.DialTimeout = 250 * time.Millisecond
	opt.ReadTimeout = 250 * time.Millisecond
	opt.WriteTimeout = 250 * time.Millisecond
	opt.PoolTimeout = 500 * time.Millisecond
	opt.MaxRetries = 1
	return &Redis{c: redis.NewClient(opt), prefix: "madoguchi:"}, nil
}

// Claim sets key if absent (SET NX EX) and reports whether this call set it.
func (r *Redis) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return r.c.SetNX(ctx, r.prefix+"claim:"+key, 1, ttl).Result()
}

// Release deletes a claim.
func (r *Redis) Release(ctx context.Context, key string) error {
	return r.c.Del(ctx, r.prefix+"claim:"+key).Err()
}

// PutChoices remembers the choices offered to user, for ttl.
func (r *Redis) PutChoices(ctx context.Context, user string, ids []string, ttl time.Duration) error {
	return r.c.Set(ctx, r.prefix+"choices:"+user, strings.Join(ids, "\n"), ttl).Err()
}

// Choices returns the choices last offered to user, or nil.
func (r *Redis) Choices(ctx context.Context, user string) ([]string, error) {
	v, err := r.c.Get(ctx, r.prefix+"choices:"+user).Result()
	if errors.Is(err, redis.Nil) || v == "" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(v, "\n"), nil
}

// Count increments key's counter and starts its window if new (INCR and
// PEXPIRE NX in one transaction), and returns the count.
func (r *Redis) Count(ctx context.Context, key string, window time.Duration) (int64, error) {
	k := r.prefix + "count:" + key
	var incr *redis.IntCmd
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, k)
		// PEXPIRE, not go-redis's ExpireNX, which rounds to whole seconds.
		p.Do(ctx, "PEXPIRE", k, window.Milliseconds(), "NX")
		return nil
	})
	if err != nil {
		return 0, err
	}
	return incr.Val(), nil
}

// Ping checks the connection, for readiness details.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }

// Close closes the connections.
func (r *Redis) Close() error { return r.c.Close() }
