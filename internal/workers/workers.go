// Package workers runs jobs on a fixed number of goroutines fed by a bounded
// queue, so that a burst of webhook events cannot start unbounded work, and
// drains the queue on shutdown so that no accepted job is lost.
package workers

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// ErrFull is returned when the queue stays full for the whole wait.
var ErrFull = errors.New("work queue is full")

// ErrClosed is returned after Shutdown has begun.
var ErrClosed = errors.New("work queue is closed")

// Pool is a bounded worker pool.
type Pool struct {
	jobs   chan func()
	wg     sync.WaitGroup
	mu     sync.RWMutex // guards closed against sends on a closed channel
	closed bool
	// onPanic hears of a job's panic; see OnPanic.
	onPanic atomic.Pointer[func(v any, stack []byte)]
}

// New starts n workers behind a queue of the given size.
func New(n, queue int) *Pool {
	p := &Pool{jobs: make(chan func(), queue)}
	p.wg.Add(n)
	for range n {
		go func() {
			defer p.wg.Done()
			for job := range p.jobs {
				p.run(job)
			}
		}()
	}
	return p
}

// OnPanic sets what hears of a job that panicked (the wiring logs and
// counts it). A panicking job never ends its worker: the pool keeps its
// size and the jobs queued behind it run. It may be called at any time.
func (p *Pool) OnPanic(fn func(v any, stack []byte)) { p.onPanic.Store(&fn) }

func (p *Pool) run(job func()) {
	defer func() {
		if v := recover(); v != nil {
			if fn := p.onPanic.Load(); fn != nil && *fn != nil {
				(*fn)(v, debug.Stack())
			}
		}
	}()
	job()
}

// Submit queues job, waiting up to wait for room: the back-pressure a
// webhook handler applies before it answers "try again later".
func (p *Pool) Submit(job func(), wait time.Duration) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	select {
	case p.jobs <- job:
		return nil
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case p.jobs <- job:
		return nil
	case <-t.C:
		return ErrFull
	}
}

// Shutdown stops accepting jobs and waits until every queued job has run,
// or ctx ends.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
