package line

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// deliver replies with the single-use reply token, under the client's
// retry policy. It pushes the messages instead (with
// push fallback on) only when the reply certainly did not reach the user:
// LINE refused the token and no earlier attempt, of this call or of an
// earlier handling of the event, may have been delivered. An event too old
// for its token is pushed with push fallback, or counted as expired. It
// returns ctx's error when ctx ended before an answer was sent.
func (a *Adapter) deliver(ctx context.Context, ev intake.Event, token string, src webhook.SourceInterface, msgs []messaging_api.MessageInterface) error {
	if age := time.Since(ev.Received); age > a.cfg.ReplyTokenLife {
		if a.cfg.PushFallback && !ev.Redelivered {
			return a.push(ctx, ev, src, msgs)
		}
		a.metrics.Events.WithLabelValues(platform, "expired").Inc()
		a.log.Warn("reply token expired before the answer was ready; not answered",
			"event_id", ev.ID, "age", age.Round(time.Second), "push_fallback", a.cfg.PushFallback, "redelivered", ev.Redelivered)
		return nil
	}
	body, err := replyBody(token, msgs)
	if err != nil {
		a.metrics.Failures.WithLabelValues(platform, "reply unencodable").Inc()
		a.log.Error("reply cannot be encoded; not answered", "event_id", ev.ID, "err", err)
		return nil
	}
	res := a.api.reply(ctx, body)
	if res.err == nil {
		return nil
	}
	ae, _ := errors.AsType[*APIError](res.err)
	refused := ae != nil && ae.ReplyTokenRefused()
	unknown := res.unknown || ev.Redelivered
	if refused && !unknown && a.cfg.PushFallback {
		return a.push(ctx, ev, src, msgs)
	}
	reason := "reply " + statusLabel(res.status)
	if refused && unknown {
		// An earlier attempt may have used the token: pushing could
		// answer twice.
		reason = "reply outcome unknown"
	}
	a.metrics.Failures.WithLabelValues(platform, reason).Inc()
	a.log.Warn("reply failed", "event_id", ev.ID, "status", res.status, "outcome_unknown", unknown, "err", res.err)
	return ctx.Err()
}

// push sends the messages to the chat with one retry key for every attempt,
// derived from the event, so that LINE delivers them once however often
// they are retried, also by another replica; a 409 means an earlier
// attempt was accepted.
func (a *Adapter) push(ctx context.Context, ev intake.Event, src webhook.SourceInterface, msgs []messaging_api.MessageInterface) error {
	to := pushTarget(src)
	if to == "" {
		a.metrics.Failures.WithLabelValues(platform, "push no target").Inc()
		return nil
	}
	key := uuid.NewString()
	if ev.ID != "" {
		key = uuid.NewSHA1(uuid.NameSpaceURL, []byte("madoguchi:line:"+ev.ID)).String()
	}
	if res := a.api.push(ctx, to, msgs, key); res.err != nil {
		a.metrics.Failures.WithLabelValues(platform, "push "+statusLabel(res.status)).Inc()
		a.log.Warn("push failed", "event_id", ev.ID, "status", res.status, "err", res.err)
		return ctx.Err()
	}
	return nil
}
