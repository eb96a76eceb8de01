package intake

import (
	"context"
	"runtime/debug"
)

// Recovering wraps a handler so that a panic while handling one event is
// reported (its value and stack) and the event counts as handled: left
// pending, it would be claimed again and take down every replica in turn.
func Recovering(onPanic func(v any, stack []byte), h Handler) Handler {
	return func(ctx context.Context, ev Event) (err error) {
		defer func() {
			if v := recover(); v != nil {
				onPanic(v, debug.Stack())
				err = nil
			}
		}()
		return h(ctx, ev)
	}
}
