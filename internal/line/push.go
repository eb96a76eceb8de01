package line

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

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
