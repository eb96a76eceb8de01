package slack

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/search"
)

// TestEscapedChunksKeepEntities: no piece ends inside "&amp;", and the
// pieces put back together are the escaped text.
func TestEscapedChunksKeepEntities(t *testing.T) {
	for _, n := range []int{10, 11, 12, 13, 14, 3000} {
		text := strings.Repeat("a&b<c>", 1200)
		parts := escapedChunks(text, n)
		for i, p := range parts {
			if utf8.RuneCountInString(p) > n {
				t.Errorf("n=%d: part %d has %d characters", n, i, utf8.RuneCountInString(p))
			}
			if j := strings.LastIndex(p, "&"); j >= 0 && !strings.Contains(p[j:], ";") {
				t.Errorf("n=%d: part %d ends inside an escape: %q", n, i, p[max(0, len(p)-8):])
			}
		}
		if got, want := strings.Join(parts, ""), escape(text); got != want {
			t.Errorf("n=%d: joined parts differ from the escaped text", n)
		}
	}
}

func TestHighlightWords(t *testing.T) {
	tests := []struct {
		text    string
		matched []int
		want    string
	}{
		{"forgot password", []int{7, 10, 14}, "forgot *password*"},
		{"A & B <x>", []int{0}, "*A* &amp; B &lt;x&gt;"},
		{"パスワード <忘れた>", []int{0}, "*パスワード* &lt;忘れた&gt;"},
	}
	for _, tt := range tests {
		if got := highlightWords(search.Hit{Text: tt.text, Matched: tt.matched}); got != tt.want {
			t.Errorf("highlightWords(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestFallbackText(t *testing.T) {
	tests := []struct {
		r    bot.Reply
		want string
	}{
		{bot.Reply{Title: "IMAP & POP", Text: "Use IMAP.\nDetails"}, "IMAP &amp; POP"},
		{bot.Reply{Text: "\nWhich one?\n1) a"}, "Which one?"},
		{bot.Reply{}, "madoguchi"},
	}
	for _, tt := range tests {
		if got := fallbackText(tt.r); got != tt.want {
			t.Errorf("fallbackText(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestWithoutChatWarnings(t *testing.T) {
	tests := map[string]string{
		"メールで送ってください。パスワードは、このチャットには絶対に送らないでください。":                                       "メールで送ってください。",
		"Send it by post. Never send passwords in this chat.":                            "Send it by post.",
		"- your ID\nWhere needed, send it by e-mail. Never send passwords in this chat.": "- your ID\nWhere needed, send it by e-mail.",
		"no warning here": "no warning here",
	}
	for in, want := range tests {
		if got := withoutChatWarnings(in); got != want {
			t.Errorf("withoutChatWarnings(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReplyThread(t *testing.T) {
	tests := []struct {
		channelType, threadTS, ts, want string
	}{
		{"im", "", "1.2", ""},         // a direct message: answered in the conversation
		{"im", "1.0", "1.2", "1.0"},   // a direct message in a thread: in that thread
		{"channel", "", "1.2", "1.2"}, // a mention: in a thread under it
		{"channel", "1.0", "1.2", "1.0"},
	}
	for _, tt := range tests {
		if got := replyThread(tt.channelType, tt.threadTS, tt.ts); got != tt.want {
			t.Errorf("replyThread(%q, %q, %q) = %q, want %q", tt.channelType, tt.threadTS, tt.ts, got, tt.want)
		}
	}
}
