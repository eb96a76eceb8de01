package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/keys"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redis"
)

// intakeConfig is how events are queued and how long they may take.
type intakeConfig struct {
	// shutdownGrace bounds the graceful shutdown: the HTTP server's last
	// requests and the events still queued or held.
	shutdownGrace time.Duration
	// eventTimeout bounds the handling of one event (its API calls and
	// their retries).
	eventTimeout time.Duration
	// claimIdle is how long an event may stay with a replica (Redis)
	// before another takes it over; more than eventTimeout.
	claimIdle time.Duration
}

// defaults fills what tests that build a serveConfig by hand leave out,
// with the flags' defaults.
func (ic *intakeConfig) defaults() {
	if ic.shutdownGrace == 0 {
		ic.shutdownGrace = 25 * time.Second
	}
	if ic.eventTimeout == 0 {
		ic.eventTimeout = 20 * time.Second
	}
	if ic.claimIdle == 0 {
		ic.claimIdle = 30 * time.Second
	}
}

// intakeFlags registers the intake's flags; the returned function parses
// their values once the flag set is parsed.
func (c *cli) intakeFlags(fs *flag.FlagSet) func() (intakeConfig, error) {
	grace := c.envFlag(fs, "shutdown-grace", "MADOGUCHI_SHUTDOWN_GRACE", "25s", "how long a shutdown may take to answer the events already accepted (a `duration`: 25s, 1m)")
	timeout := c.envFlag(fs, "event-timeout", "MADOGUCHI_EVENT_TIMEOUT", "20s", "how long answering one event may take, retries included (a `duration`)")
	idle := c.envFlag(fs, "claim-idle", "MADOGUCHI_CLAIM_IDLE", "30s", "with Redis: how long an event may stay with a replica before another takes it over (a `duration`)")
	return func() (intakeConfig, error) {
		var ic intakeConfig
		for _, d := range []struct {
			name string
			s    *string
			v    *time.Duration
		}{{"--shutdown-grace", grace, &ic.shutdownGrace}, {"--event-timeout", timeout, &ic.eventTimeout}, {"--claim-idle", idle, &ic.claimIdle}} {
			v, err := time.ParseDuration(*d.s)
			if err != nil || v <= 0 {
				return ic, usageError{fmt.Sprintf("%s must be a duration such as 30s, not %q", d.name, *d.s)}
			}
			*d.v = v
		}
		if ic.claimIdle <= ic.eventTimeout {
			return ic, usageError{fmt.Sprintf("--claim-idle (%v) must be longer than --event-timeout (%v), or a live replica's events are taken from it", ic.claimIdle, ic.eventTimeout)}
		}
		return ic, nil
	}
}

// queues makes one queue per platform (each with its own workers, so that
// one platform's outage cannot take the other's capacity): in Redis when
// REDIS_URL is set, in memory otherwise.
type queues struct {
	cfg     serveConfig
	claims  intake.Claimer // the state store, for the memory queue
	redis   *redis.Client  // nil without REDIS_URL
	keys    *keys.Set
	m       *metrics.Metrics
	logger  *slog.Logger
	all     []intake.Queue
	durable []*redis.Queue // those in Redis, for /readyz
}

// new makes the queue of one platform. It returns the Claimer the adapter's intake deduplicates with: none for
// Redis, whose queue deduplicates as it takes entries.
func (q *queues) new(platform string) (intake.Queue, intake.Claimer, error) {
	logger := q.logger.With("platform", platform)
	if q.redis != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r, err := q.redis.Queue(ctx, platform, redis.QueueConfig{
			Workers: q.cfg.workers, Timeout: q.cfg.intake.eventTimeout, MinIdle: q.cfg.intake.claimIdle,
			MaxLen: 100000, DedupTTL: 24 * time.Hour, Metrics: q.m, Log: logger, SealKey: q.keys.Seal(platform),
		})
		if err != nil {
			return nil, nil, err
		}
		q.all, q.durable = append(q.all, r), append(q.durable, r)
		return r, nil, nil
	}
	m := intake.NewMemory(intake.MemoryConfig{
		Workers: q.cfg.workers, Size: q.cfg.queue, Wait: 500 * time.Millisecond, Timeout: q.cfg.intake.eventTimeout,
		Metrics: q.m, Log: logger,
	})
	q.all = append(q.all, m)
	return m, q.claims, nil
}

// shutdown shuts every queue down at once, within ctx.
func (q *queues) shutdown(ctx context.Context) error {
	errs := make([]error, len(q.all))
	var wg sync.WaitGroup
	for i, qu := range q.all {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = qu.Shutdown(ctx) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}
