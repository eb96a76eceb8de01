package redis

import (
	"context"
	"time"
)

// Loss is what a queue knows of the last time Redis lost its stream or
// consumer group (a restart without persistence, FLUSHALL, a DEL, an
// eviction): the events waiting then, acknowledged to the platforms, are
// gone and will not be answered.
type Loss struct {
	// At is when this replica found the stream or group gone; zero if it
	// never did.
	At time.Time
	// Waiting is the stream's length at the replica's last look before
	// (its last append, acknowledgement or claimer pass): about the
	// number of events lost.
	Waiting int64
	// Count is how many losses this replica found.
	Count int
}

// Lost returns what this replica found of losses, for /readyz.
func (r *Queue) Lost() Loss {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lost
}

// vanished handles Redis answering NOGROUP: the stream or its consumer
// group does not exist. It creates them again (new events flow at once).
// If this replica had seen the group, Redis lost it and what was waiting
// in it: that is logged at error level and reported by Lost; the replica
// whose call recreated the group counts it (madoguchi_intake_queue_lost_total,
// and the waiting events as outcome "lost"), so that replicas finding one
// loss together count it once. A replica started after the loss cannot
// tell it from a first start.
func (r *Queue) vanished(ctx context.Context) {
	known := r.known.Swap(false)
	created, err := r.ensureGroup(ctx)
	if err != nil {
		r.cfg.Log.Warn("intake: cannot create the Redis stream again yet", "stream", r.stream, "err", err)
	}
	if !known {
		return
	}
	waiting := r.backlog.Swap(0)
	r.mu.Lock()
	r.lost = Loss{At: time.Now(), Waiting: waiting, Count: r.lost.Count + 1}
	r.mu.Unlock()
	if created {
		r.cfg.Metrics.QueueLost.WithLabelValues(r.platform).Inc()
		r.cfg.Metrics.Events.WithLabelValues(r.platform, "lost").Add(float64(waiting))
	}
	r.cfg.Log.Error("intake: Redis lost the event stream or its consumer group; the events waiting in it will not be answered",
		"stream", r.stream, "waiting_at_last_look", waiting, "counted_here", created)
}

// measure notes the stream's length, the events a loss would take.
func (r *Queue) measure() {
	ctx, cancel := context.WithTimeout(r.read, time.Second)
	defer cancel()
	if n, err := r.c.XLen(ctx, r.stream).Result(); err == nil {
		r.backlog.Store(n)
	}
}
