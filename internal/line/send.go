package line

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// deliver replies with the single-use reply token, retrying network
// errors, 429 and 5xx with backoff. When the token is no longer valid and
// push fallback is on, it pushes the messages instead.
func (a *Adapter) deliver(ctx context.Context, token string, src webhook.SourceInterface, msgs []messaging_api.MessageInterface) {
	req := &messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: msgs}
	status, err := a.call(ctx, "reply", func() (*http.Response, error) {
		res, _, err := a.api.ReplyMessageWithHttpInfo(req)
		return res, err
	})
	if err == nil {
		return
	}
	if status == http.StatusBadRequest && strings.Contains(err.Error(), "reply token") && a.cfg.PushFallback {
		a.push(ctx, src, msgs)
		return
	}
	a.metrics.Failures.WithLabelValues(platform, "reply "+statusLabel(status)).Inc()
	a.log.Warn("reply failed", "status", status, "err", redactBody(err))
}

// push sends the messages to the chat with one retry key for every attempt,
// so that LINE delivers them once however often we retry; a 409 means an
// earlier attempt was accepted.
func (a *Adapter) push(ctx context.Context, src webhook.SourceInterface, msgs []messaging_api.MessageInterface) {
	to := pushTarget(src)
	if to == "" {
		a.metrics.Failures.WithLabelValues(platform, "push no target").Inc()
		return
	}
	key := uuid.NewString()
	status, err := a.call(ctx, "push", func() (*http.Response, error) {
		return pushMessage(ctx, a.api, to, msgs, key)
	})
	if err != nil && status != http.StatusConflict {
		a.metrics.Failures.WithLabelValues(platform, "push "+statusLabel(status)).Inc()
		a.log.Warn("push failed", "status", status, "err", redactBody(err))
	}
}

// call runs an API call, retrying what may succeed later, and returns the
// last HTTP status (0 when no response came) and error.
func (a *Adapter) call(ctx context.Context, name string, do func() (*http.Response, error)) (int, error) {
	wait := a.cfg.RetryBase
	for attempt := 0; ; attempt++ {
		res, err := do()
		status := 0
		if res != nil {
			status = res.StatusCode
			if res.Body != nil {
				res.Body.Close()
			}
		}
		a.metrics.APICalls.WithLabelValues(platform, name, statusLabel(status)).Inc()
		if err == nil || !retryable(status) || attempt >= a.cfg.Retries {
			return status, err
		}
		a.metrics.Retries.WithLabelValues(platform, name).Inc()
		if d := retryAfter(res); d > wait {
			wait = d
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return status, ctx.Err()
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
