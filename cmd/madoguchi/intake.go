package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/keys"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redis"
)

// queues makes one queue per platform (each with its own workers, so that
// one platform's outage cannot take the other's capacity): in Redis when
// REDIS_URL is set, in memory otherwise.
type queues struct {
	cfg     Config
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
