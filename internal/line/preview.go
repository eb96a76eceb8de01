package line

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// Preview returns the messages a reply becomes on LINE, as the JSON the
// adapter sends (the "messages" of a reply request), for the console's
// Try page: the same render the webhook uses, so what an admin sees is
// what alumni get.
func Preview(r bot.Reply) ([]byte, error) {
	// Unescaped, so that the JSON reads as the platform gets it (the
	// page escapes it for HTML).
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(render(r)); err != nil {
		return nil, fmt.Errorf("LINE preview: %w", err)
	}
	return buf.Bytes(), nil
}
