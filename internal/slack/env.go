package slack

import (
	"fmt"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// ConfigFromEnv reads the Slack app from the environment (nil when none of
// it is set): HTTP mode needs the signing secret and the bot token; Socket
// Mode the app token and the bot token.
func ConfigFromEnv(getenv func(string) string) (*Config, error) {
	sec, bot, app := getenv("SLACK_SIGNING_SECRET"), getenv("SLACK_BOT_TOKEN"), getenv("SLACK_APP_TOKEN")
	switch {
	case sec == "" && bot == "" && app == "":
		return nil, nil
	case bot == "":
		return nil, fmt.Errorf("SLACK_BOT_TOKEN is not set: Slack needs it with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)")
	case sec == "" && app == "":
		return nil, fmt.Errorf("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is")
	case app != "" && !strings.HasPrefix(app, "xapp-"):
		return nil, fmt.Errorf("SLACK_APP_TOKEN must be an app-level token starting with xapp- (scope connections:write)")
	}
	sc := &Config{SigningSecret: secret.Secret(sec), BotToken: secret.Secret(bot), AppToken: secret.Secret(app),
		APIURL: getenv("SLACK_API_URL"), Command: getenv("SLACK_COMMAND")}
	if sc.APIURL != "" && !strings.HasSuffix(sc.APIURL, "/") {
		sc.APIURL += "/"
	}
	return sc, nil
}
