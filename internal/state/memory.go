// Package state keeps what the bot must remember between events: which
// platform events it has already handled (platforms redeliver), for a while.
// Memory keeps it in this process; it suits a single replica.
package state

import (
	"context"
	"sync"
	"time"
)

// Memory is an in-memory store of claimed keys that expire.
type Memory struct {
	now  func() time.Time
	mu   sync.Mutex
	keys map[string]time.Time // key → expiry
	next time.Time            // when expired keys are next swept
}

// NewMemory returns an empty store. now is the clock (time.Now in
// production, a fake in tests).
func NewMemory(now func() time.Time) *Memory {
	return &Memory{now: now, keys: map[string]time.Time{}}
}

// Claim records key for ttl and reports whether this call was the first to
// claim it (false: it was handled already and has not expired).
func (m *Memory) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	if exp, ok := m.keys[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.keys[key] = now.Add(ttl)
	return true, nil
}

// Release forgets key, so that a later delivery of the same event is handled
// (used when an event was claimed but could not be queued).
func (m *Memory) Release(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
	return nil
}

// sweep drops expired keys at most once a minute, so that memory stays
// bounded by the events of one TTL.
func (m *Memory) sweep(now time.Time) {
	if now.Before(m.next) {
		return
	}
	for k, exp := range m.keys {
		if !now.Before(exp) {
			delete(m.keys, k)
		}
	}
	m.next = now.Add(time.Minute)
}

// Len returns the number of keys held, expired or not.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}
