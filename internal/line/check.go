package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// RejectedError says that LINE refused the channel access token: no retry
// can help, the operator must change LINE_CHANNEL_TOKEN.
type RejectedError struct {
	Status int // the HTTP status LINE answered
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("LINE_CHANNEL_TOKEN was rejected by LINE (%d): check the channel access token (Messaging API tab, long-lived)", e.Status)
}

// Rejected marks the error as one that retrying will not cure.
func (e *RejectedError) Rejected() bool { return true }

// CheckCredentials asks LINE for the bot's own profile (GET /v2/bot/info)
// with the channel access token, so that a wrong token shows at start-up
// rather than when the first alumnus writes. A 401 or 403 is a
// *RejectedError; any other failure (network, 429, 5xx) is worth retrying,
// which the caller does (one attempt here: the start-up check keeps its
// own, slower, pace). The channel secret cannot be checked this way: only
// LINE's signed webhooks prove it.
func (c *Client) CheckCredentials(ctx context.Context) error {
	out := c.call(ctx, "bot info", 0, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, _, err := api.GetBotInfoWithHttpInfo()
		return res, err
	})
	if ae, ok := errors.AsType[*APIError](out.err); ok && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden) {
		return &RejectedError{Status: ae.Status}
	}
	if out.err != nil {
		return fmt.Errorf("check LINE_CHANNEL_TOKEN: %w", out.err)
	}
	return nil
}
