// Package state keeps what the bot must remember between events, each for
// a while: which platform events it has handled (platforms redeliver), the
// choices it last offered each user, and how many messages each user sent
// in the current minute. Memory keeps it in this process, for one replica;
// Redis shares it between replicas.
package state

import (
	"context"
	"sync"
	"time"
)

// Memory is an in-memory store whose entries expire.
type Memory struct {
	now  func() time.Time
	mu   sync.Mutex
	keys map[string]entry
	next time.Time // when expired entries are next swept
}

type entry struct {
	expires time.Time
	value   []string // offered choices
	count   int64    // messages in a window
}

// NewMemory returns an empty store. now is the clock (time.Now in
// production, a fake in tests).
func NewMemory(now func() time.Time) *Memory {
	return &Memory{now: now, keys: map[string]entry{}}
}

// live returns the entry for key if it has not expired.
func (m *Memory) live(key string, now time.Time) (entry, bool) {
	e, ok := m.keys[key]
	return e, ok && now.Before(e.expires)
}

// Claim records key for ttl and reports whether this call was the first to
// claim it (false: it was handled already and has not expired).
func (m *Memory) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	if _, ok := m.live("claim:"+key, now); ok {
		return false, nil
	}
	m.keys["claim:"+key] = entry{expires: now.Add(ttl)}
	return true, nil
}

// Release forgets key, so that a later delivery of the same event is handled
// (used when an event was claimed but could not be queued).
func (m *Memory) Release(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, "claim:"+key)
	return nil
}

// PutChoices remembers the choices offered to user, for ttl.
func (m *Memory) PutChoices(_ context.Context, user string, ids []string, ttl time.Duration) error {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	m.keys["choices:"+user] = entry{expires: now.Add(ttl), value: append([]string(nil), ids...)}
	return nil
}

// Choices returns the choices last offered to user, or nil.
func (m *Memory) Choices(_ context.Context, user string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, _ := m.live("choices:"+user, m.now())
	return e.value, nil
}

// Count adds one to key's counter for the current window and returns it.
// The window starts with the first count and lasts window.
func (m *Memory) Count(_ context.Context, key string, window time.Duration) (int64, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	e, ok := m.live("count:"+key, now)
	if !ok {
		e = entry{expires: now.Add(window)}
	}
	e.count++
	m.keys["count:"+key] = e
	return e.count, nil
}

// sweep drops expired keys at most once a minute, so that memory stays
// bounded by the events of one TTL.
func (m *Memory) sweep(now time.Time) {
	if now.Before(m.next) {
		return
	}
	for k, e := range m.keys {
		if !now.Before(e.expires) {
			delete(m.keys, k)
		}
	}
	m.next = now.Add(time.Minute)
}

// Len returns the number of entries held, expired or not.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}
