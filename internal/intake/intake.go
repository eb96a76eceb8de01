// Package intake accepts platform events for processing exactly once: it
// claims the event's id (platforms redeliver), queues the work on the
// worker pool, and gives the claim back when the queue is full, so that the
// platform's next delivery is handled.
package intake

import (
	"context"
	"log/slog"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/workers"
)

// Claimer remembers which events were handled (state.Memory, state.Redis).
type Claimer interface {
	// Claim reports whether key is new, and remembers it for ttl.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Release forgets key, for an event claimed but not queued.
	Release(ctx context.Context, key string) error
}

// Intake queues one platform's events.
type Intake struct {
	Platform string
	Claims   Claimer
	Pool     *workers.Pool
	Metrics  *metrics.Metrics
	Log      *slog.Logger
	// TTL is how long a handled event id is remembered; Wait how long an
	// event waits for room in a full queue.
	TTL  time.Duration
	Wait time.Duration
}

// Accept queues job for the event with the given id ("" for events that
// are never redelivered). It reports false when the queue had no room: the
// caller then asks the platform to deliver the event again.
func (in *Intake) Accept(ctx context.Context, id string, job func()) bool {
	key := in.Platform + ":" + id
	if id != "" {
		first, err := in.Claims.Claim(ctx, key, in.TTL)
		if err != nil {
			// Better to answer twice than never.
			in.Metrics.StoreErrors.WithLabelValues("claim").Inc()
			in.Log.Warn("state store unavailable; handling the event anyway", "err", err)
			first = true
		}
		if !first {
			in.count("duplicate")
			return true
		}
	}
	if err := in.Pool.Submit(job, in.Wait); err != nil {
		if id != "" {
			if rerr := in.Claims.Release(ctx, key); rerr != nil {
				in.Metrics.StoreErrors.WithLabelValues("release").Inc()
				in.Log.Warn("could not release an event's claim", "err", rerr)
			}
		}
		in.count("busy")
		in.Log.Warn("work queue full; the platform will deliver again", "err", err)
		return false
	}
	in.count("queued")
	return true
}

func (in *Intake) count(outcome string) {
	in.Metrics.Events.WithLabelValues(in.Platform, outcome).Inc()
}
