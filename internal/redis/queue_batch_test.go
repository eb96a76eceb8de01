package redis

import (
	"context"
	"errors"
	"fmt"
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

const lineStream = "madoguchi:intake:line"

// queueConfig is a queue's configuration and the server it uses.
type queueConfig struct {
	URL string
	QueueConfig
}

func redisConfig(url string, m *metrics.Metrics) queueConfig {
	return queueConfig{URL: url, QueueConfig: QueueConfig{Workers: 4, Timeout: 30 * time.Second, MinIdle: time.Minute, MaxLen: 1000, DedupTTL: time.Hour, Metrics: m, Log: discard}}
}

// newQueue makes the line queue of a replica of its own: a client of its
// own, closed when the test ends.
func newQueue(t *testing.T, cfg queueConfig) *Queue {
	t.Helper()
	c := open(t, cfg.URL)
	q, err := c.Queue(context.Background(), "line", cfg.QueueConfig)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// open opens a client to url, closed when the test ends.
func open(t testing.TB, url string) *Client {
	t.Helper()
	c, err := Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testClient(t *testing.T, srv *redistest.Server) *goredis.Client {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
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

func (c *counter) handle(_ context.Context, ev intake.Event) error {
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
			errs <- q.Enqueue(context.Background(), intake.Event{ID: fmt.Sprint("e", i), Received: time.Now(), Payload: []byte("p")})
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
	const n = 50
	next := stalledEnqueues(t, srv, q, 10*time.Second, n, 15*time.Second)
	time.Sleep(200 * time.Millisecond) // the first batch reaches Redis and waits there
	srv.Stop()
	for range n {
		if next() == nil {
			t.Error("Enqueue returned nil though Redis died before appending")
		}
	}
}

// stalledEnqueues makes n Enqueue calls on q while srv holds writes for
// pause (CLIENT PAUSE), after one call that opens the stream and a
// connection. It returns the calls' results as they come, and fails the
// test when one does not return within limit.
func stalledEnqueues(t *testing.T, srv *redistest.Server, q *Queue, pause time.Duration, n int, limit time.Duration) func() error {
	t.Helper()
	ctx := context.Background()
	if err := q.Enqueue(ctx, intake.Event{ID: "warm", Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := testClient(t, srv).Do(ctx, "CLIENT", "PAUSE", pause.Milliseconds(), "WRITE").Err(); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- q.Enqueue(ctx, intake.Event{ID: fmt.Sprint("e", i), Received: time.Now()}) }()
	}
	return func() error {
		t.Helper()
		select {
		case err := <-errs:
			return err
		case <-time.After(limit):
			t.Fatalf("an Enqueue call did not return within %v", limit)
			return nil
		}
	}
}

// TestRedisEnqueueRacesShutdown calls Enqueue from many goroutines while
// the queue shuts down: every call returns (appended, or intake.ErrClosed), none
// hangs or panics, and each goroutine was still calling when Shutdown came
// (it ends on intake.ErrClosed, not on its budget of calls). Shutdown starts once
// every goroutine has had a call appended, not after a sleep; the backlog
// has no bound here (MaxLen 0), since how fast the goroutines fill it is
// the machine's business and intake.ErrFull has its own tests.
func TestRedisEnqueueRacesShutdown(t *testing.T) {
	const goroutines, budget = 8, 100000
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	cfg := redisConfig(srv.URL(), m)
	cfg.MaxLen = 0
	q := newQueue(t, cfg)
	q.Start(func(context.Context, intake.Event) error { return nil })
	var wg, running sync.WaitGroup
	last := make([]error, goroutines) // each goroutine's last outcome
	running.Add(goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range budget {
				err := q.Enqueue(context.Background(), intake.Event{ID: fmt.Sprint(g, "-", i), Received: time.Now()})
				last[g] = err
				if i == 0 {
					running.Done()
				}
				if err != nil {
					return
				}
			}
		}()
	}
	running.Wait()
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
	for g, err := range last {
		if !errors.Is(err, intake.ErrClosed) {
			t.Errorf("goroutine %d ended on %v, want intake.ErrClosed (refused after Shutdown)", g, err)
		}
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
	if err := q.Enqueue(ctx, intake.Event{ID: "gone", Received: time.Now()}); !errors.Is(err, context.Canceled) {
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
		if err := q.Enqueue(ctx, intake.Event{ID: id, Received: time.Now(), Payload: []byte(id)}); err != nil {
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

// TestRedisFullRefuses fills a small backlog with no replica handling it:
// appends past MaxLen are refused (intake.ErrFull, so the webhook answers 503
// and counts the event busy), none of those appended is trimmed, and
// appends are taken again once the backlog is handled.
func TestRedisFullRefuses(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	cfg := redisConfig(srv.URL(), m)
	cfg.MaxLen = 3
	q := newQueue(t, cfg)
	ctx := context.Background()
	for i := range 3 {
		if err := q.Enqueue(ctx, intake.Event{ID: fmt.Sprint("e", i), Received: time.Now(), Payload: []byte("p")}); err != nil {
			t.Fatalf("Enqueue %d of 3 = %v, want nil", i, err)
		}
	}
	if err := q.Enqueue(ctx, intake.Event{ID: "e3", Received: time.Now()}); !errors.Is(err, intake.ErrFull) {
		t.Errorf("Enqueue past MaxLen = %v, want ErrFull", err)
	}
	in := &intake.Intake{Platform: "line", Queue: q, Metrics: m, Log: discard}
	if in.Accept(ctx, "e4", []byte("p")) {
		t.Error("Accept past MaxLen = true, want false (503)")
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "busy")); got != 1 {
		t.Errorf("busy = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.StoreErrors.WithLabelValues("enqueue")); got != 0 {
		t.Errorf("store errors = %v, want 0: a full backlog is not a store failure", got)
	}
	c := testClient(t, srv)
	msgs := c.XRange(ctx, lineStream, "-", "+").Val()
	if len(msgs) != 3 {
		t.Fatalf("stream holds %d entries, want the 3 appended", len(msgs))
	}
	for i, msg := range msgs {
		if msg.Values["id"] != fmt.Sprint("e", i) {
			t.Errorf("entry %d is %v, want e%d (nothing trimmed)", i, msg.Values["id"], i)
		}
	}
	cnt := newCounter(3)
	q.Start(cnt.handle)
	cnt.wait(t)
	deadline := time.Now().Add(10 * time.Second)
	for q.Enqueue(ctx, intake.Event{ID: "e5", Received: time.Now()}) != nil {
		if time.Now().After(deadline) {
			t.Fatal("Enqueue still refused 10s after the backlog was handled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	q.Shutdown(ctx)
}

// TestRedisFullConcurrent appends more events at once than the bound
// allows: exactly MaxLen are taken, as if the replicas' appends were one
// at a time.
func TestRedisFullConcurrent(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	cfg := redisConfig(srv.URL(), m)
	cfg.MaxLen = 5
	a, b := newQueue(t, cfg), newQueue(t, cfg) // two replicas
	defer a.Shutdown(context.Background())
	defer b.Shutdown(context.Background())
	const n = 40
	errs := make(chan error, n)
	for i := range n {
		q := a
		if i%2 == 1 {
			q = b
		}
		go func() {
			errs <- q.Enqueue(context.Background(), intake.Event{ID: fmt.Sprint("e", i), Received: time.Now()})
		}()
	}
	ok, full := 0, 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, intake.ErrFull):
			full++
		default:
			t.Errorf("Enqueue = %v, want nil or ErrFull", err)
		}
	}
	if ok != 5 || full != n-5 {
		t.Errorf("appended %d, refused %d, want 5 and %d", ok, full, n-5)
	}
}

// TestRedisScriptFlushed: when Redis has lost its script cache (SCRIPT
// FLUSH, as after a restart) the append is still made, once.
func TestRedisScriptFlushed(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	defer q.Shutdown(context.Background())
	ctx := context.Background()
	c := testClient(t, srv)
	for i := range 2 {
		if err := c.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if err := q.Enqueue(ctx, intake.Event{ID: fmt.Sprint("e", i), Received: time.Now()}); err != nil {
			t.Fatalf("Enqueue after SCRIPT FLUSH = %v, want nil", err)
		}
	}
	if l := c.XLen(ctx, lineStream).Val(); l != 2 {
		t.Errorf("stream holds %d entries, want 2", l)
	}
}

// TestRedisAckFailsAtShutdown: an entry handled while Redis is down cannot
// be acknowledged; Shutdown returns anyway, and the failure is counted
// (the entry stays pending, for another replica to take over).
func TestRedisAckFailsAtShutdown(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	started, release := make(chan struct{}), make(chan struct{})
	q.Start(func(context.Context, intake.Event) error { close(started); <-release; return nil })
	if err := q.Enqueue(context.Background(), intake.Event{ID: "e1", Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	<-started
	srv.Stop()
	close(release)
	if err := q.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.StoreErrors.WithLabelValues("intake ack")); got != 1 {
		t.Errorf("acknowledgement errors = %v, want 1", got)
	}
}

// TestRedisEnqueueBoundedWhenStalled: with Redis stalled, calls queued
// behind the batch that waits in it give up too (the webhook answers 503
// and the platform delivers again), instead of waiting for every batch
// ahead of them and being appended long after.
func TestRedisEnqueueBoundedWhenStalled(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	defer q.Shutdown(context.Background())
	// The pause is longer than the wait of one call, shorter than the
	// batches queued would take one after another (each waits up to the
	// read timeout).
	const n = 20 * appendBatch
	next := stalledEnqueues(t, srv, q, 6*time.Second, n, 30*time.Second)
	failed := 0
	for range n {
		if next() != nil {
			failed++
		}
	}
	if failed != n {
		t.Errorf("%d of %d calls made while Redis was stalled succeeded; want each to give up", n-failed, n)
	}
}
