package handoff_test

import (
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/handoff/handofftest"
)

// TestMemoryStore runs the handoff store's contract on the memory store,
// as internal/redis runs it on Redis.
func TestMemoryStore(t *testing.T) {
	t.Parallel()
	handofftest.RunStore(t, handoff.NewMemory(func() time.Time { return handofftest.Monday10 }))
}
