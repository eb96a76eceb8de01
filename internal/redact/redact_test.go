package redact

import (
	"regexp"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"メールは taro.yamada@gmail.com です", "メールは <email> です"},
		{"my address is Hanako_S+alumni@alumni.osaka-u.ac.jp, please help", "my address is <email>, please help"},
		{"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ に送って", "<email> に送って"},
		{"電話は090-1234-5678です", "電話は<phone>です"},
		{"０９０－１２３４－５６７８に電話ください", "<phone>に電話ください"},
		{"call me on 09012345678", "call me on <phone>"},
		{"自宅 06-6877-5111", "自宅 <phone>"},
		{"(06)6877-5111 までどうぞ", "<phone> までどうぞ"},
		{"+81 90-1234-5678 from abroad", "<phone> from abroad"},
		{"my US number is +1 (415) 555-0100", "my US number is <phone>"},
		{"住所は〒565-0871 吹田市", "住所は<postal> 吹田市"},
		{"postcode 565-0871", "postcode <postal>"},
		{"個人IDはu123456aです", "個人IDは<id>です"},
		{"my id is U654321B", "my id is <id>"},
		{"学籍番号09B12345でした", "学籍番号<student-number>でした"},
		{"学籍番号は 12345678 です", "学籍番号は <number> です"},
		{"card 4111111111111111", "card <number>"},
		{"see https://example.com/reset?token=abc123&user=taro please", "see <url> please"},
		{"https://www.osaka-u.ac.jp/ja/campus/alumni は見ました", "https://www.osaka-u.ac.jp/ja/campus/alumni は見ました"},
		{"2024年3月に卒業しました", "2024年3月に卒業しました"},
		{"パスワードを忘れました", "パスワードを忘れました"},
		{"Office 365 の容量は50GB?", "Office 365 の容量は50GB?"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

var (
	emailRE      = regexp.MustCompile(EmailPattern)
	phoneRE      = regexp.MustCompile(PhonePattern)
	longDigitsRE = regexp.MustCompile(`(?:^|[^xX0-9])(\d{6,})`)
)

func FuzzText(f *testing.F) {
	for _, s := range []string{"a@b.co", "090-1234-5678", "u123456a", "〒565-0871", "https://x.jp/?a=b", "ａ＠ｂ．ｊｐ", "a@b.co@c.jp", "0 90-1234-5678", "パスワードはabc123です", "〇九〇ー一二三四ー五六七八", "山田太郎様", "Thanks, John Smith", "1丁目2番3号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if m := emailRE.FindString(got); m != "" {
			t.Errorf("Text(%q) = %q still has an e-mail address %q", s, got, m)
		}
		if m := phoneRE.FindString(got); m != "" {
			t.Errorf("Text(%q) = %q still has a phone number %q", s, got, m)
		}
		if m := longDigitsRE.FindString(got); m != "" {
			t.Errorf("Text(%q) = %q still has a run of digits %q", s, got, m)
		}
		if got != Withheld && HasPassword(got) {
			t.Errorf("Text(%q) = %q still gives a password", s, got)
		}
	})
}

// BenchmarkText is the cost of redacting one question before it is
// stored (the recorder redacts every question it writes): an ordinary
// question, and one full of personal data.
func BenchmarkText(b *testing.B) {
	for _, bm := range []struct{ name, q string }{
		{"ordinary", "卒業してから生涯メールのパスワードを忘れてしまいました。どうすればいいですか"},
		{"ordinary-en", "I graduated in 2019 and switched to a new phone; now MFA asks me to approve on the old one."},
		{"personal", "卒業生の山田です。電話090-1234-5678、住所は吹田市山田丘1-2-3です。よろしくお願いします"},
		{"personal-en", "Can I forward my alumni mail to taro at example dot com? Thanks, John Smith"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Text(bm.q)
			}
		})
	}
}
