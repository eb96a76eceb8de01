package lexicon

import "testing"

func TestLists(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"Word(word)", Word("word"), true},
		{"Word(exit)", Word("exit"), true},
		{"Word(spotify)", Word("spotify"), false},
		{"Word(june)", Word("june"), false},
		{"Proper(june)", Proper("june"), true},
		{"Proper(brazil)", Proper("brazil"), true},
		{"Proper(word)", Proper("word"), false},
		{"Known(spotify)", Known("spotify"), false},
		{"Known(notion)", Known("notion"), true},
		{"Word()", Word(""), false},
		{"Word(zzzzzz)", Word("zzzzzz"), false},
		{"Word(~)", Word("~"), false},
		{"JapaneseName(ソフトバンク)", JapaneseName("そふとばんく"), true},
		{"JapaneseName(ドコモ)", JapaneseName("どこも"), true},
		{"JapaneseName(カード)", JapaneseName("かど"), false},
		{"JapaneseName(メール)", JapaneseName("める"), false},
		{"Loanword(ミス)", Loanword("みす"), true},
		{"Loanword(カード)", Loanword("かど"), true},
		{"Loanword(ソフトバンク)", Loanword("そふとばんく"), false},
		{"Loanword()", Loanword(""), false},
		{"Adverbial(昨日)", Adverbial("昨日"), true},
		{"Adverbial(普通)", Adverbial("普通"), true},
		{"Adverbial(同窓会)", Adverbial("同窓会"), false},
		{"Adverbial(証明書)", Adverbial("証明書"), false},
		{"PersonName(おおの)", PersonName("おおの"), true},
		{"PersonName(おの)", PersonName("おの"), true},
		{"PersonName(さとう)", PersonName("さとう"), true},
		{"PersonName(たかはし)", PersonName("たかはし"), true},
		{"PersonName(ぱすわど)", PersonName("ぱすわど"), false},
		{"PersonName(める)", PersonName("める"), false},
		{"PersonName()", PersonName(""), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestReading(t *testing.T) {
	for _, tc := range []struct{ word, want string }{
		{"忘れ", "わすれ"},
		{"卒業", "そつぎょう"},
		{"転送", "てんそう"},
		{"パスワード", ""},
		{"", ""},
	} {
		got, ok := Reading(tc.word)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Reading(%q) = %q, %v; want %q", tc.word, got, ok, tc.want)
		}
	}
}

func BenchmarkReading(b *testing.B) {
	Reading("卒業")
	b.ReportAllocs()
	for b.Loop() {
		Reading("転送")
	}
}

func TestReadingAlone(t *testing.T) {
	for _, tc := range []struct{ kanji, want string }{
		{"人", "ひと"},
		{"話", "はなし"},
		{"卒", ""}, // read the same alone and after a word, or never alone
	} {
		got, ok := ReadingAlone(tc.kanji)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("ReadingAlone(%q) = %q, %v; want %q", tc.kanji, got, ok, tc.want)
		}
	}
}
