package match

import (
	"slices"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

func TestReadRomaji(t *testing.T) {
	known := func(w string) bool { return w == "alumni" || w == "password" || w == "mail" }
	for _, tt := range []struct{ in, want string }{
		{"pasuwado wo wasureta", "ぱすわどをわすれた"},
		{"meeru no tensou ga dekinai", "めるのてんそうができない"},
		{"kitte", "きって"},
		{"konnichiwa", "こんにちわ"},
		{"alumni no meeru tsukaenai", "alumni のめるつかえない"},
		// A particle beside a Japanese word is Japanese too.
		{"alumni no meeru", "alumni のめる"},
		{"outlook de meeru ga okurenai", "outlook でめるがおくれない"},
		{"I have no idea to do", "I have no idea to do"},
		{"alumni no mail", "alumni no mail"},
		// English stays English, with a Japanese word in it or a name.
		{"I forgot the password of my zoho mail", "I forgot the password of my zoho mail"},
		{"made in japan", "made in japan"},
		{"Spotify password forgot", "Spotify password forgot"},
		{"Tokyo", "Tokyo"},
		// Loanword spellings ("wi", "fi") are not Japanese syllables here.
		{"wifi", "wifi"},
		{"", ""},
	} {
		if got, _ := readRomaji(tt.in, known); got != tt.want {
			t.Errorf("readRomaji(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadingOf(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"パスワードを忘れた", "ぱすわどをわすれた"},
		{"担当者と話したい", "たんとうしゃとはなしたい"},
		// A kanji standing alone at a word's start reads as a word: ひと;
		// after a word, as a suffix: しゃ.
		{"話せる人いますか", "はなせるひといますか"},
		{"ログインの仕方が分かりません", "ろぐいんのしかたがわかりません"},
		{"ぱすわど", ""}, // nothing in kanji: no reading of its own
	} {
		got, _ := readingOf(textnorm.Normalize(tt.in))
		if got != tt.want {
			t.Errorf("readingOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFocus(t *testing.T) {
	for _, tt := range []struct{ in, asking, context string }{
		{"I graduated in 2017. I moved to Brazil. How do I reset my password?", "How do I reset my password?", "I graduated in 2017. I moved to Brazil."},
		{"2010年に卒業しました。転送を止めたいです。どうすればいいですか？", "転送を止めたいです。 どうすればいいですか？", "2010年に卒業しました。"},
		{"How do I sign in?", "How do I sign in?", ""},
		{"mail.osaka-u.ac.jp is down", "mail.osaka-u.ac.jp is down", ""},
		{"What is IMAP? How do I use it?", "What is IMAP? How do I use it?", ""},
	} {
		a, c := focus(tt.in)
		if a != tt.asking || c != tt.context {
			t.Errorf("focus(%q) = %q, %q; want %q, %q", tt.in, a, c, tt.asking, tt.context)
		}
	}
}

// TestOrdinaryWordsAndNames checks what the lexicon tells the matcher: an
// English word is never corrected into a catalogue word, a word in no
// dictionary is a name, a month after a preposition is not a subject.
func TestOrdinaryWordsAndNames(t *testing.T) {
	x := shippedIndex(t)
	var fixed []string
	x.normalize("Word license expired, exit", func(from, to string) { fixed = append(fixed, from+"→"+to) })
	if len(fixed) > 0 {
		t.Errorf("ordinary words corrected: %v", fixed)
	}
	for _, tt := range []struct {
		q    string
		name string // an unknown subject the question must have, or ""
		not  string // a word that must not be one
	}{
		{"Spotify password forgot", "Spotify", ""},
		{"I finish my degree in June and want to keep my address", "", "June"},
		{"Skype password forgotten", "Skype", ""},
	} {
		e := x.Explain(tt.q)
		if tt.name != "" && !slices.Contains(e.UnknownSubjects, tt.name) {
			t.Errorf("%q: unknown subjects %v, want %q among them", tt.q, e.UnknownSubjects, tt.name)
		}
		if tt.not != "" && slices.Contains(e.UnknownSubjects, tt.not) {
			t.Errorf("%q: unknown subjects %v, want no %q", tt.q, e.UnknownSubjects, tt.not)
		}
	}
	if r := x.Match("Spotify password forgot"); r.Decision == Answer {
		t.Errorf("Spotify password forgot: answered %s, want no answer", r.Intent().ID)
	}
}
