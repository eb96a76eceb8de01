package intake

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// stubQueue is a durable queue that only counts its shutdowns.
type stubQueue struct{ shutdowns int }

func (s *stubQueue) Enqueue(context.Context, Event) error                       { return nil }
func (s *stubQueue) Start(Handler)                                              {}
func (s *stubQueue) Shutdown(ctx context.Context) error                         { s.shutdowns++; return nil }
func (s *stubQueue) Claim(context.Context, string, time.Duration) (bool, error) { return true, nil }
func (s *stubQueue) Release(context.Context, string) error                      { return nil }

func TestQueuesChooseAndShutDown(t *testing.T) {
	mem := MemoryConfig{Workers: 1, Size: 1, Timeout: time.Second, Metrics: metrics.New(prometheus.NewRegistry()),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	claims := &stubQueue{}
	qs := &Queues{Memory: mem, Claims: claims}
	q, c, err := qs.New("line")
	if _, ok := q.(*Memory); !ok || c != claims || err != nil {
		t.Errorf("without Durable: got %T, %v, %v; want a memory queue deduplicating with Claims", q, c, err)
	}
	q.Start(func(context.Context, Event) error { return nil })
	durable := &stubQueue{}
	qs.Durable = func(string, *slog.Logger) (Queue, error) { return durable, nil }
	q, c, err = qs.New("slack")
	if q != durable || c != nil || err != nil {
		t.Errorf("with Durable: got %T, %v, %v; want the durable queue and no Claimer", q, c, err)
	}
	if err := qs.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
	if durable.shutdowns != 1 {
		t.Errorf("durable queue shut down %d times, want 1", durable.shutdowns)
	}
}
