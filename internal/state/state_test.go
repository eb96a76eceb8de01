package state_test

import (
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/state"
	"github.com/oumail-alumni/madoguchi/internal/state/statetest"
)

// TestMemory runs the state store's contract on the memory store, as
// internal/redis runs it on Redis; serve's store is the bounded one.
func TestMemory(t *testing.T) {
	t.Parallel()
	t.Run("unbounded", func(t *testing.T) {
		t.Parallel()
		statetest.Run(t, state.NewMemory(time.Now))
	})
	t.Run("bounded", func(t *testing.T) {
		t.Parallel()
		statetest.Run(t, state.NewBoundedMemory(time.Now, state.DefaultMaxEntries, func() {}))
	})
}
