package state

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestMemoryCap fills a store past its cap: it keeps the newest entries,
// drops the oldest, and counts only live entries it had to evict.
func TestMemoryCap(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	evicted := 0
	m := NewBoundedMemory(func() time.Time { return now }, 10, func() { evicted++ })
	for i := range 25 {
		m.Claim(ctx, fmt.Sprint("ev", i), time.Hour)
	}
	if got := m.Len(); got != 10 {
		t.Errorf("entries = %d, want the cap 10", got)
	}
	if evicted != 15 {
		t.Errorf("evictions = %d, want 15", evicted)
	}
	// A claim succeeds again only for an event that was forgotten. The
	// kept ones first: claiming a forgotten one evicts again.
	for _, c := range []struct {
		i    int
		want bool
	}{{15, false}, {24, false}, {0, true}, {14, true}} {
		if got, _ := m.Claim(ctx, fmt.Sprint("ev", c.i), time.Hour); got != c.want {
			t.Errorf("claim ev%d again = %v, want %v", c.i, got, c.want)
		}
	}
}

func TestMemoryCapCountsOnlyLiveEvictions(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	evicted := 0
	m := NewBoundedMemory(func() time.Time { return now }, 4, func() { evicted++ })
	for i := range 4 {
		m.Claim(ctx, fmt.Sprint("old", i), time.Second)
	}
	now = now.Add(10 * time.Second) // expired, not swept yet (sweeps are a minute apart)
	for i := range 4 {
		m.Claim(ctx, fmt.Sprint("new", i), time.Hour)
	}
	if evicted != 0 {
		t.Errorf("evictions = %d, want 0: only expired entries made room", evicted)
	}
	if got := m.Len(); got != 4 {
		t.Errorf("entries = %d, want 4", got)
	}
}

// TestMemoryCapKeepsReaddedAndUpdatedKeys: a key released and claimed
// again, or choices put again, is not evicted through its old slot.
func TestMemoryCapKeepsReaddedAndUpdatedKeys(t *testing.T) {
	ctx := context.Background()
	evicted := 0
	m := NewBoundedMemory(time.Now, 3, func() { evicted++ })
	m.Claim(ctx, "a", time.Hour)
	m.Release(ctx, "a")
	m.PutChoices(ctx, "u", []string{"ja", "x"}, time.Hour)
	m.Claim(ctx, "a", time.Hour) // a's first slot is stale now
	m.PutChoices(ctx, "u", []string{"ja", "y"}, time.Hour)
	m.Claim(ctx, "b", time.Hour) // takes the stale slot: nothing evicted
	if evicted != 0 || m.Len() != 3 {
		t.Fatalf("evictions = %d, entries = %d; want 0, 3", evicted, m.Len())
	}
	if got, _ := m.Choices(ctx, "u"); len(got) != 2 || got[1] != "y" {
		t.Errorf("choices = %v, want [ja y]", got)
	}
	m.Claim(ctx, "c", time.Hour) // evicts the oldest: u's choices
	if evicted != 1 {
		t.Errorf("evictions = %d, want 1", evicted)
	}
	if got, _ := m.Choices(ctx, "u"); got != nil {
		t.Errorf("choices after eviction = %v, want none", got)
	}
	if ok, _ := m.Claim(ctx, "a", time.Hour); ok {
		t.Error("a was evicted; want it kept (it was added after u)")
	}
}

func TestNewBoundedMemoryDefaultCap(t *testing.T) {
	if got := NewBoundedMemory(time.Now, 0, nil).max; got != DefaultMaxEntries {
		t.Errorf("cap = %d, want %d", got, DefaultMaxEntries)
	}
}

func TestMemorySweepsExpired(t *testing.T) {
	now := time.Unix(0, 0)
	m := NewMemory(func() time.Time { return now })
	ctx := context.Background()
	for i := range 100 {
		m.Claim(ctx, string(rune('a'+i%26))+string(rune(i)), time.Second)
	}
	now = now.Add(2 * time.Minute)
	m.Claim(ctx, "late", time.Second)
	if n := m.Len(); n != 1 {
		t.Errorf("%d entries after expiry and a sweep, want 1", n)
	}
}
