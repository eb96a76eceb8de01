package match

import (
	"math"
	"slices"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

func TestReadRomaji(t *testing.T) {
	known := func(w string) bool {
		return w == "alumni" || w == "password" || w == "mail" || w == "kanji" || w == "name" || w == "no"
	}
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
		// In a romaji sentence a catalogue word that is no English word
		// is Japanese too; one that is English stays as written.
		{"sashidashinin no namae wo kanji ni kaetai", "さしだしにんのなまえをかんじにかえたい"},
		{"name wo kaetai", "name をかえたい"},
		// A Latin word in a sentence written in Japanese is a name.
		{"Zohoメールの容量", "Zohoメールの容量"},
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
		// An abbreviation's period ends no sentence; a short word's does.
		{"Is my univ. mailbox full? How much space is there?", "Is my univ. mailbox full? How much space is there?", ""},
		{"I like my univ. mailbox. How much space is there?", "How much space is there?", "I like my univ. mailbox."},
		{"I moved to the US. how do I forward?", "how do I forward?", "I moved to the US."},
		{"I graduated. how do I sign in?", "how do I sign in?", "I graduated."},
	} {
		a, c, _ := focus(tt.in, nil)
		if a != tt.asking || c != tt.context {
			t.Errorf("focus(%q) = %q, %q; want %q, %q", tt.in, a, c, tt.asking, tt.context)
		}
	}
}

// TestFocusHearsProblem checks that a sentence stating a problem the FAQ
// knows is part of the question, while background stays context.
func TestFocusHearsProblem(t *testing.T) {
	x := shippedIndex(t)
	s := x.scratch.Get().(*scratch)
	defer x.scratch.Put(s)
	for _, tt := range []struct{ in, asking, context string }{
		// Every sentence is the question: the message stays whole.
		{"パスワードを忘れてしまいました。どうしたらいいでしょうか", "パスワードを忘れてしまいました。どうしたらいいでしょうか", ""},
		{"I forgot my password. What now?", "I forgot my password. What now?", ""},
		{"2015年に卒業しました。転送先はどこで変えられますか", "転送先はどこで変えられますか", "2015年に卒業しました。"},
		{"I work at a bank in Tokyo. How do I change the forwarding address?", "How do I change the forwarding address?", "I work at a bank in Tokyo."},
	} {
		a, c, _ := x.focus(tt.in, s)
		if a != tt.asking || c != tt.context {
			t.Errorf("focus(%q) = %q, %q; want %q, %q", tt.in, a, c, tt.asking, tt.context)
		}
	}
	// A statement's aside is no subject; a question's is.
	for _, tt := range []struct{ in, subject string }{
		{"My forwarding stopped working (I closed that Fastmail account). How can I fix it?", "My forwarding stopped working  . How can I fix it?"},
		{"Is my Fastmail (the paid one) a problem? How do I forward?", "Is my Fastmail (the paid one) a problem? How do I forward?"},
	} {
		if _, _, subject := x.focus(tt.in, s); subject != tt.subject {
			t.Errorf("focus(%q) subject %q, want %q", tt.in, subject, tt.subject)
		}
	}
	// It leaves the scratch as it found it, ready for the question.
	if len(s.intents) != 0 || slices.ContainsFunc(s.best, nonZero) || slices.ContainsFunc(s.pool, nonZero) || slices.ContainsFunc(s.dot, nonZero) {
		t.Errorf("focus left scores in the scratch")
	}
}

func nonZero(f float32) bool { return f != 0 }

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

// What a message's context mentions is not what it asks about: an
// out-of-scope topic in a context sentence ("I'm job hunting") weighs
// nothing, while a question with no subject of its own ("how much storage
// do I get?") asks about the name its context gives.
func TestContextWeighsLess(t *testing.T) {
	x := shippedIndex(t)
	bare := x.Match("What will my address be after graduation?")
	framed := x.Match("I'm looking for a new job this spring. What will my address be after graduation?")
	if math.Abs(framed.Evidence.OutOfScope-bare.Evidence.OutOfScope) > 1e-6 {
		t.Errorf("a job in the context gives out-of-scope evidence %.3f, the bare question %.3f: want the same", framed.Evidence.OutOfScope, bare.Evidence.OutOfScope)
	}
	if c := framed.Candidates; len(c) == 0 || c[0].Intent.ID != "address-domain" {
		t.Errorf("framed question ranks %v first, want address-domain", framed.Candidates)
	}
	for _, q := range []string{"私はZohoメールを使っています。容量はどれくらいですか", "I mostly use Zoho Mail these days. How much storage do I get?"} {
		if r := x.Match(q); r.Decision == Answer {
			t.Errorf("%q answered with %s: the storage asked about is Zoho's", q, r.Intent().ID)
		}
	}
	if r := x.Match("I graduated in 2019. How much storage do I get?"); r.Intent() == nil || r.Intent().ID != "mailbox-quota" {
		t.Errorf("a context with no name: decision %s, want mailbox-quota answered", r.Decision)
	}
}

func TestWithoutAsides(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"my old inbox (at Zoho) is gone", "my old inbox   is gone"},
		{"転送先（会社のアドレス）を変えたい", "転送先 を変えたい"},
		{"a (nested (aside)) b", "a   b"},
		{"unclosed (aside", "unclosed (aside"},
		{"stray ) mark", "stray ) mark"},
		{"", ""},
	} {
		if got := withoutAsides(tc.in); got != tc.want {
			t.Errorf("withoutAsides(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAsideIsNoSubject checks that a name written in parentheses in the
// context is not taken for the subject of a question that names none.
func TestAsideIsNoSubject(t *testing.T) {
	x := shippedIndex(t)
	q := "The address I forward to stopped working (I closed that Fastmail account). How can I update it?"
	e := x.Explain(q)
	if len(e.UnknownSubjects) > 0 {
		t.Errorf("unknown subjects %v, want none: the aside is not the question's subject", e.UnknownSubjects)
	}
}
