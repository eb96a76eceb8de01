package console

import (
	"encoding/json"
	"strings"
)

// part is one visible piece of a message as a platform draws it: a line
// of text (bold for a title, small for context), a button, a quick reply,
// or a rule.
type part struct {
	Kind string // "title", "text", "small", "button", "quick", "rule"
	Text string
}

// bubble is one message.
type bubble struct {
	Parts []part
	Quick []string
}

// lineBubbles reads the messages of the LINE adapter's payload: what the
// Try page draws comes from the JSON LINE gets, so it shows the cuts and
// splits the renderer makes.
func lineBubbles(payload []byte) []bubble {
	var msgs []map[string]any
	if json.Unmarshal(payload, &msgs) != nil {
		return nil
	}
	var out []bubble
	for _, m := range msgs {
		var b bubble
		switch m["type"] {
		case "text":
			b.Parts = append(b.Parts, part{"text", str(m["text"])})
		case "flex":
			b.Parts = flexParts(m["contents"], b.Parts)
		}
		if qr, ok := m["quickReply"].(map[string]any); ok {
			for _, it := range list(qr["items"]) {
				if a, ok := it.(map[string]any)["action"].(map[string]any); ok {
					b.Quick = append(b.Quick, str(a["label"]))
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// flexParts walks a Flex component in reading order.
func flexParts(v any, parts []part) []part {
	c, ok := v.(map[string]any)
	if !ok {
		return parts
	}
	switch c["type"] {
	case "bubble":
		for _, k := range []string{"header", "hero", "body", "footer"} {
			parts = flexParts(c[k], parts)
		}
	case "carousel", "box":
		for _, x := range list(c["contents"]) {
			parts = flexParts(x, parts)
		}
	case "text":
		kind := "text"
		if c["weight"] == "bold" {
			kind = "title"
		} else if s := str(c["size"]); s == "xs" || s == "xxs" {
			kind = "small"
		}
		parts = append(parts, part{kind, str(c["text"])})
	case "button":
		if a, ok := c["action"].(map[string]any); ok {
			parts = append(parts, part{"button", str(a["label"])})
		}
	case "separator":
		parts = append(parts, part{"rule", ""})
	}
	return parts
}

// slackParts reads the blocks of the Slack adapter's payload.
func slackParts(payload []byte) []part {
	var blocks []map[string]any
	if json.Unmarshal(payload, &blocks) != nil {
		return nil
	}
	var out []part
	for _, b := range blocks {
		switch b["type"] {
		case "header":
			out = append(out, part{"title", textOf(b["text"])})
		case "section":
			t := textOf(b["text"])
			if strings.HasPrefix(t, "*") && strings.HasSuffix(t, "*") && !strings.Contains(t, "\n") {
				out = append(out, part{"title", strings.Trim(t, "*")})
			} else if t != "" {
				out = append(out, part{"text", unescapeMrkdwn(t)})
			}
			for _, f := range list(b["fields"]) {
				out = append(out, part{"text", unescapeMrkdwn(textOf(f))})
			}
		case "actions":
			for _, e := range list(b["elements"]) {
				m, _ := e.(map[string]any)
				out = append(out, part{"button", textOf(m["text"])})
			}
		case "context":
			for _, e := range list(b["elements"]) {
				out = append(out, part{"small", unescapeMrkdwn(textOf(e))})
			}
		case "divider":
			out = append(out, part{"rule", ""})
		}
	}
	return out
}

// unescapeMrkdwn undoes Slack's three escapes, which the page's own HTML
// escaping replaces.
func unescapeMrkdwn(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// textOf returns a text object's text.
func textOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		return str(m["text"])
	}
	return ""
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
