package main

import (
	"context"
	"log/slog"
	"runtime/debug"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// panicReporter logs and counts a panic recovered while answering a message
// or running a job. The report carries no message text (see bot.Panic); the
// stack says where to look.
func panicReporter(logger *slog.Logger, m *metrics.Metrics) func(bot.Panic) {
	return func(p bot.Panic) {
		m.Panics.Inc()
		logger.Error("recovered from a panic", "op", p.Op, "panic", p.Value, "stack", string(p.Stack))
	}
}

// recovering wraps an intake handler so that a panic while handling one
// event is reported and the event counts as handled: left pending, it
// would be claimed again and take down every replica in turn.
func recovering(onPanic func(bot.Panic), h intake.Handler) intake.Handler {
	return func(ctx context.Context, ev intake.Event) (err error) {
		defer func() {
			if v := recover(); v != nil {
				onPanic(bot.NewPanic("event", v, debug.Stack()))
				err = nil
			}
		}()
		return h(ctx, ev)
	}
}
