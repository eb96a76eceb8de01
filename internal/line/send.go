package line

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// deliver replies with the single-use reply token, retrying network
// errors, 429 and 5xx with backoff. It pushes the messages instead (with
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
	res := a.call(ctx, "reply", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		return post(ctx, api, "/v2/bot/message/reply", body, nil)
	})
	if res.err == nil {
		return nil
	}
	refused := res.status == http.StatusBadRequest && strings.Contains(res.err.Error(), "reply token")
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
	a.log.Warn("reply failed", "event_id", ev.ID, "status", res.status, "outcome_unknown", unknown, "err", redactBody(res.err))
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
	res := a.call(ctx, "push", func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		return pushMessage(ctx, api, to, msgs, key)
	})
	if res.err != nil && res.status != http.StatusConflict {
		a.metrics.Failures.WithLabelValues(platform, "push "+statusLabel(res.status)).Inc()
		a.log.Warn("push failed", "event_id", ev.ID, "status", res.status, "err", redactBody(res.err))
		return ctx.Err()
	}
	return nil
}

// callResult is how an API call ended: the last HTTP status (0 when no
// response came), its error, and whether any attempt may have reached LINE
// without our knowing (no response, and not a refused connection).
type callResult struct {
	status  int
	unknown bool
	err     error
}

// call runs an API call with ctx, retrying what may succeed later.
func (a *Adapter) call(ctx context.Context, name string, do func(*messaging_api.MessagingApiAPI) (*http.Response, error)) callResult {
	api := *a.api // a copy: WithContext sets a field
	api.WithContext(ctx)
	wait := a.cfg.RetryBase
	var out callResult
	for attempt := 0; ; attempt++ {
		res, err := do(&api)
		status := 0
		if res != nil {
			status = res.StatusCode
			if res.Body != nil {
				res.Body.Close()
			}
		}
		if err != nil && status == 0 && !errors.Is(err, syscall.ECONNREFUSED) {
			out.unknown = true
		}
		out.status, out.err = status, err
		a.metrics.APICalls.WithLabelValues(platform, name, statusLabel(status)).Inc()
		if err == nil || !retryable(status) || attempt >= a.cfg.Retries || ctx.Err() != nil {
			return out
		}
		a.metrics.Retries.WithLabelValues(platform, name).Inc()
		if d := retryAfter(res); d > wait {
			wait = d
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return out
		}
		wait *= 2
	}
}

func retryable(status int) bool {
	return status == 0 || status == http.StatusTooManyRequests || status >= 500
}

// retryAfter reads a Retry-After header in seconds, capped at 30 s.
func retryAfter(res *http.Response) time.Duration {
	if res == nil {
		return 0
	}
	s, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || s <= 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, 30*time.Second)
}

func statusLabel(status int) string {
	if status == 0 {
		return "error"
	}
	return strconv.Itoa(status)
}

// redactBody keeps the first line of an SDK error, whose remainder may
// quote LINE's response.
func redactBody(err error) string {
	s := err.Error()
	if i := strings.Index(s, ", {"); i >= 0 {
		s = s[:i]
	}
	return s
}
