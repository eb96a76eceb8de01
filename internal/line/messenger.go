package line

import (
	"context"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Messenger pushes the office staff's replies to LINE users: the handoff's
// Messenger port, on the channel's one Client (its retry policy and
// metrics).
type Messenger struct {
	client *Client
}

// NewMessenger returns a Messenger pushing through c.
func NewMessenger(c *Client) *Messenger {
	return &Messenger{client: c}
}

// pushTexts sends texts (at most maxMessages, each within maxTextUnits) to
// the user with LINE id to, with retryKey as X-Line-Retry-Key on every
// attempt; 409 (LINE already accepted this key) counts as delivered. A
// failure the client's policy does not retry (a 4xx, such as for a user
// who blocked the account) is returned at once as an *APIError with LINE's
// reason.
func (m *Messenger) pushTexts(ctx context.Context, to string, texts []string, retryKey string) error {
	msgs := make([]messaging_api.MessageInterface, len(texts))
	for i, t := range texts {
		msgs[i] = &messaging_api.TextMessage{Text: t}
	}
	return m.client.push(ctx, to, msgs, retryKey).err
}
