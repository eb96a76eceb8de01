package textnorm

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"パスワード", "ぱすわど"},
		{"ﾊﾟｽﾜｰﾄﾞ", "ぱすわど"},
		{"ぱすわーど", "ぱすわど"},
		{"パスワ〜ド", "ぱすわど"},
		{"パスワ－ド", "ぱすわど"}, // full-width hyphen-minus
		{"サーバー", "さば"},
		{"サーバ", "さば"},
		{"ＯＵＭａｉｌ　ログイン！", "oumail ろぐいん"},
		{"  Forgot   my  PASSWORD?? ", "forgot my password"},
		{"u123456a@alumni.osaka-u.ac.jp", "u123456a alumni osaka u ac jp"},
		{"090〜1234", "090 1234"},
		{"ヴァイオリン", "ゔぁいおりん"},
		{"", ""},
		{"。、！？", ""},
		{"a\xffb", "a b"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHasJapanese(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"I forgot my password", false},
		{"パスワード", true},
		{"ﾊﾟｽﾜｰﾄﾞ", true},
		{"alumniアドレス", true},
		{"漢字", true},
		{"ＡＢＣ", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := HasJapanese(tt.in); got != tt.want {
			t.Errorf("HasJapanese(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFoldLongVowels(t *testing.T) {
	for in, want := range map[string]string{
		"さとう": "さと", "おおの": "おの", "ゆうき": "ゆき", "きょうこ": "きょこ", "りゅうじ": "りゅじ",
		"たかはし": "たかはし", "ゆい": "ゆい", "けいこ": "けいこ", "あおい": "あおい", "": "",
	} {
		if got := FoldLongVowels(in); got != want {
			t.Errorf("FoldLongVowels(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"password", "password", 2, 0},
		{"pasword", "password", 2, 1},
		{"passwrod", "password", 2, 1}, // swap
		{"pasw", "password", 2, 3},     // beyond max
		{"forwad", "forward", 1, 1},
		{"kitten", "sitting", 3, 3},
		{"パスワード", "パスワド", 1, 1},
		{"", "abc", 5, 3},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b, tt.max); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

// FuzzNormalize checks that normalising never panics, always yields valid
// UTF-8 without leading, trailing or doubled spaces, and is idempotent.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"ﾊﾟｽﾜｰﾄﾞ", "ＯＵＭａｉｌ", "a\xffb", "ー〜ー", "ﾞﾟ", "e\u0301", "🙂 hi"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if len(n) > 0 && (n[0] == ' ' || n[len(n)-1] == ' ') {
			t.Fatalf("Normalize(%q) = %q: space at an end", s, n)
		}
		for i := 1; i < len(n); i++ {
			if n[i] == ' ' && n[i-1] == ' ' {
				t.Fatalf("Normalize(%q) = %q: doubled space", s, n)
			}
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, n, again)
		}
	})
}

// FuzzDistance checks the distance is symmetric and bounded.
func FuzzDistance(f *testing.F) {
	f.Add("password", "pasword")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Distance(a, b, 2)
		if d < 0 || d > 3 {
			t.Fatalf("Distance(%q, %q, 2) = %d, want 0..3", a, b, d)
		}
		if d2 := Distance(b, a, 2); d2 != d {
			t.Fatalf("Distance not symmetric: %d vs %d", d, d2)
		}
	})
}
