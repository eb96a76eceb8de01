package main

import (
	"context"
	"fmt"
	"log/slog"
)

// redisLog makes go-redis log through slog, so that its lines (a dropped
// connection, a failed dial) are JSON like every other line rather than
// text that breaks a log pipeline. It implements go-redis's logging
// interface, set with redis.SetLogger: the one global go-redis allows.
type redisLog struct{ log *slog.Logger }

// Printf logs one go-redis message as a warning: go-redis logs only
// trouble it works around.
func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}
