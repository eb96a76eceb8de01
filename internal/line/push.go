package line

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

var _ handoff.Messenger = (*Messenger)(nil)

// pushRequest is the body of POST /v2/bot/message/push as the Messaging
// API's schema accepts it. The SDK's PushMessageRequest always writes
// "customAggregationUnits": null (the field has no omitempty) where the
// schema wants an array; this body leaves the field out.
type pushRequest struct {
	To       string                           `json:"to"`
	Messages []messaging_api.MessageInterface `json:"messages"`
}

// pushMessage sends msgs to a user, group or room with retryKey (reuse it
// on every retry of the same push).
func pushMessage(ctx context.Context, api *messaging_api.MessagingApiAPI, to string, msgs []messaging_api.MessageInterface, retryKey string) (*http.Response, error) {
	body, err := json.Marshal(pushRequest{To: to, Messages: msgs})
	if err != nil {
		return nil, fmt.Errorf("encode push: %w", err)
	}
	return post(ctx, api, "/v2/bot/message/push", body, http.Header{"X-Line-Retry-Key": {retryKey}})
}

// Push sends text to the user with LINE id to: the handoff's Messenger
// port. Text longer than LINE takes in one message is cut (split), and
// more messages than one push takes go in several pushes, in order. Each
// push carries an X-Line-Retry-Key derived from key and its place, so that
// the same delivery, retried or made by another replica, is accepted by
// LINE once.
func (m *Messenger) Push(ctx context.Context, to, text, key string) error {
	parts := split(text, maxTextUnits)
	for i := 0; len(parts) > 0; i++ {
		n := min(len(parts), maxMessages)
		if err := m.pushTexts(ctx, to, parts[:n], retryKey(key, i)); err != nil {
			return err
		}
		parts = parts[n:]
	}
	return nil
}

// retryNamespace roots the push retry keys, so that one delivery always
// maps to the same X-Line-Retry-Keys, whichever replica pushes it.
var retryNamespace = uuid.MustParse("0b8e5c1e-7a3f-4f0e-9a57-6d2a1c4b9e10")

// retryKey is the X-Line-Retry-Key (a UUID, as LINE requires) of push i of
// the delivery named key.
func retryKey(key string, i int) string {
	return uuid.NewSHA1(retryNamespace, fmt.Appendf(nil, "%s/%d", key, i)).String()
}
