// Package redis is madoguchi's one Redis adapter: one client from
// REDIS_URL, and on it the implementations of the ports the core packages
// define: the state store (dedup claims, offered choices, rate counts, for
// bot and intake), the intake's durable queue (one Redis Stream per
// platform) and the handoff's ticket store. Every key it writes is named
// in keyspace.go, so that what madoguchi keeps in Redis can be read in one
// place.
//
// The package is named for the technology, as WTF Dial's sqlite package
// is: the core knows only its ports, and cmd/madoguchi wires this in when
// REDIS_URL is set.
package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Client is the one connection pool to Redis that every store of a replica
// shares.
type Client struct {
	c *goredis.Client
}

// Open makes a client for url (redis://[:password@]host:port/db). It does
// not connect: Redis may come up after the bot, and each store reports
// Redis being down as its operations fail.
//
// Dials are short (the bot answers without Redis rather than wait for
// it), reads and writes wait a second at most, and the client honours
// context deadlines (ContextTimeoutEnabled): the state store bounds each of
// its calls shorter, to fail fast, while the queue's blocking reads wait
// their second.
func Open(url string) (*Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opt.DialTimeout = 250 * time.Millisecond
	opt.ReadTimeout = time.Second
	opt.WriteTimeout = time.Second
	opt.PoolTimeout = time.Second
	opt.MaxRetries = 1
	opt.ContextTimeoutEnabled = true
	// Each platform's queue holds one connection in a blocking read and
	// sends its appends, acknowledgements and claims one group at a time;
	// the rest serve the webhooks' state calls and the handoff.
	opt.PoolSize = max(32, 10*runtime.GOMAXPROCS(0))
	return &Client{c: goredis.NewClient(opt)}, nil
}

// Ping checks the connection, for /readyz.
func (c *Client) Ping(ctx context.Context) error {
	if err := c.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}

// AppendOnly reports whether Redis keeps an append-only file (INFO
// persistence's aof_enabled), for /readyz: without one, a restart of Redis
// loses the events waiting in the queue (snapshots alone lose what came
// after the last one).
func (c *Client) AppendOnly(ctx context.Context) (bool, error) {
	info, err := c.c.Info(ctx, "persistence").Result()
	if err != nil {
		return false, fmt.Errorf("redis info persistence: %w", err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "aof_enabled:"); ok {
			return v == "1", nil
		}
	}
	return false, errors.New("redis info persistence: no aof_enabled field")
}

// Close closes the connections. Call it after every store and queue using
// the client has finished (the queues' Shutdown).
func (c *Client) Close() error { return c.c.Close() }

// SetLogger makes go-redis log through logger, so that its lines (a
// dropped connection, a failed dial) are JSON like every other line rather
// than text that breaks a log pipeline. go-redis has one logger for the
// whole process: call this once, in run.
func SetLogger(logger *slog.Logger) { goredis.SetLogger(Logger{logger}) }

// Logger implements go-redis's logging interface with slog.
type Logger struct{ Log *slog.Logger }

// Printf logs one go-redis message as a warning: go-redis logs only
// trouble it works around.
func (l Logger) Printf(ctx context.Context, format string, v ...any) {
	l.Log.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}

// claim sets key if absent for ttl (SET NX PX) and reports whether this
// call set it: atomic across replicas, so that of two racing on one key
// one wins. The state store and the handoff store both claim through it.
func (c *Client) claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := c.c.SetNX(ctx, key, 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis claim: %w", err)
	}
	return ok, nil
}

// release deletes a claim.
func (c *Client) release(ctx context.Context, key string) error {
	if err := c.c.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("redis release: %w", err)
	}
	return nil
}

// isNil reports whether err is Redis's "no such key".
func isNil(err error) bool { return errors.Is(err, goredis.Nil) }
