package intake

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
	"github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// recorder is a handler that records the events it saw.
type recorder struct {
	mu   sync.Mutex
	seen []Event
	got  chan Event
}

func newRecorder() *recorder { return &recorder{got: make(chan Event, 100)} }

func (r *recorder) handle(_ context.Context, ev Event) error {
	r.mu.Lock()
	r.seen = append(r.seen, ev)
	r.mu.Unlock()
	r.got <- ev
	return nil
}

func (r *recorder) next(t *testing.T) Event {
	t.Helper()
	select {
	case ev := <-r.got:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event handled within 10s")
		return Event{}
	}
}

func TestIntakeDedupAndMemoryQueue(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	q := NewMemory(MemoryConfig{Workers: 2, Size: 4, Wait: time.Millisecond, Timeout: time.Second, Metrics: m, Log: discard})
	rec := newRecorder()
	q.Start(rec.handle)
	in := &Intake{Platform: "line", Claims: state.NewMemory(time.Now), Queue: q, Metrics: m, Log: discard, TTL: time.Minute}
	ctx := context.Background()
	for _, id := range []string{"e1", "e1", "e2"} {
		if !in.Accept(ctx, id, []byte(`{"id":"`+id+`"}`)) {
			t.Fatalf("Accept(%s) = false", id)
		}
	}
	if err := q.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.seen) != 2 || string(rec.seen[0].Payload) == string(rec.seen[1].Payload) {
		t.Errorf("handled %d events, want e1 and e2 once each", len(rec.seen))
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "duplicate")); got != 1 {
		t.Errorf("duplicates counted = %v, want 1", got)
	}
	if in.Accept(ctx, "e3", nil) {
		t.Error("Accept after Shutdown = true, want false (503: the platform delivers again)")
	}
	// e3 was not queued, so its claim is released: the redelivery is new.
	if ok, _ := in.Claims.Claim(ctx, "line:e3", time.Minute); !ok {
		t.Error("the claim of an event not queued was kept")
	}
}

// TestMemoryShutdownCountsDropped stops a queue whose handler hangs: the
// events it could not answer within the grace period are counted.
func TestMemoryShutdownCountsDropped(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	q := NewMemory(MemoryConfig{Workers: 1, Size: 10, Wait: time.Millisecond, Timeout: time.Minute, Metrics: m, Log: discard})
	q.Start(func(ctx context.Context, ev Event) error { <-ctx.Done(); return ctx.Err() })
	for i := range 5 {
		if err := q.Enqueue(context.Background(), Event{Platform: "line", ID: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := q.Shutdown(ctx); err == nil {
		t.Error("Shutdown with unanswered events returned nil")
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "dropped")); got != 5 {
		t.Errorf("dropped = %v, want 5 (1 interrupted, 4 queued)", got)
	}
}

func TestMemoryFull(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	q := NewMemory(MemoryConfig{Workers: 1, Size: 1, Wait: 10 * time.Millisecond, Timeout: time.Second, Metrics: m, Log: discard})
	release := make(chan struct{})
	q.Start(func(context.Context, Event) error { <-release; return nil })
	defer q.Shutdown(context.Background())
	defer close(release)
	var err error
	for range 3 {
		err = q.Enqueue(context.Background(), Event{})
	}
	if !errors.Is(err, ErrFull) {
		t.Errorf("Enqueue to a full queue = %v, want ErrFull", err)
	}
}

func newRedisQueue(t *testing.T, url string, minIdle time.Duration, m *metrics.Metrics) *Redis {
	t.Helper()
	q, err := NewRedis(context.Background(), "line", RedisConfig{URL: url, Workers: 2, Timeout: minIdle / 2, MinIdle: minIdle, MaxLen: 1000, DedupTTL: time.Hour, Metrics: m, Log: discard})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestRedisQueue(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newRedisQueue(t, srv.URL(), time.Minute, m)
	rec := newRecorder()
	q.Start(rec.handle)
	at := time.UnixMilli(time.Now().UnixMilli())
	if err := q.Enqueue(context.Background(), Event{Platform: "line", ID: "e1", Received: at, Payload: []byte(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
	ev := rec.next(t)
	if ev.ID != "e1" || string(ev.Payload) != `{"x":1}` || !ev.Received.Equal(at) || ev.Redelivered {
		t.Errorf("handled %+v, want the event as enqueued", ev)
	}
	// The same event appended again (the platform redelivered it) is
	// skipped when taken.
	q.Enqueue(context.Background(), Event{Platform: "line", ID: "e1", Received: at, Payload: []byte(`{"x":1}`)})
	q.Enqueue(context.Background(), Event{Platform: "line", ID: "e2", Received: at, Payload: []byte(`{"x":2}`)})
	if ev := rec.next(t); ev.ID != "e2" {
		t.Errorf("handled %q after a redelivered e1, want e2 only", ev.ID)
	}
	if err := q.Shutdown(context.Background()); err != nil { // the other worker finishes the duplicate
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
	defer c.Close()
	if n := c.XLen(context.Background(), "madoguchi:intake:line").Val(); n != 0 {
		t.Errorf("%d entries left in the stream after handling, want 0", n)
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "duplicate")); got != 1 {
		t.Errorf("duplicates = %v, want 1", got)
	}
	if err := q.Enqueue(context.Background(), Event{ID: "late"}); !errors.Is(err, ErrClosed) {
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
	if err := dead.Enqueue(ctx, Event{ID: "orphan", Received: time.Now(), Payload: []byte("p")}); err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
	defer c.Close()
	if err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "madoguchi", Consumer: "dead-replica", Streams: []string{"madoguchi:intake:line", ">"}, Count: 1}).Err(); err != nil {
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
	q.Start(func(ctx context.Context, ev Event) error { started <- struct{}{}; <-ctx.Done(); return ctx.Err() })
	for i := range 2 {
		q.Enqueue(ctx, Event{ID: fmt.Sprint(i), Received: time.Now(), Payload: []byte("p")})
	}
	<-started
	<-started
	sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := q.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
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
	if err := q.Enqueue(context.Background(), Event{ID: "x", Received: time.Now()}); err == nil {
		t.Fatal("Enqueue with Redis down succeeded")
	}
	srv.Restart(t)
	deadline := time.Now().Add(10 * time.Second)
	for q.Enqueue(context.Background(), Event{ID: "y", Received: time.Now()}) != nil {
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
	_, err := NewRedis(context.Background(), "line", RedisConfig{URL: "redis://127.0.0.1:1/0", Timeout: time.Minute, MinIdle: time.Second, Log: discard})
	if err == nil {
		t.Error("NewRedis accepted a claim idle time shorter than the event timeout")
	}
}
