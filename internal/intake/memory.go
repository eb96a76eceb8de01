package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/workers"
)

// MemoryConfig sizes an in-memory queue.
type MemoryConfig struct {
	Workers int // goroutines handling events
	Size    int // events waiting at most
	// Wait is how long Enqueue waits for room before ErrFull.
	Wait time.Duration
	// Timeout bounds the handling of one event.
	Timeout time.Duration
	Metrics *metrics.Metrics
	Log     *slog.Logger
}

// Memory is the queue of a single replica: a bounded worker pool in this
// process. Events still queued when Shutdown's deadline passes are lost
// with the process; they are logged and counted (outcome "dropped").
type Memory struct {
	cfg     MemoryConfig
	pool    *workers.Pool
	h       Handler
	stop    context.Context // ends when the shutdown deadline has passed
	abort   context.CancelFunc
	dropped atomic.Int64
	started sync.Once
}

var _ Queue = (*Memory)(nil)

// NewMemory returns an in-memory queue; Start starts its workers.
func NewMemory(cfg MemoryConfig) *Memory {
	stop, abort := context.WithCancel(context.Background())
	return &Memory{cfg: cfg, stop: stop, abort: abort}
}

// Start starts the workers.
func (m *Memory) Start(h Handler) {
	m.started.Do(func() {
		m.h = h
		m.pool = workers.New(m.cfg.Workers, m.cfg.Size)
	})
}

// Enqueue queues ev, waiting up to the configured wait for room, and no
// longer than ctx's deadline.
func (m *Memory) Enqueue(ctx context.Context, ev Event) error {
	if m.pool == nil {
		return ErrClosed
	}
	wait := m.cfg.Wait
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d))
	}
	err := m.pool.Submit(func() { m.run(ev) }, wait)
	switch {
	case errors.Is(err, workers.ErrFull):
		return ErrFull
	case errors.Is(err, workers.ErrClosed):
		return ErrClosed
	}
	return err
}

func (m *Memory) run(ev Event) {
	if m.stop.Err() != nil {
		m.drop(ev, "shutdown deadline passed before it was handled")
		return
	}
	ctx, cancel := context.WithTimeout(m.stop, m.cfg.Timeout)
	defer cancel()
	if err := m.h(ctx, ev); err != nil && m.stop.Err() != nil {
		m.drop(ev, "interrupted by the shutdown deadline")
	}
}

func (m *Memory) drop(ev Event, why string) {
	m.dropped.Add(1)
	m.cfg.Metrics.Events.WithLabelValues(ev.Platform, "dropped").Inc()
	m.cfg.Log.Error("event dropped at shutdown", "event_id", ev.ID, "received", ev.Received, "why", why)
}

// Shutdown stops taking events and handles those queued until ctx ends.
// Then it interrupts the handlers and counts every event not handled as
// dropped (waiting at most two more seconds for the workers to do so).
func (m *Memory) Shutdown(ctx context.Context) error {
	if m.pool == nil {
		return nil
	}
	err := m.pool.Shutdown(ctx)
	if err == nil {
		return nil
	}
	m.abort()
	wctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	m.pool.Shutdown(wctx)
	return fmt.Errorf("%d events not answered within the shutdown grace period (counted as dropped): %w", m.dropped.Load(), err)
}
