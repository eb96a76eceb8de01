package slack

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// Preview returns the Block Kit blocks a reply becomes on Slack (as asked
// by office staff, so with the staff context line), as the JSON the
// adapter posts, for the console's Try page.
func Preview(r bot.Reply) ([]byte, error) {
	// Unescaped, so that the JSON reads as the platform gets it (the
	// page escapes it for HTML).
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(slack.Blocks{BlockSet: blocks(r, true)}); err != nil {
		return nil, fmt.Errorf("Slack preview: %w", err)
	}
	return buf.Bytes(), nil
}
