package redis

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// TestQueues: each platform's queue is made with serve's bounds and its
// own seal key, and kept for the health checks in the order made.
func TestQueues(t *testing.T) {
	srv := redistest.Start(t)
	c := open(t, srv.URL())
	keys := map[string][]byte{"line": bytes.Repeat([]byte{1}, 32), "slack": bytes.Repeat([]byte{2}, 32)}
	qs := c.Queues(context.Background(), QueueConfig{Workers: 1, Timeout: time.Second, MinIdle: time.Minute, Metrics: metrics.New(prometheus.NewRegistry())},
		func(platform string) []byte { return keys[platform] })
	for _, p := range []string{"line", "slack"} {
		if _, err := qs.Durable(p, discard); err != nil {
			t.Fatal(err)
		}
	}
	made := qs.made
	if len(made) != 2 {
		t.Fatalf("got %d queues, want 2", len(made))
	}
	for i, p := range []string{"line", "slack"} {
		q := made[i]
		if q.platform != p || q.cfg.MaxLen != queueMaxLen || q.cfg.DedupTTL != queueDedupTTL || q.cfg.Log != discard || !bytes.Equal(q.cfg.SealKey, keys[p]) || q.seal == nil {
			t.Errorf("queue %d: got %s, max %d, ttl %v, key %x; want %s with serve's bounds and its key", i, q.platform, q.cfg.MaxLen, q.cfg.DedupTTL, q.cfg.SealKey, p)
		}
	}
	var names []string
	for _, r := range qs.Reports() {
		names = append(names, r.Name)
		if r.Report(context.Background()) == nil {
			t.Errorf("%s: reports nothing", r.Name)
		}
	}
	if got, want := strings.Join(names, " "), "redis redis_persistence intake_queue_line intake_queue_slack"; got != want {
		t.Errorf("got reports %q, want %q", got, want)
	}
	_, err := c.Queues(context.Background(), QueueConfig{Timeout: time.Minute, MinIdle: time.Second}, func(string) []byte { return nil }).Durable("line", discard)
	if err == nil {
		t.Error("a claim idle time under the timeout: got a queue, want a refusal")
	}
}
