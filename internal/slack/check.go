package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/slack-go/slack"
)

// RejectedError says that Slack refused a token: no retry can help, the
// operator must change the variable it names.
type RejectedError struct {
	Variable string // SLACK_BOT_TOKEN or SLACK_APP_TOKEN
	Reason   string // Slack's error code, such as invalid_auth
}

func (e *RejectedError) Error() string {
	hint := "check the Bot User OAuth Token (xoxb-…) of the installed app"
	if e.Variable == "SLACK_APP_TOKEN" {
		hint = "check the app-level token (xapp-…, scope connections:write)"
	}
	return fmt.Sprintf("%s was rejected by Slack (%s): %s", e.Variable, e.Reason, hint)
}

// Rejected marks the error as one that retrying will not cure.
func (e *RejectedError) Rejected() bool { return true }

// authErrors are Slack's answers for a token that will never work.
var authErrors = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true,
	"token_revoked": true, "token_expired": true, "not_allowed_token_type": true,
}

// rejection returns a *RejectedError for variable when err says Slack
// refused the token, and nil otherwise.
func rejection(variable string, err error) error {
	if code := slackError(err); authErrors[code] {
		return &RejectedError{Variable: variable, Reason: code}
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok && (sc.Code == http.StatusUnauthorized || sc.Code == http.StatusForbidden) {
		return &RejectedError{Variable: variable, Reason: sc.Status}
	}
	return nil
}

// CheckCredentials calls auth.test with the bot token, so that a wrong
// token shows at start-up rather than when the first member of staff
// asks. A refused token is a *RejectedError; any other failure (network,
// 5xx) is worth retrying, which the caller does. The app token is checked
// by the Socket Mode connection itself (see SocketMode).
func (c *Client) CheckCredentials(ctx context.Context) error {
	_, err := c.authTest(ctx)
	if err == nil {
		return nil
	}
	if rej := rejection("SLACK_BOT_TOKEN", err); rej != nil {
		return rej
	}
	return fmt.Errorf("check SLACK_BOT_TOKEN: %w", err)
}
