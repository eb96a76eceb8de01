package line

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func TestSplitNeverCutsURLs(t *testing.T) {
	u := "https://oumail-support.ecs.cmc.osaka-u.ac.jp/hc/ja/articles/34932704956180-02-%E3%83%A1%E3%83%BC%E3%83%AB"
	tests := []struct {
		name  string
		text  string
		limit int
	}{
		{"lines", strings.Repeat("一行の説明です。\n", 40), 100},
		{"one long line with a URL", strings.Repeat("あ", 90) + u + strings.Repeat("い", 90), 120},
		{"URLs only", strings.Repeat(u+" ", 10), 150},
		{"english", strings.Repeat("Sign in at https://mail.office365.com and check. ", 30), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := split(tt.text, tt.limit)
			joined := strings.Join(parts, "")
			if strings.ReplaceAll(strings.ReplaceAll(joined, "\n", ""), " ", "") != strings.ReplaceAll(strings.ReplaceAll(tt.text, "\n", ""), " ", "") {
				t.Fatal("split lost or changed text")
			}
			for _, p := range parts {
				if units(p) > tt.limit {
					t.Errorf("part of %d units > %d", units(p), tt.limit)
				}
			}
			whole := urlPattern.FindAllString(tt.text, -1)
			var got []string
			for _, p := range parts {
				got = append(got, urlPattern.FindAllString(p, -1)...)
			}
			if strings.Join(got, "|") != strings.Join(whole, "|") {
				t.Errorf("URLs changed by splitting:\n got %q\nwant %q", got, whole)
			}
		})
	}
}

func TestRenderLongAnswer(t *testing.T) {
	long := strings.Repeat("説明の文です。", 400) + "\n詳しくは https://www.cmc.osaka-u.ac.jp/edu/oumail/ja-jp/basic-auth.html をご覧ください。"
	r := bot.Reply{Decision: match.Answer, Lang: catalogue.Japanese, Title: "題", Text: long,
		Related: []bot.Choice{{ID: "mfa-reset", Label: "電話番号を変えて多要素認証ができない（リセット）"}}}
	msgs := render(r)
	if len(msgs) < 2 || len(msgs) > maxMessages {
		t.Fatalf("got %d messages, want a card and follow-up text, at most %d", len(msgs), maxMessages)
	}
	last, ok := msgs[len(msgs)-1].(*messaging_api.TextMessage)
	if !ok || last.QuickReply == nil || !strings.Contains(last.Text, "https://www.cmc.osaka-u.ac.jp/edu/oumail/ja-jp/basic-auth.html") {
		t.Fatalf("last message = %#v, want the text with the whole URL and the quick replies", msgs[len(msgs)-1])
	}
	if got := last.QuickReply.Items[0].Action.(*messaging_api.PostbackAction).Label; got != "電話番号を変えて多要素認証ができない（…" || len([]rune(got)) != maxQuickReplyLabel {
		t.Errorf("quick reply label = %q, want cut to %d characters", got, maxQuickReplyLabel)
	}
	card := msgs[0].(*messaging_api.FlexMessage)
	if n := len([]rune(card.AltText)); n > maxAltText {
		t.Errorf("altText of %d characters > %d", n, maxAltText)
	}
	b, err := json.Marshal(card)
	if err != nil || !strings.Contains(string(b), `"type":"flex"`) {
		t.Errorf("card JSON %v %.100s", err, b)
	}
}

func TestRenderQuickReplyCap(t *testing.T) {
	var choices []bot.Choice
	for range 20 {
		choices = append(choices, bot.Choice{ID: "x", Label: "x"})
	}
	msgs := render(bot.Reply{Decision: match.Clarify, Text: "どれ？", Choices: choices})
	if n := len(msgs[0].(*messaging_api.TextMessage).QuickReply.Items); n != maxQuickReplies {
		t.Errorf("%d quick replies, want %d", n, maxQuickReplies)
	}
}

func TestCutUTF16(t *testing.T) {
	tests := []struct {
		s             string
		index, length int
		want          string
	}{
		{"@madoguchi hello", 0, 10, " hello"},
		{"😀@bot hi", 2, 4, "😀 hi"}, // the emoji is two UTF-16 units
		{"short", 3, 10, "short"},  // out of range: unchanged
	}
	for _, tt := range tests {
		if got := cutUTF16(tt.s, tt.index, tt.length); got != tt.want {
			t.Errorf("cutUTF16(%q, %d, %d) = %q, want %q", tt.s, tt.index, tt.length, got, tt.want)
		}
	}
}

func TestPostbackRoundTrip(t *testing.T) {
	id, lang := parsePostback(postbackData("forward-change", catalogue.English))
	if id != "forward-change" || lang != catalogue.English {
		t.Errorf("round trip = %s %s", id, lang)
	}
	for _, bad := range []string{"", "%zz", "lang=en"} {
		if id, _ := parsePostback(bad); id != bot.NoneChoice {
			t.Errorf("parsePostback(%q) = %s, want none", bad, id)
		}
	}
}
