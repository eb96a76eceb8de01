// Package intake accepts platform events so that each is handled once and
// none is lost once acknowledged: it deduplicates by the event's id
// (platforms redeliver), puts the event on a queue as data (so that the
// queue can live outside the process, in Redis: internal/redis), and answers "try again"
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

// Claimer remembers which events were handled (state.Memory, redis.State).
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
	return in.AcceptAll(ctx, []Item{{ID: id, Payload: payload}})
}

// Item is one event of a delivery: its id (as Accept's) and payload.
type Item struct {
	ID      string
	Payload []byte
}

// BatchQueue is a Queue that takes many events in fewer round trips
// (Redis): a delivery of thousands of events is queued in a few, not one
// round trip per event.
type BatchQueue interface {
	// EnqueueAll stores evs in order; errs[i] is evs[i]'s outcome, as
	// Enqueue's.
	EnqueueAll(ctx context.Context, evs []Event) (errs []error)
}

// errNotTried is the outcome of the events after the first that could not
// be queued.
var errNotTried = errors.New("not tried: an earlier event of the delivery was not queued")

// AcceptAll queues the events of one delivery, in order, within ctx. It
// reports false when any could not be queued: the caller then asks the
// platform to deliver the whole body again, and the events queued this
// time are duplicates then. On a queue without BatchQueue, the events
// after the first failure are not tried (and counted busy): a delivery
// larger than the queue's room costs one wait, not one per event.
func (in *Intake) AcceptAll(ctx context.Context, items []Item) bool {
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	received := now()
	evs := make([]Event, 0, len(items))
	claimed := make([]bool, 0, len(items))
	for _, it := range items {
		first, held := in.claim(ctx, it.ID)
		if !first {
			in.count("duplicate")
			continue
		}
		evs = append(evs, Event{Platform: in.Platform, ID: it.ID, Received: received, Payload: it.Payload})
		claimed = append(claimed, held)
	}
	if len(evs) == 0 {
		return true
	}
	errs := in.enqueue(ctx, evs)
	var failed []error
	for i, err := range errs {
		if err == nil {
			in.count("queued")
			continue
		}
		if claimed[i] {
			if rerr := in.Claims.Release(ctx, in.Platform+":"+evs[i].ID); rerr != nil {
				in.Metrics.StoreErrors.WithLabelValues("release").Inc()
				in.Log.Warn("could not release an event's claim", "err", rerr)
			}
		}
		if !errors.Is(err, ErrFull) && !errors.Is(err, ErrClosed) && !errors.Is(err, errNotTried) {
			in.Metrics.StoreErrors.WithLabelValues("enqueue").Inc()
		}
		in.count("busy")
		failed = append(failed, err)
	}
	if len(failed) > 0 {
		// One line per delivery: a large body must not log thousands.
		in.Log.Warn("events not queued; the platform will deliver them again", "events", len(failed), "of", len(evs), "err", failed[0])
		return false
	}
	return true
}

// claim claims an event's id. first is false for a duplicate; held is
// true when the claim was taken (and must be released if the event is not
// queued).
func (in *Intake) claim(ctx context.Context, id string) (first, held bool) {
	if id == "" || in.Claims == nil {
		return true, false
	}
	first, err := in.Claims.Claim(ctx, in.Platform+":"+id, in.TTL)
	if err != nil {
		// Better to answer twice than never.
		in.Metrics.StoreErrors.WithLabelValues("claim").Inc()
		in.Log.Warn("state store unavailable; handling the event anyway", "err", err)
		return true, false
	}
	return first, first
}

// enqueue queues evs: all at once on a BatchQueue, else one at a time until
// the first failure.
func (in *Intake) enqueue(ctx context.Context, evs []Event) []error {
	if bq, ok := in.Queue.(BatchQueue); ok {
		return bq.EnqueueAll(ctx, evs)
	}
	errs := make([]error, len(evs))
	for i, ev := range evs {
		if errs[i] = in.Queue.Enqueue(ctx, ev); errs[i] != nil {
			for j := i + 1; j < len(errs); j++ {
				errs[j] = errNotTried
			}
			break
		}
	}
	return errs
}

func (in *Intake) count(outcome string) {
	in.Metrics.Events.WithLabelValues(in.Platform, outcome).Inc()
}
