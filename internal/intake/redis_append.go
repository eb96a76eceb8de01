package intake

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// appendBatch bounds the entries appended in one pipeline, so that one
// round trip stays short when a burst arrives.
const appendBatch = 64

// appendTimeout bounds one pipeline of appends.
const appendTimeout = 2 * time.Second

// appendReq is one Enqueue call waiting for the appender.
type appendReq struct {
	ctx  context.Context
	ev   Event
	done chan error // buffered: the appender never waits for the caller
}

// Enqueue appends ev to the stream. It returns once Redis has it, so the
// webhook may then acknowledge the event. Concurrent calls share one round
// trip (see appender). When ctx ends first, Enqueue returns its error; the
// entry may have been appended anyway, and is then handled once: the
// platform's redelivery is deduplicated when taken.
func (r *Redis) Enqueue(ctx context.Context, ev Event) error {
	req := &appendReq{ctx: ctx, ev: ev, done: make(chan error, 1)}
	if r.read.Err() != nil || !r.appends.add(req) {
		return ErrClosed
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("append to %s: %w", r.stream, ctx.Err())
	}
}

// appender sends the waiting Enqueue calls to Redis, all those waiting (up
// to appendBatch) in one pipeline: under load each round trip and its
// syscalls serve many webhooks, and a lone call is sent at once.
func (r *Redis) appender() {
	defer close(r.appenderDone)
	for {
		reqs, ok := r.appends.next(appendBatch)
		if !ok {
			return
		}
		r.appendAll(reqs)
	}
}

// appendAll appends the entries of reqs in one pipeline and answers each
// caller with its own entry's outcome.
func (r *Redis) appendAll(reqs []*appendReq) {
	live := make([]*appendReq, 0, len(reqs))
	for _, q := range reqs {
		// A caller that has gone has answered 503: its entry would only
		// be a duplicate of the platform's next delivery.
		if err := q.ctx.Err(); err != nil {
			q.done <- fmt.Errorf("append to %s: %w", r.stream, err)
			continue
		}
		live = append(live, q)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), appendTimeout)
	defer cancel()
	cmds := make([]*redis.StringCmd, len(live))
	// Each command carries its own error; the pipeline's is the first.
	_, _ = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, q := range live {
			cmds[i] = p.XAdd(ctx, &redis.XAddArgs{
				Stream: r.stream, MaxLen: r.cfg.MaxLen, Approx: true,
				Values: []any{fieldID, q.ev.ID, fieldReceived, strconv.FormatInt(q.ev.Received.UnixMilli(), 10), fieldPayload, q.ev.Payload},
			})
		}
		return nil
	})
	for i, q := range live {
		if err := cmds[i].Err(); err != nil {
			q.done <- fmt.Errorf("append to %s: %w", r.stream, err)
			continue
		}
		q.done <- nil
	}
}
