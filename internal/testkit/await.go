package testkit

import (
	"sync"
	"testing"
	"time"
)

// notify wakes the tests waiting in await on arrived: it closes the
// channel and puts a new one in its place. The fake's mutex is held.
func notify(arrived *chan struct{}) {
	close(*arrived)
	*arrived = make(chan struct{})
}

// await calls take, with mu held, until it reports that it took what the
// test waits for; between tries it waits for the fake to notify arrived.
// After 5 s it fails tb with msg.
func await(tb testing.TB, mu *sync.Mutex, arrived *chan struct{}, msg string, take func() bool) {
	tb.Helper()
	deadline := time.After(5 * time.Second)
	for {
		mu.Lock()
		if take() {
			mu.Unlock()
			return
		}
		ch := *arrived
		mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			tb.Fatal(msg)
		}
	}
}
