package redis

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// levels is a slog handler that keeps the level and message of each line.
type levels struct {
	mu    sync.Mutex
	lines []string
}

func (l *levels) Enabled(context.Context, slog.Level) bool { return true }
func (l *levels) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *levels) WithGroup(string) slog.Handler            { return l }
func (l *levels) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, r.Level.String()+" "+r.Message)
	return nil
}

func (l *levels) count(level slog.Level) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.HasPrefix(line, level.String()+" ") {
			n++
		}
	}
	return n
}

// TestRestartKeepsBacklog: with the shipped persistence settings, Redis
// killed (SIGKILL) and restarted under a backlog loses no acknowledged
// event: every event whose Enqueue returned nil is handled afterwards,
// those a replica held when Redis died included, and no loss is reported.
func TestRestartKeepsBacklog(t *testing.T) {
	srv := redistest.StartPersistent(t)
	m := metrics.New(prometheus.NewRegistry())
	ctx := context.Background()
	cfg := redisConfig(srv.URL(), m)
	cfg.MinIdle, cfg.Timeout, cfg.MaxLen = 400*time.Millisecond, 200*time.Millisecond, 0
	// Replica a takes as many events as it has workers and does not
	// finish them before it stops: they stay pending, as with a replica
	// that died.
	a := newQueue(t, cfg)
	held, stuck := make(chan struct{}, 100), make(chan struct{})
	defer close(stuck)
	a.Start(func(context.Context, intake.Event) error { held <- struct{}{}; <-stuck; return nil })
	const n = 500
	for i := range n {
		if err := a.Enqueue(ctx, intake.Event{ID: fmt.Sprint("e", i), Received: time.Now(), Payload: []byte(`{"text":"hello"}`)}); err != nil {
			t.Fatalf("Enqueue %d = %v", i, err)
		}
	}
	for range cfg.Workers {
		<-held
	}
	srv.Stop()
	srv.Restart(t)
	sctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	a.Shutdown(sctx)
	b := newQueue(t, cfg)
	cnt := newCounter(n)
	b.Start(cnt.handle)
	defer b.Shutdown(ctx)
	cnt.wait(t)
	for id, k := range cnt.seen {
		if k != 1 {
			t.Errorf("event %s handled %d times, want 1", id, k)
		}
	}
	if got := b.Lost().Count + a.Lost().Count; got != 0 {
		t.Errorf("losses reported = %d, want 0", got)
	}
	if got := testutil.ToFloat64(m.QueueLost.WithLabelValues("line")); got != 0 {
		t.Errorf("madoguchi_intake_queue_lost_total = %v, want 0", got)
	}
}

// TestLossDetected: when Redis loses the stream (FLUSHALL, or a restart
// without persistence) under a backlog, the replica finds it, logs it at
// error level, reports it in Lost and Health, counts it once with the
// events that were waiting, and carries on: new events are handled.
func TestLossDetected(t *testing.T) {
	for _, tc := range []struct {
		name string
		lose func(t *testing.T, srv *redistest.Server)
	}{
		{"FLUSHALL", func(t *testing.T, srv *redistest.Server) {
			if err := testClient(t, srv).FlushAll(context.Background()).Err(); err != nil {
				t.Fatal(err)
			}
		}},
		{"restart without persistence", func(t *testing.T, srv *redistest.Server) { srv.Stop(); srv.Restart(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.Start(t)
			m := metrics.New(prometheus.NewRegistry())
			ctx := context.Background()
			log := &levels{}
			cfg := redisConfig(srv.URL(), m)
			cfg.MinIdle, cfg.Timeout, cfg.Log = 400*time.Millisecond, 200*time.Millisecond, slog.New(log)
			q := newQueue(t, cfg)
			// The workers are stuck until the loss is found: the backlog
			// stays as it is.
			release := make(chan struct{})
			var handled sync.Map
			q.Start(func(ctx context.Context, ev intake.Event) error {
				handled.Store(ev.ID, true)
				<-release
				return nil
			})
			defer q.Shutdown(ctx)
			const n = 50
			for i := range n {
				if err := q.Enqueue(ctx, intake.Event{ID: fmt.Sprint("e", i), Received: time.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "the claimer to measure the backlog", func() bool { return q.backlog.Load() == n })
			tc.lose(t, srv)
			waitFor(t, "the loss to be found", func() bool { return q.Lost().Count == 1 })
			if got := testutil.ToFloat64(m.QueueLost.WithLabelValues("line")); got != 1 {
				t.Errorf("madoguchi_intake_queue_lost_total = %v, want 1", got)
			}
			if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "lost")); got != n {
				t.Errorf("events counted lost = %v, want %d (the backlog)", got, n)
			}
			if got := log.count(slog.LevelError); got != 1 {
				t.Errorf("error lines = %d, want 1", got)
			}
			if h := q.Health(); h == "ok" {
				t.Error(`Health = "ok" after a loss`)
			}
			// The queue works again: a new event is handled.
			close(release)
			waitFor(t, "an append to succeed", func() bool {
				return q.Enqueue(ctx, intake.Event{ID: "after", Received: time.Now()}) == nil
			})
			waitFor(t, "the new event to be handled", func() bool { _, ok := handled.Load("after"); return ok })
			if got := q.Lost().Count; got != 1 {
				t.Errorf("losses = %d after recovering, want 1", got)
			}
		})
	}
}

// TestFirstStartIsNoLoss: a queue that finds no stream when it starts (a
// new Redis) creates it without reporting a loss.
func TestFirstStartIsNoLoss(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	q := newQueue(t, redisConfig(srv.URL(), m))
	cnt := newCounter(1)
	q.Start(cnt.handle)
	defer q.Shutdown(context.Background())
	if err := q.Enqueue(context.Background(), intake.Event{ID: "e1", Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	cnt.wait(t)
	if got, h := q.Lost().Count, q.Health(); got != 0 || h != "ok" {
		t.Errorf("Lost().Count = %d, Health = %q; want 0 and ok", got, h)
	}
}

// TestPersistenceHealth: readiness says whether Redis keeps an
// append-only file.
func TestPersistenceHealth(t *testing.T) {
	for _, tc := range []struct {
		name string
		srv  *redistest.Server
		want string
	}{
		{"shipped settings", redistest.StartPersistent(t), "append-only file"},
		{"no persistence", redistest.Start(t), "no append-only file: a restart of Redis loses the events waiting in the queue"},
	} {
		if got := open(t, tc.srv.URL()).PersistenceHealth(context.Background()); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("waited 10s for %s", what)
}

// TestShippedPersistence: the compose file and the Kubernetes manifest
// give Redis the persistence the tests above restart it with.
func TestShippedPersistence(t *testing.T) {
	var want []string
	for _, a := range redistest.Persistence {
		want = append(want, strconv.Quote(a))
	}
	for _, path := range []string{"../../deploy/compose.yaml", "../../deploy/k8s/base/redis.yaml"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), strings.Join(want, ", ")) {
			t.Errorf("%s does not run redis-server with %s", path, strings.Join(want, ", "))
		}
		if strings.Contains(string(b), "emptyDir") || strings.Contains(string(b), "tmpfs") {
			t.Errorf("%s keeps Redis's data on a volume that ends with the container", path)
		}
	}
}
