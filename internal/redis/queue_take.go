package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// ackBatch bounds the entries acknowledged in one pipeline.
const ackBatch = 512

// held is an entry this replica took and will handle.
type held struct {
	entry string // the stream entry's id
	ev    intake.Event
}

// reader reads new entries for the workers: as many as there are idle
// workers, in one round trip, and claims their events in another. One
// reader per replica, instead of one blocking read per worker, saves a
// round trip per event under load.
func (r *Queue) reader() {
	defer r.wg.Done()
	// The workers finish what was handed to them, then stop.
	defer close(r.entries)
	for {
		n := r.waitIdle()
		if n == 0 {
			return
		}
		// Entries read are pending with this consumer: they are handed
		// to the workers even when reading has stopped meanwhile.
		hs := r.take(r.readNew(n), false)
		for range n - len(hs) {
			r.idle <- struct{}{}
		}
		for _, h := range hs {
			r.entries <- h
		}
	}
}

// waitIdle waits until a worker is idle and returns how many are (taking
// their tokens), or 0 when reading has stopped.
func (r *Queue) waitIdle() int {
	if r.read.Err() != nil {
		return 0
	}
	select {
	case <-r.idle:
	case <-r.read.Done():
		return 0
	}
	n := 1
	for n < r.cfg.Workers {
		select {
		case <-r.idle:
			n++
		default:
			return n
		}
	}
	return n
}

// readNew reads up to n new entries, waiting up to a second for some.
func (r *Queue) readNew(n int) []goredis.XMessage {
	res, err := r.c.XReadGroup(r.read, &goredis.XReadGroupArgs{
		Group: r.group, Consumer: r.consumer, Streams: []string{r.stream, ">"}, Count: int64(n), Block: time.Second,
	}).Result()
	if isNil(err) {
		return nil
	}
	if err != nil {
		if r.read.Err() != nil {
			return nil
		}
		if strings.HasPrefix(err.Error(), "NOGROUP") {
			r.vanished(r.read)
		} else {
			r.cfg.Metrics.StoreErrors.WithLabelValues("intake read").Inc()
			r.cfg.Log.Warn("intake: cannot read from Redis; retrying", "err", err)
		}
		r.pause(time.Second)
		return nil
	}
	var msgs []goredis.XMessage
	for _, s := range res {
		msgs = append(msgs, s.Messages...)
	}
	return msgs
}

// worker handles the entries the reader hands it, one at a time.
func (r *Queue) worker() {
	defer r.wg.Done()
	for h := range r.entries {
		r.handle(h)
		r.idle <- struct{}{} // never blocks: there is one token per worker
	}
}

// claimer takes over entries that another consumer (a replica that died)
// left pending longer than MinIdle, and handles them.
func (r *Queue) claimer() {
	defer r.wg.Done()
	every := min(r.cfg.MinIdle/2, 5*time.Second)
	for r.pause(every) {
		start := "0-0"
		for r.read.Err() == nil {
			msgs, next, err := r.c.XAutoClaim(r.read, &goredis.XAutoClaimArgs{
				Stream: r.stream, Group: r.group, Consumer: r.consumer, MinIdle: r.cfg.MinIdle, Start: start, Count: int64(r.cfg.Workers),
			}).Result()
			if err != nil {
				switch {
				case r.read.Err() != nil:
				case strings.HasPrefix(err.Error(), "NOGROUP"):
					r.vanished(r.read)
				default:
					r.cfg.Metrics.StoreErrors.WithLabelValues("intake claim").Inc()
					r.cfg.Log.Warn("intake: cannot claim abandoned entries", "err", err)
				}
				break
			}
			if len(msgs) > 0 {
				r.cfg.Log.Info("intake: took over events left by another replica", "count", len(msgs))
			}
			var wg sync.WaitGroup
			for _, h := range r.take(msgs, true) {
				wg.Add(1)
				go func() { defer wg.Done(); r.handle(h) }()
			}
			wg.Wait()
			if next == "0-0" || next == "" {
				break
			}
			start = next
		}
		r.forgetGone()
		r.measure()
	}
}

// forgetGone deletes consumers that hold nothing and have not been seen
// for a day: each process is a new consumer, and replicas come and go.
func (r *Queue) forgetGone() {
	cs, err := r.c.XInfoConsumers(r.read, r.stream, r.group).Result()
	if err != nil {
		return // the next pass tries again; nothing depends on it
	}
	for _, c := range cs {
		if c.Name != r.consumer && c.Pending == 0 && c.Idle > 24*time.Hour {
			r.c.XGroupDelConsumer(r.read, r.stream, r.group, c.Name)
		}
	}
}

// pause waits d or until reading stops; it reports whether reading goes on.
func (r *Queue) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.read.Done():
		return false
	}
}

// take decodes the entries read and claims their events (one round trip
// for all); it returns the entries to handle, and acknowledges the others
// (unreadable, or another entry of an event already taken). claimed marks
// entries taken over from another consumer: an attempt that did not
// acknowledge them may have reached the platform.
func (r *Queue) take(msgs []goredis.XMessage, claimed bool) []held {
	hs := make([]held, 0, len(msgs))
	for _, msg := range msgs {
		ev, err := r.decodeEntry(msg)
		if err != nil {
			r.cfg.Metrics.Events.WithLabelValues(r.platform, "dropped").Inc()
			r.cfg.Log.Error("intake: unreadable stream entry dropped", "entry", msg.ID, "err", err)
			r.ack(msg.ID)
			continue
		}
		ev.Redelivered = claimed
		hs = append(hs, held{entry: msg.ID, ev: ev})
	}
	dup := r.claimEvents(hs)
	keep := hs[:0]
	for i, h := range hs {
		if dup[i] {
			r.cfg.Metrics.Events.WithLabelValues(r.platform, "duplicate").Inc()
			r.ack(h.entry)
			continue
		}
		keep = append(keep, h)
	}
	return keep
}

// claimEvents claims each event's id for its entry (SET NX GET, all in one
// pipeline) and reports which events another entry holds: the same event
// delivered twice, within this batch or before. The same entry seen again
// (taken over after a crash) is marked Redelivered. Without Redis the
// events are handled: better twice than never.
func (r *Queue) claimEvents(hs []held) []bool {
	dup := make([]bool, len(hs))
	if len(hs) == 0 {
		return dup
	}
	ctx, cancel := context.WithTimeout(r.work, 2*time.Second)
	defer cancel()
	cmds := make([]*goredis.StatusCmd, len(hs))
	// Each command carries its own error; the pipeline's is the first
	// (goredis.Nil included).
	_, _ = r.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, h := range hs {
			if h.ev.ID != "" {
				cmds[i] = p.SetArgs(ctx, "madoguchi:intake:seen:"+r.platform+":"+h.ev.ID, h.entry, goredis.SetArgs{Mode: "NX", Get: true, TTL: r.cfg.DedupTTL})
			}
		}
		return nil
	})
	failed := 0
	var lastErr error
	for i, cmd := range cmds {
		if cmd == nil {
			continue
		}
		prev, err := cmd.Result()
		switch {
		case isNil(err):
		case err != nil:
			failed++
			lastErr = err
		case prev == hs[i].entry:
			hs[i].ev.Redelivered = true
		default:
			dup[i] = true
		}
	}
	if failed > 0 {
		r.cfg.Metrics.StoreErrors.WithLabelValues("claim").Add(float64(failed))
		r.cfg.Log.Warn("intake: cannot claim events; handling them anyway", "count", failed, "err", lastErr)
	}
	return dup
}

// decodeEntry reads an entry's event, opening its payload if sealed. Its
// errors name the entry, never the payload.
func (r *Queue) decodeEntry(msg goredis.XMessage) (intake.Event, error) {
	id, _ := msg.Values[fieldID].(string)
	at, _ := msg.Values[fieldReceived].(string)
	ms, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return intake.Event{}, fmt.Errorf("entry %s lacks a time", msg.ID)
	}
	ev := intake.Event{Platform: r.platform, ID: id, Received: time.UnixMilli(ms)}
	if p, ok := msg.Values[fieldPayload].(string); ok {
		ev.Payload = []byte(p)
		return ev, nil
	}
	sealed, ok := msg.Values[fieldSealed].(string)
	switch {
	case !ok:
		return intake.Event{}, fmt.Errorf("entry %s lacks a payload", msg.ID)
	case r.seal == nil:
		return intake.Event{}, fmt.Errorf("entry %s is sealed and this replica has no key", msg.ID)
	}
	if ev.Payload, err = r.seal.open([]byte(sealed), sealData(r.platform, id, at)); err != nil {
		return intake.Event{}, fmt.Errorf("entry %s: %w", msg.ID, err)
	}
	return ev, nil
}

// handle runs the handler on one entry and acknowledges it, unless the
// handler was interrupted by the shutdown deadline (or the deadline had
// passed before it began): then the entry stays pending, and another
// replica (or this one, restarted) takes it over.
func (r *Queue) handle(h held) {
	if r.work.Err() == nil {
		ctx, cancel := context.WithTimeout(r.work, r.cfg.Timeout)
		err := r.h(ctx, h.ev)
		cancel()
		if err == nil || r.work.Err() == nil {
			r.ack(h.entry)
			return
		}
	}
	r.cfg.Log.Info("intake: event left for another replica", "event_id", h.ev.ID)
}

// ack hands a finished entry to the acker.
func (r *Queue) ack(entry string) {
	if !r.acks.add(entry) {
		// The acker has stopped: a handler outlived the shutdown's wait.
		r.unacked(1, errors.New("the queue has shut down"))
	}
}

// acker acknowledges and deletes the finished entries, all those waiting
// (up to ackBatch) in one pipeline: under load one round trip serves many
// events, and a lone entry is acknowledged at once.
func (r *Queue) acker() {
	defer close(r.ackerDone)
	for {
		entries, ok := r.acks.next(ackBatch)
		if !ok {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var acked, length *goredis.IntCmd
		_, err := r.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
			acked = p.XAck(ctx, r.stream, r.group, entries...)
			p.XDel(ctx, r.stream, entries...)
			// The backlog left, in the same round trip; not when the
			// entries were no longer pending (the stream lost, or
			// another replica took them over and finished first).
			length = p.XLen(ctx, r.stream)
			return nil
		})
		cancel()
		switch {
		case err != nil:
			r.unacked(len(entries), err)
		case acked.Val() == int64(len(entries)):
			r.backlog.Store(length.Val())
		}
	}
}

// unacked counts entries handled but not acknowledged: they stay pending,
// are claimed again after MinIdle, and their handlers see Redelivered.
func (r *Queue) unacked(n int, err error) {
	r.cfg.Metrics.StoreErrors.WithLabelValues("intake ack").Add(float64(n))
	r.cfg.Log.Warn("intake: cannot acknowledge handled events", "count", n, "err", err)
}
