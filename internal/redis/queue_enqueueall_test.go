package redis

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// TestRedisEnqueueAll appends a delivery of 1,000 events at once: all are
// taken, in order, and every one handled once.
func TestRedisEnqueueAll(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	cfg := redisConfig(srv.URL(), m)
	cfg.MaxLen = 0
	q := newQueue(t, cfg)
	ctx := context.Background()
	evs := make([]intake.Event, 1000)
	for i := range evs {
		evs[i] = intake.Event{Platform: "line", ID: fmt.Sprint("e", i), Received: time.Now(), Payload: []byte("p")}
	}
	for i, err := range q.EnqueueAll(ctx, evs) {
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	msgs := testClient(t, srv).XRange(ctx, lineStream, "-", "+").Val()
	if len(msgs) != len(evs) {
		t.Fatalf("stream holds %d entries, want %d", len(msgs), len(evs))
	}
	for i, msg := range msgs {
		if msg.Values[fieldID] != evs[i].ID {
			t.Fatalf("entry %d is %v, want %s: the delivery's order is kept", i, msg.Values[fieldID], evs[i].ID)
		}
	}
	cnt := newCounter(len(evs))
	q.Start(cnt.handle)
	cnt.wait(t)
	q.Shutdown(ctx)
	for id, n := range cnt.seen {
		if n != 1 {
			t.Errorf("%s handled %d times, want once", id, n)
		}
	}
}
