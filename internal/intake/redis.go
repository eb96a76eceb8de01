package intake

import (
	"context"
	"fmt"
	"log/slog"
	"os"
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
	// MaxLen bounds the backlog of unhandled events kept when every
	// replica is down or stuck (0: no bound): past it Enqueue returns
	// ErrFull, and the platform delivers the event again later. Nothing
	// appended is ever trimmed.
	MaxLen int64
	// DedupTTL is how long a handled event id is remembered.
	DedupTTL time.Duration
	Metrics  *metrics.Metrics
	Log      *slog.Logger
	// SealKey, when set, is the secret payloads are encrypted with while
	// they wait in Redis (see sealer); every replica needs the same one.
	// A replica with another key, or none, drops sealed entries (counted
	// "dropped"); entries appended unsealed are read either way.
	SealKey []byte
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
//
// Round trips, not Redis, bound a replica's throughput (each costs
// syscalls on both sides), so each kind of command is sent in groups by
// one goroutine: the appender for the webhooks' appends, the reader for
// new entries and their claims, the acker for acknowledgements. Each
// sends whatever has gathered while its previous group was in flight:
// no timer, so an idle queue adds no delay.
type Redis struct {
	cfg      RedisConfig
	c        *redis.Client
	platform string
	stream   string
	group    string
	consumer string
	h        Handler
	seal     *sealer         // nil: payloads are stored as they are
	read     context.Context // ends when Shutdown begins: no new entries
	stopRead context.CancelFunc
	work     context.Context // ends when the shutdown deadline has passed
	stopWork context.CancelFunc
	wg       sync.WaitGroup // the reader, the workers and the claimer
	started  sync.Once

	// appends are the Enqueue calls waiting for the appender, which sends
	// them to Redis in batches; appenderDone is closed when it stopped.
	appends      *batch[*appendReq]
	appenderDone chan struct{}
	// idle holds one token per worker free to take an entry: the reader
	// reads no more entries than it holds tokens, so that a replica holds
	// no more entries than it has workers (what it holds when it stops is
	// small). entries carries what it read to the workers.
	idle    chan struct{}
	entries chan held
	// acks are the entries handled, waiting for the acker, which
	// acknowledges and deletes them in pipelines; ackerDone is closed
	// when it stopped.
	acks      *batch[string]
	ackerDone chan struct{}
}

var _ Queue = (*Redis)(nil)

// Stream fields of an entry.
const (
	fieldID       = "id"
	fieldReceived = "at" // Unix milliseconds
	fieldPayload  = "p"
	fieldSealed   = "s" // instead of fieldPayload: nonce and sealed payload
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
	// One reader holds a connection in a blocking read; the appender, the
	// acker and the claimer each send one request at a time.
	opt.PoolSize = 8
	opt.DialTimeout = 250 * time.Millisecond
	opt.ReadTimeout = time.Second
	opt.WriteTimeout = time.Second
	opt.PoolTimeout = time.Second
	var seal *sealer
	if len(cfg.SealKey) > 0 {
		if seal, err = newSealer(cfg.SealKey); err != nil {
			return nil, err
		}
	}
	host, _ := os.Hostname()
	r := &Redis{
		cfg: cfg, c: redis.NewClient(opt), platform: platform, seal: seal,
		stream: "madoguchi:intake:" + platform, group: "madoguchi",
		// Unique per process: a restarted replica is a new consumer, and
		// its predecessor's pending entries are claimed like any other.
		consumer: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), uuid.NewString()[:8]),
	}
	r.read, r.stopRead = context.WithCancel(context.Background())
	r.work, r.stopWork = context.WithCancel(context.Background())
	r.idle = make(chan struct{}, cfg.Workers)
	for range cfg.Workers {
		r.idle <- struct{}{}
	}
	r.entries = make(chan held, cfg.Workers)
	// The appender and the acker run before Start: events may be enqueued
	// before this replica handles any.
	r.appends, r.appenderDone = newBatch[*appendReq](), make(chan struct{})
	r.acks, r.ackerDone = newBatch[string](), make(chan struct{})
	go r.appender()
	go r.acker()
	if err := r.ensureGroup(ctx); err != nil {
		// Redis may come later; the reader creates the group then.
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

// Start starts the reader, the workers and the claimer of abandoned
// entries.
func (r *Redis) Start(h Handler) {
	r.started.Do(func() {
		r.h = h
		r.wg.Add(r.cfg.Workers + 2)
		for range r.cfg.Workers {
			go r.worker()
		}
		go r.reader()
		go r.claimer()
	})
}

// Shutdown refuses new events, stops reading new entries, waits until the
// entries this replica holds are handled or ctx ends, then interrupts the
// handlers: what they had not finished stays pending in Redis for the
// other replicas. It returns once every handled entry's acknowledgement
// was sent (or counted as failed: another replica takes it over).
func (r *Redis) Shutdown(ctx context.Context) error {
	r.stopRead()
	// The HTTP server has stopped before (server.Serve), so this only
	// refuses late calls; those already waiting are still appended.
	r.appends.close()
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
	r.acks.close()
	<-r.ackerDone
	<-r.appenderDone
	return r.c.Close()
}

// Ping checks the connection, for readiness details.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }
