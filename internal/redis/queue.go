package redis

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// QueueConfig configures a durable queue on a Redis Stream.
type QueueConfig struct {
	Workers int // goroutines handling events in this replica
	// Timeout bounds the handling of one event; MinIdle is how long an
	// entry stays pending with a consumer before another replica takes it
	// over. MinIdle must exceed Timeout, or a slow but live replica would
	// have its events taken from it.
	Timeout time.Duration
	MinIdle time.Duration
	// MaxLen bounds the backlog of unhandled events kept when every
	// replica is down or stuck (0: no bound): past it Enqueue returns
	// intake.ErrFull, and the platform delivers the event again later. Nothing
	// appended is ever trimmed.
	MaxLen int64
	// DedupTTL is how long a handled event id is remembered.
	DedupTTL time.Duration
	Metrics  *metrics.Metrics
	Log      *slog.Logger
	// SealKey, when set, is the AES-256 key payloads are encrypted with
	// while they wait in Redis (see sealer; keys.Set.Seal derives it);
	// every replica needs the same one.
	// A replica with another key, or none, drops sealed entries (counted
	// "dropped"); entries appended unsealed are read either way.
	SealKey []byte
}

// Queue is the intake's durable queue shared by replicas: each platform's events go
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
type Queue struct {
	cfg      QueueConfig
	c        *goredis.Client
	platform string
	stream   string
	group    string
	consumer string
	h        intake.Handler
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

	// known is set while this replica has seen the consumer group exist:
	// finding it gone then means Redis lost what was waiting (see
	// vanished). backlog is the stream's length at this replica's last
	// look (its last append, acknowledgement or claimer pass), the
	// estimate of what such a loss took.
	known   atomic.Bool
	backlog atomic.Int64
	// mu guards lost.
	mu   sync.Mutex
	lost Loss
}

var _ intake.Queue = (*Queue)(nil)

// Stream fields of an entry.
const (
	fieldID       = "id"
	fieldReceived = "at" // Unix milliseconds
	fieldPayload  = "p"
	fieldSealed   = "s" // instead of fieldPayload: nonce and sealed payload
)

// Queue makes platform's durable queue on c and creates its stream and
// consumer group if they do not exist.
func (c *Client) Queue(ctx context.Context, platform string, cfg QueueConfig) (*Queue, error) {
	if cfg.MinIdle <= cfg.Timeout {
		return nil, fmt.Errorf("intake: claim idle time %v must exceed the event timeout %v", cfg.MinIdle, cfg.Timeout)
	}
	var err error
	var seal *sealer
	if len(cfg.SealKey) > 0 {
		if seal, err = newSealer(cfg.SealKey); err != nil {
			return nil, err
		}
	}
	host, _ := os.Hostname()
	r := &Queue{
		cfg: cfg, c: c.c, platform: platform, seal: seal,
		stream: streamKey(platform), group: group,
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
	if _, err := r.ensureGroup(ctx); err != nil {
		// Redis may come later; the reader creates the group then.
		cfg.Log.Warn("intake: cannot create the Redis stream yet", "stream", r.stream, "err", err)
	}
	return r, nil
}

// Platform is the platform whose events the queue holds.
func (r *Queue) Platform() string { return r.platform }

// ensureGroup creates the stream and its consumer group unless they
// exist; it reports whether this call created the group.
func (r *Queue) ensureGroup(ctx context.Context) (bool, error) {
	err := r.c.XGroupCreateMkStream(ctx, r.stream, r.group, "0").Err()
	switch {
	case err == nil:
	case strings.HasPrefix(err.Error(), "BUSYGROUP"):
	default:
		return false, fmt.Errorf("create consumer group on %s: %w", r.stream, err)
	}
	r.known.Store(true)
	return err == nil, nil
}

// Start starts the reader, the workers and the claimer of abandoned
// entries.
func (r *Queue) Start(h intake.Handler) {
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
// was sent (or counted as failed: another replica takes it over). The
// client stays open: close it once every queue has shut down.
func (r *Queue) Shutdown(ctx context.Context) error {
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
	return nil
}
