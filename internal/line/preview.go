package line

import (
	"encoding/json"
	"fmt"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// Preview returns the messages a reply becomes on LINE, as the JSON the
// adapter sends (the "messages" of a reply request), for the console's
// Try page: the same render the webhook uses, so what an admin sees is
// what alumni get.
func Preview(r bot.Reply) ([]byte, error) {
	b, err := json.MarshalIndent(render(r), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("LINE preview: %w", err)
	}
	return b, nil
}
