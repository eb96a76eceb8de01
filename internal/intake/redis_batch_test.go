package intake

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

const lineStream = "madoguchi:intake:line"

func redisConfig(url string, m *metrics.Metrics) RedisConfig {
	return RedisConfig{URL: url, Workers: 4, Timeout: 30 * time.Second, MinIdle: time.Minute, MaxLen: 1000, DedupTTL: time.Hour, Metrics: m, Log: discard}
}

func newQueue(t *testing.T, cfg RedisConfig) *Redis {
	t.Helper()
	q, err := NewRedis(context.Background(), "line", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func testClient(t *testing.T, srv *redistest.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
	t.Cleanup(func() { c.Close() })
	return c
}

// counter counts how often each event was handled.
type counter struct {
	mu   sync.Mutex
	seen map[string]int
	all  chan struct{} // closed when want distinct events were handled
	want int
}

func newCounter(want int) *counter {
	return &counter{seen: map[string]int{}, all: make(chan struct{}), want: want}
}

func (c *counter) handle(_ context.Context, ev Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[ev.ID]++
	if c.seen[ev.ID] == 1 && len(c.seen) == c.want {
		close(c.all)
	}
	return nil
}

func (c *counter) wait(t *testing.T) {
	t.Helper()
	select {
	case <-c.all:
	case <-time.After(20 * time.Second):
		c.mu.Lock()
		defer c.mu.Unlock()
		t.Fatalf("handled %d distinct events within 20s, want %d", len(c.seen), c.want)
	}
}

// TestRedisConcurrentEnqueue appends many events at once (the appender
// sends them in shared pipelines): each call succeeds, each event is
// handled exactly once, and Shutdown, called as soon as the last handler
// returned, has sent every acknowledgement: nothing is left pending or in
// the stream.
func TestRedisConcurrentEnqueue(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	const n = 300
	cnt := newCounter(n)
	q.Start(cnt.handle)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- q.Enqueue(context.Background(), Event{ID: fmt.Sprint("e", i), Received: time.Now(), Payload: []byte("p")})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Enqueue = %v, want nil", err)
		}
	}
	cnt.wait(t)
	if err := q.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for id, k := range cnt.seen {
		if k != 1 {
			t.Errorf("event %s handled %d times, want 1", id, k)
		}
	}
	c := testClient(t, srv)
	ctx := context.Background()
	if p := c.XPending(ctx, lineStream, "madoguchi").Val().Count; p != 0 {
		t.Errorf("%d entries pending after Shutdown, want 0 (acknowledgements flushed)", p)
	}
	if l := c.XLen(ctx, lineStream).Val(); l != 0 {
		t.Errorf("%d entries in the stream after Shutdown, want 0", l)
	}
	if got := testutil.ToFloat64(m.StoreErrors.WithLabelValues("intake ack")); got != 0 {
		t.Errorf("acknowledgement errors = %v, want 0", got)
	}
}

// TestRedisEnqueueRedisDiesMidBatch holds a pipeline of appends inside
// Redis (CLIENT PAUSE) while more calls wait behind it, then kills Redis:
// every caller, in the batch sent and in the batch waiting, gets an error,
// and none hangs.
func TestRedisEnqueueRedisDiesMidBatch(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	defer q.Shutdown(context.Background())
	ctx := context.Background()
	if err := q.Enqueue(ctx, Event{ID: "warm", Received: time.Now()}); err != nil {
		t.Fatal(err) // the stream exists and a connection is open
	}
	if err := testClient(t, srv).Do(ctx, "CLIENT", "PAUSE", "10000", "WRITE").Err(); err != nil {
		t.Fatal(err)
	}
	const n = 50
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- q.Enqueue(ctx, Event{ID: fmt.Sprint("e", i), Received: time.Now()}) }()
	}
	time.Sleep(200 * time.Millisecond) // the first batch reaches Redis and waits there
	srv.Stop()
	for range n {
		select {
		case err := <-errs:
			if err == nil {
				t.Error("Enqueue returned nil though Redis died before appending")
			}
		case <-time.After(15 * time.Second):
			t.Fatal("an Enqueue call did not return within 15s of Redis dying")
		}
	}
}

// TestRedisEnqueueRacesShutdown calls Enqueue from many goroutines while
// the queue shuts down: every call returns (appended, or ErrClosed), none
// hangs or panics.
func TestRedisEnqueueRacesShutdown(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	q.Start(func(context.Context, Event) error { return nil })
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []error
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				err := q.Enqueue(context.Background(), Event{ID: fmt.Sprint(g, "-", i), Received: time.Now()})
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					mu.Lock()
					bad = append(bad, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	if err := q.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Enqueue calls still running 10s after Shutdown")
	}
	for _, err := range bad {
		t.Errorf("Enqueue during Shutdown = %v, want nil or ErrClosed", err)
	}
}

// TestRedisEnqueueCallerGone: a caller whose ctx has ended gets its error.
func TestRedisEnqueueCallerGone(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	defer q.Shutdown(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.Enqueue(ctx, Event{ID: "gone", Received: time.Now()}); !errors.Is(err, context.Canceled) {
		t.Errorf("Enqueue with an ended ctx = %v, want context.Canceled", err)
	}
}

// TestRedisDuplicateInOneRead appends the same event twice before any
// worker runs, so that one read (as many entries as idle workers) takes
// both: the event is handled once, the other entry counted as a
// duplicate, and both are acknowledged.
func TestRedisDuplicateInOneRead(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	ctx := context.Background()
	for _, id := range []string{"e1", "e1", "e2"} {
		if err := q.Enqueue(ctx, Event{ID: id, Received: time.Now(), Payload: []byte(id)}); err != nil {
			t.Fatal(err)
		}
	}
	cnt := newCounter(2)
	q.Start(cnt.handle)
	cnt.wait(t)
	if err := q.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if cnt.seen["e1"] != 1 || cnt.seen["e2"] != 1 {
		t.Errorf("handled %v, want e1 and e2 once each", cnt.seen)
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "duplicate")); got != 1 {
		t.Errorf("duplicates = %v, want 1", got)
	}
	if l := testClient(t, srv).XLen(ctx, lineStream).Val(); l != 0 {
		t.Errorf("%d entries in the stream after Shutdown, want 0 (the duplicate acknowledged too)", l)
	}
}
