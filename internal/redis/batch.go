package redis

import "sync"

// batch collects items that many goroutines add for one goroutine to send
// to Redis in groups (group commit): the sender takes everything that
// arrived while it was sending the previous group, so that a busy queue
// pays one round trip for many items and an idle one adds no delay (there
// is no timer).
type batch[T any] struct {
	mu     sync.Mutex
	items  []T
	closed bool
	// wake holds one signal that items arrived or the batch was closed:
	// adding never blocks, whatever the sender is doing.
	wake chan struct{}
}

func newBatch[T any]() *batch[T] { return &batch[T]{wake: make(chan struct{}, 1)} }

// add queues x for the sender; it reports false once the batch is closed.
func (b *batch[T]) add(x T) bool {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return false
	}
	b.items = append(b.items, x)
	b.mu.Unlock()
	b.signal()
	return true
}

// close refuses further items; the sender still gets those already added.
func (b *batch[T]) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.signal()
}

func (b *batch[T]) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// next waits for items and returns up to max of them, oldest first; it
// reports false when the batch is closed and every item was taken.
func (b *batch[T]) next(max int) ([]T, bool) {
	for {
		b.mu.Lock()
		if n := min(max, len(b.items)); n > 0 {
			out := b.items[:n:n]
			b.items = b.items[n:]
			if len(b.items) == 0 {
				b.items = nil // the next add starts a new array, not after out
			}
			b.mu.Unlock()
			return out, true
		}
		closed := b.closed
		b.mu.Unlock()
		if closed {
			return nil, false
		}
		<-b.wake
	}
}
