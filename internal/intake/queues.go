package intake

import (
	"context"
	"errors"
	"log/slog"
	"sync"
)

// Queues makes one queue per platform, each with its own workers so that
// one platform's outage cannot take the other's capacity: outside the
// process when Durable is set (Redis), in memory otherwise.
type Queues struct {
	// Memory configures the memory queues; their Log gets the platform.
	Memory MemoryConfig
	// Claims deduplicates the memory queues' events (the state store).
	Claims Claimer
	// Durable makes a platform's queue outside the process, which
	// deduplicates as it takes entries; nil keeps the queues in memory.
	Durable func(platform string, log *slog.Logger) (Queue, error)
	all     []Queue
}

// New makes the queue of one platform. It returns the Claimer the
// platform's Intake deduplicates with: none for a durable queue.
func (q *Queues) New(platform string) (Queue, Claimer, error) {
	log := q.Memory.Log.With("platform", platform)
	if q.Durable != nil {
		d, err := q.Durable(platform, log)
		if err != nil {
			return nil, nil, err
		}
		q.all = append(q.all, d)
		return d, nil, nil
	}
	cfg := q.Memory
	cfg.Log = log
	m := NewMemory(cfg)
	q.all = append(q.all, m)
	return m, q.Claims, nil
}

// Shutdown shuts every queue down at once, within ctx.
func (q *Queues) Shutdown(ctx context.Context) error {
	errs := make([]error, len(q.all))
	var wg sync.WaitGroup
	for i, qu := range q.all {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = qu.Shutdown(ctx) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}
