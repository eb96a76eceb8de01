package match

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"abc", 0, ""},
		{"あいう", 9, "あいう"},
		{"あいう", 8, "あい"},
		{"あいう", 6, "あい"},
		{"あいう", 2, ""},
		{"aあ", 3, "a"},
		{"😀😀", 7, "😀"},
		{"\x80\x80\x80\x80\x80\x80", 5, "\x80\x80"}, // invalid: gives back at most 3
		{"ab\xe3\x81", 3, "ab"},
	}
	for _, tt := range tests {
		if got := truncate(tt.s, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

// longQuestions are messages longer than the matcher reads: each once
// crashed it or cost time that grew with its length.
var longQuestions = []struct {
	name string
	q    string
	lang catalogue.Lang
}{
	{"あ×1001", strings.Repeat("あ", 1001), catalogue.Japanese},
	{"パスワード×1000", strings.Repeat("パスワード", 1000), catalogue.Japanese},
	{"password×300", strings.Repeat("password ", 300), catalogue.English},
	{"5000 Japanese characters", strings.Repeat("パスワードを忘れました。", 417), catalogue.Japanese},
	{"half-width kana", strings.Repeat("ﾊﾟｽﾜｰﾄﾞ", 1000), catalogue.Japanese},
	{"40,000 characters of Slack text", strings.Repeat("I forgot my password, ログインできない 😀 ", 1100), catalogue.Japanese},
	{"1 MiB word", strings.Repeat("a", 1<<20), catalogue.English},
	{"100,000-letter word", strings.Repeat("pasword", 100000/7), catalogue.English},
	{"invalid UTF-8", strings.Repeat("\xe3\x81", 3000), catalogue.English},
	{"null bytes", strings.Repeat("password\x00", 1000), catalogue.English},
	{"emoji", strings.Repeat("👨‍👩‍👧‍👦", 2000), catalogue.English},
	{"ligatures NFKC lengthens", strings.Repeat("\ufdfa", 3000), catalogue.English},
}

// A long message is matched on its capped prefix: no panic, and the text
// every step reads (after the synonyms, which lengthen it) stays within
// maxQueryBytes and valid UTF-8.
func TestMatchLongQuestions(t *testing.T) {
	x := shippedIndex(t)
	for _, tt := range longQuestions {
		t.Run(tt.name, func(t *testing.T) {
			r := x.Match(tt.q)
			switch r.Decision {
			case Answer, Clarify, Escalate:
			default:
				t.Errorf("decision = %q, want answer, clarify or escalate", r.Decision)
			}
			if r.Lang != tt.lang {
				t.Errorf("lang = %s, want %s", r.Lang, tt.lang)
			}
			norm := x.normalize(tt.q, nil)
			if len(norm) > maxQueryBytes {
				t.Errorf("normalised length = %d bytes, want at most %d", len(norm), maxQueryBytes)
			}
			if !utf8.ValidString(norm) {
				t.Errorf("normalised text is not valid UTF-8: %q…", norm[:min(len(norm), 40)])
			}
		})
	}
}

// The synonyms rewrite "password" to the longer "ぱすわど": the cap holds
// after them, not only before.
func TestCapAfterSynonyms(t *testing.T) {
	x := shippedIndex(t)
	q := strings.Repeat("password ", 300) // 2,700 bytes: under the cap as typed
	if got := x.withSynonyms(q); len(got) <= maxQueryBytes {
		t.Skipf("the shipped synonyms no longer lengthen %q (%d bytes)", "password", len(got))
	}
	if got := len(x.normalize(q, nil)); got > maxQueryBytes {
		t.Errorf("normalised length = %d, want at most %d", got, maxQueryBytes)
	}
}

// Spell correction considers words up to maxTypoBytes letters and the first
// maxCorrections unknown words only.
func TestCorrectBounds(t *testing.T) {
	sp := newSpeller()
	long := strings.Repeat("x", maxTypoBytes)
	sp.add("password " + long)
	tests := []struct {
		name, in, want string
	}{
		{"typo", "pasword", "password"},
		{"longest corrected", long[1:] + "y", long},
		{"too long", long + "y", long + "y"},
		{"first words only", strings.Repeat("zzzz ", maxCorrections) + "pasword", strings.Repeat("zzzz ", maxCorrections) + "pasword"},
		{"within the count", strings.Repeat("zzzz ", maxCorrections-1) + "pasword", strings.Repeat("zzzz ", maxCorrections-1) + "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sp.correct(tt.in, nil); got != tt.want {
				t.Errorf("correct = %.60q, want %.60q", got, tt.want)
			}
		})
	}
}

// TestLongWordCostIsBounded: one long Latin word is cut to the input cap,
// and neither spell correction nor the subject check looks it up letter by
// letter (a look-up costs the square of the word's length: tens of MB).
func TestLongWordCostIsBounded(t *testing.T) {
	x := shippedIndex(t)
	for _, word := range []string{strings.Repeat("a", 1<<20), "Gmail" + strings.Repeat("x", 5000)} {
		allocs := testing.AllocsPerRun(3, func() { x.Match(word) })
		if allocs > 100 {
			t.Errorf("a %d-byte word: %.0f allocations per question, want at most 100", len(word), allocs)
		}
	}
}
