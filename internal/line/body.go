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

// replyBody is the body of POST /v2/bot/message/reply: what the SDK's
// ReplyMessage sends, written around the cached bubbles. Through the SDK,
// encoding/json re-validated a card's JSON once for every level of
// MarshalJSON it sat under; here the bubble is copied as it is.
func replyBody(token string, msgs []messaging_api.MessageInterface) ([]byte, error) {
	b := []byte(`{"replyToken":`)
	b, err := appendJSON(b, token)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"messages":[`...)
	for i, m := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendMessage(b, m); err != nil {
			return nil, err
		}
	}
	return append(b, `],"notificationDisabled":false}`...), nil
}

// appendMessage appends m as JSON. A Flex message with a cached bubble is
// written field by field, as the SDK's FlexMessage.MarshalJSON writes it;
// any other message is encoded by its SDK type.
func appendMessage(b []byte, m messaging_api.MessageInterface) ([]byte, error) {
	f, ok := m.(*messaging_api.FlexMessage)
	if !ok {
		return appendJSON(b, m)
	}
	bubble, ok := f.Contents.(encodedBubble)
	if !ok {
		return appendJSON(b, m)
	}
	b = append(b, `{"type":"flex"`...)
	var err error
	if f.QuickReply != nil {
		b = append(b, `,"quickReply":`...)
		if b, err = appendJSON(b, f.QuickReply); err != nil {
			return nil, err
		}
	}
	if f.Sender != nil {
		b = append(b, `,"sender":`...)
		if b, err = appendJSON(b, f.Sender); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"altText":`...)
	if b, err = appendJSON(b, f.AltText); err != nil {
		return nil, err
	}
	b = append(b, `,"contents":`...)
	b = append(b, bubble...)
	return append(b, '}'), nil
}

func appendJSON(b []byte, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	return append(b, data...), nil
}

// post sends a JSON body to the Messaging API through the SDK client's Do,
// so the channel token, endpoint and HTTP client are the SDK's; like the
// SDK's …WithHttpInfo calls, it returns the response (body read and
// closed) and, for a status other than 2xx, an error quoting LINE's
// answer. header adds request headers (may be nil).
func post(ctx context.Context, api *messaging_api.MessagingApiAPI, path string, body []byte, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.Url(path), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s request: %w", path, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
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
