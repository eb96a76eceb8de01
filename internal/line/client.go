package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/sethvargo/go-retry"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// maxWait caps one wait between attempts, also when LINE's Retry-After
// asks for longer: a reply token does not live much longer.
const maxWait = 30 * time.Second

// Client is the channel's one Messaging API client. The adapter's replies
// and pushes, the staff's pushes (Messenger), the start-up check and the
// profile look-ups all go through it: one HTTP client (one timeout, one
// pool of connections), one retry policy, and a metric for every call.
type Client struct {
	api     *messaging_api.MessagingApiAPI
	blob    *messaging_api.MessagingApiBlobAPI // the api-data host: rich menu images
	metrics *metrics.Metrics
	retries int
	base    time.Duration
}

// NewClient returns the client for cfg's channel token and endpoint, with
// cfg's retries, first wait and timeout of one attempt. Every call is
// counted on m.
func NewClient(cfg Config, m *metrics.Metrics) (*Client, error) {
	cfg.defaults()
	// Every worker may be replying at once, and staff replies to many users
	// go out together: keep a connection to LINE open for each (Go's
	// default keeps two, and dials for the others).
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	hc := &http.Client{Timeout: cfg.HTTPTimeout, Transport: tr}
	opts := []messaging_api.MessagingApiAPIOption{messaging_api.WithHTTPClient(hc)}
	blobOpts := []messaging_api.MessagingApiBlobAPIOption{messaging_api.WithBlobHTTPClient(hc)}
	if cfg.Endpoint != "" {
		// One endpoint (a local fake) stands for both of LINE's hosts.
		opts = append(opts, messaging_api.WithEndpoint(cfg.Endpoint))
		blobOpts = append(blobOpts, messaging_api.WithBlobEndpoint(cfg.Endpoint))
	}
	api, err := messaging_api.NewMessagingApiAPI(cfg.ChannelToken.Reveal(), opts...)
	if err != nil {
		return nil, fmt.Errorf("LINE client: %w", err)
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(cfg.ChannelToken.Reveal(), blobOpts...)
	if err != nil {
		return nil, fmt.Errorf("LINE data client: %w", err)
	}
	return &Client{api: api, blob: blob, metrics: m, retries: cfg.Retries, base: cfg.RetryBase}, nil
}

// APIError is LINE's refusal of a call: the HTTP status and the message of
// LINE's error body ({"message": …, "details": […]}). The details are not
// kept: they may quote what was sent.
type APIError struct {
	Call     string // the call, as in the metrics: reply, push, bot info, profile
	Status   int
	Message  string
	Attempts int // how many times the call was made
}

// Error says which call LINE refused, with which status and message, and
// after how many attempts.
func (e *APIError) Error() string {
	s := fmt.Sprintf("LINE %s: status %d", e.Call, e.Status)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s + ": " + e.Message
}

// ReplyTokenRefused reports whether LINE refused a reply's token: used
// already, expired or unknown (400 "Invalid reply token"). Nothing was
// delivered with it.
func (e *APIError) ReplyTokenRefused() bool {
	return e.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(e.Message), "reply token")
}

// result is how a call ended: the last HTTP status (0 when no response
// came), its error (nil for a 2xx), and whether any attempt may have
// reached LINE without our knowing (no response, and not a refused
// connection).
type result struct {
	status  int
	unknown bool
	err     error
}

// call runs an API call under the channel's retry policy: an attempt that
// may succeed later (no response, 429, 5xx) is made again, up to retries
// times, after the backoff's wait, until ctx ends. Every attempt is counted by call and status,
// every retry too. name labels the call in metrics and errors.
func (c *Client) call(ctx context.Context, name string, retries int, do func(*messaging_api.MessagingApiAPI) (*http.Response, error)) result {
	api := *c.api // a copy: WithContext sets a field
	api.WithContext(ctx)
	var out result
	var asked time.Duration // the last answer's Retry-After
	attempts := 0
	waits := backoff(c.base, retries, &asked)
	counted := retry.BackoffFunc(func() (time.Duration, bool) {
		wait, stop := waits.Next()
		if !stop {
			c.metrics.Retries.WithLabelValues(platform, name).Inc()
		}
		return wait, stop
	})
	err := retry.Do(ctx, counted, func(context.Context) error {
		attempts++
		res, err := do(&api)
		out.status, asked = 0, 0
		if res != nil {
			out.status, asked = res.StatusCode, retryAfter(res)
		}
		out.err = answerError(name, attempts, res, err)
		if out.status == 0 && out.err != nil && !errors.Is(out.err, syscall.ECONNREFUSED) {
			out.unknown = true
		}
		c.metrics.APICalls.WithLabelValues(platform, name, statusLabel(out.status)).Inc()
		if out.err != nil && retryable(out.status) {
			return retry.RetryableError(out.err)
		}
		return nil
	})
	if out.err == nil && err != nil { // ctx ended before the first attempt
		out.err = fmt.Errorf("LINE %s: %w", name, err)
	}
	return out
}

// backoff is the wait before each retry: base, doubled each time, or what
// LINE's last answer asked for (*asked, from Retry-After) when that is
// longer; never more than maxWait. It stops after retries.
func backoff(base time.Duration, retries int, asked *time.Duration) retry.Backoff {
	exp := retry.NewExponential(base)
	return retry.WithMaxRetries(uint64(max(retries, 0)), retry.BackoffFunc(func() (time.Duration, bool) {
		wait, _ := exp.Next()
		return min(max(wait, *asked), maxWait), false
	}))
}

// answerError is the error of one attempt: nil for a 2xx (unless its body
// could not be read), an *APIError for any other status, and the network's
// error, without the request's URL (it may hold a user id), when no
// response came. It closes the response's body.
func answerError(name string, attempts int, res *http.Response, err error) error {
	if res == nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if attempts > 1 {
			return fmt.Errorf("LINE %s after %d attempts: %w", name, attempts, err)
		}
		return fmt.Errorf("LINE %s: %w", name, err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 == 2 {
		io.Copy(io.Discard, io.LimitReader(res.Body, 4096)) // lets the connection be reused
		if err != nil {
			return fmt.Errorf("LINE %s: %w", name, err)
		}
		return nil
	}
	var body struct {
		Message string `json:"message"`
	}
	json.NewDecoder(io.LimitReader(res.Body, 4096)).Decode(&body)
	if body.Message == "" {
		body.Message = http.StatusText(res.StatusCode)
	}
	return &APIError{Call: name, Status: res.StatusCode, Message: body.Message, Attempts: attempts}
}

// retryable reports whether a call that ended with status may succeed when
// made again: no response, 429 or 5xx.
func retryable(status int) bool {
	return status == 0 || status == http.StatusTooManyRequests || status >= 500
}

// retryAfter reads a Retry-After header in seconds.
func retryAfter(res *http.Response) time.Duration {
	s, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

func statusLabel(status int) string {
	if status == 0 {
		return "error"
	}
	return strconv.Itoa(status)
}

// reply sends a reply's encoded body (replyBody) with the policy.
func (c *Client) reply(ctx context.Context, body []byte) result {
	return c.call(ctx, "reply", c.retries, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		return post(ctx, api, "/v2/bot/message/reply", body, nil)
	})
}

// push sends msgs to a user, group or room with retryKey on every attempt;
// a 409 (LINE accepted this key before) counts as delivered.
func (c *Client) push(ctx context.Context, to string, msgs []messaging_api.MessageInterface, retryKey string) result {
	out := c.call(ctx, "push", c.retries, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		return pushMessage(ctx, api, to, msgs, retryKey)
	})
	if out.status == http.StatusConflict {
		out.err = nil
	}
	return out
}

// displayName is a user's LINE display name ("" when LINE gives none).
func (c *Client) displayName(ctx context.Context, userID string) (string, error) {
	var p *messaging_api.UserProfileResponse
	out := c.call(ctx, "profile", c.retries, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.GetProfileWithHttpInfo(userID)
		p = body
		return res, err
	})
	if out.err != nil || p == nil {
		return "", out.err
	}
	return p.DisplayName, nil
}
