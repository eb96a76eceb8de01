package intake

import (
	"context"
	"errors"
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

// appendReq is one Enqueue call waiting for the appender: its entry's
// fields, prepared (sealed) by the caller's goroutine.
type appendReq struct {
	ctx     context.Context
	id, at  string
	field   string // fieldPayload, or fieldSealed
	payload []byte
	done    chan error // buffered: the appender never waits for the caller
}

// Enqueue appends ev to the stream. It returns once Redis has it, so the
// webhook may then acknowledge the event; it returns ErrFull when the
// backlog is at MaxLen (the platform delivers the event again later).
// Concurrent calls share one round trip (see appender). When ctx ends
// first, Enqueue returns its error; the entry may have been appended
// anyway, and is then handled once: the platform's redelivery is
// deduplicated when taken.
func (r *Redis) Enqueue(ctx context.Context, ev Event) error {
	req := &appendReq{ctx: ctx, id: ev.ID, at: strconv.FormatInt(ev.Received.UnixMilli(), 10),
		field: fieldPayload, payload: ev.Payload, done: make(chan error, 1)}
	if r.seal != nil {
		req.field, req.payload = fieldSealed, r.seal.seal(ev.Payload, sealData(r.platform, req.id, req.at))
	}
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
	cmds := r.pipeAppend(ctx, live, appendScript.EvalSha)
	// NOSCRIPT: Redis lost its script cache (restarted, SCRIPT FLUSH), so
	// those entries were not appended; EVAL sends the script, and caches it
	// again for the next pipelines. (Script.Run cannot fall back inside a
	// pipeline: the error is known only once it has run.)
	var again []*appendReq
	for i, q := range live {
		if redis.HasErrorPrefix(cmds[i].Err(), "NOSCRIPT") {
			again = append(again, q)
			continue
		}
		q.done <- r.appendResult(cmds[i].Err())
	}
	if len(again) > 0 {
		for i, cmd := range r.pipeAppend(ctx, again, appendScript.Eval) {
			again[i].done <- r.appendResult(cmd.Err())
		}
	}
}

// appendScript appends an entry (the field-value pairs ARGV[2...]) to the
// stream KEYS[1] unless it already holds ARGV[1] entries (0: no bound),
// and returns nil then. Entries are
// deleted once handled, so the length is the backlog; refusing makes the
// webhook answer 503 and the platform deliver again later, where XADD's
// MAXLEN would trim events already accepted, silently. Checking and
// appending in one script keeps replicas appending at once from
// overshooting the bound.
var appendScript = redis.NewScript(`
local max = tonumber(ARGV[1])
if max > 0 and redis.call('XLEN', KEYS[1]) >= max then
	return false
end
return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
`)

// evalFunc is Script.EvalSha or Script.Eval.
type evalFunc func(ctx context.Context, c redis.Scripter, keys []string, args ...any) *redis.Cmd

// pipeAppend runs the append script for each request in one pipeline;
// each command carries its own error (the pipeline's is the first).
func (r *Redis) pipeAppend(ctx context.Context, reqs []*appendReq, eval evalFunc) []*redis.Cmd {
	cmds := make([]*redis.Cmd, len(reqs))
	_, _ = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, q := range reqs {
			cmds[i] = eval(ctx, p, []string{r.stream}, r.cfg.MaxLen,
				fieldID, q.id, fieldReceived, q.at, q.field, q.payload)
		}
		return nil
	})
	return cmds
}

// appendResult is what Enqueue returns for an entry's command error: nil
// when appended, ErrFull when the backlog is at its bound.
func (r *Redis) appendResult(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return fmt.Errorf("%s holds %d events: %w", r.stream, r.cfg.MaxLen, ErrFull)
	}
	return fmt.Errorf("append to %s: %w", r.stream, err)
}
