// Package state keeps what the bot must remember between events, each for
// a while: which platform events it has handled (platforms redeliver), the
// choices it last offered each user, and how many messages each user sent
// in the current minute. Memory keeps it in this process, for one replica;
// internal/redis shares it between replicas.
package state

import (
	"context"
	"sync"
	"time"
)

// DefaultMaxEntries bounds NewMemory's store: about 20 MB of heap, and
// days of event claims for an alumni office (Redis is for more).
const DefaultMaxEntries = 50_000

// Memory is an in-memory store whose entries expire, holding at most a
// fixed number of entries: a flood of distinct users (or of forged event
// ids) evicts the oldest entries instead of growing the heap.
type Memory struct {
	now     func() time.Time
	max     int
	onEvict func()
	mu      sync.Mutex
	keys    map[string]entry
	next    time.Time // when expired entries are next swept
	// order holds the keys in the order they were added, as a ring of
	// max slots: the slot a new key takes is the oldest key's, which
	// is evicted if it is still there. Slots left by deleted keys are
	// recognised by seq and skipped.
	order []string
	seq   uint64 // keys added so far; key number seq sits at order[seq%max]
}

// entry is kept small (no time.Time, whose location pointer and
// monotonic reading cost 16 bytes) since there are many of them.
type entry struct {
	expires int64    // Unix nanoseconds
	value   []string // offered choices
	count   int64    // messages in a window
	seq     uint64   // when the key was added (its slot in Memory.order)
}

// NewMemory returns an empty store holding at most DefaultMaxEntries
// entries. now is the clock (time.Now in production, a fake in tests).
func NewMemory(now func() time.Time) *Memory {
	return NewBoundedMemory(now, DefaultMaxEntries, nil)
}

// NewBoundedMemory returns an empty store holding at most max entries
// (DefaultMaxEntries if max <= 0). onEvict, if not nil, is called (under
// the store's lock, so it must be quick, such as a counter's Inc) for each
// live entry evicted to stay within max.
func NewBoundedMemory(now func() time.Time, max int, onEvict func()) *Memory {
	if max <= 0 {
		max = DefaultMaxEntries
	}
	return &Memory{now: now, max: max, onEvict: onEvict, keys: map[string]entry{}, order: make([]string, max)}
}

// live returns the entry for key if it has not expired.
func (m *Memory) live(key string, now time.Time) (entry, bool) {
	e, ok := m.keys[key]
	return e, ok && now.UnixNano() < e.expires
}

// put stores e under key. A new key takes the oldest key's slot in the
// ring, evicting that key if it is still held.
func (m *Memory) put(key string, e entry, now time.Time) {
	if old, ok := m.keys[key]; ok {
		e.seq = old.seq
		m.keys[key] = e
		return
	}
	slot := m.seq % uint64(m.max)
	if m.seq >= uint64(m.max) {
		oldest := m.order[slot]
		if o, ok := m.keys[oldest]; ok && o.seq == m.seq-uint64(m.max) {
			delete(m.keys, oldest)
			if o.expires > now.UnixNano() && m.onEvict != nil {
				m.onEvict()
			}
		}
	}
	m.order[slot] = key
	e.seq = m.seq
	m.seq++
	m.keys[key] = e
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
	m.put("claim:"+key, entry{expires: now.Add(ttl).UnixNano()}, now)
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
	m.put("choices:"+user, entry{expires: now.Add(ttl).UnixNano(), value: append([]string(nil), ids...)}, now)
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
		e = entry{expires: now.Add(window).UnixNano()}
	}
	e.count++
	m.put("count:"+key, e, now)
	return e.count, nil
}

// sweep drops expired keys at most once a minute, so that memory is
// usually bounded by the events of one TTL (and always by max).
func (m *Memory) sweep(now time.Time) {
	if now.Before(m.next) {
		return
	}
	t := now.UnixNano()
	for k, e := range m.keys {
		if t >= e.expires {
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
