package redis

import (
	"context"
	"fmt"
	"time"
)

// Health is what /readyz shows of the connection: "ok", or
// "unreachable: " and why.
func (c *Client) Health(ctx context.Context) string {
	if err := c.c.Ping(ctx).Err(); err != nil {
		return "unreachable: " + err.Error()
	}
	return "ok"
}

// PersistenceHealth is what /readyz shows of how Redis keeps the waiting
// events across its restarts.
func (c *Client) PersistenceHealth(ctx context.Context) string {
	aof, err := c.AppendOnly(ctx)
	switch {
	case err != nil:
		return "unknown: " + err.Error()
	case !aof:
		return "no append-only file: a restart of Redis loses the events waiting in the queue"
	}
	return "append-only file"
}

// Health is what /readyz shows of the queue: "ok", or the last time this
// replica found Redis had lost the queue, with the events it held.
func (r *Queue) Health() string {
	l := r.Lost()
	if l.Count == 0 {
		return "ok"
	}
	return fmt.Sprintf("lost %d time(s), last at %s with about %d waiting events", l.Count, l.At.UTC().Format(time.RFC3339), l.Waiting)
}
