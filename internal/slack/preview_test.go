package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func TestPreview(t *testing.T) {
	r := bot.Reply{Decision: match.Answer, Title: "転送先の変更", Text: "Outlook <settings>", Links: []bot.Link{{Label: "Guide", URL: "https://example.ac.jp/guide"}}}
	b, err := json.MarshalIndent(Preview(r), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []map[string]any
	if err := json.Unmarshal(b, &blocks); err != nil || len(blocks) < 2 {
		t.Fatalf("got %s (%v), want a JSON array of blocks", b, err)
	}
	// Compare decoded text: the SDK's own encoder escapes & as \u0026.
	decoded := fmt.Sprint(blocks)
	for _, w := range []string{"type:section", "*転送先の変更*", "Outlook &lt;settings&gt;", "https://example.ac.jp/guide"} {
		if !strings.Contains(decoded, w) {
			t.Errorf("preview lacks %s:\n%s", w, b)
		}
	}
}
