package intake

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// takeN is a queue without BatchQueue that takes its first room events,
// then answers ErrFull; it records every Enqueue call.
type takeN struct {
	room  int
	calls []string
}

func (q *takeN) Enqueue(_ context.Context, ev Event) error {
	q.calls = append(q.calls, ev.ID)
	if len(q.calls) > q.room {
		return ErrFull
	}
	return nil
}
func (q *takeN) Start(Handler)                  {}
func (q *takeN) Shutdown(context.Context) error { return nil }

// TestAcceptAll accepts a delivery of five events, one a duplicate, into a
// queue with room for some: the events after the first refused are not
// tried, are counted busy, and their claims are released so that the
// platform's next delivery queues them.
func TestAcceptAll(t *testing.T) {
	tests := []struct {
		room                int
		want                bool
		calls, queued, busy int
		releasedFrom        int // ids from here on are claimable again
	}{
		{room: 5, want: true, calls: 4, queued: 4, busy: 0, releasedFrom: 4},
		{room: 2, want: false, calls: 3, queued: 2, busy: 2, releasedFrom: 2},
		{room: 0, want: false, calls: 1, queued: 0, busy: 4, releasedFrom: 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("room ", tt.room), func(t *testing.T) {
			m := metrics.New(prometheus.NewRegistry())
			q := &takeN{room: tt.room}
			in := &Intake{Platform: "line", Claims: state.NewMemory(time.Now), Queue: q, Metrics: m, Log: discard, TTL: time.Minute}
			ctx := context.Background()
			in.Claims.Claim(ctx, "line:dup", time.Minute)
			items := []Item{{ID: "e0"}, {ID: "dup"}, {ID: "e1"}, {ID: "e2"}, {ID: "e3"}}
			if got := in.AcceptAll(ctx, items); got != tt.want {
				t.Errorf("AcceptAll = %v, want %v", got, tt.want)
			}
			if len(q.calls) != tt.calls {
				t.Errorf("Enqueue called for %v, want %d calls (none after the first refusal, none for the duplicate)", q.calls, tt.calls)
			}
			for outcome, want := range map[string]int{"queued": tt.queued, "busy": tt.busy, "duplicate": 1} {
				if got := testutil.ToFloat64(m.Events.WithLabelValues("line", outcome)); int(got) != want {
					t.Errorf("%s = %v, want %d", outcome, got, want)
				}
			}
			for i, id := range []string{"e0", "e1", "e2", "e3"} {
				free, _ := in.Claims.Claim(ctx, "line:"+id, time.Minute)
				if want := i >= tt.releasedFrom; free != want {
					t.Errorf("%s claimable again = %v, want %v", id, free, want)
				}
			}
		})
	}
}

// TestMemoryEnqueueDeadline: a full memory queue waits for room no longer
// than the caller's deadline, even when its own wait is longer.
func TestMemoryEnqueueDeadline(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	q := NewMemory(MemoryConfig{Workers: 1, Size: 1, Wait: time.Hour, Timeout: time.Second, Metrics: m, Log: discard})
	release := make(chan struct{})
	q.Start(func(context.Context, Event) error { <-release; return nil })
	defer q.Shutdown(context.Background())
	defer close(release)
	// Each call returns at once: queued while there is room (one event
	// held by the worker, one waiting), then ErrFull.
	var err error
	for range 3 {
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		done := make(chan error, 1)
		go func() { done <- q.Enqueue(ctx, Event{ID: "e"}) }()
		select {
		case err = <-done:
			cancel()
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatal("Enqueue waited past its context's deadline")
		}
		if err != nil {
			break
		}
	}
	if !errors.Is(err, ErrFull) {
		t.Errorf("third Enqueue into a queue of one = %v, want ErrFull", err)
	}
}
