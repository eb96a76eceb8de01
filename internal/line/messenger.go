package line

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// Messenger pushes the office staff's replies to LINE users: the handoff's
// Messenger port.
type Messenger struct {
	api       *messaging_api.MessagingApiAPI
	retries   int
	retryBase time.Duration
}

// NewMessenger returns a Messenger on the Messaging API at endpoint (the
// real one when empty). A failed push (network error, 429, 5xx) is tried
// again retries times, waiting retryBase and then twice as long each time.
func NewMessenger(token secret.Secret, endpoint string, retries int, retryBase time.Duration) (*Messenger, error) {
	// Staff replies to many users go out at once; keep enough connections
	// to LINE open rather than dialling for each push.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	opts := []messaging_api.MessagingApiAPIOption{
		messaging_api.WithHTTPClient(&http.Client{Timeout: 10 * time.Second, Transport: tr}),
	}
	if endpoint != "" {
		opts = append(opts, messaging_api.WithEndpoint(endpoint))
	}
	api, err := messaging_api.NewMessagingApiAPI(token.Reveal(), opts...)
	if err != nil {
		return nil, fmt.Errorf("LINE messenger: %w", err)
	}
	return &Messenger{api: api, retries: retries, retryBase: retryBase}, nil
}

// pushTexts sends texts (at most maxMessages, each within maxTextUnits) to
// the user with LINE id to, with retryKey as X-Line-Retry-Key on every
// attempt; 409 (LINE already accepted this key) counts as delivered. A
// 4xx, such as for a user who blocked the account, is returned at once
// with LINE's reason.
func (m *Messenger) pushTexts(ctx context.Context, to string, texts []string, retryKey string) error {
	msgs := make([]messaging_api.MessageInterface, len(texts))
	for i, t := range texts {
		msgs[i] = &messaging_api.TextMessage{Text: t}
	}
	wait := m.retryBase
	for attempt := 0; ; attempt++ {
		status, reason, after, err := m.post(ctx, to, msgs, retryKey)
		// Only network errors, 429 and 5xx may succeed when tried again.
		again := err != nil || status == http.StatusTooManyRequests || status >= 500
		switch {
		case err == nil && (status/100 == 2 || status == http.StatusConflict):
			return nil
		case !again:
			return fmt.Errorf("LINE push: status %d: %s", status, reason)
		case attempt >= m.retries:
			if err != nil {
				return fmt.Errorf("LINE push: %w", err)
			}
			return fmt.Errorf("LINE push: status %d after %d attempts: %s", status, attempt+1, reason)
		}
		select {
		case <-time.After(max(wait, after)):
		case <-ctx.Done():
			return fmt.Errorf("LINE push: %w", ctx.Err())
		}
		wait *= 2
	}
}

// post makes one attempt (through pushMessage, whose body LINE's schema
// accepts) and returns the status, LINE's error message and how long LINE
// asks to wait (Retry-After, at most 30 s).
func (m *Messenger) post(ctx context.Context, to string, msgs []messaging_api.MessageInterface, retryKey string) (int, string, time.Duration, error) {
	res, err := pushMessage(ctx, m.api, to, msgs, retryKey)
	if res == nil {
		return 0, "", 0, err
	}
	defer res.Body.Close()
	if res.StatusCode/100 == 2 {
		return res.StatusCode, "", 0, nil
	}
	var after time.Duration
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s > 0 {
		after = min(time.Duration(s)*time.Second, 30*time.Second)
	}
	// LINE's error body is {"message": …, "details": […]}; only the
	// message is kept, a fixed sentence that quotes no user text.
	var e struct {
		Message string `json:"message"`
	}
	json.NewDecoder(res.Body).Decode(&e)
	if e.Message == "" {
		e.Message = http.StatusText(res.StatusCode)
	}
	return res.StatusCode, e.Message, after, nil
}
