package workers

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolBackPressureAndDrain(t *testing.T) {
	p := New(1, 2)
	block := make(chan struct{})
	var done atomic.Int32
	job := func() { <-block; done.Add(1) }
	if err := p.Submit(job, time.Second); err != nil { // running
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	for range 2 { // queued
		if err := p.Submit(job, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Submit(job, 30*time.Millisecond); !errors.Is(err, ErrFull) {
		t.Fatalf("Submit to a full pool = %v, want ErrFull", err)
	}
	close(block)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := done.Load(); n != 3 {
		t.Errorf("%d jobs ran before Shutdown returned, want all 3 accepted", n)
	}
	if err := p.Submit(job, time.Millisecond); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit after Shutdown = %v, want ErrClosed", err)
	}
}

func TestShutdownTimeout(t *testing.T) {
	p := New(1, 1)
	p.Submit(func() { time.Sleep(time.Second) }, time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the context's deadline", err)
	}
}

// A panicking job is reported and does not end its worker: with one worker,
// the job queued behind it still runs.
func TestPoolSurvivesPanickingJob(t *testing.T) {
	p := New(1, 2)
	var reported atomic.Value
	p.OnPanic(func(v any, stack []byte) { reported.Store(v) })
	ran := make(chan struct{})
	if err := p.Submit(func() { panic("boom") }, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := p.Submit(func() { close(ran) }, time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("the job after a panicking one never ran")
	}
	if got := reported.Load(); got != "boom" {
		t.Errorf("reported %v, want boom", got)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}
