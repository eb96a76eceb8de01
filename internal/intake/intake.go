// Package intake accepts platform events so that each is handled once and
// none is lost once acknowledged: it deduplicates by the event's id
// (platforms redeliver), puts the event on a queue as data (so that the
// queue can live outside the process, in Redis), and answers "try again"
// when the queue cannot take it, so that the platform's next delivery is
// handled. Each platform has its own queue and workers, so that one
// platform's outage cannot starve the other.
//
// With Redis the guarantee is at least once: an event handled by a replica
// that dies before acknowledging it is handled again by another, marked
// Redelivered so that the adapter can avoid a second answer where the
// platform allows (LINE's reply tokens are single-use).
package intake

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// Event is one accepted platform event, as data: what the webhook verified,
// to be decoded again by the adapter's handler on whichever worker (or
// replica) takes it.
type Event struct {
	Platform string
	// ID is the platform's event id ("" for events never redelivered).
	ID string
	// Received is when the webhook accepted the event: LINE's reply token
	// is valid for about a minute from then.
	Received time.Time
	// Payload is the verified raw event (the adapter's own format).
	Payload []byte
	// Redelivered is set when an earlier attempt at this event may have
	// reached the platform (an entry taken over from a replica that died
	// or was stopped while handling it): its outcome is unknown.
	Redelivered bool
}

// Handler processes one event. It returns nil when it is finished with the
// event (answered, or given up on and counted), and an error when it was
// interrupted (ctx ended) before it could finish.
type Handler func(ctx context.Context, ev Event) error

// Queue holds accepted events until a worker has handled them.
type Queue interface {
	// Enqueue stores ev, or fails (ErrFull, ErrClosed, or the store's
	// error): the webhook then answers 503 so that the platform retries.
	Enqueue(ctx context.Context, ev Event) error
	// Start starts the workers, which hand every event to h.
	Start(h Handler)
	// Shutdown stops taking new events and finishes those taken within
	// ctx; what is left is counted and logged (memory) or left for other
	// replicas (Redis).
	Shutdown(ctx context.Context) error
}

// ErrFull is returned by Enqueue when the queue stays full for its wait.
var ErrFull = errors.New("event queue is full")

// ErrClosed is returned by Enqueue after Shutdown has begun.
var ErrClosed = errors.New("event queue is closed")

// Claimer remembers which events were handled (state.Memory, state.Redis).
type Claimer interface {
	// Claim reports whether key is new, and remembers it for ttl.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Release forgets key, for an event claimed but not queued.
	Release(ctx context.Context, key string) error
}

// Intake accepts one platform's events onto its queue.
type Intake struct {
	Platform string
	// Claims deduplicates events as they are accepted; nil when the queue
	// deduplicates them itself (Redis).
	Claims  Claimer
	Queue   Queue
	Metrics *metrics.Metrics
	Log     *slog.Logger
	// TTL is how long a handled event id is remembered.
	TTL time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Accept queues the event with the given id ("" for events that are never
// redelivered, or that are deduplicated by the caller) and payload. It
// reports false when the event could not be queued: the caller then asks
// the platform to deliver it again.
func (in *Intake) Accept(ctx context.Context, id string, payload []byte) bool {
	key := in.Platform + ":" + id
	claimed := false
	if id != "" && in.Claims != nil {
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
		claimed = err == nil
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	ev := Event{Platform: in.Platform, ID: id, Received: now(), Payload: payload}
	if err := in.Queue.Enqueue(ctx, ev); err != nil {
		if claimed {
			if rerr := in.Claims.Release(ctx, key); rerr != nil {
				in.Metrics.StoreErrors.WithLabelValues("release").Inc()
				in.Log.Warn("could not release an event's claim", "err", rerr)
			}
		}
		if !errors.Is(err, ErrFull) && !errors.Is(err, ErrClosed) {
			in.Metrics.StoreErrors.WithLabelValues("enqueue").Inc()
		}
		in.count("busy")
		in.Log.Warn("event not queued; the platform will deliver it again", "err", err)
		return false
	}
	in.count("queued")
	return true
}

func (in *Intake) count(outcome string) {
	in.Metrics.Events.WithLabelValues(in.Platform, outcome).Inc()
}
