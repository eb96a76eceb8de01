package main

import (
	"log/slog"

	"github.com/oumail-alumni/madoguchi/internal/bot"
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
