package redis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// recorder is a handler that records the events it saw.
type recorder struct {
	mu   sync.Mutex
	seen []intake.Event
	got  chan intake.Event
}

func newRecorder() *recorder { return &recorder{got: make(chan intake.Event, 100)} }

func (r *recorder) handle(_ context.Context, ev intake.Event) error {
	r.mu.Lock()
	r.seen = append(r.seen, ev)
	r.mu.Unlock()
	r.got <- ev
	return nil
}

func (r *recorder) next(t *testing.T) intake.Event {
	t.Helper()
	select {
	case ev := <-r.got:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event handled within 10s")
		return intake.Event{}
	}
}

func newRedisQueue(t *testing.T, url string, minIdle time.Duration, m *metrics.Metrics) *Queue {
	t.Helper()
	return newQueue(t, queueConfig{URL: url, QueueConfig: QueueConfig{Workers: 2, Timeout: minIdle / 2, MinIdle: minIdle, MaxLen: 1000, DedupTTL: time.Hour, Metrics: m, Log: discard}})
}

func TestRedisQueue(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newRedisQueue(t, srv.URL(), time.Minute, m)
	rec := newRecorder()
	q.Start(rec.handle)
	at := time.UnixMilli(time.Now().UnixMilli())
	if err := q.Enqueue(context.Background(), intake.Event{Platform: "line", ID: "e1", Received: at, Payload: []byte(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
	ev := rec.next(t)
	if ev.ID != "e1" || string(ev.Payload) != `{"x":1}` || !ev.Received.Equal(at) || ev.Redelivered {
		t.Errorf("handled %+v, want the event as enqueued", ev)
	}
	// The same event appended again (the platform redelivered it) is
	// skipped when taken.
	q.Enqueue(context.Background(), intake.Event{Platform: "line", ID: "e1", Received: at, Payload: []byte(`{"x":1}`)})
	q.Enqueue(context.Background(), intake.Event{Platform: "line", ID: "e2", Received: at, Payload: []byte(`{"x":2}`)})
	if ev := rec.next(t); ev.ID != "e2" {
		t.Errorf("handled %q after a redelivered e1, want e2 only", ev.ID)
	}
	if err := q.Shutdown(context.Background()); err != nil { // the other worker finishes the duplicate
		t.Fatal(err)
	}
	c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
	defer c.Close()
	if n := c.XLen(context.Background(), "madoguchi:intake:line").Val(); n != 0 {
		t.Errorf("%d entries left in the stream after handling, want 0", n)
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "duplicate")); got != 1 {
		t.Errorf("duplicates = %v, want 1", got)
	}
	if err := q.Enqueue(context.Background(), intake.Event{ID: "late"}); !errors.Is(err, intake.ErrClosed) {
		t.Errorf("Enqueue after Shutdown = %v, want ErrClosed", err)
	}
}

// TestRedisTakesOverAbandoned leaves an entry pending with a consumer that
// dies (read, never acknowledged): another replica's queue claims it after
// the idle time and handles it, marked as redelivered.
func TestRedisTakesOverAbandoned(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	ctx := context.Background()
	dead := newRedisQueue(t, srv.URL(), 400*time.Millisecond, m)
	if err := dead.Enqueue(ctx, intake.Event{ID: "orphan", Received: time.Now(), Payload: []byte("p")}); err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
	defer c.Close()
	if err := c.XReadGroup(ctx, &goredis.XReadGroupArgs{Group: "madoguchi", Consumer: "dead-replica", Streams: []string{"madoguchi:intake:line", ">"}, Count: 1}).Err(); err != nil {
		t.Fatal(err)
	}
	alive := newRedisQueue(t, srv.URL(), 400*time.Millisecond, m)
	rec := newRecorder()
	alive.Start(rec.handle)
	defer alive.Shutdown(ctx)
	ev := rec.next(t)
	if ev.ID != "orphan" || !ev.Redelivered {
		t.Errorf("took over %+v, want the orphan, redelivered", ev)
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.XPending(ctx, "madoguchi:intake:line", "madoguchi").Val().Count != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := c.XPending(ctx, "madoguchi:intake:line", "madoguchi").Val().Count; n != 0 {
		t.Errorf("%d entries pending after the takeover, want 0", n)
	}
}

// TestRedisShutdownLeavesUnfinished stops a replica whose handler hangs:
// the entry it held stays pending for the others, and entries it never
// read stay in the stream.
func TestRedisShutdownLeavesUnfinished(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	ctx := context.Background()
	q := newRedisQueue(t, srv.URL(), time.Minute, m)
	started := make(chan struct{}, 10)
	q.Start(func(ctx context.Context, ev intake.Event) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	for i := range 2 {
		q.Enqueue(ctx, intake.Event{ID: fmt.Sprint(i), Received: time.Now(), Payload: []byte("p")})
	}
	<-started
	<-started
	sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := q.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
	defer c.Close()
	if n := c.XPending(ctx, "madoguchi:intake:line", "madoguchi").Val().Count; n != 2 {
		t.Errorf("%d entries pending after an interrupted shutdown, want the 2 held", n)
	}
}

// TestRedisDown: with Redis stopped, Enqueue fails fast (the webhook then
// answers 503), and works again once Redis is back.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newRedisQueue(t, srv.URL(), time.Minute, m)
	rec := newRecorder()
	q.Start(rec.handle)
	defer q.Shutdown(context.Background())
	srv.Stop()
	if err := q.Enqueue(context.Background(), intake.Event{ID: "x", Received: time.Now()}); err == nil {
		t.Fatal("Enqueue with Redis down succeeded")
	}
	srv.Restart(t)
	deadline := time.Now().Add(10 * time.Second)
	for q.Enqueue(context.Background(), intake.Event{ID: "y", Received: time.Now()}) != nil {
		if time.Now().After(deadline) {
			t.Fatal("Enqueue still fails 10s after Redis came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ev := rec.next(t); ev.ID != "y" {
		t.Errorf("handled %q after Redis came back, want y", ev.ID)
	}
}

func TestNewRedisRefusesShortIdle(t *testing.T) {
	c, err := Open("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Queue(context.Background(), "line", QueueConfig{Timeout: time.Minute, MinIdle: time.Second, Log: discard}); err == nil {
		t.Error("NewRedis accepted a claim idle time shorter than the event timeout")
	}
}
