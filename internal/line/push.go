package line

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
// on every retry of the same push). It goes through the SDK client's Do,
// so the channel token, endpoint and HTTP client are the SDK's; like the
// SDK's …WithHttpInfo calls, it returns the response (body closed) and,
// for a status other than 2xx, an error quoting LINE's answer.
func pushMessage(ctx context.Context, api *messaging_api.MessagingApiAPI, to string, msgs []messaging_api.MessageInterface, retryKey string) (*http.Response, error) {
	body, err := json.Marshal(pushRequest{To: to, Messages: msgs})
	if err != nil {
		return nil, fmt.Errorf("encode push: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.Url("/v2/bot/message/push"), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("push request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("X-Line-Retry-Key", retryKey)
	res, err := api.Do(req)
	if err != nil {
		return res, err
	}
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(answer))
	if res.StatusCode/100 != 2 {
		return res, fmt.Errorf("unexpected status code: %d, %s", res.StatusCode, answer)
	}
	return res, nil
}
