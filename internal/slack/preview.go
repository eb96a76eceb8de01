package slack

import (
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// Preview returns the Block Kit blocks a reply becomes on Slack (as asked
// by office staff, so with the staff context line), as the JSON the
// adapter posts, for the console's Try page.
func Preview(r bot.Reply) ([]byte, error) {
	b, err := json.MarshalIndent(slack.Blocks{BlockSet: blocks(r, true)}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("Slack preview: %w", err)
	}
	return b, nil
}
