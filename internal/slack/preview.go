package slack

import (
	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// Preview returns the Block Kit blocks a reply becomes on Slack (as asked
// by office staff, so with the staff context line), for the console's Try
// page: the same render the adapter posts.
func Preview(r bot.Reply) any { return slack.Blocks{BlockSet: blocks(r, true)} }
