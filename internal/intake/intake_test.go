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

	"github.com/oumail-alumni/madoguchi/internal/metrics"
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
