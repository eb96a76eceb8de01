package catalogue

import (
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

// LINE and Slack show a reply as text: markup in a title or an answer
// reaches the user as tags, and a javascript: address is never a link
// the office means to send.
var (
	markupTag  = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--`)
	javascript = regexp.MustCompile(`(?i)javascript\s*:`)
)

// noMarkup reports HTML tags and javascript: in each language of a
// {ja: …, en: …} text, at the text's own line.
func (w *walker) noMarkup(n *yaml.Node, what string) {
	if n.Kind != yaml.MappingNode {
		return // w.text has reported it
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		lang, v := n.Content[i].Value, n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			continue
		}
		if m := markupTag.FindString(v.Value); m != "" {
			w.addJA(v, fmt.Sprintf("%s (%s) contains the markup %q; LINE and Slack would show it as it is: write plain text (a link goes under links)", what, lang, m),
				fmt.Sprintf("%s (%s) にマークアップ %q があります。LINEやSlackではそのまま表示されるので、普通の文で書いてください（リンクは links に書きます）", what, lang, m))
		}
		if javascript.MatchString(v.Value) {
			w.addJA(v, fmt.Sprintf("%s (%s) contains \"javascript:\"; write plain text, and put https links under links", what, lang),
				fmt.Sprintf("%s (%s) に \"javascript:\" があります。普通の文で書き、https のリンクは links に書いてください", what, lang))
		}
	}
}
