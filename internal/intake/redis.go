package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// RedisConfig configures a durable queue on a Redis Stream.
type RedisConfig struct {
	URL     string
	Workers int // goroutines handling events in this replica
	// Timeout bounds the handling of one event; MinIdle is how long an
	// entry stays pending with a consumer before another replica takes it
	// over. MinIdle must exceed Timeout, or a slow but live replica would
	// have its events taken from it.
	Timeout time.Duration
	MinIdle time.Duration
	// MaxLen bounds the stream (MAXLEN ~): the backlog of unhandled events
	// kept when every replica is down or stuck.
	MaxLen int64
	// DedupTTL is how long a handled event id is remembered.
	DedupTTL time.Duration
	Metrics  *metrics.Metrics
	Log      *slog.Logger
}

// Redis is the durable queue shared by replicas: each platform's events go
// to a Redis Stream read by one consumer group. An event is appended before
// the webhook answers, read by a worker of any replica, and acknowledged
// (then deleted) only after it was handled; an entry left pending by a
// replica that died is claimed by another after MinIdle.
//
// It deduplicates events itself, when an entry is taken rather than when
// the webhook accepts it: a replica killed between a webhook-time claim and
// the append would have lost the event (the platform's redelivery finding
// it claimed). The claim records the entry's id, so that the same entry
// taken over after a crash is handled, and another entry of the same event
// (a redelivery) is skipped. Give the Intake no Claimer with this queue.
type Redis struct {
	cfg      RedisConfig
	c        *redis.Client
	platform string
	stream   string
	group    string
	consumer string
	h        Handler
	read     context.Context // ends when Shutdown begins: no new entries
	stopRead context.CancelFunc
	work     context.Context // ends when the shutdown deadline has passed
	stopWork context.CancelFunc
	wg       sync.WaitGroup
	started  sync.Once
}

var _ Queue = (*Redis)(nil)

// Stream fields of an entry.
const (
	fieldID       = "id"
	fieldReceived = "at" // Unix milliseconds
	fieldPayload  = "p"
)

// NewRedis connects to Redis and creates the platform's stream and
// consumer group if they do not exist.
func NewRedis(ctx context.Context, platform string, cfg RedisConfig) (*Redis, error) {
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	if cfg.MinIdle <= cfg.Timeout {
		return nil, fmt.Errorf("intake: claim idle time %v must exceed the event timeout %v", cfg.MinIdle, cfg.Timeout)
	}
	// Every worker holds a connection in a blocking read; the webhook's
	// appends and the acknowledgements need their own.
	opt.PoolSize = 2*cfg.Workers + 8
	opt.DialTimeout = 250 * time.Millisecond
	opt.ReadTimeout = time.Second
	opt.WriteTimeout = time.Second
	opt.PoolTimeout = time.Second
	host, _ := os.Hostname()
	r := &Redis{
		cfg: cfg, c: redis.NewClient(opt), platform: platform,
		stream: "madoguchi:intake:" + platform, group: "madoguchi",
		// Unique per process: a restarted replica is a new consumer, and
		// its predecessor's pending entries are claimed like any other.
		consumer: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), uuid.NewString()[:8]),
	}
	r.read, r.stopRead = context.WithCancel(context.Background())
	r.work, r.stopWork = context.WithCancel(context.Background())
	if err := r.ensureGroup(ctx); err != nil {
		// Redis may come later; the workers create the group then.
		cfg.Log.Warn("intake: cannot create the Redis stream yet", "stream", r.stream, "err", err)
	}
	return r, nil
}

func (r *Redis) ensureGroup(ctx context.Context) error {
	err := r.c.XGroupCreateMkStream(ctx, r.stream, r.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group on %s: %w", r.stream, err)
	}
	return nil
}

// Enqueue appends ev to the stream. It returns once Redis has it, so the
// webhook may then acknowledge the event.
func (r *Redis) Enqueue(ctx context.Context, ev Event) error {
	if r.read.Err() != nil {
		return ErrClosed
	}
	err := r.c.XAdd(ctx, &redis.XAddArgs{
		Stream: r.stream, MaxLen: r.cfg.MaxLen, Approx: true,
		Values: []any{fieldID, ev.ID, fieldReceived, strconv.FormatInt(ev.Received.UnixMilli(), 10), fieldPayload, ev.Payload},
	}).Err()
	if err != nil {
		return fmt.Errorf("append to %s: %w", r.stream, err)
	}
	return nil
}

// Start starts the workers and the claimer of abandoned entries.
func (r *Redis) Start(h Handler) {
	r.started.Do(func() {
		r.h = h
		r.wg.Add(r.cfg.Workers + 1)
		for range r.cfg.Workers {
			go r.worker()
		}
		go r.claimer()
	})
}

// worker reads one new entry at a time, so that a replica holds no more
// entries than it has workers: what it holds when it stops is small.
func (r *Redis) worker() {
	defer r.wg.Done()
	for r.read.Err() == nil {
		res, err := r.c.XReadGroup(r.read, &redis.XReadGroupArgs{
			Group: r.group, Consumer: r.consumer, Streams: []string{r.stream, ">"}, Count: 1, Block: time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			if r.read.Err() != nil {
				return
			}
			if strings.HasPrefix(err.Error(), "NOGROUP") {
				r.ensureGroup(r.read)
			} else {
				r.cfg.Metrics.StoreErrors.WithLabelValues("intake read").Inc()
				r.cfg.Log.Warn("intake: cannot read from Redis; retrying", "err", err)
			}
			r.pause(time.Second)
			continue
		}
		for _, s := range res {
			for _, msg := range s.Messages {
				r.handle(msg, false)
			}
		}
	}
}

// claimer takes over entries that another consumer (a replica that died)
// left pending longer than MinIdle, and handles them.
func (r *Redis) claimer() {
	defer r.wg.Done()
	every := min(r.cfg.MinIdle/2, 5*time.Second)
	for r.pause(every) {
		start := "0-0"
		for r.read.Err() == nil {
			msgs, next, err := r.c.XAutoClaim(r.read, &redis.XAutoClaimArgs{
				Stream: r.stream, Group: r.group, Consumer: r.consumer, MinIdle: r.cfg.MinIdle, Start: start, Count: int64(r.cfg.Workers),
			}).Result()
			if err != nil {
				if r.read.Err() == nil && !strings.HasPrefix(err.Error(), "NOGROUP") {
					r.cfg.Metrics.StoreErrors.WithLabelValues("intake claim").Inc()
					r.cfg.Log.Warn("intake: cannot claim abandoned entries", "err", err)
				}
				break
			}
			if len(msgs) > 0 {
				r.cfg.Log.Info("intake: took over events left by another replica", "count", len(msgs))
			}
			var wg sync.WaitGroup
			for _, msg := range msgs {
				wg.Add(1)
				go func() { defer wg.Done(); r.handle(msg, true) }()
			}
			wg.Wait()
			if next == "0-0" || next == "" {
				break
			}
			start = next
		}
		r.forgetGone()
	}
}

// forgetGone deletes consumers that hold nothing and have not been seen
// for a day: each process is a new consumer, and replicas come and go.
func (r *Redis) forgetGone() {
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
func (r *Redis) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.read.Done():
		return false
	}
}

// handle runs the handler on one entry and acknowledges it, unless the
// handler was interrupted by the shutdown deadline: then the entry stays
// pending, and another replica (or this one, restarted) takes it over.
func (r *Redis) handle(msg redis.XMessage, claimed bool) {
	ev, err := decodeEntry(r.platform, msg)
	switch {
	case err != nil:
		r.cfg.Metrics.Events.WithLabelValues(r.platform, "dropped").Inc()
		r.cfg.Log.Error("intake: unreadable stream entry dropped", "entry", msg.ID, "err", err)
	case r.duplicate(&ev, msg.ID):
		r.cfg.Metrics.Events.WithLabelValues(r.platform, "duplicate").Inc()
	default:
		// An entry delivered before was handed to a consumer that did not
		// acknowledge it: that attempt's outcome is unknown.
		ev.Redelivered = ev.Redelivered || claimed
		ctx, cancel := context.WithTimeout(r.work, r.cfg.Timeout)
		err = r.h(ctx, ev)
		cancel()
		if err != nil && r.work.Err() != nil {
			r.cfg.Log.Info("intake: event left for another replica", "event_id", ev.ID)
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, r.stream, r.group, msg.ID)
		p.XDel(ctx, r.stream, msg.ID)
		return nil
	})
	if err != nil {
		// The entry will be claimed again; its handler sees Redelivered.
		r.cfg.Metrics.StoreErrors.WithLabelValues("intake ack").Inc()
		r.cfg.Log.Warn("intake: cannot acknowledge a handled event", "event_id", ev.ID, "err", err)
	}
}

// duplicate claims the event's id for this entry (SET NX GET, one round
// trip) and reports whether another entry holds it: the same event
// delivered twice. The same entry seen again (taken over after a crash)
// is marked Redelivered. Without Redis the event is handled: better twice
// than never.
func (r *Redis) duplicate(ev *Event, entry string) bool {
	if ev.ID == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(r.work, 2*time.Second)
	defer cancel()
	prev, err := r.c.SetArgs(ctx, "madoguchi:intake:seen:"+r.platform+":"+ev.ID, entry, redis.SetArgs{Mode: "NX", Get: true, TTL: r.cfg.DedupTTL}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return false
	case err != nil:
		r.cfg.Metrics.StoreErrors.WithLabelValues("claim").Inc()
		r.cfg.Log.Warn("intake: cannot claim an event; handling it anyway", "event_id", ev.ID, "err", err)
		return false
	case prev == entry:
		ev.Redelivered = true
		return false
	}
	return true
}

func decodeEntry(platform string, msg redis.XMessage) (Event, error) {
	id, _ := msg.Values[fieldID].(string)
	at, _ := msg.Values[fieldReceived].(string)
	payload, ok := msg.Values[fieldPayload].(string)
	ms, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil {
		return Event{}, fmt.Errorf("entry %s lacks a payload or a time", msg.ID)
	}
	return Event{Platform: platform, ID: id, Received: time.UnixMilli(ms), Payload: []byte(payload)}, nil
}

// Shutdown stops reading new entries, waits until the entries this replica
// holds are handled or ctx ends, then interrupts the handlers: what they
// had not finished stays pending in Redis for the other replicas.
func (r *Redis) Shutdown(ctx context.Context) error {
	r.stopRead()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		r.stopWork()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
		r.cfg.Log.Warn("intake: shutdown grace period over; unfinished events stay in Redis for the other replicas")
	}
	r.stopWork()
	return r.c.Close()
}

// Ping checks the connection, for readiness details.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }
