package redis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// appendBatch bounds the entries appended in one round trip, so that it
// stays short when a burst arrives.
const appendBatch = 64

// appendTimeout bounds one round trip of appends, and the wait of one
// Enqueue call.
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
// webhook may then acknowledge the event; it returns intake.ErrFull when the
// backlog is at MaxLen (the platform delivers the event again later).
// Concurrent calls share one round trip (see appender). When ctx ends
// first, Enqueue returns its error; the entry may have been appended
// anyway, and is then handled once: the platform's redelivery is
// deduplicated when taken.
func (r *Queue) Enqueue(ctx context.Context, ev intake.Event) error {
	return r.EnqueueAll(ctx, []intake.Event{ev})[0]
}

var _ intake.BatchQueue = (*Queue)(nil)

// EnqueueAll appends evs to the stream in order, as Enqueue does each:
// they are handed to the appender together, so a delivery of thousands of
// events costs a round trip per appendBatch of them, not one each.
func (r *Queue) EnqueueAll(ctx context.Context, evs []intake.Event) []error {
	// Bounded here too: with Redis stalled, appends queue behind one
	// another, and a webhook should answer 503 in time for the platform
	// to deliver again, not wait for every batch ahead of it.
	ctx, cancel := context.WithTimeout(ctx, appendTimeout)
	defer cancel()
	errs := make([]error, len(evs))
	reqs := make([]*appendReq, len(evs))
	for i, ev := range evs {
		req := &appendReq{ctx: ctx, id: ev.ID, at: strconv.FormatInt(ev.Received.UnixMilli(), 10),
			field: fieldPayload, payload: ev.Payload, done: make(chan error, 1)}
		if r.seal != nil {
			req.field, req.payload = fieldSealed, r.seal.seal(ev.Payload, sealData(r.platform, req.id, req.at))
		}
		if r.read.Err() != nil || !r.appends.add(req) {
			errs[i] = intake.ErrClosed
			continue
		}
		reqs[i] = req
	}
	for i, req := range reqs {
		if req == nil {
			continue
		}
		select {
		case errs[i] = <-req.done:
		case <-ctx.Done():
			errs[i] = fmt.Errorf("append to %s: %w", r.stream, ctx.Err())
		}
	}
	return errs
}

// appender sends the waiting Enqueue calls to Redis, all those waiting (up
// to appendBatch) in one script call: under load each round trip and its
// syscalls serve many webhooks, and a lone call is sent at once.
func (r *Queue) appender() {
	defer close(r.appenderDone)
	for {
		reqs, ok := r.appends.next(appendBatch)
		if !ok {
			return
		}
		r.appendAll(reqs)
	}
}

// appendAll appends the entries of reqs in one round trip and answers
// each caller with its own entry's outcome.
func (r *Queue) appendAll(reqs []*appendReq) {
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
	args := make([]any, 0, 2+entryArgs*len(live))
	args = append(args, r.cfg.MaxLen, entryArgs)
	for _, q := range live {
		args = append(args, fieldID, q.id, fieldReceived, q.at, q.field, q.payload)
	}
	// Run sends EVALSHA, and EVAL when Redis lost its script cache
	// (restarted, SCRIPT FLUSH): NOSCRIPT means nothing was appended.
	ids, err := appendScript.Run(ctx, r.c, []string{r.stream}, args...).Slice()
	if err == nil && len(ids) != len(live)+1 {
		err = fmt.Errorf("the append script answered %d values for %d entries", len(ids), len(live))
	}
	if err == nil {
		if n, ok := ids[len(live)].(int64); ok && n >= 0 {
			r.backlog.Store(n)
		}
	}
	for i, q := range live {
		switch {
		case err != nil:
			// Some entries may have been appended (a script stops at
			// its first error, keeping what it did); their platform's
			// redelivery is deduplicated when taken.
			q.done <- fmt.Errorf("append to %s: %w", r.stream, err)
		case ids[i] == nil:
			q.done <- fmt.Errorf("%s holds %d events: %w", r.stream, r.cfg.MaxLen, intake.ErrFull)
		default:
			q.done <- nil
		}
	}
}

// entryArgs is the number of script arguments per entry: its fields and
// their values.
const entryArgs = 6

// appendScript appends entries to the stream KEYS[1] while it holds fewer
// than ARGV[1] entries (0: no bound). ARGV[2] is the number of arguments
// per entry (field, value, ...), which follow. It returns each entry's id,
// or nil for those refused, then the stream's length (what a loss of the
// stream would take, see vanished), or -1 when the stream has no consumer
// group (it was lost, or this is the first append): that length is not a
// backlog anyone reads. Entries are deleted once handled, so the
// length is the backlog; refusing makes the webhook answer 503 and the
// platform deliver again later, where XADD's MAXLEN would trim events
// already accepted, silently. One script for the whole batch checks and
// appends atomically (replicas appending at once do not overshoot the
// bound) and costs Redis one call instead of one per entry.
var appendScript = goredis.NewScript(`
local max, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local len = redis.call('XLEN', KEYS[1])
local read = redis.call('EXISTS', KEYS[1]) == 1 and #redis.call('XINFO', 'GROUPS', KEYS[1]) > 0
local ids = {}
for i = 3, #ARGV, n do
	if max > 0 and len >= max then
		ids[#ids + 1] = false
	else
		ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', unpack(ARGV, i, i + n - 1))
		len = len + 1
	end
end
if read then ids[#ids + 1] = len else ids[#ids + 1] = -1 end
return ids
`)
