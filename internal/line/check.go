package line

import (
	"context"
	"fmt"
	"net/http"
	"time"

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
// *RejectedError; any other failure (network, 429, 5xx) is worth retrying.
// The channel secret cannot be checked this way: only LINE's signed
// webhooks prove it.
func CheckCredentials(ctx context.Context, cfg Config) error {
	opts := []messaging_api.MessagingApiAPIOption{messaging_api.WithHTTPClient(&http.Client{Timeout: 10 * time.Second})}
	if cfg.Endpoint != "" {
		opts = append(opts, messaging_api.WithEndpoint(cfg.Endpoint))
	}
	api, err := messaging_api.NewMessagingApiAPI(cfg.ChannelToken.Reveal(), opts...)
	if err != nil {
		return fmt.Errorf("LINE client: %w", err)
	}
	res, _, err := api.WithContext(ctx).GetBotInfoWithHttpInfo()
	if res != nil {
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
			return &RejectedError{Status: res.StatusCode}
		case res.StatusCode/100 != 2:
			return fmt.Errorf("check LINE_CHANNEL_TOKEN: LINE answered %d", res.StatusCode)
		}
	}
	if err != nil {
		return fmt.Errorf("check LINE_CHANNEL_TOKEN: %w", err)
	}
	return nil
}
