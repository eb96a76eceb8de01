package slack

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sethvargo/go-retry"
	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// Client is the app's one Web API client. The adapter's answers and
// redelivery checks, the handoff desk's tickets and reactions, the staff
// channel's member list and the start-up checks all go through it: one HTTP client (one timeout, one pool
// of connections), one retry policy, and a metric for every call. Socket
// Mode takes its connection through the same slack-go client.
type Client struct {
	api     *slack.Client
	metrics *metrics.Metrics
	retries int
	base    time.Duration
	maxWait time.Duration
}

// NewClient returns the client for cfg's bot token (and app token, for
// Socket Mode) and API URL, with cfg's retries, waits and timeout of one
// call. Every call is counted on m.
func NewClient(cfg Config, m *metrics.Metrics) *Client {
	cfg.defaults()
	// Every worker may be posting at once: keep a connection to Slack open
	// for each (Go's default keeps two, and dials for the others).
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	opts := []slack.Option{slack.OptionHTTPClient(&http.Client{Timeout: cfg.HTTPTimeout, Transport: tr})}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken.Reveal()))
	}
	return &Client{api: slack.New(cfg.BotToken.Reveal(), opts...), metrics: m, retries: cfg.Retries, base: cfg.RetryBase, maxWait: cfg.MaxWait}
}

// slackError is the error code of Slack's answer {"ok": false, "error": …}
// (such as channel_not_found), or "" when err is not such an answer.
func slackError(err error) string {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return se.Err
	}
	return ""
}

// transient are the error codes with which Slack says that the same call
// may succeed later.
var transient = map[string]bool{
	"internal_error": true, "fatal_error": true, "service_unavailable": true, "request_timeout": true, "ratelimited": true,
}

// retryable reports whether a call that failed with err may succeed when
// made again: rate limited, a 5xx, a transient error code, or no answer at
// all (the network, a timeout). Anything else Slack said (a 4xx, an error
// code such as channel_not_found) will be said again.
func retryable(err error) bool {
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return true
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return sc.Code >= 500
	}
	if code := slackError(err); code != "" {
		return transient[code]
	}
	_, isURL := errors.AsType[*url.Error](err)
	_, isNet := errors.AsType[net.Error](err)
	return isURL || isNet
}

// statusLabel is the metric's status of a call's outcome: the HTTP status
// when Slack gave one, and "error" for no answer or an error code.
func statusLabel(err error) string {
	if err == nil {
		return "200"
	}
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return "429"
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return strconv.Itoa(sc.Code)
	}
	return "error"
}

// call runs one Web API method under the app's retry policy: a failure
// that may pass (retryable) is tried again, up to retries times, after the
// backoff's wait, until ctx ends. Every attempt is counted by
// method and status, every retry too. It returns the last attempt's error,
// or ctx's when ctx ended before the first.
func (c *Client) call(ctx context.Context, method string, retries int, do func(context.Context) error) error {
	var last error
	waits := backoff(c.base, c.maxWait, retries, &last)
	counted := retry.BackoffFunc(func() (time.Duration, bool) {
		wait, stop := waits.Next()
		if !stop {
			c.metrics.Retries.WithLabelValues(platform, method).Inc()
		}
		return wait, stop
	})
	err := retry.Do(ctx, counted, func(ctx context.Context) error {
		last = do(ctx)
		c.metrics.APICalls.WithLabelValues(platform, method, statusLabel(last)).Inc()
		if last != nil && retryable(last) {
			return retry.RetryableError(last)
		}
		return last
	})
	if last != nil || err == nil {
		return last
	}
	return err
}

// backoff is the wait before each retry: what Slack asked for when it rate
// limited the last attempt (*last), and otherwise base doubled each time;
// never more than maxWait. It stops after retries.
func backoff(base, maxWait time.Duration, retries int, last *error) retry.Backoff {
	exp := retry.NewExponential(base)
	return retry.WithMaxRetries(uint64(max(retries, 0)), retry.BackoffFunc(func() (time.Duration, bool) {
		wait, _ := exp.Next()
		if rl, ok := errors.AsType[*slack.RateLimitedError](*last); ok {
			wait = rl.RetryAfter
		}
		return min(wait, maxWait), false
	}))
}

// postMessage is chat.postMessage.
func (c *Client) postMessage(ctx context.Context, channel string, opts ...slack.MsgOption) (string, string, error) {
	var ch, ts string
	err := c.call(ctx, "chat.postMessage", c.retries, func(ctx context.Context) (err error) {
		ch, ts, err = c.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ch, ts, err
}

// updateMessage is chat.update.
func (c *Client) updateMessage(ctx context.Context, channel, ts string, opts ...slack.MsgOption) error {
	return c.call(ctx, "chat.update", c.retries, func(ctx context.Context) error {
		_, _, _, err := c.api.UpdateMessageContext(ctx, channel, ts, opts...)
		return err
	})
}

// addReaction is reactions.add.
func (c *Client) addReaction(ctx context.Context, emoji string, item slack.ItemRef) error {
	return c.call(ctx, "reactions.add", c.retries, func(ctx context.Context) error {
		return c.api.AddReactionContext(ctx, emoji, item)
	})
}

// authTest is auth.test: who the bot token belongs to. Like
// conversationInfo, it is made once: the start-up checks that use them
// keep their own, slower, pace of retries.
func (c *Client) authTest(ctx context.Context) (*slack.AuthTestResponse, error) {
	var me *slack.AuthTestResponse
	err := c.call(ctx, "auth.test", 0, func(ctx context.Context) (err error) {
		me, err = c.api.AuthTestContext(ctx)
		return err
	})
	return me, err
}

// conversationInfo is conversations.info.
func (c *Client) conversationInfo(ctx context.Context, channel string) (*slack.Channel, error) {
	var ch *slack.Channel
	err := c.call(ctx, "conversations.info", 0, func(ctx context.Context) (err error) {
		ch, err = c.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
		return err
	})
	return ch, err
}

// conversationReplies is conversations.replies: one page of a thread.
func (c *Client) conversationReplies(ctx context.Context, p *slack.GetConversationRepliesParameters) ([]slack.Message, error) {
	var msgs []slack.Message
	err := c.call(ctx, "conversations.replies", c.retries, func(ctx context.Context) (err error) {
		msgs, _, _, err = c.api.GetConversationRepliesContext(ctx, p)
		return err
	})
	return msgs, err
}

// conversationHistory is conversations.history: one page of a
// conversation.
func (c *Client) conversationHistory(ctx context.Context, p *slack.GetConversationHistoryParameters) ([]slack.Message, error) {
	var msgs []slack.Message
	err := c.call(ctx, "conversations.history", c.retries, func(ctx context.Context) error {
		h, err := c.api.GetConversationHistoryContext(ctx, p)
		if h != nil {
			msgs = h.Messages
		}
		return err
	})
	return msgs, err
}

// conversationMembers is conversations.members: one page of a channel's
// members, and the cursor of the next ("" after the last).
func (c *Client) conversationMembers(ctx context.Context, p *slack.GetUsersInConversationParameters) ([]string, string, error) {
	var ids []string
	var next string
	err := c.call(ctx, "conversations.members", c.retries, func(ctx context.Context) (err error) {
		ids, next, err = c.api.GetUsersInConversationContext(ctx, p)
		return err
	})
	return ids, next, err
}
